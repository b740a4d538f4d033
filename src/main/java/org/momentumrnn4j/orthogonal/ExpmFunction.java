package org.momentumrnn4j.orthogonal;

import org.momentumrnn4j.autograd.Context;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.autograd.OpRegistry;
import org.momentumrnn4j.autograd.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix exponential {@code E = exp(S)} of a square matrix as one autograd operation, with its exact
 * gradient {@code G_S = L(Sᵀ, G_E)} (the Fréchet derivative at {@code Sᵀ} in the direction of the incoming
 * gradient; spec/dtriv.md §2, §4). At {@code S = 0} the gradient is {@code G_E} itself and no Fréchet
 * derivative is computed.
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

    private ExpmAlgorithm algorithmFor(INDArray a) {
        return algorithm != null ? algorithm : MatrixExp.defaultFor(a.dataType());
    }

    @Override
    protected INDArray forward1(Context ctx, INDArray[] in) {
        INDArray s = in[0];
        ctx.save(s);
        return MatrixExp.expm(s, algorithmFor(s));
    }

    @Override
    protected INDArray[] backward1(Context ctx, INDArray g) {
        INDArray s = ctx.saved(0);
        if (s.amaxNumber().doubleValue() == 0.0) {
            return new INDArray[] {g};
        }
        INDArray st = s.transpose().dup('c');
        INDArray gs = blockBackward ? MatrixExp.frechetBlock(st, g, algorithmFor(s))
                                    : MatrixExp.frechet(st, g, algorithmFor(s));
        return new INDArray[] {gs};
    }
}
