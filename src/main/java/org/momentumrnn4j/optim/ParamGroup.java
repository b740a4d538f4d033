package org.momentumrnn4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.momentumrnn4j.autograd.Tensor;

/**
 * Named parameters that share a learning rate and weight decay (PyTorch's parameter groups). DTRIV's skew
 * parameter {@code P} usually sits in its own group with {@code lr_orth}.
 */
public final class ParamGroup {
    private final String name;
    private final Map<String, Tensor> params;
    private double lr;
    private final double weightDecay;

    /**
     * @param name        group name (for logs and checkpoints)
     * @param params      parameters by unique name
     * @param lr          learning rate > 0
     * @param weightDecay L2 coefficient ≥ 0, added to the gradient as PyTorch does
     */
    public ParamGroup(String name, Map<String, Tensor> params, double lr, double weightDecay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr of group '" + name + "' must be > 0 and finite, got " + lr);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay of group '" + name + "' must be >= 0, got " + weightDecay);
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            if (!e.getValue().requiresGrad() || !e.getValue().isLeaf()) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' must be a leaf that requires a gradient");
            }
        }
        this.name = name;
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** A group without weight decay. */
    public ParamGroup(String name, Map<String, Tensor> params, double lr) {
        this(name, params, lr, 0.0);
    }

    /** Group name. */
    public String name() {
        return name;
    }

    /** Parameters by name. */
    public Map<String, Tensor> params() {
        return params;
    }

    /** Current learning rate. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate (schedules do this). */
    public void setLr(double newLr) {
        if (!(newLr >= 0) || Double.isInfinite(newLr)) {
            throw new IllegalArgumentException("lr of group '" + name + "' must be >= 0 and finite, got " + newLr);
        }
        this.lr = newLr;
    }

    /** Weight decay. */
    public double weightDecay() {
        return weightDecay;
    }
}
