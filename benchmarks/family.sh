#!/bin/bash
# Train the primary family's runs (notebook L5_answers, `FAMILY`: the course reports' headline
# questions on fresh seeds 100 on, the default schedule, at the quick budget), pair by pair,
# resumable: each record lands in results/answers/quick-family/records/ as its run ends, to
# commit as it comes; started again, it continues where it stopped. The course data must be in
# $MINBERT_DATA. A pair of all five questions is 8 runs, about 50 minutes on a 2-core machine of
# about 200 matmul GFLOP/s (SMART's run is about 12 of them); three pairs, about 2.5 hours.
#
#   nohup bash benchmarks/family.sh >> family.log 2>&1 &
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
minbert_answers --train --family --budget quick --results_dir results/answers
