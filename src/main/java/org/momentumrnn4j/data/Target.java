package org.momentumrnn4j.data;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What a batch's model must predict. */
public sealed interface Target {
    /** Number of samples. */
    int batchSize();

    /** One class per sequence, predicted from the last step (sequential MNIST). */
    record Labels(int[] labels, int numClasses) implements Target {
        /** Validates the labels. */
        public Labels {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= numClasses) {
                    throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, "
                            + numClasses + ")");
                }
            }
        }

        @Override
        public int batchSize() {
            return labels.length;
        }
    }

    /** One class per step, {@code [B][T]} (the copy task). */
    record StepLabels(int[][] labels, int numClasses) implements Target {
        /** Validates the labels. */
        public StepLabels {
            for (int b = 0; b < labels.length; b++) {
                for (int t = 0; t < labels[b].length; t++) {
                    if (labels[b][t] < 0 || labels[b][t] >= numClasses) {
                        throw new IllegalArgumentException("label " + labels[b][t] + " at [" + b + ", " + t
                                + "] is outside [0, " + numClasses + ")");
                    }
                }
            }
        }

        @Override
        public int batchSize() {
            return labels.length;
        }
    }

    /** Real values per sequence {@code [B, K]}, predicted from the last step (the adding task, K = 1). */
    record Values(INDArray values) implements Target {
        /** Validates the shape. */
        public Values {
            if (values.rank() != 2) {
                throw new IllegalArgumentException("values must be [batch, outputs], got "
                        + Arrays.toString(values.shape()));
            }
        }

        @Override
        public int batchSize() {
            return (int) values.size(0);
        }
    }

    /** Real values per step {@code [B, T, K]} (sequence regression; padded steps are masked out). */
    record StepValues(INDArray values) implements Target {
        /** Validates the shape. */
        public StepValues {
            if (values.rank() != 3) {
                throw new IllegalArgumentException("values must be [batch, time, outputs], got "
                        + Arrays.toString(values.shape()));
            }
        }

        @Override
        public int batchSize() {
            return (int) values.size(0);
        }
    }
}
