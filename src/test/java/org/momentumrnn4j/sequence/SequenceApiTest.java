package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.momentumrnn4j.sequence.FusedVsGenericTest.gaussian;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.GradientCheck;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.Init;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.StateSpec;
import org.momentumrnn4j.cell.StepResult;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SequenceApiTest {

    /** A user-written cell: a gated leaky unit h' = (1 − z) h + z tanh(W x + U h), z = σ(w_z x + u_z h + b). */
    static final class LeakyGatedCell implements RecurrentCell {
        private final int in;
        private final int hidden;
        private final Map<String, Tensor> params = new LinkedHashMap<>();
        private final StateSpec spec;

        LeakyGatedCell(int in, int hidden) {
            this.in = in;
            this.hidden = hidden;
            java.util.Random r = new java.util.Random(3);
            params.put("W", Tensor.param(Init.normal(hidden, in, 0.5, r, DataType.DOUBLE)));
            params.put("U", Tensor.param(Init.normal(hidden, hidden, 0.5, r, DataType.DOUBLE)));
            params.put("Wz", Tensor.param(Init.normal(hidden, in, 0.5, r, DataType.DOUBLE)));
            params.put("Uz", Tensor.param(Init.normal(hidden, hidden, 0.5, r, DataType.DOUBLE)));
            params.put("bz", Tensor.param(Init.normal(1, hidden, 0.5, r, DataType.DOUBLE)));
            spec = new StateSpec(List.of(new StateSpec.Slot("h", hidden)), false);
        }

        @Override public int inputSize() { return in; }
        @Override public int hiddenSize() { return hidden; }
        @Override public StateSpec stateSpec() { return spec; }
        @Override public DataType dataType() { return DataType.DOUBLE; }
        @Override public Map<String, Tensor> parameters() { return params; }

        @Override
        public StepResult step(Tensor x, CellState state) {
            Tensor h = state.h();
            Tensor z = Ops.sigmoid(Ops.add(Ops.linear(x, params.get("Wz"), params.get("bz")),
                    Ops.linear(h, params.get("Uz"), null)));
            Tensor cand = Ops.tanh(Ops.add(Ops.linear(x, params.get("W"), null), Ops.linear(h, params.get("U"), null)));
            Tensor hn = Ops.add(h, Ops.mul(z, Ops.sub(cand, h)));
            return new StepResult(hn, new CellState(spec, new Tensor[] {hn}, state.counter()));
        }
    }

    @Test
    void aUserWrittenCellUnrollsAndDifferentiates() {
        LeakyGatedCell cell = new LeakyGatedCell(2, 3);
        RecurrentLayer layer = RecurrentLayer.of(cell);
        INDArray x = gaussian(4, DataType.DOUBLE, 2, 5, 2);
        SequenceMask mask = SequenceMask.fromLengths(new int[] {5, 3}, 5);
        INDArray w = gaussian(5, DataType.DOUBLE, 2, 5, 3);
        List<Tensor> ps = new ArrayList<>(cell.parameters().values());
        GradientCheck.create().check(() -> Ops.sum(Ops.mul(layer.forward(Tensor.constant(x), mask, null).output(),
                Tensor.constant(w))), ps).requirePassed(GradientCheck.DEFAULT_TOLERANCE);
        SequenceOutput o = Tape.noGrad(() -> layer.forward(Tensor.constant(x), mask, null));
        assertArrayEquals(new long[] {2, 5, 3}, o.output().shape());
    }

    @Test
    void paddedStepsKeepStateOutputZeroAndPassNoGradient() {
        for (RecurrentLayer.Path path : RecurrentLayer.Path.values()) {
            MomentumCell cell = MomentumCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).build();
            RecurrentLayer layer = RecurrentLayer.builder(cell).path(path).build();
            INDArray x = gaussian(6, DataType.DOUBLE, 2, 6, 2);
            SequenceMask mask = SequenceMask.fromLengths(new int[] {6, 2}, 6);
            Tensor xt = Tensor.param(x);
            SequenceOutput full;
            try (Tape tape = Tape.open()) {
                full = layer.forward(xt, mask, null);
                tape.backward(Ops.sum(Ops.mul(full.output(), Tensor.constant(gaussian(7, DataType.DOUBLE, 2, 6, 3)))));
            }
            INDArray y = full.output().value();
            assertEquals(0.0, y.get(point(1), interval(2, 6), all()).amaxNumber().doubleValue(), 0, path + ": zero output");
            assertEquals(0.0, xt.grad().get(point(1), interval(2, 6), all()).amaxNumber().doubleValue(), 0,
                    path + ": no gradient into padded steps");
            assertTrue(xt.grad().get(point(1), interval(0, 2), all()).amaxNumber().doubleValue() > 0);
            // the final state of sample 1 is its state after step 2: run the first two steps alone
            SequenceOutput two = Tape.noGrad(() -> layer.forward(Tensor.constant(x.get(interval(1, 2), interval(0, 2), all()).dup())));
            for (String slot : List.of("h", "c", "v")) {
                assertArrayEquals(two.finalState().get(slot).value().data().asDouble(),
                        full.finalState().get(slot).value().get(interval(1, 2), all()).dup().data().asDouble(), 1e-14,
                        path + " " + slot);
            }
        }
    }

    @Test
    void carriedStateEqualsOneLongRunAndTbpttWithAFullWindowEqualsBackprop() {
        MomentumCell cell = MomentumCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).build();
        RecurrentLayer layer = RecurrentLayer.of(cell);
        INDArray x = gaussian(8, DataType.DOUBLE, 2, 8, 2);
        SequenceOutput whole = Tape.noGrad(() -> layer.forward(Tensor.constant(x)));
        SequenceOutput a = Tape.noGrad(() -> layer.forward(Tensor.constant(x.get(all(), interval(0, 5), all()).dup())));
        SequenceOutput b = Tape.noGrad(() -> layer.forward(Tensor.constant(x.get(all(), interval(5, 8), all()).dup()),
                null, a.finalState().detach()));
        assertArrayEquals(whole.finalState().h().value().data().asDouble(), b.finalState().h().value().data().asDouble(), 1e-14);
        assertArrayEquals(whole.output().value().get(all(), interval(5, 8), all()).dup().data().asDouble(),
                b.output().value().data().asDouble(), 1e-14);

        // TBPTT with window = T gives exactly the full gradient; with window 3 the sum of per-window gradients
        INDArray w = gaussian(9, DataType.DOUBLE, 2, 8, 3);
        Map<String, INDArray> full = gradients(cell, () -> Ops.sum(Ops.mul(layer.forward(Tensor.constant(x)).output(),
                Tensor.constant(w))));
        cell.parameters().values().forEach(Tensor::zeroGrad);
        List<Double> losses = new ArrayList<>();
        TruncatedBptt.run(layer, x, null, null, 8, (out, from, to) -> Ops.sum(Ops.mul(out.output(),
                Tensor.constant(w.get(all(), interval(from, to), all()).dup()))), (f, t, l) -> losses.add(l));
        assertEquals(1, losses.size());
        for (String name : full.keySet()) {
            assertArrayEquals(full.get(name).data().asDouble(), cell.parameters().get(name).grad().data().asDouble(), 1e-13);
        }
        cell.parameters().values().forEach(Tensor::zeroGrad);
        losses.clear();
        TruncatedBptt.run(layer, x, null, null, 3, (out, from, to) -> Ops.sum(Ops.mul(out.output(),
                Tensor.constant(w.get(all(), interval(from, to), all()).dup()))), (f, t, l) -> losses.add(l));
        assertEquals(3, losses.size());
        // manual truncation: windows [0,3) [3,6) [6,8), detached in between
        Map<String, INDArray> manual = new LinkedHashMap<>();
        CellState s = null;
        for (int[] win : new int[][] {{0, 3}, {3, 6}, {6, 8}}) {
            final CellState s0 = s;
            try (Tape tape = Tape.open()) {
                SequenceOutput o = layer.forward(Tensor.constant(x.get(all(), interval(win[0], win[1]), all()).dup()), null, s0);
                cell.parameters().values().forEach(Tensor::zeroGrad);
                tape.backward(Ops.sum(Ops.mul(o.output(), Tensor.constant(w.get(all(), interval(win[0], win[1]), all()).dup()))));
                for (var e : cell.parameters().entrySet()) {
                    manual.merge(e.getKey(), e.getValue().grad().dup(), INDArray::add);
                }
                s = o.finalState().detach();
            }
        }
        // TbpttRun accumulated into the (not zeroed between windows) leaves: same sum
        cell.parameters().values().forEach(Tensor::zeroGrad);
        TruncatedBptt.run(layer, x, null, null, 3, (out, from, to) -> Ops.sum(Ops.mul(out.output(),
                Tensor.constant(w.get(all(), interval(from, to), all()).dup()))), (f, t, l) -> { });
        for (String name : manual.keySet()) {
            assertArrayEquals(manual.get(name).data().asDouble(), cell.parameters().get(name).grad().data().asDouble(), 1e-13);
            assertTrue(manual.get(name).sub(full.get(name)).amaxNumber().doubleValue() > 1e-6,
                    "truncation changes the gradient of " + name);
        }
    }

    private static Map<String, INDArray> gradients(RecurrentCell cell, java.util.function.Supplier<Tensor> loss) {
        cell.parameters().values().forEach(Tensor::zeroGrad);
        try (Tape tape = Tape.open()) {
            tape.backward(loss.get());
        }
        Map<String, INDArray> g = new LinkedHashMap<>();
        cell.parameters().forEach((k, v) -> g.put(k, v.grad().dup()));
        return g;
    }

    @Test
    void srCounterIsCarriedByDefaultAndRestartsPerSegmentInReferenceMode() {
        for (CellConfig.CounterScope scope : CellConfig.CounterScope.values()) {
            SRCell cell = SRCell.builder().lstm(1, 2).form(SrForm.B_TIME_VARYING_MOMENTUM).restartPeriod(0)
                    .config(CellConfig.defaults().withCounterScope(scope)).dataType(DataType.DOUBLE).build();
            RecurrentLayer layer = RecurrentLayer.of(cell);
            INDArray x = gaussian(10, DataType.DOUBLE, 1, 4, 1);
            SequenceOutput a = Tape.noGrad(() -> layer.forward(Tensor.constant(x)));
            assertEquals(5, a.finalState().counter());
            SequenceOutput b = Tape.noGrad(() -> layer.forward(Tensor.constant(x), null, a.finalState().detach()));
            assertEquals(scope == CellConfig.CounterScope.CARRIED ? 9 : 5, b.finalState().counter(), scope.toString());
        }
    }

    @Test
    void timeMajorOptionMatchesBatchMajor() {
        MomentumCell cell = MomentumCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).build();
        INDArray x = gaussian(11, DataType.DOUBLE, 2, 5, 2);
        SequenceOutput bm = Tape.noGrad(() -> RecurrentLayer.of(cell).forward(Tensor.constant(x)));
        SequenceOutput tm = Tape.noGrad(() -> RecurrentLayer.builder(cell).timeMajor(true).build()
                .forward(Tensor.constant(x.permute(1, 0, 2).dup())));
        assertArrayEquals(new long[] {5, 2, 3}, tm.output().shape());
        assertArrayEquals(bm.output().value().data().asDouble(), tm.output().value().permute(1, 0, 2).dup().data().asDouble(), 0);
    }

    @Test
    void streamingEqualsTheLayer() {
        for (var cell : List.of(MomentumCell.builder().lstm(2, 4).build(),
                SRCell.builder().dtriv(2, 4).form(SrForm.B_TIME_VARYING_MOMENTUM).build())) {
            INDArray x = gaussian(12, DataType.FLOAT, 3, 6, 2);
            SequenceOutput o = Tape.noGrad(() -> RecurrentLayer.of(cell).forward(Tensor.constant(x)));
            Streamer st = Streamer.of(cell);
            CellState s = st.initialState(3);
            try (Tape tape = Tape.open()) {
                for (int t = 0; t < 6; t++) {
                    Streamer.Step r = st.step(x.get(all(), point(t), all()).dup(), s);
                    s = r.state();
                    INDArray ref = o.output().value().get(all(), point(t), all());
                    assertTrue(r.output().sub(ref).amaxNumber().doubleValue() < 1e-5, cell + " step " + t);
                }
                assertEquals(0, tape.size(), "streaming records nothing");
            }
        }
    }

    @Test
    void bidirectionalReadsEachSequenceBackwardsWithinItsLength() {
        PlainCell f = PlainCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).seed(1).build();
        PlainCell b = PlainCell.builder().lstm(2, 3).dataType(DataType.DOUBLE).seed(2).build();
        INDArray x = gaussian(13, DataType.DOUBLE, 2, 4, 2);
        SequenceMask mask = SequenceMask.fromLengths(new int[] {4, 3}, 4);
        Bidirectional bi = new Bidirectional(RecurrentLayer.of(f), RecurrentLayer.of(b), Bidirectional.Merge.CONCAT);
        Bidirectional.Output o = Tape.noGrad(() -> bi.forward(Tensor.constant(x), mask));
        assertArrayEquals(new long[] {2, 4, 6}, o.output().shape());
        // sample 1 (length 3): the backward direction's output at step 0 is b's last output on x reversed
        INDArray rev = Nd4j.create(DataType.DOUBLE, 1, 3, 2);
        for (int t = 0; t < 3; t++) {
            rev.get(point(0), point(t), all()).assign(x.get(point(1), point(2 - t), all()));
        }
        SequenceOutput br = Tape.noGrad(() -> RecurrentLayer.of(b).forward(Tensor.constant(rev)));
        assertArrayEquals(br.output().value().get(point(0), point(2), all()).dup().data().asDouble(),
                o.output().value().get(point(1), point(0), interval(3, 6)).dup().data().asDouble(), 1e-14);
        assertEquals(0.0, o.output().value().get(point(1), point(3), all()).amaxNumber().doubleValue(), 0);
        Bidirectional sum = new Bidirectional(RecurrentLayer.of(f), RecurrentLayer.of(b), Bidirectional.Merge.SUM);
        assertArrayEquals(new long[] {2, 4, 3}, Tape.noGrad(() -> sum.forward(Tensor.constant(x), mask)).output().shape());
        // differentiable end to end
        GradientCheck.create().check(() -> Ops.sum(Ops.mul(bi.forward(Tensor.constant(x), mask).output(),
                Tensor.constant(gaussian(14, DataType.DOUBLE, 2, 4, 6)))), new ArrayList<>(f.parameters().values()))
                .requirePassed(GradientCheck.DEFAULT_TOLERANCE);
    }

    @Test
    void stackedDropoutIsSeededAndOffInEvaluation() {
        List<RecurrentLayer> layers = List.of(RecurrentLayer.of(MomentumCell.builder().lstm(2, 3).build()),
                RecurrentLayer.of(MomentumCell.builder().lstm(3, 3).build()));
        INDArray x = gaussian(15, DataType.FLOAT, 2, 4, 2);
        INDArray a = Tape.noGrad(() -> new StackedRecurrent(layers, 0.5, 1).forward(Tensor.constant(x), null, null)).output().value();
        INDArray b = Tape.noGrad(() -> new StackedRecurrent(layers, 0.5, 1).forward(Tensor.constant(x), null, null)).output().value();
        INDArray c = Tape.noGrad(() -> new StackedRecurrent(layers, 0.5, 1).training(false).forward(Tensor.constant(x), null, null)).output().value();
        INDArray d = Tape.noGrad(() -> new StackedRecurrent(layers).forward(Tensor.constant(x), null, null)).output().value();
        assertEquals(a, b);
        assertEquals(c, d);
        assertTrue(a.sub(c).amaxNumber().doubleValue() > 0);
        assertThrows(IllegalArgumentException.class, () -> new StackedRecurrent(List.of(layers.get(1), layers.get(0))));
    }

    @Test
    void shapeErrorsNameBothShapesAndHintAtTimeMajor() {
        MomentumCell cell = MomentumCell.builder().lstm(3, 4).build();
        RecurrentLayer layer = RecurrentLayer.of(cell);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 5, 7))));
        assertTrue(e1.getMessage().contains("3 features") && e1.getMessage().contains("[2, 5, 7]"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 10, 2, 3)),
                        SequenceMask.fromLengths(new int[] {10, 10}, 10), null));
        assertTrue(e2.getMessage().contains("[batch 10, time 2]") && e2.getMessage().contains("[2, 10]")
                && e2.getMessage().contains("time-major"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 10, 2, 3)), null, cell.initialState(2)));
        assertTrue(e3.getMessage().contains("batch 2") && e3.getMessage().contains("[10, 2, 3]")
                && e3.getMessage().contains("time-major"), e3.getMessage());
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 3))));
        assertTrue(e4.getMessage().contains("[batch, time, features]") && e4.getMessage().contains("[2, 3]"), e4.getMessage());
        IllegalArgumentException e5 = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 5, 3)), null,
                        MomentumCell.builder().lstm(3, 5).build().initialState(2)));
        assertTrue(e5.getMessage().contains("does not belong"), e5.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SequenceMask.fromLengths(new int[] {3, 11}, 10));
        assertThrows(IllegalArgumentException.class, () -> SequenceMask.of(Nd4j.create(new double[][] {{1, 0.5}})));
    }
}
