package org.momentumrnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run stands: epochs done, iterations, the best monitored loss, epochs without improvement, the
 * schedules' counters and the history. Saved in checkpoints (as the {@code training} object of
 * {@code config.json}).
 */
public record TrainingState(int epochsDone, long iterations, double best, int badEpochs, double[] scheduleState,
                            long[] dtrivState, List<EpochMetrics> history) {

    /** The state before the first epoch. */
    public static TrainingState initial() {
        return new TrainingState(0, 0, Double.POSITIVE_INFINITY, 0, new double[0], new long[5], List.of());
    }

    /** The state after epoch {@code m}. */
    TrainingState next(EpochMetrics m, double newBest, int bad, double[] sched, long[] dtriv) {
        List<EpochMetrics> h = new ArrayList<>(history);
        h.add(m);
        return new TrainingState(m.epoch() + 1, m.iterations(), newBest, bad, sched, dtriv, List.copyOf(h));
    }

    /** JSON-ready form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs_done", epochsDone);
        m.put("iterations", iterations);
        m.put("best", Double.isInfinite(best) ? null : best);
        m.put("bad_epochs", badEpochs);
        List<Object> s = new ArrayList<>();
        for (double v : scheduleState) {
            s.add(Double.isInfinite(v) ? null : v);
        }
        m.put("schedule_state", s);
        List<Object> d = new ArrayList<>();
        for (long v : dtrivState) {
            d.add(v);
        }
        m.put("dtriv_state", d);
        List<Object> hist = new ArrayList<>();
        for (EpochMetrics e : history) {
            hist.add(java.util.Arrays.asList(e.epoch(), e.iterations(), nan(e.trainLoss()), nan(e.validationLoss()),
                    nan(e.validationAccuracy()), e.learningRate(), e.seconds()));
        }
        m.put("history", hist);
        return m;
    }

    private static Object nan(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double num(Object o) {
        if (o == null) {
            return Double.NaN;
        }
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("expected a number in the training state, got " + o);
        }
        return n.doubleValue();
    }

    /** Parses {@link #toMap()}; malformed input throws {@link IllegalArgumentException}. */
    public static TrainingState fromMap(Map<String, Object> m) {
        if (m == null || m.isEmpty()) {
            throw new IllegalArgumentException("the archive has no training state");
        }
        List<?> s = (List<?>) m.get("schedule_state");
        double[] sched = new double[s.size()];
        for (int i = 0; i < sched.length; i++) {
            sched[i] = s.get(i) == null ? Double.POSITIVE_INFINITY : num(s.get(i));
        }
        List<?> d = (List<?>) m.get("dtriv_state");
        long[] dt = new long[d.size()];
        for (int i = 0; i < dt.length; i++) {
            dt[i] = (long) num(d.get(i));
        }
        List<EpochMetrics> hist = new ArrayList<>();
        for (Object o : (List<?>) m.get("history")) {
            List<?> r = (List<?>) o;
            hist.add(new EpochMetrics((int) num(r.get(0)), (long) num(r.get(1)), num(r.get(2)), num(r.get(3)),
                    num(r.get(4)), num(r.get(5)), num(r.get(6))));
        }
        Object best = m.get("best");
        return new TrainingState((int) num(m.get("epochs_done")), (long) num(m.get("iterations")),
                best == null ? Double.POSITIVE_INFINITY : num(best), (int) num(m.get("bad_epochs")), sched, dt,
                List.copyOf(hist));
    }
}
