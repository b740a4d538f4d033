package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HeapTransferTest {
    /** Writes through a view land in the array it views, at the view's offset, in either precision. */
    @Test
    void viewsWriteIntoTheArrayTheyView() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray whole = Nd4j.zeros(type, 4, 3);
            INDArray rows = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());     // rows 1 and 2, offset 3
            assertTrue(rows.isView());
            HeapTransfer.View v = HeapTransfer.view(rows);
            v.writeAt(new float[] {9, 1, 2, 3}, 1, 2, 3);                                  // elements 2..4 of the view
            v.writeAt(new double[] {4, 5}, 0, 0, 2);                                       // elements 0..1
            double[] expected = {0, 0, 0, 4, 5, 1, 2, 3, 0, 0, 0, 0};
            assertArrayEquals(expected, whole.data().asDouble(), 0.0, type.toString());
            float[] f = new float[3];
            v.readAt(f, 0, 3, 3);                                                          // the view's second row
            assertArrayEquals(new float[] {2, 3, 0}, f, 0f);
            double[] d = new double[6];
            v.read(d, 0);
            assertArrayEquals(new double[] {4, 5, 1, 2, 3, 0}, d, 0.0);
        }
    }

    @Test
    void aNonContiguousArrayIsRefusedRatherThanCopied() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeapTransfer.view(a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2))));
        assertTrue(e.getMessage().contains("row-major contiguous"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeapTransfer.view(a.transpose()));
    }
}
