package org.momentumrnn4j.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.momentumrnn4j.Version;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The versioned model archive: a zip holding
 * <ul>
 *   <li>{@code config.json}: {@code format} ({@value #FORMAT}), {@code format_version}, {@code library_version},
 *       {@code model} (the full {@link ModelConfig}, seeds included), {@code entries} (every array's name,
 *       dtype and shape) and, for checkpoints, {@code training} (the trainer's state);</li>
 *   <li>{@code params/<name>.npy}: one NumPy array per named parameter;</li>
 *   <li>{@code buffers/<name>.npy}: non-trainable arrays (DTRIV bases);</li>
 *   <li>{@code optimizer/<param>/<buffer>.npy}: optional optimizer state.</li>
 * </ul>
 * Writing goes to a temporary file in the target folder which is then moved over the target, so a crash
 * never leaves a half-written archive. Reading validates everything — zip integrity (CRC), format and
 * version, the configuration, that every array the model needs is present with the right dtype and shape
 * and that nothing else is — and reports any problem as a {@link ModelFormatException}.
 */
public final class ModelArchive {
    /** The format name in {@code config.json}. */
    public static final String FORMAT = "momentumrnn4j-model";
    /** The version this library writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Upper bound on one entry's size when reading (defends against corrupt headers). */
    private static final long MAX_ENTRY = 1L << 31;

    private ModelArchive() {}

    /** Saves a model (no optimizer, no training state). */
    public static void save(Path path, SequenceModel model) {
        save(path, model, Map.of(), Map.of());
    }

    /** Saves a model with optional optimizer state and training state (checkpoints). */
    public static void save(Path path, SequenceModel model, Map<String, INDArray> optimizerState,
                            Map<String, Object> training) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("format", FORMAT);
        cfg.put("format_version", FORMAT_VERSION);
        cfg.put("library_version", Version.LIBRARY);
        cfg.put("model", model.config().toMap());
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        model.parameters().forEach((k, v) -> arrays.put("params/" + k, v.value()));
        model.buffers().forEach((k, v) -> arrays.put("buffers/" + k, v));
        optimizerState.forEach((k, v) -> arrays.put("optimizer/" + k, v));
        Map<String, Object> entries = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dtype", e.getValue().dataType().name());
            d.put("shape", Arrays.stream(e.getValue().shape()).boxed().toList());
            entries.put(e.getKey(), d);
        }
        cfg.put("entries", entries);
        if (!training.isEmpty()) {
            cfg.put("training", training);
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create the folder of " + path, e);
        }
        AtomicFiles.write(path, "model archive", os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(Json.write(cfg).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (var e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                Npy.write(e.getValue(), new NonClosing(zip));
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** What an archive holds. */
    public record Loaded(Path path, ModelConfig config, Map<String, INDArray> params, Map<String, INDArray> buffers,
                         Map<String, INDArray> optimizerState, Map<String, Object> training,
                         int formatVersion, String libraryVersion) {
        /** A new model with the archive's configuration and values. */
        public SequenceModel model() {
            SequenceModel m = new SequenceModel(config);
            copyInto(m);
            return m;
        }

        /** Copies the values into {@code model}, whose configuration must equal the archive's. */
        public void copyInto(SequenceModel model) {
            if (!model.config().toMap().equals(config.toMap())) {
                throw new ModelFormatException(path + ": the archive's model configuration differs from the model's");
            }
            for (var e : model.parameters().entrySet()) {
                e.getValue().value().assign(params.get(e.getKey()));
            }
            for (var e : model.buffers().entrySet()) {
                e.getValue().assign(buffers.get(e.getKey()));
            }
        }
    }

    /** Loads and validates an archive. */
    public static Loaded load(Path path) {
        Map<String, byte[]> raw = readZip(path);
        byte[] cfgBytes = raw.remove("config.json");
        if (cfgBytes == null) {
            throw new ModelFormatException(path + ": no config.json (not a model archive, or truncated)");
        }
        Map<String, Object> cfg;
        try {
            Object o = Json.parse(new String(cfgBytes, StandardCharsets.UTF_8));
            if (!(o instanceof Map)) {
                throw new ModelFormatException(path + ": config.json is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            cfg = m;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": config.json is malformed: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(cfg.get("format"))) {
            throw new ModelFormatException(path + ": format is '" + cfg.get("format") + "', expected '" + FORMAT + "'");
        }
        if (!(cfg.get("format_version") instanceof Long v)) {
            throw new ModelFormatException(path + ": format_version is missing or not an integer");
        }
        if (v > FORMAT_VERSION) {
            throw new ModelFormatException(path + ": archive format version " + v + " is newer than this library ("
                    + Version.LIBRARY + ") reads (" + FORMAT_VERSION + "); upgrade MomentumRNN4J");
        }
        if (v < 1) {
            throw new ModelFormatException(path + ": invalid format_version " + v);
        }
        ModelConfig config;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> mm = (Map<String, Object>) cfg.get("model");
            if (mm == null) {
                throw new IllegalArgumentException("no 'model' object");
            }
            config = ModelConfig.fromMap(mm);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ModelFormatException(path + ": invalid model configuration: " + e.getMessage(), e);
        }
        if (!(cfg.get("entries") instanceof Map<?, ?> entries)) {
            throw new ModelFormatException(path + ": config.json lacks the 'entries' table");
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".npy")) {
                throw new ModelFormatException(path + ": unexpected entry '" + name + "'");
            }
            String key = name.substring(0, name.length() - 4);
            if (!(entries.get(key) instanceof Map<?, ?> desc)) {
                throw new ModelFormatException(path + ": entry '" + name + "' is not listed in config.json");
            }
            INDArray a;
            try {
                a = Npy.read(new ByteArrayInputStream(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new ModelFormatException(path + ": entry '" + name + "' is not a valid .npy: " + ex.getMessage(), ex);
            }
            List<Long> shape = Arrays.stream(a.shape()).boxed().toList();
            if (!shape.equals(desc.get("shape")) || !a.dataType().name().equals(desc.get("dtype"))) {
                throw new ModelFormatException(path + ": entry '" + name + "' is " + a.dataType() + " " + shape
                        + " but config.json lists " + desc.get("dtype") + " " + desc.get("shape"));
            }
            arrays.put(key, a);
        }
        for (Object k : entries.keySet()) {
            if (!arrays.containsKey(k)) {
                throw new ModelFormatException(path + ": entry '" + k + ".npy' listed in config.json is missing");
            }
        }
        // build a model of this configuration to learn the names and shapes it needs
        SequenceModel probe;
        try {
            probe = new SequenceModel(config);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path + ": the model configuration cannot be built: " + e.getMessage(), e);
        }
        Map<String, INDArray> params = take(path, arrays, "params/", shapes(probe.parameters()));
        Map<String, INDArray> buffers = take(path, arrays, "buffers/", bufferShapes(probe.buffers()));
        Map<String, INDArray> opt = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            if (!e.getKey().startsWith("optimizer/")) {
                throw new ModelFormatException(path + ": unexpected entry '" + e.getKey() + ".npy'");
            }
            opt.put(e.getKey().substring("optimizer/".length()), e.getValue());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> training = cfg.get("training") instanceof Map ? (Map<String, Object>) cfg.get("training")
                                                                           : Map.of();
        return new Loaded(path, config, params, buffers, opt, training, (int) (long) v,
                String.valueOf(cfg.get("library_version")));
    }

    private static Map<String, long[]> shapes(Map<String, Tensor> m) {
        Map<String, long[]> s = new LinkedHashMap<>();
        m.forEach((k, v) -> s.put(k, v.shape()));
        return s;
    }

    private static Map<String, long[]> bufferShapes(Map<String, INDArray> m) {
        Map<String, long[]> s = new LinkedHashMap<>();
        m.forEach((k, v) -> s.put(k, v.shape()));
        return s;
    }

    private static Map<String, INDArray> take(Path path, Map<String, INDArray> arrays, String prefix,
                                              Map<String, long[]> needed) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : needed.entrySet()) {
            INDArray a = arrays.remove(prefix + e.getKey());
            if (a == null) {
                throw new ModelFormatException(path + ": missing array '" + prefix + e.getKey() + ".npy'");
            }
            if (!Arrays.equals(a.shape(), e.getValue())) {
                throw new ModelFormatException(path + ": '" + prefix + e.getKey() + "' has shape "
                        + Arrays.toString(a.shape()) + ", the model needs " + Arrays.toString(e.getValue()));
            }
            out.put(e.getKey(), a);
        }
        for (String k : arrays.keySet()) {
            if (k.startsWith(prefix)) {
                throw new ModelFormatException(path + ": '" + k + ".npy' does not belong to the model");
            }
        }
        return out;
    }

    private static Map<String, byte[]> readZip(Path path) {
        Map<String, byte[]> raw = new LinkedHashMap<>();
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model archive " + path + ": " + e.getMessage(), e);
        }
        // ZipFile reads the central directory at the end, so any truncation is detected; CRCs are checked below
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(path.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (e.getSize() > MAX_ENTRY || e.getSize() > 64 * size + (1 << 20)) {
                    throw new ModelFormatException(path + ": entry '" + e.getName() + "' is implausibly large ("
                            + e.getSize() + " bytes)");
                }
                byte[] data;
                try (InputStream in = zip.getInputStream(e)) {
                    data = in.readNBytes((int) Math.max(0, e.getSize()) + 1);
                }
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                if (data.length != e.getSize() || crc.getValue() != e.getCrc()) {
                    throw new ModelFormatException(path + ": entry '" + e.getName() + "' is corrupt (size "
                            + data.length + " vs " + e.getSize() + ", CRC mismatch " + (crc.getValue() != e.getCrc()) + ")");
                }
                if (raw.put(e.getName(), data) != null) {
                    throw new ModelFormatException(path + ": duplicate entry '" + e.getName() + "'");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelFormatException mfe) {
                throw mfe;
            }
            throw new ModelFormatException(path + ": corrupt or truncated archive (" + e + ")", e);
        }
        if (raw.isEmpty()) {
            throw new ModelFormatException(path + ": not a zip archive, or empty");
        }
        return raw;
    }

    /** Keeps Npy.write from closing the zip stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
