package org.momentumrnn4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.data.BatchIterator;
import org.momentumrnn4j.data.Dataset;
import org.momentumrnn4j.io.ModelArchive;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.Clipping;
import org.momentumrnn4j.optim.DtrivSchedule;
import org.momentumrnn4j.optim.LrSchedule;
import org.momentumrnn4j.optim.Optimizer;

/**
 * Trains a {@link SequenceModel}: epochs over shuffled mini-batches, evaluation on a held-out set after
 * every epoch, listeners, early stopping, a keep-the-best checkpoint and a last checkpoint from which
 * {@link #resume} continues exactly (same losses as an uninterrupted run with the same seed).
 *
 * <p>Per iteration: (DTRIV schedule) → forward and loss on a tape → backward → clipping → optimizer step.
 * Epoch e shuffles with seed {@code seed + e}; dropout in iteration i uses seed {@code seed ⊕ i}; nothing
 * else is random, which is what makes resumption exact.
 */
public final class Trainer {
    static {
        org.momentumrnn4j.runtime.NativeRuntime.configure();
    }

    private final SequenceModel model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final List<Double> baseRates = new ArrayList<>();
    private final double clipNorm;
    private final double clipValue;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final int patience;
    private final Path checkpointDir;
    private final DtrivSchedule dtriv;
    private final List<TrainingListener> listeners;
    private final int maxBatchesPerEpoch;
    private final java.time.Duration timeBudget;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.patience = b.patience;
        this.checkpointDir = b.checkpointDir;
        this.dtriv = b.dtriv;
        this.listeners = List.copyOf(b.listeners);
        this.maxBatchesPerEpoch = b.maxBatchesPerEpoch;
        this.timeBudget = b.timeBudget;
        optimizer.groups().forEach(g -> baseRates.add(g.lr()));
    }

    /** A builder for training {@code model}. */
    public static Builder builder(SequenceModel model) {
        return new Builder(model);
    }

    /** Builder of {@link Trainer}; {@code optimizer} is required. */
    public static final class Builder {
        private final SequenceModel model;
        private Optimizer optimizer;
        private LrSchedule schedule = LrSchedule.constant();
        private double clipNorm;
        private double clipValue;
        private int epochs = 1;
        private int batchSize = 32;
        private long seed = 12345L;
        private int patience = -1;
        private Path checkpointDir;
        private DtrivSchedule dtriv;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private int maxBatchesPerEpoch = Integer.MAX_VALUE;
        private java.time.Duration timeBudget;

        private Builder(SequenceModel model) {
            this.model = model;
        }

        /** The optimizer over the model's parameter groups (required). */
        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        /** Learning-rate schedule per epoch (default constant). */
        public Builder schedule(LrSchedule s) {
            this.schedule = s;
            return this;
        }

        /** Clip the global gradient norm at {@code max} (0: off, the default). */
        public Builder clipNorm(double max) {
            this.clipNorm = max;
            return this;
        }

        /** Clip every gradient element to ±{@code v} (0: off, the default). */
        public Builder clipValue(double v) {
            this.clipValue = v;
            return this;
        }

        /** Number of epochs (default 1). */
        public Builder epochs(int n) {
            this.epochs = n;
            return this;
        }

        /** Mini-batch size (default 32). */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** At most this many batches per epoch (default: all). */
        public Builder maxBatchesPerEpoch(int n) {
            this.maxBatchesPerEpoch = n;
            return this;
        }

        /** Seed of shuffling and dropout (default 12345). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Stop after {@code epochs} epochs without validation improvement (default: never). */
        public Builder earlyStopping(int epochsWithoutImprovement) {
            this.patience = epochsWithoutImprovement;
            return this;
        }

        /** Write {@code best.zip} (best validation loss) and {@code last.zip} (every epoch) there. */
        public Builder checkpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /** The DTRIV rebase schedule (for models with DTRIV layers). */
        public Builder dtriv(DtrivSchedule s) {
            this.dtriv = s;
            return this;
        }

        /** Stop (after finishing the current epoch's evaluation) once this much wall time has passed. */
        public Builder timeBudget(java.time.Duration budget) {
            this.timeBudget = budget;
            return this;
        }

        /** Adds a listener. */
        public Builder listener(TrainingListener l) {
            this.listeners.add(l);
            return this;
        }

        /** Builds the trainer. */
        public Trainer build() {
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer must be set");
            }
            if (epochs < 1 || batchSize < 1 || maxBatchesPerEpoch < 1) {
                throw new IllegalArgumentException("epochs, batchSize and maxBatchesPerEpoch must be >= 1, got "
                        + epochs + ", " + batchSize + ", " + maxBatchesPerEpoch);
            }
            if (!(clipNorm >= 0) || !(clipValue >= 0)) {
                throw new IllegalArgumentException("clipNorm and clipValue must be >= 0 (0 = off)");
            }
            if (!model.dtrivBases().isEmpty() && dtriv == null) {
                org.slf4j.LoggerFactory.getLogger(Trainer.class).warn(
                        "the model has DTRIV layers but no DtrivSchedule: the base never changes (static expRNN)");
            }
            return new Trainer(this);
        }
    }

    /** Trains from the current parameters. {@code validation} may be null. */
    public TrainingState fit(Dataset train, Dataset validation) {
        return run(train, validation, TrainingState.initial());
    }

    /**
     * Continues a run from a checkpoint written by this trainer's configuration: loads parameters, buffers,
     * optimizer, schedule and DTRIV state, then runs the remaining epochs.
     */
    public TrainingState resume(Path checkpoint, Dataset train, Dataset validation) {
        ModelArchive.Loaded loaded = ModelArchive.load(checkpoint);
        loaded.copyInto(model);
        if (loaded.optimizerState().isEmpty()) {
            throw new IllegalArgumentException(checkpoint + " has no optimizer state; it cannot be resumed exactly");
        }
        optimizer.loadState(loaded.optimizerState());
        TrainingState state = TrainingState.fromMap(loaded.training());
        schedule.loadState(state.scheduleState());
        if (dtriv != null) {
            dtriv.loadState(state.dtrivState());
        }
        return run(train, validation, state);
    }

    private TrainingState run(Dataset train, Dataset validation, TrainingState start) {
        TrainingState state = start;
        int perEpoch = Math.min(new BatchIterator(train, batchSize, false, 0, false).numBatches(), maxBatchesPerEpoch);
        for (TrainingListener l : listeners) {
            l.onStart(epochs, perEpoch, state.epochsDone());
        }
        String reason = "completed " + epochs + " epochs";
        long deadline = timeBudget == null ? Long.MAX_VALUE : System.nanoTime() + timeBudget.toNanos();
        for (int epoch = state.epochsDone(); epoch < epochs; epoch++) {
            long t0 = System.nanoTime();
            schedule.apply(optimizer, epoch, baseRates);
            model.setTraining(true);
            BatchIterator it = new BatchIterator(train, batchSize, true, seed + epoch, false);
            double sum = 0;
            long n = 0;
            long iteration = state.iterations();
            for (int b = 0; b < perEpoch && it.hasNext() && System.nanoTime() < deadline; b++) {
                Batch batch = it.next();
                double loss = trainStep(batch, iteration);
                iteration++;
                sum += loss * batch.size();
                n += batch.size();
                for (TrainingListener l : listeners) {
                    l.onIteration(epoch, b, iteration, loss);
                }
            }
            if (n == 0) {
                reason = "time budget of " + timeBudget.toSeconds() + " s used after " + epoch + " epochs";
                break;
            }
            double[] eval = validation == null ? new double[] {Double.NaN, Double.NaN} : evaluate(validation);
            schedule.observe(Double.isNaN(eval[0]) ? sum / n : eval[0]);
            EpochMetrics m = new EpochMetrics(epoch, iteration, sum / n, eval[0], eval[1],
                    optimizer.groups().get(0).lr(), (System.nanoTime() - t0) / 1e9);
            double monitored = Double.isNaN(eval[0]) ? m.trainLoss() : eval[0];
            boolean improved = monitored < state.best();
            state = state.next(m, improved ? monitored : state.best(), improved ? 0 : state.badEpochs() + 1,
                    schedule.state(), dtriv == null ? new long[5] : dtriv.state());
            for (TrainingListener l : listeners) {
                l.onEpochEnd(m);
            }
            if (checkpointDir != null) {
                save(checkpointDir.resolve("last.zip"), state);
                if (improved) {
                    save(checkpointDir.resolve("best.zip"), state);
                }
            }
            if (!Double.isFinite(m.trainLoss())) {
                reason = "stopped: training loss is " + m.trainLoss();
                break;
            }
            if (patience >= 0 && state.badEpochs() > patience) {
                reason = "early stopping: no improvement for " + state.badEpochs() + " epochs";
                break;
            }
            if (System.nanoTime() >= deadline) {
                reason = "time budget of " + timeBudget.toSeconds() + " s used after " + (epoch + 1) + " epochs";
                break;
            }
        }
        for (TrainingListener l : listeners) {
            l.onEnd(state.history(), reason);
        }
        return state;
    }

    private double trainStep(Batch batch, long iteration) {
        optimizer.zeroGrad();
        model.reseedDropout(seed ^ (iteration * 0x9E3779B97F4A7C15L));
        if (dtriv != null) {
            dtriv.beforeForward();
        }
        double loss;
        try (Tape tape = Tape.openFreeingValues()) {                     // nothing of the batch outlives the step
            Tensor out = model.forward(batch);
            if (dtriv != null) {
                dtriv.afterForward();
            }
            Tensor l = model.loss(out, batch);
            loss = l.value().getDouble(0);
            tape.backward(l);
        }
        if (clipValue > 0) {
            Clipping.clipValue(optimizer.parameters().values(), clipValue);
        }
        if (clipNorm > 0) {
            Clipping.clipGlobalNorm(optimizer.parameters().values(), clipNorm);
        }
        optimizer.step();
        return loss;
    }

    /** Mean loss (example-weighted) and accuracy (label targets; NaN otherwise) on {@code data}. */
    public double[] evaluate(Dataset data) {
        if (dtriv != null) {
            dtriv.onEvaluation();
        }
        model.setTraining(false);
        double loss = 0;
        double correct = 0;
        long n = 0;
        BatchIterator it = new BatchIterator(data, batchSize, false, 0, false);
        try (Tape.NoGrad ignored = Tape.noGrad()) {
            while (it.hasNext()) {
                Batch b = it.next();
                Tensor out = model.forward(b);
                loss += model.loss(out, b).value().getDouble(0) * b.size();
                correct += SequenceModel.accuracy(out.value(), b.target()) * b.size();
                n += b.size();
            }
        }
        model.setTraining(true);
        return new double[] {loss / n, correct / n};
    }

    private void save(Path p, TrainingState state) {
        try {
            Files.createDirectories(p.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create checkpoint folder " + p.getParent(), e);
        }
        ModelArchive.save(p, model, optimizer.state(), state.toMap());
    }
}
