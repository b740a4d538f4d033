package org.momentumrnn4j.sequence;

import org.momentumrnn4j.autograd.ArrayPool;
import org.momentumrnn4j.autograd.Context;
import org.momentumrnn4j.autograd.Function;
import org.momentumrnn4j.autograd.OpRegistry;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One recurrent layer over a whole sequence as a single autograd operation, forward and hand-written
 * backward side by side (spec/cells.md §6; shared/perf-notes.md). It computes exactly the function of the
 * generic path (the cell's steps recorded op by op), which the tests hold it to.
 *
 * <p>Shapes (time-major rows {@code r = t·B + b} inside): T steps, B batch, F input width, H hidden, G gate
 * width (4H for the LSTM, H otherwise).
 * <ul>
 *   <li>inputs: {@code x [B, T, F]}, the initial state slots in the cell's order ({@code h [B, H]},
 *       {@code c [B, H]}, {@code v|p [B, G]}, {@code m [B, G]}), then the parameters: LSTM/vanilla
 *       {@code W [G, F], b_x [1, G], U [G, H], b_h [1, H]}; DTRIV {@code W_in [H, F], b [1, H], B [H, H]};</li>
 *   <li>outputs: {@code Y [B, T, H]} (zero at masked steps) and the final state slots.</li>
 * </ul>
 * Algorithm: the input projection of all steps is one GEMM {@code [T·B, F]×[F, G]} (for narrow inputs, F ≤
 * {@link #narrowInputMax}, sums in Java, as are the input-side gradients); the Adam/RMSProp
 * filter is a linear scan over it, the Momentum and SR-B filters advance step by step in the recurrent loop; the recurrent loop does one GEMM
 * {@code [B, H]×[H, G]} per step with the pointwise work in Java loops over heap arrays; weight gradients
 * are one GEMM each after the backward sweep. SR form A keeps its h-dependent state in the loop.
 * This class is the float64 kernel: pointwise arithmetic in double precision on heap {@code double[]}s, GEMMs
 * in float64. {@code FusedSweepFloat}, the float32 kernel, is generated from this source by
 * {@code FloatKernelGenerator} (src/test/java; a test fails when the two differ): the same algorithm on
 * {@code float[]}s with the float32-accurate rational tanh and sigmoid. Write this file with the generator's
 * rules in mind: every floating-point value that enters the arithmetic is a {@code double} (casts written
 * {@code (double)}), heap arrays come from {@link HeapPool#take} and {@link HeapTransfer#readAll}.
 *
 * <p>A masked step (mask 0) leaves every state slot of that sample unchanged and outputs 0; the restart
 * counter k counts time steps for the whole batch.
 */
final class FusedSweep extends Function implements SliceSink {
    static {
        OpRegistry.register("fused_sweep", FusedSweep.class);
        org.momentumrnn4j.runtime.NativeRuntime.configure();
    }

    private final Base.Kind kind;
    private final DriveSpec drive;
    private final CellConfig.Activation activation;
    private final int steps;
    private final int batch;
    private final int in;
    private final int hidden;
    private final int gates;
    private final boolean[] mask;      // [T·B] time-major: step active; null = all active
    private final int firstCounter;
    private final int numSlots;
    private INDArray[] forwardInto;    // destinations of the outputs (SliceSink), or null
    private INDArray[] backwardInto;   // destinations of δx and the initial-state gradients, or null

    FusedSweep(Base.Kind kind, DriveSpec drive, CellConfig.Activation activation, int steps, int batch, int in,
               int hidden, boolean[] mask, int firstCounter, int numSlots) {
        this.kind = kind;
        this.drive = drive;
        this.activation = activation;
        this.steps = steps;
        this.batch = batch;
        this.in = in;
        this.hidden = hidden;
        this.gates = kind == Base.Kind.LSTM ? 4 * hidden : hidden;
        this.mask = mask;
        this.firstCounter = firstCounter;
        this.numSlots = numSlots;
    }

    @Override
    public void writeInto(INDArray[] forwardOutputs, INDArray[] backwardGradients) {
        this.forwardInto = forwardOutputs;
        this.backwardInto = backwardGradients;
    }

    /** Result {@code k}: {@code src[off ..]} written into its destination, or into a new array of {@code shape}. */
    private static INDArray emit(INDArray[] into, int k, double[] src, int off, DataType type, long... shape) {
        INDArray dst = into == null ? null : into[k];
        if (dst == null) {
            return HeapTransfer.create(src, off, type, shape);
        }
        if (!java.util.Arrays.equals(dst.shape(), shape) || dst.dataType() != type) {
            throw new IllegalStateException("destination " + k + " must be " + type + " " + java.util.Arrays.toString(shape)
                    + ", got " + dst.dataType() + " " + java.util.Arrays.toString(dst.shape()));
        }
        HeapTransfer.write(src, off, dst, null);
        return dst;
    }

    @Override
    public String name() {
        return "fused_sweep";
    }

    /** New arrays, unless they are rows of a batch split's arrays ({@link #writeInto}). */
    @Override
    protected boolean freshGradients() {
        return backwardInto == null;
    }

    @Override
    public int numOutputs() {
        return 1 + numSlots;
    }

    private boolean srA() {
        return drive instanceof DriveSpec.ScheduledRestart sr && sr.form() == SrForm.A_PREACTIVATION_NAG;
    }

    private boolean adam() {
        return drive instanceof DriveSpec.Adam;
    }

    private boolean hasDriveState() {
        return !(drive instanceof DriveSpec.Plain);
    }

    /** κ_t for t = 1..T+1 (index t), from the counter the first step uses; κ_{T+1} is not used. */
    private double[] kappas() {
        double[] kappa = new double[steps + 2];
        if (drive instanceof DriveSpec.ScheduledRestart sr) {
            int k = firstCounter;
            for (int t = 1; t <= steps; t++) {
                kappa[t] = (double) SRCell.kappa(k);
                k = SRCell.nextCounter(k, sr.restartPeriod());
            }
        }
        return kappa;
    }

    /** Per-step scan coefficient of v (μ or κ_t) at step t. */
    private double vCoefficient(double[] kappa, int t) {
        if (drive instanceof DriveSpec.Momentum m) {
            return (double) m.mu();
        }
        if (drive instanceof DriveSpec.Adam a) {
            return (double) a.mu();
        }
        return kappa[t];
    }

    private double stepSize() {
        if (drive instanceof DriveSpec.Momentum m) {
            return (double) m.stepSize();
        }
        if (drive instanceof DriveSpec.Adam a) {
            return (double) a.stepSize();
        }
        if (drive instanceof DriveSpec.ScheduledRestart sr) {
            return (double) sr.stepSize();
        }
        return 1.0;
    }

    private boolean active(int t, int b) {
        return mask == null || mask[t * batch + b];
    }

    /** What forward leaves for backward; releasing the tape returns its arrays to the pool. */
    private static final class Saved implements AutoCloseable {
        INDArray xt;          // [T·B, F] time-major input, a view of xtBase
        INDArray xtBase;      // [T, B, F], from ArrayPool
        double[] work;        // [T·B·G] gates (LSTM) / pre-activations (DTRIV) / unused (vanilla); then δ's
        double[] hs;          // [(T+1)·B·H] h_0..h_T
        double[] cs;          // [(T+1)·B·H] c_0..c_T (LSTM)
        double[] g;           // [T·B·G] input drive W x_t, without b_x (Adam)
        double[] v0;          // [B·S·G] v before each segment of adamSegment() steps (Adam: backward recomputes
        double[] m0;          //   v_t, m_t from g_t segment by segment); m likewise
        double[] modBias;     // [H] (DTRIV)
        double[] xs;          // [T·B·F] the (filtered) inputs on the heap, narrow inputs only
        double[][] wCols;     // [F][G] W's columns, narrow inputs only
        double[] bx;          // [G] b_x, added to W x_t where the Adam/RMSProp backward reads g_t
        INDArray w;           // W [G, F]
        INDArray rec;         // U [G, H] or B [H, H]
        double[] kappa;
        Filter filter;        // the Momentum / SR-B filter moved to the inputs (xt then holds x̃), or null

        @Override
        public void close() {
            HeapPool.give(work, hs, cs, g, v0, m0, xs);
            if (xtBase != null) {
                ArrayPool.give(xtBase);
                xtBase = null;
                xt = null;
            }
            work = null;
            hs = null;
            cs = null;
            g = null;
            v0 = null;
            m0 = null;
            xs = null;
        }
    }

    @Override
    protected INDArray[] forward(Context ctx, INDArray[] inputs) {
        final int t0 = 1 + numSlots;
        final INDArray x = inputs[0];
        final DataType type = x.dataType();
        final int bh = batch * hidden;
        final int bg = batch * gates;
        final INDArray w = HeapTransfer.dense(inputs[t0]);
        final boolean dtriv = kind == Base.Kind.DTRIV;
        final INDArray rec = HeapTransfer.dense(inputs[dtriv ? t0 + 2 : t0 + 2]);
        final double[] bxOrModBias = HeapTransfer.readAll(inputs[t0 + 1]);
        final double[] bRec = dtriv ? null : HeapTransfer.readAll(inputs[t0 + 3]);
        final double[] kappa = kappas();
        final double s = stepSize();

        // input drive for all steps: one GEMM [T·B, F] x [F, G]
        INDArray xtBase = ArrayPool.take(type, steps, batch, in).assign(x.permute(1, 0, 2));
        INDArray xt = xtBase.reshape(steps * (long) batch, in);                            // [T·B, F]
        // The Momentum and SR-B filters are linear: v_t = c_t v_{t−1} + s (W x_t + b_x) = s W x̃_t + s κ_t b_x + P_t v_0
        // with x̃_t = c_t x̃_{t−1} + x_t, κ_t = c_t κ_{t−1} + 1, P_t = c_t P_{t−1}. Without a mask (whose inactive steps
        // hold each sample's state) the scan runs over the F-wide inputs instead of the G-wide drive (Filter).
        final Filter filter = (drive instanceof DriveSpec.Momentum
                || (drive instanceof DriveSpec.ScheduledRestart && !srA())) && mask == null ? newFilter(kappa) : null;
        if (filter != null) {
            filter.scanInputs(xt, batch * in);
        }
        double[] work = HeapPool.take(steps * bg);                                       // g, then D, then gates
        // Narrow inputs (F ≤ narrowInputMax; pixel MNIST has F = 1): each drive row is F scaled columns of W,
        // computed in Java where it is needed (the Adam/RMSProp filter computes g_t where it reads it, and its
        // backward recomputes it). A K = F GEMM would write the [T·B, G] drive to native memory only for it to be
        // copied to the heap: two passes over 26 MB per half batch at shape B (RESULTS.md, session 10).
        final boolean narrow = in <= narrowInputMax;
        double[] adamKeep = null;                                                        // Adam: [T·B·G] W x_t, kept
        double[] xs = null;                                                              // [T·B·F] x (or x̃)
        double[][] wCols = null;                                                         // [F][G] W's columns
        if (narrow) {
            xs = HeapPool.take(steps * batch * in);
            HeapTransfer.read(xt, xs, 0);
            wCols = columns(w);
            if (!adam()) {
                inputDrive(work, xs, wCols, filter != null ? s : 1.0);
            }
        } else {
            INDArray gNd = NativeScratch.matrix("gates", type, steps * (long) batch, gates);  // [T·B, G]
            Nd4j.gemm(xt, w, gNd, false, true, filter != null ? s : 1.0, 0.0);              // (filter: s W x̃_t)
            // the Adam/RMSProp filter keeps W x_t for backward: copied there, and read there by the filter's pass
            // (which writes D_t into work), instead of a copy into work and a second copy from the filter's pass
            if (adam() && ctx.isRecording()) {
                adamKeep = HeapPool.take(steps * bg);
                HeapTransfer.read(gNd, adamKeep, 0);
            } else {
                HeapTransfer.read(gNd, work, 0);
            }
        }
        // the bias b_x is added where each drive row is first read, on its copy at offset 0: in the Adam/RMSProp
        // scan, or in the recurrent loop (a pass of its own over [T·B, G] was a scalar loop over rows at offsets)
        final boolean scanFilter = filter == null
                && (drive instanceof DriveSpec.Momentum || (drive instanceof DriveSpec.ScheduledRestart && !srA()));
        final boolean biasInScan = scanFilter && !dtriv;
        final double[] bxAdam = !dtriv && adam() ? bxOrModBias : null;
        final double[] bxLoop = !dtriv && !biasInScan && !adam() ? bxOrModBias : null;     // plain and SR-A

        // initial state
        int slot = 1;
        double[] hs = HeapPool.take((steps + 1) * bh);
        HeapTransfer.read(inputs[slot++], hs, 0);
        double[] cs = null;
        if (kind == Base.Kind.LSTM) {
            cs = HeapPool.take((steps + 1) * bh);
            HeapTransfer.read(inputs[slot++], cs, 0);
        }
        double[] v = null;
        double[] m = null;
        if (hasDriveState()) {
            v = HeapPool.take(bg);                                                          // [B·G] v_0 or p_0
            HeapTransfer.read(inputs[slot++], v, 0);
            if (filter != null) {
                filter.v0Nonzero = anyNonzero(v, bg);
            }
            if (adam()) {
                m = HeapPool.take(bg);                                                      // [B·G] m_0
                HeapTransfer.read(inputs[slot++], m, 0);
            }
        }

        // input filters as linear scans over the drive. Without a mask the Momentum and SR-B filters ran on the inputs
        // (Filter, above). With one they run inside the recurrent loop (driveSumScan), on each sample's v row at
        // offset 0: the drive row is read there anyway, and a pass of its own over the [T·B, G] drive cost a read and
        // a write of it. The Adam/RMSProp filter replaces g_t by D_t here.
        Saved sv = ctx.isRecording() ? new Saved() : null;
        double[][] vRows = null;                                             // per sample (scanFilter)
        if (scanFilter) {
            vRows = new double[batch][gates];       // fresh: pooled rows measured slower (RESULTS.md, session 7)
            for (int b = 0; b < batch; b++) {
                System.arraycopy(v, b * gates, vRows[b], 0, gates);
            }
        } else if (adam()) {
            DriveSpec.Adam a = (DriveSpec.Adam) drive;
            double beta = (double) a.beta();
            double mu = (double) a.mu();
            // Backward needs g_t, v_t and m_t: only g_t is kept, and each sample's v_t, m_t are recomputed there
            // from v_0, m_0 (bit for bit: the same operations), which costs less than writing and reading back
            // two more [T·B·G] arrays (AdamLSTM shape A: 26 MB each way).
            int checkpoints = batch * adamSegments() * gates;
            if (sv != null) {
                sv.v0 = HeapPool.take(checkpoints);
                sv.m0 = HeapPool.take(checkpoints);
            }
            adamForward(work, adamKeep, sv != null ? sv.v0 : null, sv != null ? sv.m0 : null, v, m, bxAdam, mu, s,
                    beta, xs, wCols);
            if (sv != null) {
                sv.g = adamKeep;
            }
        }

        // the recurrent loop
        INDArray hNd = NativeScratch.exact("step.h", type, batch, hidden);                 // [B, H]
        INDArray rNd = NativeScratch.exact("step.r", type, batch, gates);                  // [B, G]
        double[] r = new double[bg];
        double[] a = new double[bg];
        double[] rowG = new double[gates];
        double[] rowR = new double[gates];
        double[] rowP = new double[gates];
        boolean isSrA = srA();
        final boolean fast = type == DataType.FLOAT;
        HeapTransfer.View hView = HeapTransfer.view(hNd);
        HeapTransfer.View rView = HeapTransfer.view(rNd);
        StepGemm recurrent = StepGemm.forLoop(hNd, rec, rNd, !dtriv, steps);             // h·B or h·Uᵀ
        for (int t = 0; t < steps; t++) {
            hView.write(hs, t * bh);
            recurrent.run();
            rView.read(r, 0);
            int ow = t * bg;
            double[] stepBias = filter != null ? filter.stepBias(t, bRec, dtriv ? null : bxOrModBias, s, gates) : null;
            for (int b = 0; b < batch; b++) {
                int ob = b * gates;
                int hPrev = t * bh + b * hidden;
                int hNext = (t + 1) * bh + b * hidden;
                if (!active(t, b)) {
                    System.arraycopy(hs, hPrev, hs, hNext, hidden);
                    if (cs != null) {
                        System.arraycopy(cs, hPrev, cs, hNext, hidden);
                    }
                    java.util.Arrays.fill(work, ow + ob, ow + ob + gates, 0.0);
                    continue;
                }
                if (isSrA) {
                    srARow(a, work, ow + ob, r, v, ob, bRec, bxLoop, gates, s, kappa[t + 1], rowG, rowR, rowP);
                } else if (filter != null) {                  // v_t = s W x̃_t + s κ_t b_x [+ P_t v_0]; a = v_t + (r + b_h)
                    if (filter.v0Nonzero || t == steps - 1) {
                        filter.driveRow(work, ow + ob, rowG, dtriv ? null : bxOrModBias, v, ob, t, s, gates);
                        if (t == steps - 1) {
                            System.arraycopy(rowG, 0, v, ob, gates);                          // v_T, the state out
                        }
                        System.arraycopy(rowG, 0, work, ow + ob, gates);
                        driveSum(a, ob, work, ow + ob, r, ob, bRec, null, gates, rowG, rowR);
                    } else {
                        driveSum(a, ob, work, ow + ob, r, ob, stepBias, null, gates, rowG, rowR);
                    }
                } else if (scanFilter) {                                          // v ← c v + s (g + b_x); a = v + (r + b_h)
                    driveSumScan(a, ob, work, ow + ob, r, ob, bRec, gates, rowG, rowR, vRows[b],
                            vCoefficient(kappa, t + 1), s, biasInScan ? bxOrModBias : null);
                } else {
                    driveSum(a, ob, work, ow + ob, r, ob, bRec, bxLoop, gates, rowG, rowR);       // a = (g + b_x) + (r + b_h)
                }
                switch (kind) {
                    case LSTM -> {
                        // gate activations in simple per-gate passes in small methods (C2 vectorizes these; a fused
                        // loop, or a loop inside this large method, it does not)
                        int hh = hidden;
                        Pointwise.sigmoidInPlace(a, ob, ob + 2 * hh, fast);                  // i, f
                        Pointwise.tanhInPlace(a, ob + 2 * hh, ob + 3 * hh, fast);             // ĝ
                        Pointwise.sigmoidInPlace(a, ob + 3 * hh, ob + 4 * hh, fast);          // o
                        System.arraycopy(a, ob, work, ow + ob, gates);                       // saved for backward
                        System.arraycopy(cs, hPrev, cs, hNext, hh);
                        lstmCell(cs, hNext, a, ob, hh);                                      // c_t = f c + i ĝ
                        System.arraycopy(cs, hNext, hs, hNext, hh);
                        Pointwise.tanhInPlace(hs, hNext, hNext + hh, fast);                  // tanh(c_t)
                        mulInPlace(hs, hNext, a, ob + 3 * hh, hh);                           // h_t = o ⊙ tanh(c_t)
                    }
                    case VANILLA -> {
                        boolean tanh = activation == CellConfig.Activation.TANH;
                        for (int j = 0; j < hidden; j++) {
                            double z = a[ob + j];
                            hs[hNext + j] = tanh ? (fast ? Pointwise.tanhFast(z) : Pointwise.tanh(z))
                                                 : (fast ? Pointwise.sigmoidFast(z) : Pointwise.sigmoid(z));
                        }
                    }
                    case DTRIV -> {
                        System.arraycopy(a, ob, work, ow + ob, hidden);                      // z_t, saved for backward
                        modReluRow(a, ob, bxOrModBias, hs, hNext, hidden, rowG);
                    }
                    default -> throw new IllegalStateException(kind.toString());
                }
            }
        }
        recurrent.close();
        if (vRows != null) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(vRows[b], 0, v, b * gates, gates);
            }
        }

        // outputs: Y [B, T, H] and the final slots
        double[] y = HeapPool.take(batch * steps * hidden);                     // pooled: a new one per call faults
        for (int t = 0; t < steps; t++) {                                           // in fresh pages of the heap
            for (int b = 0; b < batch; b++) {
                int dst = (b * steps + t) * hidden;
                if (active(t, b)) {
                    System.arraycopy(hs, (t + 1) * bh + b * hidden, y, dst, hidden);
                } else {
                    java.util.Arrays.fill(y, dst, dst + hidden, 0.0);
                }
            }
        }
        INDArray[] out = new INDArray[1 + numSlots];
        out[0] = emit(forwardInto, 0, y, 0, type, batch, steps, hidden);
        HeapPool.give(y);
        int o = 1;
        out[o] = emit(forwardInto, o++, hs, steps * bh, type, batch, hidden);
        if (cs != null) {
            out[o] = emit(forwardInto, o++, cs, steps * bh, type, batch, hidden);
        }
        if (v != null) {
            out[o] = emit(forwardInto, o++, v, 0, type, batch, gates);
            if (m != null) {
                out[o] = emit(forwardInto, o++, m, 0, type, batch, gates);
            }
            HeapPool.give(v, m);                                                          // copied out by emit
        }
        if (sv != null) {
            sv.xt = xt;
            sv.xtBase = xtBase;
            sv.work = work;
            sv.hs = hs;
            sv.cs = cs;
            sv.w = w;
            sv.rec = rec;
            sv.kappa = kappa;
            sv.filter = filter;
            sv.modBias = dtriv ? bxOrModBias : null;
            sv.xs = xs;
            sv.wCols = wCols;
            sv.bx = bxAdam;
            ctx.setState(sv);
        } else {
            ArrayPool.give(xtBase);
            HeapPool.give(work, hs, cs, xs);
        }
        return out;
    }

    @Override
    protected INDArray[] backward(Context ctx, INDArray[] gradOutputs) {
        Saved sv = ctx.state();
        final int t0 = 1 + numSlots;
        final DataType type = sv.xt.dataType();
        final int bh = batch * hidden;
        final int bg = batch * gates;
        final boolean dtriv = kind == Base.Kind.DTRIV;
        final double s = stepSize();
        final double[] kappa = sv.kappa;
        final double[] work = sv.work;
        final double[] hs = sv.hs;
        final double[] cs = sv.cs;

        double[] dy = null;                                                              // [B, T, H], pooled
        if (gradOutputs[0] != null) {
            dy = HeapPool.take(batch * steps * hidden);
            HeapTransfer.read(gradOutputs[0], dy, 0);
        }
        int o = 1;
        double[] dh = gradOrZero(gradOutputs[o++], bh);
        double[] dc = kind == Base.Kind.LSTM ? gradOrZero(gradOutputs[o++], bh) : null;
        double[] dv = null;
        double[] dm = null;
        if (hasDriveState()) {
            dv = gradOrZero(gradOutputs[o++], bg);
            if (adam()) {
                dm = gradOrZero(gradOutputs[o++], bg);
            }
        }
        boolean isSrA = srA();
        double[] dbMod = dtriv ? new double[hidden] : null;

        INDArray dRNd = NativeScratch.exact("step.dr", type, batch, gates);             // [B, G]
        INDArray dHNd = NativeScratch.exact("step.dh", type, batch, hidden);            // [B, H]
        final boolean fast = type == DataType.FLOAT;
        HeapTransfer.View dRView = HeapTransfer.view(dRNd);
        HeapTransfer.View dHView = HeapTransfer.view(dHNd);
        StepGemm back = StepGemm.forLoop(dRNd, sv.rec, dHNd, dtriv, steps);              // δr·U or δa·Bᵀ
        double[] dhPrev = HeapPool.take(bh);                                    // scratch: written before read
        double[] tc = HeapPool.take(hidden);
        double[][] gateScratch = HeapPool.takeRows(9, hidden);
        double[] srRowA = HeapPool.take(gates);
        double[] srRowD = HeapPool.take(gates);
        // summed on the way, on rows at offset 0: δb_h, and with the Momentum / SR-B filter on the drive (masked
        // sequences; its adjoint also runs here, step by step, its δg rows written straight to the native matrix of the
        // input weight gradient's GEMM; δa stays in work for the recurrent weight gradient) δb_x
        final Filter filter = sv.filter;
        final boolean scanFilter = filter == null && (drive instanceof DriveSpec.Momentum
                || (drive instanceof DriveSpec.ScheduledRestart && !isSrA));
        double[] dbh = dtriv ? null : new double[gates];
        double[] dbx = (scanFilter || filter != null) && !dtriv ? new double[gates] : null;
        // (input-side filter: per step the column sums of δa, then δb_h and δb_x; δv_0 per sample if it is needed)
        final int vSlot = kind == Base.Kind.LSTM ? 3 : 2;                                 // v's index in inputs
        double[] stepSum = filter != null && !dtriv ? new double[gates] : null;
        double[][] dv0Rows = filter != null && ctx.needsInputGrad(vSlot) ? new double[batch][gates] : null;
        INDArray dGScan = scanFilter ? NativeScratch.exact("inputDeltas", type, steps * (long) batch, gates) : null;
        HeapTransfer.View dGRows = scanFilter ? HeapTransfer.view(dGScan) : null;     // δg rows go straight there
        double[][] dvRows = null;
        if (scanFilter) {
            dvRows = new double[batch][gates];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(dv, b * gates, dvRows[b], 0, gates);
            }
        }
        double[] rowD = new double[gates];
        // narrow inputs: δW and δx are summed in Java from the δg rows on the heap (not with the masked
        // drive-side filter, whose δg rows go to native memory in the loop)
        final boolean narrow = sv.xs != null && !scanFilter;
        double[][] dWCols = narrow ? new double[in][gates] : null;                      // [F][G] δW's columns
        double[] dxs = narrow && ctx.needsInputGrad(0) ? HeapPool.take(steps * batch * in) : null;
        if (dxs != null) {
            java.util.Arrays.fill(dxs, 0, steps * batch * in, 0.0);                     // (masked rows stay 0)
        }
        for (int t = steps - 1; t >= 0; t--) {
            int ow = t * bg;
            // total gradient reaching h_t: carry + output
            if (dy != null) {
                for (int b = 0; b < batch; b++) {
                    if (active(t, b)) {                                      // rows at offset 0 (vectorized)
                        System.arraycopy(dh, b * hidden, tc, 0, hidden);
                        System.arraycopy(dy, (b * steps + t) * hidden, rowD, 0, hidden);
                        addRows(tc, rowD, hidden);
                        System.arraycopy(tc, 0, dh, b * hidden, hidden);
                    }
                }
            }
            for (int b = 0; b < batch; b++) {
                int ob = b * gates;
                int hNext = (t + 1) * bh + b * hidden;
                int hPrev = t * bh + b * hidden;
                if (!active(t, b)) {
                    java.util.Arrays.fill(work, ow + ob, ow + ob + gates, 0.0);   // δa = 0; carries pass
                    if (dGRows != null) {
                        java.util.Arrays.fill(rowD, 0, gates, 0.0);
                        dGRows.writeAt(rowD, 0, ow + ob, gates);
                    }
                    continue;
                }
                switch (kind) {
                    case LSTM -> {
                        System.arraycopy(cs, hNext, tc, 0, hidden);
                        Pointwise.tanhInPlace(tc, 0, hidden, fast);                           // tanh(c_t)
                        lstmBackward(work, ow + ob, tc, cs, hPrev, dh, dc, b * hidden, hidden, gateScratch);
                    }
                    case VANILLA -> {
                        boolean tanh = activation == CellConfig.Activation.TANH;
                        for (int j = 0; j < hidden; j++) {
                            double hv = hs[hNext + j];
                            double deriv = tanh ? 1 - hv * hv : hv * (1 - hv);
                            work[ow + ob + j] = dh[b * hidden + j] * deriv;
                        }
                    }
                    case DTRIV -> modReluBackwardRow(work, ow + ob, sv.modBias, dh, b * hidden, dbMod, hidden,
                            gateScratch[0], gateScratch[1]);
                    default -> throw new IllegalStateException(kind.toString());
                }
                if (isSrA) {
                    // a_t = (1+κ_t) p_t − κ_t p_{t−1}; p_t = r_t − s g_t; dv holds δ(state p_t)
                    System.arraycopy(work, ow + ob, srRowA, 0, gates);               // rows at offset 0 (vectorized)
                    System.arraycopy(dv, ob, srRowD, 0, gates);
                    srABackwardRow(srRowA, srRowD, gates, kappa[t + 1]);             // δa → δr_t = δp_t
                    System.arraycopy(srRowA, 0, work, ow + ob, gates);
                    System.arraycopy(srRowD, 0, dv, ob, gates);
                }
                if (dbh != null || scanFilter || dv0Rows != null) {
                    System.arraycopy(work, ow + ob, rowD, 0, gates);                // δa (SR-A: δr_t)
                    if (scanFilter) {                                                // δa → δg; δv carried
                        double c = vCoefficient(kappa, t + 1);
                        biasAndScanBackward(rowD, dbh, dvRows[b], gates, c, s, dbx);
                        dGRows.writeAt(rowD, 0, ow + ob, gates);
                    } else if (filter != null) {                                     // δa is δv_t
                        if (stepSum != null) {
                            addRows(stepSum, rowD, gates);
                        }
                        if (dv0Rows != null) {
                            filter.accumulate(dv0Rows[b], rowD, t, gates);
                        }
                    } else {
                        addRows(dbh, rowD, gates);
                    }
                }
            }
            if (stepSum != null) {
                filter.sumStep(stepSum, dbh, dbx, t, s, gates);
            }
            // δh_{t−1} = δr_t · U  (DTRIV: δa_t · Bᵀ); masked samples carry δh unchanged
            dRView.write(work, ow);
            back.run();
            dHView.read(dhPrev, 0);
            for (int b = 0; b < batch; b++) {
                if (active(t, b)) {
                    System.arraycopy(dhPrev, b * hidden, dh, b * hidden, hidden);
                }
            }
        }
        back.close();
        HeapPool.give(dhPrev, tc, srRowA, srRowD);
        HeapPool.giveRows(gateScratch);
        if (dvRows != null) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(dvRows[b], 0, dv, b * gates, gates);
            }
        }

        HeapPool.give(dy);

        // recurrent weight gradients: one GEMM over all steps
        INDArray hPrevAll = NativeScratch.matrix("hidden", type, steps * (long) batch, hidden);  // [T·B, H]
        HeapTransfer.write(hs, 0, hPrevAll, null);
        INDArray dR = NativeScratch.matrix("gates", type, steps * (long) batch, gates);        // [T·B, G]
        HeapTransfer.write(work, 0, dR, null);
        INDArray dRec;
        INDArray dRecBias = null;
        if (dtriv) {
            dRec = product(hPrevAll, dR, true, false, type, hidden, hidden);                // G_B = Hᵀ δA  [H, H]
        } else {
            dRec = transposedProduct(hPrevAll, dR, 1.0, type, gates, hidden);              // δU = (Hᵀ δR)ᵀ  [G, H]
            dRecBias = HeapTransfer.create(dbh, 0, type, 1, gates);                        // δb_h  [1, G]
        }

        if (filter != null) {
            // v_T (the state out) is the last step's drive: its gradient joins δa_{T−1} in the input-side products
            // (dR, now free: δU is computed), δb_x and δv_0
            if (anyNonzero(dv, bg)) {
                if (narrow) {
                    int last = (steps - 1) * bg;
                    for (int j = 0; j < bg; j++) {
                        work[last + j] += dv[j];
                    }
                } else {
                    INDArray last = dR.get(NDArrayIndex.interval((steps - 1) * (long) batch, steps * (long) batch),
                            NDArrayIndex.all());
                    INDArray dvNd = HeapTransfer.create(dv, 0, type, batch, gates);
                    last.addi(dvNd);
                    ArrayPool.give(dvNd);
                }
                double[] sum = new double[gates];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(dv, b * gates, rowD, 0, gates);
                    addRows(sum, rowD, gates);
                    if (dv0Rows != null) {
                        filter.accumulate(dv0Rows[b], rowD, steps - 1, gates);
                    }
                }
                if (dbx != null) {
                    Filter.scaleAdd(dbx, sum, s * filter.kap[steps - 1], gates);
                }
            }
            for (int b = 0; b < batch; b++) {                                              // δv_0 out
                if (dv0Rows != null) {
                    System.arraycopy(dv0Rows[b], 0, dv, b * gates, gates);
                } else {
                    java.util.Arrays.fill(dv, b * gates, (b + 1) * gates, 0.0);
                }
            }
        }

        // input filters backward: δa → δg in place (spec/cells.md §6.3); Momentum and SR-B ran in the loop
        // (SR-A: δg = −s δa, with the −s in the input-side products' α and in δb_x's sum, not a pass over δa)
        double[] dbxAdam = null;
        if (adam()) {
            DriveSpec.Adam ad = (DriveSpec.Adam) drive;
            double beta = (double) ad.beta();
            double mu = (double) ad.mu();
            dbxAdam = dtriv ? null : new double[gates];
            // wide inputs: δa → δg in place in dR's rows (a copy of work's, free now that δU is computed), which the
            // input-side products then read; the heap rows are not touched again (paired, toggled in one JVM:
            // AdamLSTM at shape A 0.986–0.990 × the adjoint on the heap rows followed by a copy into native memory)
            adamBackward(narrow ? null : HeapTransfer.view(dR), work, sv.g, sv.v0, sv.m0, dv, dm, dbxAdam, mu, s, beta,
                    narrow ? sv.xs : null, sv.wCols, sv.bx, dWCols, dxs);
        }

        // input weight gradients and the input gradient: one GEMM each, or for narrow inputs sums in Java
        final double alpha = filter != null ? s : isSrA ? -s : 1.0;           // (input-side filter: δV, the s is in α)
        INDArray dG = null;
        if (narrow) {
            if (!adam()) {                                                   // (the Adam adjoint summed them)
                inputGradients(work, sv.xs, sv.wCols, dWCols, dxs);
            }
        } else {
            // [T·B, G]: the filter's δV, the masked scan's δg, the Adam/RMSProp adjoint's δg, or (plain and SR-A
            // drives) δa itself, all in native memory already
            dG = dGScan != null ? dGScan : dR;
        }
        INDArray[] grads = new INDArray[inputs()];
        if (ctx.needsInputGrad(0)) {
            INDArray dXt = NativeScratch.matrix("inputGrad", type, steps * (long) batch, in);   // [T·B, F]
            if (narrow) {
                scaleInPlace(dxs, alpha, steps * batch * in);
                HeapTransfer.write(dxs, 0, dXt, null);
                HeapPool.give(dxs);
            } else {
                Nd4j.gemm(dG, sv.w, dXt, false, false, alpha, 0.0);
            }
            if (filter != null) {
                filter.scanInputGradients(dXt, batch * in);                                // δx̃ → δx
            }
            INDArray perSample = dXt.reshape(steps, batch, in).permute(1, 0, 2);               // [B, T, F] view
            INDArray dst = backwardInto == null ? ArrayPool.take(type, batch, steps, in) : backwardInto[0];
            grads[0] = dst.assign(perSample);
        }
        o = 1;
        grads[o] = emit(backwardInto, o++, dh, 0, type, batch, hidden);
        if (kind == Base.Kind.LSTM) {
            grads[o] = emit(backwardInto, o++, dc, 0, type, batch, hidden);
        }
        if (hasDriveState()) {
            grads[o] = emit(backwardInto, o++, dv, 0, type, batch, gates);
            if (adam()) {
                grads[o] = emit(backwardInto, o++, dm, 0, type, batch, gates);
            }
        }
        HeapPool.give(dh, dc, dv, dm);                                              // copied out by emit
        if (narrow) {
            grads[t0] = HeapTransfer.create(weightGradient(dWCols, alpha), 0, type, gates, in);
        } else {
            grads[t0] = transposedProduct(sv.xt, dG, alpha, type, gates, in);              // δW = α (Xᵀ δG)ᵀ  [G, F]
        }
        if (dtriv) {
            grads[t0 + 1] = HeapTransfer.create(dbMod, 0, type, 1, hidden);
            grads[t0 + 2] = dRec;
        } else {
            grads[t0 + 1] = dbx != null ? HeapTransfer.create(dbx, 0, type, 1, gates)     // δb_x  [1, G]
                    : dbxAdam != null ? HeapTransfer.create(dbxAdam, 0, type, 1, gates)
                    : drive instanceof DriveSpec.Plain ? dRecBias.dup()                          // no filter: δb_x = δb_h
                    : columnSums(work, steps * batch, gates, -s, type);                          // SR-A
            grads[t0 + 2] = dRec;
            grads[t0 + 3] = dRecBias;
        }
        return grads;
    }

    /**
     * The Adam/RMSProp filter, per sample: {@code g_t} ({@code W x_t} from {@code kept} if not null, else from
     * {@code work}, or for narrow inputs ({@code xs} not null) computed here from {@code xs} and {@code wCols}; plus
     * {@code bx} if not null) becomes {@code D_t} in {@code work}; {@code v}, {@code m} [B·G] advanced.
     * If {@code vCheck} is not null, each sample's v and m before every segment of {@link #adamSegment} steps are
     * kept there and in {@code mCheck} ([B·S·G]) for {@link #adamBackward}.
     */
    private void adamForward(double[] work, double[] kept, double[] vCheck, double[] mCheck, double[] v, double[] m,
                             double[] bx, double mu, double s, double beta, double[] xs, double[][] wCols) {
        int bg = batch * gates;
        int seg = adamSegment();
        int segments = adamSegments();
        double[] vRow = new double[gates];                               // per sample (see the momentum scan)
        double[] mRow = new double[gates];
        double[] gRow = new double[gates];
        for (int b = 0; b < batch; b++) {
            int ov = b * gates;
            System.arraycopy(v, ov, vRow, 0, gates);
            System.arraycopy(m, ov, mRow, 0, gates);
            for (int t = 0; t < steps; t++) {
                int o = t * bg + ov;
                if (vCheck != null && t % seg == 0) {                    // the state before each segment
                    int oc = (b * segments + t / seg) * gates;
                    System.arraycopy(vRow, 0, vCheck, oc, gates);
                    System.arraycopy(mRow, 0, mCheck, oc, gates);
                }
                if (active(t, b)) {                                   // (backward reads no inactive row)
                    gRowAt(gRow, kept != null ? kept : work, t, b, xs, wCols, bx);   // g_t = W x_t + b_x
                    adamScan(gRow, 0, vRow, 0, mRow, 0, gates, mu, s, beta);
                    System.arraycopy(gRow, 0, work, o, gates);
                }
            }
            System.arraycopy(vRow, 0, v, ov, gates);
            System.arraycopy(mRow, 0, m, ov, gates);
        }
    }

    /**
     * The Adam/RMSProp filter's adjoint, per sample: δa in {@code rows} (the [T·B, G] matrix in native memory), or in
     * {@code work} if {@code rows} is null, becomes δg there; {@code dv}, {@code dm} [B·G] carried to t = 0; δb_x summed
     * into {@code dbx} if not null. Each sample's v_t, m_t are recomputed one segment at a time, last segment first,
     * from the checkpoints {@code vCheck}, {@code mCheck} and the kept {@code g} (the forward's operations, so the same
     * values). For narrow inputs ({@code xs} not null) g_t is recomputed from the inputs, and the δg rows are not
     * written back: δW's columns and δx ({@code dxs}, if not null) are summed here instead.
     */
    private void adamBackward(HeapTransfer.View rows, double[] work, double[] g, double[] vCheck, double[] mCheck,
                              double[] dv, double[] dm, double[] dbx, double mu, double s, double beta, double[] xs,
                              double[][] wCols, double[] bx, double[][] dWCols, double[] dxs) {
        int bg = batch * gates;
        int seg = adamSegment();
        int segments = adamSegments();
        double[] dvRow = new double[gates];                              // per sample, as in forward
        double[] dmRow = new double[gates];
        double[] daRow = new double[gates];
        double[] mtRow = new double[gates];
        double[] vtRow = new double[gates];
        double[] gtRow = new double[gates];
        double[] vSeg = HeapPool.take(seg * gates);                     // [K·G] one segment's v_t, recomputed
        double[] mSeg = HeapPool.take(seg * gates);                     // [K·G] its m_t
        for (int b = 0; b < batch; b++) {
            int ov = b * gates;
            System.arraycopy(dv, ov, dvRow, 0, gates);
            System.arraycopy(dm, ov, dmRow, 0, gates);
            for (int k = segments - 1; k >= 0; k--) {
                int t0 = k * seg;
                int t1 = Math.min(steps, t0 + seg);
                int oc = (b * segments + k) * gates;
                System.arraycopy(vCheck, oc, vtRow, 0, gates);
                System.arraycopy(mCheck, oc, mtRow, 0, gates);
                for (int t = t0; t < t1; t++) {                           // the forward's state updates, again
                    if (active(t, b)) {
                        gRowAt(gtRow, g, t, b, xs, wCols, bx);
                        adamState(gtRow, vtRow, mtRow, gates, mu, s, beta);
                        System.arraycopy(vtRow, 0, vSeg, (t - t0) * gates, gates);
                        System.arraycopy(mtRow, 0, mSeg, (t - t0) * gates, gates);
                    }
                }
                for (int t = t1 - 1; t >= t0; t--) {
                    if (!active(t, b)) {
                        continue;
                    }
                    int o2 = t * bg + ov;
                    if (rows != null) {
                        rows.readAt(daRow, 0, o2, gates);
                    } else {
                        System.arraycopy(work, o2, daRow, 0, gates);
                    }
                    System.arraycopy(mSeg, (t - t0) * gates, mtRow, 0, gates);
                    System.arraycopy(vSeg, (t - t0) * gates, vtRow, 0, gates);
                    gRowAt(gtRow, g, t, b, xs, wCols, bx);
                    adamScanBackward(daRow, mtRow, vtRow, gtRow, dvRow, dmRow, gates, mu, s, beta);
                    if (xs != null) {
                        gradientRow(daRow, xs, t * batch + b, wCols, dWCols, dxs);       // narrow: δW, δx here
                    } else if (rows != null) {
                        rows.writeAt(daRow, 0, o2, gates);
                    } else {
                        System.arraycopy(daRow, 0, work, o2, gates);
                    }
                    if (dbx != null) {
                        addRows(dbx, daRow, gates);                              // δb_x, rows at offset 0
                    }
                }
            }
            System.arraycopy(dvRow, 0, dv, ov, gates);
            System.arraycopy(dmRow, 0, dm, ov, gates);
        }
        HeapPool.give(vSeg, mSeg);
    }

    /**
     * Sample b's drive row g_t = W x_t + b_x: W x_t from {@code g}, or for narrow inputs ({@code xs} not null)
     * computed from the inputs; {@code bx} added if not null. Forward and backward both get their rows here, so the
     * backward's g_t are the forward's, bit for bit.
     */
    private void gRowAt(double[] row, double[] g, int t, int b, double[] xs, double[][] wCols, double[] bx) {
        if (xs != null) {
            driveRowOf(row, xs, t * batch + b, wCols, 1.0);
        } else {
            System.arraycopy(g, (t * batch + b) * gates, row, 0, gates);
        }
        if (bx != null) {
            addRows(row, bx, gates);
        }
    }

    /** W's columns as F rows at offset 0 (narrow inputs). */
    private double[][] columns(INDArray w) {
        double[] flat = HeapTransfer.readAll(w);                                         // [G, F] row-major
        double[][] cols = new double[in][gates];
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < in; i++) {
                cols[i][g] = flat[g * in + i];
            }
        }
        return cols;
    }

    /** Every drive row of {@code work}: {@code α W x_r} for the rows r = t·B + b of {@code xs} (narrow inputs). */
    private void inputDrive(double[] work, double[] xs, double[][] wCols, double alpha) {
        double[] row = new double[gates];
        for (int r = 0; r < steps * batch; r++) {
            driveRowOf(row, xs, r, wCols, alpha);
            System.arraycopy(row, 0, work, r * gates, gates);
        }
    }

    /** {@code row = α Σ_i xs[r·F + i] W[:, i]}, at offset 0. */
    private void driveRowOf(double[] row, double[] xs, int r, double[][] wCols, double alpha) {
        scaleInto(row, wCols[0], alpha * xs[r * in], gates);
        for (int i = 1; i < in; i++) {
            axpy(row, wCols[i], alpha * xs[r * in + i], gates);
        }
    }

    /**
     * The input-side products of one δg row r (narrow inputs, without α): {@code δW[:, i] += x_{r,i} δg} and, if
     * {@code dxs} is not null, {@code δx_{r,i} = δg · W[:, i]}.
     */
    private void gradientRow(double[] dg, double[] xs, int r, double[][] wCols, double[][] dWCols, double[] dxs) {
        for (int i = 0; i < in; i++) {
            axpy(dWCols[i], dg, xs[r * in + i], gates);
            if (dxs != null) {
                dxs[r * in + i] = dot(dg, wCols[i], gates);
            }
        }
    }

    /** {@link #gradientRow} for every row of δg in {@code work}. */
    private void inputGradients(double[] work, double[] xs, double[][] wCols, double[][] dWCols, double[] dxs) {
        double[] row = new double[gates];
        for (int r = 0; r < steps * batch; r++) {
            System.arraycopy(work, r * gates, row, 0, gates);
            gradientRow(row, xs, r, wCols, dWCols, dxs);
        }
    }

    /** δW [G·F] row-major from its columns, times α. */
    private double[] weightGradient(double[][] dWCols, double alpha) {
        double[] out = new double[gates * in];
        for (int g = 0; g < gates; g++) {
            for (int i = 0; i < in; i++) {
                out[g * in + i] = alpha * dWCols[i][g];
            }
        }
        return out;
    }

    /**
     * Inputs at most this wide take the narrow-input path (drive rows and input-side gradients in Java; see
     * {@link #forward}); tests set it to 0 to run the GEMM path on narrow inputs. At shape B with F = 8 it measured
     * faster than the GEMMs (AdamLSTM 128.5 vs 141.6 ms, LSTM 102.2/100.7 vs 108.0/109.6), with F = 16 slower
     * (AdamLSTM 147.2 vs 138.3; RESULTS.md, session 10).
     */
    static volatile int narrowInputMax = 8;

    private static void scaleInto(double[] out, double[] w, double c, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = c * w[j];
        }
    }

    private static void axpy(double[] out, double[] w, double c, int n) {
        for (int j = 0; j < n; j++) {
            out[j] = out[j] + c * w[j];
        }
    }

    private static double dot(double[] a, double[] b, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static void scaleInPlace(double[] x, double c, int n) {
        for (int j = 0; j < n; j++) {
            x[j] = c * x[j];
        }
    }

    /**
     * Steps per segment of the Adam backward's recomputation: a segment's v_t and m_t (2·K·G values, 256 kB in
     * float32) stay in the core's L2 cache between the recomputation and the adjoint. Recomputing a whole sample's
     * T steps first measured slower where those spill (AdamLSTM shape B: 2 × 1.6 MB; RESULTS.md, session 9).
     */
    private int adamSegment() {
        int forced = adamSegmentSteps;
        return Math.max(1, Math.min(steps, forced > 0 ? forced : 32768 / gates));
    }

    /** Tests set this to force the segment length of the Adam backward's recomputation; 0 = {@link #adamSegment}'s rule. */
    static volatile int adamSegmentSteps;

    private int adamSegments() {
        int seg = adamSegment();
        return (steps + seg - 1) / seg;
    }

    private Filter newFilter(double[] kappa) {
        double[] c = new double[steps];
        for (int t = 0; t < steps; t++) {
            c[t] = vCoefficient(kappa, t + 1);
        }
        return new Filter(c);
    }

    private static boolean anyNonzero(double[] x, int n) {
        for (int i = 0; i < n; i++) {
            if (x[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Momentum / SR-B filter on the inputs: with {@code x̃_t = c_t x̃_{t−1} + x_t}, {@code κ_t = c_t κ_{t−1} + 1}
     * and {@code P_t = c_t P_{t−1}} (0-based t, {@code x̃_{−1} = 0}, {@code κ_{−1} = 0}, {@code P_{−1} = 1}), the
     * filtered drive is {@code v_t = s W x̃_t + s κ_t b_x + P_t v_0}: one scan over the F-wide inputs instead of the
     * G-wide drive (MomentumLSTM shape A: 64 against 1,024 per row; shape B: 1 against 512), and backward, by the same
     * linearity, {@code δW = s δVᵀ X̃}, {@code δx̃ = s δV W} followed by the adjoint scan, {@code δb_x = s Σ_t κ_t Σ_b δv_t}
     * and {@code δv_0 = Σ_t P_t δv_t}, where δv_t is the drive's gradient (δa_t, plus the output state's gradient at
     * the last step). The same function as the filter on the drive, with its sums in another order.
     */
    private static final class Filter {
        final double[] coef;     // c_t
        final double[] kap;      // κ_t
        final double[] pow;      // P_t
        boolean v0Nonzero;       // the forward's v_0 is not all zero
        private double[] bias;   // one step's b_h + s κ_t b_x
        private double[] v0Row;  // a sample's v_0 at offset 0

        Filter(double[] coef) {
            int n = coef.length;
            this.coef = coef;
            this.kap = new double[n];
            this.pow = new double[n];
            double k = 0;
            double p = 1;
            for (int t = 0; t < n; t++) {
                k = coef[t] * k + 1;
                p = coef[t] * p;
                kap[t] = k;
                pow[t] = p;
            }
        }

        /** {@code xt} [T·B, F] time-major, in place: {@code x̃_t = c_t x̃_{t−1} + x_t}; {@code bf} = B·F. */
        void scanInputs(INDArray xt, int bf) {
            scan(xt, bf, false);
        }

        /**
         * {@code dxt} [T·B, F] time-major, in place: the adjoint of {@link #scanInputs},
         * {@code u_t = δx̃_t + c_{t+1} u_{t+1}} from t = T−1 down.
         */
        void scanInputGradients(INDArray dxt, int bf) {
            scan(dxt, bf, true);
        }

        /** Forward: {@code row_t += c_t·row_{t−1}} for t = 1 up; reverse: {@code row_t += c_{t+1}·row_{t+1}} for t = T−2 down. */
        private void scan(INDArray a, int bf, boolean reverse) {
            int steps = coef.length;
            double[] x = HeapPool.take(steps * bf);
            HeapTransfer.read(a, x, 0);
            double[] carry = new double[bf];                                  // rows at offset 0 (vectorized)
            double[] row = new double[bf];
            System.arraycopy(x, reverse ? (steps - 1) * bf : 0, carry, 0, bf);
            for (int i = 1; i < steps; i++) {
                int t = reverse ? steps - 1 - i : i;
                System.arraycopy(x, t * bf, row, 0, bf);
                scaleAdd(row, carry, coef[reverse ? t + 1 : t], bf);
                System.arraycopy(row, 0, x, t * bf, bf);
                double[] swap = carry;
                carry = row;
                row = swap;
            }
            HeapTransfer.write(x, 0, a, null);
            HeapPool.give(x);
        }

        /** {@code y ← y + c·x} on rows at offset 0. */
        private static void scaleAdd(double[] y, double[] x, double c, int n) {
            for (int j = 0; j < n; j++) {
                y[j] = y[j] + c * x[j];
            }
        }

        /** Step t's bias row {@code b_h + s κ_t b_x} (either may be null; null if both are). */
        double[] stepBias(int t, double[] bh, double[] bx, double s, int n) {
            if (bh == null && bx == null) {
                return null;
            }
            if (bias == null) {
                bias = new double[n];
            }
            double sk = s * kap[t];
            for (int j = 0; j < n; j++) {
                bias[j] = (bh != null ? bh[j] : 0) + (bx != null ? sk * bx[j] : 0);
            }
            return bias;
        }

        /** {@code row = work[o..o+n) + s κ_t b_x + P_t v_0[ov..ov+n)}: the whole v_t of a sample. */
        void driveRow(double[] work, int o, double[] row, double[] bx, double[] v0, int ov, int t, double s, int n) {
            System.arraycopy(work, o, row, 0, n);
            if (bx != null) {
                double sk = s * kap[t];
                for (int j = 0; j < n; j++) {
                    row[j] = row[j] + sk * bx[j];
                }
            }
            if (v0Nonzero) {
                if (v0Row == null) {
                    v0Row = new double[n];
                }
                System.arraycopy(v0, ov, v0Row, 0, n);
                scaleAdd(row, v0Row, pow[t], n);
            }
        }

        /** Step t's column sums {@code S} of δv: {@code δb_h += S}, {@code δb_x += s κ_t S} (if not null); S cleared. */
        void sumStep(double[] sum, double[] dbh, double[] dbx, int t, double s, int n) {
            addRows(dbh, sum, n);
            if (dbx != null) {
                scaleAdd(dbx, sum, s * kap[t], n);
            }
            java.util.Arrays.fill(sum, 0, n, 0.0);
        }

        /** {@code dv0 ← dv0 + P_t·δv} on rows at offset 0. */
        void accumulate(double[] dv0, double[] dvt, int t, int n) {
            scaleAdd(dv0, dvt, pow[t], n);
        }
    }

    /** One step of the momentum scan over a row: {@code v ← c·v + s·g; g ← v} ({@code g = work[o..o+n)}). */
    static void momentumScan(double[] work, int o, double[] v, int ov, int n, double c, double s) {
        for (int j = 0; j < n; j++) {
            double vn = c * v[ov + j] + s * work[o + j];
            v[ov + j] = vn;
            work[o + j] = vn;
        }
    }

    /**
     * One Adam/RMSProp filter step of a row in place: {@code v ← μ·v + s·g; m ← β·m + (1−β)·g²; g ← v/√(m + δ)}
     * ({@code g} in work, v and m the state rows).
     */
    static void adamScan(double[] work, int o, double[] v, int ov, double[] m, int om, int n, double mu, double s,
                         double beta) {
        for (int j = 0; j < n; j++) {
            double gj = work[o + j];
            double vn = mu * v[ov + j] + s * gj;
            double mn = beta * m[om + j] + (1 - beta) * gj * gj;
            v[ov + j] = vn;
            m[om + j] = mn;
            work[o + j] = vn / Math.sqrt(mn + (double) org.momentumrnn4j.cell.dynamics.AdamCell.DELTA);
        }
    }

    /**
     * The state update of {@link #adamScan} alone, on rows at offset 0: {@code v ← μ·v + s·g; m ← β·m + (1−β)·g²}
     * (the same operations in the same order, so the same values).
     */
    private static void adamState(double[] g, double[] v, double[] m, int n, double mu, double s, double beta) {
        for (int j = 0; j < n; j++) {
            double gj = g[j];
            v[j] = mu * v[j] + s * gj;
            m[j] = beta * m[j] + (1 - beta) * gj * gj;
        }
    }

    /**
     * The Adam/RMSProp filter's adjoint over one sample's row at step t, in place: {@code da} (δD_t in, δg_t out),
     * {@code mt}, {@code vt}, {@code gt} the step's saved m_t, v_t and g_t; {@code dv}, {@code dm} the carried
     * adjoints of the state. With {@code r = 1/√(m_t + δ)}: {@code δv_t = r δD_t + δv}, {@code δm_t = −½ r³ v_t δD_t
     * + δm}, {@code δg_t = s δv_t + 2(1−β) g_t δm_t}, then {@code δv ← μ δv_t}, {@code δm ← β δm_t}. Two loops, each of
     * which C2 vectorizes; as one loop it did not (float32 rows in L1: 2.3 against 0.46 ns per element). In the layer
     * this measured no faster: there the adjoint waits on its rows' memory (benchmarks/RESULTS.md, session 11).
     */
    private static void adamScanBackward(double[] da, double[] mt, double[] vt, double[] gt, double[] dv, double[] dm,
                                         int n, double mu, double s, double beta) {
        for (int j = 0; j < n; j++) {                                    // δv_t and δm_t, into dv and dm
            double r = 1 / Math.sqrt(mt[j] + (double) org.momentumrnn4j.cell.dynamics.AdamCell.DELTA);
            double dr = da[j] * r;
            dv[j] = dr + dv[j];
            dm[j] = -0.5 * dr * vt[j] * (r * r) + dm[j];
        }
        double c = 2 * (1 - beta);
        for (int j = 0; j < n; j++) {
            double dvt = dv[j];
            double dmt = dm[j];
            da[j] = s * dvt + c * gt[j] * dmt;
            dv[j] = mu * dvt;
            dm[j] = beta * dmt;
        }
    }

    /** Its adjoint on whole rows: {@code δv_t = δD_t + δv; δg_t = s·δv_t; δv ← c·δv_t} ({@code δD_t → δg_t} in g). */
    private static void momentumScanBackward(double[] g, double[] dv, int n, double c, double s) {
        for (int j = 0; j < n; j++) {
            double dvt = g[j] + dv[j];
            g[j] = s * dvt;
            dv[j] = c * dvt;
        }
    }

    /**
     * In one pass over a row at offset 0: {@code δb_h += δa} (if {@code dbh} is not null), then
     * {@link #momentumScanBackward}, adding the row's {@code δg} to {@code dbx} if it is not null (the same operations
     * in the same order as those passes one after the other).
     */
    private static void biasAndScanBackward(double[] g, double[] dbh, double[] dv, int n, double c, double s, double[] dbx) {
        if (dbh == null) {
            if (dbx != null) {
                momentumScanBackwardSum(g, dv, n, c, s, dbx);
            } else {
                momentumScanBackward(g, dv, n, c, s);
            }
            return;
        }
        if (dbx != null) {
            for (int j = 0; j < n; j++) {
                double d = g[j];
                dbh[j] = dbh[j] + d;
                double dvt = d + dv[j];
                double dg = s * dvt;
                g[j] = dg;
                dbx[j] += dg;
                dv[j] = c * dvt;
            }
        } else {
            for (int j = 0; j < n; j++) {
                double d = g[j];
                dbh[j] = dbh[j] + d;
                double dvt = d + dv[j];
                g[j] = s * dvt;
                dv[j] = c * dvt;
            }
        }
    }

    /** {@link #momentumScanBackward} that also adds the row's {@code δg} to {@code sums} (the bias gradient). */
    private static void momentumScanBackwardSum(double[] g, double[] dv, int n, double c, double s, double[] sums) {
        for (int j = 0; j < n; j++) {
            double dvt = g[j] + dv[j];
            double dg = s * dvt;
            g[j] = dg;
            sums[j] += dg;
            dv[j] = c * dvt;
        }
    }

    /** {@code out[oo..oo+n) = modReLU(z[zo..zo+n), b)}. */
    static void modReluRow(double[] z, int zo, double[] b, double[] out, int oo, int n) {
        for (int j = 0; j < n; j++) {
            out[oo + j] = Pointwise.modRelu(z[zo + j], b[j]);
        }
    }

    /**
     * {@link #modReluRow} through {@code row}, a scratch row at offset 0 (C2 vectorizes a loop over arrays indexed
     * alike, not one over rows at different offsets).
     */
    static void modReluRow(double[] z, int zo, double[] b, double[] out, int oo, int n, double[] row) {
        System.arraycopy(z, zo, row, 0, n);
        modReluInPlace(row, b, n);
        System.arraycopy(row, 0, out, oo, n);
    }

    private static void modReluInPlace(double[] x, double[] b, int n) {
        for (int j = 0; j < n; j++) {
            x[j] = Pointwise.modRelu(x[j], b[j]);
        }
    }

    /**
     * modReLU backward over one row, in place: {@code work[o..o+n)} holds z and receives δz = δh·[|z| + b > 0]
     * (0 at z = 0, where sign(z) is 0); {@code δb += δh·sign(z)·[|z| + b > 0]}. The loop runs on scratch rows
     * {@code zRow} and {@code dRow} at offset 0 (see {@link #modReluRow(double[], int, double[], double[], int, int,
     * double[])}).
     */
    private static void modReluBackwardRow(double[] work, int o, double[] b, double[] dh, int oh, double[] db, int n,
                                           double[] zRow, double[] dRow) {
        System.arraycopy(work, o, zRow, 0, n);
        System.arraycopy(dh, oh, dRow, 0, n);
        modReluBackwardInPlace(zRow, dRow, b, db, n);
        System.arraycopy(zRow, 0, work, o, n);
    }

    private static void modReluBackwardInPlace(double[] z, double[] dh, double[] b, double[] db, int n) {
        for (int j = 0; j < n; j++) {
            double zj = z[j];
            double sg = Pointwise.sign(zj);
            double on = Pointwise.positive(Math.max(Math.abs(zj) + b[j], 0.0));     // [|z| + b > 0], branch-free
            double g = dh[j] * on;
            z[j] = sg * sg * g;
            db[j] += g * sg;
        }
    }

    /** {@code x[xo..xo+n) += y[yo..yo+n)}. */
    static void addTo(double[] x, int xo, double[] y, int yo, int n) {
        for (int j = 0; j < n; j++) {
            x[xo + j] += y[yo + j];
        }
    }

    /**
     * {@code a[ao..ao+n) = (g[go..) + bx) + (r[ro..) + bias)} (no bx, no bias where null) through rows at offset 0,
     * which C2 vectorizes (a loop over arrays at different offsets it does not).
     */
    private static void driveSum(double[] a, int ao, double[] g, int go, double[] r, int ro, double[] bias, double[] bx,
                                 int n, double[] rowG, double[] rowR) {
        System.arraycopy(g, go, rowG, 0, n);
        System.arraycopy(r, ro, rowR, 0, n);
        if (bx != null) {
            addRows(rowG, bx, n);
        }
        if (bias != null) {
            addBiased(rowG, rowR, bias, n);
        } else {
            addRows(rowG, rowR, n);
        }
        System.arraycopy(rowG, 0, a, ao, n);
    }

    /**
     * {@link #driveSum} with the Momentum / SR-B filter step first: {@code v ← c·v + s·(g + bx)} (no {@code bx} if
     * null), then {@code a = v + (r + bias)}; {@code v} is the sample's state row at offset 0. The same operations
     * in the same order as the filter's own pass followed by {@link #driveSum}.
     */
    private static void driveSumScan(double[] a, int ao, double[] g, int go, double[] r, int ro, double[] bias, int n,
                                     double[] rowG, double[] rowR, double[] v, double c, double s, double[] bx) {
        System.arraycopy(g, go, rowG, 0, n);
        System.arraycopy(r, ro, rowR, 0, n);
        // One pass instead of the filter's and the sum's (MomentumLSTM at shape B: the filter's passes were 12 % of the
        // Java samples); each element sees the same operations in the same order.
        if (bx != null && bias != null) {
            for (int j = 0; j < n; j++) {
                double vn = c * v[j] + s * (rowG[j] + bx[j]);
                v[j] = vn;
                rowG[j] = vn + (rowR[j] + bias[j]);
            }
        } else if (bx != null) {
            for (int j = 0; j < n; j++) {
                double vn = c * v[j] + s * (rowG[j] + bx[j]);
                v[j] = vn;
                rowG[j] = vn + rowR[j];
            }
        } else if (bias != null) {
            for (int j = 0; j < n; j++) {
                double vn = c * v[j] + s * rowG[j];
                v[j] = vn;
                rowG[j] = vn + (rowR[j] + bias[j]);
            }
        } else {
            for (int j = 0; j < n; j++) {
                double vn = c * v[j] + s * rowG[j];
                v[j] = vn;
                rowG[j] = vn + rowR[j];
            }
        }
        System.arraycopy(rowG, 0, a, ao, n);
    }

    private static void addBiased(double[] x, double[] y, double[] bias, int n) {
        for (int j = 0; j < n; j++) {
            x[j] = x[j] + (y[j] + bias[j]);
        }
    }

    private static void addRows(double[] x, double[] y, int n) {
        for (int j = 0; j < n; j++) {
            x[j] = x[j] + y[j];
        }
    }

    static void sum(double[] out, int oo, double[] x, int xo, double[] y, int yo, int n) {
        for (int j = 0; j < n; j++) {
            out[oo + j] = x[xo + j] + y[yo + j];
        }
    }

    /** {@code x[xo..xo+n) *= y[yo..yo+n)}. */
    static void mulInPlace(double[] x, int xo, double[] y, int yo, int n) {
        for (int j = 0; j < n; j++) {
            x[xo + j] *= y[yo + j];
        }
    }

    /** SR form A: {@code p = r − s·g; a = p + κ(p − p_prev); p_prev ← p} over one row. */
    /**
     * {@link #srAStep} of sample row {@code o} with the recurrent bias added to {@code r} first ({@code p_t = (r + b)
     * − s g}), through rows at offset 0 ({@code g} from {@code work[go..)}; r, the state p and the result a at
     * {@code o}).
     */
    private static void srARow(double[] a, double[] work, int go, double[] r, double[] p, int o, double[] bias,
                               double[] bx, int n, double s, double kappa, double[] rowG, double[] rowR, double[] rowP) {
        System.arraycopy(work, go, rowG, 0, n);
        System.arraycopy(r, o, rowR, 0, n);
        System.arraycopy(p, o, rowP, 0, n);
        if (bx != null) {
            addRows(rowG, bx, n);                                           // g_t = W x_t + b_x
        }
        if (bias != null) {
            addRows(rowR, bias, n);
        }
        srAStep(rowR, 0, rowG, 0, rowP, 0, rowR, 0, n, s, kappa);
        System.arraycopy(rowR, 0, a, o, n);
        System.arraycopy(rowP, 0, p, o, n);
    }

    /** SR-A backward of a row: {@code δp_t = δp + (1+κ) δa; δp ← −κ δa}; δa → δp_t in place. */
    private static void srABackwardRow(double[] da, double[] dp, int n, double kap) {
        for (int j = 0; j < n; j++) {
            double d = da[j];
            double dpt = dp[j] + (1 + kap) * d;
            dp[j] = -kap * d;
            da[j] = dpt;
        }
    }

    static void srAStep(double[] r, int ro, double[] g, int go, double[] p, int po, double[] a, int ao, int n,
                                double s, double kappa) {
        for (int j = 0; j < n; j++) {
            double pj = r[ro + j] - s * g[go + j];
            a[ao + j] = pj + kappa * (pj - p[po + j]);
            p[po + j] = pj;
        }
    }

    /**
     * LSTM cell update of one row in place, {@code c ← f ⊙ c + i ⊙ ĝ} with gates {@code a[ob..] = [i, f, ĝ, o]}.
     * In-place loops (the same index read and written) are what C2 vectorizes; a loop reading one array at one
     * offset and writing it at another it leaves scalar (measured 5× slower).
     */
    static void lstmCell(double[] cs, int at, double[] a, int ob, int hh) {
        for (int j = 0; j < hh; j++) {
            cs[at + j] = a[ob + hh + j] * cs[at + j] + a[ob + j] * a[ob + 2 * hh + j];
        }
    }

    /**
     * LSTM backward of one row: the gate activations {@code work[o..o+4H)} are replaced by the gradients of the
     * pre-activations, {@code dc} becomes {@code δc_{t−1}}; {@code tc = tanh(c_t)}. Every row involved is first
     * copied to a scratch row at offset 0 ({@code g[0..3]} the gates, {@code g[4]} δc_t, {@code g[5..7]} δc, δh and
     * c_{t−1}, {@code g[8]} the input gate's result), the loops run there and the results are copied back: C2
     * vectorizes loops whose arrays are all indexed alike, not loops over rows at different offsets.
     */
    private static void lstmBackward(double[] work, int o, double[] tc, double[] cs, int hPrev, double[] dh, double[] dc,
                                     int oh, int hh, double[][] g) {
        double[] ig = g[0];
        double[] fg = g[1];
        double[] gg = g[2];
        double[] og = g[3];
        double[] dct = g[4];
        double[] dcr = g[5];
        double[] dhr = g[6];
        double[] cp = g[7];
        double[] di = g[8];
        System.arraycopy(work, o, ig, 0, hh);
        System.arraycopy(work, o + hh, fg, 0, hh);
        System.arraycopy(work, o + 2 * hh, gg, 0, hh);
        System.arraycopy(work, o + 3 * hh, og, 0, hh);
        System.arraycopy(dc, oh, dcr, 0, hh);
        System.arraycopy(dh, oh, dhr, 0, hh);
        System.arraycopy(cs, hPrev, cp, 0, hh);
        lstmCellBackward(ig, fg, gg, og, dct, dcr, dhr, cp, di, tc, hh);
        System.arraycopy(di, 0, work, o, hh);
        System.arraycopy(fg, 0, work, o + hh, hh);
        System.arraycopy(gg, 0, work, o + 2 * hh, hh);
        System.arraycopy(og, 0, work, o + 3 * hh, hh);
        System.arraycopy(dcr, 0, dc, oh, hh);
    }

    /** The loops of {@link #lstmBackward} on rows at offset 0; fg, gg, og and dcr are overwritten by their results. */
    private static void lstmCellBackward(double[] ig, double[] fg, double[] gg, double[] og, double[] dct, double[] dcr,
                                         double[] dhr, double[] cp, double[] di, double[] tc, int hh) {
        for (int j = 0; j < hh; j++) {
            dct[j] = dcr[j] + dhr[j] * og[j] * (1 - tc[j] * tc[j]);
        }
        for (int j = 0; j < hh; j++) {
            og[j] = dhr[j] * tc[j] * og[j] * (1 - og[j]);
        }
        for (int j = 0; j < hh; j++) {
            di[j] = dct[j] * gg[j] * ig[j] * (1 - ig[j]);
        }
        for (int j = 0; j < hh; j++) {
            gg[j] = dct[j] * ig[j] * (1 - gg[j] * gg[j]);
        }
        for (int j = 0; j < hh; j++) {
            dcr[j] = dct[j] * fg[j];
        }
        for (int j = 0; j < hh; j++) {
            fg[j] = dct[j] * cp[j] * fg[j] * (1 - fg[j]);
        }
    }

    /** {@code op(a)·op(b)} into an {@link ArrayPool} array of {@code [rows, cols]} (a gradient the caller owns). */
    private static INDArray product(INDArray a, INDArray b, boolean transA, boolean transB, DataType type, long rows,
                                    long cols) {
        INDArray out = ArrayPool.take(type, rows, cols);
        Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
        return out;
    }

    /**
     * {@code α (aᵀ·b)ᵀ} ({@code [rows, cols]}) into an {@link ArrayPool} array: {@code aᵀ·b} ({@code [cols, rows]})
     * in native scratch, transposed on the heap. For the weight gradients {@code δU = δRᵀ H} and {@code δW = δGᵀ X}
     * OpenBLAS computes {@code Hᵀ δR} and {@code Xᵀ δG} faster than the transposed-first products (one core,
     * [T·B, G] = [1600, 1024]: with H [1600, 256] 4.8–5.1 vs 5.8–6.6 ms, with X [1600, 64] 1.6 vs 2.0–2.2 ms), and
     * the transpose of the result costs 0.12–0.19 ms at [256, 1024] (benchmarks/RESULTS.md, session 11).
     */
    private static INDArray transposedProduct(INDArray a, INDArray b, double alpha, DataType type, int rows, int cols) {
        INDArray t = NativeScratch.exact("transposedProduct", type, cols, rows);
        Nd4j.gemm(a, b, t, true, false, alpha, 0.0);
        double[] heap = HeapPool.take(rows * cols);
        double[] out = HeapPool.take(rows * cols);
        HeapTransfer.read(t, heap, 0);
        transpose(heap, cols, rows, out);
        INDArray result = HeapTransfer.create(out, 0, type, rows, cols);
        HeapPool.give(heap, out);
        return result;
    }

    /** The row-major {@code [rows, cols]} matrix {@code src} transposed into {@code dst} ({@code [cols, rows]}), in tiles. */
    private static void transpose(double[] src, int rows, int cols, double[] dst) {
        final int tile = 32;
        for (int i0 = 0; i0 < rows; i0 += tile) {
            int i1 = Math.min(rows, i0 + tile);
            for (int j0 = 0; j0 < cols; j0 += tile) {
                int j1 = Math.min(cols, j0 + tile);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        dst[j * rows + i] = src[i * cols + j];
                    }
                }
            }
        }
    }

    private int inputs() {
        return 1 + numSlots + (kind == Base.Kind.DTRIV ? 3 : 4);
    }

    /** Σ over the rows of the row-major {@code [rows, cols]} heap matrix, as {@code [1, cols]}. */
    private static INDArray columnSums(double[] m, int rows, int cols, double scale, DataType type) {
        double[] sums = new double[cols];
        double[] row = new double[cols];                                  // each row at offset 0 (vectorized add)
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m, r * cols, row, 0, cols);
            addRows(sums, row, cols);
        }
        scaleInPlace(sums, scale, cols);
        return HeapTransfer.create(sums, 0, type, 1, cols);
    }

    /** The incoming gradient of a state in a pooled array (zeros when there is none). */
    private static double[] gradOrZero(INDArray g, int n) {
        double[] out = HeapPool.take(n);
        if (g == null) {
            java.util.Arrays.fill(out, 0, n, 0.0);
        } else {
            HeapTransfer.read(g, out, 0);
        }
        return out;
    }
}
