package org.momentumrnn4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.CellConfig;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SrForm;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Everything needed to rebuild a {@link SequenceModel}: the recurrent layers, the head and the seed.
 * Immutable; {@link #toMap()} / {@link #fromMap(Map)} give its JSON form (saved in model archives).
 *
 * @param inputSize  features per step
 * @param layers     the recurrent layers, bottom first
 * @param dropout    dropout between layers, in [0, 1)
 * @param head       where the linear readout is applied
 * @param outputs    outputs of the readout (classes, or regression targets)
 * @param dataType   FLOAT or DOUBLE
 * @param seed       seed of the head initializer and of dropout; each layer has its own cell seed
 */
public record ModelConfig(int inputSize, List<Layer> layers, double dropout, Head head, int outputs,
                          DataType dataType, long seed) {

    /** Where the readout is applied. */
    public enum Head {
        /** A linear map of the last real step's hidden state (classification, the adding task). */
        LAST_STEP,
        /** A linear map of every step's output (sequence labelling, the copy task). */
        EVERY_STEP
    }

    /**
     * One recurrent layer.
     *
     * @param base   vanilla, LSTM or DTRIV
     * @param hidden hidden size
     * @param drive  the drive transform (plain, momentum, Adam/RMSProp, SR)
     * @param cell   initialization and quirk options (with the cell's seed)
     */
    public record Layer(Base.Kind base, int hidden, DriveSpec drive, CellConfig cell) {
        /** Validates. */
        public Layer {
            if (base == null || drive == null || cell == null) {
                throw new IllegalArgumentException("layer base, drive and cell options must be set");
            }
            if (hidden < 1) {
                throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
            }
        }
    }

    /** Validates. */
    public ModelConfig {
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize must be >= 1, got " + inputSize);
        }
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one recurrent layer");
        }
        layers = List.copyOf(layers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        if (head == null) {
            throw new IllegalArgumentException("head must be set");
        }
    }

    /** A one-layer model. */
    public static ModelConfig single(int inputSize, Layer layer, Head head, int outputs, DataType type, long seed) {
        return new ModelConfig(inputSize, List.of(layer), 0.0, head, outputs, type, seed);
    }

    /** The JSON-ready form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input_size", inputSize);
        List<Object> ls = new ArrayList<>();
        for (Layer l : layers) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("base", l.base().name());
            lm.put("hidden", l.hidden());
            lm.put("drive", driveToMap(l.drive()));
            lm.put("cell", cellToMap(l.cell()));
            ls.add(lm);
        }
        m.put("layers", ls);
        m.put("dropout", dropout);
        m.put("head", head.name());
        m.put("outputs", outputs);
        m.put("data_type", dataType.name());
        m.put("seed", seed);
        return m;
    }

    /** Parses {@link #toMap()}'s form; any missing or malformed field throws {@link IllegalArgumentException}. */
    public static ModelConfig fromMap(Map<String, Object> m) {
        List<Layer> layers = new ArrayList<>();
        for (Object o : list(m, "layers")) {
            Map<String, Object> lm = map(o, "layer");
            layers.add(new Layer(enumOf(Base.Kind.class, str(lm, "base")), integer(lm, "hidden"),
                    driveFromMap(map(lm.get("drive"), "drive")), cellFromMap(map(lm.get("cell"), "cell"))));
        }
        return new ModelConfig(integer(m, "input_size"), layers, number(m, "dropout"),
                enumOf(Head.class, str(m, "head")), integer(m, "outputs"),
                enumOf(DataType.class, str(m, "data_type")), longValue(m, "seed"));
    }

    static Map<String, Object> driveToMap(DriveSpec d) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d instanceof DriveSpec.Plain) {
            m.put("kind", "plain");
        } else if (d instanceof DriveSpec.Momentum mo) {
            m.put("kind", "momentum");
            m.put("mu", mo.mu());
            m.put("step_size", mo.stepSize());
        } else if (d instanceof DriveSpec.Adam a) {
            m.put("kind", "adam");
            m.put("mu", a.mu());
            m.put("step_size", a.stepSize());
            m.put("beta", a.beta());
        } else if (d instanceof DriveSpec.ScheduledRestart sr) {
            m.put("kind", "sr");
            m.put("form", sr.form().name());
            m.put("step_size", sr.stepSize());
            m.put("restart_period", sr.restartPeriod());
        }
        return m;
    }

    static DriveSpec driveFromMap(Map<String, Object> m) {
        String kind = str(m, "kind");
        return switch (kind) {
            case "plain" -> new DriveSpec.Plain();
            case "momentum" -> new DriveSpec.Momentum(number(m, "mu"), number(m, "step_size"));
            case "adam" -> new DriveSpec.Adam(number(m, "mu"), number(m, "step_size"), number(m, "beta"));
            case "sr" -> new DriveSpec.ScheduledRestart(enumOf(SrForm.class, str(m, "form")), number(m, "step_size"),
                    integer(m, "restart_period"));
            default -> throw new IllegalArgumentException("unknown drive kind '" + kind + "'");
        };
    }

    static Map<String, Object> cellToMap(CellConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", c.seed());
        m.put("forget_bias", c.forgetBias());
        m.put("forget_bias_placement", c.forgetBiasPlacement().name());
        m.put("lstm_recurrent_init", c.lstmRecurrentInit().name());
        m.put("vanilla_recurrent_init", c.vanillaRecurrentInit().name());
        m.put("vanilla_activation", c.vanillaActivation().name());
        m.put("counter_scope", c.counterScope().name());
        m.put("dtriv_input_init", c.dtrivInputInit().name());
        m.put("modrelu_bias_init", c.modReluBiasInit().name());
        m.put("skew_init", c.skewInit().name());
        return m;
    }

    static CellConfig cellFromMap(Map<String, Object> m) {
        return new CellConfig(longValue(m, "seed"), number(m, "forget_bias"),
                enumOf(CellConfig.ForgetBiasPlacement.class, str(m, "forget_bias_placement")),
                enumOf(CellConfig.LstmRecurrentInit.class, str(m, "lstm_recurrent_init")),
                enumOf(CellConfig.VanillaRecurrentInit.class, str(m, "vanilla_recurrent_init")),
                enumOf(CellConfig.Activation.class, str(m, "vanilla_activation")),
                enumOf(CellConfig.CounterScope.class, str(m, "counter_scope")),
                enumOf(CellConfig.DtrivInputInit.class, str(m, "dtriv_input_init")),
                enumOf(CellConfig.ModReluBiasInit.class, str(m, "modrelu_bias_init")),
                enumOf(CellConfig.SkewInit.class, str(m, "skew_init")));
    }

    // ---- strict field access ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("'" + what + "' must be an object, got " + o);
        }
        return (Map<String, Object>) o;
    }

    static List<?> list(Map<String, Object> m, String k) {
        Object o = m.get(k);
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("'" + k + "' must be a list, got " + o);
        }
        return l;
    }

    static String str(Map<String, Object> m, String k) {
        Object o = m.get(k);
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("'" + k + "' must be a string, got " + o);
        }
        return s;
    }

    static double number(Map<String, Object> m, String k) {
        Object o = m.get(k);
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("'" + k + "' must be a number, got " + o);
        }
        return n.doubleValue();
    }

    static long longValue(Map<String, Object> m, String k) {
        Object o = m.get(k);
        if (!(o instanceof Long || o instanceof Integer)) {
            throw new IllegalArgumentException("'" + k + "' must be an integer, got " + o);
        }
        return ((Number) o).longValue();
    }

    static int integer(Map<String, Object> m, String k) {
        long v = longValue(m, k);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + k + "' is out of int range: " + v);
        }
        return (int) v;
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not a " + type.getSimpleName() + " (one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ")");
        }
    }
}
