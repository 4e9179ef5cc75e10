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
			if info.Rational {
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

// BenchmarkR1Sawtooth2Exact is R1 in rational arithmetic (--exact); depth 20
// takes about 20 CPU-seconds, so it is left to the CLI (docs/benchmarks.md).
func BenchmarkR1Sawtooth2Exact(b *testing.B) {
	for _, k := range []int{10, 16} {
		b.Run(fmt.Sprintf("depth=%d", k), func(b *testing.B) {
			benchPieces(b, sawtooth2(k), 1<<k, true)
		})
	}
}

// BenchmarkR1SawtoothW: widths 3 (biases i/3, inexact in float64: the teeth
// touch zero at points float64 cannot hold, so the float engine hands over
// to the exact one) and 4 (dyadic: certified in float64).
func BenchmarkR1SawtoothW(b *testing.B) {
	for _, c := range []struct{ w, k, want int }{{3, 8, 6561}, {3, 10, 59049}, {4, 10, 1 << 20}} {
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
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				_, info, err := Extract(context.Background(), net, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(info.Pieces), "pieces")
				b.ReportMetric(float64(info.Knots), "knots")
				fb := 0.0
				if info.Rational {
					fb = 1
				}
				b.ReportMetric(fb, "fellback")
			}
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op")
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

// sampleCompare evaluates net in float64 on m equally spaced points of
// [a, b] (numpy.linspace style), detects slope changes between consecutive
// cells (relative tolerance 1e-9 of the larger slope magnitude, floor 1e-9),
// and compares with the exact breakpoints bp: a breakpoint counts as found
// when the grid point at either end of its cell shows a slope change, and
// only one breakpoint per cell can be found.
func sampleCompare(net *relu.Net, a, b float64, m int, bp []float64) (sampledPieces, missed int) {
	ev := relu.NewEvaluator(net)
	x, y := make([]float64, 1), make([]float64, 1)
	h := (b - a) / float64(m-1)
	prevY, prevS := 0.0, 0.0
	change := make([]bool, m)
	for i := 0; i < m; i++ {
		x[0] = a + float64(i)*h
		ev.Eval(y, x)
		if i >= 1 {
			s := (y[0] - prevY) / h
			if i >= 2 {
				d := s - prevS
				if d < 0 {
					d = -d
				}
				if d > 1e-9*max(1, max(abs(s), abs(prevS))) {
					change[i-1] = true
					sampledPieces++
				}
			}
			prevS = s
		}
		prevY = y[0]
	}
	sampledPieces++
	lastCell := -1
	for _, t := range bp {
		if t <= a || t >= b {
			continue
		}
		c := int((t - a) / h)
		c = min(max(c, 0), m-2)
		if c == lastCell || !(change[c] || change[c+1]) {
			missed++
		}
		lastCell = c
	}
	return
}

// eval32 evaluates an R → R net in float32 arithmetic, as PyTorch does by
// default.
func eval32(net *relu.Net, x float32, a, b []float32) float32 {
	a = append(a[:0], x)
	for k, l := range net.Layers {
		b = b[:0]
		for i := 0; i < l.Out; i++ {
			s := float32(l.B[i])
			for j := 0; j < l.In; j++ {
				s += float32(l.W[i*l.In+j]) * a[j]
			}
			if k < len(net.Layers)-1 && s < 0 {
				s = 0
			}
			b = append(b, s)
		}
		a, b = b, a
	}
	return a[0]
}

// sampleCompare32 is sampleCompare with float32 grid and evaluation.
func sampleCompare32(net *relu.Net, lo, hi float64, m int, bp []float64) (sampledPieces, missed int) {
	h := float32(hi-lo) / float32(m-1)
	var prevY, prevS float32
	change := make([]bool, m)
	ba, bb := make([]float32, 0, 64), make([]float32, 0, 64)
	for i := 0; i < m; i++ {
		x := float32(lo) + float32(i)*h
		y := eval32(net, x, ba, bb)
		if i >= 1 {
			s := (y - prevY) / h
			if i >= 2 {
				d := float64(s - prevS)
				if abs(d) > 1e-4*max(1, max(abs(float64(s)), abs(float64(prevS)))) {
					change[i-1] = true
					sampledPieces++
				}
			}
			prevS = s
		}
		prevY = y
	}
	sampledPieces++
	lastCell := -1
	for _, t := range bp {
		if t <= lo || t >= hi {
			continue
		}
		c := int((t - lo) / float64(h))
		c = min(max(c, 0), m-2)
		if c == lastCell || !(change[c] || change[c+1]) {
			missed++
		}
		lastCell = c
	}
	return
}

// BenchmarkSampling32 repeats the R1 sampling comparison in float32 (the
// PyTorch default), where the depth-20 teeth are near the resolution of
// the arithmetic.
func BenchmarkSampling32(b *testing.B) {
	net := sawtooth2(20)
	f, info, err := Extract(context.Background(), net, Options{Domain: true, A: 0, B: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []int{1<<20 + 1, 1 << 22} {
		b.Run(fmt.Sprintf("sawtooth2-depth=20/points=%d", m), func(b *testing.B) {
			cpu0 := cpuTime()
			var sp, miss int
			for i := 0; i < b.N; i++ {
				sp, miss = sampleCompare32(net, 0, 1, m, f.X)
			}
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(info.Pieces), "exact-pieces")
			b.ReportMetric(float64(sp), "sampled-pieces")
			b.ReportMetric(float64(miss), "missed-breakpoints")
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkSampling is the comparison of workload R1: dense float64
// sampling on [0, 1] at 2^20+1 and 2^22 points (numpy.linspace grid) of the
// depth-20 sawtooth, and at 1025 and 2^16 points of the random 64×8 nets on
// [−1, 1] (each evaluation costs 37k multiply-adds there).
// It reports the pieces sampling sees and the exact breakpoints it misses.
func BenchmarkSampling(b *testing.B) {
	type work struct {
		name   string
		net    *relu.Net
		a, b   float64
		points []int
	}
	ws := []work{{"sawtooth2-depth=20", sawtooth2(20), 0, 1, []int{1<<20 + 1, 1 << 22}}}
	for seed := uint64(1); seed <= 3; seed++ {
		ws = append(ws, work{fmt.Sprintf("random64x8-seed=%d", seed), randTorchNet(rand.New(rand.NewPCG(seed, 7)), []int{64, 64, 64, 64, 64, 64, 64, 64}), -1, 1, []int{1025, 1 << 16}})
	}
	for _, w := range ws {
		f, info, err := Extract(context.Background(), w.net, Options{Domain: true, A: w.a, B: w.b})
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range w.points {
			b.Run(fmt.Sprintf("%s/points=%d", w.name, m), func(b *testing.B) {
				cpu0 := cpuTime()
				var sp, miss int
				for i := 0; i < b.N; i++ {
					sp, miss = sampleCompare(w.net, w.a, w.b, m, f.X)
				}
				b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(info.Pieces), "exact-pieces")
				b.ReportMetric(float64(sp), "sampled-pieces")
				b.ReportMetric(float64(miss), "missed-breakpoints")
			})
		}
	}
}

// BenchmarkRandom64x8Domain is the exact extraction on [−1, 1] matching
// BenchmarkSampling.
func BenchmarkRandom64x8Domain(b *testing.B) {
	for seed := uint64(1); seed <= 3; seed++ {
		net := randTorchNet(rand.New(rand.NewPCG(seed, 7)), []int{64, 64, 64, 64, 64, 64, 64, 64})
		b.Run(fmt.Sprintf("seed=%d", seed), func(b *testing.B) {
			benchPieces2(b, net, -1, 1)
		})
	}
}

func benchPieces2(b *testing.B, net *relu.Net, lo, hi float64) {
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		_, info, err := Extract(context.Background(), net, Options{Domain: true, A: lo, B: hi})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(info.Pieces), "pieces")
		b.ReportMetric(float64(info.Knots), "knots")
		fb := 0.0
		if info.Rational {
			fb = 1
		}
		b.ReportMetric(fb, "fellback")
	}
	b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op")
}
