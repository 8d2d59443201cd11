#!/bin/bash
# Train every run the answers need, one after another, resumable: the quick budget's questions
# (notebook L5_answers), then the headline ones again at the default budget. Each record lands
# in results/answers/<budget>/records/ as its run ends, to commit as it comes; started again, it
# continues where it stopped (a run under way resumes from its last saved step). The course data
# must be in $MINBERT_DATA. The whole plan, on a 2-core machine of about 200 matmul GFLOP/s:
# about 20 hours of training (the first line of each answers.md gives the measured total): 17
# runs of about 4 minutes on a selection split that choose the encoder penalties' weights; 105
# quick runs of 1-70 minutes (the longest on a shared machine), and the votes of 3 ensembles; 18
# default-budget runs of about 11 minutes, the 3 frozen ones about 4.
#
#   nohup bash benchmarks/answers.sh >> answers.log 2>&1 &
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
for budget in quick default; do
  minbert_answers --train --budget "$budget" --results_dir results/answers
done
