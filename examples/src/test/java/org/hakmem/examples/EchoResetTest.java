package org.hakmem.examples;

import org.hakmem.netty.HakmemByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that reset their connections (SO_LINGER 0) while EchoServer still has echoes to write, or
 * close them without reading: every buffer the server read is released all the same.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoResetTest {

    @Test
    void resetConnectionsLeaveNoBufferHeld() throws Exception {
        HakmemByteBufAllocator alloc = HakmemByteBufAllocator.builder().build();
        try (LeakReports leaks = new LeakReports()) {
            try (EchoServer server = new EchoServer(alloc, 0)) {
                int port = server.start();
                byte[] data = new byte[1 << 20];
                for (int i = 0; i < 8; i++) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoLinger(i % 2 == 0, 0); // even: RST; odd: FIN with echoes unread
                        OutputStream out = s.getOutputStream();
                        out.write(data, 0, (i + 1) * 100_000);
                        out.flush();
                    }
                }
                Thread.sleep(500); // let the server read and fail its writes before close() ends it all
            }
            // close() released what was still queued; a buffer dropped without release stays counted
            assertThat(alloc.metric().usedDirectMemory()).as("%s", alloc.metric()).isZero();
            assertThat(leaks.afterCollection(alloc)).isEmpty();
        }
    }
}
