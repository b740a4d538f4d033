package org.momentumrnn4j.cell.dynamics;

import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.LstmBase;
import org.momentumrnn4j.cell.VanillaBase;
import org.nd4j.linalg.api.buffer.DataType;

/** Builds a built-in cell from its data description (for configurations and persistence). */
public final class Cells {
    private Cells() {}

    /** The cell with base {@code kind}, sizes, drive {@code drive}, options and data type. */
    public static DriveCell create(Base.Kind kind, int inputSize, int hiddenSize, DriveSpec drive, CellConfig config,
                                   DataType type) {
        Base base = switch (kind) {
            case LSTM -> new LstmBase(inputSize, hiddenSize, config, type);
            case VANILLA -> new VanillaBase(inputSize, hiddenSize, config, type);
            case DTRIV -> new DtrivBase(inputSize, hiddenSize, config, type);
        };
        if (drive instanceof DriveSpec.Plain) {
            return new PlainCell(base, config);
        } else if (drive instanceof DriveSpec.Momentum m) {
            return new MomentumCell(base, config, m.mu(), m.stepSize());
        } else if (drive instanceof DriveSpec.Adam a) {
            return a.mu() == 0 ? new RMSPropCell(base, config, a.stepSize(), a.beta())
                               : new AdamCell(base, config, a.mu(), a.stepSize(), a.beta());
        } else if (drive instanceof DriveSpec.ScheduledRestart sr) {
            return new SRCell(base, config, sr.form(), sr.stepSize(), sr.restartPeriod());
        }
        throw new IllegalArgumentException("unknown drive " + drive);
    }
}
