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
}
