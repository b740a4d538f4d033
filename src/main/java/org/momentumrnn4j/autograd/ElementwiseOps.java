package org.momentumrnn4j.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Elementwise primitives. Each nested class is one registered {@link Function}. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** Base of the broadcasting binary operations: validates and expands, reduces gradients back. */
    abstract static class Binary extends Function.Single {
        @Override
        protected final INDArray forward1(Context ctx, INDArray[] in) {
            Shapes.requireSameType(name(), in[0], in[1]);
            long[] shape = Shapes.broadcastShape(name(), in[0], in[1]);
            INDArray a = Shapes.expand(in[0], shape);
            INDArray b = Shapes.expand(in[1], shape);
            ctx.save(a, b);
            ctx.setState(new long[][] {in[0].shape(), in[1].shape()});
            return compute(a, b);
        }

        @Override
        protected final INDArray[] backward1(Context ctx, INDArray g) {
            long[][] shapes = ctx.state();
            INDArray[] full = gradients(ctx.saved(0), ctx.saved(1), g, ctx);
            return new INDArray[] {
                full[0] == null ? null : Shapes.reduceTo(full[0], shapes[0]),
                full[1] == null ? null : Shapes.reduceTo(full[1], shapes[1])
            };
        }

        abstract INDArray compute(INDArray a, INDArray b);

        /** Gradients with respect to the expanded operands. */
        abstract INDArray[] gradients(INDArray a, INDArray b, INDArray g, Context ctx);
    }

    /** {@code a + b}. */
    static final class Add extends Binary {
        @Override public String name() { return "add"; }
        @Override INDArray compute(INDArray a, INDArray b) { return a.add(b); }
        @Override INDArray[] gradients(INDArray a, INDArray b, INDArray g, Context ctx) {
            return new INDArray[] {g, g};
        }
    }

    /** {@code a − b}. */
    static final class Sub extends Binary {
        @Override public String name() { return "sub"; }
        @Override INDArray compute(INDArray a, INDArray b) { return a.sub(b); }
        @Override INDArray[] gradients(INDArray a, INDArray b, INDArray g, Context ctx) {
            return new INDArray[] {g, ctx.needsInputGrad(1) ? g.neg() : null};
        }
    }

    /** {@code a ⊙ b}. */
    static final class Mul extends Binary {
        @Override public String name() { return "mul"; }
        @Override INDArray compute(INDArray a, INDArray b) { return a.mul(b); }
        @Override INDArray[] gradients(INDArray a, INDArray b, INDArray g, Context ctx) {
            return new INDArray[] {
                ctx.needsInputGrad(0) ? g.mul(b) : null,
                ctx.needsInputGrad(1) ? g.mul(a) : null};
        }
    }

    /** {@code a ⊘ b}. */
    static final class Div extends Binary {
        @Override public String name() { return "div"; }
        @Override INDArray compute(INDArray a, INDArray b) { return a.div(b); }
        @Override INDArray[] gradients(INDArray a, INDArray b, INDArray g, Context ctx) {
            return new INDArray[] {
                ctx.needsInputGrad(0) ? g.div(b) : null,
                ctx.needsInputGrad(1) ? g.mul(a).divi(b).divi(b).negi() : null};
        }
    }

    /** {@code c · x} for a scalar constant c. */
    static final class Scale extends Function.Single {
        private final double c;
        Scale(double c) { this.c = c; }
        @Override public String name() { return "scale"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) { return in[0].mul(c); }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) { return new INDArray[] {g.mul(c)}; }
    }

    /** {@code x + c} for a scalar constant c. */
    static final class Shift extends Function.Single {
        private final double c;
        Shift(double c) { this.c = c; }
        @Override public String name() { return "shift"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) { return in[0].add(c); }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) { return new INDArray[] {g}; }
    }

    /** {@code √x}; d/dx = 1 / (2√x). */
    static final class Sqrt extends Function.Single {
        @Override public String name() { return "sqrt"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray y = Transforms.sqrt(in[0], true);
            ctx.save(y);
            return y;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            return new INDArray[] {g.div(ctx.saved(0)).muli(0.5)};
        }
    }

    /** Logistic sigmoid; d/dx = y(1 − y). */
    static final class Sigmoid extends Function.Single {
        @Override public String name() { return "sigmoid"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray y = Transforms.sigmoid(in[0], true);
            ctx.save(y);
            return y;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray y = ctx.saved(0);
            return new INDArray[] {g.mul(y).muli(y.rsub(1.0))};
        }
    }

    /** Hyperbolic tangent; d/dx = 1 − y². */
    static final class Tanh extends Function.Single {
        @Override public String name() { return "tanh"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray y = Transforms.tanh(in[0], true);
            ctx.save(y);
            return y;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray y = ctx.saved(0);
            return new INDArray[] {g.mul(y.mul(y).rsubi(1.0))};
        }
    }

    /**
     * Real modReLU {@code out = sign(z) · max(|z| + b, 0)} with {@code sign(0) = 0} (spec/cells.md §2.2).
     * Inputs: {@code z [B, H]}, bias {@code b [1, H]}. With {@code act = 1[z ≠ 0 and |z| + b > 0]}:
     * {@code ∂out/∂z = act}, {@code ∂out/∂b = sign(z) · 1[|z| + b > 0]}, matching PyTorch at the kinks.
     */
    static final class ModReLU extends Function.Single {
        @Override public String name() { return "modrelu"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray z = in[0];
            INDArray b = in[1];
            Shapes.requireSameType(name(), z, b);
            Shapes.requireRank(name(), "z", z, 2);
            if (b.rank() != 2 || b.size(0) != 1 || b.size(1) != z.size(1)) {
                throw new IllegalArgumentException(name() + ": bias must have shape [1, " + z.size(1)
                        + "] for z " + Shapes.str(z) + ", got " + Shapes.str(b));
            }
            INDArray sign = Transforms.sign(z, true);                         // [B, H]
            INDArray pos = Transforms.abs(z, true).addiRowVector(b);          // |z| + b
            INDArray on = pos.gt(0.0).castTo(z.dataType());                   // 1[|z| + b > 0]
            INDArray out = Transforms.relu(pos, false).muli(sign);
            if (ctx.isRecording()) {
                ctx.own(sign);
                ctx.own(on);
            }
            return out;
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray sign = ctx.saved(0);
            INDArray on = ctx.saved(1);
            INDArray dB = g.mul(sign).muli(on);                               // sign(z)·1[·]·g
            INDArray dZ = ctx.needsInputGrad(0) ? g.mul(on).muli(Transforms.abs(sign, true)) : null;
            return new INDArray[] {dZ, dB.sum(true, 0)};
        }
    }
}
