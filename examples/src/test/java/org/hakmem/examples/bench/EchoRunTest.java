/*
 * EchoRunTest: one echo run against stand-in server and client "JVMs" (a shell script that answers
 * as EchoBenchServer or EchoLoadClient would), so that the launcher's side of the protocol is checked
 * without real JVMs. Where epoll does not load, the server falls back to NIO and says so on its
 * TRANSPORT line: the result carries the transport that ran, not the one asked for.
 */
package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoRunTest {
    @TempDir
    Path tmp;

    @Test
    void theResultCarriesTheTransportTheServerRan() throws Exception {
        Path java = tmp.resolve("stand-in-java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "case \"$*\" in",
                "*EchoBenchServer*)",
                "  echo 'NOTE epoll not available (stand-in); falling back to nio'",
                "  echo 'TRANSPORT nio ALLOCATOR hakmem'",
                "  echo 'PORT 4242'",
                "  while read line; do [ \"$line\" = STOP ] && break; done",
                "  echo 'SERVER vmhwm_kib=400 phase_hwm_kib=300 vmrss_kib=290 used_direct=0 mapped=2097152"
                        + " resident=2097152 syscalls=2' ;;",
                "*EchoLoadClient*)",
                "  echo MEASURING",
                "  echo 'CLIENT msgs_per_s=1000.0 p50_us=10.0 p99_us=20.0 p999_us=30.0' ;;",
                "esac",
                "exit 0", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        EchoRun.Settings settings = new EchoRun.Settings(java.toString(), List.of("-Xmx64m"), "cp", "epoll", 2, 100,
                1, 0, 1, null, null);

        EchoRun.Result r = EchoRun.run(settings, "hakmem");

        assertThat(r.msgsPerS()).isEqualTo(1000.0);
        assertThat(r.serverPhaseHwmKib()).isEqualTo(300);
        assertThat(r.transport()).isEqualTo("nio");
        assertThat(r.asMap()).containsEntry("transport", "nio");
    }
}
