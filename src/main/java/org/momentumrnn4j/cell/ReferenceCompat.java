package org.momentumrnn4j.cell;

/**
 * The single preset that reproduces the authors' reference code (minhtannguyen/MomentumRNN @ f185c54),
 * quirks included (spec/cells.md §9):
 * <ul>
 *   <li>Q2: forget bias in both {@code b_x} and {@code b_h};</li>
 *   <li>Q3: {@code eye_} on the non-square LSTM recurrent matrix (only the input-gate block is I);</li>
 *   <li>Q4: orthogonal input weights (also the default);</li>
 *   <li>Q8: SR counter restarting at every segment (PTB);</li>
 *   <li>Q10: sigmoid in the vanilla cells, identity recurrent init (§7.3);</li>
 *   <li>DTRIV: Kaiming-normal input kernel, modReLU bias U(−0.01, 0.01), Cayley skew init (MNIST default;
 *       use {@link #henaff()} for TIMIT and the copy task).</li>
 * </ul>
 * Q1 (the SR form) has no default: {@link org.momentumrnn4j.cell.dynamics.SrForm} is always explicit.
 */
public final class ReferenceCompat {
    private ReferenceCompat() {}

    /** The reference behaviour with the default seed. */
    public static CellConfig config() {
        return new CellConfig(CellConfig.DEFAULT_SEED, 1.0, CellConfig.ForgetBiasPlacement.BOTH,
                CellConfig.LstmRecurrentInit.EYE_4H_BY_H, CellConfig.VanillaRecurrentInit.IDENTITY,
                CellConfig.Activation.SIGMOID, CellConfig.CounterScope.PER_SEGMENT,
                CellConfig.DtrivInputInit.KAIMING_NORMAL, CellConfig.ModReluBiasInit.UNIFORM_0_01,
                CellConfig.SkewInit.CAYLEY);
    }

    /** The reference behaviour with Henaff skew init (TIMIT, copy task). */
    public static CellConfig henaff() {
        return config().withSkewInit(CellConfig.SkewInit.HENAFF);
    }
}
