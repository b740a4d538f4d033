package org.momentumrnn4j.sequence;

import java.util.Arrays;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.StateSpec;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One inference step of a {@link DriveCell} without autograd and with no allocation but the returned state: the
 * fast path of {@link Streamer}. Two direct GEMM calls per step on buffers bound once ({@link StepGemm}: the input
 * drive {@code x·Wᵀ} and the recurrent product {@code h·Uᵀ} or {@code h·B}; they stay separate because the
 * momentum family filters only the input drive), the pointwise math of the fused sweep on heap {@code double[]}s
 * (the same row methods; float32-accurate rational tanh/sigmoid for float32 cells), and one small array per state
 * slot for the result. It computes the function of the cell's own step, which the tests hold it to.
 *
 * <p>Parameters are copied when the kernel is created (and DTRIV's {@code B} evaluated): create a new streamer
 * after training changes them. Not thread-safe: one kernel per thread. {@link #close()} frees the per-batch native
 * buffers and op contexts at once (the parameter copies are shared with {@link #withBatch} kernels and freed by
 * {@link #closeParameters()}).
 */
final class StreamKernel implements AutoCloseable {
    private final DriveCell cell;
    private final Base.Kind kind;
    private final DriveSpec drive;
    private final CellConfig.Activation activation;
    private final StateSpec spec;
    private final DataType type;
    private final int batch;
    private final int in;
    private final int hidden;
    private final int gates;
    private final boolean fast;

    private final INDArray xNd;        // [B, F]
    private final INDArray hNd;        // [B, H]
    private final INDArray gNd;        // [B, G]
    private final INDArray rNd;        // [B, G]
    private final INDArray w;          // W [G, F] (DTRIV: W_in [H, F])
    private final INDArray rec;        // U [G, H] (DTRIV: B [H, H])
    private final StepGemm inputGemm;
    private final StepGemm recurrentGemm;
    private final HeapTransfer.View xView;
    private final HeapTransfer.View hView;
    private final HeapTransfer.View gView;
    private final HeapTransfer.View rView;
    private final double[] bx;         // b_x [G] (DTRIV: modReLU bias [H])
    private final double[] bh;         // b_h [G] (null for DTRIV)
    private final double[] x;
    private final double[] h;
    private final double[] c;
    private final double[] v;
    private final double[] m;
    private final double[] g;
    private final double[] r;
    private final double[] a;
    private int counter;               // the restart counter of the state in h, c, v, m

    /** A kernel for {@code cell}'s current parameters (copied) and {@code batch} streams. */
    StreamKernel(DriveCell cell, int batch) {
        this(cell, batch, copyW(cell), copyRec(cell), HeapTransfer.readAll(cell.base().parameters()
                .get(cell.base().kind() == Base.Kind.DTRIV ? "b" : "b_x").value()),
                cell.base().kind() == Base.Kind.DTRIV ? null : HeapTransfer.readAll(cell.base().parameters().get("b_h").value()));
    }

    /** The same parameters for another batch size. */
    StreamKernel withBatch(int newBatch) {
        return new StreamKernel(cell, newBatch, w, rec, bx, bh);
    }

    private static INDArray copyW(DriveCell cell) {
        return cell.base().parameters().get(cell.base().kind() == Base.Kind.DTRIV ? "W_in" : "W").value().dup('c');
    }

    private static INDArray copyRec(DriveCell cell) {
        return cell.base().kind() == Base.Kind.DTRIV ? ((DtrivBase) cell.base()).currentKernel().dup('c')
                                                     : cell.base().parameters().get("U").value().dup('c');
    }

    private StreamKernel(DriveCell cell, int batch, INDArray w, INDArray rec, double[] bx, double[] bh) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        Base base = cell.base();
        this.cell = cell;
        this.kind = base.kind();
        this.drive = cell.driveSpec();
        this.activation = cell.config().vanillaActivation();
        this.spec = cell.stateSpec();
        this.type = cell.dataType();
        this.batch = batch;
        this.in = cell.inputSize();
        this.hidden = cell.hiddenSize();
        this.gates = kind == Base.Kind.LSTM ? 4 * hidden : hidden;
        this.fast = type == DataType.FLOAT;
        boolean dtriv = kind == Base.Kind.DTRIV;
        this.w = w;
        this.rec = rec;
        this.bx = bx;
        this.bh = bh;
        this.xNd = Nd4j.createUninitialized(type, batch, in);
        this.hNd = Nd4j.createUninitialized(type, batch, hidden);
        this.gNd = Nd4j.createUninitialized(type, batch, gates);
        this.rNd = Nd4j.createUninitialized(type, batch, gates);
        this.inputGemm = new StepGemm(xNd, w, gNd, true);                      // x·Wᵀ
        this.recurrentGemm = new StepGemm(hNd, rec, rNd, !dtriv);              // h·Uᵀ or h·B
        this.xView = HeapTransfer.view(xNd);
        this.hView = HeapTransfer.view(hNd);
        this.gView = HeapTransfer.view(gNd);
        this.rView = HeapTransfer.view(rNd);
        this.x = new double[batch * in];
        this.h = new double[batch * hidden];
        this.c = new double[batch * hidden];
        this.v = new double[batch * gates];
        this.m = new double[batch * gates];
        this.g = new double[batch * gates];
        this.r = new double[batch * gates];
        this.a = new double[batch * gates];
    }

    int batch() {
        return batch;
    }

    /** Frees this kernel's per-batch buffers and GEMM contexts; the copied parameters stay (see {@link #withBatch}). */
    @Override
    public void close() {
        inputGemm.close();
        recurrentGemm.close();
        for (INDArray buffer : new INDArray[] {xNd, hNd, gNd, rNd}) {
            if (!buffer.wasClosed()) {
                buffer.close();
            }
        }
    }

    /** Frees the copied parameters; call after {@link #close()} of the last kernel that uses them. */
    void closeParameters() {
        for (INDArray p : new INDArray[] {w, rec}) {
            if (!p.wasClosed()) {
                p.close();
            }
        }
    }

    /** One step from {@code state} ({@code x [batch, in]}); returns {@code h_t} and the next state. */
    Streamer.Step step(INDArray input, CellState state) {
        requireInput(input);
        load(state);
        advance(input);
        CellState next = snapshot();
        return new Streamer.Step(next.get(0).value(), next);                   // h_t is the new state's h slot
    }

    private void requireInput(INDArray input) {
        if (input.rank() != 2 || input.size(0) != batch || input.size(1) != in) {
            throw new IllegalArgumentException("x must be [batch " + batch + ", input " + in + "], got "
                    + Arrays.toString(input.shape()));
        }
    }

    /** Copies {@code state} into the kernel's heap state (h, c, v, m and the restart counter). */
    void load(CellState state) {
        if (state.batchSize() != batch) {
            throw new IllegalArgumentException("state batch must be " + batch + ", got " + state.batchSize());
        }
        int slot = 0;
        HeapTransfer.read(state.get(slot++).value(), h, 0);
        if (kind == Base.Kind.LSTM) {
            HeapTransfer.read(state.get(slot++).value(), c, 0);
        }
        if (!(drive instanceof DriveSpec.Plain)) {
            HeapTransfer.read(state.get(slot++).value(), v, 0);
            if (drive instanceof DriveSpec.Adam) {
                HeapTransfer.read(state.get(slot++).value(), m, 0);
            }
        }
        counter = state.counter();
    }

    /** {@code h_t} written into {@code into} ({@code [batch, hidden]} of the cell's type). */
    INDArray output(INDArray into) {
        HeapTransfer.write(h, 0, into, null);
        return into;
    }

    /** The kernel's current state as new arrays. */
    CellState snapshot() {
        Tensor[] slots = new Tensor[spec.size()];
        int o = 0;
        slots[o++] = Tensor.constant(HeapTransfer.create(h, 0, type, batch, hidden));
        if (kind == Base.Kind.LSTM) {
            slots[o++] = Tensor.constant(HeapTransfer.create(c, 0, type, batch, hidden));
        }
        if (!(drive instanceof DriveSpec.Plain)) {
            slots[o++] = Tensor.constant(HeapTransfer.create(v, 0, type, batch, gates));
            if (drive instanceof DriveSpec.Adam) {
                slots[o++] = Tensor.constant(HeapTransfer.create(m, 0, type, batch, gates));
            }
        }
        return new CellState(spec, slots, counter);
    }

    /** One step of the heap state in place from {@code input} ({@code [batch, in]}, checked). */
    void advance(INDArray input) {
        requireInput(input);
        HeapTransfer.read(input, x, 0);
        xView.write(x, 0);
        inputGemm.run();
        gView.read(g, 0);
        hView.write(h, 0);
        recurrentGemm.run();
        rView.read(r, 0);
        int k = counter;
        int next = k;
        double kappa = 0;
        if (drive instanceof DriveSpec.ScheduledRestart sr) {
            kappa = SRCell.kappa(k);
            next = SRCell.nextCounter(k, sr.restartPeriod());
        }
        for (int b = 0; b < batch; b++) {
            int ob = b * gates;
            int oh = b * hidden;
            if (kind != Base.Kind.DTRIV) {
                FusedSweep.addTo(g, ob, bx, 0, gates);
                FusedSweep.addTo(r, ob, bh, 0, gates);
            }
            driveRow(ob, kappa);
            switch (kind) {
                case LSTM -> {
                    int hh = hidden;
                    Pointwise.sigmoidInPlace(a, ob, ob + 2 * hh, fast);
                    Pointwise.tanhInPlace(a, ob + 2 * hh, ob + 3 * hh, fast);
                    Pointwise.sigmoidInPlace(a, ob + 3 * hh, ob + 4 * hh, fast);
                    FusedSweep.lstmCell(c, oh, a, ob, hh);
                    System.arraycopy(c, oh, h, oh, hh);
                    Pointwise.tanhInPlace(h, oh, oh + hh, fast);
                    FusedSweep.mulInPlace(h, oh, a, ob + 3 * hh, hh);
                }
                case VANILLA -> {
                    System.arraycopy(a, ob, h, oh, hidden);
                    if (activation == CellConfig.Activation.TANH) {
                        Pointwise.tanhInPlace(h, oh, oh + hidden, fast);
                    } else {
                        Pointwise.sigmoidInPlace(h, oh, oh + hidden, fast);
                    }
                }
                case DTRIV -> FusedSweep.modReluRow(a, ob, bx, h, oh, hidden);
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        counter = next;
    }

    /** The drive update of one row: {@code a = filter(g) + r} with the state slots v (and m) updated. */
    private void driveRow(int ob, double kappa) {
        if (drive instanceof DriveSpec.Plain) {
            FusedSweep.sum(a, ob, g, ob, r, ob, gates);
        } else if (drive instanceof DriveSpec.Momentum mo) {
            FusedSweep.momentumScan(g, ob, v, ob, gates, mo.mu(), mo.stepSize());
            FusedSweep.sum(a, ob, g, ob, r, ob, gates);
        } else if (drive instanceof DriveSpec.Adam ad) {
            FusedSweep.adamScan(g, ob, v, ob, m, ob, gates, ad.mu(), ad.stepSize(), ad.beta());
            FusedSweep.sum(a, ob, g, ob, r, ob, gates);
        } else if (drive instanceof DriveSpec.ScheduledRestart sr) {
            if (sr.form() == SrForm.A_PREACTIVATION_NAG) {
                FusedSweep.srAStep(r, ob, g, ob, v, ob, a, ob, gates, sr.stepSize(), kappa);
            } else {
                FusedSweep.momentumScan(g, ob, v, ob, gates, kappa, sr.stepSize());
                FusedSweep.sum(a, ob, g, ob, r, ob, gates);
            }
        } else {
            throw new IllegalStateException(drive.toString());
        }
    }
}
