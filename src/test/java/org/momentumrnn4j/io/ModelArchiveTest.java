package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.momentumrnn4j.data.AddingTask;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Save → load → identical function; old archives keep loading; broken archives fail cleanly. */
class ModelArchiveTest {

    static ModelConfig twoLayerConfig(DataType type) {
        return new ModelConfig(2, List.of(
                new ModelConfig.Layer(Base.Kind.LSTM, 6, new DriveSpec.Momentum(0.6, 0.6), CellConfig.defaults().withSeed(1)),
                new ModelConfig.Layer(Base.Kind.DTRIV, 5, new DriveSpec.ScheduledRestart(SrForm.B_TIME_VARYING_MOMENTUM, 0.8, 3),
                        CellConfig.defaults().withSeed(2).withSkewInit(CellConfig.SkewInit.HENAFF))),
                0.0, ModelConfig.Head.LAST_STEP, 1, type, 7);
    }

    private static Map<String, INDArray> outputsAndGradients(SequenceModel m, Batch b) {
        Map<String, INDArray> r = new LinkedHashMap<>();
        m.parameters().values().forEach(Tensor::zeroGrad);
        try (Tape tape = Tape.open()) {
            Tensor out = m.forward(b);
            Tensor loss = m.loss(out, b);
            tape.backward(loss);
            r.put("out", out.value().dup());
            r.put("loss", loss.value().dup());
        }
        m.parameters().forEach((k, v) -> r.put("d" + k, v.grad().dup()));
        return r;
    }

    @Test
    void saveLoadGivesBitIdenticalOutputsAndGradients(@TempDir Path dir) throws Exception {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            SequenceModel m = new SequenceModel(twoLayerConfig(type));
            // move the DTRIV base away from the identity so that the buffer matters
            m.dtrivBases().get(0).rebase();
            Batch b = new AddingTask(7, 4, 3, type).batch(new int[] {0, 1, 2, 3});
            Map<String, INDArray> before = outputsAndGradients(m, b);
            Path p = dir.resolve("m-" + type + ".zip");
            ModelArchive.save(p, m);
            ModelArchive.Loaded loaded = ModelArchive.load(p);
            assertEquals(ModelArchive.FORMAT_VERSION, loaded.formatVersion());
            SequenceModel m2 = loaded.model();
            Map<String, INDArray> after = outputsAndGradients(m2, b);
            assertEquals(before.keySet(), after.keySet());
            for (String k : before.keySet()) {
                assertArrayEquals(before.get(k).dup().data().asDouble(), after.get(k).dup().data().asDouble(), 0.0, type + " " + k);
            }
            try (var s = Files.list(dir)) {
                assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
            }
        }
    }

    /**
     * An archive written by format version 1 (committed; regenerate only for a new format version with
     * {@code -Dregenerate.archives=true}) still loads and computes its stored outputs.
     */
    @Test
    void committedVersionOneArchiveKeepsLoading() throws Exception {
        Path v1 = Path.of(getClass().getResource("/archives/format-v1-model.zip").toURI());
        Path expected = Path.of(getClass().getResource("/archives/format-v1-expected.npz").toURI());
        ModelArchive.Loaded loaded = ModelArchive.load(v1);
        assertEquals(1, loaded.formatVersion());
        SequenceModel m = loaded.model();
        Map<String, INDArray> exp = Npz.read(expected);
        Batch b = new AddingTask(7, 4, 3, DataType.DOUBLE).batch(new int[] {0, 1, 2, 3});
        INDArray out = Tape.noGrad(() -> m.forward(b)).value();
        assertArrayEquals(exp.get("out").data().asDouble(), out.dup().data().asDouble(), 1e-12);
    }

    /** Writes the committed fixtures (run once per format version; the test above then guards them). */
    @Test
    void regenerateFixturesOnRequest() throws Exception {
        if (!Boolean.getBoolean("regenerate.archives")) {
            return;
        }
        Path res = Path.of("src/test/resources/archives");
        SequenceModel m = new SequenceModel(twoLayerConfig(DataType.DOUBLE));
        m.dtrivBases().get(0).rebase();
        ModelArchive.save(res.resolve("format-v1-model.zip"), m);
        Batch b = new AddingTask(7, 4, 3, DataType.DOUBLE).batch(new int[] {0, 1, 2, 3});
        Npz.write(Map.of("out", Tape.noGrad(() -> m.forward(b)).value()), res.resolve("format-v1-expected.npz"), false);
    }

    @Test
    void truncatedOrCorruptArchivesAlwaysGiveTheLibrarysException(@TempDir Path dir) throws Exception {
        SequenceModel m = new SequenceModel(twoLayerConfig(DataType.FLOAT));
        Path good = dir.resolve("good.zip");
        ModelArchive.save(good, m);
        byte[] bytes = Files.readAllBytes(good);
        Random r = new Random(12345);
        int truncations = 0;
        int corruptionsRejected = 0;
        int corruptionsAccepted = 0;
        Path bad = dir.resolve("bad.zip");
        for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 300)) {
            Files.write(bad, java.util.Arrays.copyOf(bytes, cut));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelArchive.load(bad), "cut at " + cut);
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
            truncations++;
        }
        for (int i = 0; i < 400; i++) {
            byte[] c = bytes.clone();
            int pos = r.nextInt(c.length);
            c[pos] ^= (byte) (1 + r.nextInt(255));
            Files.write(bad, c);
            try {
                ModelArchive.Loaded l = ModelArchive.load(bad);
                // a flip outside every checksummed byte (a local header's time field, say) must still give the
                // very same model, value for value
                SequenceModel back = l.model();
                for (var e : m.parameters().entrySet()) {
                    assertEquals(e.getValue().value(), back.parameters().get(e.getKey()).value(), "flip at " + pos);
                }
                corruptionsAccepted++;
            } catch (ModelFormatException e) {
                corruptionsRejected++;
            }
        }
        System.out.printf("archive fuzz: %d truncations rejected; %d corruptions rejected, %d harmless (%d bytes)%n",
                truncations, corruptionsRejected, corruptionsAccepted, bytes.length);
        assertTrue(corruptionsRejected > 300);
    }

    @Test
    void newerFormatAndMismatchesAreExplained(@TempDir Path dir) throws Exception {
        SequenceModel m = new SequenceModel(twoLayerConfig(DataType.FLOAT));
        Path p = dir.resolve("m.zip");
        ModelArchive.save(p, m);
        // rewrite config.json with format_version 2
        Path newer = dir.resolve("newer.zip");
        rewriteConfig(p, newer, s -> s.replace("\"format_version\": 1", "\"format_version\": 2"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelArchive.load(newer));
        assertTrue(e.getMessage().contains("newer") && e.getMessage().contains("2"), e.getMessage());
        Path other = dir.resolve("other.zip");
        rewriteConfig(p, other, s -> s.replace("\"format\": \"momentumrnn4j-model\"", "\"format\": \"something-else\""));
        assertThrows(ModelFormatException.class, () -> ModelArchive.load(other));
        // loading into a model of another configuration is refused
        SequenceModel different = new SequenceModel(new ModelConfig(2, List.of(new ModelConfig.Layer(Base.Kind.LSTM, 6,
                new DriveSpec.Plain(), CellConfig.defaults())), 0, ModelConfig.Head.LAST_STEP, 1, DataType.FLOAT, 7));
        ModelFormatException mismatch = assertThrows(ModelFormatException.class, () -> ModelArchive.load(p).copyInto(different));
        assertTrue(mismatch.getMessage().contains("differs"), mismatch.getMessage());
        assertFalse(Files.exists(dir.resolve("missing.zip")));
        assertThrows(ModelFormatException.class, () -> ModelArchive.load(dir.resolve("missing.zip")));
    }

    private static void rewriteConfig(Path in, Path out, java.util.function.UnaryOperator<String> edit) throws Exception {
        try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(in));
             var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(out))) {
            java.util.zip.ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                byte[] data = zin.readAllBytes();
                if (e.getName().equals("config.json")) {
                    data = edit.apply(new String(data, java.nio.charset.StandardCharsets.UTF_8))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zout.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                zout.write(data);
                zout.closeEntry();
            }
        }
    }
}
