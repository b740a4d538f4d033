package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HeapPoolTest {
    @Test
    void rowArraysComeBackOnlyForTheirOwnDimensions() {
        // dimensions no other test or sweep uses, so that the pool's other entries do not interfere
        double[][] a = HeapPool.takeRows(7, 13);
        assertEquals(7, a.length);
        assertEquals(13, a[6].length);
        HeapPool.giveRows(a);
        double[][] other = HeapPool.takeRows(13, 7);                 // same element count, other shape
        assertNotSame(a, other);
        assertEquals(13, other.length);
        assertEquals(7, other[0].length);
        assertSame(a, HeapPool.takeRows(7, 13));
        assertNotSame(a, HeapPool.takeRows(7, 13), "an array is handed out once");

        float[][] f = HeapPool.takeFloatRows(7, 13);
        HeapPool.giveRows(f);
        assertSame(f, HeapPool.takeFloatRows(7, 13));
        HeapPool.giveRows((float[][]) null);                          // ignored
        HeapPool.giveRows((double[][]) null);
    }
}
