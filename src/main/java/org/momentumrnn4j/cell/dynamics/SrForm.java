package org.momentumrnn4j.cell.dynamics;

/**
 * The two scheduled-restart ("Nesterov") cells of the reference code (spec/cells.md Q1). There is no
 * default: choose explicitly.
 */
public enum SrForm {
    /**
     * Form A (MNIST/PMNIST/TIMIT {@code NesterovLSTMCell}): NAG on the whole pre-activation,
     * {@code p_t = r_t − s g_t}, {@code a_t = p_t + κ_t (p_t − p_{t−1})}; state {@code p}.
     */
    A_PREACTIVATION_NAG,
    /**
     * Form B (PTB {@code NesterovLSTM}, DTRIV {@code OrthogonalNesterovRNN}): momentum with the schedule
     * {@code κ_t}, {@code v_t = κ_t v_{t−1} + s g_t}, {@code a_t = v_t + r_t}; state {@code v}.
     */
    B_TIME_VARYING_MOMENTUM
}
