package org.momentumrnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.Cells;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One recurrent layer over a whole sequence, float32, for every cell of the grid on the shapes
 * A (T 100, batch 32, input 64, hidden 256) and B (T 784, batch 32, input 1, hidden 128): forward only, and
 * forward + backward with loss = sum of outputs and every parameter gradient (the PyTorch baseline's protocol).
 * Read min (p0.00) and median (p0.50) of the sample-time distribution.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CellSequence -p cell=momentum-lstm -p shape=A
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 2, timeUnit = TimeUnit.SECONDS)          // the batch split delays JIT compilation (RESULTS.md)
@Measurement(iterations = 5, time = 4, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class CellSequenceBenchmark {
    @Param({"lstm", "momentum-lstm", "adam-lstm", "rmsprop-lstm", "sr-lstm-a", "sr-lstm-b",
            "rnn", "momentum-rnn", "adam-rnn", "rmsprop-rnn", "sr-rnn-a", "sr-rnn-b",
            "dtriv", "momentum-dtriv", "adam-dtriv", "rmsprop-dtriv", "sr-dtriv-a", "sr-dtriv-b"})
    public String cell;

    @Param({"A", "B"})
    public String shape;

    RecurrentLayer layer;
    DriveCell c;
    INDArray x;

    @Setup(Level.Trial)
    public void setUp() {
        BenchEnvironment.printOnce("CellSequenceBenchmark");
        int[] s = shape.equals("A") ? new int[] {100, 32, 64, 256} : new int[] {784, 32, 1, 128};
        // the command line's cell names and paper defaults, so that JMH and `momentumrnn bench` time the same cells
        org.momentumrnn4j.cli.CellNames.Parsed p =
                org.momentumrnn4j.cli.CellNames.parse(cell, org.momentumrnn4j.cli.CellNames.Hyper.defaults());
        Base.Kind kind = p.base();
        DriveSpec drive = p.drive();
        c = Cells.create(kind, s[2], s[3], drive, CellConfig.defaults(), DataType.FLOAT);
        layer = RecurrentLayer.of(c);
        Nd4j.getRandom().setSeed(42);
        x = Nd4j.rand(DataType.FLOAT, s[1], s[0], s[2]);
    }

    /** Forward only, no tape. */
    @Benchmark
    public INDArray forward() {
        return Tape.noGrad(() -> layer.forward(Tensor.constant(x))).output().value();
    }

    /** Forward + backward, loss = sum of outputs, all parameter gradients. */
    @Benchmark
    public INDArray forwardBackward() {
        c.parameters().values().forEach(Tensor::zeroGrad);
        try (Tape tape = Tape.open()) {
            tape.backward(Ops.sum(layer.forward(Tensor.constant(x)).output()));
        }
        return c.parameters().get(c.base().kind() == Base.Kind.DTRIV ? "W_in" : "W").grad();
    }
}
