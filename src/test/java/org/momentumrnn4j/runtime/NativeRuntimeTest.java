package org.momentumrnn4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NativeRuntimeTest {
    @Test
    void detectsTheBuildFromLibnd4jsBuildInformation() {
        assertEquals(NativeRuntime.Build.ONEDNN, NativeRuntime.detect("GCC: \"7.5.0\"\nHAVE_FLATBUFFERS\nHAVE_ONEDNN\nHAVE_OPENBLAS\n"));
        assertEquals(NativeRuntime.Build.OPENBLAS, NativeRuntime.detect("GCC: \"7.5.0\"\nHAVE_FLATBUFFERS\nHAVE_OPENBLAS\n"));
        assertEquals(NativeRuntime.Build.OTHER, NativeRuntime.detect("HAVE_FLATBUFFERS\n"));
    }

    @Test
    void parsesTheOverride() {
        assertEquals("auto", NativeRuntime.parse(null));
        assertEquals("auto", NativeRuntime.parse(" AUTO "));
        assertEquals("none", NativeRuntime.parse("none"));
        assertEquals(3, NativeRuntime.parse("3"));
        for (String bad : new String[] {"0", "-2", "two", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeRuntime.parse(bad));
            assertTrue(e.getMessage().contains(NativeRuntime.PROPERTY) && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void configuresOnceAndTheOpenBlasBuildGetsOneMasterThread() {
        String first = NativeRuntime.configure();
        assertEquals(first, NativeRuntime.configure());
        if (System.getProperty(NativeRuntime.PROPERTY) == null && NativeRuntime.build() == NativeRuntime.Build.OPENBLAS) {
            assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
            assertTrue(first.startsWith("auto"), first);
        }
        String d = NativeRuntime.describe();
        assertTrue(d.contains("nd4j build " + NativeRuntime.build()) && d.contains(first), d);
    }

    @Test
    void splitsTheBatchOnlyWhereNativeCallsAreSingleThreaded() {
        NativeRuntime.Build openblas = NativeRuntime.Build.OPENBLAS;
        NativeRuntime.Build onednn = NativeRuntime.Build.ONEDNN;
        assertEquals(2, NativeRuntime.sweepThreads(null, null, openblas, null, 2));      // OpenBLAS: BLAS set to 1 thread
        assertEquals(4, NativeRuntime.sweepThreads("auto", "auto", openblas, "4", 4));
        assertEquals(1, NativeRuntime.sweepThreads(null, null, openblas, null, 1));      // one core
        assertEquals(2, NativeRuntime.sweepThreads(null, null, onednn, "1", 2));         // oneDNN with OMP_NUM_THREADS=1
        assertEquals(1, NativeRuntime.sweepThreads(null, null, onednn, null, 2));        // oneDNN would multithread each GEMM
        assertEquals(1, NativeRuntime.sweepThreads(null, null, onednn, "2", 2));
        assertEquals(1, NativeRuntime.sweepThreads(null, "4", openblas, null, 2));       // native threads set by the user
        assertEquals(1, NativeRuntime.sweepThreads(null, "none", openblas, null, 2));
        assertEquals(1, NativeRuntime.sweepThreads(null, null, NativeRuntime.Build.OTHER, "1", 8));
        assertEquals(3, NativeRuntime.sweepThreads(" 3 ", "none", onednn, null, 1));     // explicit wins
        assertEquals(1, NativeRuntime.sweepThreads("1", null, openblas, null, 8));
        for (String bad : new String[] {"0", "-2", "two"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NativeRuntime.sweepThreads(bad, null, openblas, null, 2));
            assertTrue(e.getMessage().contains(NativeRuntime.SWEEP_PROPERTY) && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(NativeRuntime.sweepThreads() >= 1);
        assertTrue(NativeRuntime.describe().contains("sweep threads " + NativeRuntime.sweepThreads()));
    }
}
