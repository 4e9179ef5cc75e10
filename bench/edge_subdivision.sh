#!/bin/sh
# Runs the edge-subdivision baseline of workloads R2/R3 (Berzins, ICML 2023)
# and relucid regions on the same nets, on this machine, in one run,
# interleaved, and prints the Markdown table recorded in docs/benchmarks.md
# (section regions, "Edge subdivision on this machine").
#
# usage: bench/edge_subdivision.sh IMPL_DIR [r3|r2|all] [extra flags for bench/edge_subdivision.py]
# e.g.   git clone https://github.com/arturs-berzins/relu_edge_subdivision /tmp/es
#        bench/edge_subdivision.sh /tmp/es r3 --repeat 7
#
# IMPL_DIR is a checkout of the author's repository (its code is not part of
# relucid). Needs /usr/bin/python3 with python3-torch and python3-numpy:
#   apt-get install -y python3-torch python3-numpy
set -eu
[ $# -ge 1 ] || { sed -n 2,13p "$0" >&2; exit 2; }
impl=$1
shift
suite=${1:-r3}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/relucid" ./cmd/relucid
case $suite in
r3) shapes="3,32,32,32,1 4,16,16,16,1" ;;
r2) shapes="2,64,64,64,1 2,128,128,128,1" ;;
all) shapes="3,32,32,32,1 4,16,16,16,1 2,64,64,64,1 2,128,128,128,1" ;;
*) echo "edge_subdivision.sh: unknown suite $suite (want r3, r2 or all)" >&2; exit 2 ;;
esac
nets=
for s in $shapes; do
	f="$tmp/net_$(echo "$s" | tr , x).json"
	go run ./bench/cmd/datagen -net "$s" -seed 1 -o "$f"
	nets="$nets $f"
done
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# shellcheck disable=SC2086
/usr/bin/python3 bench/edge_subdivision.py --impl "$impl" --relucid "$tmp/relucid" "$@" $nets
