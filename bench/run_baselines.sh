#!/bin/sh
# Runs relucid's exact trainer and the baselines (Go and PyTorch gradient
# descent with restarts, HiGHS big-M MILP) on the same instances, on this
# machine, in one run, and prints the Markdown tables recorded in
# docs/benchmarks.md (section "train", "### Baselines").
#
# usage: bench/run_baselines.sh [baselines|goals|all] [extra flags for bench/cmd/compare]
# e.g.   bench/run_baselines.sh all -reps 3 -json /tmp/baselines.json
#
# Needs /usr/bin/python3 with python3-torch and python3-scipy (Debian):
#   apt-get install -y python3-torch python3-scipy python3-numpy
set -eu
cd "$(dirname "$0")/.."
suite=${1:-all}
[ $# -gt 0 ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/relucid" ./cmd/relucid
go build -o "$tmp/compare" ./bench/cmd/compare
/usr/bin/python3 -c 'import torch, scipy' || {
	echo "run_baselines.sh: needs python3-torch and python3-scipy (apt-get install -y python3-torch python3-scipy)" >&2
	exit 1
}
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
"$tmp/compare" -relucid "$tmp/relucid" -suite "$suite" "$@"
