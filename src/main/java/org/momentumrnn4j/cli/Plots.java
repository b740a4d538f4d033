package org.momentumrnn4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG line plots with XChart (headless). */
public final class Plots {
    private Plots() {}

    /** One curve. */
    public record Series(String name, double[] x, double[] y) {}

    /**
     * Writes a line chart to {@code png} (atomically); {@code baseline} draws a dashed horizontal line when finite;
     * {@code logY} uses a logarithmic y axis (non-positive values are dropped).
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series,
                             double baseline, boolean logY) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisTickMarkSpacingHint(90);      // pixels between x labels
        chart.getStyler().setYAxisTickMarkSpacingHint(45);
        chart.getStyler().setXAxisDecimalPattern("#,###.##");
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[][] xy = logY ? positive(s.x(), s.y()) : new double[][] {s.x(), s.y()};
            if (xy[0].length == 0) {
                continue;
            }
            XYSeries ser = chart.addSeries(s.name(), xy[0], xy[1]);
            ser.setMarker(SeriesMarkers.NONE);
            for (double v : xy[0]) {
                minX = Math.min(minX, v);
                maxX = Math.max(maxX, v);
            }
        }
        if (Double.isFinite(baseline) && minX < maxX) {
            XYSeries b = chart.addSeries("baseline", new double[] {minX, maxX}, new double[] {baseline, baseline});
            b.setMarker(SeriesMarkers.NONE);
            b.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            b.setLineColor(java.awt.Color.GRAY);
        }
        write(chart, png);
    }

    /** A heat map of {@code values[row][col]} (rows = y, columns = x), written as PNG. */
    public static void heatmap(Path png, String title, String xLabel, String yLabel, double[] xs, double[] ys,
                               double[][] values) {
        System.setProperty("java.awt.headless", "true");
        org.knowm.xchart.HeatMapChart chart = new org.knowm.xchart.HeatMapChartBuilder().width(900).height(560)
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        java.util.List<Number> xl = new java.util.ArrayList<>();
        for (double x : xs) {
            xl.add(x);
        }
        java.util.List<Number> yl = new java.util.ArrayList<>();
        for (double y : ys) {
            yl.add(y);
        }
        java.util.List<Number[]> cells = new java.util.ArrayList<>();
        for (int r = 0; r < ys.length; r++) {
            for (int c = 0; c < xs.length; c++) {
                cells.add(new Number[] {c, r, values[r][c]});
            }
        }
        chart.addSeries("values", xl, yl, cells);
        write(chart, png);
    }

    private static void write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) {
        try {
            java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the folder of " + png, e);
        }
        org.momentumrnn4j.io.AtomicFiles.write(png, "plot", out ->
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    private static double[][] positive(double[] x, double[] y) {
        int n = 0;
        for (double v : y) {
            n += v > 0 && Double.isFinite(v) ? 1 : 0;
        }
        double[][] r = new double[2][n];
        int k = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] > 0 && Double.isFinite(y[i])) {
                r[0][k] = x[i];
                r[1][k++] = y[i];
            }
        }
        return r;
    }

    /** Convenience for maps of name → (x, y). */
    public static List<Series> of(Map<String, double[][]> curves) {
        return curves.entrySet().stream().map(e -> new Series(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }
}
