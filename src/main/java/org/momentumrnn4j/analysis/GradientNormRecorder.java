package org.momentumrnn4j.analysis;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.train.TrainingListener;

/**
 * Records per-step gradient norms on a fixed probe batch every {@code every} optimizer steps (and once before
 * training when attached with {@link #recordNow(long)}), building the {@code [time × checkpoint]} matrices of the
 * paper's gradient figure (spec/vanishing-gradients.md §4, §5.2). One-layer models only: the recorder unrolls
 * that layer's cell step by step so that every {@code h_t} is observable.
 */
public final class GradientNormRecorder implements TrainingListener {
    private final SequenceModel model;
    private final Batch probe;
    private final int every;
    private final GradientNorms.Reduction reduction;
    private final List<Long> checkpoints = new ArrayList<>();
    private final Map<String, List<double[]>> columns = new LinkedHashMap<>();

    /** Records on {@code probe} every {@code every} iterations. */
    public GradientNormRecorder(SequenceModel model, Batch probe, int every, GradientNorms.Reduction reduction) {
        if (model.cells().size() != 1) {
            throw new IllegalArgumentException("the gradient-norm recorder takes one-layer models, got "
                    + model.cells().size() + " layers");
        }
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, got " + every);
        }
        if (probe.mask() != null) {
            throw new IllegalArgumentException("the probe batch must not be padded");
        }
        this.model = model;
        this.probe = probe;
        this.every = every;
        this.reduction = reduction;
    }

    /** Measures now and stores the column under {@code iteration}. */
    public void recordNow(long iteration) {
        model.setTraining(false);
        GradientNorms.Profile p = GradientNorms.measure(model.cells().get(0),
                probe.inputs().castTo(model.config().dataType()), o -> model.lossFromTop(o, probe));
        model.setTraining(true);
        model.parameters().values().forEach(org.momentumrnn4j.autograd.Tensor::zeroGrad);
        checkpoints.add(iteration);
        for (String name : p.names()) {
            columns.computeIfAbsent(name, k -> new ArrayList<>()).add(p.norms(name, reduction));
        }
    }

    @Override
    public void onIteration(int epoch, int batch, long iteration, double loss) {
        if (iteration % every == 0) {
            recordNow(iteration);
        }
    }

    /** Iterations at which columns were recorded. */
    public List<Long> checkpoints() {
        return checkpoints;
    }

    /** The quantities recorded ({@code h}, {@code x}, then the cell's other state slots). */
    public List<String> names() {
        return new ArrayList<>(columns.keySet());
    }

    /** {@code [T][checkpoints]} norms of {@code name}; row t − 1 is step t. */
    public double[][] matrix(String name) {
        List<double[]> cols = columns.get(name);
        if (cols == null) {
            throw new IllegalArgumentException("nothing recorded for '" + name + "'; have " + columns.keySet());
        }
        int steps = cols.get(0).length;
        double[][] m = new double[steps][cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            for (int t = 0; t < steps; t++) {
                m[t][c] = cols.get(c)[t];
            }
        }
        return m;
    }

    /** Writes {@link #matrix} as CSV: a header {@code t,<iteration>,...}, then one row per step. */
    public void writeCsv(Path csv, String name) {
        double[][] m = matrix(name);
        try {
            if (csv.toAbsolutePath().getParent() != null) {
                Files.createDirectories(csv.toAbsolutePath().getParent());
            }
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                StringBuilder h = new StringBuilder("t");
                checkpoints.forEach(c -> h.append(',').append(c));
                w.write(h.toString());
                w.newLine();
                for (int t = 0; t < m.length; t++) {
                    StringBuilder row = new StringBuilder().append(t + 1);
                    for (double v : m[t]) {
                        row.append(',').append(String.format(Locale.ROOT, "%.6e", v));
                    }
                    w.write(row.toString());
                    w.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv, e);
        }
    }
}
