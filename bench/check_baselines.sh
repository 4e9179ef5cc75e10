#!/bin/sh
# Consistency check of the Python baselines against relucid on tiny
# instances (not part of go test: it needs python3-torch and python3-scipy).
# Fails if any gradient-descent restart or the HiGHS MILP finds an objective
# below relucid's certified optimum, if HiGHS does not reach it, or if a
# script fails. About a minute on an idle 2-core machine.
#
# usage: bench/check_baselines.sh
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/relucid" ./cmd/relucid
go build -o "$tmp/compare" ./bench/cmd/compare

# 1. A hand-checkable instance: x = -1, 0, 1, y = 1, 0, 1, absolute loss.
#    One unit: a single ReLU is monotone, so it errs by at least 1 on one of
#    the two outer points or in the middle; sigma(x) attains 1. Two units:
#    sigma(x) + sigma(-x) fits exactly, optimum 0.
printf 'x,y\n-1,1\n0,0\n1,1\n' > "$tmp/v.csv"
for w in 1 2; do
	want=$([ $w = 1 ] && echo 1 || echo 0)
	got=$(/usr/bin/python3 bench/milp_highs.py "$tmp/v.csv" --width $w |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["objective"])')
	/usr/bin/python3 -c "import sys; sys.exit(0 if abs($got - $want) < 1e-6 else 1)" || {
		echo "check_baselines: HiGHS on V-shaped data, w=$w: objective $got, want $want" >&2
		exit 1
	}
	echo "HiGHS V-shaped data w=$w: objective $got (want $want) ok"
done
/usr/bin/python3 bench/gd_torch.py "$tmp/v.csv" --width 2 --restarts 4 --iters 500 >/dev/null
if /usr/bin/python3 bench/milp_highs.py "$tmp/v.csv" --width 1 --loss squared 2>/dev/null; then
	echo "check_baselines: milp_highs.py accepted the squared loss" >&2
	exit 1
fi

# 2. relucid against every baseline on the small committed instances.
"$tmp/compare" -relucid "$tmp/relucid" -suite check -restarts 10 -iters 2000
