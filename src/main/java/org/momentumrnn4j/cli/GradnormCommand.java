package org.momentumrnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.momentumrnn4j.analysis.ForgetBias;
import org.momentumrnn4j.analysis.GradientNormRecorder;
import org.momentumrnn4j.analysis.GradientNorms;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.ReferenceCompat;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.data.SyntheticPixels;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.DtrivSchedule;
import org.momentumrnn4j.optim.RmsProp;
import org.momentumrnn4j.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code momentumrnn gradnorm}: per-step gradient norms ‖∂L/∂h_t‖, ‖∂L/∂x_t‖ (and ‖∂L/∂v_t‖ for momentum cells)
 * on a pixel-MNIST-like batch, at initialization or over a training run (the paper's Fig. 2 protocol).
 */
@Command(name = "gradnorm", mixinStandardHelpOptions = true,
        description = "Gradient norms per time step at initialization (and over training with --train-steps); writes CSV and PNG under --out and prints a summary.")
public final class GradnormCommand implements Callable<Integer> {
    @Option(names = "--cells", defaultValue = "lstm,momentum-lstm", split = ",", description = "cells (default: ${DEFAULT-VALUE})")
    List<String> cells;

    @Option(names = "--time", defaultValue = "300", description = "sequence length T (default: ${DEFAULT-VALUE})")
    int time;

    @Option(names = "--hidden", defaultValue = "128", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--batch", defaultValue = "16", description = "probe batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "12345", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--mu", description = "μ of momentum-type cells (default 0.6)")
    Double mu;

    @Option(names = "--step-size", description = "step size s (default per cell)")
    Double stepSize;

    @Option(names = "--init", defaultValue = "reference", description = "reference | clean initialization (default: ${DEFAULT-VALUE}, the paper's)")
    String init;

    @Option(names = "--match-forget-bias", description = "give plain LSTMs the effective forget bias b_h + s·b_x/(1−μ) of the first momentum LSTM in --cells")
    boolean matchForgetBias;

    @Option(names = "--train-steps", defaultValue = "0", description = "train each cell this many steps, recording every --every steps (default: ${DEFAULT-VALUE})")
    int trainSteps;

    @Option(names = "--every", defaultValue = "50", description = "recording period in optimizer steps (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--dtype", defaultValue = "float64", description = "float64 (default; LSTM gradients underflow float32) | float32")
    String dtype;

    @Option(names = "--out", defaultValue = "momentumrnn-out/gradnorm", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        DataType type = dtype.equals("float32") ? DataType.FLOAT : DataType.DOUBLE;
        CellConfig base = switch (init) {
            case "reference" -> ReferenceCompat.config();
            case "clean" -> CellConfig.defaults();
            default -> throw new IllegalArgumentException("--init must be reference or clean, got " + init);
        };
        Files.createDirectories(out);
        SyntheticPixels data = new SyntheticPixels(time, Math.max(batch, 4096), 0.2, 2, seed, type);
        int[] probeIdx = new int[batch];
        for (int i = 0; i < batch; i++) {
            probeIdx[i] = i;
        }
        Batch probe = data.batch(probeIdx);
        Map<String, SequenceModel> models = new LinkedHashMap<>();
        DriveCell firstMomentumLstm = null;
        for (String name : cells) {
            CellNames.Parsed p = CellNames.parse(name, new CellNames.Hyper(mu == null ? Double.NaN : mu,
                    stepSize == null ? Double.NaN : stepSize, Double.NaN, -1));
            ModelConfig cfg = ModelConfig.single(1, new ModelConfig.Layer(p.base(), hidden, p.drive(), base.withSeed(seed)),
                    ModelConfig.Head.LAST_STEP, 10, type, seed);
            SequenceModel m = new SequenceModel(cfg);
            models.put(name, m);
            if (firstMomentumLstm == null && p.drive() instanceof DriveSpec.Momentum
                    && p.base() == org.momentumrnn4j.cell.Base.Kind.LSTM) {
                firstMomentumLstm = m.cells().get(0);
            }
        }
        if (matchForgetBias) {
            if (firstMomentumLstm == null) {
                throw new IllegalArgumentException("--match-forget-bias needs a momentum LSTM among --cells");
            }
            for (SequenceModel m : models.values()) {
                DriveCell c = m.cells().get(0);
                if (c.base().kind() == org.momentumrnn4j.cell.Base.Kind.LSTM && c.driveSpec() instanceof DriveSpec.Plain) {
                    ForgetBias.matchPlainLstm(c, firstMomentumLstm);
                }
            }
        }
        // at initialization
        Map<String, GradientNorms.Profile> profiles = new LinkedHashMap<>();
        for (var e : models.entrySet()) {
            SequenceModel m = e.getValue();
            profiles.put(e.getKey(), GradientNorms.measure(m.cells().get(0), probe.inputs(), o -> m.lossFromTop(o, probe)));
        }
        writeInitCsv(out.resolve("gradnorm-init.csv"), profiles);
        List<Plots.Series> hs = new ArrayList<>();
        List<Plots.Series> xs = new ArrayList<>();
        double[] ts = new double[time];
        for (int t = 0; t < time; t++) {
            ts[t] = t + 1;
        }
        for (var e : profiles.entrySet()) {
            hs.add(new Plots.Series(e.getKey(), ts, e.getValue().norms("h", GradientNorms.Reduction.FROBENIUS_OVER_BATCH)));
            xs.add(new Plots.Series(e.getKey(), ts, e.getValue().norms("x", GradientNorms.Reduction.FROBENIUS_OVER_BATCH)));
        }
        Plots.lines(out.resolve("gradnorm-init-h.png"), "‖∂L/∂h_t‖ at initialization (T=" + time + ", " + init + " init)",
                "time step t", "‖∂L/∂h_t‖ (Frobenius over the batch)", hs, Double.NaN, true);
        Plots.lines(out.resolve("gradnorm-init-x.png"), "‖∂L/∂x_t‖ at initialization (T=" + time + ", " + init + " init)",
                "time step t", "‖∂L/∂x_t‖ (Frobenius over the batch)", xs, Double.NaN, true);
        System.out.printf("gradient norms at initialization: T=%d, H=%d, batch %d, %s init%s, loss = cross-entropy on h_T%n",
                time, hidden, batch, init, matchForgetBias ? ", LSTM forget bias matched" : "");
        System.out.printf("%-18s %12s %12s %12s %12s %14s %14s%n", "cell", "|dL/dh_1|", "|dL/dh_T|", "|dL/dx_1|",
                "|dL/dx_T|", "h first/last", "x first/last");
        for (var e : profiles.entrySet()) {
            double[] h = e.getValue().norms("h", GradientNorms.Reduction.FROBENIUS_OVER_BATCH);
            double[] x = e.getValue().norms("x", GradientNorms.Reduction.FROBENIUS_OVER_BATCH);
            System.out.printf(Locale.ROOT, "%-18s %12.3e %12.3e %12.3e %12.3e %14.3e %14.3e%n", e.getKey(), h[0], h[time - 1],
                    x[0], x[time - 1], h[0] / h[time - 1], x[0] / x[time - 1]);
        }
        // over training
        if (trainSteps > 0) {
            for (var e : models.entrySet()) {
                SequenceModel m = e.getValue();
                GradientNormRecorder rec = new GradientNormRecorder(m, probe, every,
                        GradientNorms.Reduction.FROBENIUS_OVER_BATCH);
                rec.recordNow(0);
                Trainer.Builder tb = Trainer.builder(m).optimizer(new RmsProp(m.paramGroups(1e-3, 1e-4, 0), 0.9, 1e-8))
                        .epochs(1).batchSize(32).maxBatchesPerEpoch(trainSteps).clipNorm(1.0).seed(seed).listener(rec);
                if (!m.dtrivBases().isEmpty()) {
                    tb.dtriv(new DtrivSchedule(m.dtrivBases(), 1, 100));
                }
                tb.build().fit(new SyntheticPixels(time, 32 * trainSteps, 0.2, 2, seed + 1, type), null);
                String safe = e.getKey().replaceAll("[^a-z0-9-]", "_");
                rec.writeCsv(out.resolve("heatmap-" + safe + "-h.csv"), "h");
                double[][] mat = rec.matrix("h");
                double[] cps = rec.checkpoints().stream().mapToDouble(Long::doubleValue).toArray();
                // at most 40 rows (mean over time bins), t = 1 at the top as in the paper's figure
                int bins = Math.min(40, time);
                double[][] binned = new double[bins][cps.length];
                double[] rows = new double[bins];
                for (int k = 0; k < bins; k++) {
                    int from = k * time / bins;
                    int to = (k + 1) * time / bins;
                    int row = bins - 1 - k;
                    rows[row] = from + 1;
                    for (int c = 0; c < cps.length; c++) {
                        double acc = 0;
                        for (int t = from; t < to; t++) {
                            acc += mat[t][c];
                        }
                        binned[row][c] = Math.min(acc / (to - from), 0.05);
                    }
                }
                Plots.heatmap(out.resolve("heatmap-" + safe + "-h.png"), e.getKey()
                                + ": ‖∂L/∂h_t‖ over training (clipped to [0, 0.05], rows = first step of each bin)",
                        "iteration", "time step t", cps, rows, binned);
                // per-step line plots at the first, middle and last checkpoint
                List<Plots.Series> lines = new ArrayList<>();
                double[] steps1 = new double[time];
                for (int t = 0; t < time; t++) {
                    steps1[t] = t + 1;
                }
                for (int c : new int[] {0, cps.length / 2, cps.length - 1}) {
                    double[] col = new double[time];
                    for (int t = 0; t < time; t++) {
                        col[t] = mat[t][c];
                    }
                    String label = "iteration " + (long) cps[c];
                    if (lines.stream().noneMatch(l -> l.name().equals(label))) {
                        lines.add(new Plots.Series(label, steps1, col));
                    }
                }
                Plots.lines(out.resolve("lines-" + safe + "-h.png"), e.getKey() + ": ‖∂L/∂h_t‖ per step during training",
                        "time step t", "‖∂L/∂h_t‖ (Frobenius over the probe batch)", lines, Double.NaN, true);
                System.out.printf("%s: recorded %d checkpoints over %d steps -> %s%n", e.getKey(), cps.length, trainSteps,
                        out.resolve("heatmap-" + safe + "-h.csv"));
            }
        }
        System.out.println("wrote " + out.resolve("gradnorm-init.csv") + ", gradnorm-init-h.png, gradnorm-init-x.png");
        return 0;
    }

    private void writeInitCsv(Path csv, Map<String, GradientNorms.Profile> profiles) throws Exception {
        StringBuilder sb = new StringBuilder("t");
        for (var e : profiles.entrySet()) {
            for (String n : e.getValue().names()) {
                sb.append(',').append(e.getKey()).append(":dL/d").append(n);
            }
        }
        sb.append('\n');
        for (int t = 0; t < time; t++) {
            sb.append(t + 1);
            for (var e : profiles.entrySet()) {
                for (String n : e.getValue().names()) {
                    sb.append(',').append(String.format(Locale.ROOT, "%.6e",
                            e.getValue().norms(n, GradientNorms.Reduction.FROBENIUS_OVER_BATCH)[t]));
                }
            }
            sb.append('\n');
        }
        org.momentumrnn4j.io.AtomicFiles.write(csv, "CSV", o -> o.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
