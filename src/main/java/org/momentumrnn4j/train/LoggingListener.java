package org.momentumrnn4j.train;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every epoch (and every {@code every}-th iteration at debug level) through SLF4J. */
public final class LoggingListener implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingListener.class);
    private final int every;

    /** Logs iterations every {@code every} steps at debug level (0: never). */
    public LoggingListener(int every) {
        this.every = every;
    }

    /** Epochs only. */
    public LoggingListener() {
        this(0);
    }

    @Override
    public void onStart(int epochs, int batchesPerEpoch, int startEpoch) {
        LOG.info("training {} epochs of {} batches from epoch {}", epochs, batchesPerEpoch, startEpoch);
    }

    @Override
    public void onIteration(int epoch, int batch, long iteration, double loss) {
        if (every > 0 && iteration % every == 0) {
            LOG.debug("epoch {} batch {} iteration {} loss {}", epoch, batch, iteration, loss);
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        LOG.info("epoch {} train loss {} validation loss {} accuracy {} lr {} ({} s)", m.epoch(),
                String.format("%.5f", m.trainLoss()), String.format("%.5f", m.validationLoss()),
                String.format("%.4f", m.validationAccuracy()), m.learningRate(), String.format("%.1f", m.seconds()));
    }

    @Override
    public void onEnd(List<EpochMetrics> history, String stopReason) {
        LOG.info("training ended after {} epochs: {}", history.size(), stopReason);
    }
}
