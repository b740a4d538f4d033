package org.momentumrnn4j.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reductions to a scalar. Each nested class is one registered {@link Function}. */
final class ReduceOps {
    private ReduceOps() {}

    /** Sum of all elements, as a rank-0 scalar. */
    static final class Sum extends Function.Single {
        @Override public String name() { return "sum"; }
        @Override protected boolean constantGradients() { return true; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            ctx.setState(in[0].shape());
            return Nd4j.scalar(in[0].dataType(), in[0].sumNumber().doubleValue());
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] shape = ctx.state();
            return new INDArray[] {Constants.filled(shape, g.getDouble(0), g.dataType())};
        }
    }

    /** Mean of all elements, as a rank-0 scalar. */
    static final class Mean extends Function.Single {
        @Override public String name() { return "mean"; }
        @Override protected boolean constantGradients() { return true; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            if (in[0].length() == 0) {
                throw new IllegalArgumentException(name() + ": empty input " + Shapes.str(in[0]));
            }
            ctx.setState(in[0].shape());
            return Nd4j.scalar(in[0].dataType(), in[0].sumNumber().doubleValue() / in[0].length());
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            long[] shape = ctx.state();
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return new INDArray[] {Constants.filled(shape, g.getDouble(0) / n, g.dataType())};
        }
    }
}
