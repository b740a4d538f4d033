package org.momentumrnn4j.train;

import java.io.PrintStream;
import java.util.List;

/**
 * A one-line console progress bar with rate, ETA and running loss, redrawn with carriage returns. It draws
 * only when attached to a terminal ({@link System#console()} non-null) unless forced; the library never
 * prints on its own — the caller chooses to add this listener and the stream.
 */
public final class ProgressBar implements TrainingListener {
    private final PrintStream out;
    private final boolean enabled;
    private int epochs;
    private int perEpoch;
    private long started;
    private int doneThisRun;
    private double running = Double.NaN;
    private long lastDraw;

    /** Draws on {@code out} when stdout is a terminal. */
    public ProgressBar(PrintStream out) {
        this(out, System.console() != null);
    }

    /** Draws on {@code out} when {@code enabled}. */
    public ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** Whether it draws. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void onStart(int epochsTotal, int batchesPerEpoch, int startEpoch) {
        this.epochs = epochsTotal;
        this.perEpoch = batchesPerEpoch;
        this.started = System.nanoTime();
        this.doneThisRun = 0;
    }

    @Override
    public void onIteration(int epoch, int batch, long iteration, double loss) {
        doneThisRun++;
        running = Double.isNaN(running) ? loss : 0.95 * running + 0.05 * loss;
        long now = System.nanoTime();
        if (!enabled || (now - lastDraw < 100_000_000L && batch + 1 < perEpoch)) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(epoch, batch, now));
        out.flush();
    }

    /** The bar's text for the given position (exposed for tests). */
    String line(int epoch, int batch, long now) {
        double secs = (now - started) / 1e9;
        double rate = doneThisRun / Math.max(secs, 1e-9);
        long remaining = (long) (epochs - epoch - 1) * perEpoch + (perEpoch - batch - 1);
        double eta = remaining / Math.max(rate, 1e-9);
        int width = 24;
        int filled = perEpoch == 0 ? width : (int) Math.round(width * (batch + 1) / (double) perEpoch);
        return String.format("epoch %d/%d [%s%s] %d/%d  %.1f it/s  ETA %s  loss %.4f", epoch + 1, epochs,
                "#".repeat(filled), ".".repeat(width - filled), batch + 1, perEpoch, rate, clock(eta), running);
    }

    private static String clock(double s) {
        long t = Math.round(s);
        return String.format("%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (enabled) {
            out.printf("\repoch %d  train %.4f  val %.4f  acc %.4f  %.1f s%s%n", m.epoch() + 1, m.trainLoss(),
                    m.validationLoss(), m.validationAccuracy(), m.seconds(), " ".repeat(30));
        }
    }

    @Override
    public void onEnd(List<EpochMetrics> history, String stopReason) {
        if (enabled) {
            out.flush();
        }
    }
}
