package org.momentumrnn4j.autograd;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Slicing and joining primitives. Each nested class is one registered {@link Function}. */
final class ShapeOps {
    private ShapeOps() {}

    /** Columns {@code [from, to)} of a matrix {@code [B, F]}. */
    static final class SliceColumns extends Function.Single {
        private final long from;
        private final long to;
        SliceColumns(long from, long to) { this.from = from; this.to = to; }
        @Override public String name() { return "slice"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray x = in[0];
            Shapes.requireRank(name(), "input", x, 2);
            if (from < 0 || to > x.size(1) || from >= to) {
                throw new IllegalArgumentException(name() + ": column range [" + from + ", " + to
                        + ") is not inside input " + Shapes.str(x));
            }
            ctx.setState(x.shape());
            return x.get(all(), interval(from, to)).dup('c');
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] shape = ctx.state();
            INDArray dx = Nd4j.zeros(g.dataType(), shape);
            dx.get(all(), interval(from, to)).assign(g);
            return new INDArray[] {dx};
        }
    }

    /** Concatenation of matrices {@code [B, F_i]} along the feature axis. */
    static final class ConcatColumns extends Function.Single {
        @Override public String name() { return "concat"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireSameType(name(), in);
            long[] widths = new long[in.length];
            for (int i = 0; i < in.length; i++) {
                Shapes.requireRank(name(), "input " + i, in[i], 2);
                if (in[i].size(0) != in[0].size(0)) {
                    throw new IllegalArgumentException(name() + ": row counts differ: " + Shapes.str(in[0])
                            + " vs " + Shapes.str(in[i]) + " (input " + i + ")");
                }
                widths[i] = in[i].size(1);
            }
            ctx.setState(widths);
            return Nd4j.concat(1, in);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] widths = ctx.state();
            INDArray[] r = new INDArray[widths.length];
            long off = 0;
            for (int i = 0; i < widths.length; i++) {
                if (ctx.needsInputGrad(i)) {
                    r[i] = g.get(all(), interval(off, off + widths[i])).dup('c');
                }
                off += widths[i];
            }
            return r;
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
