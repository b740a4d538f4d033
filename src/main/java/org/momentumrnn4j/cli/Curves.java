package org.momentumrnn4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Learning-curve plots from the CSV files a training run writes. */
final class Curves {
    private Curves() {}

    /** One run's name and output folder. */
    record Run(String name, Path dir) {}

    /** Validation (per epoch) and smoothed training loss (per iteration) of every run against iterations. */
    static void writeLearningCurve(Path png, List<Run> runs, String metric, double baseline) {
        List<Plots.Series> series = new ArrayList<>();
        for (Run r : runs) {
            double[][] val = readColumns(r.dir().resolve("metrics.csv"), 1, 3);
            if (val[0].length > 0) {
                series.add(new Plots.Series(r.name() + " validation", val[0], val[1]));
            }
            double[][] it = readColumns(r.dir().resolve("iterations.csv"), 2, 3);
            if (it[0].length > 0) {
                int w = Math.max(1, Math.min(50, it[1].length / 20));
                series.add(new Plots.Series(r.name() + " train (mean of last " + w + ")", it[0], smooth(it[1], w)));
            }
        }
        boolean log = series.stream().allMatch(s -> java.util.Arrays.stream(s.y()).allMatch(v -> v > 0));
        Plots.lines(png, "learning curves", "iteration", metric, series, baseline, log);
    }

    /**
     * Trailing moving average over {@code window} points (fewer at the start). Unlike an exponential average
     * started at the first value, a large initial loss leaves the curve after {@code window} points.
     */
    static double[] smooth(double[] y, int window) {
        double[] s = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            s[i] = sum / Math.min(i + 1, window);
        }
        return s;
    }

    /** Two numeric columns of a CSV with a header (unparsable rows skipped). */
    static double[][] readColumns(Path csv, int cx, int cy) {
        if (!Files.exists(csv)) {
            return new double[2][0];
        }
        List<double[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(csv);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                try {
                    rows.add(new double[] {Double.parseDouble(f[cx]), Double.parseDouble(f[cy])});
                } catch (RuntimeException ignored) {
                    // a NaN or partial row: not plotted
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        double[][] r = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            r[0][i] = rows.get(i)[0];
            r[1][i] = rows.get(i)[1];
        }
        return r;
    }
}
