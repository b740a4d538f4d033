package org.momentumrnn4j.train;

import java.util.List;

/** Observes a training run. All methods default to doing nothing. */
public interface TrainingListener {
    /** Before the first epoch (or the first epoch after a resume). */
    default void onStart(int epochs, int batchesPerEpoch, int startEpoch) {}

    /** After each optimizer step. */
    default void onIteration(int epoch, int batch, long iteration, double loss) {}

    /** After each epoch's evaluation. */
    default void onEpochEnd(EpochMetrics metrics) {}

    /** After the last epoch (also after early stopping). */
    default void onEnd(List<EpochMetrics> history, String stopReason) {}
}
