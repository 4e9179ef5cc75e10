package region

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/relucid/relucid/relu"
)

// BenchmarkR2 is workload R2 of shared/benchmarks.md: random 2→[w]×3→1 nets
// (PyTorch default init, seed 1) on [−1, 1]².
func BenchmarkR2(b *testing.B) {
	for _, w := range []int{64, 128, 256} {
		b.Run(fmt.Sprintf("w=%d", w), func(b *testing.B) {
			net := randomNet(1, 2, w, w, w, 1)
			dom, _ := Box([]float64{-1, -1}, []float64{1, 1})
			var regions int
			cpu0 := cpuTime()
			for b.Loop() {
				cx, err := Enumerate(context.Background(), net, dom, Options{})
				if err != nil {
					b.Fatal(err)
				}
				regions = cx.Counts[0].Regions
			}
			b.ReportMetric(float64(regions), "regions")
			b.ReportMetric(float64(regions)*float64(b.N)/b.Elapsed().Seconds(), "regions/s")
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkR3 is workload R3: random 3→[32]×3→1 and 4→[16]×3→1 on [−1, 1]^n.
func BenchmarkR3(b *testing.B) {
	for _, tc := range []struct{ n, w int }{{3, 32}, {4, 16}} {
		b.Run(fmt.Sprintf("n=%d,w=%d", tc.n, tc.w), func(b *testing.B) {
			benchBox(b, randomNet(1, tc.n, tc.w, tc.w, tc.w, 1), tc.n)
		})
	}
}

func benchBox(b *testing.B, net *relu.Net, n int) {
	lo := make([]float64, n)
	hi := make([]float64, n)
	for i := range lo {
		lo[i], hi[i] = -1, 1
	}
	dom, _ := Box(lo, hi)
	var regions, verts int
	cpu0 := cpuTime()
	for b.Loop() {
		cx, err := Enumerate(context.Background(), net, dom, Options{})
		if err != nil {
			b.Fatal(err)
		}
		regions = cx.Counts[0].Regions
	}
	cpu := cpuTime() - cpu0
	cx, _ := Enumerate(context.Background(), net, dom, Options{Vertices: VerticesAlways})
	seen := map[string]bool{}
	for _, r := range cx.Regions {
		for _, v := range r.Vertices {
			seen[fmt.Sprintf("%.9f", v)] = true
		}
	}
	verts = len(seen)
	b.ReportMetric(float64(regions), "regions")
	b.ReportMetric(float64(verts), "vertices")
	b.ReportMetric(float64(regions)*float64(b.N)/b.Elapsed().Seconds(), "regions/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time (user + system) of the process so far: on a
// machine shared with other jobs it is a steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cube(n int, c, r float64) Domain {
	lo := make([]float64, n)
	hi := make([]float64, n)
	for i := range lo {
		lo[i], hi[i] = c-r, c+r
	}
	d, _ := Box(lo, hi)
	return d
}

func benchDomain(b *testing.B, net *relu.Net, dom Domain, opt Options) {
	var regions int
	var partial bool
	cpu0 := cpuTime()
	for b.Loop() {
		cx, err := Enumerate(context.Background(), net, dom, opt)
		if err != nil && cx == nil {
			b.Fatal(err)
		}
		regions, partial = cx.Counts[0].Regions, cx.Partial
	}
	b.ReportMetric(float64(regions), "regions")
	if partial {
		b.ReportMetric(1, "partial")
	}
	b.ReportMetric(float64(regions)*float64(b.N)/b.Elapsed().Seconds(), "regions/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkScaleDepth: 2→[64]×k→1 on [−1, 1]², k = 1..6.
func BenchmarkScaleDepth(b *testing.B) {
	for k := 1; k <= 6; k++ {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			ws := []int{2}
			for range k {
				ws = append(ws, 64)
			}
			benchDomain(b, randomNet(1, append(ws, 1)...), cube(2, 0, 1), Options{})
		})
	}
}

// BenchmarkScaleDim: n→[16]×3→1 on [−1, 1]^n, n = 2..6.
func BenchmarkScaleDim(b *testing.B) {
	for n := 2; n <= 6; n++ {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchDomain(b, randomNet(1, n, 16, 16, 16, 1), cube(n, 0, 1), Options{})
		})
	}
}

// BenchmarkEngines compares the skeleton engine with the cell engine on
// the R3 nets and their 5-D sibling, for the full complex (Regions with
// facets, maps, vertices) and for the counts alone (CountsOnly, what
// `relucid regions` prints). Alternating runs keep drifts of the machine
// out of the ratios.
func BenchmarkEngines(b *testing.B) {
	for _, tc := range []struct{ n, w int }{{3, 32}, {4, 16}, {5, 16}} {
		net := randomNet(1, tc.n, tc.w, tc.w, tc.w, 1)
		for _, out := range []string{"full", "counts"} {
			for _, eng := range []string{"skeleton", "cells"} {
				b.Run(fmt.Sprintf("n=%d,w=%d/%s/%s", tc.n, tc.w, out, eng), func(b *testing.B) {
					benchDomain(b, net, cube(tc.n, 0, 1), Options{CountsOnly: out == "counts", Engine: engineOf(eng == "cells")})
				})
			}
		}
	}
}

// BenchmarkR4 is workload R4: the ACAS Xu shape 5→[50]×6→5 on small boxes
// around a random point, with a region limit.
func BenchmarkR4(b *testing.B) {
	net := randomNet(1, 5, 50, 50, 50, 50, 50, 50, 5)
	for _, r := range []float64{0.02, 0.1, 0.2, 0.4} {
		b.Run(fmt.Sprintf("r=%g", r), func(b *testing.B) {
			benchDomain(b, net, cube(5, 0.1, r), Options{MaxRegions: 1_000_000})
		})
	}
}

// BenchmarkR5 is workload R5: a 2-D slice [−1, 1]² through a random anchor
// of a 10→[20]×10→1 net (SplineCam's setting).
func BenchmarkR5(b *testing.B) {
	ws := []int{10}
	for range 10 {
		ws = append(ws, 20)
	}
	net := randomNet(1, append(ws, 1)...)
	p := make([]float64, 10)
	u := make([]float64, 10)
	v := make([]float64, 10)
	for i := range p {
		p[i] = 0.1 * float64(i%3-1)
		u[i] = float64((i*7)%5-2) / 4
		v[i] = float64((i*3)%4) / 4
	}
	for _, r := range []float64{1, 4, 16} {
		b.Run(fmt.Sprintf("window=%g", r), func(b *testing.B) {
			dom, err := Slice(p, u, v, []float64{-r, -r}, []float64{r, r})
			if err != nil {
				b.Fatal(err)
			}
			benchDomain(b, net, dom, Options{})
		})
	}
}

// BenchmarkSplitPath compares the two ways of cutting a cell on workload
// R3, on one worker to keep the load of other jobs out of the comparison:
// edge graphs (edges.go, the default from 3-D on) and the all-pairs
// tight-set edge test.
func BenchmarkSplitPath(b *testing.B) {
	for _, tc := range []struct{ n, w int }{{3, 32}, {4, 16}} {
		net := randomNet(1, tc.n, tc.w, tc.w, tc.w, 1)
		for _, path := range []string{"edges", "tightsets"} {
			b.Run(fmt.Sprintf("n=%d,w=%d/%s", tc.n, tc.w, path), func(b *testing.B) {
				benchDomain(b, net, cube(tc.n, 0, 1), Options{Workers: 1, noEdgeGraph: path == "tightsets"})
			})
		}
	}
}

// BenchmarkWhole enumerates nets over all of R^n (Whole) next to the same
// nets on [−1, 1]^n, to show what the perspective costs: the R2 and R3
// shapes with width 32 and 16.
func BenchmarkWhole(b *testing.B) {
	for _, tc := range []struct {
		n      int
		widths []int
	}{{2, []int{2, 32, 32, 32, 1}}, {2, []int{2, 64, 64, 64, 1}}, {3, []int{3, 16, 16, 16, 1}}} {
		net := randomNet(1, tc.widths...)
		whole, _ := Whole(tc.n)
		b.Run(fmt.Sprintf("%v/whole", tc.widths), func(b *testing.B) { benchDomain(b, net, whole, Options{}) })
		b.Run(fmt.Sprintf("%v/box", tc.widths), func(b *testing.B) { benchDomain(b, net, cube(tc.n, 0, 1), Options{}) })
	}
}
