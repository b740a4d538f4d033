package org.momentumrnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three ways the fused kernels can compute a per-step product {@code C [m, n] = A [m, k] · B [k, n]} (float32),
 * for the evaluation of the native builds in RESULTS.md: {@code Nd4j.gemm} into a preallocated output, a direct
 * {@code cblas_sgemm} on the buffers (JavaCPP OpenBLAS preset), and libnd4j's matmul op executed on a reused
 * {@code OpContext} (what {@code StepGemm} does on oneDNN builds). Shapes: {@code A} = the per-step product of
 * shape A ([32,256]×[256,1024]), {@code B} = of shape B ([32,128]×[128,512]), {@code S} = the streaming step
 * ([1,256]×[256,1024]). Run once per native build, e.g.
 * {@code java [-Djavacpp.platform.extension=-onednn-avx512] -jar benchmarks.jar StepGemm -jvmArgsAppend ...}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class StepGemmBenchmark {
    @Param({"A", "B", "S"})
    public String shape;

    private INDArray a;
    private INDArray b;
    private INDArray c;
    private FloatPointer pa;
    private FloatPointer pb;
    private FloatPointer pc;
    private OpContext context;
    private Mmul op;
    private int m;
    private int k;
    private int n;

    @Setup(Level.Trial)
    public void setUp() {
        BenchEnvironment.printOnce("StepGemmBenchmark");
        int[] s = switch (shape) {
            case "A" -> new int[] {32, 256, 1024};
            case "B" -> new int[] {32, 128, 512};
            case "S" -> new int[] {1, 256, 1024};
            default -> throw new IllegalArgumentException("shape must be A, B or S, got " + shape);
        };
        m = s[0];
        k = s[1];
        n = s[2];
        a = Nd4j.rand(DataType.FLOAT, m, k);
        b = Nd4j.rand(DataType.FLOAT, k, n);
        c = Nd4j.create(DataType.FLOAT, m, n);
        pa = new FloatPointer(a.data().addressPointer());
        pb = new FloatPointer(b.data().addressPointer());
        pc = new FloatPointer(c.data().addressPointer());
        context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(a, b);
        context.setOutputArrays(c);
        context.setIArguments(0, 0, 0);
        op = new Mmul();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        context.close();
    }

    @Benchmark
    public INDArray nd4jGemm() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }

    @Benchmark
    public FloatPointer cblasDirect() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, k, 1f, pa, k, pb,
                n, 0f, pc, n);
        return pc;
    }

    @Benchmark
    public INDArray[] reusedOpContext() {
        return Nd4j.getExecutioner().exec(op, context);
    }
}
