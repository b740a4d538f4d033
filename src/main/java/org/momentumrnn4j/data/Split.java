package org.momentumrnn4j.data;

import java.util.Arrays;
import java.util.Random;

/** Seeded splits of a data set into disjoint subsets. */
public final class Split {
    /** Default seed. */
    public static final long DEFAULT_SEED = 12345L;

    private Split() {
    }

    /** {@link #trainValidation(Dataset, double, long)} with the default seed {@value #DEFAULT_SEED}. */
    public static Dataset[] trainValidation(Dataset data, double validationFraction) {
        return trainValidation(data, validationFraction, DEFAULT_SEED);
    }

    /**
     * Splits into {@code [train, validation]}: the indices are shuffled (Fisher–Yates with
     * {@code new Random(seed)}), the first {@code round(fraction · n)} go to validation, the rest to training;
     * each subset keeps its indices in ascending order. The two subsets are disjoint and cover the data set.
     *
     * @param validationFraction in (0, 1); the validation size must come out between 1 and n − 1
     * @return {@code [train, validation]}, both {@link Subset}s
     */
    public static Dataset[] trainValidation(Dataset data, double validationFraction, long seed) {
        if (!(validationFraction > 0.0 && validationFraction < 1.0)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), got " + validationFraction);
        }
        int n = data.size();
        long v = Math.round(validationFraction * n);
        if (v < 1 || v > n - 1) {
            throw new IllegalArgumentException("validationFraction " + validationFraction + " of " + n
                    + " samples gives " + v + " validation samples; expected between 1 and " + (n - 1));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] valid = Arrays.copyOfRange(order, 0, (int) v);
        int[] train = Arrays.copyOfRange(order, (int) v, n);
        Arrays.sort(valid);
        Arrays.sort(train);
        return new Dataset[] {new Subset(data, train), new Subset(data, valid)};
    }
}
