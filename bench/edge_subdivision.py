#!/usr/bin/python3
"""Times the edge-subdivision baseline of workloads R2/R3 on this machine.

Berzins, "Polyhedral complex extraction from ReLU networks using edge
subdivision" (ICML 2023) is the baseline that shared/benchmarks.md quotes for
R2 and R3. This script does not contain that code: it imports the module
edge_subdivision (and its NN) from a checkout of the author's repository
given with --impl, loads a relucid network JSON into the author's Net (in
float32, as the method runs), and times skeletal_subdivision on the cube
[lo, hi]^n, on the CPU, with the given number of torch threads.

usage: /usr/bin/python3 bench/edge_subdivision.py --impl DIR NET.json [NET.json ...]
           [--box -1:1] [--threads 2] [--repeat 5] [--relucid BIN [--engine auto]]

It prints one JSON object per net: the median and fastest wall time of the
repeats, and the numbers of vertices and edges of the complex it extracts.
With --relucid it also runs relucid on the same cube after each repeat of
the baseline (so both share the machine's state), twice: `BIN regions NET
--box ... --json` in a fresh process (a cold run), and the same with
`--repeat 5` (warm runs, as the baseline's own repeats after its first are).
It reads relucid's own timing of the enumeration ("seconds", like the
baseline's, without process start and loading; with --repeat the median of
the process's runs) and ends with a Markdown table of all three.
bench/edge_subdivision.sh generates the R2/R3 nets and runs this.
Needs /usr/bin/python3 with python3-torch and python3-numpy (Debian).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def load_net(path, Net, torch):
    """The author's Net with a relucid network JSON's weights (float32)."""
    with open(path) as f:
        doc = json.load(f)
    layers = doc.get("layers")
    if not layers:
        raise ValueError(f"{path}: no layers")
    ks = [len(layers[0]["weight"][0])] + [len(l["weight"]) for l in layers]
    if ks[-1] != 1:
        raise ValueError(f"{path}: the baseline takes nets with one output, this one has {ks[-1]}")
    net = Net(ks)
    with torch.no_grad():
        for fc, l in zip(net.fcs, layers):
            w = torch.tensor([[float(x) for x in row] for row in l["weight"]])
            b = torch.tensor([float(x) for x in l.get("bias", [0.0] * len(l["weight"]))])
            if tuple(w.shape) != tuple(fc.weight.shape) or tuple(b.shape) != tuple(fc.bias.shape):
                raise ValueError(f"{path}: layer shapes do not chain")
            fc.weight.copy_(w)
            fc.bias.copy_(b)
    return net, ks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--impl", required=True, help="checkout of github.com/arturs-berzins/relu_edge_subdivision")
    ap.add_argument("--box", default="-1:1", help="cube side lo:hi (default -1:1)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--relucid", help="relucid binary to run on the same nets, interleaved")
    ap.add_argument("--engine", default="auto", help="relucid regions --engine (default auto)")
    ap.add_argument("nets", nargs="+")
    a = ap.parse_args()
    try:
        lo, hi = (float(x) for x in a.box.split(":"))
    except ValueError:
        sys.exit(f"edge_subdivision.py: --box {a.box!r}: want lo:hi")
    if not os.path.isfile(os.path.join(a.impl, "edge_subdivision.py")):
        sys.exit(f"edge_subdivision.py: {a.impl}: no edge_subdivision.py there (want a checkout of relu_edge_subdivision)")
    sys.path.insert(0, a.impl)
    import torch
    from NN import Net
    from edge_subdivision import skeletal_subdivision

    torch.set_num_threads(a.threads)
    rows = []
    for path in a.nets:
        try:
            net, ks = load_net(path, Net, torch)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            sys.exit(f"edge_subdivision.py: {e}")
        times, ours, warm, doc = [], [], [], {}
        with torch.no_grad():
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                vs, edges, _ = skeletal_subdivision(net, bbox=(lo, hi), device="cpu", verbose=False)
                times.append(time.perf_counter() - t0)
                if a.relucid:
                    # torch's OpenMP threads spin for a while after their
                    # work; let them sleep before relucid runs.
                    time.sleep(0.5)
                    doc = run_relucid(a.relucid, path, ks[0], a.box, a.engine)
                    ours.append(doc["seconds"])
                    warm.append(run_relucid(a.relucid, path, ks[0], a.box, a.engine, 5)["seconds"])
        row = {
            "net": os.path.basename(path), "shape": ks, "threads": a.threads,
            "vertices": len(vs), "edges": len(edges),
            "wall_s_median": statistics.median(times), "wall_s_min": min(times),
        }
        if ours:
            row["relucid"] = {k: doc.get(k) for k in ("regions", "pieces", "affine_maps", "vertices", "engine")}
            row["relucid"]["s_median"] = statistics.median(ours)
            row["relucid"]["s_min"] = min(ours)
            row["relucid"]["warm_s_median"] = statistics.median(warm)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if a.relucid:
        print()
        print("| net | edge subdivision: vertices, edges | its time (median, min) | relucid: regions, vertices, engine | relucid, fresh process (median, min) | relucid, warm (median) | ratio, fresh | ratio, warm |")
        print("|---|---|---|---|---|---|---|---|")
        for r in rows:
            o = r["relucid"]
            print(f"| {'→'.join(map(str, r['shape']))} | {r['vertices']:,}, {r['edges']:,} | "
                  f"{r['wall_s_median']:.3f} s, {r['wall_s_min']:.3f} s | {o['regions']:,}, {o['vertices'] or 0:,}, {o['engine']} | "
                  f"{o['s_median'] * 1e3:.1f} ms, {o['s_min'] * 1e3:.1f} ms | {o['warm_s_median'] * 1e3:.1f} ms | "
                  f"{r['wall_s_median'] / o['s_median']:.1f}× | {r['wall_s_median'] / o['warm_s_median']:.1f}× |")


def run_relucid(binary, path, n, box, engine, repeat=1):
    """Runs relucid regions on the cube box^n (repeat times in one process)
    and returns its JSON summary."""
    arg = ",".join([box] * n)
    out = subprocess.run([binary, "regions", path, "--box", arg, "--engine", engine, "--json",
                          "--repeat", str(repeat)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"edge_subdivision.py: relucid regions {path}: {out.stderr.strip()}")
    return json.loads(out.stdout)

if __name__ == "__main__":
    main()
