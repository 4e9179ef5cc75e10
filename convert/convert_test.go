package convert

import (
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

func rat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func randRat(rng *rand.Rand, lim int64) *big.Rat {
	return big.NewRat(rng.Int64N(2*lim+1)-lim, rng.Int64N(4)+1)
}

// randMaxSum returns a signed sum of three maxima over random subsets of six
// random affine functions on R^n.
func randMaxSum(rng *rand.Rand, n int) *MaxSum {
	ms := &MaxSum{N: n, Affine: randAffine(rng, n, 6, 4)}
	for j := 0; j < 3; j++ {
		tm := Term{Sign: 1 - 2*rng.IntN(2)}
		for a := 0; a < 6; a++ {
			if rng.IntN(2) == 0 {
				tm.Args = append(tm.Args, a)
			}
		}
		if len(tm.Args) == 0 {
			tm.Args = []int{j}
		}
		ms.Terms = append(ms.Terms, tm)
	}
	return ms
}

// randRatNet returns a net with the given layer widths (inputs first,
// outputs last) whose weights are randRat(rng, wlim) and biases
// randRat(rng, blim): small rationals, so ties and parallel kinks are
// common.
func randRatNet(rng *rand.Rand, wlim, blim int64, widths ...int) *relu.Net {
	net := &relu.Net{}
	for k := 1; k < len(widths); k++ {
		l := relu.NewLayer(widths[k], widths[k-1])
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				l.SetRat(i, j, randRat(rng, wlim))
			}
			l.SetBiasRat(i, randRat(rng, blim))
		}
		net.Layers = append(net.Layers, l)
	}
	return net
}

// randAffine returns k affine functions on R^n with small rational
// coefficients; small ranges make ties (degenerate configurations) common.
func randAffine(rng *rand.Rand, n, k int, lim int64) []Affine {
	fs := make([]Affine, k)
	for i := range fs {
		fs[i] = Affine{W: make([]*big.Rat, n), B: randRat(rng, lim)}
		for j := range fs[i].W {
			fs[i].W[j] = randRat(rng, lim)
		}
	}
	return fs
}

func randPoint(rng *rand.Rand, n int) []*big.Rat {
	x := make([]*big.Rat, n)
	for i := range x {
		x[i] = big.NewRat(rng.Int64N(401)-200, rng.Int64N(13)+1)
	}
	return x
}

func maxOf(fs []Affine, x []*big.Rat) *big.Rat {
	var best *big.Rat
	for _, f := range fs {
		if v := f.Eval(x); best == nil || v.Cmp(best) > 0 {
			best = v
		}
	}
	return best
}

// TestReduceMax checks the regular-triangulation identity against the
// definition of max at random rational points, including degenerate
// configurations: equal gradients, duplicated functions, dominated
// functions, gradients on a lattice (many co-hyperplanar lifts) and gradients
// of lower affine dimension than n.
func TestReduceMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	type gen func(n, k int) []Affine
	gens := map[string]gen{
		"random": func(n, k int) []Affine { return randAffine(rng, n, k, 5) },
		"lattice gradients, equal heights": func(n, k int) []Affine {
			fs := randAffine(rng, n, k, 1)
			for i := range fs {
				fs[i].B = new(big.Rat)
				for j := range fs[i].W {
					fs[i].W[j].SetInt64(rng.Int64N(3) - 1)
				}
			}
			return fs
		},
		"collinear gradients": func(n, k int) []Affine {
			fs := randAffine(rng, n, k, 4)
			dir := randAffine(rng, n, 1, 3)[0].W
			for i := range fs {
				c := randRat(rng, 3)
				for j := range fs[i].W {
					fs[i].W[j] = new(big.Rat).Mul(c, dir[j])
				}
			}
			return fs
		},
		"duplicates and equal gradients": func(n, k int) []Affine {
			fs := randAffine(rng, n, k, 3)
			fs[1] = fs[0]
			fs[2] = Affine{W: fs[0].W, B: new(big.Rat).Add(fs[0].B, rat(1, 1))}
			return fs
		},
	}
	for name, g := range gens {
		for n := 1; n <= 3; n++ {
			for k := n + 2; k <= n+5; k++ {
				for trial := 0; trial < 4; trial++ {
					fs := g(n, k)
					faces, err := reduceMax(fs, &budget{left: DefaultBudget})
					if err != nil {
						t.Fatal(err)
					}
					for _, f := range faces {
						if len(f.args) > n+1 {
							t.Fatalf("%s n=%d: face of arity %d", name, n, len(f.args))
						}
					}
					for p := 0; p < 40; p++ {
						x := randPoint(rng, n)
						sum := new(big.Rat)
						for _, f := range faces {
							sub := make([]Affine, len(f.args))
							for i, a := range f.args {
								sub[i] = fs[a]
							}
							sum.Add(sum, new(big.Rat).Mul(rat(int64(f.coef), 1), maxOf(sub, x)))
						}
						if want := maxOf(fs, x); sum.Cmp(want) != 0 {
							t.Fatalf("%s n=%d k=%d at %v: identity gives %v, max is %v", name, n, k, x, sum, want)
						}
					}
				}
			}
		}
	}
}

func TestReduceMaxBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	fs := randAffine(rng, 3, 30, 5)
	if _, err := reduceMax(fs, &budget{left: 100}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("want ErrTooLarge, got %v", err)
	}
}

func randLattice(rng *rand.Rand, n, k, m int) *Lattice {
	l := &Lattice{N: n, Affine: randAffine(rng, n, k, 4)}
	for i := 0; i < m; i++ {
		var s []int
		for j := 0; j < k; j++ {
			if rng.IntN(3) == 0 {
				s = append(s, j)
			}
		}
		if len(s) == 0 {
			s = []int{rng.IntN(k)}
		}
		l.Sets = append(l.Sets, s)
	}
	return l
}

func TestLatticeToMaxSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for n := 1; n <= 3; n++ {
		for trial := 0; trial < 25; trial++ {
			l := randLattice(rng, n, 2+rng.IntN(4), 1+rng.IntN(4))
			ms, err := LatticeToMaxSum(l, 0)
			if err != nil {
				t.Fatal(err)
			}
			if ms.MaxArity() > n+1 {
				t.Fatalf("n=%d: arity %d", n, ms.MaxArity())
			}
			for p := 0; p < 40; p++ {
				x := randPoint(rng, n)
				if a, b := ms.Eval(x), l.Eval(x); a.Cmp(b) != 0 {
					t.Fatalf("n=%d at %v: Wang–Sun %v, lattice %v", n, x, a, b)
				}
			}
		}
	}
}

// kuhn returns the Kuhn (Freudenthal) triangulation of [0,k]^n: every unit
// cube split into n! simplices along the permutations of the coordinates.
func kuhn(n, k int) ([][]*big.Rat, [][]int) {
	index := map[string]int{}
	var verts [][]*big.Rat
	vid := func(p []int) int {
		key := setKey(p)
		if i, ok := index[key]; ok {
			return i
		}
		v := make([]*big.Rat, n)
		for j := range v {
			v[j] = rat(int64(p[j]), 1)
		}
		verts = append(verts, v)
		index[key] = len(verts) - 1
		return len(verts) - 1
	}
	var simps [][]int
	var perms [][]int
	var permute func(p []int, i int)
	permute = func(p []int, i int) {
		if i == len(p) {
			perms = append(perms, append([]int(nil), p...))
			return
		}
		for j := i; j < len(p); j++ {
			p[i], p[j] = p[j], p[i]
			permute(p, i+1)
			p[i], p[j] = p[j], p[i]
		}
	}
	permute(seq(n), 0)
	corner := make([]int, n)
	var walk func(d int)
	walk = func(d int) {
		if d == n {
			for _, perm := range perms {
				p := append([]int(nil), corner...)
				s := []int{vid(p)}
				for _, axis := range perm {
					p[axis]++
					s = append(s, vid(p))
				}
				simps = append(simps, s)
			}
			return
		}
		for c := 0; c < k; c++ {
			corner[d] = c
			walk(d + 1)
		}
	}
	walk(0)
	return verts, simps
}

func randTriangulation(rng *rand.Rand, n, k int) *Triangulation {
	verts, simps := kuhn(n, k)
	t := &Triangulation{N: n, Vertices: verts, Simplices: simps}
	for range verts {
		t.Values = append(t.Values, randRat(rng, 3))
	}
	return t
}

func checkNetEqualsOnTriangulation(t *testing.T, rng *rand.Rand, tr *Triangulation, net *relu.Net) {
	t.Helper()
	c, err := tr.Validate()
	if err != nil {
		t.Fatal(err)
	}
	for s, simp := range tr.Simplices {
		for k := 0; k < 5; k++ {
			corners := make([][]*big.Rat, len(simp))
			for i, v := range simp {
				corners[i] = tr.Vertices[v]
			}
			x := interiorPoint(corners, rng, k == 0)
			if got, want := net.EvalRat(x)[0], c.Pieces[s].Eval(x); got.Cmp(want) != 0 {
				t.Fatalf("simplex %d at %v: net %v, f %v", s, x, got, want)
			}
		}
	}
}

// wantSize is the size accounting of NetFromMaxSum.
func wantSize(ms *MaxSum, g relu.Gadget) (hidden, size int) {
	l := max(1, relu.MaxTreeDepth(ms.MaxArity()))
	for _, t := range ms.Terms {
		size += relu.MaxTreeSize(len(t.Args), g) + 2*(l-relu.MaxTreeDepth(len(t.Args)))
	}
	return l, size
}

func TestConvertAllForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		var inputs []*Input
		for trial := 0; trial < 4; trial++ {
			l := randLattice(rng, n, 2+rng.IntN(3), 1+rng.IntN(3))
			inputs = append(inputs, &Input{Kind: KindLattice, Lattice: l})
			ms := randMaxSum(rng, n)
			inputs = append(inputs, &Input{Kind: KindMaxSum, MaxSum: ms})
		}
		k := map[int]int{1: 6, 2: 2, 3: 1}[n]
		inputs = append(inputs, &Input{Kind: KindTriangulation, Triangulation: randTriangulation(rng, n, k)})
		for _, in := range inputs {
			res, err := Convert(ctx, in, Options{Verify: true})
			if err != nil {
				t.Fatalf("n=%d %s: %v", n, in.Kind, err)
			}
			s := res.Summary
			if s.HiddenLayers > relu.MaxTreeDepth(n+1) {
				t.Errorf("n=%d %s: %d hidden layers > ⌈log₂(n+1)⌉", n, in.Kind, s.HiddenLayers)
			}
			if h, size := wantSize(res.Form, relu.Gadget4); h != s.HiddenLayers || size != s.Size {
				t.Errorf("n=%d %s: hidden %d size %d, accounting says %d, %d", n, in.Kind, s.HiddenLayers, s.Size, h, size)
			}
			if s.Size > s.SpecSizeBound {
				t.Errorf("n=%d %s: size %d above spec bound %d", n, in.Kind, s.Size, s.SpecSizeBound)
			}
			if res.Net.HasOutputBias() {
				t.Errorf("n=%d %s: output bias", n, in.Kind)
			}
			if !s.Verification.Equal {
				t.Fatalf("verification: %+v", s.Verification)
			}
			if !s.Verification.Proven || s.Verified != "proof" {
				t.Errorf("n=%d verification not proven: %+v", n, s.Verification)
			}
			// Independent check: exact evaluation of the net against the input.
			if in.Kind == KindTriangulation {
				checkNetEqualsOnTriangulation(t, rng, in.Triangulation, res.Net)
				continue
			}
			f := inputEval(in)
			for p := 0; p < 30; p++ {
				x := randPoint(rng, n)
				if a, b := res.Net.EvalRat(x)[0], f(x); a.Cmp(b) != 0 {
					t.Fatalf("n=%d %s at %v: net %v, input %v", n, in.Kind, x, a, b)
				}
			}
			// The lattice method computes the same function.
			if in.Kind == KindLattice {
				lr, err := Convert(ctx, in, Options{Method: LatticeNet})
				if err != nil {
					t.Fatal(err)
				}
				x := randPoint(rng, n)
				if a, b := lr.Net.EvalRat(x)[0], f(x); a.Cmp(b) != 0 {
					t.Fatalf("lattice net at %v: %v want %v", x, a, b)
				}
			}
		}
	}
}

// TestHat2D converts the hat function of the centre vertex of a 2-D mesh
// (a 3×3 Kuhn grid: the star of the centre has 6 triangles).
func TestHat2D(t *testing.T) {
	verts, simps := kuhn(2, 2)
	tr := &Triangulation{N: 2, Vertices: verts, Simplices: simps}
	centre := -1
	for i, v := range verts {
		if v[0].Cmp(rat(1, 1)) == 0 && v[1].Cmp(rat(1, 1)) == 0 {
			centre = i
		}
		tr.Values = append(tr.Values, new(big.Rat))
	}
	tr.Values[centre] = rat(1, 1)
	res, err := Convert(context.Background(), &Input{Kind: KindTriangulation, Triangulation: tr}, Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if s.HiddenLayers != 2 || s.MaxArity > 3 {
		t.Errorf("hidden %d arity %d", s.HiddenLayers, s.MaxArity)
	}
	if s.HeHidden != relu.MaxTreeDepth(6)+1 {
		t.Errorf("He et al. bound %d", s.HeHidden)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	checkNetEqualsOnTriangulation(t, rng, tr, res.Net)
	// Hat values at grid points: 1 at the centre, 0 at other vertices.
	for i, v := range verts {
		if got := res.Net.EvalRat(v)[0]; got.Cmp(tr.Values[i]) != 0 {
			t.Errorf("vertex %v: %v", v, got)
		}
	}
}

// TestMaxOfNPlus1 checks that the max of n+1 affine functions becomes one
// term and a single max tree: ⌈log₂(n+1)⌉ hidden layers, MaxTreeSize units.
func TestMaxOfNPlus1(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for n := 1; n <= 7; n++ {
		ms := &MaxSum{N: n, Affine: randAffine(rng, n, n+1, 5), Terms: []Term{{Sign: 1, Args: seq(n + 1)}}}
		res, err := Convert(context.Background(), &Input{Kind: KindMaxSum, MaxSum: ms}, Options{Verify: true})
		if err != nil {
			t.Fatal(err)
		}
		wantHidden := relu.MaxTreeDepth(n + 1)
		if n == 1 {
			// n = 1 goes through the exact 1-D form: one hinge, 4 units.
			if res.Summary.HiddenLayers != 1 || res.Summary.Size > 4 {
				t.Errorf("n=1: %+v", res.Summary)
			}
			continue
		}
		if res.Summary.HiddenLayers != wantHidden || res.Summary.Terms != 1 || res.Summary.Size != relu.MaxTreeSize(n+1, relu.Gadget4) {
			t.Errorf("n=%d: hidden %d terms %d size %d", n, res.Summary.HiddenLayers, res.Summary.Terms, res.Summary.Size)
		}
	}
}

func TestDegenerate(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 7))
	tests := []struct {
		name string
		in   *Input
	}{
		// Pieces meeting at one point: max(x, y, −x−y) has three pieces
		// meeting at the origin.
		{"pieces meet at a point", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(0, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(0, 1), rat(1, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(-1, 1), rat(-1, 1)}, B: rat(0, 1)}},
			Terms: []Term{{Sign: 1, Args: []int{0, 1, 2}}}}}},
		// Four planes through one point: max of 4 > n+1 with a non-simplicial
		// regular subdivision (a square of gradients at equal height).
		{"four pieces at a point", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(1, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(1, 1), rat(-1, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(-1, 1), rat(1, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(-1, 1), rat(-1, 1)}, B: rat(0, 1)}},
			Terms: []Term{{Sign: 1, Args: []int{0, 1, 2, 3}}}}}},
		// Repeated affine pieces and a repeated term cancelling.
		{"repeated pieces", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(0, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(1, 1), rat(0, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(0, 1), rat(2, 1)}, B: rat(1, 1)}},
			Terms: []Term{{Sign: 1, Args: []int{0, 1, 2}}, {Sign: -1, Args: []int{2, 1}}, {Sign: 1, Args: []int{0}}}}}},
		// An affine function (all terms cancel but one singleton).
		{"affine", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 3,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(0, 1), rat(-3, 2)}, B: rat(7, 1)}},
			Terms:  []Term{{Sign: -1, Args: []int{0}}}}}},
		// Zero function.
		{"zero", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(2, 1)}, B: rat(0, 1)}},
			Terms:  []Term{{Sign: 1, Args: []int{0}}, {Sign: -1, Args: []int{0}}}}}},
		// A piece with non-convex support: the L-shaped region where
		// f = 0 in f = min(max(x, y), 1)... as a lattice form.
		{"non-convex support", &Input{Kind: KindLattice, Lattice: &Lattice{N: 2,
			Affine: []Affine{{W: []*big.Rat{rat(1, 1), rat(0, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(0, 1), rat(1, 1)}, B: rat(0, 1)},
				{W: []*big.Rat{rat(0, 1), rat(0, 1)}, B: rat(0, 1)}},
			Sets: [][]int{{0, 1}, {2}}}}},
		// A triangulation whose values are constant on an L-shaped union
		// of triangles (one affine piece on a non-convex set).
		{"triangulation with L-shaped piece", func() *Input {
			verts, simps := kuhn(2, 2)
			tr := &Triangulation{N: 2, Vertices: verts, Simplices: simps}
			for _, v := range verts {
				val := new(big.Rat)
				if v[0].Cmp(rat(2, 1)) == 0 && v[1].Cmp(rat(2, 1)) == 0 {
					val = rat(3, 1)
				}
				tr.Values = append(tr.Values, val)
			}
			return &Input{Kind: KindTriangulation, Triangulation: tr}
		}()},
		// 1-D: a net with a dead unit, cancelling units and a breakpoint
		// produced twice.
		{"1-D degenerate net", &Input{Kind: KindNet, Net: relu.MustFromFloats(
			[][][]float64{{{1}, {1}, {-1}, {0}, {2}}, {{1, -1, 0.5, 3, 1}}},
			[][]float64{{-1, -1, 0, -2, -2}, {0}})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Convert(ctx, tc.in, Options{Verify: true})
			if err != nil {
				t.Fatal(err)
			}
			n := tc.in.Dim()
			if res.Summary.HiddenLayers > max(1, relu.MaxTreeDepth(n+1)) {
				t.Errorf("hidden layers %d", res.Summary.HiddenLayers)
			}
			if tc.in.Kind == KindTriangulation {
				checkNetEqualsOnTriangulation(t, rng, tc.in.Triangulation, res.Net)
				return
			}
			f := inputEval(tc.in)
			for p := 0; p < 60; p++ {
				x := randPoint(rng, n)
				if p == 0 {
					for i := range x {
						x[i] = new(big.Rat)
					}
				}
				if a, b := res.Net.EvalRat(x)[0], f(x); a.Cmp(b) != 0 {
					t.Fatalf("at %v: net %v, input %v", x, a, b)
				}
			}
		})
	}
}

// randDeepNet1D draws an R → R net with 1–4 hidden layers of 1–maxWidth
// units and small random rational weights.
func randDeepNet1D(rng *rand.Rand, maxWidth int) *relu.Net {
	widths := []int{1}
	for l := 0; l < 1+rng.IntN(4); l++ {
		widths = append(widths, 1+rng.IntN(maxWidth))
	}
	widths = append(widths, 1)
	return randRatNet(rng, 3, 3, widths...)
}

// TestNet1D checks depth compression of random deep R → R nets against the
// nets' own exact evaluation, at every breakpoint, between them and beyond.
func TestNet1D(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	ctx := context.Background()
	for trial := 0; trial < 30; trial++ {
		net := randDeepNet1D(rng, 4)
		p, err := PWL1FromNet(ctx, net)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Convert(ctx, &Input{Kind: KindNet, Net: net}, Options{Verify: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary.HiddenLayers != 1 {
			t.Errorf("hidden layers %d", res.Summary.HiddenLayers)
		}
		var pts []*big.Rat
		for i, x := range p.X {
			pts = append(pts, x)
			if i > 0 {
				mid := new(big.Rat).Add(x, p.X[i-1])
				pts = append(pts, mid.Quo(mid, rat(2, 1)))
			}
		}
		pts = append(pts, new(big.Rat).Sub(p.X[0], rat(7, 3)), new(big.Rat).Add(p.X[len(p.X)-1], rat(5, 2)))
		for _, x := range pts {
			want := net.EvalRat([]*big.Rat{x})[0]
			if got := p.Eval(x); got.Cmp(want) != 0 {
				t.Fatalf("PWL1 at %v: %v want %v", x, got, want)
			}
			if got := res.Net.EvalRat([]*big.Rat{x})[0]; got.Cmp(want) != 0 {
				t.Fatalf("converted net at %v: %v want %v", x, got, want)
			}
		}
		// Every knot of the simplified form is a true breakpoint.
		for i := range p.X {
			if p.slope(i).Cmp(p.slope(i+1)) == 0 && !(len(p.X) == 1) {
				t.Fatalf("knot %v is not a breakpoint", p.X[i])
			}
		}
		if res.Summary.Size != 4*max(1, p.Pieces()-1) && !(p.Pieces() == 1) {
			t.Errorf("size %d for %d pieces", res.Summary.Size, p.Pieces())
		}
	}
}

// TestNetND checks depth compression of small random nets with n = 2, 3 on
// a box against the nets' own exact evaluation at random points of the box.
func TestNetND(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	ctx := context.Background()
	done := 0
	for trial := 0; trial < 12; trial++ {
		n := 2 + trial%2
		widths := []int{n, 2, 2, 1}
		if trial%3 == 0 {
			widths = []int{n, 3, 1}
		}
		net := randRatNet(rng, 2, 1, widths...)
		lo := make([]*big.Rat, n)
		hi := make([]*big.Rat, n)
		for i := range lo {
			lo[i], hi[i] = rat(-2, 1), rat(3, 2)
		}
		dom, err := region.BoxRat(lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Convert(ctx, &Input{Kind: KindNet, Net: net, Domain: &dom}, Options{Verify: true, Budget: 300_000})
		if errors.Is(err, ErrTooLarge) {
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		done++
		if res.Summary.HiddenLayers > relu.MaxTreeDepth(n+1) {
			t.Errorf("hidden layers %d", res.Summary.HiddenLayers)
		}
		if !res.Summary.Verification.Proven {
			t.Errorf("n=%d not proven: %+v", n, res.Summary.Verification)
		}
		for p := 0; p < 50; p++ {
			x := make([]*big.Rat, n)
			for i := range x {
				x[i] = big.NewRat(rng.Int64N(701)-400, 200) // in [−2, 1.5]
			}
			if a, b := res.Net.EvalRat(x)[0], net.EvalRat(x)[0]; a.Cmp(b) != 0 {
				t.Fatalf("trial %d at %v: converted %v, net %v", trial, x, a, b)
			}
		}
	}
	if done < 6 {
		t.Errorf("only %d of 12 nets converted within the budget", done)
	}
}

func TestBadTriangulations(t *testing.T) {
	sq := func(v ...[2]int64) [][]*big.Rat {
		out := make([][]*big.Rat, len(v))
		for i, p := range v {
			out[i] = []*big.Rat{rat(p[0], 1), rat(p[1], 1)}
		}
		return out
	}
	vals := func(k int) []*big.Rat {
		out := make([]*big.Rat, k)
		for i := range out {
			out[i] = rat(int64(i), 1)
		}
		return out
	}
	tests := []struct {
		name string
		tr   *Triangulation
		want string
	}{
		{"degenerate simplex", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 1}, [2]int64{2, 2}),
			Simplices: [][]int{{0, 1, 2}}, Values: vals(3)}, "degenerate"},
		{"overlap across shared edge", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{4, 0}, [2]int64{0, 4}, [2]int64{1, 1}),
			Simplices: [][]int{{0, 1, 2}, {1, 2, 3}}, Values: vals(4)}, "overlap"},
		{"vertex inside another simplex", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{4, 0}, [2]int64{0, 4}, [2]int64{1, 1}, [2]int64{5, 5}),
			Simplices: [][]int{{0, 1, 2}, {3, 4, 1}}, Values: vals(5)}, "lies in simplex"},
		{"crossing edges", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{6, 0}, [2]int64{3, 6}, [2]int64{0, 4}, [2]int64{6, 4}, [2]int64{3, -2}),
			Simplices: [][]int{{0, 1, 2}, {3, 4, 5}}, Values: vals(6)}, "crosses"},
		{"face in three simplices", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}, [2]int64{0, -1}, [2]int64{5, 5}),
			Simplices: [][]int{{0, 1, 2}, {0, 1, 3}, {0, 1, 4}}, Values: vals(5)}, "shared by 3"},
		{"non-convex domain", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{2, 0}, [2]int64{0, 2}, [2]int64{2, 2}, [2]int64{1, 1}),
			Simplices: [][]int{{0, 1, 4}, {0, 2, 4}, {1, 3, 4}}, Values: vals(5)}, "not convex"},
		{"discontinuous", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}, [2]int64{1, 1}),
			Simplices:     [][]int{{0, 1, 2}, {1, 3, 2}},
			SimplexValues: [][]*big.Rat{{rat(0, 1), rat(1, 1), rat(2, 1)}, {rat(1, 1), rat(5, 1), rat(3, 1)}}}, "not continuous"},
		{"wrong vertex dimension", &Triangulation{N: 2, Vertices: [][]*big.Rat{{rat(0, 1)}, {rat(1, 1), rat(0, 1)}, {rat(0, 1), rat(1, 1)}},
			Simplices: [][]int{{0, 1, 2}}, Values: vals(3)}, "coordinates"},
		{"wrong simplex size", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}),
			Simplices: [][]int{{0, 1}}, Values: vals(3)}, "n+1"},
		{"index out of range", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}),
			Simplices: [][]int{{0, 1, 7}}, Values: vals(3)}, "out of range"},
		{"value count", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}),
			Simplices: [][]int{{0, 1, 2}}, Values: vals(2)}, "values"},
		{"unused vertex", &Triangulation{N: 2, Vertices: sq([2]int64{0, 0}, [2]int64{1, 0}, [2]int64{0, 1}, [2]int64{9, 9}),
			Simplices: [][]int{{0, 1, 2}}, Values: vals(4)}, "no simplex"},
		{"1-D gap", &Triangulation{N: 1, Vertices: [][]*big.Rat{{rat(0, 1)}, {rat(1, 1)}, {rat(2, 1)}, {rat(3, 1)}},
			Simplices: [][]int{{0, 1}, {2, 3}}, Values: vals(4)}, "not convex"},
		{"1-D overlap", &Triangulation{N: 1, Vertices: [][]*big.Rat{{rat(0, 1)}, {rat(2, 1)}, {rat(1, 1)}, {rat(3, 1)}},
			Simplices: [][]int{{0, 1}, {2, 3}}, Values: vals(4)}, "lies in simplex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.tr.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"kind": "maxsum", "n": 2`, "malformed"},
		{`{"n": 2}`, "missing \"kind\""},
		{`{"kind": "spline", "n": 2}`, "unknown kind"},
		{`{"kind": "maxsum"}`, "\"n\""},
		{`{"kind": "maxsum", "n": 2, "affine": [{"w": [1], "b": 0}], "terms": [{"sign": 1, "args": [0]}]}`, "coefficients"},
		{`{"kind": "maxsum", "n": 1, "affine": [{"w": ["NaN"], "b": 0}], "terms": [{"sign": 1, "args": [0]}]}`, "w"},
		{`{"kind": "maxsum", "n": 1, "affine": [{"w": [1], "b": 0}], "terms": [{"sign": 2, "args": [0]}]}`, "sign"},
		{`{"kind": "maxsum", "n": 1, "affine": [{"w": [1], "b": 0}], "terms": [{"sign": 1, "args": [3]}]}`, "out of range"},
		{`{"kind": "maxsum", "n": 1, "affine": [{"w": [1], "b": 0}], "terms": []}`, "no terms"},
		{`{"kind": "lattice", "n": 1, "affine": [{"w": [1], "b": 0}], "sets": [[]]}`, "empty"},
		{`{"kind": "lattice", "n": 1, "affine": [], "sets": [[0]]}`, "no affine"},
		{`{"kind": "triangulation", "n": 1, "vertices": [["x"]], "simplices": [[0, 1]], "values": [0]}`, "vertex 0"},
		{`{"layers": []}`, "no layers"},
	}
	for _, tc := range tests {
		in, err := Decode(strings.NewReader(tc.in))
		if err == nil && in.Kind == KindTriangulation {
			_, err = in.Triangulation.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"kind": "maxsum", "n": 1, "affine": [{"w": [1], "b": 0}, {"w": ["-1/2"], "b": 1}], "terms": [{"sign": 1, "args": [0, 1]}]}`))
	f.Add([]byte(`{"kind": "lattice", "n": 2, "affine": [{"w": [1, 0], "b": 0}, {"w": [0, 1]}], "sets": [[0, 1]]}`))
	f.Add([]byte(`{"kind": "triangulation", "n": 1, "vertices": [[0], [1], [3]], "simplices": [[0, 1], [1, 2]], "values": [0, 1, 0]}`))
	f.Add([]byte(`{"layers": [{"weight": [[1]], "bias": [0]}, {"weight": [[2]]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Decode(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		// Keep the fuzzer away from huge exact conversions.
		if in.Dim() > 3 {
			return
		}
		switch in.Kind {
		case KindMaxSum:
			if len(in.MaxSum.Affine) > 8 || len(in.MaxSum.Terms) > 8 {
				return
			}
		case KindLattice:
			if len(in.Lattice.Affine) > 8 || len(in.Lattice.Sets) > 6 {
				return
			}
		case KindTriangulation:
			if len(in.Triangulation.Simplices) > 20 || len(in.Triangulation.Vertices) > 20 {
				return
			}
		case KindNet:
			if in.Net.Size() > 20 {
				return
			}
		}
		res, err := Convert(context.Background(), in, Options{Verify: true, Budget: 20000, Samples: 2})
		if err != nil {
			if strings.Contains(err.Error(), "verification failed") || strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			return
		}
		if res.Net.Validate() != nil {
			t.Fatal("invalid net")
		}
	})
}

// TestPlanarProof checks that the planar prover proves true identities and
// finds a counterexample when one term is changed slightly.
func TestPlanarProof(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 20; trial++ {
		l := randLattice(rng, 2, 3+rng.IntN(3), 2+rng.IntN(2))
		ms, err := LatticeToMaxSum(l, 0)
		if err != nil {
			t.Fatal(err)
		}
		lines := append(kinkLines([][]Affine{l.Affine}), kinkLines(termGroups(ms))...)
		box := boundingBox(lines)
		cells := 0
		if x, ok, err := provePolygon(box, lines, l.Eval, ms.Eval, &cells, proofCells); err != nil || !ok {
			t.Fatalf("true identity not proven: %v %v", x, err)
		}
		// Shift every argument of the last term by 1/7 (as new affine
		// functions): the sum changes by ±1/7 everywhere, so it is not f.
		bad := &MaxSum{N: 2, Affine: append([]Affine(nil), ms.Affine...)}
		for _, tm := range ms.Terms[:len(ms.Terms)-1] {
			bad.Terms = append(bad.Terms, tm)
		}
		last := Term{Sign: ms.Terms[len(ms.Terms)-1].Sign}
		for _, a := range ms.Terms[len(ms.Terms)-1].Args {
			bad.Affine = append(bad.Affine, Affine{W: ms.Affine[a].W, B: new(big.Rat).Add(ms.Affine[a].B, rat(1, 7))})
			last.Args = append(last.Args, len(bad.Affine)-1)
		}
		bad.Terms = append(bad.Terms, last)
		lines = append(kinkLines([][]Affine{l.Affine}), kinkLines(termGroups(bad))...)
		cells = 0
		if _, ok, err := provePolygon(boundingBox(lines), lines, l.Eval, bad.Eval, &cells, proofCells); err != nil || ok {
			t.Fatalf("perturbed form proven equal (err %v)", err)
		}
	}
}

func TestPWLDescriptionInput(t *testing.T) {
	// Spec §5 item 4: breakpoints (−1, 0, 2), values (0, 2, 0), slopes 1 and 3.
	in, err := Decode(strings.NewReader(`{"breakpoints": [-1, 0, 2], "values": [0, 2, 0], "slope_left": 1, "slope_right": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(context.Background(), in, Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Pieces != 4 || res.Summary.HiddenLayers != 1 || !res.Summary.Verification.Proven {
		t.Errorf("%+v", res.Summary)
	}
	for x, want := range map[int64]int64{-2: -1, -1: 0, 0: 2, 2: 0, 3: 3} {
		if got := res.Net.EvalRat([]*big.Rat{rat(x, 1)})[0]; got.Cmp(rat(want, 1)) != 0 {
			t.Errorf("f(%d) = %v, want %d", x, got, want)
		}
	}
}

func TestBadTriangulation1DDuplicate(t *testing.T) {
	tr := &Triangulation{N: 1, Vertices: [][]*big.Rat{{rat(0, 1)}, {rat(1, 1)}, {rat(1, 1)}, {rat(2, 1)}},
		Simplices: [][]int{{0, 1}, {2, 3}}, Values: []*big.Rat{rat(0, 1), rat(1, 1), rat(1, 1), rat(0, 1)}}
	if _, err := tr.Validate(); err == nil || !strings.Contains(err.Error(), "coincide") {
		t.Fatalf("got %v", err)
	}
}

// TestAuto checks that the automatic choice stays within ⌈log₂(n+1)⌉ hidden
// layers, computes the same function and is never larger than the Wang–Sun
// net.
func TestAuto(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	ctx := context.Background()
	for trial := 0; trial < 20; trial++ {
		n := 3 + trial%5
		l := randLattice(rng, n, 2+rng.IntN(4), 1+rng.IntN(4))
		in := &Input{Kind: KindLattice, Lattice: l}
		auto, err := Convert(ctx, in, Options{Method: Auto})
		if err != nil {
			t.Fatal(err)
		}
		ws, err := Convert(ctx, in, Options{Method: WangSun})
		if err != nil {
			t.Fatal(err)
		}
		if auto.Summary.HiddenLayers > relu.MaxTreeDepth(n+1) || auto.Summary.Size > ws.Summary.Size {
			t.Errorf("n=%d: auto (%s) hidden %d size %d, wangsun size %d", n, auto.Summary.Method, auto.Summary.HiddenLayers, auto.Summary.Size, ws.Summary.Size)
		}
		for p := 0; p < 20; p++ {
			x := randPoint(rng, n)
			if a, b := auto.Net.EvalRat(x)[0], l.Eval(x); a.Cmp(b) != 0 {
				t.Fatalf("at %v: %v want %v", x, a, b)
			}
		}
	}
}
