package org.momentumrnn4j.autograd;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Slicing and joining primitives. Each nested class is one registered {@link Function}. */
final class ShapeOps {
    private ShapeOps() {}

    /** Features {@code [from, to)} (last axis) of {@code [B, F]} or {@code [B, T, F]}. */
    static final class SliceColumns extends Function.Single {
        private final long from;
        private final long to;
        SliceColumns(long from, long to) { this.from = from; this.to = to; }
        @Override public String name() { return "slice"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray x = in[0];
            if (x.rank() != 2 && x.rank() != 3) {
                throw new IllegalArgumentException(name() + ": input must have rank 2 or 3, got " + Shapes.str(x));
            }
            long width = x.size(x.rank() - 1);
            if (from < 0 || to > width || from >= to) {
                throw new IllegalArgumentException(name() + ": feature range [" + from + ", " + to
                        + ") is not inside input " + Shapes.str(x));
            }
            ctx.setState(x.shape());
            return x.get(lastAxis(x.rank(), from, to)).dup('c');
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] shape = ctx.state();
            INDArray dx = Nd4j.zeros(g.dataType(), shape);
            dx.get(lastAxis(shape.length, from, to)).assign(g);
            return new INDArray[] {dx};
        }
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] lastAxis(int rank, long from, long to) {
        return rank == 2 ? new org.nd4j.linalg.indexing.INDArrayIndex[] {all(), interval(from, to)}
                         : new org.nd4j.linalg.indexing.INDArrayIndex[] {all(), all(), interval(from, to)};
    }

    /** Concatenation of {@code [B, F_i]} (or {@code [B, T, F_i]}) along the feature (last) axis. */
    static final class ConcatColumns extends Function.Single {
        @Override public String name() { return "concat"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireSameType(name(), in);
            long[] widths = new long[in.length];
            int rank = in[0].rank();
            if (rank != 2 && rank != 3) {
                throw new IllegalArgumentException(name() + ": inputs must have rank 2 or 3, got " + Shapes.str(in[0]));
            }
            for (int i = 0; i < in.length; i++) {
                boolean same = in[i].rank() == rank;
                for (int k = 0; same && k < rank - 1; k++) {
                    same = in[i].size(k) == in[0].size(k);
                }
                if (!same) {
                    throw new IllegalArgumentException(name() + ": leading dimensions differ: " + Shapes.str(in[0])
                            + " vs " + Shapes.str(in[i]) + " (input " + i + ")");
                }
                widths[i] = in[i].size(rank - 1);
            }
            ctx.setState(widths);
            return Nd4j.concat(rank - 1, in);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] widths = ctx.state();
            INDArray[] r = new INDArray[widths.length];
            long off = 0;
            for (int i = 0; i < widths.length; i++) {
                if (ctx.needsInputGrad(i)) {
                    r[i] = g.get(lastAxis(g.rank(), off, off + widths[i])).dup('c');
                }
                off += widths[i];
            }
            return r;
        }
    }

    /** The same elements in another shape (c order). */
    static final class Reshape extends Function.Single {
        private final long[] shape;
        Reshape(long[] shape) { this.shape = shape.clone(); }
        @Override public String name() { return "reshape"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            long n = 1;
            for (long s : shape) {
                if (s < 0) {
                    throw new IllegalArgumentException(name() + ": negative dimension in " + Shapes.str(shape));
                }
                n *= s;
            }
            if (n != in[0].length()) {
                throw new IllegalArgumentException(name() + ": cannot reshape " + Shapes.str(in[0]) + " ("
                        + in[0].length() + " elements) to " + Shapes.str(shape));
            }
            ctx.setState(in[0].shape());
            return in[0].dup('c').reshape('c', shape);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] original = ctx.state();
            return new INDArray[] {g.dup('c').reshape('c', original)};
        }
    }

    /** Row {@code x[b, steps[b], :]} of {@code x [B, T, F]} for every sample: {@code [B, F]}. */
    static final class SelectSteps extends Function.Single {
        private final int[] steps;
        SelectSteps(int[] steps) { this.steps = steps.clone(); }
        @Override public String name() { return "select_steps"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray x = in[0];
            Shapes.requireRank(name(), "input", x, 3);
            if (steps.length != x.size(0)) {
                throw new IllegalArgumentException(name() + ": " + steps.length + " step indices for input "
                        + Shapes.str(x));
            }
            INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(2));
            for (int b = 0; b < steps.length; b++) {
                if (steps[b] < 0 || steps[b] >= x.size(1)) {
                    throw new IllegalArgumentException(name() + ": step " + steps[b] + " of sample " + b
                            + " is outside [0, " + x.size(1) + ")");
                }
                out.get(point(b), all()).assign(x.get(point(b), point(steps[b]), all()));
            }
            ctx.setState(x.shape());
            return out;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] shape = ctx.state();
            INDArray dx = Nd4j.zeros(g.dataType(), shape);
            for (int b = 0; b < steps.length; b++) {
                dx.get(point(b), point(steps[b]), all()).assign(g.get(point(b), all()));
            }
            return new INDArray[] {dx};
        }
    }

    /** Swaps the first two axes of a rank-3 array ({@code [T, B, F] ↔ [B, T, F]}). */
    static final class SwapLeadingAxes extends Function.Single {
        @Override public String name() { return "swap_leading_axes"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireRank(name(), "input", in[0], 3);
            return in[0].permute(1, 0, 2).dup('c');
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {g.permute(1, 0, 2).dup('c')};
        }
    }

    /**
     * Reverses each sequence of {@code x [B, T, F]} within its length: step t of sample b goes to
     * {@code len_b − 1 − t} for t &lt; len_b; padded steps stay where they are.
     */
    static final class ReverseTime extends Function.Single {
        private final int[] lengths;
        ReverseTime(int[] lengths) { this.lengths = lengths.clone(); }
        @Override public String name() { return "reverse_time"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireRank(name(), "input", in[0], 3);
            if (lengths.length != in[0].size(0)) {
                throw new IllegalArgumentException(name() + ": " + lengths.length + " lengths for input "
                        + Shapes.str(in[0]));
            }
            for (int b = 0; b < lengths.length; b++) {
                if (lengths[b] < 0 || lengths[b] > in[0].size(1)) {
                    throw new IllegalArgumentException(name() + ": length " + lengths[b] + " of sample " + b
                            + " is outside [0, " + in[0].size(1) + "]");
                }
            }
            return permute(in[0]);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {permute(g)};          // the permutation is its own inverse
        }
        private INDArray permute(INDArray x) {
            INDArray out = x.dup('c');
            for (int b = 0; b < lengths.length; b++) {
                for (int t = 0; t < lengths[b]; t++) {
                    out.get(point(b), point(lengths[b] - 1 - t), all()).assign(x.get(point(b), point(t), all()));
                }
            }
            return out;
        }
    }

    /** Splits {@code x [B, T, F]} into T matrices {@code [B, F]} (one output per time step). */
    static final class UnstackTime extends Function {
        private final int steps;
        UnstackTime(int steps) { this.steps = steps; }
        @Override public String name() { return "unstack_time"; }
        @Override public int numOutputs() { return steps; }
        @Override protected INDArray[] forward(Context ctx, INDArray[] in) {
            INDArray x = in[0];
            Shapes.requireRank(name(), "input", x, 3);
            if (x.size(1) != steps) {
                throw new IllegalArgumentException(name() + ": expected " + steps + " time steps, got shape "
                        + Shapes.str(x));
            }
            ctx.setState(x.shape());
            INDArray[] out = new INDArray[steps];
            for (int t = 0; t < steps; t++) {
                out[t] = x.get(all(), point(t), all()).dup('c');
            }
            return out;
        }
        @Override protected INDArray[] backward(Context ctx, INDArray[] g) {
            long[] shape = ctx.state();
            INDArray dx = Nd4j.zeros(g[0] != null ? g[0].dataType() : firstType(g), shape);
            for (int t = 0; t < steps; t++) {
                if (g[t] != null) {
                    dx.get(all(), point(t), all()).assign(g[t]);
                }
            }
            return new INDArray[] {dx};
        }
        private static org.nd4j.linalg.api.buffer.DataType firstType(INDArray[] g) {
            for (INDArray a : g) {
                if (a != null) {
                    return a.dataType();
                }
            }
            throw new IllegalStateException("no gradient");
        }
    }

    /** Stacks T matrices {@code [B, F]} into {@code [B, T, F]}. */
    static final class StackTime extends Function.Single {
        @Override public String name() { return "stack_time"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireSameType(name(), in);
            for (int i = 0; i < in.length; i++) {
                Shapes.requireRank(name(), "input " + i, in[i], 2);
                Shapes.requireSameShape(name(), in[0], in[i]);
            }
            long b = in[0].size(0);
            long f = in[0].size(1);
            INDArray out = Nd4j.createUninitialized(in[0].dataType(), b, in.length, f);
            for (int t = 0; t < in.length; t++) {
                out.get(all(), point(t), all()).assign(in[t]);
            }
            return out;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            int steps = (int) g.size(1);
            INDArray[] r = new INDArray[steps];
            for (int t = 0; t < steps; t++) {
                if (ctx.needsInputGrad(t)) {
                    r[t] = g.get(all(), point(t), all()).dup('c');
                }
            }
            return r;
        }
    }
}
