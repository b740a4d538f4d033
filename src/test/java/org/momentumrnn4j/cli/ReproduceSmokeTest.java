package org.momentumrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.io.IdxWriter;
import org.momentumrnn4j.io.ModelArchive;

/**
 * The {@code --smoke} variant of every reproduction experiment runs its protocol at tiny scale and its learning
 * curve falls: the last epoch's training loss is below the first epoch's, for every cell. Image experiments use
 * small generated IDX files (class-dependent stripes plus noise), never the installed dataset.
 */
class ReproduceSmokeTest {

    static Path images(Path dir) throws Exception {
        write(dir, "train", 600, 3);
        write(dir, "t10k", 200, 4);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, long seed) throws Exception {
        Random r = new Random(seed);
        byte[] px = new byte[n * 28 * 28];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(10);
            labels[i] = (byte) c;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y >= 2 * c + 4 && y < 2 * c + 7;            // a horizontal band per class
                    int v = on ? 200 + r.nextInt(56) : r.nextInt(40);
                    px[i * 784 + y * 28 + x] = (byte) v;
                }
            }
        }
        IdxWriter.writeU8(dir.resolve(prefix + "-images-idx3-ubyte"), new int[] {n, 28, 28}, px, false);
        IdxWriter.writeU8(dir.resolve(prefix + "-labels-idx1-ubyte"), new int[] {n}, labels, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "adding", "adding-750", "dtriv-copy", "fmnist-row", "fmnist-pixel", "dtriv-fmnist-row"})
    void smokeRunLearns(String experiment, @TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path data = images(Files.createDirectories(tmp.resolve("idx")));
        assertEquals(0, Main.run("reproduce", experiment, "--smoke", "--seeds", "0", "--data", data.toString(),
                "--out", out.toString()));
        assertTrue(Files.exists(out.resolve("summary.md")));
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("test accuracy"), summary);
        assertTrue(Files.size(out.resolve("learning-curves.png")) > 1000);
        ReproduceCommand.Protocol p = ReproduceCommand.protocol(experiment, true);
        for (String cell : p.cells()) {
            List<String> rows = Files.readAllLines(out.resolve(cell).resolve("seed-0").resolve("metrics.csv"));
            assertTrue(rows.size() >= 3, cell + ": at least two epochs, got " + rows);
            double first = Double.parseDouble(rows.get(1).split(",")[2]);
            double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[2]);
            System.out.printf("smoke %s %s: train loss %.4f -> %.4f over %d epochs%n", experiment, cell, first, last, rows.size() - 1);
            assertTrue(last < first, experiment + " " + cell + ": training loss did not fall (" + first + " -> " + last + ")");
            if (p.task().startsWith("mnist")) {
                List<String> test = Files.readAllLines(out.resolve(cell).resolve("seed-0").resolve("test.csv"));
                double acc = Double.parseDouble(test.get(1).split(",")[1]);
                assertTrue(acc >= 0 && acc <= 1, "test accuracy " + acc);
            }
        }
    }

    @Test
    void dtrivExperimentsUseTheAuthorsMomentumAndTheOptionsOverrideIt(@TempDir Path tmp) throws Exception {
        ReproduceCommand.Protocol copy = ReproduceCommand.protocol("copy", false);
        assertTrue(Double.isNaN(copy.mu()) && Double.isNaN(copy.stepSize()), "LSTM experiments keep each cell's defaults");
        for (String e : new String[] {"dtriv-copy", "dtriv-fmnist-row"}) {
            ReproduceCommand.Protocol p = ReproduceCommand.protocol(e, false);
            assertEquals(0.3, p.mu(), 0.0, e);
            assertEquals(0.3, p.stepSize(), 0.0, e);
        }
        Path data = images(Files.createDirectories(tmp.resolve("idx")));
        Path out = tmp.resolve("default");
        assertEquals(0, Main.run("reproduce", "dtriv-copy", "--smoke", "--seeds", "0", "--cells", "momentum-dtriv",
                "--data", data.toString(), "--out", out.toString()));
        DriveSpec.Momentum d = (DriveSpec.Momentum) ModelArchive.load(out.resolve("momentum-dtriv/seed-0/last.zip"))
                .config().layers().get(0).drive();
        assertEquals(0.3, d.mu(), 1e-12);
        assertEquals(0.3, d.stepSize(), 1e-12);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("μ 0.3, s 0.3"));
        Path over = tmp.resolve("override");
        assertEquals(0, Main.run("reproduce", "dtriv-copy", "--smoke", "--seeds", "0", "--cells", "momentum-dtriv",
                "--mu", "0.45", "--step-size", "0.35", "--data", data.toString(), "--out", over.toString()));
        d = (DriveSpec.Momentum) ModelArchive.load(over.resolve("momentum-dtriv/seed-0/last.zip")).config().layers().get(0).drive();
        assertEquals(0.45, d.mu(), 1e-12);
        assertEquals(0.35, d.stepSize(), 1e-12);
    }

    @Test
    void anExperimentRunInPartsIsSummarizedFromItsRuns(@TempDir Path tmp) throws Exception {
        Path data = images(Files.createDirectories(tmp.resolve("idx")));
        Path part1 = tmp.resolve("part1");
        Path part2 = tmp.resolve("part2");
        assertEquals(0, Main.run("reproduce", "copy", "--smoke", "--seeds", "0,1", "--cells", "lstm", "--data", data.toString(),
                "--out", part1.toString()));
        assertEquals(0, Main.run("reproduce", "copy", "--smoke", "--seeds", "0,1", "--cells", "momentum-lstm", "--data",
                data.toString(), "--out", part2.toString()));
        Path all = Files.createDirectories(tmp.resolve("all"));
        Path missing = tmp.resolve("missing");
        copyTree(part1.resolve("lstm"), missing.resolve("lstm"));
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertEquals(2, Main.run("reproduce", "copy", "--smoke", "--seeds", "0,1", "--summarize", "--out", missing.toString()));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString().contains("no finished run of momentum-lstm"), err.toString());
        copyTree(part2.resolve("momentum-lstm/seed-1"), missing.resolve("momentum-lstm/seed-1"));   // one seed of two
        assertEquals(0, Main.run("reproduce", "copy", "--smoke", "--seeds", "0,1", "--summarize", "--out", missing.toString()));
        String partial = Files.readString(missing.resolve("summary.md"));
        assertTrue(partial.contains("| momentum-lstm (seed 1 only) |") && partial.contains("| lstm |"), partial);
        copyTree(part1.resolve("lstm"), all.resolve("lstm"));
        copyTree(part2.resolve("momentum-lstm"), all.resolve("momentum-lstm"));
        assertEquals(0, Main.run("reproduce", "copy", "--smoke", "--seeds", "0,1", "--summarize", "--out", all.toString()));
        String summary = Files.readString(all.resolve("summary.md"));
        String own1 = Files.readString(part1.resolve("summary.md"));
        String own2 = Files.readString(part2.resolve("summary.md"));
        assertTrue(summary.contains("sum of the runs' training times"), summary);
        // each cell's row is the row its own part wrote (the same runs, the same statistics)
        assertTrue(summary.contains(row(own1, "lstm")) && summary.contains(row(own2, "momentum-lstm")), summary);
        assertTrue(Files.size(all.resolve("learning-curves.png")) > 1000);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path src : (Iterable<Path>) paths::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
    }

    private static String row(String summary, String cell) {
        return summary.lines().filter(l -> l.startsWith("| " + cell + " |")).findFirst().orElseThrow();
    }
}
