#!/usr/bin/env bash
# Side-by-side timing of MomentumRNN4J and PyTorch on the issue's shapes, in one run on one machine.
#   bash benchmarks/side-by-side.sh [reps] [rounds]     (needs ./momentumrnn built, and Debian's python3-torch)
# Prints the RESULT lines of both, then a table of medians and ratios. PyTorch runs as the baseline's header
# prescribes (torch 1 thread, OpenBLAS 2 threads), with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for that command
# alone so that Debian's current OpenBLAS picks its native kernels (its fastest setting); MomentumRNN4J runs as
# ./momentumrnn runs it (ND4J's bundled OpenBLAS 0.3.19 keeps the machine's OPENBLAS_CORETYPE).
# With rounds > 1 (the default is 3) the whole list runs that many times, PyTorch first in each round, and the table
# gives each implementation's per-round ratio to PyTorch's median of the same round: the host's slow and fast phases
# (minutes long on the VM of RESULTS.md) then fall on both libraries alike. The one-thread, plain-build, DTRIV and
# streaming rows run once, after the rounds; then the overhead targets run paired in one process (`bench --against
# lstm`: MomentumLSTM at A and B, MomentumDTRIV at A), once per round.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-7}"
rounds="${2:-3}"
baseline="${PYTORCH_BASELINE:-$here/../shared/bench/pytorch_baseline.py}"
out="$(mktemp)"
dims_of() { if [ "$1" = A ]; then echo "--time 100 --batch 32 --input 64 --hidden 256"; else echo "--time 784 --batch 32 --input 1 --hidden 128"; fi; }
# the native build and thread configuration MomentumRNN4J runs with
"$here/momentumrnn" bench --cell lstm --time 2 --batch 1 --input 1 --hidden 2 --reps 1 --warmup-seconds 0 2>/dev/null | grep '^# nd4j'
for round in $(seq 1 "$rounds"); do
  for shape in A B; do
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
      /usr/bin/python3 "$baseline" --shape "$shape" --reps "$reps" | grep '^RESULT' | sed "s/^/$shape $round /" | tee -a "$out"
    for cell in lstm momentum-lstm adam-lstm sr-lstm-a sr-lstm-b; do
      "$here/momentumrnn" bench --cell "$cell" $(dims_of "$shape") --reps "$reps" 2>/dev/null | grep '^RESULT' \
        | sed "s/^/$shape $round /" | tee -a "$out"
    done
  done
done
for shape in A B; do
  dims="$(dims_of "$shape")"
  # the batch split turned off (one thread, labelled "<cell>@1thread"), for the evaluation of the split
  for cell in lstm momentum-lstm; do
    MOMENTUMRNN_JAVA_OPTS="-Xmx6g -Dmomentumrnn4j.sweepThreads=1" "$here/momentumrnn" bench --cell "$cell" $dims --reps "$reps" 2>/dev/null \
      | grep '^RESULT' | sed "s/^RESULT $cell /RESULT $cell@1thread /; s/^/$shape $rounds /" | tee -a "$out"
  done
  # the plain (OpenBLAS) build of libnd4j, for the oneDNN evaluation (labelled "<cell>@openblas")
  for cell in lstm momentum-lstm; do
    MOMENTUMRNN_ONEDNN=0 "$here/momentumrnn" bench --cell "$cell" $dims --reps "$reps" 2>/dev/null | grep '^RESULT' \
      | sed "s/^RESULT $cell /RESULT $cell@openblas /; s/^/$shape $rounds /" | tee -a "$out"
  done
done
"$here/momentumrnn" bench --cell momentum-dtriv --time 100 --batch 32 --input 64 --hidden 256 --reps "$reps" 2>/dev/null \
  | grep '^RESULT' | sed "s/^/A $rounds /" | tee -a "$out"
echo
echo "streaming inference step (batch 1, hidden 256) beside one [1,256]x[256,1024] GEMM call:"
for cell in lstm momentum-lstm; do
  "$here/momentumrnn" bench --cell "$cell" --streaming --batch 1 --input 64 --hidden 256 --time 1000 --reps 9 2>/dev/null | grep '^RESULT'
done
echo
# the overhead targets, paired in one process (alternating repetitions): one run per round and pair, 45 pairs each
# (the warm-up dominates each run; over runs 24-27 the 15-pair medians of MomentumLSTM / LSTM spread over 0.96-1.06,
# stand-alone 45-pair runs over 0.98-1.03: benchmarks/RESULTS.md, session 11)
echo "paired in one process, median of per-pair ratios (targets: momentum-lstm / lstm <= 1.05, momentum-dtriv / lstm <= 0.6):"
for round in $(seq 1 "$rounds"); do
  for pair in "momentum-lstm A" "momentum-lstm B" "momentum-dtriv A"; do
    set -- $pair
    "$here/momentumrnn" bench --cell "$1" --against lstm $(dims_of "$2") --reps 45 2>/dev/null | grep 'median of per-pair' \
      | sed "s/^# /$2 run $round: /"
  done
done
echo
python3 - "$out" <<'PY'
import re, statistics, sys
med = {}                                  # (shape, impl) -> {round: median ms}
for line in open(sys.argv[1]):
    r = line.split()
    med.setdefault((r[0], r[3]), {})[int(r[1])] = float(re.search(r'median_ms=([0-9.]+)', line).group(1))
print(f"{'shape':5} {'implementation':28} {'median ms by round':>24} {'÷ torch by round':>22} {'median ÷ torch':>15} {'÷ our lstm':>11}")
for (shape, impl), byr in med.items():
    torch = med.get((shape, 'torch.nn.LSTM'), {})
    ours = med.get((shape, 'lstm'), {})
    ratios = [byr[k] / torch[k] for k in sorted(byr) if k in torch]
    own = [byr[k] / ours[k] for k in sorted(byr) if k in ours]
    ms = ' '.join(f"{byr[k]:.1f}" for k in sorted(byr))
    rs = ' '.join(f"{x:.2f}" for x in ratios)
    mr = f"{statistics.median(ratios):.2f}" if ratios else "-"
    mo = f"{statistics.median(own):.2f}" if own else "-"
    print(f"{shape:5} {impl:28} {ms:>24} {rs:>22} {mr:>15} {mo:>11}")
PY
rm -f "$out"
