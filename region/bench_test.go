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
		seen := map[string]bool{}
		for _, r := range cx.Regions {
			for _, v := range r.Vertices {
				seen[fmt.Sprintf("%.9f", v)] = true
			}
		}
		verts = len(seen)
	}
	b.ReportMetric(float64(regions), "regions")
	b.ReportMetric(float64(verts), "vertices")
	b.ReportMetric(float64(regions)*float64(b.N)/b.Elapsed().Seconds(), "regions/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time (user + system) of the process so far: on a
// machine shared with other jobs it is a steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
