package org.momentumrnn4j.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.dynamics.AdamCell;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.momentumrnn4j.sequence.RecurrentLayer;
import org.momentumrnn4j.sequence.SequenceOutput;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parity with the authors' PyTorch cells: every case of every {@code *.json} file in
 * {@code $MOMENTUMRNN_GOLDEN_DIR} (default: the test-resources copy of shared/golden/reference-cells.json),
 * schema in shared/golden/README.md. Per step h, c, v (p for SR form A), s (= m) and k; the loss; every
 * {@code dL_dh_t}; every gradient key present; PTB cases segment by segment with carried state and the
 * counter restarting per segment. Sizes, lengths, hyper-parameters and restart periods are read from the
 * file. Tolerance: 1e-10 absolute in float64 (the file's own cross-check agrees to ≤ 4e-15, so 1e-10 leaves
 * room for summation-order differences only). A float32 pass uses 1e-5 absolute, the golden README's
 * float32 tolerance (observed float32 deviations there ≤ 2e-6).
 */
class ReferenceParityTest {
    static final double TOL_F64 = 1e-10;
    static final double TOL_F32 = 1e-5;
    private static final Set<String> KINDS = Set.of("lstm", "rnn", "mom", "adam", "nag");
    private static final Set<String> STEP_KEYS = Set.of("t", "h", "c", "v", "s", "k");
    private static final Set<String> SEGMENT_KEYS = Set.of("t_range", "outputs", "h_end", "c_end", "v_end", "s_end");
    private static final Set<String> GRAD_KEYS = Set.of("x2h.weight", "x2h.bias", "h2h.weight", "h2h.bias",
            "input_kernel.weight", "modrelu.b", "recurrent_kernel.A");

    @TestFactory
    Stream<DynamicTest> everyCaseOfEveryGoldenFile() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : GoldenFile.files()) {
            GoldenFile file = GoldenFile.read(p);
            List<?> cases = (List<?>) file.root.get("cases");
            if (cases == null || cases.isEmpty()) {
                fail(p + " has no cases");
            }
            for (Object c : cases) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cs = (Map<String, Object>) c;
                for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                    String name = p.getFileName() + " " + cs.get("name") + " " + type;
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        double err = runCase(file, cs, type);
                        double tol = type == DataType.DOUBLE ? TOL_F64 : TOL_F32;
                        System.out.printf("parity %-60s max abs error %.3e (tol %.0e)%n", name, err, tol);
                        assertTrue(err <= tol, name + ": max abs error " + err + " > " + tol);
                    }));
                }
            }
        }
        return tests.stream();
    }

    /**
     * The same golden cases through {@link RecurrentLayer}, on both the generic and the fused path: per-step
     * outputs, final states, loss and every parameter gradient (intermediate {@code dL_dh_t} are not
     * observable inside the fused operation; the step-level test above checks them). PTB cases run as
     * segments, each a layer call with the carried (detached) state.
     */
    @TestFactory
    Stream<DynamicTest> everyCaseThroughTheLayer() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : GoldenFile.files()) {
            GoldenFile file = GoldenFile.read(p);
            for (Object c : (List<?>) file.root.get("cases")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cs = (Map<String, Object>) c;
                for (RecurrentLayer.Path path : new RecurrentLayer.Path[] {RecurrentLayer.Path.GENERIC,
                        RecurrentLayer.Path.FUSED}) {
                    String name = p.getFileName() + " " + cs.get("name") + " layer " + path;
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        double err = runThroughLayer(file, cs, path);
                        System.out.printf("parity %-60s max abs error %.3e (tol %.0e)%n", name, err, TOL_F64);
                        assertTrue(err <= TOL_F64, name + ": max abs error " + err + " > " + TOL_F64);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    static double runThroughLayer(GoldenFile file, Map<String, Object> cs, RecurrentLayer.Path path) {
        DataType type = DataType.DOUBLE;
        DriveCell cell = cellFor(file, cs, type);
        RecurrentLayer layer = RecurrentLayer.builder(cell).path(path).timeMajor(true).build();
        Map<String, Object> w = (Map<String, Object>) file.root.get("weights");
        INDArray x = GoldenFile.array(w.get("X"), type);                  // [T, B, D] time-major
        double err = 0;
        if (cs.containsKey("segments")) {
            CellState state = null;
            for (Object so : (List<Object>) cs.get("segments")) {
                Map<String, Object> seg = (Map<String, Object>) so;
                List<?> range = (List<?>) seg.get("t_range");
                int from = ((Number) range.get(0)).intValue();
                int to = ((Number) range.get(1)).intValue();
                INDArray xs = x.get(NDArrayIndex.interval(from - 1, to), NDArrayIndex.all(), NDArrayIndex.all()).dup();
                SequenceOutput out = layer.forward(Tensor.constant(xs), null, state == null ? null : state.detach());
                state = out.finalState();
                err = Math.max(err, maxAbs(out.output().value(), GoldenFile.array(seg.get("outputs"), type)));
                for (String key : List.of("h", "c", "v", "s")) {
                    Object gold = seg.get(key + "_end");
                    if (gold != null) {
                        err = Math.max(err, maxAbs(state.get(slotFor(key, cell)).value(), GoldenFile.array(gold, type)));
                    }
                }
            }
            return err;
        }
        INDArray readout = GoldenFile.array(w.get("readout"), type);
        int steps = (int) x.size(0);
        int batch = (int) x.size(1);
        INDArray readAll = readout.reshape(1, 1, readout.length()).broadcast(steps, batch, readout.length()).dup();
        List<Object> goldSteps = (List<Object>) cs.get("steps");
        try (Tape tape = Tape.open()) {
            SequenceOutput out = layer.forward(Tensor.constant(x), null, null);
            Tensor loss = Ops.sum(Ops.mul(out.output(), Tensor.constant(readAll)));
            tape.backward(loss);
            err = Math.abs(loss.value().getDouble(0) - ((Number) cs.get("loss")).doubleValue());
            for (int t = 0; t < steps; t++) {
                Map<String, Object> g = (Map<String, Object>) goldSteps.get(t);
                err = Math.max(err, maxAbs(out.output().value().get(NDArrayIndex.point(t), NDArrayIndex.all(),
                        NDArrayIndex.all()), GoldenFile.array(g.get("h"), type)));
            }
            Map<String, Object> last = (Map<String, Object>) goldSteps.get(steps - 1);
            for (String key : last.keySet()) {
                if (!key.equals("t") && !key.equals("k")) {
                    err = Math.max(err, maxAbs(out.finalState().get(slotFor(key, cell)).value(),
                            GoldenFile.array(last.get(key), type)));
                }
            }
        }
        Map<String, Object> grads = (Map<String, Object>) cs.get("grads");
        for (Map.Entry<String, Object> e : grads.entrySet()) {
            Tensor p = cell.parameters().get(PARAM_NAMES.get(e.getKey()));
            if (p == null) {
                throw new AssertionError("unrecognised gradient key '" + e.getKey() + "'");
            }
            INDArray gold = GoldenFile.array(e.getValue(), type);
            err = Math.max(err, maxAbs(p.grad().reshape(gold.shape()), gold));
        }
        return err;
    }

    private static final Map<String, String> PARAM_NAMES = Map.of("x2h.weight", "W", "x2h.bias", "b_x",
            "h2h.weight", "U", "h2h.bias", "b_h", "input_kernel.weight", "W_in", "modrelu.b", "b",
            "recurrent_kernel.A", "P");

    /** Builds the cell a case describes; throws on anything unrecognised. */
    @SuppressWarnings("unchecked")
    static DriveCell cellFor(GoldenFile file, Map<String, Object> cs, DataType type) {
        String kind = (String) cs.get("kind");
        String source = (String) cs.get("source");
        if (!KINDS.contains(kind)) {
            throw new AssertionError("unrecognised case kind '" + kind + "' in " + cs.get("name"));
        }
        Map<String, Object> w = (Map<String, Object>) file.root.get("weights");
        Map<String, Object> hyper = (Map<String, Object>) cs.getOrDefault("hyper", Map.of());
        boolean dtriv = source.endsWith("orthogonal.py");
        boolean ptb = source.startsWith("ptb/");
        if (!dtriv && !source.endsWith("momentumnet.py")) {
            throw new AssertionError("unrecognised source '" + source + "' in " + cs.get("name"));
        }
        INDArray wx = GoldenFile.array(w.get(dtriv ? "W_in" : "W_x"), type);
        int d = (int) wx.size(1);
        int h = dtriv ? (int) wx.size(0) : (int) wx.size(0) / 4;
        Base.Kind baseKind = dtriv ? Base.Kind.DTRIV : Base.Kind.LSTM;
        CellConfig cfg = ReferenceCompat.config();
        double mu = num(hyper, "mu", 0);
        double s = num(hyper, "s", 1);
        DriveCell cell = switch (kind) {
            case "lstm", "rnn" -> PlainCell.builder().base(baseKind, d, h).config(cfg).dataType(type).build();
            case "mom" -> MomentumCell.builder().base(baseKind, d, h).config(cfg).dataType(type)
                    .mu(mu).stepSize(s).build();
            case "adam" -> AdamCell.builder().base(baseKind, d, h).config(cfg).dataType(type)
                    .mu(mu).stepSize(s).beta(num(hyper, "beta", Double.NaN)).build();
            case "nag" -> SRCell.builder().base(baseKind, d, h).config(cfg).dataType(type)
                    .form(dtriv || ptb ? SrForm.B_TIME_VARYING_MOMENTUM : SrForm.A_PREACTIVATION_NAG)
                    .stepSize(s)
                    .restartPeriod((int) (hyper.containsKey("restart") ? num(hyper, "restart", 0)
                            : ((Number) cs.get("restart")).longValue()))
                    .build();
            default -> throw new AssertionError(kind);
        };
        for (String key : hyper.keySet()) {
            if (!Set.of("mu", "s", "beta", "restart").contains(key)) {
                throw new AssertionError("unrecognised hyper-parameter '" + key + "' in " + cs.get("name"));
            }
        }
        Map<String, Tensor> params = cell.parameters();
        if (dtriv) {
            params.get("W_in").value().assign(wx);
            params.get("b").value().assign(GoldenFile.array(w.get("modrelu_b"), type).reshape(1, h));
            params.get("P").value().assign(0);
            cell.buffers().get("base").assign(GoldenFile.array(w.get("B_orth"), type));
        } else {
            params.get("W").value().assign(wx);
            params.get("b_x").value().assign(GoldenFile.array(w.get("b_x"), type).reshape(1, 4L * h));
            params.get("U").value().assign(GoldenFile.array(w.get("U_h"), type));
            params.get("b_h").value().assign(GoldenFile.array(w.get("b_h"), type).reshape(1, 4L * h));
        }
        return cell;
    }

    private static double num(Map<String, Object> m, String k, double dflt) {
        Object v = m.get(k);
        return v == null ? dflt : ((Number) v).doubleValue();
    }

    /** Maps a golden state key to the cell's slot name. */
    private static String slotFor(String key, DriveCell cell) {
        return switch (key) {
            case "h" -> "h";
            case "c" -> "c";
            case "v" -> cell.stateSpec().indexOf("p") >= 0 ? "p" : "v";   // SR form A stores p as v
            case "s" -> "m";
            default -> throw new AssertionError("unrecognised state key '" + key + "'");
        };
    }

    @SuppressWarnings("unchecked")
    static double runCase(GoldenFile file, Map<String, Object> cs, DataType type) {
        DriveCell cell = cellFor(file, cs, type);
        Map<String, Object> w = (Map<String, Object>) file.root.get("weights");
        INDArray x = GoldenFile.array(w.get("X"), type);      // [T, B, D] time-major
        int steps = (int) x.size(0);
        int batch = (int) x.size(1);
        double err = 0;
        if (cs.containsKey("segments")) {
            return runSegments(cell, cs, x);
        }
        if (!cs.containsKey("steps")) {
            throw new AssertionError("case " + cs.get("name") + " has neither 'steps' nor 'segments'");
        }
        INDArray readout = GoldenFile.array(w.get("readout"), type);
        readout = readout.reshape(readout.length(), 1);
        List<Object> goldSteps = (List<Object>) cs.get("steps");
        assertEquals(steps, goldSteps.size(), "steps in case vs X");
        List<Tensor> hs = new ArrayList<>();
        try (Tape tape = Tape.open()) {
            CellState state = cell.initialState(batch);
            RecurrentCell.Stepper stepper = cell.begin();
            Tensor loss = null;
            Tensor ro = Tensor.constant(readout);
            for (int t = 0; t < steps; t++) {
                Map<String, Object> g = (Map<String, Object>) goldSteps.get(t);
                int kUsed = state.counter();
                StepResult r = stepper.step(Tensor.constant(x.get(NDArrayIndex.point(t), NDArrayIndex.all(),
                        NDArrayIndex.all()).dup()), state);
                state = r.state();
                hs.add(r.output());
                for (Map.Entry<String, Object> e : g.entrySet()) {
                    String key = e.getKey();
                    if (!STEP_KEYS.contains(key)) {
                        throw new AssertionError("unrecognised step key '" + key + "'");
                    }
                    if (key.equals("t")) {
                        assertEquals(t + 1, ((Number) e.getValue()).intValue());
                    } else if (key.equals("k")) {
                        assertEquals(((Number) e.getValue()).intValue(), kUsed, "k at step " + (t + 1));
                    } else {
                        err = Math.max(err, maxAbs(state.get(slotFor(key, cell)).value(),
                                GoldenFile.array(e.getValue(), type)));
                    }
                }
                Tensor term = Ops.sum(Ops.matmul(r.output(), ro));
                loss = loss == null ? term : Ops.add(loss, term);
            }
            tape.backward(loss);
            err = Math.max(err, Math.abs(loss.value().getDouble(0) - ((Number) cs.get("loss")).doubleValue()));
            INDArray dh = GoldenFile.array(cs.get("dL_dh_t"), type);
            for (int t = 0; t < steps; t++) {
                err = Math.max(err, maxAbs(hs.get(t).grad(), dh.get(NDArrayIndex.point(t), NDArrayIndex.all(),
                        NDArrayIndex.all())));
            }
        }
        Map<String, Object> grads = (Map<String, Object>) cs.get("grads");
        Map<String, Tensor> params = cell.parameters();
        Map<String, String> names = PARAM_NAMES;
        for (Map.Entry<String, Object> e : grads.entrySet()) {
            if (!GRAD_KEYS.contains(e.getKey())) {
                throw new AssertionError("unrecognised gradient key '" + e.getKey() + "'");
            }
            Tensor p = params.get(names.get(e.getKey()));
            if (p == null) {
                throw new AssertionError("gradient key '" + e.getKey() + "' does not belong to " + cell);
            }
            INDArray gold = GoldenFile.array(e.getValue(), type);
            err = Math.max(err, maxAbs(p.grad().reshape(gold.shape()), gold));
        }
        return err;
    }

    @SuppressWarnings("unchecked")
    private static double runSegments(DriveCell cell, Map<String, Object> cs, INDArray x) {
        double err = 0;
        int batch = (int) x.size(1);
        CellState state = cell.initialState(batch);
        boolean first = true;
        for (Object so : (List<Object>) cs.get("segments")) {
            Map<String, Object> seg = (Map<String, Object>) so;
            for (String key : seg.keySet()) {
                if (!SEGMENT_KEYS.contains(key)) {
                    throw new AssertionError("unrecognised segment key '" + key + "'");
                }
            }
            List<?> range = (List<?>) seg.get("t_range");
            int from = ((Number) range.get(0)).intValue();
            int to = ((Number) range.get(1)).intValue();
            if (!first) {
                state = cell.startSegment(state.detach());
            }
            first = false;
            INDArray outs = GoldenFile.array(seg.get("outputs"), x.dataType());
            RecurrentCell.Stepper stepper = cell.begin();
            for (int t = from; t <= to; t++) {
                StepResult r = stepper.step(Tensor.constant(x.get(NDArrayIndex.point(t - 1L),
                        NDArrayIndex.all(), NDArrayIndex.all()).dup()), state);
                state = r.state();
                err = Math.max(err, maxAbs(r.output().value(), outs.get(NDArrayIndex.point(t - from),
                        NDArrayIndex.all(), NDArrayIndex.all())));
            }
            for (String key : List.of("h", "c", "v", "s")) {
                Object gold = seg.get(key + "_end");
                if (gold != null) {
                    INDArray g = GoldenFile.array(gold, x.dataType());
                    err = Math.max(err, maxAbs(state.get(slotFor(key, cell)).value(),
                            g.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all())));
                }
            }
        }
        return err;
    }

    static double maxAbs(INDArray a, INDArray b) {
        if (a == null) {
            throw new AssertionError("missing gradient");
        }
        if (a.length() != b.length()) {
            throw new AssertionError("shape " + Arrays.toString(a.shape()) + " vs golden " + Arrays.toString(b.shape()));
        }
        INDArray bb = b.reshape(a.shape()).castTo(a.dataType());
        return a.castTo(DataType.DOUBLE).sub(bb.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
