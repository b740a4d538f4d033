package org.momentumrnn4j.cell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.orthogonal.ExpmFunction;
import org.momentumrnn4j.orthogonal.SkewInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DTRIV base (spec/cells.md §2.2, §2.3, §3.7; spec/dtriv.md §1): an orthogonal RNN with modReLU,
 * <pre>
 * S = triu(P, 1) − triu(P, 1)ᵀ      B = base · exp(S)      (B formed once per sequence)
 * g_t = W_in x_t (no bias)           r_t = h_{t−1} · B (row-vector product, no bias)
 * h_t = modReLU(a_t) = sign(a_t) · max(|a_t| + b, 0)
 * </pre>
 * Parameters: {@code W_in [H, d]} (reference {@code input_kernel.weight}), {@code b [1, H]}
 * ({@code nonlinearity.b}), {@code P [H, H]} ({@code recurrent_kernel.A}; only its strict upper triangle is
 * used). Buffer: {@code base [H, H]} ({@code recurrent_kernel.base}), orthogonal, identity at construction;
 * the DTRIV schedule of the trainer rebases it. State {@code h}.
 */
public final class DtrivBase implements Base {
    private final int d;
    private final int hidden;
    private final DataType type;
    private final Tensor wIn;
    private final Tensor b;
    private final Tensor p;
    private final INDArray base;

    /** A DTRIV base initialized per {@code config} (spec/cells.md §7.2, spec/dtriv.md §6). */
    public DtrivBase(int inputSize, int hiddenSize, CellConfig config, DataType type) {
        AffineBase.validate(inputSize, hiddenSize, type);
        this.d = inputSize;
        this.hidden = hiddenSize;
        this.type = type;
        Random rnd = new Random(config.seed());
        INDArray w = config.dtrivInputInit() == CellConfig.DtrivInputInit.KAIMING_NORMAL
                ? Init.normal(hidden, d, Math.sqrt(2.0 / d), rnd, type)
                : Init.orthogonal(hidden, d, rnd, type);
        INDArray bias = config.modReluBiasInit() == CellConfig.ModReluBiasInit.UNIFORM_0_01
                ? Init.uniform(1, hidden, -0.01, 0.01, rnd, type) : Nd4j.zeros(type, 1, hidden);
        long skewSeed = rnd.nextLong();
        INDArray pInit = switch (config.skewInit()) {
            case CAYLEY -> SkewInit.cayley(hidden, skewSeed, type);
            case HENAFF -> SkewInit.henaff(hidden, skewSeed, type);
            case ZERO -> Nd4j.zeros(type, hidden, hidden);
        };
        this.wIn = Tensor.param(w).named("W_in");
        this.b = Tensor.param(bias).named("b");
        this.p = Tensor.param(pInit).named("P");
        this.base = Init.eye(hidden, hidden, type);
    }

    @Override public Kind kind() { return Kind.DTRIV; }
    @Override public int inputSize() { return d; }
    @Override public int hiddenSize() { return hidden; }
    @Override public int gateWidth() { return hidden; }
    @Override public DataType dataType() { return type; }

    @Override
    public List<StateSpec.Slot> slots() {
        return List.of(new StateSpec.Slot("h", hidden));
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W_in", wIn);
        m.put("b", b);
        m.put("P", p);
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Map.of("base", base);
    }

    /** The skew matrix {@code S(P) = triu(P, 1) − triu(P, 1)ᵀ} on the autograd layer. */
    public Tensor skew() {
        return org.momentumrnn4j.orthogonal.SkewFunction.skew(p);
    }

    /** The orthogonal recurrent matrix {@code B = base · exp(S(P))} on the autograd layer. */
    public Tensor orthogonalKernel() {
        return Ops.matmul(Tensor.constant(base), ExpmFunction.expm(skew()));
    }

    /** The current {@code B = base · exp(S(P))}, computed without recording. */
    public INDArray currentKernel() {
        return org.momentumrnn4j.autograd.Tape.noGrad(() -> orthogonalKernel().value().dup());
    }

    /**
     * Change of base (spec/dtriv.md §5): {@code base ← base · exp(S(P))}, {@code P ← 0}, in place. The
     * function {@code B} is unchanged; only its parametrization moves.
     */
    public void rebase() {
        INDArray b = currentKernel();
        base.assign(b);
        p.value().assign(0);
    }

    /** Replaces the base by its nearest orthogonal matrix (polar factor), removing accumulated drift. */
    public void projectBase() {
        base.assign(org.momentumrnn4j.orthogonal.Polar.orthogonalize(base));
    }

    /** Copies {@code newBase} into the base buffer (weight import). */
    public void setBase(INDArray newBase) {
        if (newBase.rank() != 2 || newBase.size(0) != hidden || newBase.size(1) != hidden) {
            throw new IllegalArgumentException("base must be [" + hidden + ", " + hidden + "], got "
                    + java.util.Arrays.toString(newBase.shape()));
        }
        base.assign(newBase);
    }

    @Override
    public Prepared prepare() {
        Tensor kernel = orthogonalKernel();
        return new Prepared() {
            @Override
            public Tensor inputDrive(Tensor x) {
                return Ops.linear(x, wIn, null);
            }

            @Override
            public Tensor recurrentDrive(Tensor h) {
                return Ops.matmul(h, kernel);
            }

            @Override
            public Tensor[] tail(Tensor a, CellState previous) {
                return new Tensor[] {Ops.modReLU(a, b)};
            }
        };
    }
}
