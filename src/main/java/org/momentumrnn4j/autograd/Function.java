package org.momentumrnn4j.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One differentiable operation: forward and backward side by side.
 *
 * <p>Implementations are immutable; per-call attributes (a slice range, a scale factor) are fields set in
 * the constructor. Forward must not modify its inputs. Backward receives one gradient per output
 * ({@code null} for an output no gradient reached) and returns one gradient per input, with the input's
 * shape ({@code null} allowed where {@link Context#needsInputGrad} is false). Returned arrays may be
 * views of or equal to the incoming gradients: the tape copies before accumulating, unless the function
 * declares {@link #freshGradients()}.
 *
 * <p>Built-in functions are listed in {@link OpRegistry}; register custom ones there too.
 */
public abstract class Function {

    /** The name under which this function is registered (for messages and the registry). */
    public abstract String name();

    /** Number of outputs; 1 unless overridden. */
    public int numOutputs() {
        return 1;
    }

    /** Computes the outputs; may save what backward needs in {@code ctx}. */
    protected abstract INDArray[] forward(Context ctx, INDArray[] inputs);

    /** Computes the input gradients from the output gradients. */
    protected abstract INDArray[] backward(Context ctx, INDArray[] gradOutputs);

    /**
     * True if every array {@link #backward} returns was allocated by that call for the caller alone: not a
     * view of or equal to an incoming gradient, a saved or cached array, or another returned array. The tape
     * then adopts the arrays as gradients without copying them, and frees them when it is done with them
     * (a fresh native array costs more than the arithmetic on it on some machines: benchmarks/RESULTS.md).
     * False by default.
     */
    protected boolean freshGradients() {
        return false;
    }

    /**
     * True if {@link #backward} returns read-only arrays that may be shared between calls (cached constants, such
     * as the gradient of a sum): an intermediate tensor keeps such an array as its gradient without copying it and
     * it is never modified or freed; a leaf gets a copy. Ignored when {@link #freshGradients()} is true. False by
     * default.
     */
    protected boolean constantGradients() {
        return false;
    }

    /**
     * Runs {@code part}'s forward inside a composite function's own forward, with a context from
     * {@link Context#part}; nothing is recorded for {@code part} itself.
     */
    protected static INDArray[] forwardPart(Function part, Context ctx, INDArray[] inputs) {
        return part.forward(ctx, inputs);
    }

    /** Runs {@code part}'s backward inside a composite function's own backward, with the context of its forward. */
    protected static INDArray[] backwardPart(Function part, Context ctx, INDArray[] gradOutputs) {
        return part.backward(ctx, gradOutputs);
    }

    /**
     * Applies this function, recording it on the current {@link Tape} when one is recording and any
     * input requires a gradient.
     */
    public final Tensor[] apply(Tensor... inputs) {
        return Tape.apply(this, inputs);
    }

    /** Applies a single-output function and returns its output. */
    public final Tensor apply1(Tensor... inputs) {
        if (numOutputs() != 1) {
            throw new IllegalStateException(name() + " has " + numOutputs() + " outputs; use apply()");
        }
        return Tape.apply(this, inputs)[0];
    }

    /** Convenience base for single-output functions. */
    public abstract static class Single extends Function {
        /** Forward of a single-output function. */
        protected abstract INDArray forward1(Context ctx, INDArray[] inputs);

        /** Backward of a single-output function; {@code grad} is never null. */
        protected abstract INDArray[] backward1(Context ctx, INDArray grad);

        @Override
        protected final INDArray[] forward(Context ctx, INDArray[] inputs) {
            return new INDArray[] {forward1(ctx, inputs)};
        }

        @Override
        protected final INDArray[] backward(Context ctx, INDArray[] gradOutputs) {
            return backward1(ctx, gradOutputs[0]);
        }
    }
}
