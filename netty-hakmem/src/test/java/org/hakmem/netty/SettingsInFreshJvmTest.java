package org.hakmem.netty;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings read from a real system property or environment variable, in a fresh JVM where the class
 * is initialised too (AllocatorBehaviourTest checks precedence and messages through Builder.sources()).
 * README, "Configuration": a valid property or variable configures DEFAULT and any builder that does
 * not set the setting; the builder method wins over both; an invalid one fails the first use of the
 * class, builder() included, with an ExceptionInInitializerError caused by an IllegalArgumentException
 * that names the variable and the value.
 */
class SettingsInFreshJvmTest {

    /**
     * The child. "builder": builds an allocator whose builder sets the profile to FAST and allocates
     * from it. "default": allocates from DEFAULT. Prints what it built or what it threw.
     */
    public static void main(String[] args) {
        if (args[0].equals("again")) {
            useTwiceSwallowingTheFirstError();
            return;
        }
        try {
            HakmemByteBufAllocator alloc = args[0].equals("default") ? HakmemByteBufAllocator.DEFAULT
                    : HakmemByteBufAllocator.builder().profile(Profile.FAST).build();
            alloc.directBuffer(100).release();
            System.out.println("BUILT " + args[0] + " " + alloc.config().profile() + " cap "
                    + alloc.config().maxMappedBytes());
        } catch (Throwable e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("THREW " + e.getClass().getName() + " / " + cause.getClass().getName() + ": "
                    + cause.getMessage());
            System.exit(1);
        }
    }

    /**
     * "again": a framework that catches the first error (and logs nothing) and uses the class again.
     * Prints only the second error's own class and message, as a caller that logs e.toString() does.
     */
    private static void useTwiceSwallowingTheFirstError() {
        try {
            HakmemByteBufAllocator.DEFAULT.directBuffer(1).release();
        } catch (Throwable first) {
            // swallowed
        }
        try {
            HakmemByteBufAllocator.DEFAULT.directBuffer(1).release();
            System.out.println("BUILT again");
        } catch (Throwable second) {
            System.out.println("SECOND " + second);
            System.exit(1);
        }
    }

    private record Child(int exit, String out) {
    }

    private static Child run(String mode, String property, String envName, String envValue)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (property != null) {
            cmd.add(property);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SettingsInFreshJvmTest.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (envName != null) {
            pb.environment().put(envName, envValue);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits");
        return new Child(p.exitValue(), out);
    }

    @Test
    void aPropertyConfiguresDefaultAndTheBuilderMethodWinsOverIt() throws Exception {
        Child lean = run("default", "-Dhakmem.ss.memLean=1", null, null);
        assertEquals(0, lean.exit(), lean.out());
        assertThat(lean.out()).contains("BUILT default LEAN");
        Child fast = run("builder", "-Dhakmem.ss.memLean=1", null, null);
        assertEquals(0, fast.exit(), fast.out());
        assertThat(fast.out()).contains("BUILT builder FAST");
    }

    @Test
    void anEnvironmentVariableConfiguresDefault() throws Exception {
        Child capped = run("default", null, "HAKMEM_MAX_MAPPED_MB", "96");
        assertEquals(0, capped.exit(), capped.out());
        assertThat(capped.out()).contains("cap " + (96L << 20));
    }

    @Test
    void anInvalidPropertyFailsTheFirstUseOfTheClassNamingIt() throws Exception {
        Child child = run("builder", "-Dhakmem.ss.memLean=yes", null, null);
        assertEquals(1, child.exit(), child.out());
        assertThat(child.out()).contains("THREW java.lang.ExceptionInInitializerError / "
                + "java.lang.IllegalArgumentException").contains("hakmem.ss.memLean='yes'");
    }

    @Test
    void anInvalidEnvironmentVariableFailsTheFirstUseOfTheClassNamingIt() throws Exception {
        Child child = run("default", null, "HAKMEM_MAX_MAPPED_MB", "lots");
        assertEquals(1, child.exit(), child.out());
        assertThat(child.out()).contains("THREW java.lang.ExceptionInInitializerError / "
                + "java.lang.IllegalArgumentException").contains("HAKMEM_MAX_MAPPED_MB='lots'");
    }

    /**
     * A setting whose name is mistyped used to be ignored: the allocator ran with the default and
     * nothing said so. A name that differs from one of ours only in case, separators or a letter or
     * two, or an unknown name in our property namespace, now fails the first use of the class too.
     */
    @Test
    void aMistypedNameFailsTheFirstUseOfTheClassNamingIt() throws Exception {
        Child wrongCase = run("default", "-Dhakmem.ss.memlean=1", null, null);
        assertEquals(1, wrongCase.exit(), wrongCase.out());
        assertThat(wrongCase.out()).contains("THREW java.lang.ExceptionInInitializerError / "
                + "java.lang.IllegalArgumentException").contains("hakmem.ss.memlean='1'")
                .contains("did you mean hakmem.ss.memLean?");
        Child envNameAsProperty = run("default", "-DHAKMEM_SS_MEM_LEAN=1", null, null);
        assertEquals(1, envNameAsProperty.exit(), envNameAsProperty.out());
        assertThat(envNameAsProperty.out()).contains("HAKMEM_SS_MEM_LEAN='1'").contains("hakmem.ss.memLean");
        Child misspelt = run("builder", null, "HAKMEM_SS_MEM_LEAN_DECOMIT", "DONTNEED");
        assertEquals(1, misspelt.exit(), misspelt.out());
        assertThat(misspelt.out()).contains("environment variable HAKMEM_SS_MEM_LEAN_DECOMIT='DONTNEED'")
                .contains("did you mean HAKMEM_SS_MEM_LEAN_DECOMMIT?");
        Child unknown = run("builder", "-Dhakmem.leanTargetMB=32", null, null);
        assertEquals(1, unknown.exit(), unknown.out());
        assertThat(unknown.out()).contains("system property hakmem.leanTargetMB='32'")
                .contains("hakmem.ss.memLeanTargetMB");
    }

    /**
     * After a failed first use, every later use of the class throws NoClassDefFoundError. On JDK 17 that
     * error carries no cause, so an application that lost the first error learnt nothing of the setting
     * at fault. The failure is now also logged (Netty's logger, at ERROR) when it happens.
     */
    @Test
    void aFailedFirstUseIsLoggedWithTheSettingsNameForLaterUsesThatOnlySeeNoClassDefFoundError() throws Exception {
        Child child = run("again", "-Dhakmem.ss.memLean=yes", null, null);
        assertEquals(1, child.exit(), child.out());
        assertThat(child.out()).contains("SECOND java.lang.NoClassDefFoundError")
                .contains("HakmemByteBufAllocator.DEFAULT could not be built")
                .contains("hakmem.ss.memLean='yes'");
    }
}
