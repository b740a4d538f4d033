package org.momentumrnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.data.AddingTask;
import org.momentumrnn4j.data.Dataset;
import org.momentumrnn4j.io.ModelArchive;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.optim.RmsProp;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.momentumrnn4j.sequence.SequenceOutput;
import org.momentumrnn4j.train.LoggingListener;
import org.momentumrnn4j.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The README's examples, as written there (sizes reduced where they only cost time). */
class ReadmeExampleTest {
    @Test
    void usageExample() {
        MomentumCell cell = MomentumCell.builder().lstm(28, 128).mu(0.6).stepSize(0.6).build();  // float32 by default
        RecurrentLayer layer = RecurrentLayer.of(cell);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 28, 28);                  // [batch, time, features]
        try (Tape tape = Tape.open()) {
            SequenceOutput out = layer.forward(Tensor.constant(x));           // outputs [32, 28, 128] and final state
            Tensor loss = Ops.mean(out.output());
            tape.backward(loss);                                              // gradients land on the parameters
            assertArrayEquals(new long[] {32, 28, 128}, out.output().shape());
        }
        INDArray dW = cell.parameters().get("W").grad();
        assertTrue(dW.amaxNumber().doubleValue() > 0);
    }

    @Test
    void trainingExample(@TempDir Path tmp) {
        Dataset train = new AddingTask(10, 256, 1, DataType.FLOAT), valid = new AddingTask(10, 64, 2, DataType.FLOAT);
        ModelConfig cfg = ModelConfig.single(2, new ModelConfig.Layer(Base.Kind.LSTM, 16,
                new DriveSpec.Momentum(0.6, 0.6), CellConfig.defaults()), ModelConfig.Head.LAST_STEP, 1, DataType.FLOAT, 42);
        SequenceModel model = new SequenceModel(cfg);
        Trainer trainer = Trainer.builder(model).optimizer(new RmsProp(model.paramGroups(1e-3, 1e-4, 0), 0.9, 1e-8))
                .epochs(2).batchSize(128).clipNorm(1.0).checkpointDir(tmp.resolve("runs/adding"))
                .listener(new LoggingListener()).build();
        trainer.fit(train, valid);
        SequenceModel back = ModelArchive.load(tmp.resolve("runs/adding/best.zip")).model();
        assertTrue(back.parameters().size() == model.parameters().size());
    }
}
