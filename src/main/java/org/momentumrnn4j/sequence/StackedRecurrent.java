package org.momentumrnn4j.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Several {@link RecurrentLayer}s on top of each other: the output sequence of layer l is the input of
 * layer l + 1, with optional inverted dropout between layers (active only in training mode, seeded).
 * States are one {@link CellState} per layer, in order.
 */
public final class StackedRecurrent {
    private final List<RecurrentLayer> layers;
    private final double dropout;
    private Random random;
    private boolean training = true;

    /** A stack of layers with dropout probability {@code dropout ∈ [0, 1)} between them. */
    public StackedRecurrent(List<RecurrentLayer> layers, double dropout, long seed) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a stack needs at least one layer");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).cell().inputSize() != layers.get(i - 1).cell().hiddenSize()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).cell().inputSize()
                        + " features but layer " + (i - 1) + " outputs " + layers.get(i - 1).cell().hiddenSize());
            }
            if (layers.get(i).timeMajor() != layers.get(0).timeMajor()) {
                throw new IllegalArgumentException("all layers of a stack must share the layout (timeMajor)");
            }
        }
        this.layers = List.copyOf(layers);
        this.dropout = dropout;
        this.random = new Random(seed);
    }

    /** A stack without dropout. */
    public StackedRecurrent(List<RecurrentLayer> layers) {
        this(layers, 0.0, CellConfig.DEFAULT_SEED);
    }

    /** The layers. */
    public List<RecurrentLayer> layers() {
        return layers;
    }

    /** Restarts the dropout random stream from {@code seed}. */
    public StackedRecurrent reseed(long seed) {
        this.random = new Random(seed);
        return this;
    }

    /** Enables (default) or disables dropout. */
    public StackedRecurrent training(boolean value) {
        this.training = value;
        return this;
    }

    /** Result: the top layer's outputs and every layer's final state. */
    public record Output(Tensor output, List<CellState> finalStates) {}

    /** Runs the stack; {@code initial} is null or one state (or null) per layer. */
    public Output forward(Tensor x, SequenceMask mask, List<CellState> initial) {
        if (initial != null && initial.size() != layers.size()) {
            throw new IllegalArgumentException("need " + layers.size() + " initial states (one per layer), got "
                    + initial.size());
        }
        Tensor h = x;
        List<CellState> finals = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            if (l > 0 && training && dropout > 0) {
                h = Ops.mul(h, Tensor.constant(dropoutMask(h)));
            }
            SequenceOutput o = layers.get(l).forward(h, mask, initial == null ? null : initial.get(l));
            h = o.output();
            finals.add(o.finalState());
        }
        return new Output(h, finals);
    }

    private INDArray dropoutMask(Tensor h) {
        INDArray m = Nd4j.create(h.dataType(), h.shape());
        double keep = 1.0 / (1.0 - dropout);
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, random.nextDouble() < dropout ? 0.0 : keep);
        }
        return m;
    }
}
