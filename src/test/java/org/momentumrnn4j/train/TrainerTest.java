package org.momentumrnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.data.AddingTask;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.Adam;
import org.momentumrnn4j.optim.DtrivSchedule;
import org.momentumrnn4j.optim.LrSchedule;
import org.momentumrnn4j.optim.RmsProp;
import org.nd4j.linalg.api.buffer.DataType;

class TrainerTest {

    static ModelConfig config(Base.Kind kind, double dropout) {
        return new ModelConfig(2, List.of(
                new ModelConfig.Layer(kind, 8, new DriveSpec.Momentum(0.6, 0.6), CellConfig.defaults().withSeed(3)),
                new ModelConfig.Layer(Base.Kind.LSTM, 8, new DriveSpec.Adam(0.6, 0.6, 0.5), CellConfig.defaults().withSeed(4))),
                dropout, ModelConfig.Head.LAST_STEP, 1, DataType.DOUBLE, 11);
    }

    /** Loss per iteration of a run (recorded by a listener). */
    static final class Losses implements TrainingListener {
        final List<Double> losses = new ArrayList<>();

        @Override
        public void onIteration(int epoch, int batch, long iteration, double loss) {
            losses.add(loss);
        }
    }

    private static Trainer.Builder trainer(SequenceModel m, Path dir, int epochs, Losses l) {
        Trainer.Builder b = Trainer.builder(m).optimizer(new Adam(m.paramGroups(3e-3, 1e-3, 0.0))).epochs(epochs)
                .batchSize(8).seed(5).clipNorm(1.0).checkpointDir(dir).listener(l)
                .schedule(LrSchedule.divideOnPlateau(2, 0));
        if (!m.dtrivBases().isEmpty()) {
            b.dtriv(new DtrivSchedule(m.dtrivBases(), 3, 2));
        }
        return b;
    }

    @Test
    void resumingFromACheckpointGivesTheSameLossesAsAnUninterruptedRun(@TempDir Path dir) {
        for (Base.Kind kind : new Base.Kind[] {Base.Kind.LSTM, Base.Kind.DTRIV}) {
            AddingTask train = new AddingTask(6, 48, 1, DataType.DOUBLE);
            AddingTask val = new AddingTask(6, 16, 2, DataType.DOUBLE);
            Losses full = new Losses();
            trainer(new SequenceModel(config(kind, 0.25)), dir.resolve(kind + "-full"), 4, full).build().fit(train, val);

            Losses first = new Losses();
            trainer(new SequenceModel(config(kind, 0.25)), dir.resolve(kind + "-part"), 2, first).build().fit(train, val);
            Losses rest = new Losses();
            // a new process: a fresh model and optimizer, everything else from the checkpoint
            TrainingState resumed = trainer(new SequenceModel(config(kind, 0.25)), dir.resolve(kind + "-part"), 4, rest).build()
                    .resume(dir.resolve(kind + "-part").resolve("last.zip"), train, val);
            List<Double> joined = new ArrayList<>(first.losses);
            joined.addAll(rest.losses);
            assertEquals(full.losses.size(), joined.size());
            assertArrayEquals(full.losses.stream().mapToDouble(Double::doubleValue).toArray(),
                    joined.stream().mapToDouble(Double::doubleValue).toArray(), 0.0, kind + ": resumed losses differ");
            assertEquals(4, resumed.epochsDone());
            assertEquals(4, resumed.history().size());
            assertTrue(Files.exists(dir.resolve(kind + "-part").resolve("best.zip")));
        }
    }

    @Test
    void earlyStoppingCsvAndTheLossFalls(@TempDir Path dir) throws Exception {
        AddingTask train = new AddingTask(5, 256, 1, DataType.DOUBLE);
        AddingTask val = new AddingTask(5, 64, 2, DataType.DOUBLE);
        SequenceModel m = new SequenceModel(config(Base.Kind.LSTM, 0));
        Losses l = new Losses();
        Path csv = dir.resolve("metrics.csv");
        TrainingState s = Trainer.builder(m).optimizer(new RmsProp(m.paramGroups(1e-2, 1e-3, 0), 0.9, 1e-8)).epochs(30)
                .batchSize(32).earlyStopping(1).listener(l).listener(new CsvMetricsWriter(csv, dir.resolve("it.csv"), false))
                .build().fit(train, val);
        List<String> rows = Files.readAllLines(csv);
        assertEquals(CsvMetricsWriter.EPOCH_HEADER, rows.get(0));
        assertEquals(s.history().size() + 1, rows.size());
        assertEquals(s.iterations() + 1, Files.readAllLines(dir.resolve("it.csv")).size());
        double first = s.history().get(0).validationLoss();
        double best = s.best();
        assertTrue(best < first, "validation loss falls: " + first + " -> " + best);
        if (s.history().size() < 30) {
            assertTrue(s.badEpochs() > 1, "stopped early only after the patience ran out");
        }
    }

    @Test
    void progressBarLine() {
        ProgressBar bar = new ProgressBar(System.out, false);
        bar.onStart(2, 10, 0);
        bar.onIteration(0, 4, 5, 0.5);
        String line = bar.line(0, 4, System.nanoTime());
        assertTrue(line.startsWith("epoch 1/2 [") && line.contains("5/10") && line.contains("loss 0.5000")
                && line.contains("ETA"), line);
        assertTrue(!bar.enabled());
    }
}
