/*
 * hsdis-llvm.c: a minimal disassembler plugin for HotSpot (-XX:+PrintAssembly, JMH's -prof perfasm),
 * over the C API of the system's LLVM. A profiling aid for developers, not part of the library.
 *
 * HotSpot looks for hsdis-amd64.so in the JDK's lib/server/ (or lib/) directory, or on
 * LD_LIBRARY_PATH, and calls decode_instructions_virtual() for each range of machine code it prints:
 * one "insn" event per instruction (HotSpot prints the address and its annotations there), the
 * instruction's text through printf_callback, and a newline when asked. build.sh compiles it.
 */
#include <stdint.h>
#include <stdio.h>
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>

typedef void *(*event_callback_t)(void *stream, const char *event, void *arg);
typedef int (*printf_callback_t)(void *stream, const char *format, ...);

void LLVMInitializeX86TargetInfo(void);
void LLVMInitializeX86TargetMC(void);
void LLVMInitializeX86Disassembler(void);

static LLVMDisasmContextRef context(void) {
    static LLVMDisasmContextRef ctx;
    if (ctx == NULL) {
        LLVMInitializeX86TargetInfo();
        LLVMInitializeX86TargetMC();
        LLVMInitializeX86Disassembler();
        ctx = LLVMCreateDisasm("x86_64-pc-linux-gnu", NULL, 0, NULL, NULL);
        if (ctx != NULL) {
            LLVMSetDisasmOptions(ctx, LLVMDisassembler_Option_PrintImmHex);
        }
    }
    return ctx;
}

__attribute__((visibility("default")))
void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event, void *event_stream,
                                  printf_callback_t print, void *print_stream,
                                  const char *options, int newline) {
    (void) length;
    (void) options;
    if (print == NULL) {
        print = (printf_callback_t) fprintf;
        if (print_stream == NULL) {
            print_stream = stdout;
        }
    }
    LLVMDisasmContextRef ctx = context();
    if (ctx == NULL) {
        print(print_stream, "hsdis-llvm: LLVM has no x86-64 disassembler\n");
        return (void *) start_va;
    }
    if (event != NULL) {
        event(event_stream, "insns", (void *) start_va);
    }
    uintptr_t p = start_va;
    while (p < end_va) {
        char text[128];
        if (event != NULL) {
            event(event_stream, "insn", (void *) p);
        }
        size_t size = LLVMDisasmInstruction(ctx, buffer + (p - start_va), end_va - p, p, text, sizeof text);
        if (size == 0) {
            print(print_stream, "\t<unknown byte 0x%02x>", buffer[p - start_va]);
            size = 1;
        } else {
            print(print_stream, "%s", text);
        }
        p += size;
        if (event != NULL) {
            event(event_stream, "/insn", (void *) p);
        }
        if (newline) {
            print(print_stream, "\n");
        }
    }
    return (void *) p;
}
