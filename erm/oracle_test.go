package erm

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/relucid/relucid/relu"
)

// allSubsetsOptimum is the oracle of paper-spec §5 item 12: every one of the
// 2^D subsets is a candidate P+ for every unit, with both signs, no symmetry
// and no pruning; each program is solved by the same convex solvers (tested
// on their own in package opt).
func allSubsetsOptimum(t *testing.T, p Problem) float64 {
	t.Helper()
	D, n, w := len(p.X), len(p.X[0]), p.Width
	pr := &prepared{Problem: p, X: p.X, Y: p.Y, n: n, w: w}
	var s solver
	s.pr = pr
	s.cold = true // the oracle solves every program from scratch
	q := guess{L: D, signs: make([]float64, w), pos: make([]Dichotomy, w)}
	best := math.Inf(1)
	items := 2 << D
	total := 1
	for i := 0; i < w; i++ {
		total *= items
	}
	for code := 0; code < total; code++ {
		c := code
		for i := 0; i < w; i++ {
			it := c % items
			c /= items
			q.signs[i] = float64(2*(it&1) - 1)
			q.pos[i] = Dichotomy{uint64(it >> 1)}
		}
		v, err := s.solve(&q)
		if err != nil {
			pp, m := s.build(&q)
			t.Fatalf("%v: X=%v Y=%v signs=%v pos=%v A=%v", err, p.X, p.Y, q.signs, q.pos, s.A[:m*pp])
		}
		best = math.Min(best, v)
	}
	return best
}

func randLabels(r *rand.Rand, D int, loss Loss) []float64 {
	Y := make([]float64, D)
	for j := range Y {
		if loss == Hinge || loss == Logistic {
			Y[j] = float64(2*r.IntN(2) - 1)
		} else {
			Y[j] = r.NormFloat64()
		}
	}
	return Y
}

func TestTrainAgainstAllSubsets(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, loss := range []Loss{Squared, Absolute, Hinge, Logistic} {
		for _, bias := range []bool{false, true} {
			for _, c := range []struct{ D, n, w int }{{5, 1, 1}, {6, 1, 1}, {5, 1, 2}, {5, 2, 1}, {4, 2, 2}, {4, 3, 2}} {
				if c.w == 2 && loss == Logistic && os.Getenv("RELUCID_LONG") == "" {
					continue
				}
				X := randPoints(r, c.D, c.n)
				if c.D == 6 { // a duplicate point with its own label
					X[5] = append([]float64(nil), X[0]...)
				}
				p := Problem{X: X, Y: randLabels(r, c.D, loss), Width: c.w, Loss: loss, OutputBias: bias}
				want := allSubsetsOptimum(t, p)
				got := train(t, p, Options{})
				tol := 1e-7 * (1 + want)
				if loss == Logistic {
					tol = 1e-6 * (1 + want)
				}
				if math.Abs(got.Objective-want) > tol {
					t.Errorf("%v bias=%v D=%d n=%d w=%d: objective %v, all-subsets oracle %v", loss, bias, c.D, c.n, c.w, got.Objective, want)
				}
				if c := got.Certificate; !c.Certified || c.LowerBound > got.Objective+tol {
					t.Errorf("%v: certificate %+v", loss, c)
				}
			}
		}
	}
}

func randomNet(r *rand.Rand, n, w int) *relu.Net {
	W := make([][]float64, w)
	B := make([]float64, w)
	A := make([]float64, w)
	for i := range W {
		W[i] = make([]float64, n)
		for k := range W[i] {
			W[i][k] = r.NormFloat64()
		}
		B[i] = r.NormFloat64()
		A[i] = r.NormFloat64()
	}
	return relu.MustFromFloats([][][]float64{W, {A}}, [][]float64{B, nil})
}

// Realisable data: labels from a random width-w net must be fitted exactly.
func TestTrainRealisable(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range []struct{ D, n, w int }{{12, 1, 2}, {15, 1, 3}, {12, 2, 2}, {10, 3, 1}, {20, 2, 1}} {
		for _, loss := range []Loss{Squared, Absolute} {
			X := randPoints(r, c.D, c.n)
			teacher := randomNet(r, c.n, c.w)
			Y := make([]float64, c.D)
			for j, x := range X {
				Y[j] = teacher.Eval(x)[0]
			}
			got := train(t, Problem{X: X, Y: Y, Width: c.w, Loss: loss}, Options{})
			if got.Objective > 1e-7 {
				t.Errorf("%v D=%d n=%d w=%d: objective %v on realisable data", loss, c.D, c.n, c.w, got.Objective)
			}
		}
	}
	// separable labels with hinge loss: a width-1 net reaches 0
	X := [][]float64{{-2}, {-1}, {1}, {2}}
	Y := []float64{-1, -1, 1, 1}
	if got := train(t, Problem{X: X, Y: Y, Width: 1, Loss: Hinge, OutputBias: true}, Options{}); got.Objective > 1e-9 {
		t.Errorf("hinge separable: %v", got.Objective)
	}
}

func TestTrainDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	cases := []struct {
		name string
		X    [][]float64
	}{
		{"single point", [][]float64{{0.5, 1}}},
		{"duplicates", [][]float64{{1, 1}, {1, 1}, {0, 2}, {0, 2}, {3, 0}}},
		{"collinear in R^2", [][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {-1, -1}}},
		{"fewer points than dimensions", [][]float64{{1, 0, 0, 2}, {0, 1, 0, 1}, {0, 0, 1, 0}}},
		{"all equal", [][]float64{{2}, {2}, {2}}},
		// distinct for the exact n = 2 enumerator, so a dichotomy separates them
		{"points one ulp apart", [][]float64{{0, 0}, {math.Nextafter(0.3, 1), 0.3}, {0.3, 0.3}, {1, -1}, {0.5, 2}}},
	}
	for _, c := range cases {
		for _, loss := range []Loss{Squared, Absolute} {
			for w := 1; w <= 2; w++ {
				p := Problem{X: c.X, Y: randLabels(r, len(c.X), loss), Width: w, Loss: loss}
				want := allSubsetsOptimum(t, p)
				got := train(t, p, Options{})
				if math.Abs(got.Objective-want) > 1e-7*(1+want) {
					t.Errorf("%s %v w=%d: objective %v, oracle %v", c.name, loss, w, got.Objective, want)
				}
			}
		}
	}
}

func TestTrainBadInput(t *testing.T) {
	ok := Problem{X: [][]float64{{0}, {1}}, Y: []float64{1, -1}, Width: 1, Loss: Hinge}
	bad := map[string]Problem{}
	p := ok
	p.X = nil
	p.Y = nil
	bad["no rows"] = p
	p = ok
	p.Width = 0
	bad["w < 1"] = p
	p = ok
	p.Y = []float64{1, 0.5}
	bad["labels not ±1"] = p
	p = ok
	p.X = [][]float64{{0}, {math.NaN()}}
	bad["NaN"] = p
	p = ok
	p.X = [][]float64{{0}, {math.Inf(1)}}
	bad["Inf"] = p
	p = ok
	p.X = [][]float64{{0}, {1, 2}}
	bad["ragged"] = p
	p = ok
	p.WeightDecay = -1
	bad["negative weight decay"] = p
	for name, p := range bad {
		if _, err := Train(context.Background(), p, Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Train(context.Background(), ok, Options{}); err != nil {
		t.Errorf("valid problem: %v", err)
	}
	// refuse absurd sizes without Force, naming the count
	X, Y := t1Data(2000, 3)
	_, err := Train(context.Background(), Problem{X: X, Y: Y, Width: 4, Loss: Squared}, Options{})
	if err == nil {
		t.Fatal("no refusal for an absurd search")
	}
}

// Pruning must not change the answer: branch and bound against brute force.
func TestPruneMatchesBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 3; seed++ {
		X, Y := t1Data(25, seed)
		p := Problem{X: X, Y: Y, Width: 2, Loss: Squared}
		a := train(t, p, Options{NoPrune: true})
		b := train(t, p, Options{Seed: int64(seed)})
		if math.Abs(a.Objective-b.Objective) > 1e-8*(1+a.Objective) {
			t.Errorf("seed %d: brute force %v, branch and bound %v", seed, a.Objective, b.Objective)
		}
		if b.Certificate.LeavesSolved >= a.Certificate.LeavesSolved {
			t.Logf("seed %d: pruning solved %d leaves vs %d", seed, b.Certificate.LeavesSolved, a.Certificate.LeavesSolved)
		}
	}
}

func TestWeightDecay(t *testing.T) {
	// With λ > 0 the regularised optimum is checked against the all-subsets
	// oracle, whose programs include λ‖θ‖², for every loss, with and
	// without output bias (the per-guess programs are checked on their own
	// by TestEpigraphDualityGap and in package opt).
	r := rand.New(rand.NewPCG(17, 18))
	for _, loss := range []Loss{Squared, Absolute, Hinge, Logistic} {
		for _, bias := range []bool{false, true} {
			for _, c := range []struct{ D, n, w int }{{5, 1, 2}, {4, 2, 1}} {
				X := randPoints(r, c.D, c.n)
				p := Problem{X: X, Y: randLabels(r, c.D, loss), Width: c.w, Loss: loss, WeightDecay: 0.3, OutputBias: bias}
				want := allSubsetsOptimum(t, p)
				got := train(t, p, Options{})
				if math.Abs(got.Objective-want) > 1e-6*(1+want) {
					t.Errorf("%v bias=%v D=%d n=%d w=%d: objective %v, oracle %v", loss, bias, c.D, c.n, c.w, got.Objective, want)
				}
				// the penalty is active: the net's own λ·R is part of the objective
				if c := got.Certificate; math.Abs(c.Loss+0.3*c.Penalty-c.Objective) > 1e-9*(1+c.Objective) {
					t.Errorf("%v: objective %v ≠ loss %v + λ·penalty %v", loss, c.Objective, c.Loss, c.Penalty)
				}
			}
		}
	}
}

// The epigraph QP of an absolute- or hinge-loss program with weight decay
// against weak duality: the dual of
//
//	min Σ_j ℓ_j(M_jθ) + λ‖θ‖²  s.t.  Aθ ≥ 0
//
// is max −yᵀu − ‖Mᵀu − Aᵀμ‖²/(4λ) over u ∈ [−1, 1]^L, μ ≥ 0 (absolute), and
// max Σu_j − ‖Σ_j u_j y_j M_j + Aᵀμ‖²/(4λ) over u ∈ [0, 1]^L, μ ≥ 0
// (hinge). Any such (u, μ) gives a lower bound; the QP's multipliers,
// clipped into the feasible set, must close the gap to the primal value.
func TestEpigraphDualityGap(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, loss := range []Loss{Absolute, Hinge} {
		for trial := 0; trial < 60; trial++ {
			D, n, w := 3+r.IntN(8), 1+r.IntN(2), 1+r.IntN(2)
			X := randPoints(r, D, n)
			lam := []float64{1e-3, 0.1, 1, 10}[trial%4]
			p := Problem{X: X, Y: randLabels(r, D, loss), Width: w, Loss: loss, WeightDecay: lam}
			fam, err := Dichotomies(context.Background(), X)
			if err != nil {
				t.Fatal(err)
			}
			pr := &prepared{Problem: p, X: X, Y: p.Y, n: n, w: w}
			s := solver{pr: pr}
			q := guess{L: D, signs: make([]float64, w), pos: make([]Dichotomy, w)}
			for i := 0; i < w; i++ {
				q.signs[i] = float64(2*r.IntN(2) - 1)
				q.pos[i] = fam[r.IntN(len(fam))]
			}
			primal, err := s.solve(&q)
			if err != nil {
				t.Fatal(err)
			}
			pp, m := s.build(&q)
			th := s.th[:pp]
			for k := 0; k < m; k++ {
				if v := dotp(s.A[k*pp:(k+1)*pp], th); v < -1e-9*(1+norm(th)) {
					t.Fatalf("constraint %d violated: %v", k, v)
				}
			}
			// dual point from the multipliers
			gv := make([]float64, pp)
			dual := 0.0
			for j := 0; j < D; j++ {
				row := s.M[j*pp : (j+1)*pp]
				y := p.Y[j]
				if loss == Absolute {
					u := math.Max(-1, math.Min(1, s.lam[m+2*j]-s.lam[m+2*j+1]))
					dual -= y * u
					for i := range gv {
						gv[i] += u * row[i]
					}
				} else {
					u := math.Max(0, math.Min(1, s.lam[m+2*j+1]))
					dual += u
					for i := range gv {
						gv[i] -= u * y * row[i]
					}
				}
			}
			for k := 0; k < m; k++ {
				mu := math.Max(0, s.lam[k])
				for i := range gv {
					gv[i] -= mu * s.A[k*pp+i]
				}
			}
			dual -= dotp(gv, gv) / (4 * lam)
			if gap := primal - dual; gap < -1e-9*(1+math.Abs(primal)) || gap > 1e-6*(1+math.Abs(primal)) {
				t.Errorf("%v D=%d n=%d w=%d λ=%v: primal %v, dual bound %v (gap %v)", loss, D, n, w, lam, primal, dual, gap)
			}
		}
	}
}

func TestShardsMatchSingleRun(t *testing.T) {
	X, Y := t1Data(20, 9)
	p := Problem{X: X, Y: Y, Width: 2, Loss: Absolute}
	whole := train(t, p, Options{})
	best := math.Inf(1)
	for i := 0; i < 3; i++ {
		r := train(t, p, Options{Shard: i, Shards: 3})
		best = math.Min(best, r.Objective)
	}
	if math.Abs(best-whole.Objective) > 1e-8*(1+best) {
		t.Errorf("shards %v, single run %v", best, whole.Objective)
	}
}

func TestTrainCancel(t *testing.T) {
	X, Y := t1Data(60, 4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Train(ctx, Problem{X: X, Y: Y, Width: 2, Loss: Squared}, Options{GDRestarts: -1})
	if err == nil && r.Certificate.Certified {
		t.Error("cancelled run claims a certificate")
	}
}

// The rational re-check against hand-computed exact objectives.
func TestExactObjective(t *testing.T) {
	// net f(x) = 2·relu(x) − relu(−x + 1/2), dyadic weights, so the
	// expected values are exact.
	net := relu.MustFromFloats([][][]float64{{{1}, {-1}}, {{2, -1}}}, [][]float64{{0, 0.5}, {0}})
	X := [][]float64{{-1}, {0}, {1}, {0.25}}
	Y := []float64{1, -1, 1, 1}
	// f = −3/2, −1/2, 2, 1/4; residuals f − y = −5/2, 1/2, 1, −3/4;
	// hinge terms 1 − y·f = 5/2, 1/2, −1 → 0, 3/4.
	// Penalty R = Σ a_i²(w_i² + b_i²) = 4·(1 + 0) + 1·(1 + 1/4) = 21/4.
	cases := []struct {
		loss  Loss
		decay float64
		want  string
	}{
		{Squared, 0, "129/16"},  // 25/4 + 1/4 + 1 + 9/16
		{Absolute, 0, "19/4"},   // 5/2 + 1/2 + 1 + 3/4
		{Hinge, 0, "15/4"},      // 5/2 + 1/2 + 0 + 3/4
		{Absolute, 0.5, "59/8"}, // 19/4 + (1/2)(21/4)
	}
	for _, c := range cases {
		p := Problem{X: X, Y: Y, Width: 2, Loss: c.loss, WeightDecay: c.decay}
		got, err := p.ExactObjective(net)
		if err != nil {
			t.Fatal(err)
		}
		if got.RatString() != c.want {
			t.Errorf("%v λ=%v: %s, want %s", c.loss, c.decay, got.RatString(), c.want)
		}
		f, _, _, _ := p.Objective(net)
		if g, _ := got.Float64(); math.Abs(f-g) > 1e-12 {
			t.Errorf("%v: float %v vs exact %v", c.loss, f, g)
		}
	}
	if _, err := (&Problem{X: X, Y: Y, Width: 2, Loss: Logistic}).ExactObjective(net); err == nil {
		t.Error("logistic: no error")
	}
	// Train fills the certificate's exact fields.
	r := train(t, Problem{X: X, Y: Y, Width: 1, Loss: Absolute}, Options{})
	if r.Certificate.ExactObjective == "" || r.Certificate.ExactGap > ExactRecheckTol*(1+r.Objective) {
		t.Errorf("certificate exact fields: %q gap %v", r.Certificate.ExactObjective, r.Certificate.ExactGap)
	}
}
