/*
 * CompareReportTest: the compare tables on made-up runs. The echo caption names the transport the
 * servers ran: where epoll does not load they fall back to NIO, and the figures are NIO's.
 */
package org.hakmem.bench.compare;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareReportTest {

    @Test
    void theEchoCaptionNamesTheTransportThatRan() {
        List<RunRecord> records = List.of(echo("hakmem", "nio"), echo("pooled", "nio"));
        String tables = CompareReport.tables(records, List.of("echo"), List.of("hakmem", "pooled"), EchoOptions.DEFAULT);
        assertTrue(tables.contains("transport: nio (epoll was asked for)"), tables);
    }

    private static RunRecord echo(String allocator, String transport) {
        return new RunRecord(1, "echo", allocator, 20, Map.of("msgs_per_s", "400000.0", "ops_per_s", "400000.0",
                "p50_us", "250.0", "p99_us", "4000.0", "p999_us", "8000.0", "hwm_kib", "330000",
                "phase_hwm_kib", "320000", "rss_end_kib", "320000", "transport", transport), List.of(), List.of(), null);
    }
}
