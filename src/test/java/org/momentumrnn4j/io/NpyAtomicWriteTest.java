package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.io.NpyTestSupport.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A write that fails leaves neither a partial target nor a temporary file, and keeps an existing target. */
class NpyAtomicWriteTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void failureMidwayLeavesNoFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.npy");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, "npy file",
                out -> {
                    out.write(new byte[100_000]); // bytes really reach the temporary file
                    throw new IOException("disk full (simulated)");
                }));
        assertEquals("disk full (simulated)", e.getCause().getMessage());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void failureMidwayKeepsTheOldTarget(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.npy");
        INDArray old = sample(DataType.FLOAT, 2, 3);
        Npy.write(old, target);
        byte[] before = Files.readAllBytes(target);
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, "npy file", out -> {
            Npy.write(sample(DataType.DOUBLE, 50, 50), out);
            throw new IllegalStateException("interrupted (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of("a.npy"), names(dir));
    }

    @Test
    void missingFolderFailsWithoutCreatingAnything(@TempDir Path dir) throws IOException {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> Npy.write(sample(DataType.INT32, 3), dir.resolve("no/a.npy")));
        assertTrue(e.getCause() instanceof NoSuchFileException, e.toString());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void unwritableArrayInNpzFailsBeforeAnyFileIsCreated(@TempDir Path dir) throws IOException {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("fine", sample(DataType.FLOAT, 4));
        m.put("half", sample(DataType.FLOAT, 4).castTo(DataType.FLOAT16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npz.write(m, dir.resolve("m.npz"), true));
        assertTrue(e.getMessage().startsWith("array 'half': "), e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void successLeavesOnlyTheTarget(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a.npy");
        Npy.write(sample(DataType.INT64, 2, 2), target);
        Npy.write(sample(DataType.INT64, 3), target); // replaces
        Npz.write(Map.of("x", sample(DataType.BOOL, 2)), dir.resolve("b.npz"), false);
        assertEquals(List.of("a.npy", "b.npz"), names(dir));
        assertEquals(3, Npy.read(target).length());
    }
}
