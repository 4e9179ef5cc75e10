#!/usr/bin/python3
"""Gradient-descent baseline in PyTorch for exact one-hidden-layer training.

Minimises the same objective as `relucid train` (the SUM of the losses over
the data points) over width-w nets x -> sum_i a_i relu(W_i x + b_i) [+ c],
with full-batch Adam (or plain GD on the mean loss) from R random starts
drawn from PyTorch's default nn.Linear initialisation (uniform in
+-1/sqrt(fan_in)). The R restarts are trained as one batched tensor
program: the total loss is the sum of the restarts' losses and Adam acts
coordinate-wise, so every restart follows exactly the trajectory it would
follow alone.  The step size decays from LR to MIN_LR*LR along a cosine,
as in bench/gd.  Each restart reports the smallest objective seen along its
trajectory (like bench/gd).  Arithmetic is float64.

usage: /usr/bin/python3 bench/gd_torch.py DATA.csv --width W
           --loss squared|absolute|hinge|logistic [--output-bias]
           [--restarts 20] [--iters 3000] [--method adam|gd] [--lr 0.01]
           [--seed 1] [--threads 1]

prints one JSON object: objective (best), objectives (per restart),
finals, time_s (training only, excluding interpreter start-up and import)
and cpu_s (process CPU time of the same span, all threads).
"""
import argparse
import json
import math
import sys
import time


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
                    continue  # header
                raise SystemExit(f"{path}: line {ln}: not numeric")
            if any(math.isnan(v) or math.isinf(v) for v in vals):
                raise SystemExit(f"{path}: line {ln}: not finite")
            if rows and len(vals) != len(rows[0]):
                raise SystemExit(f"{path}: line {ln}: {len(vals)} columns, expected {len(rows[0])}")
            rows.append(vals)
    if not rows or len(rows[0]) < 2:
        raise SystemExit(f"{path}: need at least one row with an input and a target column")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--loss", default="squared", choices=["squared", "absolute", "hinge", "logistic"])
    ap.add_argument("--output-bias", action="store_true")
    ap.add_argument("--restarts", type=int, default=20)
    ap.add_argument("--iters", type=int, default=3000)
    ap.add_argument("--method", default="adam", choices=["adam", "gd"])
    ap.add_argument("--lr", type=float, default=0.0)
    ap.add_argument("--min-lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    if a.width < 1 or a.restarts < 1 or a.iters < 1:
        raise SystemExit("width, restarts and iters must be positive")

    rows = read_csv(a.data)
    import torch  # imported late so usage errors stay fast

    torch.set_num_threads(a.threads)
    dt = torch.float64
    data = torch.tensor(rows, dtype=dt)
    X, Y = data[:, :-1], data[:, -1]
    D, n = X.shape
    if a.loss in ("hinge", "logistic") and not bool(((Y == 1) | (Y == -1)).all()):
        raise SystemExit(f"{a.data}: {a.loss} loss needs labels +-1")
    R, w = a.restarts, a.width
    lr = a.lr if a.lr > 0 else (0.01 if a.method == "adam" else 0.05)

    t0, c0 = time.perf_counter(), time.process_time()
    g = torch.Generator().manual_seed(a.seed)
    b1, b2 = 1 / math.sqrt(n), 1 / math.sqrt(w)
    W = ((torch.rand(R, w, n, generator=g, dtype=dt) * 2 - 1) * b1).requires_grad_()
    b = ((torch.rand(R, w, generator=g, dtype=dt) * 2 - 1) * b1).requires_grad_()
    av = ((torch.rand(R, w, generator=g, dtype=dt) * 2 - 1) * b2).requires_grad_()
    params = [W, b, av]
    if a.output_bias:
        c = ((torch.rand(R, generator=g, dtype=dt) * 2 - 1) * b2).requires_grad_()
        params.append(c)

    def objective():
        pre = torch.einsum("rin,dn->rdi", W, X) + b[:, None, :]  # R x D x w
        f = (torch.relu(pre) * av[:, None, :]).sum(-1)  # R x D
        if a.output_bias:
            f = f + c[:, None]
        if a.loss == "squared":
            l = (f - Y) ** 2
        elif a.loss == "absolute":
            l = (f - Y).abs()
        elif a.loss == "hinge":
            l = torch.relu(1 - Y * f)
        else:
            l = torch.nn.functional.softplus(-Y * f)
        return l.sum(-1)  # per restart

    if a.method == "adam":
        opt = torch.optim.Adam(params, lr=lr)
    else:
        opt = torch.optim.SGD(params, lr=lr / D)  # GD on the mean loss
    floor = a.min_lr if a.min_lr >= 0 else 1.0
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t / a.iters)))
    best = torch.full((R,), math.inf, dtype=dt)
    for _ in range(a.iters):
        opt.zero_grad(set_to_none=True)
        per = objective()
        with torch.no_grad():
            best = torch.minimum(best, per.detach())
        per.sum().backward()
        opt.step()
        sched.step()
    with torch.no_grad():
        final = objective()
        best = torch.minimum(best, final)
    el, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {
        "objective": float(best.min()),
        "objectives": [float(v) for v in best],
        "finals": [float(v) for v in final],
        "time_s": el, "cpu_s": cpu,
        "restarts": R, "iters": a.iters, "method": a.method, "lr": lr,
        "loss": a.loss, "width": w, "output_bias": a.output_bias, "D": D, "n": n,
        "torch": torch.__version__, "threads": a.threads,
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
