package org.momentumrnn4j.cell;

import java.util.LinkedHashMap;
import java.util.Map;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bases with affine drives {@code g_t = W x_t + b_x} and {@code r_t = U h_{t−1} + b_h} (vanilla RNN and
 * LSTM); subclasses choose the initialization and the tail. Parameters {@code W [G, d]}, {@code b_x [1, G]},
 * {@code U [G, H]}, {@code b_h [1, G]} (reference {@code x2h.weight}, {@code x2h.bias}, {@code h2h.weight},
 * {@code h2h.bias}).
 */
abstract class AffineBase implements Base {
    private final int d;
    private final int hidden;
    private final DataType type;
    private final Tensor w;
    private final Tensor bx;
    private final Tensor u;
    private final Tensor bh;

    AffineBase(int inputSize, int hiddenSize, DataType type, INDArray w, INDArray bx, INDArray u, INDArray bh) {
        this.d = inputSize;
        this.hidden = hiddenSize;
        this.type = type;
        this.w = Tensor.param(w).named("W");
        this.bx = Tensor.param(bx).named("b_x");
        this.u = Tensor.param(u).named("U");
        this.bh = Tensor.param(bh).named("b_h");
    }

    /** Validates the sizes and type shared by every base. */
    static void validate(int inputSize, int hiddenSize, DataType type) {
        Validation.size("inputSize", inputSize);
        Validation.size("hiddenSize", hiddenSize);
        Validation.floatingType(type);
    }

    @Override public final int inputSize() { return d; }
    @Override public final int hiddenSize() { return hidden; }
    @Override public final DataType dataType() { return type; }

    @Override
    public final Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W", w);
        m.put("b_x", bx);
        m.put("U", u);
        m.put("b_h", bh);
        return m;
    }

    /** The tail from the pre-activation to the new base slots. */
    abstract Tensor[] tail(Tensor a, CellState previous);

    @Override
    public final Prepared prepare() {
        return new Prepared() {
            @Override
            public Tensor inputDrive(Tensor x) {
                return Ops.linear(x, w, bx);
            }

            @Override
            public Tensor recurrentDrive(Tensor h) {
                return Ops.linear(h, u, bh);
            }

            @Override
            public Tensor[] tail(Tensor a, CellState previous) {
                return AffineBase.this.tail(a, previous);
            }
        };
    }
}
