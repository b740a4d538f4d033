package org.momentumrnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of single autograd primitives and of one small tape, float32.
 *
 * <p>Shapes: x [32, 64], W [1024, 64], b [1, 1024] (linear to 1024 = 4 gates of hidden 256), h [32, 1024].
 * Mode {@link Mode#SampleTime}: JMH reports percentiles; read p0.00 (min) and p0.50 (median), not the mean,
 * which contention outliers dominate on a 2-core machine (see the perf notes).
 *
 * <p>The fork gets the same JVM flags as the library's tests (surefire argLine); run the jar with
 * {@code OMP_NUM_THREADS=1} in the environment to match the tests' thread configuration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
        "-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G"})
public class AutogradOpsBenchmark {
    static final int BATCH = 32;
    static final int IN = 64;
    static final int OUT = 1024;

    Tensor x;
    Tensor w;
    Tensor b;
    Tensor h;
    Tensor wParam;
    Tensor bParam;

    @Setup(Level.Trial)
    public void setUp() {
        BenchEnvironment.printOnce("AutogradOpsBenchmark");
        Nd4j.getRandom().setSeed(42);
        INDArray xv = Nd4j.randn(DataType.FLOAT, BATCH, IN);
        INDArray wv = Nd4j.randn(DataType.FLOAT, OUT, IN).muli(1.0 / Math.sqrt(IN));
        INDArray bv = Nd4j.randn(DataType.FLOAT, 1, OUT).muli(0.1);
        INDArray hv = Nd4j.randn(DataType.FLOAT, BATCH, OUT);
        x = Tensor.constant(xv);
        w = Tensor.constant(wv);
        b = Tensor.constant(bv);
        h = Tensor.constant(hv);
        wParam = Tensor.param(wv.dup());
        bParam = Tensor.param(bv.dup());
    }

    /** (a) {@code x·Wᵀ + b}, forward only, nothing recorded. */
    @Benchmark
    public INDArray linear() {
        return Ops.linear(x, w, b).value();
    }

    /** (b) elementwise tanh on [32, 1024], forward only. */
    @Benchmark
    public INDArray tanh() {
        return Ops.tanh(h).value();
    }

    /** (b) elementwise sigmoid on [32, 1024], forward only. */
    @Benchmark
    public INDArray sigmoid() {
        return Ops.sigmoid(h).value();
    }

    /** (c) tape forward + backward of {@code sum(tanh(linear(x, W, b)))}; gradients for W and b. */
    @Benchmark
    public INDArray tapeLinearTanhSumBackward() {
        wParam.zeroGrad();
        bParam.zeroGrad();
        try (Tape tape = Tape.open()) {
            Tensor loss = Ops.sum(Ops.tanh(Ops.linear(x, wParam, bParam)));
            tape.backward(loss);
        }
        return wParam.grad();
    }
}
