package org.momentumrnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.train.EpochMetrics;
import org.momentumrnn4j.train.TrainingState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code momentumrnn reproduce EXPERIMENT}: the paper's experiments at CPU scale (spec/tasks.md), one command
 * each — every cell × seed trained with the same protocol, then a summary table (mean ± std over seeds,
 * baseline, time to target) in {@code summary.md} and the learning curves as PNG. {@code --smoke} runs a tiny
 * version of the same protocol in well under a minute.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run a reproduction experiment: copy, adding, adding-750, fmnist-row, fmnist-pixel, dtriv-copy, dtriv-fmnist-row.")
public final class ReproduceCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "experiment name")
    String experiment;

    @Option(names = "--smoke", description = "tiny version of the protocol (seconds), for tests")
    boolean smoke;

    @Option(names = "--seeds", defaultValue = "0,1,2", split = ",", description = "seeds (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", description = "IDX folder for the image experiments (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--epochs", description = "training budget per cell and seed, in epochs (default per experiment; "
            + "copy and adding epochs are 100 iterations, image epochs one pass over the training part)")
    Integer epochs;

    @Option(names = "--minutes", description = "wall-time cap per cell and seed (default 30); the epoch budget is the protocol, "
            + "the cap only stops a run that would exceed it (the summary says when it did)")
    Double minutes;

    @Option(names = "--cells", split = ",", description = "run only these cells of the experiment (default: all)")
    List<String> cells;

    @Option(names = "--mu", description = "momentum μ of the momentum-family cells (default: the cell's own for the LSTM "
            + "experiments, the authors' 0.3 for the DTRIV ones)")
    Double mu;

    @Option(names = "--step-size", description = "step size s of the momentum-family cells (default: the cell's own for "
            + "the LSTM experiments, the authors' 0.3 for the DTRIV ones)")
    Double stepSize;

    @Option(names = "--plot-only", description = "only redraw learning-curves.png from the runs already in the output folder")
    boolean plotOnly;

    @Option(names = "--summarize", description = "only rebuild summary.md and learning-curves.png from the runs already in "
            + "the output folder (their last.zip and test.csv), for an experiment run in parts, e.g. one process per core "
            + "with --cells, whose <cell>/seed-<n> folders were gathered in one place")
    boolean summarize;

    @Option(names = "--out", description = "output folder (default: momentumrnn-out/reproduce/<experiment>)")
    Path out;

    /** One experiment's protocol. */
    record Protocol(String task, int time, List<String> cells, int hidden, String optimizer, double lr, double lrOrth,
                    double alpha, int batch, int trainSize, int valSize, int batchesPerEpoch, int epochs,
                    double minutes, double target, boolean higherIsBetter, double mu, double stepSize) {}

    static Protocol protocol(String name, boolean smoke) {
        List<String> lstms = List.of("lstm", "momentum-lstm", "adam-lstm", "rmsprop-lstm", "sr-lstm-a");
        List<String> dtrivs = List.of("dtriv", "momentum-dtriv");
        // LSTM family: RMSprop lr 1e-3, α 0.9, clipping 1.0 (tasks.md §2.2); DTRIV: RMSprop α 0.99, lr_orth lr/10.
        // Copy and adding (settings of the rebuttal runs unknown, tasks.md §10.4): batch 32, epochs of 100
        // iterations, the same lr for both families so that the curves compare; images: batch 128, whole epochs
        // (pixel-by-pixel: one epoch, 430 iterations, ~6 min on two cores with the batch split).
        Protocol p = switch (name) {
            case "copy" -> new Protocol("copy", 200, lstms, 128, "rmsprop", 1e-3, 1e-4, 0.9, 32, 1_000_000, 512, 100, 20, 30, 10 * Math.log(8) / 220, false, Double.NaN, Double.NaN);
            case "adding" -> new Protocol("adding", 200, lstms, 128, "rmsprop", 1e-3, 1e-4, 0.9, 32, 1_000_000, 1000, 100, 20, 30, 0.05, false, Double.NaN, Double.NaN);
            case "adding-750" -> new Protocol("adding", 750, lstms, 128, "rmsprop", 1e-3, 1e-4, 0.9, 32, 1_000_000, 1000, 100, 20, 30, 0.05, false, Double.NaN, Double.NaN);
            case "fmnist-row" -> new Protocol("mnist-row", 28, lstms, 128, "rmsprop", 1e-3, 1e-4, 0.9, 128, 0, 5000, 100_000, 5, 30, 0.85, true, Double.NaN, Double.NaN);
            case "fmnist-pixel" -> new Protocol("mnist-pixel", 784, lstms, 128, "rmsprop", 1e-3, 1e-4, 0.9, 128, 0, 5000, 100_000, 1, 30, 0.7, true, Double.NaN, Double.NaN);
            case "dtriv-copy" -> new Protocol("copy", 200, dtrivs, 190, "rmsprop", 1e-3, 1e-4, 0.99, 32, 1_000_000, 512, 100, 20, 30, 10 * Math.log(8) / 220, false, 0.3, 0.3);
            case "dtriv-fmnist-row" -> new Protocol("mnist-row", 28, dtrivs, 170, "rmsprop", 1e-3, 1e-4, 0.99, 128, 0, 5000, 100_000, 5, 30, 0.85, true, 0.3, 0.3);
            default -> throw new IllegalArgumentException("unknown experiment '" + name + "'; known: copy, adding, adding-750, "
                    + "fmnist-row, fmnist-pixel, dtriv-copy, dtriv-fmnist-row");
        };
        if (!smoke) {
            return p;
        }
        boolean images = p.task().startsWith("mnist");
        return new Protocol(p.task(), images ? p.time() : Math.min(p.time(), 10), p.cells().subList(0, 2), 16, p.optimizer(),
                1e-2, 1e-3, p.alpha(), 32, images ? 0 : 2048, images ? 64 : 128, 20, 6, 0.4, p.target(), p.higherIsBetter(),
                p.mu(), p.stepSize());
    }

    @Override
    public Integer call() throws Exception {
        Protocol p = protocol(experiment, smoke);
        Path dir = out != null ? out : Path.of("momentumrnn-out", "reproduce", experiment + (smoke ? "-smoke" : ""));
        Files.createDirectories(dir);
        double budget = minutes != null ? minutes : p.minutes();
        int epochBudget = epochs != null ? epochs : p.epochs();
        if (epochBudget < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochBudget);
        }
        List<String> runCells = p.cells();
        if (cells != null) {
            for (String c : cells) {
                if (!p.cells().contains(c)) {
                    throw new IllegalArgumentException("--cells: '" + c + "' is not a cell of " + experiment + "; expected some of " + p.cells());
                }
            }
            runCells = p.cells().stream().filter(cells::contains).toList();
        }
        if (plotOnly) {
            List<Curves.Run> runs = new ArrayList<>();
            for (String cell : runCells) {
                Path run = dir.resolve(cell).resolve("seed-" + seeds.get(0));
                if (Files.isDirectory(run)) {
                    runs.add(new Curves.Run(cell, run));
                }
            }
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("--plot-only: no runs under " + dir + " (expected <cell>/seed-" + seeds.get(0) + ")");
            }
            Experiment.Data d0 = experimentFor(p, runCells.get(0), seeds.get(0)).data();
            Curves.writeLearningCurve(dir.resolve("learning-curves.png"), runs, d0.metric(), d0.baseline());
            System.out.println("wrote " + dir.resolve("learning-curves.png"));
            return 0;
        }
        Map<String, List<TrainingState>> results = new LinkedHashMap<>();
        Map<String, List<Double>> testAcc = new LinkedHashMap<>();
        if (summarize) {
            return summarizeExisting(p, dir, runCells, epochBudget, results, testAcc);
        }
        Experiment.Data d = null;
        long t0 = System.nanoTime();
        for (String cell : runCells) {
            for (long seed : seeds) {
                Experiment ex = experimentFor(p, cell, seed);
                d = ex.data();
                ModelConfig cfg = ex.model(cell, d);
                Path runDir = dir.resolve(cell).resolve("seed-" + seed);
                TrainCommand.Result res = TrainCommand.run(ex, cfg, d, epochBudget, p.batchesPerEpoch() >= 100_000 ? null
                        : p.batchesPerEpoch(), Duration.ofMillis((long) (budget * 60_000)), -1, 1, 100, runDir, null, !smoke);
                TrainingState st = res.state();
                if (res.test() != null) {
                    testAcc.computeIfAbsent(cell, k -> new ArrayList<>()).add(res.test()[1]);
                }
                results.computeIfAbsent(cell, k -> new ArrayList<>()).add(st);
                System.out.printf(Locale.ROOT, "%s seed %d: %d iterations, last train %.5f, best validation %s%n", cell, seed,
                        st.iterations(), last(st).trainLoss(), p.higherIsBetter()
                                ? String.format(Locale.ROOT, "accuracy %.4f", bestAcc(st)) : String.format(Locale.ROOT, "loss %.5f", st.best()));
            }
        }
        String table = summary(p, epochBudget, results, testAcc, d.baseline(), (System.nanoTime() - t0) / 1e9, false);
        System.out.println();
        System.out.print(table);
        org.momentumrnn4j.io.AtomicFiles.write(dir.resolve("summary.md"), "summary",
                o -> o.write(table.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<Curves.Run> runs = new ArrayList<>();
        for (String cell : runCells) {
            runs.add(new Curves.Run(cell, dir.resolve(cell).resolve("seed-" + seeds.get(0))));
        }
        Curves.writeLearningCurve(dir.resolve("learning-curves.png"), runs, d.metric(), d.baseline());
        return 0;
    }

    private Experiment experimentFor(Protocol p, String cell, long seed) {
        Experiment ex = new Experiment();
        ex.task = p.task();
        ex.data = data;
        ex.time = p.time();
        ex.trainSize = p.trainSize();
        ex.valSize = p.valSize();
        ex.cell = cell;
        ex.hidden = p.hidden();
        ex.layers = 1;
        ex.referenceCompat = true;
        ex.optimizer = p.optimizer();
        ex.lr = p.lr();
        ex.lrOrth = p.lrOrth();
        ex.alpha = p.alpha();
        ex.sgdMomentum = 0.9;
        ex.clip = 1.0;
        ex.batch = p.batch();
        ex.seed = seed;
        ex.dtype = "float32";
        double m = mu != null ? mu : p.mu();
        double st = stepSize != null ? stepSize : p.stepSize();
        ex.mu = Double.isNaN(m) ? null : m;
        ex.stepSize = Double.isNaN(st) ? null : st;
        return ex;
    }

    static EpochMetrics last(TrainingState s) {
        return s.history().get(s.history().size() - 1);
    }

    static double bestAcc(TrainingState s) {
        return s.history().stream().mapToDouble(EpochMetrics::validationAccuracy).max().orElse(Double.NaN);
    }

    /** Seconds until the validation metric first reached the target (NaN if never). */
    static double timeToTarget(TrainingState s, double target, boolean higher) {
        double secs = 0;
        for (EpochMetrics m : s.history()) {
            secs += m.seconds();
            if (reached(m, target, higher)) {
                return secs;
            }
        }
        return Double.NaN;
    }

    /** Iterations until the validation metric first reached the target (NaN if never); independent of machine load. */
    static double iterationsToTarget(TrainingState s, double target, boolean higher) {
        for (EpochMetrics m : s.history()) {
            if (reached(m, target, higher)) {
                return m.iterations();
            }
        }
        return Double.NaN;
    }

    private static boolean reached(EpochMetrics m, double target, boolean higher) {
        double v = higher ? m.validationAccuracy() : m.validationLoss();
        return higher ? v >= target : v <= target;
    }

    /** The momentum-family μ and s of this run when they are not the cells' own defaults ("μ 0.3, s 0.3, "). */
    private String hyper(Protocol p) {
        double m = mu != null ? mu : p.mu();
        double st = stepSize != null ? stepSize : p.stepSize();
        return (Double.isNaN(m) ? "" : "μ " + m + ", ")
                + (Double.isNaN(st) ? "" : "s " + st + ", ");
    }

    /**
     * {@code --summarize}: the summary and curves of the runs found under {@code dir}. A cell may have fewer runs than
     * seeds (its row then names the seeds it has); a cell without any run is an error.
     */
    private Integer summarizeExisting(Protocol p, Path dir, List<String> runCells, int epochBudget,
                                      Map<String, List<TrainingState>> results, Map<String, List<Double>> testAcc) throws Exception {
        double runSeconds = 0;
        List<Curves.Run> runs = new ArrayList<>();
        Map<String, List<TrainingState>> labelled = new LinkedHashMap<>();
        Map<String, List<Double>> labelledAcc = new LinkedHashMap<>();
        for (String cell : runCells) {
            List<Long> found = new ArrayList<>();
            List<TrainingState> states = new ArrayList<>();
            List<Double> accs = new ArrayList<>();
            for (long seed : seeds) {
                Path run = dir.resolve(cell).resolve("seed-" + seed);
                Path last = run.resolve("last.zip");
                if (!Files.isRegularFile(last)) {
                    continue;
                }
                TrainingState st = TrainingState.fromMap(org.momentumrnn4j.io.ModelArchive.load(last).training());
                found.add(seed);
                states.add(st);
                runSeconds += st.history().stream().mapToDouble(EpochMetrics::seconds).sum();
                Path test = run.resolve("test.csv");
                if (Files.isRegularFile(test)) {
                    List<String> rows = Files.readAllLines(test);
                    accs.add(Double.parseDouble(rows.get(1).split(",")[1]));
                }
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("--summarize: no finished run of " + cell + " under " + dir
                        + " (expected " + cell + "/seed-<n>/last.zip for some of the seeds " + seeds + ")");
            }
            String label = found.size() == seeds.size() ? cell : cell + (found.size() == 1 ? " (seed " : " (seeds ")
                    + found.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + " only)";
            labelled.put(label, states);
            if (!accs.isEmpty()) {
                labelledAcc.put(label, accs);
            }
            runs.add(new Curves.Run(cell, dir.resolve(cell).resolve("seed-" + found.get(0))));
        }
        results.putAll(labelled);
        testAcc.putAll(labelledAcc);
        Experiment.Data d0 = experimentFor(p, runCells.get(0), seeds.get(0)).data();
        String table = summary(p, epochBudget, results, testAcc, d0.baseline(), runSeconds, true);
        System.out.print(table);
        org.momentumrnn4j.io.AtomicFiles.write(dir.resolve("summary.md"), "summary",
                o -> o.write(table.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Curves.writeLearningCurve(dir.resolve("learning-curves.png"), runs, d0.metric(), d0.baseline());
        return 0;
    }

    private String summary(Protocol p, int epochBudget, Map<String, List<TrainingState>> results, Map<String, List<Double>> testAcc,
                           double baseline, double wall, boolean sumOfRuns) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Experiment %s%s: task %s, T=%d, hidden %d, %s lr %.0e (α %.2f), batch %d, "
                + "clip 1.0, reference init, %sseeds %s, budget %d epochs%s per run (cap %.1f min), %s %.0f s%n%n", experiment,
                smoke ? " (smoke)" : "", p.task(), p.time(), p.hidden(), p.optimizer(), p.lr(), p.alpha(), p.batch(), hyper(p), seeds,
                epochBudget, p.batchesPerEpoch() >= 100_000 ? "" : " × " + p.batchesPerEpoch() + " iterations",
                minutes != null ? minutes : p.minutes(), sumOfRuns ? "sum of the runs' training times" : "total wall", wall));
        String metric = p.higherIsBetter() ? "best val accuracy" : "best val loss";
        b.append("| cell | iterations (mean) | final train loss | ").append(metric)
                .append(" | test accuracy (best checkpoint) | time to target (s) | iterations to target |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (var e : results.entrySet()) {
            double[] it = e.getValue().stream().mapToDouble(TrainingState::iterations).toArray();
            double[] fin = e.getValue().stream().mapToDouble(s -> last(s).trainLoss()).toArray();
            double[] best = e.getValue().stream().mapToDouble(s -> p.higherIsBetter() ? bestAcc(s) : s.best()).toArray();
            double[] ttt = e.getValue().stream().mapToDouble(s -> timeToTarget(s, p.target(), p.higherIsBetter())).toArray();
            double[] itt = e.getValue().stream().mapToDouble(s -> iterationsToTarget(s, p.target(), p.higherIsBetter())).toArray();
            List<Double> ta = testAcc.getOrDefault(e.getKey(), List.of());
            String test = ta.isEmpty() ? "–" : pm(ta.stream().mapToDouble(Double::doubleValue).toArray());
            long capped = e.getValue().stream().filter(s -> s.history().size() < epochBudget).count();
            b.append(String.format(Locale.ROOT, "| %s | %.0f%s | %s | %s | %s | %s | %s |%n", e.getKey(), mean(it),
                    capped > 0 ? " (" + capped + (sumOfRuns ? " run(s) stopped before the budget)" : " run(s) stopped by the time cap)") : "", pm(fin), pm(best), test, pm(ttt), pm(itt)));
        }
        if (!Double.isNaN(baseline)) {
            b.append(String.format(Locale.ROOT, "| baseline (no memory) | – | %.5f | %.5f | – | – | – |%n", baseline, baseline));
        }
        b.append(String.format(Locale.ROOT, "%ntarget for time-to-target: validation %s %s %.4g%n",
                p.higherIsBetter() ? "accuracy" : "loss", p.higherIsBetter() ? "≥" : "≤", p.target()));
        return b.toString();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static String pm(double[] v) {
        long finite = java.util.Arrays.stream(v).filter(Double::isFinite).count();
        if (finite == 0) {
            return "–";
        }
        double[] f = java.util.Arrays.stream(v).filter(Double::isFinite).toArray();
        double m = mean(f);
        double var = 0;
        for (double x : f) {
            var += (x - m) * (x - m);
        }
        double sd = f.length > 1 ? Math.sqrt(var / (f.length - 1)) : 0;
        return String.format(Locale.ROOT, "%.4g ± %.2g%s", m, sd, finite < v.length ? " (" + finite + "/" + v.length + " runs)" : "");
    }
}
