package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The committed float32 kernel is exactly what the generator makes of the float64 kernel. */
class FloatKernelGeneratorTest {
    @Test
    void committedFloatKernelIsUpToDate() throws Exception {
        String expected = FloatKernelGenerator.generate(Files.readString(FloatKernelGenerator.SOURCE));
        String actual = Files.readString(FloatKernelGenerator.TARGET);
        assertEquals(expected, actual, "FusedSweepFloat.java is stale or edited by hand: run "
                + "`mvn -q -o test-compile && java -cp target/test-classes org.momentumrnn4j.sequence.FloatKernelGenerator`");
    }

    @Test
    void rulesConvertCodeButNotComments() {
        String src = "package org.momentumrnn4j.sequence;\n/**\n * One recurrent layer, double precision 1.0\n */\n"
                + "final class FusedSweep extends Function {\n"
                + "    double[] a = HeapPool.take(3); // double 2.5\n"
                + "    double x = 0.5 * (double) mu() + 1e-8 + Math.sqrt(y) + Math.max(2, 3);\n"
                + "    String s = \"fused_sweep\";\n}\n";
        String out = FloatKernelGenerator.generate(src);
        assertTrue(out.contains("final class FusedSweepFloat extends Function"), out);
        assertTrue(out.contains("float[] a = HeapPool.takeFloat(3); // double 2.5"), out);
        assertTrue(out.contains("float x = 0.5f * (float) mu() + 1e-8f + (float) Math.sqrt(y) + Math.max(2, 3);"), out);
        assertTrue(out.contains("\"fused_sweep_float\""), out);
        assertTrue(out.startsWith("// GENERATED"), out);
    }
}
