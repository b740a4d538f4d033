package org.momentumrnn4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The streamer's fused step computes the cell's own step for every cell of the grid: outputs, every state slot
 * and the restart counter over 6 steps from a non-zero state, at batch 3 and then batch 1 (a new kernel with the
 * same parameters). Tolerances as in {@link FusedVsGenericTest}: float64 1e-12 absolute; float32 1e-5 relative to
 * the largest magnitude (the generic step rounds to float32 at every op, the kernel computes in double).
 */
class StreamerFusedTest {
    static Stream<Arguments> cells() {
        List<Arguments> a = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (DriveCell c : FusedVsGenericTest.grid(3, 4, type)) {
                a.add(Arguments.of(c.getClass().getSimpleName() + "/" + c.base().kind() + "/" + c.driveSpec() + "/" + type, c));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void fusedStepEqualsTheCellsStep(String name, DriveCell cell) {
        DataType type = cell.dataType();
        Streamer fused = Streamer.of(cell);
        Streamer generic = Streamer.generic(cell);
        double worst = 0;
        long seed = 100;
        for (int batch : new int[] {3, 1}) {
            Tensor[] init = new Tensor[cell.stateSpec().size()];
            for (int i = 0; i < init.length; i++) {
                INDArray s = FusedVsGenericTest.gaussian(seed++, type, batch, cell.stateSpec().slots().get(i).width()).muli(0.5);
                if (cell.stateSpec().slots().get(i).name().equals("m")) {
                    s = s.muli(s);
                }
                init[i] = Tensor.constant(s);
            }
            CellState sf = new CellState(cell.stateSpec(), init, 1);
            CellState sg = sf;
            for (int t = 0; t < 6; t++) {
                INDArray x = FusedVsGenericTest.gaussian(seed++, type, batch, 3);
                Streamer.Step f = fused.step(x, sf);
                Streamer.Step g = generic.step(x, sg);
                worst = Math.max(worst, compare(name + " output t" + t, g.output(), f.output(), type));
                for (int i = 0; i < init.length; i++) {
                    worst = Math.max(worst, compare(name + " slot " + i + " t" + t, g.state().get(i).value(),
                            f.state().get(i).value(), type));
                }
                assertEquals(g.state().counter(), f.state().counter(), name + " counter");
                sf = f.state();
                sg = g.state();
            }
        }
        System.out.printf("streamer fused-vs-generic %-70s worst %.2e%n", name, worst);
    }

    /**
     * An in-place session gives the streamer's steps: outputs, every state slot and the counter over 6 steps, for
     * the fused kernel and the generic path (float32 within the same tolerance: the session keeps its state in
     * double between steps, the value-returning step rounds it to float32 every step).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void sessionEqualsSteps(String name, DriveCell cell) {
        DataType type = cell.dataType();
        for (boolean fusedPath : new boolean[] {true, false}) {
            Streamer streamer = fusedPath ? Streamer.of(cell) : Streamer.generic(cell);
            long seed = 500;
            Tensor[] init = new Tensor[cell.stateSpec().size()];
            for (int i = 0; i < init.length; i++) {
                INDArray s = FusedVsGenericTest.gaussian(seed++, type, 2, cell.stateSpec().slots().get(i).width()).muli(0.5);
                init[i] = Tensor.constant(cell.stateSpec().slots().get(i).name().equals("m") ? s.muli(s) : s);
            }
            CellState st = new CellState(cell.stateSpec(), init, 2);
            try (Streamer.Session live = streamer.open(st)) {
                INDArray first = null;
                for (int t = 0; t < 6; t++) {
                    INDArray x = FusedVsGenericTest.gaussian(seed++, type, 2, 3);
                    Streamer.Step ref = streamer.step(x, st);
                    INDArray h = live.step(x);
                    if (t == 0) {
                        first = h;
                    }
                    compare(name + " session output t" + t, ref.output(), h, type);
                    CellState now = live.state();
                    for (int i = 0; i < init.length; i++) {
                        compare(name + " session slot " + i + " t" + t, ref.state().get(i).value(), now.get(i).value(), type);
                    }
                    assertEquals(ref.state().counter(), now.counter(), name + " counter");
                    st = ref.state();
                }
                if (fusedPath) {
                    assertTrue(first == live.step(FusedVsGenericTest.gaussian(seed, type, 2, 3)), "the output buffer is reused");
                }
            }
        }
    }

    @Test
    void aClosedSessionRefusesToStep() {
        DriveCell cell = FusedVsGenericTest.grid(3, 4, DataType.FLOAT).get(0);
        try (Streamer s = Streamer.of(cell)) {
            Streamer.Session live = s.open(s.initialState(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> live.step(FusedVsGenericTest.gaussian(1, DataType.FLOAT, 2, 5)));
            assertTrue(e.getMessage().contains("[batch 2, input 3]"), e.getMessage());
            live.close();
            live.close();
            IllegalStateException c = assertThrows(IllegalStateException.class,
                    () -> live.step(FusedVsGenericTest.gaussian(1, DataType.FLOAT, 2, 3)));
            assertTrue(c.getMessage().contains("closed"), c.getMessage());
        }
    }

    private static double compare(String what, INDArray expected, INDArray actual, DataType type) {
        INDArray a = expected.castTo(DataType.DOUBLE);
        INDArray b = actual.castTo(DataType.DOUBLE);
        assertEquals(List.of(a.shape()[0], a.shape()[1]), List.of(b.shape()[0], b.shape()[1]), what + " shape");
        double diff = a.sub(b).amaxNumber().doubleValue();
        double err = type == DataType.DOUBLE ? diff : diff / Math.max(a.amaxNumber().doubleValue(), 1e-30);
        double tol = type == DataType.DOUBLE ? FusedVsGenericTest.TOL_F64 : FusedVsGenericTest.TOL_F32;
        assertTrue(err <= tol, what + " differs by " + err + " > " + tol);
        return err;
    }

    @Test
    void wrongInputShapesAreRejectedWithTheExpectedShape() {
        DriveCell cell = FusedVsGenericTest.grid(3, 4, DataType.FLOAT).get(0);
        Streamer s = Streamer.of(cell);
        CellState st = s.initialState(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.step(FusedVsGenericTest.gaussian(1, DataType.FLOAT, 2, 5), st));
        assertTrue(e.getMessage().contains("[batch 2, input 3]") && e.getMessage().contains("[2, 5]"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> s.step(FusedVsGenericTest.gaussian(1, DataType.FLOAT, 3, 3), st));
        assertTrue(e2.getMessage().contains("state batch must be 3, got 2"), e2.getMessage());
    }

    @Test
    void aClosedStreamerRefusesToStepAndClosingTwiceIsHarmless() {
        DriveCell cell = FusedVsGenericTest.grid(3, 4, DataType.FLOAT).get(0);
        Streamer s = Streamer.of(cell);
        CellState st = s.initialState(2);
        INDArray x = FusedVsGenericTest.gaussian(1, DataType.FLOAT, 2, 3);
        INDArray before = s.step(x, st).output().dup();
        s.close();
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(x, st));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        try (Streamer again = Streamer.of(cell)) {                             // the cell's parameters are untouched
            assertTrue(again.step(x, again.initialState(2)).output().equalsWithEps(before, 0), "same output after close");
        }
    }
}
