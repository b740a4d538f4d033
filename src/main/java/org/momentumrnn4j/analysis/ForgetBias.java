package org.momentumrnn4j.analysis;

import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The effective forget-gate bias of LSTM-type cells (spec/cells.md §7.1, spec/vanishing-gradients.md §2.4):
 * with zero input and {@code h = 0}, the forget pre-activation settles at {@code b_h + b_x} for the LSTM but at
 * {@code b_h + s·b_x/(1 − μ)} for a momentum cell, whose input drive (bias included) is filtered. This
 * difference, not momentum, explains most of the LSTM gradient gain at initialization with the reference's
 * bias placement; {@link #matchPlainLstm} removes it so that the effect of momentum can be measured alone.
 */
public final class ForgetBias {
    private ForgetBias() {}

    /** The steady-state forget-gate bias per unit ({@code [H]}) of an LSTM-type plain or momentum cell. */
    public static double[] effective(DriveCell cell) {
        requireLstm(cell);
        int h = cell.hiddenSize();
        INDArray bx = cell.parameters().get("b_x").value();
        INDArray bh = cell.parameters().get("b_h").value();
        double gain;
        DriveSpec d = cell.driveSpec();
        if (d instanceof DriveSpec.Plain) {
            gain = 1.0;
        } else if (d instanceof DriveSpec.Momentum m) {
            gain = m.mu() == 1.0 ? Double.POSITIVE_INFINITY : m.stepSize() / (1 - m.mu());
        } else {
            throw new IllegalArgumentException("the effective forget bias is defined here for plain and momentum "
                    + "LSTM cells, got " + cell);
        }
        double[] out = new double[h];
        for (int j = 0; j < h; j++) {
            double x = bx.getDouble(0, h + j);
            out[j] = bh.getDouble(0, h + j) + (x == 0 ? 0 : gain * x);
        }
        return out;
    }

    /**
     * Sets the plain LSTM's forget bias so that its effective forget bias equals the momentum cell's
     * ({@code b_h + s·b_x/(1−μ)}): the plain cell's {@code b_x} forget block becomes 0 and its {@code b_h} forget
     * block carries the whole value.
     */
    public static void matchPlainLstm(DriveCell plainLstm, DriveCell momentumLstm) {
        requireLstm(plainLstm);
        if (!(plainLstm.driveSpec() instanceof DriveSpec.Plain)) {
            throw new IllegalArgumentException("the cell to adjust must be a plain LSTM, got " + plainLstm);
        }
        if (plainLstm.hiddenSize() != momentumLstm.hiddenSize()) {
            throw new IllegalArgumentException("hidden sizes differ: " + plainLstm.hiddenSize() + " vs "
                    + momentumLstm.hiddenSize());
        }
        double[] target = effective(momentumLstm);
        int h = plainLstm.hiddenSize();
        INDArray bx = plainLstm.parameters().get("b_x").value();
        INDArray bh = plainLstm.parameters().get("b_h").value();
        for (int j = 0; j < h; j++) {
            bx.putScalar(0, h + j, 0.0);
            bh.putScalar(0, h + j, target[j]);
        }
    }

    private static void requireLstm(DriveCell cell) {
        if (cell.base().kind() != Base.Kind.LSTM) {
            throw new IllegalArgumentException("forget biases belong to LSTM cells, got " + cell);
        }
    }
}
