package org.momentumrnn4j.cell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LSTM base (spec/cells.md §2.1, §3.1), gate blocks in PyTorch order i, f, ĝ, o:
 * <pre>
 * i = σ(a[0:H])   f = σ(a[H:2H])   ĝ = tanh(a[2H:3H])   o = σ(a[3H:4H])
 * c_t = f ⊙ c_{t−1} + i ⊙ ĝ        h_t = o ⊙ tanh(c_t)
 * </pre>
 * Parameters: {@code W [4H, d]} (reference {@code x2h.weight} / {@code weight_ih}), {@code b_x [1, 4H]}
 * ({@code x2h.bias} / {@code bias_ih}), {@code U [4H, H]} ({@code h2h.weight} / {@code weight_hh}),
 * {@code b_h [1, 4H]} ({@code h2h.bias} / {@code bias_hh}). State {@code (h, c)}.
 */
public final class LstmBase implements Base {
    private final int d;
    private final int hidden;
    private final DataType type;
    private final Tensor w;
    private final Tensor bx;
    private final Tensor u;
    private final Tensor bh;

    /** An LSTM base initialized per {@code config} (spec/cells.md §7.1). */
    public LstmBase(int inputSize, int hiddenSize, CellConfig config, DataType type) {
        Validation.size("inputSize", inputSize);
        Validation.size("hiddenSize", hiddenSize);
        Validation.floatingType(type);
        this.d = inputSize;
        this.hidden = hiddenSize;
        this.type = type;
        int g = 4 * hiddenSize;
        Random rnd = new Random(config.seed());
        INDArray wInit = Init.orthogonal(g, d, rnd, type);
        INDArray uInit;
        if (config.lstmRecurrentInit() == CellConfig.LstmRecurrentInit.EYE_4H_BY_H) {
            uInit = Init.eye(g, hidden, type);
        } else {
            uInit = Nd4j.create(type, g, hidden);
            for (int blk = 0; blk < 4; blk++) {
                uInit.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(blk * hidden, (blk + 1) * hidden),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(Init.orthogonal(hidden, hidden, rnd, type));
            }
        }
        INDArray bxInit = Nd4j.zeros(type, 1, g);
        INDArray bhInit = Nd4j.zeros(type, 1, g);
        for (int j = hidden; j < 2 * hidden; j++) {
            bhInit.putScalar(0, j, config.forgetBias());
            if (config.forgetBiasPlacement() == CellConfig.ForgetBiasPlacement.BOTH) {
                bxInit.putScalar(0, j, config.forgetBias());
            }
        }
        this.w = Tensor.param(wInit).named("W");
        this.bx = Tensor.param(bxInit).named("b_x");
        this.u = Tensor.param(uInit).named("U");
        this.bh = Tensor.param(bhInit).named("b_h");
    }

    @Override public Kind kind() { return Kind.LSTM; }
    @Override public int inputSize() { return d; }
    @Override public int hiddenSize() { return hidden; }
    @Override public int gateWidth() { return 4 * hidden; }
    @Override public DataType dataType() { return type; }

    @Override
    public List<StateSpec.Slot> slots() {
        return List.of(new StateSpec.Slot("h", hidden), new StateSpec.Slot("c", hidden));
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W", w);
        m.put("b_x", bx);
        m.put("U", u);
        m.put("b_h", bh);
        return m;
    }

    @Override
    public Prepared prepare() {
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
                int hh = hidden;
                Tensor i = Ops.sigmoid(Ops.slice(a, 0, hh));
                Tensor f = Ops.sigmoid(Ops.slice(a, hh, 2L * hh));
                Tensor gg = Ops.tanh(Ops.slice(a, 2L * hh, 3L * hh));
                Tensor o = Ops.sigmoid(Ops.slice(a, 3L * hh, 4L * hh));
                Tensor c = Ops.add(Ops.mul(f, previous.get(1)), Ops.mul(i, gg));
                Tensor h = Ops.mul(o, Ops.tanh(c));
                return new Tensor[] {h, c};
            }
        };
    }
}
