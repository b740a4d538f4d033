package org.momentumrnn4j.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.dynamics.MomentumCell;
import org.momentumrnn4j.cell.dynamics.PlainCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Initialization: the reference preset against the golden file's init_facts, the clean defaults, seeding. */
class InitializationTest {

    @SuppressWarnings("unchecked")
    @Test
    void referenceCompatMatchesTheGoldenInitFacts() throws Exception {
        GoldenFile file = GoldenFile.read(GoldenFile.directory().resolve("reference-cells.json"));
        Map<String, Object> facts = (Map<String, Object>) file.root.get("init_facts");
        // a cell with H = 5 and d = 1, default fg = 1
        Map<String, Tensor> p = PlainCell.builder().lstm(1, 5).config(ReferenceCompat.config())
                .dataType(DataType.DOUBLE).build().parameters();
        INDArray w = p.get("W").value();
        assertEquals(((Number) facts.get("x2h.weight(4H x 1) column norm")).doubleValue(), w.norm2Number().doubleValue(), 1e-12);
        assertEquals(Boolean.TRUE, facts.get("h2h.weight == eye(4H,H)"));
        assertEquals(Init.eye(20, 5, DataType.DOUBLE), p.get("U").value());
        double[] bx = ((List<Number>) facts.get("x2h.bias")).stream().mapToDouble(Number::doubleValue).toArray();
        double[] bh = ((List<Number>) facts.get("h2h.bias")).stream().mapToDouble(Number::doubleValue).toArray();
        assertArrayEquals(bx, p.get("b_x").value().data().asDouble(), 0);
        assertArrayEquals(bh, p.get("b_h").value().data().asDouble(), 0);
        // TIMIT: d = 129, fg = −4: orthonormal columns, forget block −4 in both bias vectors
        Map<String, Tensor> t = PlainCell.builder().lstm(129, 40).config(ReferenceCompat.config().withForgetBias(-4))
                .dataType(DataType.DOUBLE).build().parameters();
        INDArray wt = t.get("W").value();
        INDArray gram = wt.transpose().mmul(wt);
        assertEquals(Boolean.TRUE, facts.get("timit x2h.weight^T x2h.weight == I(129)"));
        assertTrue(gram.sub(Nd4j.eye(129).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-12);
        List<Number> fb = (List<Number>) facts.get("timit forget bias blocks");
        assertEquals(fb.get(0).doubleValue(), t.get("b_x").value().getDouble(0, 40), 0);
        assertEquals(fb.get(1).doubleValue(), t.get("b_h").value().getDouble(0, 79), 0);
    }

    @Test
    void cleanDefaultsPlaceTheForgetBiasOnceAndUseOrthogonalBlocks() {
        Map<String, Tensor> p = MomentumCell.builder().lstm(3, 6).dataType(DataType.DOUBLE).build().parameters();
        INDArray bx = p.get("b_x").value();
        INDArray bh = p.get("b_h").value();
        assertEquals(0.0, bx.amaxNumber().doubleValue(), 0, "b_x is all zero (Q2 clean)");
        for (int j = 0; j < 24; j++) {
            assertEquals(j >= 6 && j < 12 ? 1.0 : 0.0, bh.getDouble(0, j), 0);
        }
        INDArray u = p.get("U").value();
        for (int blk = 0; blk < 4; blk++) {
            INDArray b = u.get(NDArrayIndex.interval(blk * 6, (blk + 1) * 6), NDArrayIndex.all());
            INDArray gram = b.transpose().mmul(b);
            assertTrue(gram.sub(Nd4j.eye(6).castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-12,
                    "block " + blk + " orthogonal");
        }
    }

    @Test
    void dtrivInitsFollowTheReference() {
        int h = 64;
        int d = 8;
        Map<String, Tensor> p = PlainCell.builder().dtriv(d, h).config(ReferenceCompat.config())
                .dataType(DataType.DOUBLE).build().parameters();
        INDArray w = p.get("W_in").value();
        double var = w.mul(w).meanNumber().doubleValue();
        // N(0, 2/d): the sample variance of 512 draws lies within 4 standard errors (√(2/511)·2/d ≈ 0.016)
        assertEquals(2.0 / d, var, 4 * Math.sqrt(2.0 / (w.length() - 1)) * 2.0 / d);
        INDArray b = p.get("b").value();
        assertTrue(b.amaxNumber().doubleValue() < 0.01 && b.amaxNumber().doubleValue() > 0);
        INDArray pp = p.get("P").value();
        assertEquals(0.0, pp.add(pp.transpose()).amaxNumber().doubleValue(), 0, "P holds a full skew matrix");
        for (int i = 0; i < h; i += 2) {
            double theta = pp.getDouble(i, i + 1);
            assertTrue(theta > -1 && theta < 0, "Cayley angle " + theta + " in (−1, 0)");
        }
    }

    @Test
    void seedsFixEveryParameter() {
        for (Base.Kind k : Base.Kind.values()) {
            Map<String, Tensor> a = MomentumCell.builder().base(k, 3, 5).seed(42).build().parameters();
            Map<String, Tensor> b = MomentumCell.builder().base(k, 3, 5).seed(42).build().parameters();
            Map<String, Tensor> c = MomentumCell.builder().base(k, 3, 5).seed(43).build().parameters();
            boolean anyDiffers = false;
            for (String name : a.keySet()) {
                assertEquals(a.get(name).value(), b.get(name).value(), k + " " + name);
                anyDiffers |= !a.get(name).value().equals(c.get(name).value());
            }
            assertTrue(anyDiffers, k + ": another seed changes the parameters");
        }
        assertFalse(CellConfig.defaults().seed() != CellConfig.DEFAULT_SEED);
    }
}
