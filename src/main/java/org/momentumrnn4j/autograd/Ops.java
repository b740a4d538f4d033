package org.momentumrnn4j.autograd;

import java.util.List;

/**
 * The functional front end of the autograd layer: one static method per primitive.
 *
 * <p>Shape conventions: matrices are {@code [rows, columns]}, batches are rows; sequences are
 * {@code [batch, time, features]}. Binary elementwise operations accept equal shapes and rank-2 row/column
 * broadcasting. A shape mismatch throws {@link IllegalArgumentException} naming the operation and both
 * shapes.
 */
public final class Ops {
    private Ops() {}

    /** {@code a + b}. */
    public static Tensor add(Tensor a, Tensor b) {
        return new ElementwiseOps.Add().apply1(a, b);
    }

    /** {@code a − b}. */
    public static Tensor sub(Tensor a, Tensor b) {
        return new ElementwiseOps.Sub().apply1(a, b);
    }

    /** {@code a ⊙ b}. */
    public static Tensor mul(Tensor a, Tensor b) {
        return new ElementwiseOps.Mul().apply1(a, b);
    }

    /** {@code a ⊘ b}. */
    public static Tensor div(Tensor a, Tensor b) {
        return new ElementwiseOps.Div().apply1(a, b);
    }

    /** {@code c · x}. */
    public static Tensor scale(Tensor x, double c) {
        return new ElementwiseOps.Scale(c).apply1(x);
    }

    /** {@code x + c}. */
    public static Tensor shift(Tensor x, double c) {
        return new ElementwiseOps.Shift(c).apply1(x);
    }

    /** {@code √x}. */
    public static Tensor sqrt(Tensor x) {
        return new ElementwiseOps.Sqrt().apply1(x);
    }

    /** Logistic sigmoid. */
    public static Tensor sigmoid(Tensor x) {
        return new ElementwiseOps.Sigmoid().apply1(x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return new ElementwiseOps.Tanh().apply1(x);
    }

    /** modReLU {@code sign(z)·max(|z| + b, 0)} with bias {@code b [1, H]} (spec/cells.md §2.2). */
    public static Tensor modReLU(Tensor z, Tensor b) {
        return new ElementwiseOps.ModReLU().apply1(z, b);
    }

    /** Matrix product {@code [m, k] · [k, n]}. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return new MatrixOps.MatMul().apply1(a, b);
    }

    /** {@code x · Wᵀ + b} with {@code x [B, in]}, {@code W [out, in]}, {@code b [1, out]} or {@code null}. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return b == null ? new MatrixOps.Linear(false).apply1(x, w) : new MatrixOps.Linear(true).apply1(x, w, b);
    }

    /** Matrix transpose. */
    public static Tensor transpose(Tensor a) {
        return new MatrixOps.Transpose().apply1(a);
    }

    /** Features {@code [from, to)} (last axis) of {@code x [B, F]} or {@code [B, T, F]}. */
    public static Tensor slice(Tensor x, long from, long to) {
        return new ShapeOps.SliceColumns(from, to).apply1(x);
    }

    /** Concatenation along the feature (last) axis of rank-2 or rank-3 tensors. */
    public static Tensor concat(Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one input");
        }
        return new ShapeOps.ConcatColumns().apply1(xs);
    }

    /** The T steps {@code [B, F]} of a sequence {@code [B, T, F]}. */
    public static Tensor[] unstackTime(Tensor x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("unstack_time: input must be [batch, time, features], got "
                    + Shapes.str(x.shape()));
        }
        return new ShapeOps.UnstackTime((int) x.size(1)).apply(x);
    }

    /** Stacks T matrices {@code [B, F]} into a sequence {@code [B, T, F]}. */
    public static Tensor stackTime(List<Tensor> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("stack_time: needs at least one step");
        }
        return new ShapeOps.StackTime().apply1(steps.toArray(new Tensor[0]));
    }

    /** The same elements in another shape (c order). */
    public static Tensor reshape(Tensor x, long... shape) {
        return new ShapeOps.Reshape(shape).apply1(x);
    }

    /** {@code x[b, steps[b], :]} of {@code x [B, T, F]} for every sample b: {@code [B, F]}. */
    public static Tensor selectSteps(Tensor x, int[] steps) {
        return new ShapeOps.SelectSteps(steps).apply1(x);
    }

    /** {@code [T, B, F] ↔ [B, T, F]}. */
    public static Tensor swapLeadingAxes(Tensor x) {
        return new ShapeOps.SwapLeadingAxes().apply1(x);
    }

    /** Reverses every sequence of {@code x [B, T, F]} within its length (padded steps stay in place). */
    public static Tensor reverseTime(Tensor x, int[] lengths) {
        return new ShapeOps.ReverseTime(lengths).apply1(x);
    }

    /** Sum of all elements (rank-0). */
    public static Tensor sum(Tensor x) {
        return new ReduceOps.Sum().apply1(x);
    }

    /** Mean of all elements (rank-0). */
    public static Tensor mean(Tensor x) {
        return new ReduceOps.Mean().apply1(x);
    }

    /** Batch-mean softmax cross-entropy of logits {@code [B, C]} against labels in {@code [0, C)}. */
    public static Tensor softmaxCrossEntropy(Tensor logits, int[] labels) {
        return new LossOps.SoftmaxCrossEntropy(labels).apply1(logits);
    }

    /** Mean squared error over all elements. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return new LossOps.MeanSquaredError(false).apply1(prediction, target);
    }

    /**
     * Mean squared error over the elements where {@code mask} is 1 (mask of the prediction's shape, or that
     * shape without the last dimension); {@code mask == null} means all elements.
     */
    public static Tensor mse(Tensor prediction, Tensor target, Tensor mask) {
        if (mask == null) {
            return mse(prediction, target);
        }
        return new LossOps.MeanSquaredError(true).apply1(prediction, target, mask.detach());
    }
}
