package org.momentumrnn4j.cell.dynamics;

import java.util.List;
import org.momentumrnn4j.autograd.Ops;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.CellState;

/**
 * The base cell without momentum: {@code a_t = g_t + r_t} (LSTM, DTRIV, vanilla RNN; spec/cells.md §3.1).
 */
public final class PlainCell extends DriveCell {

    /** A plain cell over {@code base}. */
    public PlainCell(Base base, CellConfig config) {
        super(base, config, List.of(), false);
    }

    /** A builder (LSTM base by default). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Tensor[] drive(Tensor g, Tensor r, CellState state, int k) {
        return new Tensor[] {Ops.add(g, r)};
    }

    @Override
    public DriveSpec driveSpec() {
        return new DriveSpec.Plain();
    }

    @Override
    public String toString() {
        return "PlainCell[" + base().kind() + " " + inputSize() + "→" + hiddenSize() + "]";
    }

    /** Builder of {@link PlainCell}. */
    public static final class Builder extends DriveCell.Builder<Builder> {
        /** Builds the cell. */
        public PlainCell build() {
            return new PlainCell(buildBase(), config);
        }
    }
}
