package org.momentumrnn4j.cell;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable recurrent state: one tensor {@code [batch, width]} per slot of the cell's {@link StateSpec},
 * plus the scheduled-restart counter {@code k} that the next step uses (1 at a sequence start; only
 * meaningful for cells whose spec {@link StateSpec#hasCounter() has a counter}).
 */
public final class CellState {
    private final StateSpec spec;
    private final Tensor[] tensors;
    private final int counter;

    /** A state from tensors given in slot order; shapes are validated against the spec. */
    public CellState(StateSpec spec, Tensor[] tensors, int counter) {
        if (tensors.length != spec.size()) {
            throw new IllegalArgumentException("state " + spec + " needs " + spec.size() + " tensors, got "
                    + tensors.length);
        }
        long batch = -1;
        DataType type = null;
        for (int i = 0; i < tensors.length; i++) {
            StateSpec.Slot slot = spec.slots().get(i);
            Tensor t = tensors[i];
            if (t == null) {
                throw new IllegalArgumentException("state slot '" + slot.name() + "' is null");
            }
            if (t.rank() != 2 || t.size(1) != slot.width() || (batch >= 0 && t.size(0) != batch)) {
                throw new IllegalArgumentException("state slot '" + slot.name() + "' must be [batch, "
                        + slot.width() + "]" + (batch >= 0 ? " with batch " + batch : "") + ", got "
                        + Arrays.toString(t.shape()));
            }
            if (type != null && t.dataType() != type) {
                throw new IllegalArgumentException("state slot '" + slot.name() + "' is " + t.dataType()
                        + " but slot 'h' is " + type);
            }
            batch = t.size(0);
            type = t.dataType();
        }
        if (counter < 1) {
            throw new IllegalArgumentException("restart counter k must be >= 1, got " + counter);
        }
        this.spec = spec;
        this.tensors = tensors.clone();
        this.counter = counter;
    }

    /** The all-zero state of a sequence start ({@code k = 1}). */
    public static CellState zeros(StateSpec spec, int batch, DataType type) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
        }
        Tensor[] t = new Tensor[spec.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = Tensor.constant(Nd4j.zeros(type, batch, spec.slots().get(i).width()));
        }
        return new CellState(spec, t, 1);
    }

    /** The spec this state follows. */
    public StateSpec spec() {
        return spec;
    }

    /** The hidden state {@code h [batch, H]}. */
    public Tensor h() {
        return tensors[0];
    }

    /** The named slot's tensor. */
    public Tensor get(String name) {
        int i = spec.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("state " + spec + " has no slot '" + name + "'");
        }
        return tensors[i];
    }

    /** The tensor of slot {@code i}. */
    public Tensor get(int i) {
        return tensors[i];
    }

    /** Whether the spec has the named slot. */
    public boolean has(String name) {
        return spec.indexOf(name) >= 0;
    }

    /** The counter k the next step uses. */
    public int counter() {
        return counter;
    }

    /** Batch size. */
    public int batchSize() {
        return (int) tensors[0].size(0);
    }

    /** Data type of the state tensors. */
    public DataType dataType() {
        return tensors[0].dataType();
    }

    /** A copy with slot {@code i} replaced. */
    public CellState with(int i, Tensor t) {
        Tensor[] n = tensors.clone();
        n[i] = t;
        return new CellState(spec, n, counter);
    }

    /** A copy with the named slot replaced. */
    public CellState with(String name, Tensor t) {
        int i = spec.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("state " + spec + " has no slot '" + name + "'");
        }
        return with(i, t);
    }

    /** A copy with another counter. */
    public CellState withCounter(int k) {
        return new CellState(spec, tensors, k);
    }

    /** The same values cut from the graph (for carrying state across truncated-BPTT segments). */
    public CellState detach() {
        Tensor[] n = new Tensor[tensors.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = tensors[i].detach();
        }
        return new CellState(spec, n, counter);
    }

    /** The slots by name, in order. */
    public Map<String, Tensor> asMap() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < tensors.length; i++) {
            m.put(spec.slots().get(i).name(), tensors[i]);
        }
        return m;
    }

    @Override
    public String toString() {
        return "CellState" + spec + " batch " + batchSize() + (spec.hasCounter() ? " k=" + counter : "");
    }
}
