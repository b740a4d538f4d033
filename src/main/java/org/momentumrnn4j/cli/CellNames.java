package org.momentumrnn4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.momentumrnn4j.cell.Base;
import org.momentumrnn4j.cell.dynamics.DriveSpec;
import org.momentumrnn4j.cell.dynamics.SrForm;

/**
 * Cell names as users say them: {@code <dynamics>-<base>} with dynamics {@code momentum}, {@code adam},
 * {@code rmsprop}, {@code sr-…-a} / {@code sr-…-b}, and bases {@code lstm}, {@code dtriv}, {@code rnn};
 * the bare base name is the plain cell ({@code lstm}, {@code dtriv}, {@code rnn}).
 */
public final class CellNames {
    private CellNames() {}

    /** A parsed cell name with the hyper-parameters to use. */
    public record Parsed(String name, Base.Kind base, DriveSpec drive) {}

    /** Hyper-parameter overrides; NaN / −1 keep the defaults. */
    public record Hyper(double mu, double stepSize, double beta, int restart) {
        /** No overrides. */
        public static Hyper defaults() {
            return new Hyper(Double.NaN, Double.NaN, Double.NaN, -1);
        }
    }

    /** Every accepted name. */
    public static List<String> all() {
        List<String> l = new ArrayList<>();
        for (String b : new String[] {"lstm", "dtriv", "rnn"}) {
            l.add(b);
            l.add("momentum-" + b);
            l.add("adam-" + b);
            l.add("rmsprop-" + b);
            l.add("sr-" + b + "-a");
            l.add("sr-" + b + "-b");
        }
        return l;
    }

    private static double or(double v, double d) {
        return Double.isNaN(v) ? d : v;
    }

    /**
     * Parses a name. Defaults (the paper's pixel-MNIST settings): momentum μ 0.6, s 0.6; adam μ 0.6, s 0.6,
     * β 0.1; rmsprop s 0.6, β 0.9; sr s 1.0, F 2.
     */
    public static Parsed parse(String name, Hyper h) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        String form = null;
        if (n.startsWith("sr-") && (n.endsWith("-a") || n.endsWith("-b"))) {
            form = n.substring(n.length() - 1);
            n = "sr-" + n.substring(3, n.length() - 2);
        }
        String dyn = "plain";
        String baseName = n;
        int dash = n.indexOf('-');
        if (dash > 0) {
            dyn = n.substring(0, dash);
            baseName = n.substring(dash + 1);
        }
        Base.Kind base = switch (baseName) {
            case "lstm" -> Base.Kind.LSTM;
            case "dtriv" -> Base.Kind.DTRIV;
            case "rnn" -> Base.Kind.VANILLA;
            default -> throw new IllegalArgumentException("unknown cell '" + name + "'; known: " + all());
        };
        DriveSpec drive = switch (dyn) {
            case "plain" -> new DriveSpec.Plain();
            case "momentum" -> new DriveSpec.Momentum(or(h.mu(), 0.6), or(h.stepSize(), 0.6));
            case "adam" -> new DriveSpec.Adam(or(h.mu(), 0.6), or(h.stepSize(), 0.6), or(h.beta(), 0.1));
            case "rmsprop" -> new DriveSpec.Adam(0.0, or(h.stepSize(), 0.6), or(h.beta(), 0.9));
            case "sr" -> {
                if (form == null) {
                    throw new IllegalArgumentException("SR cells need an explicit form: sr-" + baseName + "-a or sr-"
                            + baseName + "-b");
                }
                yield new DriveSpec.ScheduledRestart(form.equals("a") ? SrForm.A_PREACTIVATION_NAG
                        : SrForm.B_TIME_VARYING_MOMENTUM, or(h.stepSize(), 1.0), h.restart() >= 0 ? h.restart() : 2);
            }
            default -> throw new IllegalArgumentException("unknown cell '" + name + "'; known: " + all());
        };
        return new Parsed(name, base, drive);
    }
}
