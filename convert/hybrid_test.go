package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

// checkHybrid converts l with LatticeToHybrid and compares the net with
// the lattice form's definition at random rational points and at the
// origin, exactly; it also checks the depth bound, the absence of an
// output bias and the reported structure.
func checkHybrid(t *testing.T, rng *rand.Rand, l *Lattice, g relu.Gadget, points int) *HybridNet {
	t.Helper()
	bound := relu.MaxTreeDepth(l.N + 1)
	h, err := LatticeToHybrid(context.Background(), l, bound, g, 0)
	if err != nil {
		t.Fatal(err)
	}
	if hid := h.Net.Depth() - 1; hid < 1 || hid > bound {
		t.Fatalf("n=%d: %d hidden layers, bound %d", l.N, hid, bound)
	}
	if h.Net.HasOutputBias() {
		t.Fatal("output bias")
	}
	size, covered := h.TreeSize, map[int]bool{}
	for _, gr := range h.Groups {
		size += gr.Size
		for _, m := range gr.MinTerms {
			if covered[m] {
				t.Fatalf("min-term %d in two groups", m)
			}
			covered[m] = true
		}
	}
	if size != h.Net.Size() {
		t.Fatalf("groups and tree report %d units, the net has %d", size, h.Net.Size())
	}
	for p := 0; p < points; p++ {
		x := randPoint(rng, l.N)
		if p == 0 {
			for i := range x {
				x[i] = new(big.Rat)
			}
		}
		if a, b := h.Net.EvalRat(x)[0], l.Eval(x); a.Cmp(b) != 0 {
			t.Fatalf("n=%d at %v: net %v, lattice %v (groups %+v)", l.N, x, a.RatString(), b.RatString(), h.Groups)
		}
	}
	return h
}

func TestHybridRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for _, g := range []relu.Gadget{relu.Gadget4, relu.Gadget3} {
		for n := 1; n <= 6; n++ {
			for trial := 0; trial < 12; trial++ {
				l := randLattice(rng, n, 2+rng.IntN(7), 1+rng.IntN(7))
				t.Run(fmt.Sprintf("gadget%d/n=%d/%d", g, n, trial), func(t *testing.T) {
					checkHybrid(t, rng, l, g, 30)
				})
			}
		}
	}
}

// TestHybridC1 converts functions of benchmark C1 whose max–min nets are
// deeper than ⌈log₂(n+1)⌉ hidden layers.
func TestHybridC1(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 22))
	cases := []struct{ n, q, count int }{{10, 8, 4}, {100, 16, 2}}
	if testing.Short() {
		cases = cases[:1]
	}
	for _, c := range cases {
		for i, in := range c1Inputs(c.n, c.q, c.count, 1) {
			t.Run(fmt.Sprintf("n=%d/q=%d/%d", c.n, c.q, i), func(t *testing.T) {
				checkHybrid(t, rng, in.Lattice, relu.Gadget4, 10)
			})
		}
	}
}

func aff(b int64, w ...int64) Affine {
	a := Affine{B: big.NewRat(b, 1)}
	for _, v := range w {
		a.W = append(a.W, big.NewRat(v, 1))
	}
	return a
}

func TestHybridDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 23))
	// Eight functions on R^3 whose gradients lie on one line: every min
	// over them has an affine hull of dimension 1.
	var line []Affine
	for i := int64(0); i < 8; i++ {
		line = append(line, aff((i*5)%7-3, i-4, 2*(i-4), -(i-4)))
	}
	tests := []struct {
		name string
		l    *Lattice
		// hidden is the exact number of hidden layers wanted (0: any
		// within the bound).
		hidden int
	}{
		{"single term, single function", &Lattice{N: 2, Affine: []Affine{aff(1, 2, -1)}, Sets: [][]int{{0}}}, 1},
		{"single term, three functions", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 0), aff(0, 0, 1), aff(1, -1, -1)}, Sets: [][]int{{0, 1, 2}}}, 2},
		{"q = 1 with a repeated index", &Lattice{N: 3, Affine: []Affine{aff(0, 1, 0, 0), aff(2, 0, 1, 1)}, Sets: [][]int{{1, 0, 1}}}, 1},
		{"repeated affine functions", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 0), aff(0, 1, 0), aff(1, 0, 1), aff(1, 0, 1), aff(-1, -1, -1)},
			Sets: [][]int{{0, 2}, {1, 3}, {4, 0}, {1, 4}}}, 0},
		{"nested sets", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 0), aff(0, 0, 1), aff(1, -1, -1), aff(2, 1, 1)},
			Sets: [][]int{{0}, {0, 1}, {0, 1, 2}, {3, 2}, {3, 2, 1}}}, 0},
		{"repeated sets", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 0), aff(0, 0, 1), aff(1, -1, -1)},
			Sets: [][]int{{0, 1}, {1, 0}, {2}, {2}}}, 0},
		{"set larger than n+1, low-rank gradients", &Lattice{N: 3, Affine: line, Sets: [][]int{{0, 1, 2, 3, 4, 5, 6, 7}}}, 1},
		{"sets larger than n+1, low-rank gradients", &Lattice{N: 3, Affine: line, Sets: [][]int{{0, 1, 2, 3, 4}, {3, 4, 5, 6, 7}, {0, 7}}}, 0},
		{"equal gradients", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 1), aff(3, 1, 1), aff(-2, 1, 1)}, Sets: [][]int{{0, 1, 2}}}, 1},
		{"convex: max of seven planes in R^2", &Lattice{N: 2, Affine: []Affine{aff(0, 1, 0), aff(0, 0, 1), aff(0, -1, 0), aff(0, 0, -1), aff(-1, 1, 1), aff(-1, -1, 1), aff(-2, 2, -1)},
			Sets: [][]int{{0}, {1}, {2}, {3}, {4}, {5}, {6}}}, 2},
		{"zero function", &Lattice{N: 1, Affine: []Affine{aff(0, 0)}, Sets: [][]int{{0}}}, 1},
		{"set larger than n+1, full rank", &Lattice{N: 2, Affine: randAffine(rng, 2, 6, 4), Sets: [][]int{{0, 1, 2, 3, 4, 5}, {0, 2}}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := checkHybrid(t, rng, tc.l, relu.Gadget4, 60)
			if tc.hidden > 0 && h.Net.Depth()-1 != tc.hidden {
				t.Errorf("%d hidden layers, want %d", h.Net.Depth()-1, tc.hidden)
			}
		})
	}
}

// TestHybridVerify runs the conversion's exact verification on hybrid nets
// for n = 1, 2, 3 (exact breakpoints, planar cells, region complex), which
// must prove them equal to the input.
func TestHybridVerify(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 24))
	ctx := context.Background()
	var ins []*Input
	structures := map[int][][][]int{
		1: {{{0, 1}, {2, 3}, {1, 4}, {3, 4, 0}}, {{0, 1, 2}, {2, 3, 4}, {4, 5}, {5, 0}, {1, 3, 5}}},
		2: {{{0, 1}, {2, 3}, {1, 4}, {3, 4, 0}}, {{0, 1, 2}, {2, 3, 4}, {4, 5}, {5, 0}, {1, 3, 5}}},
		// Small enough for the region-complex proof.
		3: {{{0, 1}, {2, 3}}, {{0, 1}, {1, 2}, {3}}},
	}
	for n := 1; n <= 3; n++ {
		for _, sets := range structures[n] {
			ins = append(ins, &Input{Kind: KindLattice, Lattice: &Lattice{N: n, Affine: randAffine(rng, n, 6, 4), Sets: sets}})
		}
	}
	verts, simps := kuhn(2, 2)
	tr := &Triangulation{N: 2, Vertices: verts, Simplices: simps}
	for range verts {
		tr.Values = append(tr.Values, big.NewRat(rng.Int64N(9)-4, 1))
	}
	ins = append(ins, &Input{Kind: KindTriangulation, Triangulation: tr})
	for i, in := range ins {
		t.Run(fmt.Sprintf("%s/n=%d/%d", in.Kind, in.Dim(), i), func(t *testing.T) {
			res, err := Convert(ctx, in, Options{Method: Hybrid, Verify: true, Seed: uint64(i)})
			if err != nil {
				t.Fatal(err)
			}
			v := res.Summary.Verification
			if !v.Equal {
				t.Fatalf("verification: %+v", v)
			}
			if !v.Proven {
				t.Errorf("not proven: %+v", v)
			}
			if res.Summary.Method != Hybrid || len(res.Summary.Groups) == 0 || res.Summary.HiddenLayers > res.Summary.DepthBound {
				t.Errorf("summary %+v", res.Summary)
			}
		})
	}
}

func TestHybridBudgetAndCancel(t *testing.T) {
	l := c1Inputs(10, 16, 1, 1)[0].Lattice
	_, err := LatticeToHybrid(context.Background(), l, 4, relu.Gadget4, 1000)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "budget of 1000 steps") {
		t.Fatalf("want ErrTooLarge naming the budget, got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LatticeToHybrid(ctx, l, 4, relu.Gadget4, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if _, err := LatticeToHybrid(context.Background(), l, 0, relu.Gadget4, 0); err == nil {
		t.Fatal("zero hidden layers accepted")
	}
	if _, err := Convert(context.Background(), &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 1, Affine: []Affine{aff(0, 1)}, Terms: []Term{{Sign: 1, Args: []int{0}}}}}, Options{Method: Hybrid}); err == nil || !strings.Contains(err.Error(), "hybrid method needs") {
		t.Fatalf("max-sum input: got %v", err)
	}
}

// TestLayoutKraft checks the outer tree against Kraft's inequality: values
// ready after D_i hidden layers can enter one max tree finishing after T
// layers iff Σ 2^{D_i − T} ≤ 1, so the smallest such T (at least 1) is
// the optimum the pairing must reach.
func TestLayoutKraft(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 25))
	for trial := 0; trial < 300; trial++ {
		var groups []*hgroup
		sum := 0
		for k := 1 + rng.IntN(9); k > 0; k-- {
			d := rng.IntN(5)
			hg := &hgroup{depth: d}
			if d > 0 {
				hg.terms = []hterm{{args: make([]int, 1<<d)}}
			}
			groups = append(groups, hg)
			sum += 1 << d
		}
		want := 1
		for 1<<want < sum {
			want++
		}
		widths, _ := layout(groups, relu.Gadget4)
		if len(widths) != want {
			t.Fatalf("depths %v: %d hidden layers, Kraft optimum %d", depthsOf(groups), len(widths), want)
		}
	}
}

func depthsOf(gs []*hgroup) []int {
	var d []int
	for _, g := range gs {
		d = append(d, g.depth)
	}
	return d
}

// TestRankMod compares the modular rank screen with exact elimination.
func TestRankMod(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 26))
	for trial := 0; trial < 200; trial++ {
		n, k := 1+rng.IntN(6), 2+rng.IntN(8)
		fs := randAffine(rng, n, k, 3)
		if trial%2 == 0 { // force a dependency
			fs[k-1].W = append([]*big.Rat(nil), fs[0].W...)
			fs[k-1].W[0] = new(big.Rat).Add(fs[k-1].W[0], new(big.Rat).Sub(fs[1].W[0], fs[0].W[0]))
		}
		p := newPlanner(context.Background(), &Lattice{N: n, Affine: fs, Sets: [][]int{{0}}}, 3, relu.Gadget4, &budget{left: DefaultBudget})
		u := newBitset(len(p.fns))
		for j := range p.fns {
			u.set(j)
		}
		diffs := make([][]*big.Rat, len(p.fns)-1)
		for i := range diffs {
			diffs[i] = make([]*big.Rat, n)
			for c := range diffs[i] {
				diffs[i][c] = new(big.Rat).Sub(p.fns[i+1].W[c], p.fns[0].W[c])
			}
		}
		if got, want := p.rank(u), len(pivotColumns(diffs, n)); got != want {
			t.Fatalf("rank %d, exact %d", got, want)
		}
	}
}

// TestAutoHybrid checks that Auto keeps the smallest net within the depth
// bound among the three constructions, and falls back with a note when
// none fits.
func TestAutoHybrid(t *testing.T) {
	ctx := context.Background()
	for i, in := range c1Inputs(10, 8, 3, 2) {
		auto, err := Convert(ctx, in, Options{Method: Auto})
		if err != nil {
			t.Fatal(err)
		}
		bound := auto.Summary.DepthBound
		for _, m := range []Method{WangSun, LatticeNet, Hybrid} {
			r, err := Convert(ctx, in, Options{Method: m})
			if errors.Is(err, ErrTooLarge) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary.HiddenLayers <= bound && r.Summary.Size < auto.Summary.Size {
				t.Errorf("input %d: auto chose %s of size %d, %s has size %d within the bound", i, auto.Summary.Method, auto.Summary.Size, m, r.Summary.Size)
			}
		}
		if auto.Summary.HiddenLayers > bound || auto.Summary.MethodNote != "" {
			t.Errorf("input %d: auto %+v", i, auto.Summary)
		}
	}
	// Nothing fits: q = 32 at n = 10 with a small budget.
	in := c1Inputs(10, 32, 1, 1)[0]
	auto, err := Convert(ctx, in, Options{Method: Auto, Budget: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	if auto.Summary.Method != LatticeNet || auto.Summary.HiddenLayers <= auto.Summary.DepthBound || !strings.Contains(auto.Summary.MethodNote, "fell back") {
		t.Errorf("fallback summary %+v", auto.Summary)
	}
}
