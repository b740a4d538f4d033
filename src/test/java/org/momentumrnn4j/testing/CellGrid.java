package org.momentumrnn4j.testing;

import java.util.ArrayList;
import java.util.List;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.AdamCell;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.momentumrnn4j.cell.dynamics.RMSPropCell;
import org.momentumrnn4j.cell.dynamics.SRCell;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;

/** The cell grid of the tests: plain, Momentum, Adam, RMSProp, SR-A, SR-B over each base. */
public final class CellGrid {
    private CellGrid() {}

    /**
     * Every dynamics over every base with non-trivial hyper-parameters; DTRIV starts at a Henaff (non-zero)
     * skew matrix so that the exponential's backward is exercised.
     */
    public static List<DriveCell> of(int d, int h, DataType type, long seed, int srRestartB) {
        List<DriveCell> cells = new ArrayList<>();
        for (Base.Kind k : Base.Kind.values()) {
            CellConfig cfg = CellConfig.defaults().withSeed(seed).withSkewInit(CellConfig.SkewInit.HENAFF);
            cells.add(PlainCell.builder().base(k, d, h).config(cfg).dataType(type).build());
            cells.add(MomentumCell.builder().base(k, d, h).config(cfg).dataType(type).mu(0.7).stepSize(0.6).build());
            cells.add(AdamCell.builder().base(k, d, h).config(cfg).dataType(type).mu(0.6).stepSize(0.6).beta(0.3).build());
            cells.add(RMSPropCell.builder().base(k, d, h).config(cfg).dataType(type).stepSize(0.6).beta(0.9).build());
            cells.add(SRCell.builder().base(k, d, h).config(cfg).dataType(type).form(SrForm.A_PREACTIVATION_NAG)
                    .stepSize(0.9).restartPeriod(3).build());
            cells.add(SRCell.builder().base(k, d, h).config(cfg).dataType(type).form(SrForm.B_TIME_VARYING_MOMENTUM)
                    .stepSize(0.9).restartPeriod(srRestartB).build());
        }
        return cells;
    }
}
