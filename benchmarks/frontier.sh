#!/bin/bash
# Train the frontier's runs (notebook L10_frontier): every candidate recipe at budgets of about
# 2, 5, 10, 20 and 40 minutes on a selection split (seed 0), then each budget's chosen recipe
# on the fresh seeds 100-102 on dev (and the default recipe beside it where another was
# chosen), then today's default configuration on the same seeds. Resumable: each record lands
# in results/frontier/ as its run ends, to commit as it comes; started again, it continues
# where it stopped. The course data must be in $MINBERT_DATA. About 77 minutes of training per
# recipe and seed on 2 cores at about 130 GFLOP/s; all of it, about 7 hours.
#
#   nohup bash benchmarks/frontier.sh >> frontier.log 2>&1 &
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
minbert_frontier --train --results_dir results/frontier
# the plain Hugging Face script's point, once (about three times the default's training time);
# on an AMD EPYC: the frontier's minutes are that CPU's, and a record from another stays off the
# plot. bf16 against fp32, on a CPU with native bf16: minbert_frontier --train --bf16
[ -f results/frontier/hf-script.json ] ||
  minbert_benchmark --hf_record results/frontier/hf-script.json
