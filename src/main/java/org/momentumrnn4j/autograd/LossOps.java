package org.momentumrnn4j.autograd;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Losses, each returning a rank-0 scalar. Each nested class is one registered {@link Function}. */
final class LossOps {
    private LossOps() {}

    /**
     * Mean over the batch of {@code −log softmax(z)[y]} for logits {@code z [B, C]} and integer labels
     * {@code y ∈ [0, C)}. d/dz = (softmax(z) − onehot(y)) / B.
     */
    static final class SoftmaxCrossEntropy extends Function.Single {
        private final int[] labels;
        SoftmaxCrossEntropy(int[] labels) { this.labels = labels.clone(); }
        @Override public String name() { return "softmax_cross_entropy"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray z = in[0];
            Shapes.requireRank(name(), "logits", z, 2);
            int b = (int) z.size(0);
            long c = z.size(1);
            if (labels.length != b) {
                throw new IllegalArgumentException(name() + ": " + labels.length + " labels for logits "
                        + Shapes.str(z) + " (need one label per row)");
            }
            for (int i = 0; i < b; i++) {
                if (labels[i] < 0 || labels[i] >= c) {
                    throw new IllegalArgumentException(name() + ": label " + labels[i] + " at row " + i
                            + " is outside [0, " + c + ")");
                }
            }
            INDArray max = z.max(true, 1);                                    // [B, 1]
            INDArray shifted = z.subColumnVector(max);
            INDArray e = Transforms.exp(shifted, true);
            INDArray sumE = e.sum(true, 1);                                   // [B, 1]
            INDArray softmax = e.diviColumnVector(sumE);
            INDArray logZ = Transforms.log(sumE, true);
            double loss = 0;
            for (int i = 0; i < b; i++) {
                loss += logZ.getDouble(i, 0) - shifted.getDouble(i, labels[i]);
            }
            ctx.own(softmax);
            return Nd4j.scalar(z.dataType(), loss / b);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            INDArray p = ctx.saved(0);
            INDArray dz = p.dup();
            for (int i = 0; i < labels.length; i++) {
                dz.putScalar(i, labels[i], dz.getDouble(i, labels[i]) - 1.0);
            }
            return new INDArray[] {dz.muli(g.getDouble(0) / labels.length)};
        }
    }

    /**
     * Mean squared error {@code Σ m⊙(p − t)² / Σ m}, with the sum of the mask counted per element of
     * {@code p}. The optional mask (third input, no gradient) has the shape of the prediction, or that shape
     * without its last dimension (one flag per step of {@code [B, T, F]}); it then applies to every feature.
     */
    static final class MeanSquaredError extends Function.Single {
        private final boolean masked;
        MeanSquaredError(boolean masked) { this.masked = masked; }
        @Override public String name() { return "mse"; }
        @Override protected INDArray forward1(Context ctx, INDArray[] in) {
            INDArray p = in[0];
            INDArray t = in[1];
            Shapes.requireSameType(name(), in);
            Shapes.requireSameShape(name(), p, t);
            INDArray diff = p.sub(t);                                         // p − t
            INDArray weighted = masked ? diff.mul(expandMask(p, in[2])) : diff;   // m ⊙ (p − t)
            double count = masked ? expandMask(p, in[2]).sumNumber().doubleValue() : p.length();
            if (!(count > 0)) {
                throw new IllegalArgumentException(name() + ": the mask selects no element of prediction "
                        + Shapes.str(p));
            }
            double loss = weighted.mul(diff).sumNumber().doubleValue() / count;
            if (masked) {
                diff.close();
            }
            ctx.own(weighted);
            ctx.setState(count);
            return Nd4j.scalar(p.dataType(), loss);
        }
        @Override protected INDArray[] backward1(Context ctx, INDArray g) {
            double count = ctx.<Double>state();
            INDArray d = ctx.saved(0).mul(2.0 * g.getDouble(0) / count);     // 2 m ⊙ (p − t) / Σm
            return masked ? new INDArray[] {d, ctx.needsInputGrad(1) ? d.neg() : null, null}
                          : new INDArray[] {d, ctx.needsInputGrad(1) ? d.neg() : null};
        }

        private INDArray expandMask(INDArray p, INDArray mask) {
            long[] ps = p.shape();
            long[] ms = mask.shape();
            if (Arrays.equals(ps, ms)) {
                return mask;
            }
            if (ms.length == ps.length - 1 && Arrays.equals(ms, Arrays.copyOf(ps, ms.length))) {
                long[] withOne = Arrays.copyOf(ms, ps.length);
                withOne[ms.length] = 1;
                return mask.reshape(withOne).broadcast(ps);
            }
            throw new IllegalArgumentException(name() + ": mask shape " + Shapes.str(mask)
                    + " fits neither prediction " + Shapes.str(p) + " nor its shape without the last dimension");
        }
    }
}
