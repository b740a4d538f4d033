#!/usr/bin/env python3
"""Generate the PyTorch weight-exchange fixtures of ReferenceWeightsTest from the authors' own classes.

Command used (from the repository root, authors' files in /tmp/refcode as described in README.md here):

    /usr/bin/python3 src/test/python/make_weight_fixtures.py --refcode /tmp/refcode \
        --out src/test/resources/weights

Rerunning it writes byte-identical files (fixed seeds, CPU, zip entries with the fixed time stamp
1980-01-01 00:00, STORED). Needs Debian's python3-torch 1.13, numpy 1.24 and scipy (expm32.py imports
scipy.special). Like make_golden.py, whose loader it reuses, it imports the authors' classes unchanged and
only points the legacy torch.solve (called by expm32.py) at torch.linalg.solve.

Each fixture is two .npz files:
  NAME.state.npz  exactly the state_dict() of the authors' float32 module (what torch.save would hold),
                  every array as numpy gives it (float32 weights, int64 `permutation`);
  NAME.io.npz     the input X [T, B, d] (time-major, float32), the per-step outputs h_t of the authors'
                  module run in float32 (`h_f32`, float32) and in float64 (`h_f64`, float64) from zero
                  states, the hyper-parameters as 0-d float64 arrays, and fixture-specific extras.
Every weight and input is rounded to float32 first, so the float64 and the float32 runs see the same
numbers and the float32 state dict is exact for both.

Fixtures:
 1 mnist_momentum_lstm  mnist.py `Model` layout around the authors' MomentumLSTMCell (mnist-timit), d=3,
                        H=5, 10 classes, mu=0.6, epsilon=0.7: keys permutation, rnn.x2h.*, rnn.h2h.*,
                        lin.*. Authors' init (torch.manual_seed) then seeded uniform(-0.4, 0.4) noise on
                        every parameter, so all four gate blocks of U, both biases and the head are
                        non-trivial. T=6, B=2. Extra: logits_f32/logits_f64 = lin(h_T).
 2 mnist_momentum_dtriv mnist.py `Model` layout around OrthogonalMomentumRNN (DTRIV, mode=("dynamic",
                        100, 100), param=expm, henaff_init_), d=2, H=4, mu=0.5, epsilon=0.8. After the
                        authors' init: three optimizer-free perturbations, each adding seeded noise to A
                        and letting the authors' Parametrization rebase (base <- base*exp(S(A)), A <- 0),
                        so base is a non-identity orthogonal matrix; then a final full-matrix A (henaff
                        angles + noise everywhere, including the ignored diagonal and lower triangle),
                        noise on input_kernel.weight and the head, uniform(-0.5, 0.1) added to
                        nonlinearity.b so that some h entries are exactly 0. The counter k is left at 1
                        so the forward pass does not rebase: the saved A is non-zero and
                        rnn.recurrent_kernel._B is the float32 B the authors' expm32 computed in that
                        pass. X uniform(-0.5, 0.5), T=6, B=2. Extras: logits_*, B_f64 (the float64
                        module's _B); h_f64_exact, logits_f64_exact and B_f64_exact from the same float64
                        module with param=torch.matrix_exp instead of the authors' expm32, whose float32
                        Pade thresholds leave ~1e-10 truncation error in float64 (spec/dtriv.md 9);
                        margin (the smallest distance of any a or |a|+b from a modReLU kink, all runs).
 3 ptb_momentum_lstm    the PTB MomentumLSTM module alone (keys weight_ih, weight_hh, bias_ih, bias_hh),
                        d=4, H=3, mu=0.6, epsilon=0.8, one segment of T=5, B=2 from zero (h, c, v).
                        Extras: h_end/c_end/v_end of the float64 run.
"""

import argparse
import io
import os
import sys
import warnings
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden  # noqa: E402  (load_refcode, install_torch_solve_shim)

SEED = 20240612


def f32(a):
    """Round a float64 numpy array to the nearest float32 value (kept as float64)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def write_npz(path, arrays):
    """numpy .npz with a fixed zip time stamp (STORED), so reruns are byte-identical."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o600 << 16
            z.writestr(info, buf.getvalue())


def state_arrays(module):
    return {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}


def mnist_model_class(torch):
    nn = torch.nn

    class Model(nn.Module):
        """The parameter layout of mnist-timit/mnist.py `Model`: buffer `permutation` (int64, drawn with
        np.random.RandomState(seed).permutation as there; here over the T steps instead of 784 pixels),
        the cell as `rnn`, the head `lin = nn.Linear(hidden, n_classes)`. Forward as mnist.py with
        permute=False, but time-major input [T, B, d] and returning every h_t as well as the logits."""

        def __init__(self, rnn, hidden, n_classes, perm_len, seed):
            super().__init__()
            self.register_buffer("permutation", torch.LongTensor(np.random.RandomState(seed).permutation(perm_len)))
            self.rnn = rnn
            self.lin = nn.Linear(hidden, n_classes)

    return Model


def perturb_(torch, param, rng, scale):
    with torch.no_grad():
        param.add_(torch.tensor(rng.uniform(-scale, scale, size=tuple(param.shape)), dtype=param.dtype))


def round_params_(torch, module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.tensor(f32(p.detach().numpy()), dtype=p.dtype))


# --------------------------------------------------------------------------------------------------
# 1. MomentumLSTMCell (mnist-timit) in the mnist.py Model layout
# --------------------------------------------------------------------------------------------------
def fixture_lstm(torch, refs):
    d, H, T, B, C, mu, eps = 3, 5, 6, 2, 10, 0.6, 0.7
    Model = mnist_model_class(torch)
    rng = np.random.default_rng(SEED + 1)

    def build(dtype):
        torch.set_default_dtype(dtype)
        torch.manual_seed(SEED + 1)
        return Model(refs.mt.MomentumLSTMCell(d, H, mu=mu, epsilon=eps), H, C, T, SEED + 1)

    m64 = build(torch.float64)
    for p in m64.parameters():
        perturb_(torch, p, rng, 0.4)
    round_params_(torch, m64)
    X = f32(rng.uniform(-1.0, 1.0, size=(T, B, d)))

    def run(model, dtype):
        x = torch.tensor(X, dtype=dtype)
        state = (torch.zeros((B, H), dtype=dtype), torch.zeros((B, H), dtype=dtype))
        v = torch.zeros((B, 4 * H), dtype=dtype)
        hs = []
        with torch.no_grad():
            for t in range(T):                         # mnist.py Model.forward, one step per time index
                out, state, v = model.rnn(x[t], state, v)
                hs.append(out)
            logits = model.lin(out)
        return torch.stack(hs).numpy(), logits.numpy()

    h64, l64 = run(m64, torch.float64)
    m32 = build(torch.float32)
    m32.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in m64.state_dict().items()})
    h32, l32 = run(m32, torch.float32)
    torch.set_default_dtype(torch.float64)
    state = state_arrays(m32)
    io_ = {"X": X.astype(np.float32), "h_f32": h32, "h_f64": h64, "logits_f32": l32, "logits_f64": l64,
           "mu": np.array(mu), "epsilon": np.array(eps)}
    return "mnist_momentum_lstm", state, io_, "max |h_f32 - h_f64| = %.2e" % np.abs(h32 - h64).max()


# --------------------------------------------------------------------------------------------------
# 2. OrthogonalMomentumRNN (DTRIV) in the mnist.py Model layout
# --------------------------------------------------------------------------------------------------
def fixture_dtriv(torch, refs):
    d, H, T, B, C, mu, eps = 2, 4, 6, 2, 10, 0.5, 0.8
    Model = mnist_model_class(torch)
    rng = np.random.default_rng(SEED + 2)
    common = dict(initializer_skew=refs.initialization.henaff_init_, mode=("dynamic", 100, 100),
                  param=refs.trivializations.expm)

    def build(dtype):
        torch.set_default_dtype(dtype)
        torch.manual_seed(SEED + 2)
        return Model(refs.orth.OrthogonalMomentumRNN(d, H, mu=mu, epsilon=eps, **common), H, C, T, SEED + 2)

    m64 = build(torch.float64)
    rk = m64.rnn.recurrent_kernel
    # Optimizer-free perturbations: move A, let the authors' Parametrization rebase (k == 0 triggers
    # base <- _B = base*exp(S(A)), A <- 0 inside the B property).
    for _ in range(3):
        perturb_(torch, rk.A, rng, 0.8)
        rk._B = None
        rk.k = 0
        _ = rk.B
        assert float(rk.A.abs().max()) == 0.0 and rk.k == 1
    with torch.no_grad():
        A = torch.empty(H, H)
        refs.initialization.henaff_init_(A)
        rk.A.copy_(A + torch.tensor(rng.uniform(-0.5, 0.5, size=(H, H))))
        rk.base.copy_(torch.tensor(f32(rk.base.numpy())))
    perturb_(torch, m64.rnn.input_kernel.weight, rng, 0.3)
    with torch.no_grad():                      # modReLU bias: mostly negative, so some h entries are 0
        m64.rnn.nonlinearity.b.add_(torch.tensor(rng.uniform(-0.5, 0.1, size=H)))
    perturb_(torch, m64.lin.weight, rng, 0.3)
    perturb_(torch, m64.lin.bias, rng, 0.3)
    round_params_(torch, m64)
    X = f32(rng.uniform(-0.5, 0.5, size=(T, B, d)))
    assert np.abs(rk.base.numpy() - np.eye(H)).max() > 0.3

    def run(model, dtype):
        x = torch.tensor(X, dtype=dtype)
        rnn = model.rnn
        rnn.recurrent_kernel._B = None
        rnn.recurrent_kernel.k = 1          # no rebase in this pass: A stays as set
        state = rnn.default_hidden(x[0])
        v = torch.zeros((B, H), dtype=dtype)
        hs, margin = [], np.inf
        for t in range(T):                   # mnist.py Model.forward
            pre = (rnn.mu * v + rnn.epsilon * rnn.input_kernel(x[t]) + rnn.recurrent_kernel(state)).detach()
            margin = min(margin, float(pre.abs().min()), float((pre.abs() + rnn.nonlinearity.b).abs().min()))
            out, state, v = rnn(x[t], state, v)
            hs.append(out.detach())
        assert rnn.recurrent_kernel.k == 2 and float(rnn.recurrent_kernel.A.abs().max()) > 0
        logits = model.lin(out).detach()
        return torch.stack(hs).numpy(), logits.numpy(), margin

    h64, l64, margin = run(m64, torch.float64)
    B64 = rk._B.detach().numpy().copy()
    # The authors' expm32 keeps its float32 Pade thresholds in float64, so its float64 B is only accurate to
    # ~1e-10 here (spec/dtriv.md 9). The same module with a double-accurate exponential as its `param`
    # (torch.matrix_exp) gives float64 outputs a float64 implementation must match to rounding.
    rk.param = torch.matrix_exp
    h64x, l64x, margin_x = run(m64, torch.float64)
    Bx = rk._B.detach().numpy().copy()
    rk.param = refs.trivializations.expm
    margin = min(margin, margin_x)
    m32 = build(torch.float32)
    with torch.no_grad():
        src = m64.state_dict()
        for k, v in m32.state_dict().items():   # _B is None in a fresh module, so it is not listed here
            v.copy_(src[k].to(v.dtype))
    h32, l32, margin32 = run(m32, torch.float32)
    torch.set_default_dtype(torch.float64)
    state = state_arrays(m32)
    assert "rnn.recurrent_kernel._B" in state and state["rnn.recurrent_kernel._B"].dtype == np.float32
    io_ = {"X": X.astype(np.float32), "h_f32": h32, "h_f64": h64, "logits_f32": l32, "logits_f64": l64,
           "h_f64_exact": h64x, "logits_f64_exact": l64x, "B_f64": B64, "B_f64_exact": Bx, "margin": np.array(min(margin, margin32)), "mu": np.array(mu), "epsilon": np.array(eps)}
    info = ("max |h| %.2f, max |h_f32 - h_f64| = %.2e, max |h_f64 - h_f64_exact| = %.2e, |B_f64 - B_f64_exact| = "
            "%.2e, kink margin %.2e, |_B32 - B64| = %.2e, zeros in h: %d/%d") % (
        np.abs(h64).max(), np.abs(h32 - h64).max(), np.abs(h64 - h64x).max(), np.abs(B64 - Bx).max(),
        min(margin, margin32),
        np.abs(state["rnn.recurrent_kernel._B"] - B64).max(), int((h64 == 0).sum()), h64.size)
    return "mnist_momentum_dtriv", state, io_, info


# --------------------------------------------------------------------------------------------------
# 3. PTB MomentumLSTM module
# --------------------------------------------------------------------------------------------------
def fixture_ptb(torch, refs):
    d, H, T, B, mu, eps = 4, 3, 5, 2, 0.6, 0.8
    rng = np.random.default_rng(SEED + 3)

    def build(dtype):
        torch.set_default_dtype(dtype)
        torch.manual_seed(SEED + 3)
        return refs.ptb.MomentumLSTM(d, H, mu=mu, epsilon=eps, bias=True)

    r64 = build(torch.float64)
    for p in r64.parameters():
        perturb_(torch, p, rng, 0.4)
    round_params_(torch, r64)
    X = f32(rng.uniform(-1.0, 1.0, size=(T, B, d)))

    def run(rnn, dtype):
        hidden = (torch.zeros(1, B, H, dtype=dtype), torch.zeros(1, B, H, dtype=dtype))   # init_hidden
        v = torch.zeros(1, B, 4 * H, dtype=dtype)
        with torch.no_grad():
            out, hidden, v = rnn(torch.tensor(X, dtype=dtype), hidden, v)
        return out.numpy(), hidden[0].numpy(), hidden[1].numpy(), v.numpy()

    h64, hend, cend, vend = run(r64, torch.float64)
    r32 = build(torch.float32)
    r32.load_state_dict({k: v.float() for k, v in r64.state_dict().items()})
    h32 = run(r32, torch.float32)[0]
    torch.set_default_dtype(torch.float64)
    io_ = {"X": X.astype(np.float32), "h_f32": h32, "h_f64": h64, "h_end": hend, "c_end": cend, "v_end": vend,
           "mu": np.array(mu), "epsilon": np.array(eps)}
    return "ptb_momentum_lstm", state_arrays(r32), io_, "max |h_f32 - h_f64| = %.2e" % np.abs(h32 - h64).max()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refcode", required=True, help="folder with mnist-timit/ and ptb/ of the authors' code")
    ap.add_argument("--out", required=True, help="output folder (src/test/resources/weights)")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    import torch
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    make_golden.install_torch_solve_shim(torch)
    refs = make_golden.load_refcode(os.path.abspath(a.refcode))
    if refs.initialization is None:
        raise SystemExit("need mnist-timit/initialization.py (henaff_init_)")
    os.makedirs(a.out, exist_ok=True)
    for make in (fixture_lstm, fixture_dtriv, fixture_ptb):
        name, state, io_, info = make(torch, refs)
        write_npz(os.path.join(a.out, name + ".state.npz"), state)
        write_npz(os.path.join(a.out, name + ".io.npz"), io_)
        print("%s: state %s; %s" % (name, ", ".join("%s%s" % (k, list(v.shape)) for k, v in state.items()), info))


if __name__ == "__main__":
    main()
