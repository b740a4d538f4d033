package org.momentumrnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class CurvesTest {
    @Test
    void trailingMeanForgetsALargeStartAfterItsWindow() {
        assertArrayEquals(new double[] {10, 5, 0, 0, 1}, Curves.smooth(new double[] {10, 0, 0, 0, 2}, 2), 1e-15);
        assertArrayEquals(new double[] {3, 1, -1}, Curves.smooth(new double[] {3, 1, -1}, 1), 0);
        assertArrayEquals(new double[] {4, 3, 2}, Curves.smooth(new double[] {4, 2, 0}, 5), 1e-15);
    }
}
