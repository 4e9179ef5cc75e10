#!/usr/bin/python3
"""Big-M mixed-integer baseline (HiGHS via scipy.optimize.milp) for exact
one-hidden-layer ReLU training, workload T5.

Problem: minimise  sum_j loss( sum_i s_i relu(a_i . x_j + b_i) [+ c], y_j )
over a_i in R^n, b_i in R (i = 1..w), output signs s in {-1,+1}^w [and an
output bias c], for loss = absolute (|f - y|) or hinge (max(0, 1 - y f)).
This is exactly the ERM of `relucid train` (paper-spec section 3.1: the
output weight's magnitude is absorbed into (a_i, b_i) by positive
homogeneity, so only its sign s_i remains).

Formulation (one MILP per multiset of output signs):
  * signs are enumerated OUTSIDE the MILP.  Units with equal sign are
    interchangeable, so only the number k of +1 signs matters: w+1 MILPs
    (k = 0..w) instead of 2^w.  Inside each, units of equal sign are ordered
    by b_i <= b_{i+1} (valid symmetry breaking: permuting such units does
    not change the net).
  * variables: a_i (n), b_i, h_ij >= 0 (post-activation), z_ij binary
    (unit i active on point j), e_j >= 0 (loss epigraph), [c free].
  * big-M: with the box |a_ik| <= U, |b_i| <= U every pre-activation obeys
    |a_i . x_j + b_i| <= M_j := U (||x_j||_1 + 1), and
        h_ij >= a_i . x_j + b_i,
        h_ij <= a_i . x_j + b_i + M_j (1 - z_ij),
        h_ij <= M_j z_ij
    force h_ij = relu(a_i . x_j + b_i) for either value of z_ij.
  * absolute loss: e_j >= f_j - y_j, e_j >= y_j - f_j;
    hinge loss:    e_j >= 1 - y_j f_j;   f_j = sum_i s_i h_ij [+ c].
  * squared loss is NOT supported: milp is linear-only, and a piecewise-
    linear approximation of (f-y)^2 would give a bound, not the optimum.
    Workload T5 therefore uses the absolute loss.

The weight box: big-M needs bounded weights, the exact ERM does not.  A MILP
optimum is certified only inside the box.  The bound U is chosen from the
data scale, U0 = 4 max(1, max|y|) / min_k std(x_k), and doubled (re-solving
from scratch) while some weight of the MILP's optimal net lies on the box
boundary (|v| >= (1 - 1e-6) U), at most --max-doublings times.  An interior
box optimum is NOT a proof that no better net exists outside the box (the
problem is non-convex); bench/check_baselines.sh and bench/run_baselines.sh
compare the objective with relucid's certified optimum on every instance.
This heuristic is known to fail for the hinge loss, which rewards large
margins: on bench/data/moons_d40_s1.csv (w = 1, output bias) the automatic
U = 7.95 gives 10.207 with no weight on the boundary, while the certified
optimum 8.0 needs a weight of 33.8 (--bound 40 finds it).
--bound U fixes the box instead.  The reported time is the total over all
rounds and sign multisets: what a user of this formulation pays.

usage: /usr/bin/python3 bench/milp_highs.py DATA.csv --width W
           [--loss absolute|hinge] [--output-bias] [--bound U]
           [--max-doublings 6] [--time-limit 600] [--gap 1e-6] [-o NET.json]
prints one JSON object with objective (the loss sum recomputed from the
returned net, in float64), milp_objective, time_s, certified, rounds, ...
"""
import argparse
import json
import math
import sys
import time

# A weight counts as on the box boundary when within this relative distance;
# HiGHS's primal feasibility tolerance is 1e-7, so 1e-6 is well above noise.
BOUNDARY_REL = 1e-6


def read_csv(path):
    rows = []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            parts = [p.strip() for p in line.split(",")]
            try:
                vals = [float(p) for p in parts]
            except ValueError:
                if not rows and ln == 1:
                    continue
                raise SystemExit(f"{path}: line {ln}: not numeric")
            if any(math.isnan(v) or math.isinf(v) for v in vals):
                raise SystemExit(f"{path}: line {ln}: not finite")
            if rows and len(vals) != len(rows[0]):
                raise SystemExit(f"{path}: line {ln}: {len(vals)} columns, expected {len(rows[0])}")
            rows.append(vals)
    if not rows or len(rows[0]) < 2:
        raise SystemExit(f"{path}: need at least one row with an input and a target column")
    return rows


def build(np, sp, X, Y, s, U, loss, bias):
    """Returns (c, integrality, lb, ub, A, bl, bu, layout) of one MILP."""
    D, n = X.shape
    w = len(s)
    M = U * (np.abs(X).sum(1) + 1)  # per-point big-M, shape D
    ia = 0
    ib = ia + w * n
    ih = ib + w
    iz = ih + w * D
    ie = iz + w * D
    ic = ie + D
    nv = ic + (1 if bias else 0)
    rows, cols, vals, bl, bu = [], [], [], [], []
    r = 0

    def add(cs, vs, lo, hi):
        nonlocal r
        rows.extend([r] * len(cs))
        cols.extend(cs)
        vals.extend(vs)
        bl.append(lo)
        bu.append(hi)
        r += 1

    for i in range(w):
        for j in range(D):
            pre_c = [ia + i * n + k for k in range(n)] + [ib + i]
            pre_v = list(X[j]) + [1.0]
            h, z = ih + i * D + j, iz + i * D + j
            # h - pre >= 0
            add([h] + pre_c, [1.0] + [-v for v in pre_v], 0.0, np.inf)
            # h - pre + M z <= M
            add([h] + pre_c + [z], [1.0] + [-v for v in pre_v] + [M[j]], -np.inf, M[j])
            # h - M z <= 0
            add([h, z], [1.0, -M[j]], -np.inf, 0.0)
    for j in range(D):
        fc = [ih + i * D + j for i in range(w)] + ([ic] if bias else [])
        fv = [float(s[i]) for i in range(w)] + ([1.0] if bias else [])
        if loss == "absolute":
            add([ie + j] + fc, [1.0] + [-v for v in fv], -Y[j], np.inf)  # e - f >= -y
            add([ie + j] + fc, [1.0] + fv, Y[j], np.inf)  # e + f >= y
        else:
            add([ie + j] + fc, [1.0] + [Y[j] * v for v in fv], 1.0, np.inf)  # e + y f >= 1
    # symmetry breaking among units of equal sign: b_i <= b_{i+1}
    for i in range(w - 1):
        if s[i] == s[i + 1]:
            add([ib + i, ib + i + 1], [1.0, -1.0], -np.inf, 0.0)
    A = sp.csr_matrix((vals, (rows, cols)), shape=(r, nv))
    lb = np.zeros(nv)
    ub = np.full(nv, np.inf)
    lb[ia:ih], ub[ia:ih] = -U, U
    ub[ih:iz] = np.repeat(M[None, :], w, 0).ravel()  # h_ij <= M_j
    ub[iz:ie] = 1.0
    if bias:
        lb[ic], ub[ic] = -np.inf, np.inf
    integ = np.zeros(nv)
    integ[iz:ie] = 1
    cost = np.zeros(nv)
    cost[ie:ie + D] = 1.0
    return cost, integ, lb, ub, A, np.array(bl), np.array(bu), (ia, ib, ih, iz, ie, ic)


def net_objective(np, X, Y, Wt, bt, s, c, loss):
    f = (np.maximum(X @ Wt.T + bt, 0.0) * s).sum(1) + c
    if loss == "absolute":
        return float(np.abs(f - Y).sum())
    return float(np.maximum(0.0, 1 - Y * f).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--loss", default="absolute")
    ap.add_argument("--output-bias", action="store_true")
    ap.add_argument("--bound", type=float, default=0.0)
    ap.add_argument("--max-doublings", type=int, default=6)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--gap", type=float, default=1e-6)
    ap.add_argument("-o", dest="out", default="")
    a = ap.parse_args()
    if a.loss == "squared":
        raise SystemExit("milp_highs.py: squared loss is not linear; scipy.optimize.milp solves MILPs only "
                         "(use --loss absolute, as workload T5 does)")
    if a.loss not in ("absolute", "hinge"):
        raise SystemExit(f"milp_highs.py: unsupported loss {a.loss!r} (absolute or hinge)")
    if a.width < 1:
        raise SystemExit("milp_highs.py: width must be at least 1")
    rows = read_csv(a.data)
    import numpy as np
    import scipy
    import scipy.sparse as sp
    from scipy.optimize import milp, LinearConstraint, Bounds

    data = np.array(rows, dtype=float)
    X, Y = data[:, :-1], data[:, -1]
    D, n = X.shape
    if a.loss == "hinge" and not np.all((Y == 1) | (Y == -1)):
        raise SystemExit(f"{a.data}: hinge loss needs labels +-1")
    w = a.width
    if a.bound > 0:
        U, doublings = a.bound, 0
    else:
        sd = X.std(0)
        sd = sd[sd > 0].min() if np.any(sd > 0) else 1.0
        U, doublings = 4 * max(1.0, float(np.abs(Y).max())) / sd, a.max_doublings

    t0, c0 = time.perf_counter(), time.process_time()
    rounds = []
    certified = True
    while True:
        best = None
        per_sign = []
        for k in range(w, -1, -1):  # k units with s = +1
            s = np.array([1.0] * k + [-1.0] * (w - k))
            cost, integ, lb, ub, A, bl, bu, (ia, ib, ih, iz, ie, ic) = build(
                np, sp, X, Y, s, U, a.loss, a.output_bias)
            remaining = a.time_limit - (time.perf_counter() - t0)
            ts = time.perf_counter()
            res = milp(cost, integrality=integ, bounds=Bounds(lb, ub),
                       constraints=LinearConstraint(A, bl, bu),
                       options={"time_limit": max(remaining, 1.0), "mip_rel_gap": a.gap})
            el = time.perf_counter() - ts
            entry = {"plus": k, "status": int(res.status), "time_s": el,
                     "nodes": int(getattr(res, "mip_node_count", 0) or 0)}
            if res.x is not None:
                x = res.x
                Wt = x[ia:ib].reshape(w, n)
                bt = x[ib:ih]
                c = float(x[ic]) if a.output_bias else 0.0
                obj = net_objective(np, X, Y, Wt, bt, s, c, a.loss)
                entry["objective"] = obj
                entry["milp_objective"] = float(res.fun)
                if best is None or obj < best["objective"]:
                    best = {"objective": obj, "milp_objective": float(res.fun),
                            "W": Wt, "b": bt, "s": s, "c": c}
            if res.status != 0:
                certified = False
            per_sign.append(entry)
        on_boundary = False
        if best is not None:
            vals = np.concatenate([best["W"].ravel(), best["b"]])
            on_boundary = bool(np.any(np.abs(vals) >= (1 - BOUNDARY_REL) * U))
        rounds.append({"U": U, "objective": best and best["objective"], "on_boundary": on_boundary,
                       "signs": per_sign})
        if not on_boundary or doublings == 0 or not certified:
            break
        doublings -= 1
        U *= 2
    el, cpu = time.perf_counter() - t0, time.process_time() - c0
    if best is None:
        raise SystemExit(f"{a.data}: HiGHS found no solution within the time limit")
    if a.out:
        net = {"layers": [
            {"weight": best["W"].tolist(), "bias": best["b"].tolist()},
            {"weight": [best["s"].tolist()], "bias": [best["c"]]}]}
        with open(a.out + ".tmp", "w") as f:
            json.dump(net, f)
        import os
        os.replace(a.out + ".tmp", a.out)
    out = {
        "objective": best["objective"], "milp_objective": best["milp_objective"],
        "time_s": el, "cpu_s": cpu, "certified": certified,
        "certified_note": "optimal within the weight box |a|,|b| <= U only",
        "U": U, "bound_active": rounds[-1]["on_boundary"], "rounds": rounds,
        "loss": a.loss, "width": w, "output_bias": a.output_bias, "D": int(D), "n": int(n),
        "gap": a.gap, "scipy": scipy.__version__,
        "signs": best["s"].tolist(),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
