package org.momentumrnn4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer over parameter groups, following PyTorch's definitions exactly.
 *
 * <p>Lifecycle: construct with the groups → ({@code backward}, {@link #step()}, {@link #zeroGrad()})* ;
 * {@link #state()} / {@link #loadState(Map)} save and restore the per-parameter buffers and the step
 * count (for checkpoints); {@link #reset()} forgets them. Parameters whose gradient is {@code null} are
 * skipped, as in PyTorch. Parameters are updated in place.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final Map<String, Map<String, INDArray>> buffers = new LinkedHashMap<>();
    private long steps;

    /** An optimizer over the given groups; parameter names must be unique across groups. */
    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter group");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ParamGroup g : groups) {
            for (String n : g.params().keySet()) {
                if (!seen.add(n)) {
                    throw new IllegalArgumentException("parameter '" + n + "' appears in more than one group");
                }
            }
        }
        this.groups = List.copyOf(groups);
    }

    /** The groups. */
    public List<ParamGroup> groups() {
        return groups;
    }

    /** Number of steps taken. */
    public long stepCount() {
        return steps;
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        steps++;
        for (ParamGroup g : groups) {
            for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
                Tensor p = e.getValue();
                if (p.grad() == null) {
                    continue;
                }
                INDArray grad = p.grad();
                if (g.weightDecay() != 0) {
                    grad = grad.add(p.value().mul(g.weightDecay()));
                }
                update(p.value(), grad, buffers.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()), g.lr(), steps);
            }
        }
    }

    /**
     * Updates one parameter in place.
     *
     * @param param  the value to update
     * @param grad   the gradient, weight decay included
     * @param state  this parameter's buffers (empty before its first update)
     * @param lr     learning rate of its group
     * @param step   1-based step count
     */
    protected abstract void update(INDArray param, INDArray grad, Map<String, INDArray> state, double lr, long step);

    /**
     * Clears every parameter's gradient ({@link Tensor#releaseGrad()}: the arrays are reused by the next backward
     * pass, so copy a gradient you want to keep past this call).
     */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            g.params().values().forEach(Tensor::releaseGrad);
        }
    }

    /** Forgets all buffers and the step count. */
    public void reset() {
        buffers.clear();
        steps = 0;
    }

    /** Forgets one parameter's buffers (used when a parameter is re-parametrized). */
    public void resetParameter(String name) {
        buffers.remove(name);
    }

    /** Buffers as {@code "<param>/<buffer>" → array} plus {@code "_step"}, for checkpoints (copies). */
    public Map<String, INDArray> state() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("_step", org.nd4j.linalg.factory.Nd4j.scalar(steps));
        for (var e : buffers.entrySet()) {
            for (var b : e.getValue().entrySet()) {
                m.put(e.getKey() + "/" + b.getKey(), b.getValue().dup());
            }
        }
        return m;
    }

    /** Restores what {@link #state()} returned. */
    public void loadState(Map<String, INDArray> state) {
        buffers.clear();
        INDArray s = state.get("_step");
        if (s == null) {
            throw new IllegalArgumentException("optimizer state lacks '_step'");
        }
        steps = s.getLong(0);
        java.util.Set<String> known = new java.util.HashSet<>();
        for (ParamGroup g : groups) {
            known.addAll(g.params().keySet());
        }
        for (var e : state.entrySet()) {
            if (e.getKey().equals("_step")) {
                continue;
            }
            int slash = e.getKey().lastIndexOf('/');
            if (slash < 0 || !known.contains(e.getKey().substring(0, slash))) {
                throw new IllegalArgumentException("optimizer state entry '" + e.getKey()
                        + "' does not name a parameter of this optimizer");
            }
            buffers.computeIfAbsent(e.getKey().substring(0, slash), k -> new LinkedHashMap<>())
                    .put(e.getKey().substring(slash + 1), e.getValue().dup());
        }
    }

    /** All parameters of all groups by name. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamGroup g : groups) {
            m.putAll(g.params());
        }
        return m;
    }

    /** Tensors with a gradient, in group order. */
    List<Tensor> withGrad() {
        List<Tensor> l = new ArrayList<>();
        for (Tensor t : parameters().values()) {
            if (t.grad() != null) {
                l.add(t);
            }
        }
        return l;
    }
}
