package org.momentumrnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.ReferenceCompat;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.data.Batch;
import org.momentumrnn4j.data.Target;
import org.momentumrnn4j.io.ReferenceWeights.Scheme;
import org.momentumrnn4j.nn.ModelConfig;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.momentumrnn4j.sequence.SequenceOutput;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight exchange with the authors' PyTorch modules. Fixtures in {@code src/test/resources/weights/} were
 * written once by {@code src/test/python/make_weight_fixtures.py} from the authors' own classes: state dicts
 * of a MomentumLSTMCell (mnist.py layout), an OrthogonalMomentumRNN (DTRIV, non-zero A, non-identity base,
 * cached {@code _B}) and a PTB MomentumLSTM, with inputs and the outputs those modules produced in float32 and
 * float64. Imported into the library's cells (reference-compatible config, same hyper-parameters) and run
 * through {@link RecurrentLayer} (time-major), the outputs must match: float32 within 1e-6, float64 within
 * 1e-12, on both the generic and the fused path.
 */
class ReferenceWeightsTest {
    static final double TOL_F32 = 1e-6;
    static final double TOL_F64 = 1e-12;
    /**
     * Float64 DTRIV against the authors' float64 run with their own {@code expm32}: that exponential keeps its
     * float32 Padé thresholds in float64, so its B carries a truncation error (here 9.9e-11, giving 1.8e-10
     * in h); dtriv.md §9 compares float64 implementations with the reference at atol 1e-9.
     */
    static final double TOL_DTRIV_F64_EXPM32 = 1e-9;

    static Path fixture(String name) {
        try {
            var url = ReferenceWeightsTest.class.getResource("/weights/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource /weights/" + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, INDArray> state(String name) {
        return Npz.read(fixture(name + ".state.npz"));
    }

    static Map<String, INDArray> io(String name) {
        return Npz.read(fixture(name + ".io.npz"));
    }

    static double scalar(Map<String, INDArray> io, String key) {
        return io.get(key).getDouble(0);
    }

    static MomentumCell momentumCell(Base.Kind kind, int d, int h, Map<String, INDArray> io, DataType type) {
        return MomentumCell.builder().base(kind, d, h).config(ReferenceCompat.config().withSeed(777)).dataType(type)
                .mu(scalar(io, "mu")).stepSize(scalar(io, "epsilon")).build();
    }

    static double maxAbs(INDArray a, INDArray b) {
        assertEquals(List.of(toList(b.shape())), List.of(toList(a.shape())), "shape");
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    private static List<Long> toList(long[] s) {
        List<Long> l = new ArrayList<>();
        for (long v : s) {
            l.add(v);
        }
        return l;
    }

    /** Max abs error of the cell's time-major outputs vs {@code gold}, over both layer paths. */
    static double runError(RecurrentCell cell, INDArray x, INDArray gold) {
        double err = 0;
        for (RecurrentLayer.Path path : new RecurrentLayer.Path[] {RecurrentLayer.Path.GENERIC, RecurrentLayer.Path.FUSED}) {
            RecurrentLayer layer = RecurrentLayer.builder(cell).timeMajor(true).path(path).build();
            SequenceOutput out = layer.forward(Tensor.constant(x.castTo(cell.dataType())));
            assertEquals(cell.dataType(), out.output().dataType());
            err = Math.max(err, maxAbs(out.output().value(), gold));
        }
        return err;
    }

    static void assertWithin(String what, double err, double tol) {
        System.out.printf("reference weights %-55s max abs error %.3e (tol %.0e)%n", what, err, tol);
        assertTrue(err <= tol, what + ": max abs error " + err + " > " + tol);
    }

    // ---------------------------------------------------------------------------------------------
    // parity with the authors' outputs
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void momentumLstmFixtureReproducesTheAuthorsOutputs(DataType type) {
        Map<String, INDArray> io = io("mnist_momentum_lstm");
        Map<String, INDArray> sd = state("mnist_momentum_lstm");
        assertEquals(Scheme.MNIST_TIMIT, ReferenceWeights.detect(sd, "rnn."));
        MomentumCell cell = momentumCell(Base.Kind.LSTM, 3, 5, io, type);
        ReferenceWeights.importInto(cell, sd, "rnn.");
        assertEquals(type, cell.parameters().get("W").dataType());
        boolean f32 = type == DataType.FLOAT;
        double err = runError(cell, io.get("X"), io.get(f32 ? "h_f32" : "h_f64"));
        assertWithin("MomentumLSTMCell (mnist-timit) " + type, err, f32 ? TOL_F32 : TOL_F64);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void momentumDtrivFixtureReproducesTheAuthorsOutputs(DataType type) {
        Map<String, INDArray> io = io("mnist_momentum_dtriv");
        Map<String, INDArray> sd = state("mnist_momentum_dtriv");
        assertTrue(sd.containsKey("rnn.recurrent_kernel._B"));
        assertTrue(sd.get("rnn.recurrent_kernel.A").amaxNumber().doubleValue() > 0.1, "non-zero A");
        assertTrue(sd.get("rnn.recurrent_kernel.base").castTo(DataType.DOUBLE).sub(Nd4j.eye(4).castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue() > 0.3, "non-identity base");
        assertTrue(scalar(io, "margin") > 1e-4, "fixture keeps away from modReLU kinks");
        assertEquals(Scheme.DTRIV, ReferenceWeights.detect(sd, "rnn."));
        MomentumCell cell = momentumCell(Base.Kind.DTRIV, 2, 4, io, type);
        ReferenceWeights.importInto(cell, sd, "rnn.");
        assertEquals(0.0, maxAbs(cell.buffers().get("base"), sd.get("rnn.recurrent_kernel.base").castTo(type)));
        if (type == DataType.FLOAT) {
            assertWithin("OrthogonalMomentumRNN (DTRIV) FLOAT", runError(cell, io.get("X"), io.get("h_f32")), TOL_F32);
        } else {
            // the authors' module with an exact exponential: rounding only
            assertWithin("OrthogonalMomentumRNN (DTRIV) DOUBLE vs exact-exp run",
                    runError(cell, io.get("X"), io.get("h_f64_exact")), TOL_F64);
            // the authors' expm32 in float64 keeps float32 Pade thresholds (truncation ~1e-10, dtriv.md §9)
            assertWithin("OrthogonalMomentumRNN (DTRIV) DOUBLE vs expm32 run",
                    runError(cell, io.get("X"), io.get("h_f64")), TOL_DTRIV_F64_EXPM32);
        }
        INDArray h = io.get("h_f64");
        long zeros = 0;
        for (double v : h.dup('c').data().asDouble()) {
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 0 && zeros < h.length(), "modReLU both active and inactive in the fixture");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void ptbMomentumLstmFixtureReproducesTheAuthorsOutputs(DataType type) {
        Map<String, INDArray> io = io("ptb_momentum_lstm");
        Map<String, INDArray> sd = state("ptb_momentum_lstm");
        assertEquals(Scheme.PTB, ReferenceWeights.detect(sd, ""));
        MomentumCell cell = momentumCell(Base.Kind.LSTM, 4, 3, io, type);
        ReferenceWeights.importInto(cell, sd, "");
        boolean f32 = type == DataType.FLOAT;
        double err = runError(cell, io.get("X"), io.get(f32 ? "h_f32" : "h_f64"));
        assertWithin("PTB MomentumLSTM " + type, err, f32 ? TOL_F32 : TOL_F64);
        if (!f32) {
            SequenceOutput out = RecurrentLayer.builder(cell).timeMajor(true).build()
                    .forward(Tensor.constant(io.get("X").castTo(type)));
            double e = 0;
            for (String slot : List.of("h", "c", "v")) {
                INDArray gold = io.get(slot + "_end");           // [1, B, G]
                e = Math.max(e, maxAbs(out.finalState().get(slot).value(), gold.reshape(gold.size(1), gold.size(2))));
            }
            assertWithin("PTB MomentumLSTM final (h, c, v) DOUBLE", e, TOL_F64);
        }
    }

    /** The weight-drop layout of ptb/model_momentum.py: rnns.{l}.module.weight_hh_raw etc. */
    @Test
    void ptbWeightDropNamesAreAccepted() {
        Map<String, INDArray> io = io("ptb_momentum_lstm");
        Map<String, INDArray> sd = state("ptb_momentum_lstm");
        Map<String, INDArray> dropped = new LinkedHashMap<>();
        dropped.put("encoder.weight", Nd4j.zeros(DataType.FLOAT, 7, 4));     // other modules: not this cell's business
        for (var e : sd.entrySet()) {
            String name = e.getKey().equals("weight_hh") ? "weight_hh_raw" : e.getKey();
            dropped.put("rnns.0.module." + name, e.getValue());
        }
        MomentumCell plain = momentumCell(Base.Kind.LSTM, 4, 3, io, DataType.DOUBLE);
        ReferenceWeights.importInto(plain, sd, "");
        MomentumCell wd = momentumCell(Base.Kind.LSTM, 4, 3, io, DataType.DOUBLE);
        ReferenceWeights.importInto(wd, dropped, "rnns.0.");
        assertSameParameters(plain, wd);
        assertWithin("PTB MomentumLSTM weight-drop names DOUBLE", runError(wd, io.get("X"), io.get("h_f64")), TOL_F64);
        // plain names under a layer prefix also work
        Map<String, INDArray> layered = new LinkedHashMap<>();
        sd.forEach((k, v) -> layered.put("rnns.2." + k, v));
        MomentumCell l2 = momentumCell(Base.Kind.LSTM, 4, 3, io, DataType.DOUBLE);
        ReferenceWeights.importInto(l2, layered, "rnns.2.");
        assertSameParameters(plain, l2);

        Map<String, INDArray> both = new LinkedHashMap<>(dropped);
        both.put("rnns.0.module.weight_hh", sd.get("weight_hh"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(momentumCell(Base.Kind.LSTM, 4, 3, io, DataType.DOUBLE), both, "rnns.0."));
        assertContains(ex, "weight_hh_raw", "rnns.0.module.weight_hh");
        Map<String, INDArray> mixed = new LinkedHashMap<>(dropped);
        mixed.remove("rnns.0.module.bias_hh");
        mixed.put("rnns.0.bias_hh", sd.get("bias_hh"));
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(momentumCell(Base.Kind.LSTM, 4, 3, io, DataType.DOUBLE), mixed, "rnns.0."));
        assertContains(ex, "mix", "weight-drop");
    }

    /** The mnist.py wrapper: rnn.* + lin.* (+ permutation) into a one-layer SequenceModel, logits compared. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void mnistModelsReproduceTheAuthorsLogits(DataType type) {
        for (String name : List.of("mnist_momentum_lstm", "mnist_momentum_dtriv")) {
            Map<String, INDArray> io = io(name);
            Map<String, INDArray> sd = state(name);
            assertTrue(sd.containsKey("permutation"));
            boolean dtriv = name.contains("dtriv");
            INDArray x = io.get("X");                                      // [T, B, d]
            int d = (int) x.size(2);
            int h = (int) io.get("h_f64").size(2);
            SequenceModel model = model(dtriv ? Base.Kind.DTRIV : Base.Kind.LSTM, d, h, io, type);
            ReferenceWeights.importModel(model, sd);
            INDArray xb = x.permute(1, 0, 2).dup('c').castTo(type);        // batch-major for the model
            Batch batch = new Batch(xb, null, new Target.Labels(new int[(int) xb.size(0)], 10));
            INDArray logits = model.forward(batch).value();
            boolean f32 = type == DataType.FLOAT;
            String gold = f32 ? "logits_f32" : dtriv ? "logits_f64_exact" : "logits_f64";
            assertWithin(name + " model logits " + type + " vs " + gold, maxAbs(logits, io.get(gold)), f32 ? TOL_F32 : TOL_F64);
            if (dtriv && !f32) {
                assertWithin(name + " model logits DOUBLE vs logits_f64 (expm32)", maxAbs(logits, io.get("logits_f64")),
                        TOL_DTRIV_F64_EXPM32);
            }

            Map<String, INDArray> back = ReferenceWeights.exportModel(model);
            List<String> expectedKeys = new ArrayList<>(sd.keySet());
            expectedKeys.remove("permutation");
            expectedKeys.remove("rnn.recurrent_kernel._B");
            assertEquals(expectedKeys, new ArrayList<>(back.keySet()), "export keys in state_dict order");
            if (f32) {
                for (String k : expectedKeys) {                            // float32 in, float32 out: the same bits
                    assertBitIdentical(k, sd.get(k), back.get(k));
                }
            }
        }
    }

    static SequenceModel model(Base.Kind kind, int d, int h, Map<String, INDArray> io, DataType type) {
        ModelConfig.Layer layer = new ModelConfig.Layer(kind, h,
                new DriveSpec.Momentum(scalar(io, "mu"), scalar(io, "epsilon")), ReferenceCompat.config());
        return new SequenceModel(ModelConfig.single(d, layer, ModelConfig.Head.LAST_STEP, 10, type, 99));
    }

    // ---------------------------------------------------------------------------------------------
    // round trips
    // ---------------------------------------------------------------------------------------------

    static DriveCell randomCell(Base.Kind kind, int d, int h, DataType type, long seed) {
        CellConfig cfg = CellConfig.defaults().withSeed(seed).withSkewInit(CellConfig.SkewInit.HENAFF);
        return MomentumCell.builder().base(kind, d, h).config(cfg).dataType(type).mu(0.3).stepSize(0.9).build();
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void exportImportRoundTripIsBitIdentical(DataType type) {
        Object[][] cases = {
            {Base.Kind.LSTM, Scheme.MNIST_TIMIT}, {Base.Kind.LSTM, Scheme.PTB},
            {Base.Kind.VANILLA, Scheme.MNIST_TIMIT}, {Base.Kind.VANILLA, Scheme.PTB}, {Base.Kind.DTRIV, Scheme.DTRIV}};
        for (Object[] c : cases) {
            Base.Kind kind = (Base.Kind) c[0];
            Scheme scheme = (Scheme) c[1];
            DriveCell src = randomCell(kind, 3, 5, type, 1);
            if (src.base() instanceof org.momentumrnn4j.cell.DtrivBase db) {
                db.rebase();                                                  // non-identity base ...
                src.parameters().get("P").value().assign(Nd4j.rand(type, 5, 5).subi(0.5));   // ... and a full P
            }
            Map<String, INDArray> exported = ReferenceWeights.export(src, scheme, "rnn.");
            for (var e : exported.entrySet()) {
                assertEquals(type, e.getValue().dataType(), e.getKey());
                String k = e.getKey();
                if (k.endsWith(".bias") || k.endsWith("bias_ih") || k.endsWith("bias_hh") || k.endsWith("nonlinearity.b")) {
                    assertEquals(1, e.getValue().rank(), e.getKey() + " is rank 1");
                }
            }
            assertEquals(scheme, ReferenceWeights.detect(exported, "rnn."));
            DriveCell dst = randomCell(kind, 3, 5, type, 2);
            assertNotEquals(0.0, maxAbs(src.parameters().values().iterator().next().value(),
                    dst.parameters().values().iterator().next().value()));
            ReferenceWeights.importInto(dst, exported, "rnn.");
            assertSameParameters(src, dst);
            Map<String, INDArray> again = ReferenceWeights.export(dst, scheme, "rnn.");
            assertEquals(new ArrayList<>(exported.keySet()), new ArrayList<>(again.keySet()));
            for (String k : exported.keySet()) {
                assertBitIdentical(kind + " " + scheme + " " + k, exported.get(k), again.get(k));
            }
        }
    }

    @Test
    void exportShapesAndNamesFollowTheReference() {
        DriveCell lstm = randomCell(Base.Kind.LSTM, 3, 5, DataType.FLOAT, 1);
        Map<String, INDArray> m = ReferenceWeights.export(lstm, Scheme.MNIST_TIMIT, "");
        assertEquals(List.of("x2h.weight", "x2h.bias", "h2h.weight", "h2h.bias"), new ArrayList<>(m.keySet()));
        assertShape(m.get("x2h.weight"), 20, 3);
        assertShape(m.get("x2h.bias"), 20);
        assertShape(m.get("h2h.weight"), 20, 5);
        assertShape(m.get("h2h.bias"), 20);
        Map<String, INDArray> p = ReferenceWeights.export(lstm, Scheme.PTB, "rnns.0.");
        assertEquals(List.of("rnns.0.weight_ih", "rnns.0.weight_hh", "rnns.0.bias_ih", "rnns.0.bias_hh"),
                new ArrayList<>(p.keySet()));
        DriveCell dt = randomCell(Base.Kind.DTRIV, 2, 4, DataType.DOUBLE, 1);
        Map<String, INDArray> t = ReferenceWeights.export(dt, Scheme.DTRIV, "rnn.");
        assertEquals(List.of("rnn.recurrent_kernel.A", "rnn.recurrent_kernel.base", "rnn.input_kernel.weight",
                "rnn.nonlinearity.b"), new ArrayList<>(t.keySet()));
        assertShape(t.get("rnn.nonlinearity.b"), 4);
        assertShape(t.get("rnn.input_kernel.weight"), 4, 2);
        // a copy, not a view
        t.get("rnn.input_kernel.weight").assign(123);
        assertNotEquals(123.0, dt.parameters().get("W_in").value().getDouble(0, 0));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.export(dt, Scheme.MNIST_TIMIT, ""));
        assertContains(ex, "MNIST_TIMIT", "DTRIV cell");
        assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.export(lstm, Scheme.DTRIV, ""));
    }

    @Test
    void npzRoundTripOfModelAndCell(@TempDir Path dir) {
        for (Base.Kind kind : List.of(Base.Kind.LSTM, Base.Kind.DTRIV)) {
            Map<String, INDArray> io = io("mnist_momentum_lstm");
            SequenceModel a = model(kind, 3, 5, io, DataType.FLOAT);
            a.parameters().values().forEach(t -> t.value().addi(Nd4j.rand(t.dataType(), t.shape()).subi(0.5)));
            a.dtrivBases().forEach(org.momentumrnn4j.cell.DtrivBase::rebase);   // non-identity base, P = 0 ...
            a.dtrivBases().forEach(db -> db.parameters().get("P").value().assign(0.25));   // ... then P again
            Path f = dir.resolve(kind + ".npz");
            ReferenceWeights.exportNpz(a, f);
            SequenceModel b = new SequenceModel(new ModelConfig(3, a.config().layers(), 0.0, ModelConfig.Head.LAST_STEP,
                    10, DataType.FLOAT, 1234));
            ReferenceWeights.importNpz(b, f);
            for (var e : a.parameters().entrySet()) {
                assertBitIdentical(e.getKey(), e.getValue().value(), b.parameters().get(e.getKey()).value());
            }
            for (var e : a.buffers().entrySet()) {
                assertBitIdentical(e.getKey(), e.getValue(), b.buffers().get(e.getKey()));
            }
            // cell-level npz helpers
            Path g = dir.resolve(kind + "-cell.npz");
            Scheme s = kind == Base.Kind.DTRIV ? Scheme.DTRIV : Scheme.PTB;
            ReferenceWeights.exportNpz(a.cells().get(0), s, "rnns.1.", g);
            DriveCell c = randomCell(kind, 3, 5, DataType.FLOAT, 5);
            ReferenceWeights.importNpz(c, g, "rnns.1.");
            assertSameParameters(a.cells().get(0), c);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // errors
    // ---------------------------------------------------------------------------------------------

    @Test
    void wrongShapesNameKeyExpectedAndActual() {
        Map<String, INDArray> sd = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        MomentumCell cell = momentumCell(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT);
        sd.put("rnn.x2h.weight", Nd4j.zeros(DataType.FLOAT, 20, 4));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(cell, sd, "rnn."));
        assertContains(ex, "rnn.x2h.weight", "expected shape [20, 3]", "got [20, 4]");

        Map<String, INDArray> sd2 = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        sd2.put("rnn.h2h.bias", sd2.get("rnn.h2h.bias").reshape(1, 20));     // library shape, not reference shape
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(cell, sd2, "rnn."));
        assertContains(ex, "rnn.h2h.bias", "expected shape [20]", "got [1, 20]");

        // a cell of the wrong size: H = 6
        MomentumCell big = momentumCell(Base.Kind.LSTM, 3, 6, io("mnist_momentum_lstm"), DataType.FLOAT);
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(big, state("mnist_momentum_lstm"), "rnn."));
        assertContains(ex, "rnn.x2h.weight", "expected shape [24, 3]", "got [20, 3]");

        Map<String, INDArray> dt = new LinkedHashMap<>(state("mnist_momentum_dtriv"));
        dt.put("rnn.recurrent_kernel.base", Nd4j.eye(5).castTo(DataType.FLOAT));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(
                momentumCell(Base.Kind.DTRIV, 2, 4, io("mnist_momentum_dtriv"), DataType.FLOAT), dt, "rnn."));
        assertContains(ex, "rnn.recurrent_kernel.base", "expected shape [4, 4]", "got [5, 5]");

        Map<String, INDArray> m = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        m.put("lin.weight", Nd4j.zeros(DataType.FLOAT, 9, 5));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importModel(
                model(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT), m));
        assertContains(ex, "lin.weight", "expected shape [10, 5]", "got [9, 5]");
    }

    @Test
    void missingAndUnknownKeysAreListed() {
        MomentumCell cell = momentumCell(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT);
        Map<String, INDArray> sd = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        sd.remove("rnn.h2h.bias");
        sd.remove("rnn.x2h.bias");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(cell, sd, "rnn."));
        assertContains(ex, "missing keys [rnn.h2h.bias, rnn.x2h.bias]");

        Map<String, INDArray> sd2 = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        sd2.put("rnn.x2h.extra", Nd4j.zeros(DataType.FLOAT, 2));
        sd2.put("rnn.momentum", Nd4j.zeros(DataType.FLOAT, 2));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(cell, sd2, "rnn."));
        assertContains(ex, "unknown keys [rnn.momentum, rnn.x2h.extra]", "expected [rnn.x2h.weight");

        // with the empty prefix the head is not this cell's
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(cell, stripPrefix(state("mnist_momentum_lstm"), "rnn."), ""));
        assertContains(ex, "unknown keys [lin.bias, lin.weight, permutation]");

        Map<String, INDArray> dt = new LinkedHashMap<>(state("mnist_momentum_dtriv"));
        dt.remove("rnn.recurrent_kernel.base");
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(
                momentumCell(Base.Kind.DTRIV, 2, 4, io("mnist_momentum_dtriv"), DataType.FLOAT), dt, "rnn."));
        assertContains(ex, "missing keys [rnn.recurrent_kernel.base]", "optionally [rnn.recurrent_kernel._B]");

        Map<String, INDArray> m = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        m.put("decoder.bias", Nd4j.zeros(DataType.FLOAT, 10));
        m.remove("lin.bias");
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importModel(
                model(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT), m));
        assertContains(ex, "missing keys [lin.bias]", "unknown keys [decoder.bias]");

        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(cell, Map.of(), "rnn."));
        assertContains(ex, "no reference recurrent weights under prefix 'rnn.'");
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(cell, state("mnist_momentum_lstm"), "encoder."));
        assertContains(ex, "no key starts with it");
    }

    @Test
    void cachedBMustAgreeWithBaseTimesExpOfSkewA() {
        Map<String, INDArray> io = io("mnist_momentum_dtriv");
        Map<String, INDArray> good = state("mnist_momentum_dtriv");
        // the authors' float32 _B, their float64 _B (expm32), an exact float64 _B, and no _B are all accepted
        Map<String, INDArray> f64 = new LinkedHashMap<>(good);
        f64.put("rnn.recurrent_kernel._B", io.get("B_f64"));
        Map<String, INDArray> exact = new LinkedHashMap<>(good);
        exact.put("rnn.recurrent_kernel._B", io.get("B_f64_exact"));
        Map<String, INDArray> none = new LinkedHashMap<>(good);
        none.remove("rnn.recurrent_kernel._B");
        for (Map<String, INDArray> sd : List.of(good, f64, exact, none)) {
            MomentumCell cell = momentumCell(Base.Kind.DTRIV, 2, 4, io, DataType.FLOAT);
            ReferenceWeights.importInto(cell, sd, "rnn.");
            assertWithin("DTRIV with/without _B FLOAT", runError(cell, io.get("X"), io.get("h_f32")), TOL_F32);
        }
        // a stale _B: one entry off by 1e-3, or the base alone (as right after a rebase with A then changed)
        INDArray bad = good.get("rnn.recurrent_kernel._B").dup();
        bad.putScalar(1, 2, bad.getDouble(1, 2) + 1e-3);
        for (INDArray b : List.of(bad, good.get("rnn.recurrent_kernel.base"))) {
            Map<String, INDArray> sd = new LinkedHashMap<>(good);
            sd.put("rnn.recurrent_kernel._B", b);
            MomentumCell cell = momentumCell(Base.Kind.DTRIV, 2, 4, io, DataType.FLOAT);
            Map<String, INDArray> before = ReferenceWeights.export(cell, Scheme.DTRIV, "");
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> ReferenceWeights.importInto(cell, sd, "rnn."));
            assertContains(ex, "rnn.recurrent_kernel._B", "disagrees with base·exp(S(A))", "float64", "tolerance 1e-05");
            Map<String, INDArray> after = ReferenceWeights.export(cell, Scheme.DTRIV, "");
            for (String k : before.keySet()) {
                assertBitIdentical("unchanged after a failed import: " + k, before.get(k), after.get(k));
            }
        }
        // wrong _B shape
        Map<String, INDArray> sd = new LinkedHashMap<>(good);
        sd.put("rnn.recurrent_kernel._B", Nd4j.eye(3).castTo(DataType.FLOAT));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(
                momentumCell(Base.Kind.DTRIV, 2, 4, io, DataType.FLOAT), sd, "rnn."));
        assertContains(ex, "rnn.recurrent_kernel._B", "expected shape [4, 4]", "got [3, 3]");
    }

    @Test
    void schemeMismatchNonFiniteAndNonFloatingArraysAreRejected() {
        MomentumCell lstm = momentumCell(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(lstm, state("mnist_momentum_dtriv"), "rnn."));
        assertContains(ex, "scheme DTRIV", "LSTM-type cell");
        MomentumCell dtriv = momentumCell(Base.Kind.DTRIV, 3, 5, io("mnist_momentum_dtriv"), DataType.FLOAT);
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(dtriv, state("mnist_momentum_lstm"), "rnn."));
        assertContains(ex, "scheme MNIST_TIMIT", "DTRIV cell");

        Map<String, INDArray> mix = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        mix.put("rnn.weight_ih", Nd4j.zeros(DataType.FLOAT, 20, 3));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(lstm, mix, "rnn."));
        assertContains(ex, "mix naming schemes");

        Map<String, INDArray> nan = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        INDArray w = nan.get("rnn.h2h.weight").dup();
        w.putScalar(3, 1, Float.NaN);
        nan.put("rnn.h2h.weight", w);
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(lstm, nan, "rnn."));
        assertContains(ex, "rnn.h2h.weight", "non-finite");

        Map<String, INDArray> ints = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        ints.put("rnn.x2h.bias", Nd4j.zeros(DataType.INT64, 20));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importInto(lstm, ints, "rnn."));
        assertContains(ex, "rnn.x2h.bias", "floating-point", "LONG");

        Map<String, INDArray> perm = new LinkedHashMap<>(state("mnist_momentum_lstm"));
        perm.put("permutation", Nd4j.zeros(DataType.FLOAT, 6));
        ex = assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.importModel(
                model(Base.Kind.LSTM, 3, 5, io("mnist_momentum_lstm"), DataType.FLOAT), perm));
        assertContains(ex, "permutation", "integer vector");

        ModelConfig.Layer layer = new ModelConfig.Layer(Base.Kind.LSTM, 5, new DriveSpec.Plain(), ReferenceCompat.config());
        SequenceModel two = new SequenceModel(new ModelConfig(3, List.of(layer, layer), 0.0, ModelConfig.Head.LAST_STEP,
                10, DataType.FLOAT, 1));
        ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importModel(two, state("mnist_momentum_lstm")));
        assertContains(ex, "one recurrent cell", "2 layers");
        assertThrows(IllegalArgumentException.class, () -> ReferenceWeights.exportModel(two));
    }

    @Test
    void vanillaCellsUseTheSameNames() {
        DriveCell v = PlainCell.builder().vanilla(3, 4).config(ReferenceCompat.config()).dataType(DataType.DOUBLE).build();
        Map<String, INDArray> sd = new LinkedHashMap<>();
        sd.put("x2h.weight", Nd4j.rand(DataType.DOUBLE, 4, 3));
        sd.put("x2h.bias", Nd4j.rand(DataType.DOUBLE, 4));
        sd.put("h2h.weight", Nd4j.rand(DataType.DOUBLE, 4, 4));
        sd.put("h2h.bias", Nd4j.rand(DataType.DOUBLE, 4));
        ReferenceWeights.importInto(v, sd, "");
        assertBitIdentical("U", sd.get("h2h.weight"), v.parameters().get("U").value());
        assertBitIdentical("b_x", sd.get("x2h.bias").reshape(1, 4), v.parameters().get("b_x").value());
        sd.put("x2h.weight", Nd4j.rand(DataType.DOUBLE, 16, 3));             // LSTM-sized: rejected
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ReferenceWeights.importInto(v, sd, ""));
        assertContains(ex, "x2h.weight", "expected shape [4, 3]", "got [16, 3]");
    }

    // ---------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------

    static Map<String, INDArray> stripPrefix(Map<String, INDArray> sd, String prefix) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        sd.forEach((k, val) -> m.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, val));
        return m;
    }

    static void assertSameParameters(RecurrentCell a, RecurrentCell b) {
        assertEquals(a.parameters().keySet(), b.parameters().keySet());
        for (String k : a.parameters().keySet()) {
            assertBitIdentical(k, a.parameters().get(k).value(), b.parameters().get(k).value());
        }
        for (String k : a.buffers().keySet()) {
            assertBitIdentical(k, a.buffers().get(k), b.buffers().get(k));
        }
    }

    static void assertBitIdentical(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType(), what + " data type");
        assertEquals(List.of(toList(expected.shape())), List.of(toList(actual.shape())), what + " shape");
        double[] e = expected.dup('c').data().asDouble();
        double[] a = actual.dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
                    what + " differs at flat index " + i + ": " + e[i] + " vs " + a[i]);
        }
    }

    static void assertShape(INDArray a, long... shape) {
        assertEquals(List.of(toList(shape)), List.of(toList(a.shape())));
    }

    static void assertContains(Throwable t, String... parts) {
        String msg = t.getMessage();
        for (String p : parts) {
            assertTrue(msg != null && msg.contains(p), "message lacks '" + p + "': " + msg);
        }
    }
}
