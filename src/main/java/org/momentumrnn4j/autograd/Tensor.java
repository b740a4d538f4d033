package org.momentumrnn4j.autograd;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable value: an {@link INDArray} value, its gradient, and whether it requires one.
 *
 * <p>Leaves are created with {@link #param} (requires a gradient; gradients accumulate across backward
 * passes until {@link #zeroGrad()}) or {@link #constant} (no gradient). Every other tensor is the output
 * of a {@link Function}; it requires a gradient when any input did and a {@link Tape} was recording.
 * The gradient of an intermediate tensor is available after {@link Tape#backward} until the tape is
 * closed (like PyTorch's {@code retain_grad}); closing the tape frees it, so copy it to keep it, and treat it as
 * read-only (it may be a constant shared with other tensors, such as the gradient of a sum).
 *
 * <p>Values are never modified in place by the library's operations.
 */
public final class Tensor {
    private final INDArray value;
    private final boolean requiresGrad;
    private INDArray grad;
    private boolean gradShared;             // grad is a shared read-only constant (intermediate tensors only)
    private boolean freed;                  // the value went back to ArrayPool (Tape.openFreeingValues)
    private String name;

    // Set when this tensor is the output of a recorded operation.
    Tape tape;
    Node creator;

    Tensor(INDArray value, boolean requiresGrad) {
        this.value = Objects.requireNonNull(value, "value");
        this.requiresGrad = requiresGrad;
    }

    /** A leaf that requires a gradient (a trainable parameter or an input to differentiate against). */
    public static Tensor param(INDArray value) {
        checkFloating(value);
        return new Tensor(value, true);
    }

    /** A leaf without gradient. */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, false);
    }

    /** A leaf that requires a gradient if {@code requiresGrad}. */
    public static Tensor of(INDArray value, boolean requiresGrad) {
        return requiresGrad ? param(value) : constant(value);
    }

    private static void checkFloating(INDArray value) {
        Objects.requireNonNull(value, "value");
        DataType t = value.dataType();
        if (t != DataType.DOUBLE && t != DataType.FLOAT) {
            throw new IllegalArgumentException(
                    "a tensor that requires a gradient must be FLOAT or DOUBLE, got " + t);
        }
    }

    /**
     * The value; do not modify it in place while a tape that recorded it is open.
     *
     * @throws IllegalStateException if a {@link Tape#openFreeingValues() freeing tape} that produced it has closed
     */
    public INDArray value() {
        if (freed) {
            throw new IllegalStateException("the value of " + this + " was freed when the tape that produced it "
                    + "(Tape.openFreeingValues) closed; read what you need before closing it");
        }
        return value;
    }

    /** Marks the value as freed by its tape (it goes back to {@link ArrayPool}). */
    void markFreed() {
        freed = true;
    }

    /** The accumulated gradient, or {@code null} when none has reached this tensor. */
    public INDArray grad() {
        return grad;
    }

    /** Whether gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for tensors not produced by a recorded operation. */
    public boolean isLeaf() {
        return creator == null;
    }

    /** Shape of the value. */
    public long[] shape() {
        return value.shape();
    }

    /** Data type of the value. */
    public DataType dataType() {
        return value.dataType();
    }

    /** Size of dimension {@code i} of the value. */
    public long size(int i) {
        return value.size(i);
    }

    /** Rank of the value. */
    public int rank() {
        return value.rank();
    }

    /** A tensor with the same value that is cut from the graph and requires no gradient. */
    public Tensor detach() {
        return new Tensor(value, false);
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
        gradShared = false;
    }

    /**
     * Forgets the accumulated gradient like {@link #zeroGrad()} and hands its array to {@link ArrayPool}, where the
     * next backward pass's gradients of the same shape come from: no fresh memory per training step. An array
     * obtained from {@link #grad()} before is reused afterwards; copy it to keep it.
     */
    public void releaseGrad() {
        if (grad != null && !gradShared) {
            ArrayPool.give(grad);
        }
        grad = null;
        gradShared = false;
    }

    /** Optional name for messages and debugging. */
    public Tensor named(String newName) {
        this.name = newName;
        return this;
    }

    /** The name given with {@link #named}, or {@code null}. */
    public String name() {
        return name;
    }

    /** What the tape may do with a gradient array it hands to {@link #accumulateGrad}. */
    enum Ownership {
        /** The array may alias others: copy it before keeping it. */
        COPY,
        /** The array is this tensor's alone ({@link Function#freshGradients()}): keep it, or free it once added. */
        ADOPT,
        /** A shared read-only constant ({@link Function#constantGradients()}): keep it unmodified, never free it. */
        SHARE
    }

    /** Adds {@code g} to the gradient, keeping, copying or freeing {@code g} as {@code ownership} allows. */
    void accumulateGrad(INDArray g, Ownership ownership) {
        if (!Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalStateException("gradient shape " + Arrays.toString(g.shape())
                    + " does not match value shape " + Arrays.toString(value.shape())
                    + (creator == null ? "" : " (output of " + creator.function.name() + ")"));
        }
        if (grad == null) {
            boolean share = ownership == Ownership.SHARE && creator != null;    // a leaf's gradient is the user's
            grad = ownership == Ownership.ADOPT || share ? g : g.dup();
            gradShared = share;
        } else {
            if (gradShared) {
                grad = grad.add(g);
                gradShared = false;
            } else {
                grad.addi(g);
            }
            if (ownership == Ownership.ADOPT) {
                ArrayPool.give(g);                                       // this tensor's alone: reused
            }
        }
    }

    /** Forgets (and frees, or returns to {@link ArrayPool} if {@code pool}, unless shared) an intermediate's gradient. */
    void clearIntermediateGrad(boolean pool) {
        if (creator != null && grad != null) {
            if (!gradShared) {
                if (pool) {
                    ArrayPool.give(grad);
                } else {
                    free(grad);
                }
            }
            grad = null;
            gradShared = false;
        }
    }

    private static void free(INDArray a) {
        if (a.closeable() && !a.wasClosed()) {
            a.close();
        }
    }

    // ---- fluent conveniences for the functional API in Ops ----

    /** {@code this + other} with row/column broadcasting. */
    public Tensor add(Tensor other) {
        return Ops.add(this, other);
    }

    /** {@code this - other} with row/column broadcasting. */
    public Tensor sub(Tensor other) {
        return Ops.sub(this, other);
    }

    /** {@code this ⊙ other} with row/column broadcasting. */
    public Tensor mul(Tensor other) {
        return Ops.mul(this, other);
    }

    /** {@code this ⊘ other} with row/column broadcasting. */
    public Tensor div(Tensor other) {
        return Ops.div(this, other);
    }

    /** Matrix product {@code this · other}. */
    public Tensor matmul(Tensor other) {
        return Ops.matmul(this, other);
    }

    /** {@code c · this}. */
    public Tensor scale(double c) {
        return Ops.scale(this, c);
    }

    @Override
    public String toString() {
        return "Tensor" + (name == null ? "" : "(" + name + ")") + Arrays.toString(value.shape())
                + " " + value.dataType() + (requiresGrad ? " requiresGrad" : "");
    }
}
