package org.momentumrnn4j.cell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.io.Json;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads golden files of the schema in shared/golden/README.md. */
final class GoldenFile {
    final Path path;
    final Map<String, Object> root;

    private GoldenFile(Path path, Map<String, Object> root) {
        this.path = path;
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    static GoldenFile read(Path p) throws IOException {
        Object o = Json.parse(Files.readString(p, StandardCharsets.UTF_8));
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(p + ": top level is not an object");
        }
        return new GoldenFile(p, (Map<String, Object>) o);
    }

    /** The golden directory: $MOMENTUMRNN_GOLDEN_DIR or the test-resources copy. */
    static Path directory() {
        String env = System.getenv("MOMENTUMRNN_GOLDEN_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            return Path.of(GoldenFile.class.getResource("/golden").toURI());
        } catch (Exception e) {
            throw new IllegalStateException("test resources folder 'golden' not found", e);
        }
    }

    static List<Path> files() throws IOException {
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("MOMENTUMRNN_GOLDEN_DIR " + dir + " is not a directory");
        }
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no *.json golden file in " + dir);
        }
        return out;
    }

    /** Nested lists of numbers → array of that shape (a bare number → rank 0). */
    static INDArray array(Object nested, DataType type) {
        return org.momentumrnn4j.io.JsonArrays.toArray(nested, type);
    }
}
