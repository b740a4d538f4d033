package org.momentumrnn4j.cell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public final class VanillaBase implements Base {
    private final int d;
    private final int hidden;
    private final DataType type;
    private final CellConfig.Activation activation;
    private final Tensor w;
    private final Tensor bx;
    private final Tensor u;
    private final Tensor bh;

    /** A vanilla base initialized per {@code config} (spec/cells.md §7.3). */
    public VanillaBase(int inputSize, int hiddenSize, CellConfig config, DataType type) {
        Validation.size("inputSize", inputSize);
        Validation.size("hiddenSize", hiddenSize);
        Validation.floatingType(type);
        this.d = inputSize;
        this.hidden = hiddenSize;
        this.type = type;
        this.activation = config.vanillaActivation();
        Random rnd = new Random(config.seed());
        this.w = Tensor.param(Init.orthogonal(hidden, d, rnd, type)).named("W");
        this.u = Tensor.param(config.vanillaRecurrentInit() == CellConfig.VanillaRecurrentInit.IDENTITY
                ? Init.eye(hidden, hidden, type) : Init.orthogonal(hidden, hidden, rnd, type)).named("U");
        this.bx = Tensor.param(Nd4j.zeros(type, 1, hidden)).named("b_x");
        this.bh = Tensor.param(Nd4j.zeros(type, 1, hidden)).named("b_h");
    }

    /** The activation φ. */
    public CellConfig.Activation activation() {
        return activation;
    }

    @Override public Kind kind() { return Kind.VANILLA; }
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
                return new Tensor[] {activation == CellConfig.Activation.TANH ? Ops.tanh(a) : Ops.sigmoid(a)};
            }
        };
    }
}
