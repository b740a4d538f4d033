package org.momentumrnn4j.cell;

/**
 * Initialization and reference-quirk options shared by all cells (spec/cells.md §7 and §9).
 *
 * <p>The defaults are the clean behaviour; {@link ReferenceCompat#config()} turns on every flag that
 * reproduces the authors' code. Every random source is seeded from {@link #seed()}.
 *
 * @param seed                 seed of every random initializer (default {@value #DEFAULT_SEED})
 * @param forgetBias           forget-gate bias {@code fg} of LSTM-type cells (reference 1.0; −4.0 for TIMIT)
 * @param forgetBiasPlacement  Q2: where {@code fg} goes (default {@code RECURRENT_ONLY}; reference {@code BOTH})
 * @param lstmRecurrentInit    Q3: init of the LSTM's {@code U [4H, H]} (default {@code ORTHOGONAL_BLOCKS};
 *                             reference {@code EYE_4H_BY_H})
 * @param vanillaRecurrentInit init of the vanilla cell's {@code U [H, H]} (default {@code ORTHOGONAL};
 *                             reference {@code IDENTITY}, §7.3)
 * @param vanillaActivation    Q10: φ of the vanilla cells (default {@code TANH}; reference {@code SIGMOID})
 * @param counterScope         Q8: whether the SR counter is carried across segments (default
 *                             {@code CARRIED}) or restarts at every segment ({@code PER_SEGMENT}, PTB reference)
 * @param dtrivInputInit       DTRIV input kernel init (default and reference {@code KAIMING_NORMAL}, N(0, 2/d))
 * @param modReluBiasInit      modReLU bias init (default and reference {@code UNIFORM_0_01}, U(−0.01, 0.01))
 * @param skewInit             DTRIV skew init of P (default and reference MNIST: {@code CAYLEY};
 *                             TIMIT/copy: {@code HENAFF})
 */
public record CellConfig(
        long seed,
        double forgetBias,
        ForgetBiasPlacement forgetBiasPlacement,
        LstmRecurrentInit lstmRecurrentInit,
        VanillaRecurrentInit vanillaRecurrentInit,
        Activation vanillaActivation,
        CounterScope counterScope,
        DtrivInputInit dtrivInputInit,
        ModReluBiasInit modReluBiasInit,
        SkewInit skewInit) {

    /** The fixed default seed. */
    public static final long DEFAULT_SEED = 12345L;

    /** Q2: where the forget-gate bias is written. */
    public enum ForgetBiasPlacement {
        /** Only in {@code b_h}; {@code b_x}'s forget block is 0, so every cell sees the same effective bias. */
        RECURRENT_ONLY,
        /** In both {@code b_x} and {@code b_h} (reference); momentum cells then filter the {@code b_x} part. */
        BOTH
    }

    /** Q3: initialization of the LSTM's recurrent matrix {@code U [4H, H]}. */
    public enum LstmRecurrentInit {
        /** An independent random orthogonal {@code H×H} matrix per gate block. */
        ORTHOGONAL_BLOCKS,
        /** {@code eye_} on the non-square matrix: only the input-gate block is {@code I} (reference). */
        EYE_4H_BY_H
    }

    /** Initialization of the vanilla cell's recurrent matrix {@code U [H, H]}. */
    public enum VanillaRecurrentInit {
        /** A random orthogonal matrix. */
        ORTHOGONAL,
        /** The identity (reference bytecode). */
        IDENTITY
    }

    /** Activation φ of the vanilla cells. */
    public enum Activation {
        /** Hyperbolic tangent. */
        TANH,
        /** Logistic sigmoid (reference). */
        SIGMOID
    }

    /** Q8: scope of the SR restart counter. */
    public enum CounterScope {
        /** k is carried state; it restarts only at a true sequence start. */
        CARRIED,
        /** k restarts at every segment (every call with a carried state), as the reference PTB code does. */
        PER_SEGMENT
    }

    /** DTRIV input kernel init. */
    public enum DtrivInputInit {
        /** {@code N(0, 2/d)} (Kaiming normal, ReLU gain, fan-in; reference). */
        KAIMING_NORMAL,
        /** Orthogonal (semi-orthogonal for non-square). */
        ORTHOGONAL
    }

    /** modReLU bias init. */
    public enum ModReluBiasInit {
        /** {@code U(−0.01, 0.01)} (reference). */
        UNIFORM_0_01,
        /** Zeros. */
        ZERO
    }

    /** DTRIV skew initialization (spec/dtriv.md §6). */
    public enum SkewInit {
        /** Angles θ = −tan(u/2), u ~ U(0, π/2). */
        CAYLEY,
        /** Angles θ ~ U(−π, π). */
        HENAFF,
        /** P = 0 (B = base). */
        ZERO
    }

    /** Validates the options. */
    public CellConfig {
        if (!Double.isFinite(forgetBias)) {
            throw new IllegalArgumentException("forgetBias must be finite, got " + forgetBias);
        }
        if (forgetBiasPlacement == null || lstmRecurrentInit == null || vanillaRecurrentInit == null
                || vanillaActivation == null || counterScope == null || dtrivInputInit == null
                || modReluBiasInit == null || skewInit == null) {
            throw new IllegalArgumentException("CellConfig options must not be null");
        }
    }

    /** The clean defaults. */
    public static CellConfig defaults() {
        return new CellConfig(DEFAULT_SEED, 1.0, ForgetBiasPlacement.RECURRENT_ONLY,
                LstmRecurrentInit.ORTHOGONAL_BLOCKS, VanillaRecurrentInit.ORTHOGONAL, Activation.TANH,
                CounterScope.CARRIED, DtrivInputInit.KAIMING_NORMAL, ModReluBiasInit.UNIFORM_0_01, SkewInit.CAYLEY);
    }

    /** A copy with another seed. */
    public CellConfig withSeed(long newSeed) {
        return new CellConfig(newSeed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another forget bias value. */
    public CellConfig withForgetBias(double fg) {
        return new CellConfig(seed, fg, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another forget-bias placement. */
    public CellConfig withForgetBiasPlacement(ForgetBiasPlacement p) {
        return new CellConfig(seed, forgetBias, p, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another LSTM recurrent init. */
    public CellConfig withLstmRecurrentInit(LstmRecurrentInit i) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, i, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another vanilla recurrent init. */
    public CellConfig withVanillaRecurrentInit(VanillaRecurrentInit i) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, i,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another vanilla activation. */
    public CellConfig withVanillaActivation(Activation a) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                a, counterScope, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another counter scope. */
    public CellConfig withCounterScope(CounterScope c) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, c, dtrivInputInit, modReluBiasInit, skewInit);
    }

    /** A copy with another DTRIV input init. */
    public CellConfig withDtrivInputInit(DtrivInputInit d) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, d, modReluBiasInit, skewInit);
    }

    /** A copy with another modReLU bias init. */
    public CellConfig withModReluBiasInit(ModReluBiasInit m) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, m, skewInit);
    }

    /** A copy with another skew init. */
    public CellConfig withSkewInit(SkewInit s) {
        return new CellConfig(seed, forgetBias, forgetBiasPlacement, lstmRecurrentInit, vanillaRecurrentInit,
                vanillaActivation, counterScope, dtrivInputInit, modReluBiasInit, s);
    }
}
