package pwl

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"github.com/relucid/relucid/relu"
)

// sawtooth2 is workload R1: h(x) = 2σ(x) − 4σ(x − ½) composed k times as a
// net with k hidden layers of width 2 (paper-spec §2.2 weights).
func sawtooth2(k int) *relu.Net {
	ws := [][][]float64{{{1}, {1}}}
	bs := [][]float64{{0, -0.5}}
	for i := 1; i < k; i++ {
		ws = append(ws, [][]float64{{2, -4}, {2, -4}})
		bs = append(bs, []float64{0, -0.5})
	}
	ws = append(ws, [][]float64{{2, -4}})
	bs = append(bs, []float64{0})
	return relu.MustFromFloats(ws, bs)
}

// benchPieces extracts net on [0, 1] b.N times and checks the count.
func benchPieces(b *testing.B, net *relu.Net, want int, exact bool) {
	b.ReportAllocs()
	var peak uint64
	cpu0 := cpuTime()
	defer func() { b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op") }()
	for i := 0; i < b.N; i++ {
		var p int
		if exact {
			r, err := FromNetRatOn(context.Background(), net, big.NewRat(0, 1), big.NewRat(1, 1))
			if err != nil {
				b.Fatal(err)
			}
			p = r.NumPieces()
		} else {
			f, info, err := Extract(context.Background(), net, Options{Domain: true, A: 0, B: 1})
			if err != nil {
				b.Fatal(err)
			}
			if info.Exact {
				b.Logf("fell back: %s", info.Fallback)
			}
			p = len(f.X) + 1
		}
		if want > 0 && p != want {
			b.Fatalf("%d pieces, want %d", p, want)
		}
		b.ReportMetric(float64(p), "pieces")
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heapMB")
}

// BenchmarkR1Sawtooth2 is workload R1: 2^k pieces on [0, 1].
func BenchmarkR1Sawtooth2(b *testing.B) {
	for _, k := range []int{10, 16, 20} {
		b.Run(fmt.Sprintf("depth=%d", k), func(b *testing.B) {
			benchPieces(b, sawtooth2(k), 1<<k, false)
		})
	}
}

// BenchmarkR1Sawtooth2Exact is R1 in rational arithmetic (--exact).
func BenchmarkR1Sawtooth2Exact(b *testing.B) {
	for _, k := range []int{10, 16, 20} {
		b.Run(fmt.Sprintf("depth=%d", k), func(b *testing.B) {
			benchPieces(b, sawtooth2(k), 1<<k, true)
		})
	}
}

// BenchmarkR1SawtoothW: widths 3 (biases i/3, inexact in float64) and 4.
func BenchmarkR1SawtoothW(b *testing.B) {
	for _, c := range []struct{ w, k, want int }{{3, 8, 6561}, {3, 12, 531441}, {4, 10, 1 << 20}} {
		b.Run(fmt.Sprintf("w=%d/depth=%d", c.w, c.k), func(b *testing.B) {
			benchPieces(b, sawtoothW(c.w, c.k), c.want, false)
		})
	}
}

// BenchmarkRandom64x8 runs random 1→[64]×8→1 nets with PyTorch's default
// init on [−1, 1] and on the whole line.
func BenchmarkRandom64x8(b *testing.B) {
	widths := []int{64, 64, 64, 64, 64, 64, 64, 64}
	for seed := uint64(1); seed <= 3; seed++ {
		net := randTorchNet(rand.New(rand.NewPCG(seed, 7)), widths)
		b.Run(fmt.Sprintf("seed=%d", seed), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f, info, err := Extract(context.Background(), net, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(f.NumPieces()), "pieces")
				b.ReportMetric(float64(info.Knots), "knots")
				if info.Exact {
					b.ReportMetric(1, "fellback")
				}
			}
		})
	}
}

// cpuTime returns the user+system CPU seconds of this process. The machine
// is shared, so wall-clock times overstate the work; CPU time does not (the
// engines are single-threaded).
func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
