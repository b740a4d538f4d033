package org.momentumrnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads the real Fashion-MNIST training files when they are installed; skipped otherwise. */
class FashionMnistFilesTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static Path find(String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            if (Files.isRegularFile(DIR.resolve(name))) {
                return DIR.resolve(name);
            }
        }
        return null;
    }

    @Test
    void trainingFilesLoad() {
        Path images = find("train-images-idx3-ubyte");
        Path labels = find("train-labels-idx1-ubyte");
        assumeTrue(images != null && labels != null, "Fashion-MNIST not installed in " + DIR);
        SequentialImages d = SequentialImages.load(images, labels, SequentialImages.Mode.PIXEL, null);
        assertEquals(60000, d.size());
        assertEquals(784, d.steps());
        int[] counts = new int[10];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        int[] expected = new int[10];
        java.util.Arrays.fill(expected, 6000);
        assertArrayEquals(expected, counts, "Fashion-MNIST training classes are balanced");
        assertArrayEquals(new long[] {2, 784, 1}, d.batch(new int[] {0, 59999}).inputs().shape());
    }
}
