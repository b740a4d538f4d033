package org.momentumrnn4j.cli;

import java.util.Arrays;
import java.util.concurrent.Callable;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.Cells;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code momentumrnn bench}: times forward + backward (loss = sum of outputs, all parameter gradients) of one
 * layer, for side-by-side runs with {@code shared/bench/pytorch_baseline.py}. Last line:
 * {@code RESULT <cell> T=.. B=.. I=.. H=.. min_ms=<x> median_ms=<y>}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time forward+backward of one layer; prints min and median milliseconds.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--cell", defaultValue = "momentum-lstm", description = "cell name (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--time", defaultValue = "100", description = "T (default: ${DEFAULT-VALUE})")
    int time;

    @Option(names = "--batch", defaultValue = "32", description = "B (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--input", defaultValue = "64", description = "I (default: ${DEFAULT-VALUE})")
    int input;

    @Option(names = "--hidden", defaultValue = "256", description = "H (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 | float64 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--reps", defaultValue = "7", description = "timed repetitions (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed warm-up repetitions, at least (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "12", description = "keep warming up until this much time has passed "
            + "(the JIT compiles the kernels over the first seconds, later when the batch split keeps every core busy: "
            + "MomentumLSTM shape A on 2 cores measured median 115 ms after 4 s, 43.5 ms after 12 s; default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--forward-only", description = "time the forward pass only (no tape)")
    boolean forwardOnly;

    @Option(names = "--streaming", description = "time one step of a Streamer.Session (inference, state kept in place; the value-returning Streamer.step is printed too) instead of a sequence, "
            + "beside one [batch, hidden]x[hidden, gates] GEMM call (Nd4j.gemm into a preallocated output); "
            + "each repetition is --time steps, times are per step")
    boolean streaming;

    @Option(names = "--against", description = "also time this cell in the same process on the same input, alternating "
            + "repetitions with --cell (and the order within each pair), and print its RESULT line and the ratios first: "
            + "the median of the per-pair ratios is robust to the slow phases of a shared machine")
    String against;

    @Override
    public Integer call() {
        if (reps < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("--reps must be >= 1, --warmup >= 0 and --warmup-seconds >= 0; got " + reps
                    + ", " + warmup + ", " + warmupSeconds);
        }
        DataType type = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
        CellNames.Parsed p = CellNames.parse(cell, CellNames.Hyper.defaults());
        DriveCell c = Cells.create(p.base(), input, hidden, p.drive(), CellConfig.defaults(), type);
        RecurrentLayer layer = RecurrentLayer.of(c);
        INDArray x = Nd4j.rand(type, batch, time, input);
        org.momentumrnn4j.runtime.NativeRuntime.configure();
        System.out.println("# " + org.momentumrnn4j.runtime.NativeRuntime.describe());
        if (streaming) {
            return streaming(c, type);
        }
        RecurrentLayer other = null;
        DriveCell otherCell = null;
        if (against != null) {
            CellNames.Parsed q = CellNames.parse(against, CellNames.Hyper.defaults());
            otherCell = Cells.create(q.base(), input, hidden, q.drive(), CellConfig.defaults(), type);
            other = RecurrentLayer.of(otherCell);
        }
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            once(layer, c, x);
            if (other != null) {
                once(other, otherCell, x);
            }
        }
        double[] ms = new double[reps];
        double[] otherMs = new double[reps];
        long faults0 = minorFaults();
        for (int i = 0; i < reps; i++) {
            if (other != null && i % 2 == 1) {
                otherMs[i] = timeOnce(other, otherCell, x);
            }
            ms[i] = timeOnce(layer, c, x);
            if (other != null && i % 2 == 0) {
                otherMs[i] = timeOnce(other, otherCell, x);
            }
        }
        long faults = minorFaults() - faults0;
        if (faults0 >= 0) {
            // fresh native memory is touched page by page: on some virtual machines each first touch costs
            // microseconds, so the count explains slow repetitions (benchmarks/RESULTS.md)
            System.out.printf("# minor page faults per repetition: %.0f%s%n", faults / (double) reps,
                    other != null ? " (both cells)" : "");
        }
        if (other != null) {
            double[] o = minMedian(otherMs);
            double[] paired = new double[reps];
            for (int i = 0; i < reps; i++) {
                paired[i] = ms[i] / otherMs[i];
            }
            printResult(against, o);
            System.out.printf("# %s / %s: ratio of medians %.3f, median of per-pair ratios %.3f (pairs min %.3f, max %.3f)%n",
                    cell, against, minMedian(ms)[1] / o[1], minMedian(paired)[1], minMedian(paired)[0],
                    Arrays.stream(paired).max().orElse(Double.NaN));
        }
        printResult(cell, minMedian(ms));
        return 0;
    }

    private double timeOnce(RecurrentLayer l, DriveCell c, INDArray x) {
        long t0 = System.nanoTime();
        once(l, c, x);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** The process's minor page faults so far (Linux {@code /proc/self/stat}), or -1 where unavailable. */
    static long minorFaults() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);      // field 10 of proc(5), counted from the state (field 3)
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {min, median} of {@code values}. */
    private static double[] minMedian(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new double[] {sorted[0], n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2};
    }

    private void printResult(String name, double[] minMedian) {
        System.out.printf("RESULT %s T=%d B=%d I=%d H=%d min_ms=%.1f median_ms=%.1f%n", name, time, batch, input, hidden,
                minMedian[0], minMedian[1]);
    }

    private int streaming(DriveCell c, DataType type) {
        org.momentumrnn4j.sequence.Streamer streamer = org.momentumrnn4j.sequence.Streamer.of(c);
        INDArray x = Nd4j.rand(type, batch, input);
        int gates = c.base().kind() == org.momentumrnn4j.cell.Base.Kind.LSTM ? 4 * hidden : hidden;
        INDArray h = Nd4j.rand(type, batch, hidden);
        INDArray u = Nd4j.rand(type, hidden, gates);
        INDArray out = Nd4j.create(type, batch, gates);
        org.momentumrnn4j.cell.CellState[] state = {streamer.initialState(batch)};
        Runnable valueStep = () -> state[0] = streamer.step(x, state[0]).state();
        Runnable gemm = () -> Nd4j.gemm(h, u, out, false, false, 1.0, 0.0);
        double[] valueMs = timePerCall(valueStep);
        double[] stepMs;
        try (org.momentumrnn4j.sequence.Streamer.Session live = streamer.open(streamer.initialState(batch))) {
            stepMs = timePerCall(() -> live.step(x));
        }
        double[] gemmMs = timePerCall(gemm);
        System.out.printf("# one GEMM [%d,%d]x[%d,%d]: min_ms=%.4f median_ms=%.4f%n", batch, hidden, hidden, gates,
                gemmMs[0], gemmMs[1]);
        System.out.printf("# Streamer.step (a new state every step): min_ms=%.4f median_ms=%.4f ratio=%.2f%n",
                valueMs[0], valueMs[1], valueMs[1] / gemmMs[1]);
        System.out.printf("RESULT %s streaming B=%d I=%d H=%d min_ms=%.4f median_ms=%.4f gemm_median_ms=%.4f ratio=%.2f%n",
                cell, batch, input, hidden, stepMs[0], stepMs[1], gemmMs[1], stepMs[1] / gemmMs[1]);
        return 0;
    }

    /** Min and median per call over {@code reps} repetitions of {@code time} calls, after the warm-up. */
    private double[] timePerCall(Runnable r) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            for (int t = 0; t < time; t++) {
                r.run();
            }
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            for (int t = 0; t < time; t++) {
                r.run();
            }
            ms[i] = (System.nanoTime() - t0) / 1e6 / time;
        }
        return minMedian(ms);
    }

    private void once(RecurrentLayer layer, DriveCell c, INDArray x) {
        if (forwardOnly) {
            Tape.noGrad(() -> layer.forward(Tensor.constant(x)));
        } else {
            c.parameters().values().forEach(Tensor::releaseGrad);          // as Optimizer.zeroGrad()
            try (Tape tape = Tape.openFreeingValues()) {                // as the Trainer's step: the output is freed
                tape.backward(Ops.sum(layer.forward(Tensor.constant(x)).output()));
            }
        }
    }
}
