package org.momentumrnn4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.train.EpochMetrics;
import org.momentumrnn4j.train.TrainingState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code momentumrnn demo}: LSTM, MomentumLSTM and AdamLSTM on the adding task (or row-by-row
 * Fashion-MNIST with {@code --data}) for a fixed wall-time budget each; prints a comparison table against
 * the task's baseline and writes the learning curves as PNG.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train LSTM, MomentumLSTM and AdamLSTM on the adding task for a fixed time each and compare them.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "momentumrnn-out", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seconds", defaultValue = "60", description = "training time per model (default: ${DEFAULT-VALUE})")
    long seconds;

    @Option(names = "--cells", defaultValue = "lstm,momentum-lstm,adam-lstm", split = ",",
            description = "cells to compare (default: ${DEFAULT-VALUE})")
    List<String> cells;

    @Option(names = "--data", description = "run row-by-row classification on the IDX files in this folder "
            + "(e.g. /usr/share/datasets/fashion-mnist) instead of the adding task")
    Path data;

    @Option(names = "--time", defaultValue = "50", description = "adding-task length T (default: ${DEFAULT-VALUE})")
    int time;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--seed", defaultValue = "12345", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Experiment ex = new Experiment();
        ex.task = data == null ? "adding" : "mnist-row";
        ex.data = data;
        ex.time = time;
        ex.trainSize = data == null ? 200_000 : 0;
        ex.valSize = data == null ? 1000 : 5000;
        ex.hidden = hidden;
        ex.layers = 1;
        ex.optimizer = "adam";
        ex.lr = 3e-3;
        ex.lrOrth = 3e-4;
        ex.clip = 1.0;
        ex.batch = data == null ? 50 : 128;
        ex.seed = seed;
        ex.dtype = "float32";
        ex.alpha = 0.9;
        Experiment.Data d = ex.data();
        System.out.printf("demo: %s, %d s per model, cells %s%n", data == null
                ? "adding task T=" + time + " (baseline MSE " + String.format("%.4f", d.baseline()) + ")"
                : "row-by-row images from " + data, seconds, cells);
        List<Curves.Run> runs = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (String cell : cells) {
            ex.cell = cell;
            ModelConfig cfg = ex.model(cell, d);
            Path dir = out.resolve(cell);
            long t0 = System.nanoTime();
            TrainingState st = TrainCommand.run(ex, cfg, d, 1_000_000, 100, Duration.ofSeconds(seconds), -1, 1, 100, dir,
                    null, true).state();
            double secs = (System.nanoTime() - t0) / 1e9;
            EpochMetrics last = st.history().get(st.history().size() - 1);
            double bestVal = st.history().stream().mapToDouble(EpochMetrics::validationLoss).min().orElse(Double.NaN);
            double bestAcc = st.history().stream().mapToDouble(EpochMetrics::validationAccuracy).max().orElse(Double.NaN);
            rows.add(data == null
                    ? String.format("%-16s %10d %12.5f %12.5f %12.3f %8.0f", cell, st.iterations(), last.validationLoss(),
                            bestVal, bestVal / d.baseline(), secs)
                    : String.format("%-16s %10d %12.5f %12.4f %8.0f", cell, st.iterations(), last.validationLoss(), bestAcc, secs));
            runs.add(new Curves.Run(cell, dir));
        }
        Path png = out.resolve("learning-curves.png");
        Curves.writeLearningCurve(png, runs, d.metric(), d.baseline());
        System.out.println();
        if (data == null) {
            System.out.printf("%-16s %10s %12s %12s %12s %8s%n", "cell", "iterations", "final MSE", "best MSE", "best/base", "seconds");
            rows.forEach(System.out::println);
            System.out.printf("%-16s %10s %12.5f %12s %12.3f%n", "baseline", "-", d.baseline(), "-", 1.0);
            System.out.println("(baseline: always predicting 1, expected MSE 1/6; below it the model has learned to add)");
        } else {
            System.out.printf("%-16s %10s %12s %12s %8s%n", "cell", "iterations", "final loss", "best acc", "seconds");
            rows.forEach(System.out::println);
        }
        System.out.println("learning curves: " + png);
        return 0;
    }
}
