package org.momentumrnn4j.orthogonal;

import org.momentumrnn4j.autograd.Context;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.autograd.OpRegistry;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.runtime.HelperThread;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix exponential {@code E = exp(S)} of a square matrix as one autograd operation, with its exact
 * gradient {@code G_S = L(Sᵀ, G_E)} (the Fréchet derivative at {@code Sᵀ} in the direction of the incoming
 * gradient; spec/dtriv.md §2, §4). At {@code S = 0} the gradient is {@code G_E} itself and no Fréchet
 * derivative is computed. For a skew-symmetric {@code S} whose gradient is wanted, the forward keeps its evaluation
 * (MatrixExp.Trace: even powers, Padé factors, LU, values; handed back to the pool when the tape releases the
 * operation) and the backward computes {@code L(Sᵀ, G_E) = L(−S, G_E)} from it.
 */
public final class ExpmFunction extends Function.Single {
    static {
        OpRegistry.register("expm", ExpmFunction.class);
    }

    private final ExpmAlgorithm algorithm;
    private final boolean blockBackward;

    /**
     * @param algorithm     the scaling-and-squaring variant ({@code null}: matched to the data type)
     * @param blockBackward use the 2n×2n block formula (reference, D6) instead of the Fréchet recursion
     */
    public ExpmFunction(ExpmAlgorithm algorithm, boolean blockBackward) {
        this.algorithm = algorithm;
        this.blockBackward = blockBackward;
    }

    /** {@code exp(s)} with the data-type-matched algorithm and the Fréchet backward. */
    public static Tensor expm(Tensor s) {
        return new ExpmFunction(null, false).apply1(s);
    }

    @Override
    public String name() {
        return "expm";
    }

    /** The gradient is always a new array (the Fréchet derivative, or a copy of {@code G_E} at {@code S = 0}). */
    @Override
    protected boolean freshGradients() {
        return true;
    }

    private ExpmAlgorithm algorithmFor(INDArray a) {
        return algorithm != null ? algorithm : MatrixExp.defaultFor(a.dataType());
    }

    /**
     * What the forward pass learnt about {@code S}: all zero; and, for a skew {@code S} whose gradient is wanted, the
     * trace of the evaluation that the Fréchet derivative at {@code Sᵀ = −S} reuses (handed back to the pool when
     * the tape releases this operation).
     */
    private record Saved(boolean zero, boolean skew, MatrixExp.Trace trace) implements AutoCloseable {
        @Override
        public void close() {
            if (trace != null) {
                trace.close();
            }
        }
    }

    @Override
    protected INDArray forward1(Context ctx, INDArray[] in) {
        INDArray s = in[0];
        ctx.save(s);
        if (s.rank() == 2 && s.rows() >= 64) {
            HelperThread.wake();                                    // the exponential's products split over two threads
        }
        boolean skew = s.rank() == 2 && s.rows() == s.columns()
                && (s.dataType() == DataType.FLOAT || s.dataType() == DataType.DOUBLE);
        double[] v = skew ? Scratch.readDouble(s, Scratch.CHECK) : null;
        int n = skew ? (int) s.rows() : 0;
        boolean zero = true;
        for (int ib = 0; ib < n && skew; ib += SkewFunction.TILE) {     // tiles: the transposed reads stay cached
            for (int jb = ib; jb < n && skew; jb += SkewFunction.TILE) {
                for (int i = ib; i < Math.min(ib + SkewFunction.TILE, n); i++) {
                    for (int j = Math.max(jb, i); j < Math.min(jb + SkewFunction.TILE, n); j++) {
                        double a = v[i * n + j];
                        zero &= a == 0.0;
                        skew &= a == -v[j * n + i];
                    }
                }
            }
        }
        if (skew && !blockBackward && !zero && ctx.isRecording() && ctx.needsInputGrad(0)) {
            // The backward's Fréchet derivative at Sᵀ = −S reuses this evaluation (MatrixExp.Trace).
            MatrixExp.Traced t = MatrixExp.expmTraced(s, algorithmFor(s));
            ctx.setState(new Saved(false, true, t.trace()));
            return t.value();
        }
        ctx.setState(new Saved(zero, skew, null));
        return MatrixExp.expm(s, algorithmFor(s));
    }

    @Override
    protected INDArray[] backward1(Context ctx, INDArray g) {
        INDArray s = ctx.saved(0);
        Saved saved = ctx.state();
        if (saved.skew() ? saved.zero() : s.amaxNumber().doubleValue() == 0.0) {   // skew: known exactly
            return new INDArray[] {g.dup('c')};                         // a new array, as freshGradients() says
        }
        if (saved.trace() != null) {
            return new INDArray[] {MatrixExp.frechetNegated(s, g, saved.trace())};
        }
        INDArray st = s.transpose().dup('c');
        INDArray gs = blockBackward ? MatrixExp.frechetBlock(st, g, algorithmFor(s))
                                    : MatrixExp.frechet(st, g, algorithmFor(s));
        return new INDArray[] {gs};
    }
}
