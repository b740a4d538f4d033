package org.momentumrnn4j.cell;

import java.util.List;
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
public final class LstmBase extends AffineBase {

    /** An LSTM base initialized per {@code config} (spec/cells.md §7.1). */
    public LstmBase(int inputSize, int hiddenSize, CellConfig config, DataType type) {
        this(inputSize, hiddenSize, config, type, new Random(config.seed()));
    }

    private LstmBase(int inputSize, int hiddenSize, CellConfig config, DataType type, Random rnd) {
        super(inputSize, hiddenSize, type, inputWeights(inputSize, hiddenSize, type, rnd),
                forgetBias(hiddenSize, config, type, config.forgetBiasPlacement() == CellConfig.ForgetBiasPlacement.BOTH),
                recurrentWeights(hiddenSize, config, type, rnd), forgetBias(hiddenSize, config, type, true));
    }

    private static INDArray inputWeights(int d, int hidden, DataType type, Random rnd) {
        validate(d, hidden, type);
        return Init.orthogonal(4 * hidden, d, rnd, type);
    }

    private static INDArray recurrentWeights(int hidden, CellConfig config, DataType type, Random rnd) {
        if (config.lstmRecurrentInit() == CellConfig.LstmRecurrentInit.EYE_4H_BY_H) {
            return Init.eye(4 * hidden, hidden, type);
        }
        INDArray u = Nd4j.create(type, 4L * hidden, hidden);
        for (int blk = 0; blk < 4; blk++) {
            u.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(blk * hidden, (blk + 1) * hidden),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(Init.orthogonal(hidden, hidden, rnd, type));
        }
        return u;
    }

    /** A [1, 4H] bias: zeros, with the forget block [H, 2H) = fg when {@code withForget}. */
    private static INDArray forgetBias(int hidden, CellConfig config, DataType type, boolean withForget) {
        INDArray b = Nd4j.zeros(type, 1, 4L * hidden);
        if (withForget) {
            for (int j = hidden; j < 2 * hidden; j++) {
                b.putScalar(0, j, config.forgetBias());
            }
        }
        return b;
    }

    @Override public Kind kind() { return Kind.LSTM; }
    @Override public int gateWidth() { return 4 * hiddenSize(); }

    @Override
    public List<StateSpec.Slot> slots() {
        return List.of(new StateSpec.Slot("h", hiddenSize()), new StateSpec.Slot("c", hiddenSize()));
    }

    @Override
    Tensor[] tail(Tensor a, CellState previous) {
        long hh = hiddenSize();
        Tensor i = Ops.sigmoid(Ops.slice(a, 0, hh));
        Tensor f = Ops.sigmoid(Ops.slice(a, hh, 2 * hh));
        Tensor gg = Ops.tanh(Ops.slice(a, 2 * hh, 3 * hh));
        Tensor o = Ops.sigmoid(Ops.slice(a, 3 * hh, 4 * hh));
        Tensor c = Ops.add(Ops.mul(f, previous.get(1)), Ops.mul(i, gg));
        Tensor h = Ops.mul(o, Ops.tanh(c));
        return new Tensor[] {h, c};
    }
}
