package org.momentumrnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.DtrivSchedule;
import org.momentumrnn4j.optim.Optimizer;
import org.momentumrnn4j.train.CsvMetricsWriter;
import org.momentumrnn4j.train.EpochMetrics;
import org.momentumrnn4j.train.LoggingListener;
import org.momentumrnn4j.train.ProgressBar;
import org.momentumrnn4j.train.Trainer;
import org.momentumrnn4j.train.TrainingListener;
import org.momentumrnn4j.train.TrainingState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code momentumrnn train}: one model on one task, with metrics CSV, best checkpoint and PNG curves. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a cell on a task; writes metrics.csv, iterations.csv, best.zip, last.zip and learning-curve.png under --out.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    Experiment ex;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batches-per-epoch", description = "limit the batches of each epoch")
    Integer batchesPerEpoch;

    @Option(names = "--seconds", description = "stop after this wall time (at an epoch end)")
    Long seconds;

    @Option(names = "--patience", defaultValue = "-1", description = "early stopping after this many epochs without improvement (-1: off)")
    int patience;

    @Option(names = "--dtriv-k", defaultValue = "1", description = "DTRIV: optimizer steps between changes of base (default: ${DEFAULT-VALUE})")
    int dtrivK;

    @Option(names = "--dtriv-m", defaultValue = "100", description = "DTRIV: changes of base between projections (default: ${DEFAULT-VALUE})")
    int dtrivM;

    @Option(names = "--resume", description = "continue from this checkpoint (last.zip of an earlier run with the same options)")
    Path resume;

    @Option(names = "--out", defaultValue = "momentumrnn-out/train", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        Experiment.Data d = ex.data();
        ModelConfig cfg = ex.model(ex.cell, d);
        Result r = run(ex, cfg, d, epochs, batchesPerEpoch, seconds == null ? null : Duration.ofSeconds(seconds),
                patience, dtrivK, dtrivM, out, resume, true);
        if (r.test() != null) {
            System.out.printf(java.util.Locale.ROOT, "test set (best checkpoint): loss %.5f, accuracy %.4f%n", r.test()[0], r.test()[1]);
        }
        EpochMetrics last = r.state().history().isEmpty() ? null : r.state().history().get(r.state().history().size() - 1);
        System.out.printf("%s on %s: %d epochs, %d iterations, train %s %.5f, validation %.5f%s%s, best validation %.5f -> %s%n",
                ex.cell, ex.task, r.state().epochsDone(), r.state().iterations(), d.metric(),
                last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.validationLoss(),
                last != null && !Double.isNaN(last.validationAccuracy()) ? String.format(", accuracy %.4f", last.validationAccuracy()) : "",
                Double.isNaN(d.baseline()) ? "" : String.format(" (baseline %.5f)", d.baseline()), r.state().best(),
                out.resolve("best.zip"));
        return 0;
    }

    /** What a run produced; {@code test} = [loss, accuracy] of the best checkpoint on the test set, or null. */
    record Result(SequenceModel model, TrainingState state, double[] test) {}

    static Result run(Experiment ex, ModelConfig cfg, Experiment.Data d, int epochs, Integer batchesPerEpoch,
                      Duration budget, int patience, int dtrivK, int dtrivM, Path out, Path resume, boolean progress) throws Exception {
        Files.createDirectories(out);
        SequenceModel model = new SequenceModel(cfg);
        Optimizer opt = ex.optimizer(model.paramGroups(ex.lr, ex.lrOrth, 0.0));
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(new LoggingListener());
        if (progress) {
            listeners.add(new ProgressBar(System.err));
        }
        listeners.add(new CsvMetricsWriter(out.resolve("metrics.csv"), out.resolve("iterations.csv"), resume != null));
        Trainer.Builder b = Trainer.builder(model).optimizer(opt).epochs(epochs).batchSize(ex.batch).seed(ex.seed)
                .clipNorm(ex.clip).earlyStopping(patience).checkpointDir(out);
        if (batchesPerEpoch != null) {
            b.maxBatchesPerEpoch(batchesPerEpoch);
        }
        if (budget != null) {
            b.timeBudget(budget);
        }
        if (!model.dtrivBases().isEmpty()) {
            b.dtriv(new DtrivSchedule(model.dtrivBases(), dtrivK, dtrivM));
        }
        listeners.forEach(b::listener);
        Trainer trainer = b.build();
        TrainingState state = resume == null ? trainer.fit(d.train(), d.validation())
                                             : trainer.resume(resume, d.train(), d.validation());
        Curves.writeLearningCurve(out.resolve("learning-curve.png"), List.of(new Curves.Run(ex.cell, out)),
                d.metric(), d.baseline());
        double[] test = null;
        if (d.test() != null && Files.exists(out.resolve("best.zip"))) {
            SequenceModel best = org.momentumrnn4j.io.ModelArchive.load(out.resolve("best.zip")).model();
            test = Trainer.builder(best).optimizer(ex.optimizer(best.paramGroups(ex.lr, ex.lrOrth, 0.0)))
                    .batchSize(ex.batch).build().evaluate(d.test());
            String row = String.format(java.util.Locale.ROOT, "test_loss,test_accuracy%n%.8g,%.6f%n", test[0], test[1]);
            org.momentumrnn4j.io.AtomicFiles.write(out.resolve("test.csv"), "test metrics",
                    o -> o.write(row.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return new Result(model, state, test);
    }
}
