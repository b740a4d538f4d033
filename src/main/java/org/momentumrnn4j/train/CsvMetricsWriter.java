package org.momentumrnn4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes one CSV row per epoch ({@code epoch,iterations,train_loss,val_loss,val_accuracy,lr,seconds}) and,
 * optionally, one row per iteration to a second file ({@code epoch,batch,iteration,loss}). Rows are flushed
 * as they are written, so a crashed run keeps what it measured.
 */
public final class CsvMetricsWriter implements TrainingListener, AutoCloseable {
    /** Header of the epoch file. */
    public static final String EPOCH_HEADER = "epoch,iterations,train_loss,val_loss,val_accuracy,lr,seconds";
    private final BufferedWriter epochs;
    private final BufferedWriter iterations;

    /**
     * @param epochFile     per-epoch CSV
     * @param iterationFile per-iteration CSV, or null
     * @param append        append to existing files (resuming) instead of starting them anew
     */
    public CsvMetricsWriter(Path epochFile, Path iterationFile, boolean append) {
        try {
            this.epochs = open(epochFile, EPOCH_HEADER, append);
            this.iterations = iterationFile == null ? null : open(iterationFile, "epoch,batch,iteration,loss", append);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + epochFile, e);
        }
    }

    private static BufferedWriter open(Path p, String header, boolean append) throws IOException {
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        if (!append) {
            Files.deleteIfExists(p);
        }
        boolean exists = Files.exists(p) && Files.size(p) > 0;
        BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (!exists) {
            w.write(header);
            w.newLine();
            w.flush();
        }
        return w;
    }

    @Override
    public void onIteration(int epoch, int batch, long iteration, double loss) {
        if (iterations != null) {
            write(iterations, String.format(Locale.ROOT, "%d,%d,%d,%.8g", epoch, batch, iteration, loss));
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        write(epochs, String.format(Locale.ROOT, "%d,%d,%.8g,%.8g,%.6f,%.6g,%.3f", m.epoch(), m.iterations(),
                m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.learningRate(), m.seconds()));
    }

    @Override
    public void onEnd(List<EpochMetrics> history, String stopReason) {
        close();
    }

    private static void write(BufferedWriter w, String row) {
        try {
            w.write(row);
            w.newLine();
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public void close() {
        try {
            epochs.close();
            if (iterations != null) {
                iterations.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
