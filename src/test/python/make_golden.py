#!/usr/bin/env python3
"""Generate a golden-vector JSON file for ReferenceParityTest from the authors' own PyTorch cells.

The output follows shared/golden/README.md exactly (top-level keys generated_with, dims, conventions,
weights, cases, init_facts; the same 18 kinds of cases in the same order). The authors' code is NOT
shipped with this project: point --refcode at a folder holding the files of
https://github.com/minhtannguyen/MomentumRNN (commit f185c54 in the spec) laid out as

    REFCODE/mnist-timit/momentumnet.py      LSTMCell, MomentumLSTMCell, AdamLSTMCell, NesterovLSTMCell
    REFCODE/mnist-timit/orthogonal.py       OrthogonalRNN, OrthogonalMomentumRNN, OrthogonalAdamRNN,
                                            OrthogonalNesterovRNN (+ Orthogonal, modrelu)
    REFCODE/mnist-timit/parametrization.py  Parametrization (used by orthogonal.py)
    REFCODE/mnist-timit/expm32.py           expm32, differential (used by trivializations.py)
    REFCODE/mnist-timit/trivializations.py  expm (the `param` the MNIST driver passes for dtriv)
    REFCODE/mnist-timit/initialization.py   cayley_init_ (optional; the driver's default skew init)
    REFCODE/ptb/momentumnet.py              LSTM, MomentumLSTM, AdamLSTM, NesterovLSTM

The classes are imported unchanged. The drivers are re-implemented here exactly as the authors call the
cells: mnist-timit/mnist.py `Model.forward` (zero states per sequence, SR counter incremented before the
call and reset to 0 after it when restart > 0 and k % restart == 0) and ptb/model_momentum.py
`RNNModel.forward`/`init_hidden` (state tensors of shape (1, B, .), carried from one BPTT segment into the
next; NesterovLSTM restarts its own counter at every forward call).

Everything runs in float64 (torch.set_default_dtype(torch.float64)). Needs torch (Debian python3-torch
1.13 works), numpy and scipy (expm32.py imports scipy.special). expm32.py calls the legacy
torch.solve(B, A), which PyTorch 1.13 only keeps as a stub that raises; when that is the case this script
points torch.solve at torch.linalg.solve(A, B) (the only change to the environment of the authors' code).

Typical use (see src/test/python/README.md):

    # validation: reproduce the shipped file from its own weights
    python3 make_golden.py --refcode /tmp/refcode --preset original \
        --weights-from golden/reference-cells.json --copy-from golden/reference-cells.json \
        --out /tmp/check.json --compare golden/reference-cells.json
    # a second file with other sizes / hyper-parameters / restart periods
    python3 make_golden.py --refcode /tmp/refcode --preset alt --seed 20240611 --ref-commit 56e57e5 \
        --copy-from golden/reference-cells.json --out golden/reference-cells-alt.json
"""

import argparse
import importlib.util
import json
import math
import os
import sys
import types
import warnings

import numpy as np

# --------------------------------------------------------------------------------------------------
# Presets: every size and hyper-parameter of the 18 cases. Case order and kinds are fixed by the README.
# --------------------------------------------------------------------------------------------------
PRESETS = {
    # the shipped reference-cells.json
    "original": dict(
        dims="3,4,7,2", segments="4,3",
        mt_mom="0.6,0.6", mt_adam="0.6,0.6,0.1", mt_rmsprop="0.6,0.9",
        mt_nag="1:2,0.9:0,0.9:3",
        dt_mom="0.3,0.3", dt_adam="0.3,0.3,0.8", dt_nag="0.3:2",
        ptb_mom="0:0.6,0.6:0.6", ptb_adam="0.6,0.6,0.999", ptb_nag="0.6:2,0.6:0",
    ),
    # reference-cells-alt.json: other sizes, sequence length, batch, hyper-parameters, restart periods
    "alt": dict(
        dims="2,3,9,3", segments="5,4",
        mt_mom="0.8,0.7", mt_adam="0.8,0.7,0.5", mt_rmsprop="1.3,0.95",
        mt_nag="1.3:4,0.7:0,0.7:1",
        dt_mom="0.25,1.3", dt_adam="0.25,0.7,0.95", dt_nag="0.7:3",
        ptb_mom="0:1.3,0.8:0.7", ptb_adam="0.25,1.3,0.95", ptb_nag="1.3:3,0.7:0",
    ),
}

CONVENTION_KEYS = ["inputs", "W_x, U_h", "B_orth", "loss_for_grads", "nag_k"]


def fnum(x):
    """Number as it appears in case names: 0.6 -> '0.6', 1.0 -> '1', 0.0 -> '0'."""
    return "%.15g" % x


def floats(s, n=None):
    vals = [float(t) for t in s.split(",")]
    if n is not None and len(vals) != n:
        raise SystemExit("expected %d comma-separated numbers, got %r" % (n, s))
    return vals


def pairs(s, n):
    """'a:b,c:d' -> [(a, b), (c, d)] (floats; the caller converts restarts to int)."""
    out = []
    for item in s.split(","):
        a, b = item.split(":")
        out.append((float(a), float(b)))
    if len(out) != n:
        raise SystemExit("expected %d items like x:y, got %r" % (n, s))
    return out


def as_int(x, what):
    if x != int(x) or x < 0:
        raise SystemExit("%s must be a non-negative integer, got %r" % (what, x))
    return int(x)


# --------------------------------------------------------------------------------------------------
# Loading the authors' modules unchanged
# --------------------------------------------------------------------------------------------------
def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def install_torch_solve_shim(torch):
    """expm32.py (and cayley_map) call the legacy torch.solve(B, A) -> (X, LU) with A X = B. PyTorch 1.13
    keeps the name but only raises; route it to torch.linalg.solve. The authors' files stay unchanged."""
    try:
        torch.solve(torch.eye(2), torch.eye(2))
        return False
    except (RuntimeError, AttributeError):
        pass

    def solve(B, A):
        X = torch.linalg.solve(A, B)
        return X, None

    torch.solve = solve
    return True


def load_refcode(refcode):
    mt = os.path.join(refcode, "mnist-timit")
    ptb = os.path.join(refcode, "ptb")
    for f in ["momentumnet.py", "orthogonal.py", "parametrization.py", "expm32.py", "trivializations.py"]:
        if not os.path.isfile(os.path.join(mt, f)):
            raise SystemExit("missing %s in %s" % (f, mt))
    if not os.path.isfile(os.path.join(ptb, "momentumnet.py")):
        raise SystemExit("missing momentumnet.py in %s" % ptb)
    # The authors' files import their siblings by bare name (from parametrization import ...).
    sys.path.insert(0, mt)
    refs = types.SimpleNamespace()
    refs.parametrization = load_module("parametrization", os.path.join(mt, "parametrization.py"))
    refs.expm32 = load_module("expm32", os.path.join(mt, "expm32.py"))
    refs.trivializations = load_module("trivializations", os.path.join(mt, "trivializations.py"))
    if os.path.isfile(os.path.join(mt, "initialization.py")):
        refs.initialization = load_module("initialization", os.path.join(mt, "initialization.py"))
    else:
        refs.initialization = None
    refs.mt = load_module("momentumnet", os.path.join(mt, "momentumnet.py"))
    refs.orth = load_module("orthogonal", os.path.join(mt, "orthogonal.py"))
    # ptb/momentumnet.py also says `from parametrization import Parametrization` but never uses it; the
    # mnist-timit module already in sys.modules satisfies that import.
    refs.ptb = load_module("ptb_momentumnet", os.path.join(ptb, "momentumnet.py"))
    return refs


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
def random_weights(D, H, T, B, seed):
    rng = np.random.default_rng(seed)
    u = lambda lo, hi, *shape: rng.uniform(lo, hi, size=shape)
    G = 4 * H
    w = {
        "X": u(-1.0, 1.0, T, B, D),
        "W_x": u(-0.5, 0.5, G, D),
        "b_x": u(-0.5, 0.5, G),
        "U_h": u(-0.5, 0.5, G, H),
        "b_h": u(-0.5, 0.5, G),
        "W_in": u(-0.5, 0.5, H, D),
    }
    # random orthogonal H x H with determinant -1 (like the shipped file: not reachable as exp(S)),
    # not symmetric, so h @ B and B @ h differ
    while True:
        q, r = np.linalg.qr(rng.standard_normal((H, H)))
        q = q * np.sign(np.diag(r))
        if np.linalg.det(q) > 0:
            q[:, 0] = -q[:, 0]
        if np.max(np.abs(q - q.T)) > 0.1:
            break
    w["B_orth"] = q
    w["modrelu_b"] = u(-0.05, 0.05, H)
    w["readout"] = u(-0.5, 0.5, H)
    return {k: v.tolist() for k, v in w.items()}


def dims_of_weights(w):
    X = np.array(w["X"])
    T, B, D = X.shape
    H = np.array(w["U_h"]).shape[1]
    return D, H, T, B


# --------------------------------------------------------------------------------------------------
# MNIST/TIMIT-driver cases (mnist-timit/mnist.py Model.forward)
# --------------------------------------------------------------------------------------------------
def run_mt_case(torch, refs, W, spec):
    """spec: dict(name, source, kind, hyper, restart, cls). Returns the case object."""
    X = torch.tensor(W["X"])
    T, B, D = X.shape
    H = len(W["readout"])
    readout = torch.tensor(W["readout"])
    kind, restart = spec["kind"], spec["restart"]
    hy = spec["hyper"]
    dtriv = spec["source"].endswith("orthogonal.py")

    if not dtriv:
        m = refs.mt
        if kind == "lstm":
            cell = m.LSTMCell(D, H)
        elif kind == "mom":
            cell = m.MomentumLSTMCell(D, H, mu=hy["mu"], epsilon=hy["s"])
        elif kind == "adam":
            cell = m.AdamLSTMCell(D, H, mu=hy["mu"], epsilon=hy["s"], mus=hy["beta"])
        elif kind == "nag":
            cell = m.NesterovLSTMCell(D, H, epsilon=hy["s"])
        else:
            raise ValueError(kind)
        with torch.no_grad():
            cell.x2h.weight.copy_(torch.tensor(W["W_x"]))
            cell.x2h.bias.copy_(torch.tensor(W["b_x"]))
            cell.h2h.weight.copy_(torch.tensor(W["U_h"]))
            cell.h2h.bias.copy_(torch.tensor(W["b_h"]))
        G = 4 * H
        state = (torch.zeros((B, H)), torch.zeros((B, H)))
    else:
        o = refs.orth
        init = refs.initialization.cayley_init_ if refs.initialization is not None else torch.nn.init.zeros_
        # mnist.py for dtriv/mdtriv/adtriv/ndtriv: mode = ("dynamic", K, 100), param = expm
        common = dict(initializer_skew=init, mode=("dynamic", 100, 100), param=refs.trivializations.expm)
        if kind == "rnn":
            cell = o.OrthogonalRNN(D, H, **common)
        elif kind == "mom":
            cell = o.OrthogonalMomentumRNN(D, H, mu=hy["mu"], epsilon=hy["s"], **common)
        elif kind == "adam":
            cell = o.OrthogonalAdamRNN(D, H, mu=hy["mu"], epsilon=hy["s"], mus=hy["beta"], **common)
        elif kind == "nag":
            cell = o.OrthogonalNesterovRNN(D, H, epsilon=hy["s"], **common)
        else:
            raise ValueError(kind)
        with torch.no_grad():
            cell.input_kernel.weight.copy_(torch.tensor(W["W_in"]))
            cell.nonlinearity.b.copy_(torch.tensor(W["modrelu_b"]))
            cell.recurrent_kernel.A.zero_()                       # A = 0 ...
            cell.recurrent_kernel.base.copy_(torch.tensor(W["B_orth"]))   # ... base = B_orth, so B = B_orth
            cell.recurrent_kernel._B = None
        G = H
        state = cell.default_hidden(X[0])

    v = torch.zeros((B, G))
    s = torch.zeros((B, G))

    steps, hs = [], []
    iter_indx = 0
    for t in range(T):
        inp = X[t]                                     # (B, D); time-major
        iter_indx = iter_indx + 1
        k_used = None
        if kind == "mom":
            out, state, v = cell(inp, state, v)
        elif kind == "adam":
            out, state, v, s = cell(inp, state, v, s)
        elif kind == "nag":
            k_used = iter_indx
            out, state, v = cell(inp, state, v, k=iter_indx)
            if restart > 0 and not (iter_indx % restart):
                iter_indx = 0
        else:
            out, state = cell(inp, state)
        out.retain_grad()
        hs.append(out)
        st = {"t": t + 1, "h": out}
        if not dtriv:
            st["c"] = state[1]
        if kind in ("mom", "adam", "nag"):
            st["v"] = v
        if kind == "adam":
            st["s"] = s
        if kind == "nag":
            st["k"] = k_used
        steps.append(st)

    loss = sum((h * readout).sum() for h in hs)
    loss.backward()

    if not dtriv:
        grads = {
            "x2h.weight": cell.x2h.weight.grad,
            "x2h.bias": cell.x2h.bias.grad,
            "h2h.weight": cell.h2h.weight.grad,
            "h2h.bias": cell.h2h.bias.grad,
        }
    else:
        if not torch.equal(cell.recurrent_kernel.base, torch.tensor(W["B_orth"])):
            raise RuntimeError("rebase changed base: B != B_orth")
        grads = {
            "input_kernel.weight": cell.input_kernel.weight.grad,
            "modrelu.b": cell.nonlinearity.b.grad,
            "recurrent_kernel.A": cell.recurrent_kernel.A.grad,
        }

    def L(x):
        return x.detach().tolist() if hasattr(x, "detach") else x

    case = {
        "name": spec["name"], "source": spec["source"], "kind": kind, "hyper": spec["hyper"],
        "restart": restart,
        "steps": [{k: L(x) for k, x in st.items()} for st in steps],
        "loss": loss.item(),
        "grads": {k: L(g) for k, g in grads.items()},
        "dL_dh_t": [L(h.grad) for h in hs],
    }
    return case


# --------------------------------------------------------------------------------------------------
# PTB-module cases (ptb/model_momentum.py RNNModel.forward / init_hidden; two BPTT segments)
# --------------------------------------------------------------------------------------------------
def run_ptb_case(torch, refs, W, spec, seg_lengths):
    X = torch.tensor(W["X"])
    T, B, D = X.shape
    H = len(W["readout"])
    p = refs.ptb
    kind, hy = spec["kind"], spec["hyper"]
    if kind == "lstm":
        rnn = p.LSTM(D, H, bias=True)
    elif kind == "mom":
        rnn = p.MomentumLSTM(D, H, mu=hy["mu"], epsilon=hy["s"], bias=True)
    elif kind == "adam":
        rnn = p.AdamLSTM(D, H, mu=hy["mu"], epsilon=hy["s"], mus=hy["beta"], bias=True)
    elif kind == "nag":
        rnn = p.NesterovLSTM(D, H, epsilon=hy["s"], restart=hy["restart"], bias=True)
    else:
        raise ValueError(kind)
    with torch.no_grad():
        rnn.weight_ih.copy_(torch.tensor(W["W_x"]))
        rnn.bias_ih.copy_(torch.tensor(W["b_x"]))
        rnn.weight_hh.copy_(torch.tensor(W["U_h"]))
        rnn.bias_hh.copy_(torch.tensor(W["b_h"]))

    # init_hidden(bsz): (1, B, H) tuples and (1, B, 4H) velocity / scale, zero
    hidden = (torch.zeros(1, B, H), torch.zeros(1, B, H))
    v = torch.zeros(1, B, 4 * H)
    s = torch.zeros(1, B, 4 * H)

    segments = []
    t0 = 0
    with torch.no_grad():   # forward values only; the state is carried detached (repackage_hidden)
        for n in seg_lengths:
            xs = X[t0:t0 + n]
            if kind in ("mom", "nag"):
                out, hidden, v = rnn(xs, hidden, v)
            elif kind == "adam":
                out, hidden, v, s = rnn(xs, hidden, v, s)
            else:
                out, hidden = rnn(xs, hidden)
            seg = {"t_range": [t0 + 1, t0 + n], "outputs": out.tolist(),
                   "h_end": hidden[0].tolist(), "c_end": hidden[1].tolist()}
            if kind in ("mom", "adam", "nag"):
                seg["v_end"] = v.tolist()
            if kind == "adam":
                seg["s_end"] = s.tolist()
            segments.append(seg)
            t0 += n
    return {"name": spec["name"], "source": spec["source"], "kind": kind, "hyper": spec["hyper"],
            "segments": segments}


# --------------------------------------------------------------------------------------------------
# Case plan
# --------------------------------------------------------------------------------------------------
def case_plan(a):
    MT, OR, PTB = "mnist-timit/momentumnet.py", "mnist-timit/orthogonal.py", "ptb/momentumnet.py"
    mm_mu, mm_s = floats(a.mt_mom, 2)
    ma_mu, ma_s, ma_b = floats(a.mt_adam, 3)
    mr_s, mr_b = floats(a.mt_rmsprop, 2)
    mn = pairs(a.mt_nag, 3)
    dm_mu, dm_s = floats(a.dt_mom, 2)
    da_mu, da_s, da_b = floats(a.dt_adam, 3)
    (dn_s, dn_r), = pairs(a.dt_nag, 1)
    pm = pairs(a.ptb_mom, 2)
    pa_mu, pa_s, pa_b = floats(a.ptb_adam, 3)
    pn = pairs(a.ptb_nag, 2)

    plan = []
    add = lambda **kw: plan.append(kw)
    add(name="mt_LSTMCell", source=MT, kind="lstm", hyper={}, restart=0)
    add(name="mt_MomentumLSTMCell_mu%s_s%s" % (fnum(mm_mu), fnum(mm_s)), source=MT, kind="mom",
        hyper={"mu": mm_mu, "s": mm_s}, restart=0)
    # fixed: the README's identity case 2 == case 0
    add(name="mt_MomentumLSTMCell_mu0_s1", source=MT, kind="mom", hyper={"mu": 0.0, "s": 1.0}, restart=0)
    add(name="mt_AdamLSTMCell_mu%s_s%s_beta%s" % (fnum(ma_mu), fnum(ma_s), fnum(ma_b)), source=MT,
        kind="adam", hyper={"mu": ma_mu, "s": ma_s, "beta": ma_b}, restart=0)
    add(name="mt_RMSPropLSTM(AdamLSTMCell)_mu0_s%s_beta%s" % (fnum(mr_s), fnum(mr_b)), source=MT,
        kind="adam", hyper={"mu": 0.0, "s": mr_s, "beta": mr_b}, restart=0)
    for sv, r in mn:
        r = as_int(r, "restart")
        add(name="mt_NesterovLSTMCell_s%s_restart%d" % (fnum(sv), r), source=MT, kind="nag",
            hyper={"s": sv}, restart=r)
    add(name="mt_OrthogonalRNN(DTRIV)", source=OR, kind="rnn", hyper={}, restart=0)
    add(name="mt_OrthogonalMomentumRNN_mu%s_s%s" % (fnum(dm_mu), fnum(dm_s)), source=OR, kind="mom",
        hyper={"mu": dm_mu, "s": dm_s}, restart=0)
    add(name="mt_OrthogonalAdamRNN_mu%s_s%s_beta%s" % (fnum(da_mu), fnum(da_s), fnum(da_b)), source=OR,
        kind="adam", hyper={"mu": da_mu, "s": da_s, "beta": da_b}, restart=0)
    dn_r = as_int(dn_r, "restart")
    add(name="mt_OrthogonalNesterovRNN_s%s_restart%d" % (fnum(dn_s), dn_r), source=OR, kind="nag",
        hyper={"s": dn_s}, restart=dn_r)
    add(name="ptb_LSTM", source=PTB, kind="lstm", hyper={})
    for mu, sv in pm:
        add(name="ptb_MomentumLSTM_mu%s_s%s" % (fnum(mu), fnum(sv)), source=PTB, kind="mom",
            hyper={"mu": mu, "s": sv})
    add(name="ptb_AdamLSTM_mu%s_s%s_beta%s" % (fnum(pa_mu), fnum(pa_s), fnum(pa_b)), source=PTB,
        kind="adam", hyper={"mu": pa_mu, "s": pa_s, "beta": pa_b})
    for sv, r in pn:
        r = as_int(r, "restart")
        add(name="ptb_NesterovLSTM_s%s_restart%d" % (fnum(sv), r), source=PTB, kind="nag",
            hyper={"s": sv, "restart": r})
    assert len(plan) == 18
    return plan


# --------------------------------------------------------------------------------------------------
# init_facts cross-check (the object itself is copied from --copy-from)
# --------------------------------------------------------------------------------------------------
def check_init_facts(torch, refs, facts):
    m = refs.mt
    torch.manual_seed(0)
    c = m.LSTMCell(1, 5)
    got = {
        "x2h.weight(4H x 1) column norm": c.x2h.weight.norm().item(),
        "h2h.weight == eye(4H,H)": bool(torch.equal(c.h2h.weight, torch.eye(20, 5))),
        "x2h.bias": c.x2h.bias.tolist(),
        "h2h.bias": c.h2h.bias.tolist(),
    }
    t = m.LSTMCell(129, 158, fg_init=-4.0)
    wt = t.x2h.weight
    got["timit x2h.weight^T x2h.weight == I(129)"] = bool(torch.allclose(wt.t() @ wt, torch.eye(129), atol=1e-12))
    got["timit forget bias blocks"] = [t.x2h.bias[158].item(), t.h2h.bias[158].item()]
    bad = []
    for k, want in facts.items():
        g = got.get(k)
        if isinstance(want, float):
            ok = g is not None and abs(g - want) <= 1e-12
        else:
            ok = g == want
        if not ok:
            bad.append((k, want, g))
    return bad


# --------------------------------------------------------------------------------------------------
# Comparison (validation)
# --------------------------------------------------------------------------------------------------
def compare(a, b, path="", acc=None):
    if acc is None:
        acc = {"max": 0.0, "where": None, "problems": [], "numbers": 0}
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            acc["problems"].append("%s: keys differ %s vs %s" % (path, sorted(set(a) - set(b)), sorted(set(b) - set(a))))
        for k in a:
            if k in b:
                compare(a[k], b[k], path + "/" + str(k), acc)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            acc["problems"].append("%s: length %d vs %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, path + "[%d]" % i, acc)
    elif isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        if a != b and not path.endswith("generated_with"):
            acc["problems"].append("%s: %r vs %r" % (path, a, b))
    elif isinstance(a, int) and isinstance(b, int):
        acc["numbers"] += 1
        if a != b:
            acc["problems"].append("%s: int %r vs %r" % (path, a, b))
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        acc["numbers"] += 1
        if type(a) is not type(b):
            acc["problems"].append("%s: type %s vs %s" % (path, type(a).__name__, type(b).__name__))
        d = abs(float(a) - float(b))
        if d > acc["max"] or acc["where"] is None:
            acc["max"], acc["where"] = d, path
    else:
        acc["problems"].append("%s: %r vs %r" % (path, type(a).__name__, type(b).__name__))
    return acc


# --------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refcode", required=True, help="folder with mnist-timit/ and ptb/ of the authors' code")
    ap.add_argument("--out", required=True, help="output JSON file")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="alt",
                    help="defaults for every option below (default: alt)")
    ap.add_argument("--dims", help="D,H,T,B (ignored with --weights-from: taken from the weights)")
    ap.add_argument("--segments", help="PTB segment lengths, two numbers summing to T, e.g. 4,3")
    ap.add_argument("--seed", type=int, default=20240611, help="seed of the random weights")
    ap.add_argument("--weights-from", help="take `weights` (and so D,H,T,B) from this golden file")
    ap.add_argument("--copy-from", required=True,
                    help="golden file whose `conventions` and `init_facts` objects are copied verbatim")
    ap.add_argument("--mt-mom", help="case 1 MomentumLSTMCell: mu,s")
    ap.add_argument("--mt-adam", help="case 3 AdamLSTMCell: mu,s,beta")
    ap.add_argument("--mt-rmsprop", help="case 4 AdamLSTMCell with mu=0: s,beta")
    ap.add_argument("--mt-nag", help="cases 5-7 NesterovLSTMCell (SR form A): s:restart,s:restart,s:restart")
    ap.add_argument("--dt-mom", help="case 9 OrthogonalMomentumRNN: mu,s")
    ap.add_argument("--dt-adam", help="case 10 OrthogonalAdamRNN: mu,s,beta")
    ap.add_argument("--dt-nag", help="case 11 OrthogonalNesterovRNN (SR form B): s:restart")
    ap.add_argument("--ptb-mom", help="cases 13-14 PTB MomentumLSTM: mu:s,mu:s")
    ap.add_argument("--ptb-adam", help="case 15 PTB AdamLSTM: mu,s,beta")
    ap.add_argument("--ptb-nag", help="cases 16-17 PTB NesterovLSTM (SR form B): s:restart,s:restart")
    ap.add_argument("--ref-commit", default="f185c54", help="commit of the authors' code, for generated_with")
    ap.add_argument("--generated-with", help="override the generated_with string")
    ap.add_argument("--compare", help="after writing, compare with this golden file and report max |diff|")
    ap.add_argument("--tol", type=float, default=1e-12, help="tolerance for --compare (default 1e-12)")
    a = ap.parse_args()
    dims_given = a.dims is not None
    for k, v in PRESETS[a.preset].items():
        if getattr(a, k) is None:
            setattr(a, k, v)

    warnings.filterwarnings("ignore")     # F.sigmoid/F.tanh/torch.solve deprecation chatter
    import torch
    torch.set_default_dtype(torch.float64)
    shim = install_torch_solve_shim(torch)
    refs = load_refcode(os.path.abspath(a.refcode))

    copy_src = json.load(open(a.copy_from))
    conventions = {k: copy_src["conventions"][k] for k in CONVENTION_KEYS}
    init_facts = copy_src["init_facts"]

    if a.weights_from:
        W = json.load(open(a.weights_from))["weights"]
        D, H, T, B = dims_of_weights(W)
        if dims_given and [int(x) for x in a.dims.split(",")] != [D, H, T, B]:
            raise SystemExit("--dims %s disagrees with the weights (%d,%d,%d,%d)" % (a.dims, D, H, T, B))
    else:
        D, H, T, B = [int(x) for x in a.dims.split(",")]
        W = random_weights(D, H, T, B, a.seed)
    if B < 2 or H < 2:
        raise SystemExit("the authors' cells need B >= 2 and H >= 2 (gates.squeeze(), PTB squeeze())")
    seg = [int(x) for x in a.segments.split(",")]
    if len(seg) != 2 or sum(seg) != T or min(seg) < 1:
        raise SystemExit("--segments must be two positive lengths summing to T=%d" % T)

    plan = case_plan(a)
    cases = []
    for spec in plan:
        if spec["source"].startswith("ptb/"):
            cases.append(run_ptb_case(torch, refs, W, spec, seg))
        else:
            cases.append(run_mt_case(torch, refs, W, spec))

    gw = a.generated_with or ("authors reference cells (minhtannguyen/MomentumRNN @ %s) run on CPU, torch %s, "
                              "float64" % (a.ref_commit, torch.__version__))
    doc = {
        "generated_with": gw,
        "dims": {"D": D, "H": H, "T": T, "B": B},
        "conventions": conventions,
        "weights": W,
        "cases": cases,
        "init_facts": init_facts,
    }

    # sanity checks stated in the README
    c0, c2 = cases[0], cases[2]
    same = all(s0["h"] == s2["h"] and s0["c"] == s2["c"] for s0, s2 in zip(c0["steps"], c2["steps"])) \
        and c0["loss"] == c2["loss"] and c0["grads"] == c2["grads"]
    print("identity case 0 == case 2 (bit for bit): %s" % same)
    bad = check_init_facts(torch, refs, init_facts)
    print("init_facts recomputed with the authors' LSTMCell: %s" % ("agree" if not bad else "DIFFER %r" % bad))

    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %s: dims D=%d H=%d T=%d B=%d, segments %s, %d cases" % (a.out, D, H, T, B, seg, len(cases)))
    for i, c in enumerate(cases):
        extra = ""
        if "steps" in c and c["kind"] == "nag":
            extra = " k=" + ",".join(str(s["k"]) for s in c["steps"])
        print("  %2d %s%s" % (i, c["name"], extra))

    if a.compare:
        ref = json.load(open(a.compare))
        acc = compare(json.load(open(a.out)), ref)
        print("compare with %s: %d numbers, max |diff| = %.3g at %s" % (a.compare, acc["numbers"], acc["max"], acc["where"]))
        for p_ in acc["problems"][:20]:
            print("  PROBLEM " + p_)
        if acc["problems"] or acc["max"] > a.tol:
            print("VALIDATION FAILED (tol %g)" % a.tol)
            sys.exit(1)
        print("VALIDATION PASSED (tol %g)" % a.tol)


if __name__ == "__main__":
    main()
