/*
 * ToolRun: runs CompareTool in-process (its child JVMs are real) and keeps its exit code, stdout
 * and stderr for the assertions of the tests.
 */
package org.hakmem.bench.compare;

import java.io.PrintWriter;
import java.io.StringWriter;

record ToolRun(int exit, String out, String err) {

    static ToolRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CompareTool.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new ToolRun(exit, out.toString(), err.toString());
    }

    /** For assertion messages: everything the tool said. */
    String transcript() {
        return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
