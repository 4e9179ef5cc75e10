#!/usr/bin/python3
"""Writes bench/data/t5_highs.json: HiGHS (big-M MILP, bench/milp_highs.py)
optima of the committed T5 instances under the absolute loss, w = 1, 2, with
and without output bias.  The Go test bench.TestExactMatchesHiGHS compares
erm.Train against these independent values, so go test needs no Python.

usage: /usr/bin/python3 bench/milp_fixtures.py   (from the repository root)
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = []
for n in (1, 2):
    for d in (10, 15, 20):
        for w in (1, 2):
            for bias in (False, True):
                if bias and d != 10:
                    continue
                f = f"t5_n{n}_d{d}_s1.csv"
                args = [sys.executable, os.path.join(here, "milp_highs.py"),
                        os.path.join(here, "data", f), "--width", str(w), "--loss", "absolute"]
                if bias:
                    args.append("--output-bias")
                r = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
                if not r["certified"] or r["bound_active"]:
                    sys.exit(f"{f} w={w}: HiGHS not certified inside its box")
                out.append({"file": f, "width": w, "loss": "absolute", "output_bias": bias,
                            "objective": r["objective"], "milp_objective": r["milp_objective"],
                            "U": r["U"], "scipy": r["scipy"]})
                print(f, w, bias, r["objective"], file=sys.stderr)
path = os.path.join(here, "data", "t5_highs.json")
with open(path + ".tmp", "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
os.replace(path + ".tmp", path)
