package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// c1Inputs returns the random CPWL functions of benchmark C1 (benchmarks.md):
// for n = 1 a 1-D triangulation with q pieces (q−1 interior knots at random
// rational positions, random rational values); for n ≥ 2 a max–min form with
// q random affine functions (integer coefficients in [−9, 9]) and q
// min-terms, term i being {i} plus each other function with probability
// 1/4 — a CPWL function with at most q distinct pieces.
func c1Inputs(n, q, count int, seed uint64) []*Input {
	rng := rand.New(rand.NewPCG(seed, uint64(n*1000+q)))
	var out []*Input
	for c := 0; c < count; c++ {
		if n == 1 {
			tr := &Triangulation{N: 1}
			x := int64(0)
			for i := 0; i <= q; i++ {
				x += rng.Int64N(5) + 1
				tr.Vertices = append(tr.Vertices, []*big.Rat{big.NewRat(x, 3)})
				tr.Values = append(tr.Values, big.NewRat(rng.Int64N(19)-9, rng.Int64N(4)+1))
				if i > 0 {
					tr.Simplices = append(tr.Simplices, []int{i - 1, i})
				}
			}
			out = append(out, &Input{Kind: KindTriangulation, Triangulation: tr})
			continue
		}
		l := &Lattice{N: n}
		for i := 0; i < q; i++ {
			a := Affine{W: make([]*big.Rat, n), B: big.NewRat(rng.Int64N(19)-9, 1)}
			for j := range a.W {
				a.W[j] = big.NewRat(rng.Int64N(19)-9, 1)
			}
			l.Affine = append(l.Affine, a)
		}
		for i := 0; i < q; i++ {
			s := []int{i}
			for j := 0; j < q; j++ {
				if j != i && rng.IntN(4) == 0 {
					s = append(s, j)
				}
			}
			l.Sets = append(l.Sets, s)
		}
		out = append(out, &Input{Kind: KindLattice, Lattice: l})
	}
	return out
}

// BenchmarkC1 converts random CPWL functions (workload C1). One op is one
// function; the reported size and hidden layers are means over the
// converted functions. Inputs beyond the budget are counted in
// "too_large"; "over_bound" is the fraction of converted functions whose
// net has more than ⌈log₂(n+1)⌉ hidden layers, and "cpu-ms/op" the
// process's CPU time per function (the machine is shared).
func BenchmarkC1(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 10, 100} {
		for _, q := range []int{2, 4, 8, 16, 32} {
			for _, m := range []Method{WangSun, LatticeNet, Hybrid, Auto} {
				if n == 1 && m != WangSun {
					continue
				}
				ins := c1Inputs(n, q, 50, 1)
				b.Run(fmt.Sprintf("n=%d/q=%d/%s", n, q, m), func(b *testing.B) {
					var size, hidden, tooLarge, done, over int
					cpu0 := cpuSeconds()
					for i := 0; i < b.N; i++ {
						in := ins[i%len(ins)]
						res, err := Convert(ctx, in, Options{Method: m, Budget: 100_000})
						if errors.Is(err, ErrTooLarge) {
							tooLarge++
							continue
						}
						if err != nil {
							b.Fatal(err)
						}
						size += res.Summary.Size
						hidden += res.Summary.HiddenLayers
						if res.Summary.HiddenLayers > res.Summary.DepthBound {
							over++
						}
						done++
					}
					b.ReportMetric((cpuSeconds()-cpu0)*1000/float64(b.N), "cpu-ms/op")
					if done > 0 {
						b.ReportMetric(float64(size)/float64(done), "size")
						b.ReportMetric(float64(hidden)/float64(done), "hidden")
						b.ReportMetric(float64(over)/float64(done), "over_bound")
					}
					b.ReportMetric(float64(tooLarge)/float64(b.N), "too_large")
				})
			}
		}
	}
}

// BenchmarkDepthCompression converts random deep nets with n = 2, 3 inputs
// (integer weights in [−3, 3], hidden widths 3×3 or 4×4) on the box [−1, 1]^n
// into nets with ⌈log₂(n+1)⌉ hidden layers. One op is one net (20 nets,
// cycled); conversions beyond the default budget (every construction) count in
// "too_large" and are retried with the max–min method ("lattice_*").
func BenchmarkDepthCompression(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{2, 3} {
		for _, w := range []int{3, 4} {
			nets := depthNets(n, w)
			lo := make([]*big.Rat, n)
			hi := make([]*big.Rat, n)
			for i := range lo {
				lo[i], hi[i] = big.NewRat(-1, 1), big.NewRat(1, 1)
			}
			box, err := region.BoxRat(lo, hi)
			if err != nil {
				b.Fatal(err)
			}
			for _, where := range []string{"box", "whole"} {
				dom := &box
				if where == "whole" {
					dom = nil // all of R^n, through the perspective
				}
				b.Run(fmt.Sprintf("n=%d/widths=%dx%d/%s", n, w, w, where), func(b *testing.B) {
					var size, hidden, pieces, tooLarge, done, lsize, lhidden, ldone int
					for i := 0; i < b.N; i++ {
						in := &Input{Kind: KindNet, Net: nets[i%len(nets)], Domain: dom}
						res, err := Convert(ctx, in, Options{Method: Auto})
						if errors.Is(err, ErrTooLarge) {
							tooLarge++
							res, err = Convert(ctx, in, Options{Method: LatticeNet})
							if err != nil {
								b.Fatal(err)
							}
							lsize += res.Summary.Size
							lhidden += res.Summary.HiddenLayers
							ldone++
							continue
						}
						if err != nil {
							b.Fatal(err)
						}
						size += res.Summary.Size
						hidden += res.Summary.HiddenLayers
						pieces += res.Summary.Pieces
						done++
					}
					if done > 0 {
						b.ReportMetric(float64(size)/float64(done), "size")
						b.ReportMetric(float64(hidden)/float64(done), "hidden")
						b.ReportMetric(float64(pieces)/float64(done), "pieces")
					}
					if ldone > 0 {
						b.ReportMetric(float64(lsize)/float64(ldone), "lattice_size")
						b.ReportMetric(float64(lhidden)/float64(ldone), "lattice_hidden")
					}
					b.ReportMetric(float64(tooLarge)/float64(b.N), "too_large")
				})
			}
		}
	}
}

// depthNets returns the 20 random nets n→[w, w]→1 (integer weights in
// [−3, 3], biases in [−3/2, 3/2]) of the depth-compression benchmarks.
func depthNets(n, w int) []*relu.Net {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(w)))
	var nets []*relu.Net
	for c := 0; c < 20; c++ {
		widths := []int{n, w, w, 1}
		net := &relu.Net{}
		for k := 1; k < len(widths); k++ {
			l := relu.NewLayer(widths[k], widths[k-1])
			for i := 0; i < l.Out; i++ {
				for j := 0; j < l.In; j++ {
					l.SetRat(i, j, big.NewRat(rng.Int64N(7)-3, 1))
				}
				l.SetBiasRat(i, big.NewRat(rng.Int64N(7)-3, 2))
			}
			net.Layers = append(net.Layers, l)
		}
		nets = append(nets, net)
	}
	return nets
}

// BenchmarkSpatial runs the spatial construction (n = 3, polynomial) on the
// nets of BenchmarkDepthCompression with the default budget: one op is one
// net (20 nets, cycled). It reports the net's size and Wang–Sun terms, the
// pieces (distinct maps) and regions of the input, and the fraction over
// budget.
func BenchmarkSpatial(b *testing.B) {
	ctx := context.Background()
	for _, w := range []int{3, 4} {
		nets := depthNets(3, w)
		b.Run(fmt.Sprintf("widths=%dx%d", w, w), func(b *testing.B) {
			var size, terms, hidden, regions, over, done int
			for i := 0; i < b.N; i++ {
				net := nets[i%len(nets)]
				ms, err := SpatialMaxSum(ctx, net, 0)
				if errors.Is(err, ErrTooLarge) {
					over++
					continue
				}
				if err != nil {
					b.Fatal(err)
				}
				out, err := NetFromMaxSum(ms, relu.Gadget4)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				_, nreg, err := kinkHyperplanes(ctx, net)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				size += out.Size()
				hidden += out.Depth() - 1
				terms += len(ms.Terms)
				regions += nreg
				done++
			}
			if done > 0 {
				b.ReportMetric(float64(size)/float64(done), "size")
				b.ReportMetric(float64(hidden)/float64(done), "hidden")
				b.ReportMetric(float64(terms)/float64(done), "terms")
				b.ReportMetric(float64(regions)/float64(done), "regions")
			}
			b.ReportMetric(float64(over)/float64(b.N), "too_large")
		})
	}
}

// BenchmarkVerifyProof3D measures the n = 3 exact proofs of verification
// (region-complex method) against the point checks they replace, on the
// inputs of TestProofND: a random triangulation (6 simplices), a random
// lattice form, a signed sum of maxima with a 5-argument term, and a net.
func BenchmarkVerifyProof3D(b *testing.B) {
	rng := rand.New(rand.NewPCG(71, 72))
	ins := ndInputs(b, rng)
	ins = append(ins[:1], ins[2:]...)
	ins = append(ins, ndNet(b, rng))
	ctx := context.Background()
	for _, in := range ins {
		res, err := Convert(ctx, in, Options{})
		if err != nil {
			b.Fatal(err)
		}
		var cells []cellPoly
		if in.Kind == KindTriangulation {
			cells = triangulationCells(b, in.Triangulation)
		}
		b.Run(fmt.Sprintf("%s/size=%d/proof", in.Kind, res.Net.Size()), func(b *testing.B) {
			for b.Loop() {
				v, err := verify(ctx, in, cells, nil, res.Form, res.Net, Options{Samples: 8})
				if err != nil || !v.Proven {
					b.Fatalf("%+v %v", v, err)
				}
			}
		})
	}
}

// cpuSeconds returns the user+system CPU time of this process: on a shared
// machine wall-clock times overstate the work.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkPlanar compresses PyTorch-initialised nets 2→[w, w]→1 to two
// hidden layers on all of R² with the planar construction, proof included
// (one op = one conversion with --verify).
func BenchmarkPlanar(b *testing.B) {
	for _, w := range []int{4, 8, 12, 16} {
		net := testnet.Torch(rand.New(rand.NewPCG(uint64(w), 9)), 2, w, w, 1)
		b.Run(fmt.Sprintf("2-%d-%d-1", w, w), func(b *testing.B) {
			var res *Result
			for b.Loop() {
				var err error
				res, err = Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{Method: Planar, Verify: true})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Summary.Size), "size")
			b.ReportMetric(float64(res.Summary.HiddenLayers), "hidden")
			b.ReportMetric(float64(res.Summary.Terms), "terms")
			if res.Summary.Verification.Proven {
				b.ReportMetric(1, "proven")
			}
		})
	}
}

// BenchmarkFlats runs the recursion over flats (FlatsMaxSum) on the random
// nets of BenchmarkDepthCompression's generator with n = 3 (to compare with
// BenchmarkSpatial) and n = 4, default budget; one op is one net.
func BenchmarkFlats(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct{ n, w int }{{3, 3}, {3, 4}, {4, 2}, {4, 3}, {4, 4}} {
		nets := depthNets(c.n, c.w)
		b.Run(fmt.Sprintf("n=%d/widths=%dx%d", c.n, c.w, c.w), func(b *testing.B) {
			var size, terms, hidden, over, done int
			for i := 0; i < b.N; i++ {
				ms, err := FlatsMaxSum(ctx, nets[i%len(nets)], 0)
				if isTooLarge(err) {
					over++
					continue
				}
				if err != nil {
					b.Fatal(err)
				}
				out, err := NetFromMaxSum(ms, relu.Gadget4)
				if isTooLarge(err) {
					over++
					continue
				}
				if err != nil {
					b.Fatal(err)
				}
				size += out.Size()
				hidden += out.Depth() - 1
				terms += len(ms.Terms)
				done++
			}
			if done > 0 {
				b.ReportMetric(float64(size)/float64(done), "size")
				b.ReportMetric(float64(hidden)/float64(done), "hidden")
				b.ReportMetric(float64(terms)/float64(done), "terms")
			}
			b.ReportMetric(float64(over)/float64(b.N), "too_large")
		})
	}
}
