package org.momentumrnn4j.train;

/**
 * What one epoch produced.
 *
 * @param epoch              0-based epoch index
 * @param iterations         optimizer steps so far (all epochs)
 * @param trainLoss          mean training loss over the epoch's batches (example-weighted)
 * @param validationLoss     mean loss on the held-out set (NaN without one)
 * @param validationAccuracy accuracy on the held-out set for label targets (NaN otherwise)
 * @param learningRate       learning rate of the first parameter group during the epoch
 * @param seconds            wall time of the epoch, evaluation included
 */
public record EpochMetrics(int epoch, long iterations, double trainLoss, double validationLoss,
                           double validationAccuracy, double learningRate, double seconds) {}
