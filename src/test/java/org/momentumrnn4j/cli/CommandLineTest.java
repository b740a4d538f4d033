package org.momentumrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the command line on tiny tasks. */
class CommandLineTest {

    private static String capture(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void trainWritesEveryOutputAndEvaluateReadsTheCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String s = capture(() -> assertEquals(0, Main.run("train", "--task", "adding", "--time", "8", "--train-size", "256",
                "--val-size", "64", "--cell", "momentum-lstm", "--hidden", "8", "--epochs", "3", "--batch", "32",
                "--lr", "0.01", "--out", out.toString())));
        assertTrue(s.contains("momentum-lstm on adding: 3 epochs"), s);
        for (String f : new String[] {"metrics.csv", "iterations.csv", "best.zip", "last.zip", "learning-curve.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        byte[] png = Files.readAllBytes(out.resolve("learning-curve.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        String e = capture(() -> assertEquals(0, Main.run("evaluate", "--model", out.resolve("best.zip").toString(),
                "--task", "adding", "--time", "8", "--val-size", "64")));
        assertTrue(e.contains("MSE") && e.contains("baseline"), e);
    }

    @Test
    void copyTaskWithDtriv(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("copy");
        capture(() -> assertEquals(0, Main.run("train", "--task", "copy", "--time", "5", "--train-size", "64",
                "--val-size", "32", "--cell", "momentum-dtriv", "--hidden", "8", "--epochs", "1", "--batch", "16",
                "--optimizer", "rmsprop", "--alpha", "0.99", "--out", out.toString())));
        assertTrue(Files.exists(out.resolve("best.zip")));
    }

    @Test
    void gradnormWritesCsvPngAndSummary(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("gn");
        String s = capture(() -> assertEquals(0, Main.run("gradnorm", "--cells", "lstm,momentum-lstm", "--time", "30",
                "--hidden", "8", "--batch", "4", "--train-steps", "4", "--every", "2", "--match-forget-bias",
                "--out", out.toString())));
        assertTrue(s.contains("h first/last") && s.contains("momentum-lstm"), s);
        java.util.List<String> csv = Files.readAllLines(out.resolve("gradnorm-init.csv"));
        assertEquals(31, csv.size());
        assertTrue(csv.get(0).startsWith("t,lstm:dL/dh,lstm:dL/dx,lstm:dL/dc,momentum-lstm:dL/dh"), csv.get(0));
        java.util.List<String> heat = Files.readAllLines(out.resolve("heatmap-momentum-lstm-h.csv"));
        assertEquals("t,0,2,4", heat.get(0));
        assertEquals(31, heat.size());
        for (String png : new String[] {"gradnorm-init-h.png", "gradnorm-init-x.png", "heatmap-lstm-h.png", "lines-lstm-h.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }

    @Test
    void benchPrintsTheResultLine() {
        String s = capture(() -> assertEquals(0, Main.run("bench", "--cell", "sr-lstm-b", "--time", "5", "--batch", "2",
                "--input", "3", "--hidden", "4", "--reps", "3", "--warmup", "1")));
        String last = s.strip().substring(s.strip().lastIndexOf('\n') + 1);
        assertTrue(last.matches("RESULT sr-lstm-b T=5 B=2 I=3 H=4 min_ms=[0-9.]+ median_ms=[0-9.]+"), last);
    }

    @Test
    void benchAgainstAnotherCellPrintsBothResultsAndTheRatios() {
        String s = capture(() -> assertEquals(0, Main.run("bench", "--cell", "momentum-lstm", "--against", "lstm",
                "--time", "5", "--batch", "2", "--input", "3", "--hidden", "4", "--reps", "3", "--warmup", "1",
                "--warmup-seconds", "0")));
        String[] lines = s.strip().split("\n");
        assertTrue(lines[lines.length - 1].matches("RESULT momentum-lstm T=5 B=2 I=3 H=4 min_ms=[0-9.]+ median_ms=[0-9.]+"),
                lines[lines.length - 1]);
        assertTrue(lines[lines.length - 2].matches("# momentum-lstm / lstm: ratio of medians [0-9.]+, median of per-pair "
                + "ratios [0-9.]+ \\(pairs min [0-9.]+, max [0-9.]+\\)"), lines[lines.length - 2]);
        assertTrue(lines[lines.length - 3].matches("RESULT lstm T=5 B=2 I=3 H=4 min_ms=[0-9.]+ median_ms=[0-9.]+"),
                lines[lines.length - 3]);
    }

    @Test
    void helpListsEverySubcommandAndBadInputIsReported() {
        String h = capture(() -> assertEquals(0, Main.run("--help")));
        for (String c : new String[] {"demo", "train", "evaluate", "bench", "gradnorm"}) {
            assertTrue(h.contains(c), h);
        }
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            assertEquals(2, Main.run("train", "--cell", "quantum-lstm", "--epochs", "1"));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString().contains("unknown cell 'quantum-lstm'"), err.toString());
    }

    @Test
    void cellNamesCoverTheGrid() {
        assertEquals(18, CellNames.all().size());
        for (String n : CellNames.all()) {
            CellNames.parse(n, CellNames.Hyper.defaults());
        }
    }
}
