package org.momentumrnn4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.momentumrnn4j.autograd.Tensor;
import org.momentumrnn4j.cell.DtrivBase;
import org.momentumrnn4j.cell.RecurrentCell;
import org.momentumrnn4j.cell.dynamics.DriveCell;
import org.momentumrnn4j.nn.SequenceModel;
import org.momentumrnn4j.orthogonal.ExpmAlgorithm;
import org.momentumrnn4j.orthogonal.MatrixExp;
import org.momentumrnn4j.orthogonal.Skew;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight exchange with the authors' PyTorch modules (spec/cells.md §8): reads and writes their
 * {@code state_dict} keys and shapes, so a model trained in PyTorch runs here and back.
 *
 * <p><b>Naming schemes</b> ({@link Scheme}); all weights {@code [out, in]}, gate rows i, f, ĝ, o; biases
 * rank 1 in the reference, {@code [1, G]} row vectors in the library:
 * <table>
 *   <caption>reference keys → library tensors</caption>
 *   <tr><th>scheme</th><th>reference key</th><th>shape</th><th>library</th></tr>
 *   <tr><td rowspan="4">{@link Scheme#MNIST_TIMIT} (mnist-timit/momentumnet.py; vanilla cells too)</td>
 *       <td>{@code x2h.weight}</td><td>[G, d]</td><td>{@code W}</td></tr>
 *   <tr><td>{@code x2h.bias}</td><td>[G]</td><td>{@code b_x}</td></tr>
 *   <tr><td>{@code h2h.weight}</td><td>[G, H]</td><td>{@code U}</td></tr>
 *   <tr><td>{@code h2h.bias}</td><td>[G]</td><td>{@code b_h}</td></tr>
 *   <tr><td rowspan="4">{@link Scheme#PTB} (ptb/momentumnet.py)</td>
 *       <td>{@code weight_ih}</td><td>[G, d]</td><td>{@code W}</td></tr>
 *   <tr><td>{@code weight_hh}, or {@code weight_hh_raw} under weight drop</td><td>[G, H]</td><td>{@code U}</td></tr>
 *   <tr><td>{@code bias_ih}</td><td>[G]</td><td>{@code b_x}</td></tr>
 *   <tr><td>{@code bias_hh}</td><td>[G]</td><td>{@code b_h}</td></tr>
 *   <tr><td rowspan="5">{@link Scheme#DTRIV} (mnist-timit/orthogonal.py)</td>
 *       <td>{@code input_kernel.weight}</td><td>[H, d]</td><td>{@code W_in}</td></tr>
 *   <tr><td>{@code recurrent_kernel.A}</td><td>[H, H]</td><td>{@code P} (whole matrix; only its strict
 *       upper triangle is used)</td></tr>
 *   <tr><td>{@code recurrent_kernel.base}</td><td>[H, H]</td><td>buffer {@code base}</td></tr>
 *   <tr><td>{@code nonlinearity.b}</td><td>[H]</td><td>{@code b}</td></tr>
 *   <tr><td>{@code recurrent_kernel._B} (optional, import only)</td><td>[H, H]</td><td>checked, not stored</td></tr>
 * </table>
 * {@code G = 4H} for LSTM-type cells, {@code H} for vanilla cells. The orthogonal kernel keeps the
 * reference's row-vector convention {@code h·B} (Q13), so {@code A} and {@code base} are copied as they are.
 *
 * <p><b>Import</b> ({@link #importInto}) considers the keys that start with the prefix, detects the scheme
 * from them, and checks before changing anything: the scheme fits the cell (DTRIV names need a DTRIV cell,
 * the LSTM/vanilla names an LSTM or vanilla cell); no key is missing and none is unknown (both listed); every
 * shape equals the reference shape derived from the cell; every array is floating point and finite; and a
 * {@code recurrent_kernel._B}, if present, agrees with {@code base·exp(S(A))} recomputed in float64 (SciPy's
 * double-precision algorithm) to {@link #B_TOLERANCE} per entry. Any failure throws an
 * {@link IllegalArgumentException} naming the key(s) and leaves the cell unchanged. The arrays are then
 * cast to the cell's data type and copied in. PTB keys may carry the weight-drop infix {@code module.}
 * ({@code rnns.{l}.module.weight_hh_raw}) or not; pass the prefix without it ({@code "rnns.0."}).
 *
 * <p><b>Export</b> ({@link #export}) writes the same keys with the reference shapes (rank-1 biases) in the
 * cell's data type, in the order of the reference module's {@code state_dict()}. It writes no
 * {@code recurrent_kernel._B}: a freshly built reference module has {@code _B = None}, and
 * {@code load_state_dict(strict=True)} rejects the key as unexpected. PTB export writes the plain module
 * names ({@code weight_hh}); for a weight-dropped model rename it to {@code weight_hh_raw} under
 * {@code rnns.{l}.module.}.
 *
 * <p><b>Models</b> ({@link #importModel}, {@link #exportModel}): the task wrapper of {@code mnist.py} /
 * {@code timit.py} (spec/cells.md §8.3), a one-layer model with the cell under {@code rnn.} and the head
 * {@code lin.weight [outputs, H]}, {@code lin.bias [outputs]}. The PMNIST buffer {@code permutation} (an
 * integer vector) is accepted and ignored on import (the library keeps the permutation in its data
 * pipeline) and not written on export.
 *
 * <p>Typical use: in Python, {@code numpy.savez("w.npz", **{k: v.numpy() for k, v in
 * model.state_dict().items()})}; here, {@code ReferenceWeights.importNpz(model, Path.of("w.npz"))}. Back:
 * {@code exportNpz(model, path)}, then in Python {@code model.load_state_dict({k: torch.from_numpy(v) for k, v
 * in numpy.load(path).items()})}.
 */
public final class ReferenceWeights {

    /** The reference naming schemes. */
    public enum Scheme {
        /** {@code x2h.*}, {@code h2h.*} (mnist-timit/momentumnet.py cells; also used for vanilla cells). */
        MNIST_TIMIT,
        /** {@code weight_ih}, {@code weight_hh} ({@code weight_hh_raw}), {@code bias_ih}, {@code bias_hh} (ptb/momentumnet.py). */
        PTB,
        /** {@code input_kernel.weight}, {@code recurrent_kernel.A/base(/_B)}, {@code nonlinearity.b} (orthogonal.py). */
        DTRIV
    }

    /**
     * Largest accepted {@code max |_B − base·exp(S(A))|} (entrywise, {@code B} orthogonal so entries are at
     * most 1), the right-hand side recomputed in float64. The reference exponential ({@code expm32}) keeps
     * its float32 Padé thresholds in float64, so its float64 {@code _B} carries a truncation error (9.9e-11
     * in the test fixture) and one tolerance serves float32 and float64 {@code _B}. Measured deviations of
     * the authors' float32 {@code _B}: 1.5e-7 in the fixture (H = 4), at most 4.4e-7 for H up to 1024 with
     * ‖S‖₁ up to 268; 1e-5 leaves a margin above 20, while a stale or unrelated {@code _B} differs by orders
     * of magnitude more. Narrower floating types ({@code HALF}, {@code BFLOAT16}) get {@code 32·ulp(1)} of
     * their type instead.
     */
    public static final double B_TOLERANCE = 1e-5;

    private static final String MODULE_INFIX = "module.";
    private static final String RNN_PREFIX = "rnn.";
    private static final String HEAD_WEIGHT = "lin.weight";
    private static final String HEAD_BIAS = "lin.bias";
    private static final String PERMUTATION = "permutation";

    private ReferenceWeights() {}

    // ------------------------------------------------------------------------------------------------
    // cells
    // ------------------------------------------------------------------------------------------------

    /**
     * Copies the reference weights under {@code prefix} into {@code cell} (see the class comment for the
     * checks). Keys that do not start with {@code prefix} are left alone; with the empty prefix every key
     * must belong to the cell.
     *
     * @param cell      an LSTM-type, vanilla or DTRIV cell (a {@link DriveCell}, or any cell whose parameters
     *                  are named {@code W, b_x, U, b_h} or {@code W_in, b, P} with buffer {@code base})
     * @param stateDict reference key → array, for example {@link Npz#read(Path)} of a {@code state_dict}
     * @param prefix    the module's prefix, for example {@code "rnn."}, {@code "rnns.0."} or {@code ""}
     * @throws IllegalArgumentException for an unrecognised or mismatched scheme, missing or unknown keys, a
     *                                  wrong shape, a non-floating or non-finite array, or a {@code _B} that
     *                                  disagrees with {@code base·exp(S(A))}; the cell is then unchanged
     */
    public static void importInto(RecurrentCell cell, Map<String, INDArray> stateDict, String prefix) {
        plan(cell, stateDict, prefix).forEach(Runnable::run);
    }

    /**
     * The naming scheme of the keys under {@code prefix}.
     *
     * @throws IllegalArgumentException when no key under {@code prefix} belongs to a scheme, or the keys mix
     *                                  schemes
     */
    public static Scheme detect(Map<String, INDArray> stateDict, String prefix) {
        Objects.requireNonNull(stateDict, "stateDict must not be null");
        Objects.requireNonNull(prefix, "prefix must not be null");
        Map<Scheme, List<String>> hits = new LinkedHashMap<>();
        List<String> under = new ArrayList<>();
        for (String key : stateDict.keySet()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            under.add(key);
            Scheme s = schemeOf(key.substring(prefix.length()));
            if (s != null) {
                hits.computeIfAbsent(s, k -> new ArrayList<>()).add(key);
            }
        }
        if (hits.isEmpty()) {
            throw new IllegalArgumentException("no reference recurrent weights under prefix '" + prefix + "': "
                    + (under.isEmpty() ? "no key starts with it (keys: " + new TreeSet<>(stateDict.keySet()) + ")"
                    : "keys " + new TreeSet<>(under) + " match none of x2h./h2h. (MNIST/TIMIT), weight_ih/"
                    + "weight_hh/bias_ih/bias_hh (PTB), input_kernel./recurrent_kernel./nonlinearity. (DTRIV)"));
        }
        if (hits.size() > 1) {
            throw new IllegalArgumentException("keys under prefix '" + prefix + "' mix naming schemes: " + hits);
        }
        return hits.keySet().iterator().next();
    }

    private static Scheme schemeOf(String name) {
        if (name.startsWith("x2h.") || name.startsWith("h2h.")) {
            return Scheme.MNIST_TIMIT;
        }
        if (name.startsWith("input_kernel.") || name.startsWith("recurrent_kernel.") || name.startsWith("nonlinearity.")) {
            return Scheme.DTRIV;
        }
        String plain = name.startsWith(MODULE_INFIX) ? name.substring(MODULE_INFIX.length()) : name;
        if (Set.of("weight_ih", "weight_hh", "weight_hh_raw", "bias_ih", "bias_hh").contains(plain)) {
            return Scheme.PTB;
        }
        return null;
    }

    /**
     * The cell's weights under the reference names of {@code scheme}, each prefixed with {@code prefix}, in
     * the reference {@code state_dict()} order, with reference shapes (rank-1 biases), as new arrays of the
     * cell's data type.
     *
     * @throws IllegalArgumentException when the scheme does not fit the cell (DTRIV names for a non-DTRIV cell
     *                                  or the reverse)
     */
    public static Map<String, INDArray> export(RecurrentCell cell, Scheme scheme, String prefix) {
        Objects.requireNonNull(cell, "cell must not be null");
        Objects.requireNonNull(scheme, "scheme must not be null");
        Objects.requireNonNull(prefix, "prefix must not be null");
        Layout layout = Layout.of(cell);
        requireFits(layout, scheme);
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (layout.dtriv) {
            out.put(prefix + "recurrent_kernel.A", layout.param("P").dup('c'));
            out.put(prefix + "recurrent_kernel.base", layout.base().dup('c'));
            out.put(prefix + "input_kernel.weight", layout.param("W_in").dup('c'));
            out.put(prefix + "nonlinearity.b", rank1(layout.param("b")));
        } else if (scheme == Scheme.MNIST_TIMIT) {
            out.put(prefix + "x2h.weight", layout.param("W").dup('c'));
            out.put(prefix + "x2h.bias", rank1(layout.param("b_x")));
            out.put(prefix + "h2h.weight", layout.param("U").dup('c'));
            out.put(prefix + "h2h.bias", rank1(layout.param("b_h")));
        } else {
            out.put(prefix + "weight_ih", layout.param("W").dup('c'));
            out.put(prefix + "weight_hh", layout.param("U").dup('c'));
            out.put(prefix + "bias_ih", rank1(layout.param("b_x")));
            out.put(prefix + "bias_hh", rank1(layout.param("b_h")));
        }
        return out;
    }

    /** {@link #importInto} from an {@code .npz} file ({@link Npz#read(Path)}). */
    public static void importNpz(RecurrentCell cell, Path file, String prefix) {
        importInto(cell, Npz.read(file), prefix);
    }

    /** {@link #export} to an uncompressed {@code .npz} file ({@link Npz#write}). */
    public static void exportNpz(RecurrentCell cell, Scheme scheme, String prefix, Path file) {
        Npz.write(export(cell, scheme, prefix), file, false);
    }

    // ------------------------------------------------------------------------------------------------
    // models (mnist.py / timit.py wrapper: rnn.* + lin.*)
    // ------------------------------------------------------------------------------------------------

    /**
     * Copies a {@code mnist.py}/{@code timit.py} model state dict into a one-layer {@link SequenceModel}: the
     * cell from {@code rnn.*} (scheme detected, normally MNIST_TIMIT or DTRIV), the head from
     * {@code lin.weight [outputs, H]} and {@code lin.bias [outputs]}; an integer {@code permutation} vector
     * is ignored. Every key must be one of these. All checks run before anything is copied.
     *
     * @throws IllegalArgumentException for a model with more than one layer, unknown or missing keys, wrong
     *                                  shapes or any check of {@link #importInto}; the model is then unchanged
     */
    public static void importModel(SequenceModel model, Map<String, INDArray> stateDict) {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(stateDict, "stateDict must not be null");
        RecurrentCell cell = singleCell(model);
        Set<String> unknown = new TreeSet<>();
        for (String key : stateDict.keySet()) {
            if (!key.startsWith(RNN_PREFIX) && !key.equals(HEAD_WEIGHT) && !key.equals(HEAD_BIAS)
                    && !key.equals(PERMUTATION)) {
                unknown.add(key);
            }
        }
        Set<String> missing = new TreeSet<>();
        for (String key : List.of(HEAD_WEIGHT, HEAD_BIAS)) {
            if (!stateDict.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new IllegalArgumentException("model state dict (mnist.py/timit.py layout: rnn.*, lin.weight, "
                    + "lin.bias, optional permutation) does not fit: " + keyProblems(missing, unknown));
        }
        INDArray perm = stateDict.get(PERMUTATION);
        if (perm != null && (perm.rank() != 1 || !perm.dataType().isIntType())) {
            throw new IllegalArgumentException(PERMUTATION + ": expected an integer vector, got "
                    + perm.dataType() + " " + Arrays.toString(perm.shape()));
        }
        Map<String, Tensor> params = model.parameters();
        Tensor hw = params.get("head.W");
        Tensor hb = params.get("head.b");
        DataType type = hw.dataType();
        String head = "the model's head (" + hw.size(0) + " outputs, hidden size " + hw.size(1) + ")";
        INDArray w = checked(stateDict, HEAD_WEIGHT, hw.shape(), head);
        INDArray b = checked(stateDict, HEAD_BIAS, new long[] {hb.size(1)}, head);
        List<Runnable> actions = new ArrayList<>(plan(cell, stateDict, RNN_PREFIX));
        actions.add(() -> hw.value().assign(w.castTo(type)));
        actions.add(() -> hb.value().assign(b.castTo(type).reshape(hb.shape())));
        actions.forEach(Runnable::run);
    }

    /**
     * A one-layer model as a {@code mnist.py}/{@code timit.py} state dict: {@code rnn.*} (DTRIV names for a
     * DTRIV cell, MNIST/TIMIT names otherwise), {@code lin.weight}, {@code lin.bias}.
     *
     * @throws IllegalArgumentException for a model with more than one layer
     */
    public static Map<String, INDArray> exportModel(SequenceModel model) {
        Objects.requireNonNull(model, "model must not be null");
        RecurrentCell cell = singleCell(model);
        Scheme scheme = Layout.of(cell).dtriv ? Scheme.DTRIV : Scheme.MNIST_TIMIT;
        Map<String, INDArray> out = export(cell, scheme, RNN_PREFIX);
        Map<String, Tensor> params = model.parameters();
        out.put(HEAD_WEIGHT, params.get("head.W").value().dup('c'));
        out.put(HEAD_BIAS, rank1(params.get("head.b").value()));
        return out;
    }

    /** {@link #importModel} from an {@code .npz} file. */
    public static void importNpz(SequenceModel model, Path file) {
        importModel(model, Npz.read(file));
    }

    /** {@link #exportModel} to an uncompressed {@code .npz} file. */
    public static void exportNpz(SequenceModel model, Path file) {
        Npz.write(exportModel(model), file, false);
    }

    private static RecurrentCell singleCell(SequenceModel model) {
        if (model.cells().size() != 1) {
            throw new IllegalArgumentException("the mnist.py/timit.py wrapper has one recurrent cell; this model has "
                    + model.cells().size() + " layers (export them one by one with export(cell, scheme, prefix))");
        }
        return model.cells().get(0);
    }

    // ------------------------------------------------------------------------------------------------
    // validation and planning
    // ------------------------------------------------------------------------------------------------

    /** Validates everything and returns the copies to perform (nothing is changed here). */
    private static List<Runnable> plan(RecurrentCell cell, Map<String, INDArray> stateDict, String prefix) {
        Objects.requireNonNull(cell, "cell must not be null");
        Objects.requireNonNull(stateDict, "stateDict must not be null");
        Objects.requireNonNull(prefix, "prefix must not be null");
        Layout layout = Layout.of(cell);
        Scheme scheme = detect(stateDict, prefix);
        requireFits(layout, scheme);

        // reference key (without prefix) -> library target; the expected reference shape comes from the target
        Map<String, String> required = new LinkedHashMap<>();
        Set<String> optional = new LinkedHashSet<>();
        Set<String> present = new LinkedHashSet<>();
        for (String key : stateDict.keySet()) {
            if (key.startsWith(prefix)) {
                present.add(key.substring(prefix.length()));
            }
        }
        switch (scheme) {
            case MNIST_TIMIT -> {
                required.put("x2h.weight", "W");
                required.put("x2h.bias", "b_x");
                required.put("h2h.weight", "U");
                required.put("h2h.bias", "b_h");
            }
            case PTB -> {
                boolean infix = present.stream().anyMatch(k -> k.startsWith(MODULE_INFIX));
                boolean plainToo = present.stream().anyMatch(k -> !k.startsWith(MODULE_INFIX) && schemeOf(k) == Scheme.PTB);
                if (infix && plainToo) {
                    throw new IllegalArgumentException("PTB keys under prefix '" + prefix + "' mix the weight-drop form ("
                            + prefix + MODULE_INFIX + "*) and the plain form: " + withPrefix(prefix, present));
                }
                String m = infix ? MODULE_INFIX : "";
                boolean raw = present.contains(m + "weight_hh_raw");
                if (raw && present.contains(m + "weight_hh")) {
                    throw new IllegalArgumentException("both " + prefix + m + "weight_hh and " + prefix + m
                            + "weight_hh_raw are present; a PTB module has one of them (weight_hh_raw under weight drop)");
                }
                required.put(m + "weight_ih", "W");
                required.put(m + (raw ? "weight_hh_raw" : "weight_hh"), "U");
                required.put(m + "bias_ih", "b_x");
                required.put(m + "bias_hh", "b_h");
            }
            case DTRIV -> {
                required.put("input_kernel.weight", "W_in");
                required.put("recurrent_kernel.A", "P");
                required.put("recurrent_kernel.base", "base");
                required.put("nonlinearity.b", "b");
                optional.add("recurrent_kernel._B");
            }
            default -> throw new AssertionError(scheme);
        }
        Set<String> missing = new TreeSet<>();
        for (String k : required.keySet()) {
            if (!present.contains(k)) {
                missing.add(prefix + k);
            }
        }
        Set<String> unknown = new TreeSet<>();
        for (String k : present) {
            if (!required.containsKey(k) && !optional.contains(k)) {
                unknown.add(prefix + k);
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("reference weights under prefix '" + prefix + "' (scheme " + scheme
                    + ") do not fit " + layout.describe() + ": " + keyProblems(missing, unknown)
                    + "; expected " + withPrefix(prefix, required.keySet())
                    + (optional.isEmpty() ? "" : " and optionally " + withPrefix(prefix, optional)));
        }

        DataType type = layout.type;
        List<Runnable> actions = new ArrayList<>();
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : required.entrySet()) {
            String key = prefix + e.getKey();
            String target = e.getValue();
            INDArray current = target.equals("base") ? layout.base() : layout.param(target);
            boolean bias = current.rank() == 2 && current.size(0) == 1 && isBias(target);
            long[] refShape = bias ? new long[] {current.size(1)} : current.shape();
            INDArray src = checked(stateDict, key, refShape, layout.describe());
            values.put(target, src);
            if (target.equals("base")) {
                actions.add(() -> layout.setBase(src.castTo(type)));
            } else {
                actions.add(() -> current.assign(src.castTo(type).reshape(current.shape())));
            }
        }
        if (present.contains("recurrent_kernel._B")) {
            String key = prefix + "recurrent_kernel._B";
            INDArray cached = checked(stateDict, key, layout.base().shape(), layout.describe());
            checkCachedB(key, cached, values.get("P"), values.get("base"));
        }
        return actions;
    }

    private static boolean isBias(String target) {
        return target.equals("b_x") || target.equals("b_h") || target.equals("b");
    }

    /** {@code _B} against {@code base·exp(S(A))} in float64. */
    private static void checkCachedB(String key, INDArray cached, INDArray a, INDArray base) {
        INDArray s = Skew.skew(a.castTo(DataType.DOUBLE));
        INDArray b = base.castTo(DataType.DOUBLE).mmul(MatrixExp.expm(s, ExpmAlgorithm.PADE_F64));
        double diff = cached.castTo(DataType.DOUBLE).sub(b).amaxNumber().doubleValue();
        double tol = tolerance(cached.dataType());
        if (!(diff <= tol)) {
            throw new IllegalArgumentException(key + " disagrees with base·exp(S(A)) recomputed in float64 from "
                    + "recurrent_kernel.A and recurrent_kernel.base: max abs difference " + String.format("%.3e", diff)
                    + " > tolerance " + String.format("%.0e", tol)
                    + " (a stale cache, or A/base from another state?)");
        }
    }

    private static double tolerance(DataType cachedType) {
        return switch (cachedType) {
            case HALF -> 32 * Math.scalb(1.0, -10);       // 32 ulp(1) of binary16
            case BFLOAT16 -> 32 * Math.scalb(1.0, -7);    // 32 ulp(1) of bfloat16
            default -> B_TOLERANCE;
        };
    }

    /** The array under {@code key}, checked to be floating point, finite and of {@code shape} (for {@code what}). */
    private static INDArray checked(Map<String, INDArray> stateDict, String key, long[] shape, String what) {
        INDArray a = stateDict.get(key);
        if (a == null) {
            throw new IllegalArgumentException(key + ": missing (or null)");
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(key + ": expected shape " + Arrays.toString(shape) + " for " + what
                    + ", got " + Arrays.toString(a.shape()));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(key + ": expected a floating-point array, got " + a.dataType());
        }
        if (a.length() > 0) {
            double[] v = Nd4j.toFlattened('c', a.castTo(DataType.DOUBLE)).toDoubleVector();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new IllegalArgumentException(key + ": holds a non-finite value (" + v[i] + " at flat index "
                            + i + ")");
                }
            }
        }
        return a;
    }

    private static void requireFits(Layout layout, Scheme scheme) {
        if (layout.dtriv != (scheme == Scheme.DTRIV)) {
            throw new IllegalArgumentException("scheme " + scheme + " ("
                    + (scheme == Scheme.DTRIV ? "input_kernel.*, recurrent_kernel.*, nonlinearity.b"
                    : "LSTM/vanilla weights") + ") does not fit " + layout.describe());
        }
    }

    private static String keyProblems(Set<String> missing, Set<String> unknown) {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing keys " + missing);
        }
        if (!unknown.isEmpty()) {
            parts.add("unknown keys " + unknown);
        }
        return String.join("; ", parts);
    }

    private static List<String> withPrefix(String prefix, Set<String> names) {
        List<String> l = new ArrayList<>();
        for (String n : names) {
            l.add(prefix + n);
        }
        return l;
    }

    /** A bias {@code [1, G]} as a new rank-1 {@code [G]} array. */
    private static INDArray rank1(INDArray bias) {
        return bias.dup('c').reshape(bias.length());
    }

    /** The cell's parameter layout. */
    private static final class Layout {
        private static final Set<String> LSTM_NAMES = Set.of("W", "b_x", "U", "b_h");
        private static final Set<String> DTRIV_NAMES = Set.of("W_in", "b", "P");

        final RecurrentCell cell;
        final boolean dtriv;
        final DataType type;
        final Map<String, Tensor> params;

        private Layout(RecurrentCell cell, boolean dtriv) {
            this.cell = cell;
            this.dtriv = dtriv;
            this.type = cell.dataType();
            this.params = cell.parameters();
        }

        static Layout of(RecurrentCell cell) {
            Objects.requireNonNull(cell, "cell must not be null");
            Set<String> names = cell.parameters().keySet();
            if (names.equals(LSTM_NAMES)) {
                return new Layout(cell, false);
            }
            if (names.equals(DTRIV_NAMES) && cell.buffers().containsKey("base")) {
                return new Layout(cell, true);
            }
            throw new IllegalArgumentException("cell " + cell + " has no reference weight layout: parameters "
                    + names + ", buffers " + cell.buffers().keySet() + " (expected W, b_x, U, b_h, or W_in, b, P with "
                    + "buffer base)");
        }

        INDArray param(String name) {
            return params.get(name).value();
        }

        INDArray base() {
            return cell.buffers().get("base");
        }

        void setBase(INDArray b) {
            if (cell instanceof DriveCell dc && dc.base() instanceof DtrivBase db) {
                db.setBase(b);
            } else {
                base().assign(b);
            }
        }

        String describe() {
            String kind;
            if (dtriv) {
                kind = "a DTRIV cell";
            } else {
                long g = param("W").size(0);
                kind = g == 4L * cell.hiddenSize() ? "an LSTM-type cell" : "a vanilla cell";
            }
            return kind + " (" + cell.getClass().getSimpleName() + ", input size " + cell.inputSize()
                    + ", hidden size " + cell.hiddenSize() + ", " + type + ")";
        }
    }
}
