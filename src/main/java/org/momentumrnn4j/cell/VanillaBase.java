package org.momentumrnn4j.cell;

import java.util.List;
import java.util.Random;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Vanilla RNN base (spec/cells.md §3.8): {@code h_t = φ(a_t)}, φ = tanh (default) or sigmoid (the authors'
 * unreleased cell, Q10). Parameters {@code W [H, d]}, {@code b_x [1, H]}, {@code U [H, H]},
 * {@code b_h [1, H]}; state {@code h}.
 */
public final class VanillaBase extends AffineBase {
    private final CellConfig.Activation activation;

    /** A vanilla base initialized per {@code config} (spec/cells.md §7.3). */
    public VanillaBase(int inputSize, int hiddenSize, CellConfig config, DataType type) {
        this(inputSize, hiddenSize, config, type, new Random(config.seed()));
    }

    private VanillaBase(int inputSize, int hiddenSize, CellConfig config, DataType type, Random rnd) {
        super(inputSize, hiddenSize, type, inputWeights(inputSize, hiddenSize, type, rnd), Nd4j.zeros(type, 1, hiddenSize),
                config.vanillaRecurrentInit() == CellConfig.VanillaRecurrentInit.IDENTITY
                        ? Init.eye(hiddenSize, hiddenSize, type) : Init.orthogonal(hiddenSize, hiddenSize, rnd, type),
                Nd4j.zeros(type, 1, hiddenSize));
        this.activation = config.vanillaActivation();
    }

    private static org.nd4j.linalg.api.ndarray.INDArray inputWeights(int d, int hidden, DataType type, Random rnd) {
        validate(d, hidden, type);
        return Init.orthogonal(hidden, d, rnd, type);
    }

    /** The activation φ. */
    public CellConfig.Activation activation() {
        return activation;
    }

    @Override public Kind kind() { return Kind.VANILLA; }
    @Override public int gateWidth() { return hiddenSize(); }

    @Override
    public List<StateSpec.Slot> slots() {
        return List.of(new StateSpec.Slot("h", hiddenSize()));
    }

    @Override
    Tensor[] tail(Tensor a, CellState previous) {
        return new Tensor[] {activation == CellConfig.Activation.TANH ? Ops.tanh(a) : Ops.sigmoid(a)};
    }
}
