package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tape;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.dynamics.AdamCell;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.cell.dynamics.RMSPropCell;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused sweep computes the same function as the generic path for every cell of the grid, with masks
 * (prefix and with gaps), carried non-zero initial state and two stacked layers: outputs, final state and the
 * gradients of the input, the initial state and every parameter.
 *
 * <p>Tolerances: float64 1e-12 absolute (both paths evaluate the same expressions in double precision in
 * different order, so differences are rounding, ~1e-15 here); float32 1e-5 relative to the largest magnitude
 * of the compared tensor (the generic path's pointwise math rounds to float32 at every op, ~6e-8 each, the
 * fused path's only around its GEMMs). The fused path runs with each per-step GEMM strategy of the loaded build
 * ({@link StepGemm.Strategy}) and with the batch in 1, 2 and 3 slices ({@link BatchSplitSweep}; with 3, every
 * row is its own sweep on its own thread, with its own mask), and with the input-side products as GEMMs and,
 * for these narrow inputs (widths 3 and 4), as sums in Java ({@code FusedSweep.narrowInputMax}).
 */
class FusedVsGenericTest {
    static final double TOL_F64 = 1e-12;
    static final double TOL_F32 = 1e-5;

    static List<DriveCell> grid(int d, int h, DataType type) {
        List<DriveCell> cells = new ArrayList<>(org.momentumrnn4j.testing.CellGrid.of(d, h, type, 5, 4));
        // the vanilla base with the reference's sigmoid too
        cells.add(MomentumCell.builder().vanilla(d, h).config(CellConfig.defaults().withVanillaActivation(
                CellConfig.Activation.SIGMOID)).dataType(type).mu(0.5).stepSize(0.8).build());
        return cells;
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            List<DriveCell> cells = grid(3, 4, type);
            List<DriveCell> upper = grid(4, 5, type);
            long seed = 1000;
            for (List<DriveCell> layer : List.of(cells, upper)) {
                // no parameter all zero: the initializers leave biases at 0, which would hide a dropped bias
                for (DriveCell c : layer) {
                    for (Tensor p : c.parameters().values()) {
                        if (p.value().amaxNumber().doubleValue() == 0.0) {
                            p.value().assign(gaussian(seed++, type, p.value().shape()).muli(0.5));
                        }
                    }
                }
            }
            for (int i = 0; i < cells.size(); i++) {
                a.add(Arguments.of(type + " " + cells.get(i), cells.get(i), upper.get(i)));
            }
        }
        return a.stream();
    }

    static INDArray gaussian(long seed, DataType type, long... shape) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextGaussian());
        }
        return x.castTo(type);
    }

    /** Everything a run produces, by name. */
    static Map<String, INDArray> run(List<RecurrentLayer> layers, INDArray x, SequenceMask mask,
                                     List<INDArray[]> initValues) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Tensor xt = Tensor.param(x.dup());
        List<CellState> init = new ArrayList<>();
        List<Tensor> initTensors = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            RecurrentCell cell = layers.get(l).cell();
            INDArray[] vals = initValues.get(l);
            Tensor[] slots = new Tensor[vals.length];
            for (int i = 0; i < vals.length; i++) {
                slots[i] = Tensor.param(vals[i].dup());
                initTensors.add(slots[i]);
            }
            init.add(new CellState(cell.stateSpec(), slots, 2));
        }
        for (RecurrentLayer layer : layers) {
            layer.cell().parameters().values().forEach(Tensor::zeroGrad);
        }
        try (Tape tape = Tape.open()) {
            StackedRecurrent stack = new StackedRecurrent(layers);
            StackedRecurrent.Output o = stack.forward(xt, mask, init);
            Tensor loss = Ops.sum(Ops.mul(o.output(), Tensor.constant(gaussian(77, x.dataType(), o.output().shape()))));
            int n = 0;
            for (CellState s : o.finalStates()) {
                for (int i = 0; i < s.spec().size(); i++) {
                    Tensor f = s.get(i);
                    loss = Ops.add(loss, Ops.sum(Ops.mul(f, Tensor.constant(gaussian(100 + n++, x.dataType(), f.shape())))));
                }
            }
            tape.backward(loss);
            out.put("Y", o.output().value().dup());
            for (int l = 0; l < layers.size(); l++) {
                CellState s = o.finalStates().get(l);
                for (int i = 0; i < s.spec().size(); i++) {
                    out.put("final " + l + " " + s.spec().slots().get(i).name(), s.get(i).value().dup());
                }
                out.put("k " + l, Nd4j.scalar(s.counter()));
            }
        }
        out.put("dX", xt.grad());
        for (int i = 0; i < initTensors.size(); i++) {
            out.put("dInit " + i, initTensors.get(i).grad());
        }
        for (int l = 0; l < layers.size(); l++) {
            for (Map.Entry<String, Tensor> e : layers.get(l).cell().parameters().entrySet()) {
                out.put("d" + e.getKey() + " " + l, e.getValue().grad().dup());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fusedEqualsGeneric(String name, DriveCell cell, DriveCell upper) {
        DataType type = cell.dataType();
        int batch = 3;
        int steps = 7;
        INDArray x = gaussian(1, type, batch, steps, 3);
        INDArray gaps = Nd4j.create(new double[][] {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 0, 1, 1, 0, 1}, {1, 0, 0, 0, 0, 0, 0}});
        SequenceMask[] masks = {null, SequenceMask.fromLengths(new int[] {7, 5, 2}, steps), SequenceMask.of(gaps)};
        List<INDArray[]> init = new ArrayList<>();
        long seed = 10;
        for (DriveCell c : List.of(cell, upper)) {
            INDArray[] v = new INDArray[c.stateSpec().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = gaussian(seed++, type, batch, c.stateSpec().slots().get(i).width()).muli(0.5);
                if (c.stateSpec().slots().get(i).name().equals("m")) {
                    v[i] = v[i].muli(v[i]);                                    // a second moment is ≥ 0
                }
            }
            init.add(v);
        }
        double worst = 0;
        for (SequenceMask mask : masks) {
            Map<String, INDArray> g = run(List.of(
                    RecurrentLayer.builder(cell).path(RecurrentLayer.Path.GENERIC).build(),
                    RecurrentLayer.builder(upper).path(RecurrentLayer.Path.GENERIC).build()), x, mask, init);
            // the step GEMM's strategies, the oneDNN one also with its weight copied transposed first (forLoop), and
            // the column-block one (which always transposes first)
            for (int variant = 0; variant < 4; variant++) {
                StepGemm.Strategy strategy = variant == 0 ? StepGemm.Strategy.CBLAS
                        : variant == 3 ? StepGemm.Strategy.CBLAS_SPLIT : StepGemm.Strategy.OP_CONTEXT;
                if (strategy != StepGemm.Strategy.OP_CONTEXT && !StepGemm.cblasAvailable()) {
                    continue;
                }
                boolean pretranspose = variant >= 2;
                for (int slices = 1; slices <= batch; slices++) {                 // 2 slices: rows 0 | 1-2; 3: one row each
                    Map<String, INDArray> f;
                    int minCalls = StepGemm.pretransposeMinCalls;
                    StepGemm.override = strategy;
                    StepGemm.splitMnkOverride = 40;                   // CBLAS_SPLIT: blocks of 1-3 columns here
                    StepGemm.pretransposeMinCalls = pretranspose ? 0 : Integer.MAX_VALUE;
                    BatchSplitSweep.override = slices;
                    FusedSweep.adamSegmentSteps = variant == 1 ? 2 : 0;   // Adam backward: 4 segments of T = 7 steps
                    FusedSweepFloat.adamSegmentSteps = FusedSweep.adamSegmentSteps;
                    // inputs of width 3 and 4 take the narrow-input path (Java sums) except in variant 1 (GEMMs)
                    int narrowMax = FusedSweep.narrowInputMax;
                    FusedSweep.narrowInputMax = variant == 1 ? 0 : narrowMax;
                    FusedSweepFloat.narrowInputMax = FusedSweep.narrowInputMax;
                    try {
                        f = run(List.of(
                                RecurrentLayer.builder(cell).path(RecurrentLayer.Path.FUSED).build(),
                                RecurrentLayer.builder(upper).path(RecurrentLayer.Path.FUSED).build()), x, mask, init);
                    } finally {
                        StepGemm.override = null;
                        StepGemm.splitMnkOverride = 0;
                        StepGemm.pretransposeMinCalls = minCalls;
                        BatchSplitSweep.override = null;
                        FusedSweep.adamSegmentSteps = 0;
                        FusedSweepFloat.adamSegmentSteps = 0;
                        FusedSweep.narrowInputMax = narrowMax;
                        FusedSweepFloat.narrowInputMax = narrowMax;
                    }
                    assertEquals(g.keySet(), f.keySet());
                    for (String key : g.keySet()) {
                        INDArray a = g.get(key).castTo(DataType.DOUBLE);
                        INDArray b = f.get(key).castTo(DataType.DOUBLE);
                        double diff = a.sub(b).amaxNumber().doubleValue();
                        double err = type == DataType.DOUBLE ? diff : diff / Math.max(a.amaxNumber().doubleValue(), 1e-30);
                        worst = Math.max(worst, err);
                        double tol = type == DataType.DOUBLE ? TOL_F64 : TOL_F32;
                        assertTrue(err <= tol, name + " mask " + mask + ", step GEMM " + strategy
                                + (pretranspose ? " (weight transposed first)" : "") + ", " + slices
                                + " batch slices: " + key + " differs by " + err + " > " + tol);
                    }
                }
            }
        }
        System.out.printf("fused-vs-generic %-75s worst %s %.2e%n", name,
                type == DataType.DOUBLE ? "abs" : "rel", worst);
    }
}
