package org.momentumrnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.ReferenceCompat;
import org.momentumrnn4j.data.AddingTask;
import org.momentumrnn4j.data.CopyLayout;
import org.momentumrnn4j.data.CopyTask;
import org.momentumrnn4j.data.Dataset;
import org.momentumrnn4j.data.Permutation;
import org.momentumrnn4j.data.SequentialImages;
import org.momentumrnn4j.data.Split;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.optim.Adam;
import org.momentumrnn4j.optim.Optimizer;
import org.momentumrnn4j.optim.ParamGroup;
import org.momentumrnn4j.optim.RmsProp;
import org.momentumrnn4j.optim.Sgd;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Option;

/** Options shared by the commands that build a task, a model and an optimizer. */
public final class Experiment {
    @Option(names = "--task", defaultValue = "adding",
            description = "adding | copy | mnist-row | mnist-pixel | pmnist (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--data", description = "folder with the IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…) for the image tasks")
    Path data;

    @Option(names = "--time", defaultValue = "100", description = "sequence length T of the adding task / delay of the copy task (default: ${DEFAULT-VALUE})")
    int time;

    @Option(names = "--train-size", defaultValue = "20000", description = "generated training sequences (default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--val-size", defaultValue = "1000", description = "generated or held-out validation sequences (default: ${DEFAULT-VALUE})")
    int valSize;

    @Option(names = "--cell", defaultValue = "momentum-lstm", description = "cell name, e.g. lstm, momentum-lstm, adam-lstm, rmsprop-lstm, sr-lstm-a, sr-lstm-b, dtriv, momentum-dtriv, rnn, momentum-rnn (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--hidden", defaultValue = "128", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", defaultValue = "1", description = "stacked layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--mu", description = "momentum μ (default per cell: 0.6)")
    Double mu;

    @Option(names = "--step-size", description = "step size s, the reference's 'epsilon' (default per cell)")
    Double stepSize;

    @Option(names = "--beta", description = "β of Adam/RMSProp cells, the reference's 'mus' (default per cell)")
    Double beta;

    @Option(names = "--restart", description = "restart period F of SR cells (default 2)")
    Integer restart;

    @Option(names = "--reference-compat", description = "initialize with the authors' quirks (forget bias in both biases, eye recurrent init, ...)")
    boolean referenceCompat;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam | rmsprop | sgd (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.002", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--lr-orth", defaultValue = "0.0002", description = "learning rate of DTRIV's skew parameter (default: ${DEFAULT-VALUE})")
    double lrOrth;

    @Option(names = "--alpha", defaultValue = "0.9", description = "RMSProp α (reference: 0.9 LSTM family, 0.99 DTRIV; default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double sgdMomentum;

    @Option(names = "--clip", defaultValue = "1.0", description = "global gradient-norm clipping, 0 = off (default: ${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--batch", defaultValue = "32", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "12345", description = "seed of data, initialization and shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dtype", defaultValue = "float32", description = "float32 | float64 (default: ${DEFAULT-VALUE})")
    String dtype;

    DataType dataType() {
        return switch (dtype) {
            case "float32", "float" -> DataType.FLOAT;
            case "float64", "double" -> DataType.DOUBLE;
            default -> throw new IllegalArgumentException("--dtype must be float32 or float64, got " + dtype);
        };
    }

    /** Training and validation sets, and the baseline loss (NaN when none). */
    record Data(Dataset train, Dataset validation, int inputSize, int outputs, ModelConfig.Head head,
                double baseline, String metric, Dataset test) {
        Data(Dataset train, Dataset validation, int inputSize, int outputs, ModelConfig.Head head, double baseline,
             String metric) {
            this(train, validation, inputSize, outputs, head, baseline, metric, null);
        }
    }

    Data data() {
        DataType t = dataType();
        switch (task) {
            case "adding":
                return new Data(new AddingTask(time, trainSize, seed, t), new AddingTask(time, valSize, seed + 1_000_003L, t),
                        2, 1, ModelConfig.Head.LAST_STEP, AddingTask.baseline(), "MSE");
            case "copy":
                return new Data(new CopyTask(time, trainSize, CopyLayout.STANDARD, seed, t),
                        new CopyTask(time, valSize, CopyLayout.STANDARD, seed + 1_000_003L, t), CopyTask.SYMBOLS,
                        CopyTask.CLASSES, ModelConfig.Head.EVERY_STEP, CopyTask.baseline(time), "cross-entropy");
            case "mnist-row":
            case "mnist-pixel":
            case "pmnist":
                if (data == null) {
                    throw new IllegalArgumentException("--task " + task + " needs --data DIR with the IDX files");
                }
                SequentialImages.Mode mode = task.equals("mnist-row") ? SequentialImages.Mode.ROW : SequentialImages.Mode.PIXEL;
                Path images = find(data, "train-images-idx3-ubyte");
                Path labels = find(data, "train-labels-idx1-ubyte");
                SequentialImages all = SequentialImages.load(images, labels, mode,
                        task.equals("pmnist") ? Permutation.seeded(784, seed) : null, t);
                Dataset[] split = Split.trainValidation(all, valSize / (double) all.size(), seed);
                // the held-out test files (t10k-…), when present, give the test accuracy of the selected model
                Dataset test = null;
                if (exists(data, "t10k-images-idx3-ubyte") && exists(data, "t10k-labels-idx1-ubyte")) {
                    test = SequentialImages.load(find(data, "t10k-images-idx3-ubyte"), find(data, "t10k-labels-idx1-ubyte"),
                            mode, all.permutation(), t);
                }
                return new Data(split[0], split[1], all.features(), SequentialImages.CLASSES, ModelConfig.Head.LAST_STEP,
                        Double.NaN, "cross-entropy", test);
            default:
                throw new IllegalArgumentException("--task must be adding, copy, mnist-row, mnist-pixel or pmnist, got " + task);
        }
    }

    static boolean exists(Path dir, String base) {
        return Files.isRegularFile(dir.resolve(base)) || Files.isRegularFile(dir.resolve(base + ".gz"));
    }

    /** The IDX file {@code base} or {@code base.gz} in {@code dir}. */
    static Path find(Path dir, String base) {
        for (String n : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no " + base + "[.gz] in " + dir);
    }

    ModelConfig model(String cellName, Data d) {
        CellNames.Parsed p = CellNames.parse(cellName, new CellNames.Hyper(mu == null ? Double.NaN : mu,
                stepSize == null ? Double.NaN : stepSize, beta == null ? Double.NaN : beta, restart == null ? -1 : restart));
        if (layers < 1) {
            throw new IllegalArgumentException("--layers must be >= 1, got " + layers);
        }
        List<ModelConfig.Layer> ls = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            CellConfig cc = (referenceCompat ? ReferenceCompat.config() : CellConfig.defaults()).withSeed(seed + 17L * i);
            ls.add(new ModelConfig.Layer(p.base(), hidden, p.drive(), cc));
        }
        return new ModelConfig(d.inputSize(), ls, 0.0, d.head(), d.outputs(), dataType(), seed);
    }

    Optimizer optimizer(List<ParamGroup> groups) {
        return switch (optimizer) {
            case "adam" -> new Adam(groups);
            case "rmsprop" -> new RmsProp(groups, alpha, 1e-8);
            case "sgd" -> new Sgd(groups, sgdMomentum, false);
            default -> throw new IllegalArgumentException("--optimizer must be adam, rmsprop or sgd, got " + optimizer);
        };
    }
}
