#!/bin/bash
# The default run's whole time with the code of one commit: train, score dev, write predictions,
# on 2 threads, with nothing else running. Writes results/speed/LABEL/: timing.json (seconds of
# run(), fp32 matmul GFLOP/s measured before and after, dev scores, commit, date), time.txt (wall
# seconds and peak resident KiB of the whole process), history.jsonl and log.txt; the CPU, and the
# load average before and after (machine_alone: idle before, and no more than the run's own threads
# after).
# The course data must be in $MINBERT_DATA. Run it for two commits one after the other and divide
# their seconds.
#
#   bash benchmarks/default_run.sh 1f576e9 old          # the default of 2026-11-28
#   bash benchmarks/default_run.sh HEAD new             # the default now
#   bash benchmarks/default_run.sh HEAD rr "schedule='round_robin', epochs=1"   # run() keywords
#   # the default recipe's learning curves: its 1,341 steps as nine epochs of 149, 500 training
#   # examples per task scored beside dev after each (the last epoch is the default run itself)
#   bash benchmarks/default_run.sh HEAD curves "steps_per_epoch=149, epochs=9, eval_train=500"
set -euo pipefail
commit=$(git rev-parse --short "${1:?a commit}")
label=${2:?a label}
overrides=${3:-}
repo=$(git rev-parse --show-toplevel)
out=$repo/results/speed/$label
code=$(mktemp -d)
git archive "$commit" minbert_mtl | tar -x -C "$code"
rm -rf "$out" && mkdir -p "$out"
cd "$code"
OMP_NUM_THREADS=2 PYTHONPATH=$code /usr/bin/time -f "%e s %M KiB" -o "$out/time.txt" python -c "
import json, os, time
from minbert_mtl.lab.benchmark import matmul_flops
load0 = [round(x, 2) for x in os.getloadavg()]
g0 = matmul_flops(repeats=3) / 1e9
t = time.time()
from minbert_mtl.train import run
r = run(out_dir='$code/run', progress=False, $overrides)
s = time.time() - t
g1 = matmul_flops(repeats=3) / 1e9
cpu = [l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')]
load = [load0, [round(x, 2) for x in os.getloadavg()]]
json.dump({'which': '$label', 'commit': '$commit', 'overrides': \"$overrides\", 'seconds': s,
           'gflops': [g0, g1], 'dev': r['dev'], 'date': time.strftime('%Y-%m-%d %H:%M'),
           'cpu': cpu[0] if cpu else '', 'cores': os.cpu_count(), 'load': load,
           'machine_alone': load[0][0] < 0.5 and load[1][0] < os.cpu_count() + 0.5},
          open('$out/timing.json', 'w'), indent=1)
" > "$out/log.txt" 2>&1
cp "$code/run/history.jsonl" "$out/history.jsonl"  # each epoch's losses and dev (and train) scores
rm -rf "$code"
cat "$out/time.txt"
