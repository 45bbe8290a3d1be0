package org.hakmem.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ChildJvm's children do not outlive their parent: a benchmark launcher stopped with SIGTERM (kill,
 * a CI job's cancel) takes its running child with it rather than leaving it to run on, reparented to
 * init, for as long as its run lasts (a 30-minute soak child ran on for 30 minutes). And a failure's
 * first line says why the child failed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChildJvmTest {

    @Test
    void aParentStoppedWithSigtermTakesItsChildWithIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ChildJvm parent = new ChildJvm("parent", List.of(java, "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), Parent.class.getName()))) {
            long childPid = Long.parseLong(parent.awaitLine("CHILD ", 60).substring("CHILD ".length()).trim());
            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            assertThat(child).as("the child runs").isPresent();

            ProcessHandle.of(parent.pid()).orElseThrow().destroy(); // SIGTERM, as kill does
            boolean childGone = waitForExit(child.get(), 30);
            if (!childGone) {
                child.get().destroyForcibly(); // leave nothing behind, then fail
            }
            assertThat(childGone).as("the child of a parent stopped with SIGTERM has exited").isTrue();
        }
    }

    /**
     * The first line of a failure says why the child failed, where the child said it in an "error: "
     * line: the comparison tool's CSV and A/B verdict show that first line only, which read
     * "exited with 1; its output:" for every failure alike.
     */
    @Test
    void aFailureQuotesTheChildsErrorLineInItsFirstLine() throws Exception {
        try (ChildJvm child = new ChildJvm("failing", List.of("sh", "-c",
                "echo starting; echo 'error: the server closed 2 of 2 connections' >&2; exit 1"))) {
            assertThatThrownBy(() -> child.awaitExit(60)).isInstanceOf(ChildJvm.ChildFailure.class)
                    .satisfies(e -> assertThat(e.getMessage().lines().findFirst()).contains(
                            "failing exited with 1 (error: the server closed 2 of 2 connections); its output:"));
        }
    }

    private static boolean waitForExit(ProcessHandle p, long seconds) throws InterruptedException {
        try {
            p.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !p.isAlive();
        }
    }

    /** Starts a child that would run for 5 minutes, prints "CHILD <pid>" and waits for it. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            try (ChildJvm child = new ChildJvm("sleeper", List.of("sh", "-c", "echo PID $$; exec sleep 300"))) {
                String pid = child.awaitLine("PID ", 30).substring("PID ".length()).trim();
                System.out.println("CHILD " + pid);
                System.out.flush();
                child.awaitExit(600);
            }
        }
    }
}
