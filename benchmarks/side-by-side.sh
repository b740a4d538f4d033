#!/usr/bin/env bash
# Side-by-side timing of MomentumRNN4J and PyTorch on the issue's shapes, in one run on one machine.
#   bash benchmarks/side-by-side.sh [reps]      (needs ./momentumrnn built, and Debian's python3-torch)
# Prints the RESULT lines of both, then a table of medians and ratios. PyTorch runs as the baseline's header
# prescribes (torch 1 thread, OpenBLAS 2 threads), with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for that command
# alone so that Debian's current OpenBLAS picks its native kernels (its fastest setting); MomentumRNN4J runs as
# ./momentumrnn runs it (ND4J's bundled OpenBLAS 0.3.19 keeps the machine's OPENBLAS_CORETYPE, which older
# OpenBLAS builds need on this processor).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-7}"
baseline="${PYTORCH_BASELINE:-$here/../shared/bench/pytorch_baseline.py}"
out="$(mktemp)"
# the native build and thread configuration MomentumRNN4J runs with
"$here/momentumrnn" bench --cell lstm --time 2 --batch 1 --input 1 --hidden 2 --reps 1 --warmup-seconds 0 2>/dev/null | grep '^# nd4j'
for shape in A B; do
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
    /usr/bin/python3 "$baseline" --shape "$shape" --reps "$reps" | grep '^RESULT' | sed "s/^/$shape /" | tee -a "$out"
  if [ "$shape" = A ]; then dims="--time 100 --batch 32 --input 64 --hidden 256"; else dims="--time 784 --batch 32 --input 1 --hidden 128"; fi
  for cell in lstm momentum-lstm adam-lstm sr-lstm-a sr-lstm-b; do
    "$here/momentumrnn" bench --cell "$cell" $dims --reps "$reps" 2>/dev/null | grep '^RESULT' | sed "s/^/$shape /" | tee -a "$out"
  done
  # the batch split turned off (one thread, labelled "<cell>@1thread"), for the evaluation of the split
  for cell in lstm momentum-lstm; do
    MOMENTUMRNN_JAVA_OPTS="-Xmx6g -Dmomentumrnn4j.sweepThreads=1" "$here/momentumrnn" bench --cell "$cell" $dims --reps "$reps" 2>/dev/null \
      | grep '^RESULT' | sed "s/^RESULT $cell /RESULT $cell@1thread /; s/^/$shape /" | tee -a "$out"
  done
  # the plain (OpenBLAS) build of libnd4j, for the oneDNN evaluation (labelled "<cell>@openblas")
  for cell in lstm momentum-lstm; do
    MOMENTUMRNN_ONEDNN=0 "$here/momentumrnn" bench --cell "$cell" $dims --reps "$reps" 2>/dev/null | grep '^RESULT' \
      | sed "s/^RESULT $cell /RESULT $cell@openblas /; s/^/$shape /" | tee -a "$out"
  done
done
"$here/momentumrnn" bench --cell momentum-dtriv --time 100 --batch 32 --input 64 --hidden 256 --reps "$reps" 2>/dev/null \
  | grep '^RESULT' | sed 's/^/A /' | tee -a "$out"
echo
echo "streaming inference step (batch 1, hidden 256) beside one [1,256]x[256,1024] GEMM call:"
for cell in lstm momentum-lstm; do
  "$here/momentumrnn" bench --cell "$cell" --streaming --batch 1 --input 64 --hidden 256 --time 1000 --reps 9 2>/dev/null | grep '^RESULT'
done
echo
python3 - "$out" <<'PY'
import re, sys
rows = [l.split() for l in open(sys.argv[1]) if 'streaming' not in l]
med = {(r[0], r[2]): float(re.search(r'median_ms=([0-9.]+)', ' '.join(r)).group(1)) for r in rows}
print(f"{'shape':5} {'implementation':28} {'median ms':>10} {'/ torch.nn.LSTM':>16} {'/ our lstm':>11}")
for (shape, impl), m in med.items():
    t = med.get((shape, 'torch.nn.LSTM'))
    o = med.get((shape, 'lstm'))
    print(f"{shape:5} {impl:28} {m:10.1f} {m / t if t else float('nan'):16.2f} {m / o if o else float('nan'):11.2f}")
PY
rm -f "$out"
