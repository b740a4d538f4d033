package org.momentumrnn4j.optim;

import java.util.List;
import org.momentumrnn4j.cell.DtrivBase;

/**
 * Dynamic trivialization (spec/dtriv.md §5): every {@code K} optimizer steps the DTRIV bases change chart,
 * {@code base ← base·exp(S(P))}, {@code P ← 0}; every {@code M} changes the base is re-orthogonalized
 * (polar factor). The optimizer state of {@code P} is kept as is (no reset, no transport; D7).
 *
 * <p>Two behaviours:
 * <ul>
 *   <li>{@link Mode#CLEAN} (default, §5.1): the rebase happens at the start of step j when
 *       {@code j mod K == 0} (K = ∞: only at j = 0), before the forward pass, so the step's gradient is the
 *       exact gradient at {@code P = 0};</li>
 *   <li>{@link Mode#REFERENCE_INPLACE} (D1, the authors' code): the forward pass forms {@code B} with the old
 *       {@code P}; then, when the counter {@code k} is 0, the base is overwritten in place with {@code B} and
 *       {@code P} zeroed, so the backward pass uses the old skew matrix with the new base,
 *       {@code L(−S_old, base_newᵀ G_B)}; with {@code evalConsumesTick} (D2) each evaluation pass also advances
 *       the counter (and may rebase).</li>
 * </ul>
 * The trainer calls {@link #beforeForward()} and {@link #afterForward()} around every training forward pass
 * and {@link #onEvaluation()} before each evaluation pass.
 */
public final class DtrivSchedule {
    /** Which rebase behaviour. */
    public enum Mode { CLEAN, REFERENCE_INPLACE }

    /** K = ∞: rebase once, at the first step. */
    public static final int NEVER_AGAIN = Integer.MAX_VALUE;

    private final List<DtrivBase> bases;
    private final int k;
    private final int m;
    private final Mode mode;
    private final boolean evalConsumesTick;
    private long step;
    private long rebases;
    private long projections;
    private int refK;
    private int refM;

    /**
     * @param k                steps between changes of base (≥ 1; {@link #NEVER_AGAIN} for K = ∞)
     * @param m                changes of base between projections (≥ 1)
     * @param mode             clean or reference behaviour
     * @param evalConsumesTick reference D2 (only with {@link Mode#REFERENCE_INPLACE})
     */
    public DtrivSchedule(List<DtrivBase> bases, int k, int m, Mode mode, boolean evalConsumesTick) {
        if (k < 1 || m < 1) {
            throw new IllegalArgumentException("K and M must be >= 1, got K " + k + ", M " + m);
        }
        if (evalConsumesTick && mode != Mode.REFERENCE_INPLACE) {
            throw new IllegalArgumentException("evalConsumesTick reproduces the reference; it needs Mode.REFERENCE_INPLACE");
        }
        this.bases = List.copyOf(bases);
        this.k = k;
        this.m = m;
        this.mode = mode;
        this.evalConsumesTick = evalConsumesTick;
    }

    /** The clean schedule. */
    public DtrivSchedule(List<DtrivBase> bases, int k, int m) {
        this(bases, k, m, Mode.CLEAN, false);
    }

    /** Number of changes of base so far. */
    public long rebaseCount() {
        return rebases;
    }

    /** Number of re-orthogonalizations of the bases so far. */
    public long projectionCount() {
        return projections;
    }

    /** Optimizer steps seen. */
    public long stepCount() {
        return step;
    }

    /** Before the training forward pass of the next optimizer step. */
    public void beforeForward() {
        if (mode == Mode.CLEAN) {
            boolean due = k == NEVER_AGAIN ? step == 0 : step % k == 0;
            if (due) {
                rebaseAll();
            }
        }
    }

    /** After the training forward pass (before backward). */
    public void afterForward() {
        if (mode == Mode.REFERENCE_INPLACE) {
            referenceTick();
        }
        step++;
    }

    /** Before an evaluation pass. */
    public void onEvaluation() {
        if (evalConsumesTick) {
            referenceTick();
        }
    }

    private void referenceTick() {
        if (refK == 0) {
            for (DtrivBase b : bases) {
                b.rebase();
            }
            rebases++;
            refM = (refM + 1) % m;
            if (refM == 0) {
                bases.forEach(DtrivBase::projectBase);
                projections++;
            }
        }
        refK = k == NEVER_AGAIN ? 1 : (refK + 1) % k;
    }

    private void rebaseAll() {
        for (DtrivBase b : bases) {
            b.rebase();
        }
        rebases++;
        if (rebases % m == 0) {
            bases.forEach(DtrivBase::projectBase);
            projections++;
        }
    }

    /** Counters for checkpoints: step, rebases, reference k and m, projections. */
    public long[] state() {
        return new long[] {step, rebases, refK, refM, projections};
    }

    /** Restores {@link #state()}. */
    public void loadState(long[] s) {
        if (s.length != 5) {
            throw new IllegalArgumentException("DTRIV schedule state needs 5 counters, got " + s.length);
        }
        step = s[0];
        rebases = s[1];
        refK = (int) s[2];
        refM = (int) s[3];
        projections = s[4];
    }
}
