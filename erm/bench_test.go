package erm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
)

// t1Data is workload T1: x ~ U[−1,1], y = sin(3x) + 0.1·N(0,1).
func t1Data(D int, seed uint64) ([][]float64, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	X := make([][]float64, D)
	Y := make([]float64, D)
	for j := range X {
		x := 2*r.Float64() - 1
		X[j] = []float64{x}
		Y[j] = math.Sin(3*x) + 0.1*r.NormFloat64()
	}
	return X, Y
}

// t2Data is workload T2: X ~ N(0, I₂), y from a random width-5 ReLU teacher
// (weights and biases uniform in ±1/√fan_in).
func t2Data(D int, seed uint64) ([][]float64, []float64) {
	r := rand.New(rand.NewPCG(seed, 2))
	u := func(fan int) float64 { return (2*r.Float64() - 1) / math.Sqrt(float64(fan)) }
	var W [5][2]float64
	var B, A [5]float64
	for i := range W {
		W[i][0], W[i][1], B[i] = u(2), u(2), u(2)
	}
	for i := range A {
		A[i] = u(5)
	}
	c := u(5)
	X := make([][]float64, D)
	Y := make([]float64, D)
	for j := range X {
		x := []float64{r.NormFloat64(), r.NormFloat64()}
		y := c
		for i := range W {
			y += A[i] * math.Max(0, W[i][0]*x[0]+W[i][1]*x[1]+B[i])
		}
		X[j], Y[j] = x, y
	}
	return X, Y
}

func benchTrain(b *testing.B, X [][]float64, Y []float64, w int, loss Loss, noPrune bool) {
	var last *Result
	cpu0 := cpuSeconds()
	for b.Loop() {
		r, err := Train(context.Background(), Problem{X: X, Y: Y, Width: w, Loss: loss}, Options{NoPrune: noPrune})
		if err != nil {
			b.Fatal(err)
		}
		last = r
	}
	// CPU seconds per run (all threads): the machine is shared, so wall
	// time varies with the load.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	c := last.Certificate
	b.ReportMetric(float64(c.Solved), "programs")
	b.ReportMetric(c.BruteForce, "bruteforce")
	b.ReportMetric(last.Objective, "objective")
	b.ReportMetric(float64(c.LeavesSolved), "leaves")
	b.ReportMetric(float64(c.Pruned), "pruned")
}

func BenchmarkT1_D200_w2_squared(b *testing.B) {
	X, Y := t1Data(200, 1)
	benchTrain(b, X, Y, 2, Squared, false)
}
func BenchmarkT1_D50_w3_squared(b *testing.B) {
	X, Y := t1Data(50, 1)
	benchTrain(b, X, Y, 3, Squared, false)
}
func BenchmarkT1_D50_w2_absolute(b *testing.B) {
	X, Y := t1Data(50, 1)
	benchTrain(b, X, Y, 2, Absolute, false)
}
func BenchmarkT2_D40_w2_squared(b *testing.B) {
	X, Y := t2Data(40, 1)
	benchTrain(b, X, Y, 2, Squared, false)
}
func BenchmarkT2_D100_w1_squared(b *testing.B) {
	X, Y := t2Data(100, 1)
	benchTrain(b, X, Y, 1, Squared, false)
}

// BenchmarkT6 is workload T6: enumeration alone on Gaussian points. The
// fast paths serve n = 1 (sort) and n = 2 (rotational sweep); n ≥ 3 uses the
// general enumerator. Instances whose Cover count exceeds 2·10⁶ (n = 3 with
// D ≥ 200, n = 4 with D ≥ 100: up to 10⁹ sets, gigabytes of bitsets) are
// skipped.
func BenchmarkT6(b *testing.B) {
	for _, n := range []int{1, 2, 3, 4} {
		for _, D := range []int{50, 100, 200, 400} {
			want := CoverCount(D, n)
			if !want.IsInt64() || want.Int64() > 2e6 {
				continue
			}
			b.Run(fmt.Sprintf("n%d_D%d", n, D), func(b *testing.B) {
				r := rand.New(rand.NewPCG(5, uint64(10*D+n)))
				X := randPoints(r, D, n)
				var k int
				cpu0 := cpuSeconds()
				for b.Loop() {
					f, err := Dichotomies(context.Background(), X)
					if err != nil {
						b.Fatal(err)
					}
					k = len(f)
				}
				if int64(k) != want.Int64() {
					b.Fatalf("%d dichotomies, Cover's count %v", k, want)
				}
				b.ReportMetric(float64(k)*float64(b.N)/b.Elapsed().Seconds(), "dichotomies/s")
				b.ReportMetric(float64(k), "count")
				// CPU time of the process: on a shared, overloaded machine
				// the wall clock measures the queue, not the code.
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(float64(k)*float64(b.N)/cpu, "dichotomies/cpu-s")
				}
			})
		}
	}
}

// cpuSeconds returns the user+system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkPruning runs every loss on T1 (D = 40, w = 2) and on T2
// (D = 30, w = 1) with branch and bound and as brute force (NoPrune):
// programs solved and time, to show what pruning removes.
func BenchmarkPruning(b *testing.B) {
	for _, loss := range []Loss{Squared, Absolute, Hinge, Logistic} {
		for _, wl := range []string{"T1_D40_w2", "T2_D30_w1"} {
			for _, noPrune := range []bool{false, true} {
				name := fmt.Sprintf("%s/%v/prune=%v", wl, loss, !noPrune)
				b.Run(name, func(b *testing.B) {
					var X [][]float64
					var Y []float64
					w := 2
					if wl == "T1_D40_w2" {
						X, Y = t1Data(40, 1)
					} else {
						X, Y = t2Data(30, 1)
						w = 1
					}
					if loss == Hinge || loss == Logistic {
						m := median(Y) // labels: above or below the median
						for j := range Y {
							Y[j] = math.Copysign(1, Y[j]-m)
						}
					}
					benchTrain(b, X, Y, w, loss, noPrune)
				})
			}
		}
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkT6GeneralN2 times the general enumerator (the fast paths'
// oracle) on the n = 2 instance of BenchmarkT6 with D = 200, for comparison.
func BenchmarkT6GeneralN2(b *testing.B) {
	D, n := 200, 2
	r := rand.New(rand.NewPCG(5, uint64(10*D+n)))
	X := randPoints(r, D, n)
	var k int
	cpu0 := cpuSeconds()
	for b.Loop() {
		f, err := dichotomiesGeneral(context.Background(), X)
		if err != nil {
			b.Fatal(err)
		}
		k = len(f)
	}
	b.ReportMetric(float64(k)*float64(b.N)/b.Elapsed().Seconds(), "dichotomies/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(k)*float64(b.N)/cpu, "dichotomies/cpu-s")
	}
}

// BenchmarkWeightDecayAbsolute: absolute loss with weight decay, whose
// programs are epigraph QPs with (n+1)·w + D unknowns (T1 data, w = 2,
// λ = 0.01).
func BenchmarkWeightDecayAbsolute(b *testing.B) {
	for _, D := range []int{20, 50} {
		b.Run(fmt.Sprintf("D%d", D), func(b *testing.B) {
			X, Y := t1Data(D, 1)
			var last *Result
			cpu0 := cpuSeconds()
			for b.Loop() {
				r, err := Train(context.Background(), Problem{X: X, Y: Y, Width: 2, Loss: Absolute, WeightDecay: 0.01}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				last = r
			}
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(last.Certificate.Solved), "programs")
			b.ReportMetric(last.Objective, "objective")
		})
	}
}
