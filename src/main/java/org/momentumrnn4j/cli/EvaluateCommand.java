package org.momentumrnn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.momentumrnn4j.io.ModelArchive;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.Sgd;
import org.momentumrnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code momentumrnn evaluate}: loss (and accuracy) of a saved model on a task's validation set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model (.zip) on the validation set of a task.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model archive (best.zip, last.zip, or a saved model)")
    Path modelPath;

    @Mixin
    Experiment ex;

    @Override
    public Integer call() {
        SequenceModel model = ModelArchive.load(modelPath).model();
        Experiment.Data d = ex.data();
        Trainer t = Trainer.builder(model).optimizer(new Sgd(model.paramGroups(1e-3, 1e-3, 0)))
                .batchSize(ex.batch).build();
        double[] r = t.evaluate(d.validation());
        System.out.printf("%s on %s validation (%d sequences): %s %.6f%s%s%n", modelPath, ex.task, d.validation().size(),
                d.metric(), r[0], Double.isNaN(r[1]) ? "" : String.format(", accuracy %.4f", r[1]),
                Double.isNaN(d.baseline()) ? "" : String.format(" (baseline %.5f)", d.baseline()));
        return 0;
    }
}
