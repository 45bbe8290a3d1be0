/*
 * SessionOutput: what every mode writes at the end: report.md (header + the mode's tables), the raw
 * CSV files, a pointer to the folder on stdout, and the exit code (1 if any child run failed).
 */
package org.hakmem.bench.compare;

import java.io.PrintWriter;
import java.util.List;

final class SessionOutput {
    private SessionOutput() {
    }

    static int finish(ResultsDir dir, String header, String body, List<RunRecord> records, PrintWriter out,
                      PrintWriter err) {
        dir.write("runs.csv", CsvFiles.runs(records));
        if (records.stream().anyMatch(r -> !r.samples().isEmpty())) {
            dir.write("samples.csv", CsvFiles.samples(records));
        }
        if (records.stream().anyMatch(r -> !r.epochs().isEmpty())) {
            dir.write("epochs.csv", CsvFiles.epochs(records));
        }
        dir.write("report.md", header + body + CompareReport.failures(records));
        out.println();
        out.print(body);
        out.println("results: " + dir.path().toAbsolutePath());
        out.flush();
        long failed = records.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            err.println(failed + " of " + records.size() + " runs FAILED; their output is in the report ("
                    + dir.file("report.md") + ")");
            err.flush();
            return 1;
        }
        return 0;
    }
}
