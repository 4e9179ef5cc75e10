package region

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/relucid/relucid/relu"
)

func box2(t *testing.T, a, b float64) Domain {
	t.Helper()
	d, err := Box([]float64{a, a}, []float64{b, b})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func enumerate2(t *testing.T, net *relu.Net, dom Domain, opt Options) *Complex {
	t.Helper()
	cx, err := Enumerate(context.Background(), net, dom, opt)
	if err != nil {
		t.Fatalf("Enumerate: %v", err)
	}
	return cx
}

// TestPaperPieceCounts reproduces paper-spec §5 item 9 on the window
// [−3,3]², which contains {γ_Z ≤ M}.
func TestPaperPieceCounts(t *testing.T) {
	l1 := [][]*big.Rat{rats("0", "1"), rats("1", "0")}
	oct := [][]*big.Rat{rats("1/4", "1/2"), rats("-1/2", "0"), rats("0", "-1/4"), rats("-1/4", "-1/4")}
	hex := [][]*big.Rat{rats("1", "0"), rats("0", "1"), rats("1", "1")}
	half := rats("1/2")
	third := rats("1/3", "2/3")
	for _, tc := range []struct {
		name   string
		gens   [][]*big.Rat
		as     [][]*big.Rat
		pieces int
	}{
		{"Figure-1-left H_(½),(½)∘‖·‖₁", l1, [][]*big.Rat{half, half}, 17},
		{"Figure-1-right octagon", oct, [][]*big.Rat{half, half}, 33},
		{"H_(½)∘‖·‖₁ k=1", l1, [][]*big.Rat{half}, 8},
		{"H_(⅓,⅔),(⅓,⅔)∘‖·‖₁ w=3 k=2", l1, [][]*big.Rat{third, third}, 36},
		{"hexagon k=1 w=3", hex, [][]*big.Rat{third}, 18},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := zonotopeNet(tc.gens, tc.as, rat("1"))
			for _, exact := range []bool{false, true} {
				cx := enumerate2(t, net, box2(t, -3, 3), Options{Exact: exact})
				if got := cx.Counts[0].Pieces; got != tc.pieces {
					t.Errorf("exact=%v: pieces = %d, want %d", exact, got, tc.pieces)
				}
				if cx.Exact != (exact || cx.Stats.AutoCertified) {
					t.Errorf("Exact flag = %v with Options.Exact %v, auto %v", cx.Exact, exact, cx.Stats.AutoCertified)
				}
			}
		})
	}
}

func binom(n, k int) int {
	if k < 0 || k > n {
		return 0
	}
	r := 1
	for i := 0; i < k; i++ {
		r = r * (n - i) / (i + 1)
	}
	return r
}

// zonotopePieces is the count of paper-spec §2.3 (Proposition 3.8 with the
// corrections A2, A3): V·w^k (+1 if w is even and k ≥ 2), V = 2Σ_{i<n}C(m−1,i).
func zonotopePieces(n, m, k, w int) int {
	V := 0
	for i := 0; i < n; i++ {
		V += 2 * binom(m-1, i)
	}
	p := V
	for range k {
		p *= w
	}
	if w%2 == 0 && k >= 2 {
		p++
	}
	return p
}

// breakpoints returns a valid a ∈ Δ^{w−1}_1 that is not equally spaced.
func breakpoints(w, salt int) []*big.Rat {
	a := make([]*big.Rat, w-1)
	for i := range a {
		// (i+1)/w nudged by a small rational keeps 0 < a_1 < … < 1.
		a[i] = new(big.Rat).Add(big.NewRat(int64(i+1), int64(w)), big.NewRat(int64(salt%3-1), int64(10*w*w)))
	}
	return a
}

// TestZonotopeFormula checks the exact piece counts of the ZONOTOPE family in
// R² and R³ against the formula (the depth issue's oracle).
func TestZonotopeFormula(t *testing.T) {
	gens2 := [][]*big.Rat{rats("1", "0"), rats("0", "1"), rats("1", "1"), rats("1", "-2"), rats("3", "1")}
	gens3 := [][]*big.Rat{rats("1", "0", "0"), rats("0", "1", "0"), rats("0", "0", "1"), rats("1", "1", "1"), rats("1", "-2", "3")}
	for _, tc := range []struct{ n, m, k, w int }{
		{2, 2, 1, 2}, {2, 3, 2, 2}, {2, 3, 1, 3}, {2, 4, 2, 3}, {2, 5, 1, 4}, {2, 2, 3, 2},
		{3, 3, 1, 2}, {3, 4, 1, 2}, {3, 4, 2, 2}, {3, 5, 1, 3},
	} {
		t.Run(fmt.Sprintf("n=%d,m=%d,k=%d,w=%d", tc.n, tc.m, tc.k, tc.w), func(t *testing.T) {
			gens := gens2[:tc.m]
			if tc.n == 3 {
				gens = gens3[:tc.m]
			}
			var as [][]*big.Rat
			for j := 0; j < tc.k; j++ {
				as = append(as, breakpoints(tc.w, j))
			}
			net := zonotopeNet(gens, as, rat("1"))
			lo := make([]float64, tc.n)
			hi := make([]float64, tc.n)
			for i := range lo {
				lo[i], hi[i] = -2, 2 // γ_Z(r) ≥ ‖r‖_∞ since the e_i are generators
			}
			dom, _ := Box(lo, hi)
			want := zonotopePieces(tc.n, tc.m, tc.k, tc.w)
			for _, exact := range []bool{false, true} {
				cx := enumerate2(t, net, dom, Options{Exact: exact})
				if got := cx.Counts[0].Pieces; got != want {
					t.Errorf("exact=%v: pieces = %d, want %d (regions %d, maps %d)", exact, got, want, cx.Counts[0].Regions, cx.Counts[0].AffineMaps)
				}
			}
		})
	}
}

// intNet draws a net with small integer weights: lines through lattice
// points, coincident and parallel hyperplanes, dead and constant units all
// occur often, which makes it the degeneracy stress test.
func intNet(seed uint64, widths ...int) *relu.Net {
	rng := rand.New(rand.NewPCG(seed, 99))
	var ws [][][]float64
	var bs [][]float64
	for k := 1; k < len(widths); k++ {
		w := make([][]float64, widths[k])
		b := make([]float64, widths[k])
		for i := range w {
			w[i] = make([]float64, widths[k-1])
			for j := range w[i] {
				w[i][j] = float64(rng.IntN(5) - 2)
			}
			b[i] = float64(rng.IntN(5)-2) / 2
		}
		ws = append(ws, w)
		bs = append(bs, b)
	}
	return relu.MustFromFloats(ws, bs)
}

// TestOracle2D compares the engine with the independent exact
// polygon-splitting oracle on random nets, generic and degenerate.
func TestOracle2D(t *testing.T) {
	type tc struct {
		name string
		net  *relu.Net
	}
	var cases []tc
	for s := uint64(1); s <= 12; s++ {
		cases = append(cases, tc{fmt.Sprintf("integer-%d", s), intNet(s, 2, 4, 4, 2)})
	}
	for s := uint64(1); s <= 6; s++ {
		cases = append(cases, tc{fmt.Sprintf("integer-deep-%d", s), intNet(s+50, 2, 3, 3, 3, 1)})
		cases = append(cases, tc{fmt.Sprintf("random-%d", s), randomNet(s, 2, 8, 6, 2)})
	}
	lo := [2]*big.Rat{big.NewRat(-2, 1), big.NewRat(-2, 1)}
	hi := [2]*big.Rat{big.NewRat(2, 1), big.NewRat(2, 1)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := oracleEnumerate(c.net, lo, hi)
			for _, exact := range []bool{false, true} {
				cx := enumerate2(t, c.net, box2(t, -2, 2), Options{Exact: exact})
				for o := 0; o < c.net.OutputDim(); o++ {
					w := oracleCounts(want, o)
					if cx.Counts[o] != w {
						t.Errorf("exact=%v output %d: got %+v, oracle %+v", exact, o, cx.Counts[o], w)
					}
				}
			}
		})
	}
}

// TestDegenerate names each degenerate configuration of the issue; expected
// counts are worked out by hand and cross-checked with the oracle.
func TestDegenerate(t *testing.T) {
	f := func(ws [][][]float64, bs [][]float64) *relu.Net { return relu.MustFromFloats(ws, bs) }
	for _, tc := range []struct {
		name            string
		net             *relu.Net
		regions, pieces int
	}{
		// Four lines through the origin, two through the box corners: 8 sectors.
		{"hyperplanes through vertices", f([][][]float64{{{1, 0}, {0, 1}, {1, -1}, {1, 1}}, {{1, 2, 3, 5}}}, nil), 8, 8},
		// x = 0 three times (scaled, flipped): one cut only.
		{"coincident hyperplanes", f([][][]float64{{{1, 0}, {2, 0}, {-1, 0}}, {{1, 1, 1}}}, nil), 2, 2},
		{"duplicate units", f([][][]float64{{{1, 1}, {1, 1}}, {{1, -1}}}, [][]float64{{0.5, 0.5}, nil}), 2, 1},
		// x = −½, 0, ½: four slabs.
		{"parallel hyperplanes", f([][][]float64{{{1, 0}, {1, 0}, {1, 0}}, {{1, -2, 3}}}, [][]float64{{0.5, 0, -0.5}, nil}), 4, 4},
		// x = 1 and y = −1 lie on the boundary of [−1,1]²: no cut.
		{"hyperplane along the domain boundary", f([][][]float64{{{1, 0}, {0, 1}, {1, 1}}, {{1, 1, 1}}}, [][]float64{{-1, 1, 0}, nil}), 2, 2},
		// weight 0, bias −1: never active; weight 0, bias 1: always active.
		{"dead units", f([][][]float64{{{0, 0}, {0, 0}, {1, 0}}, {{5, 7, 1}}}, [][]float64{{-1, 1, 0}, nil}), 2, 2},
		// Layer 2 reads σ(x): ≡ 0 on x < 0 (the hyperplane contains the cell)
		// and constant 1 there for the second unit.
		{"units constant on a cell", f([][][]float64{{{1, 0}}, {{1}, {1}}, {{1, 1}}}, [][]float64{{0}, {0, 1}, nil}), 2, 2},
		// All units ≡ 0: one region.
		{"all units dead", f([][][]float64{{{0, 0}}, {{1}}}, [][]float64{{0}, nil}), 1, 1},
		// |x| − |x|: two regions, one affine piece (the zero map).
		{"identical maps merge across a facet", f([][][]float64{{{1, 0}, {-1, 0}}, {{1, 1}}, {{0}}}, [][]float64{{0, 0}, {0}, nil}), 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := oracleCounts(oracleEnumerate(tc.net, [2]*big.Rat{big.NewRat(-1, 1), big.NewRat(-1, 1)}, [2]*big.Rat{big.NewRat(1, 1), big.NewRat(1, 1)}), 0)
			if o.Regions != tc.regions || o.Pieces != tc.pieces {
				t.Fatalf("oracle %+v disagrees with the hand count %d regions, %d pieces", o, tc.regions, tc.pieces)
			}
			for _, exact := range []bool{false, true} {
				cx := enumerate2(t, tc.net, box2(t, -1, 1), Options{Exact: exact})
				if c := cx.Counts[0]; c.Regions != tc.regions || c.Pieces != tc.pieces {
					t.Errorf("exact=%v: got %+v, want %d regions, %d pieces", exact, c, tc.regions, tc.pieces)
				}
			}
		})
	}
}

// TestEuler checks V − E + F = 1 for the planar subdivision of the box
// (bounded faces only), vertices shared between regions identified.
func TestEuler(t *testing.T) {
	for _, net := range []*relu.Net{randomNet(3, 2, 10, 10, 1), intNet(7, 2, 4, 4, 1), zonotopeNet([][]*big.Rat{rats("1", "0"), rats("0", "1")}, [][]*big.Rat{rats("1/2"), rats("1/2")}, rat("1"))} {
		cx := enumerate2(t, net, box2(t, -2, 2), Options{})
		type key [2]int64
		q := func(p []float64) key { return key{int64(math.Round(p[0] * 1e8)), int64(math.Round(p[1] * 1e8))} }
		verts := map[key][]float64{}
		for _, r := range cx.Regions {
			for _, v := range r.Vertices {
				verts[q(v)] = v
			}
		}
		// Edges: each polygon edge split at every vertex lying inside it.
		halfEdges := 0
		boundary := 0
		for _, r := range cx.Regions {
			n := len(r.Vertices)
			for i := range n {
				a, b := r.Vertices[i], r.Vertices[(i+1)%n]
				sub := 1
				for _, v := range verts {
					if onSegment(a, b, v) {
						sub++
					}
				}
				halfEdges += sub
				if onBoxBoundary(a, b, -2, 2) {
					boundary += sub
				}
			}
		}
		E := (halfEdges + boundary) / 2
		V := len(verts)
		F := len(cx.Regions)
		if V-E+F != 1 {
			t.Errorf("V − E + F = %d − %d + %d = %d, want 1", V, E, F, V-E+F)
		}
	}
}

func onSegment(a, b, p []float64) bool {
	const eps = 1e-9
	cr := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	l := math.Hypot(b[0]-a[0], b[1]-a[1])
	if math.Abs(cr) > eps*l {
		return false
	}
	t := ((p[0]-a[0])*(b[0]-a[0]) + (p[1]-a[1])*(b[1]-a[1])) / (l * l)
	return t > eps && t < 1-eps
}

func onBoxBoundary(a, b []float64, lo, hi float64) bool {
	for k := 0; k < 2; k++ {
		for _, c := range []float64{lo, hi} {
			if a[k] == c && b[k] == c {
				return true
			}
		}
	}
	return false
}

// checkMaps verifies that every region's maps agree with the net at its
// interior point and vertices, and that the interior point has the region's
// activation pattern.
func checkMaps(t *testing.T, net *relu.Net, cx *Complex) {
	t.Helper()
	ev := relu.NewEvaluator(net)
	out := make([]float64, net.OutputDim())
	pat := make([][]bool, len(net.Layers)-1)
	for k := range pat {
		pat[k] = make([]bool, net.Layers[k].Out)
	}
	for _, r := range cx.Regions {
		pts := append([][]float64{r.Interior}, r.Vertices...)
		for pi, y := range pts {
			x := cx.Domain.ToInput(y)
			ev.Eval(out, x)
			for o, m := range r.Maps {
				v := m.Const
				for k, g := range m.Grad {
					v += g * y[k]
				}
				if math.Abs(v-out[o]) > 1e-9*(1+math.Abs(out[o])) {
					t.Fatalf("region %d point %d output %d: map gives %g, net %g", r.Index, pi, o, v, out[o])
				}
			}
		}
		net.Pattern(pat, cx.Domain.ToInput(r.Interior))
		for l := range pat {
			for i, on := range pat[l] {
				if on != cx.Active(&r, l, i) {
					t.Fatalf("region %d: unit %d of layer %d active=%v at the interior point, pattern says %v", r.Index, i, l, on, !on)
				}
			}
		}
		for _, f := range r.Facets {
			s := -f.Offset
			for k, a := range f.Normal {
				s += a * r.Interior[k]
			}
			if s >= 0 {
				t.Fatalf("region %d: interior point violates facet %+v", r.Index, f)
			}
		}
	}
}

func TestMapsMatchEvaluation(t *testing.T) {
	tri, err := Polytope([][]float64{{-1, 0}, {0, -1}, {1, 1}}, []float64{1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	sl, err := Slice([]float64{0.1, -0.2, 0.3, 0}, []float64{1, 0, 0.5, 0}, []float64{0, 1, 0, -1}, []float64{-1, -1}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	b3, _ := Box([]float64{-1, -1, -1}, []float64{1, 1, 1})
	b4, _ := Box([]float64{-1, -1, -1, -1}, []float64{1, 1, 1, 1})
	simplex3, err := Polytope([][]float64{{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {1, 1, 1}}, []float64{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		net  *relu.Net
		dom  Domain
	}{
		{"box 2-D", randomNet(5, 2, 12, 12, 2), box2(t, -1, 1)},
		{"triangle polytope", randomNet(6, 2, 10, 10, 1), tri},
		{"slice of a 4-input net", randomNet(7, 4, 10, 10, 1), sl},
		{"box 3-D", randomNet(8, 3, 8, 8, 1), b3},
		{"simplex polytope 3-D", randomNet(10, 3, 8, 8, 1), simplex3},
		{"box 4-D", randomNet(9, 4, 6, 6, 2), b4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cx := enumerate2(t, tc.net, tc.dom, Options{Vertices: VerticesAlways})
			if len(cx.Regions) < 2 {
				t.Fatalf("only %d regions", len(cx.Regions))
			}
			checkMaps(t, tc.net, cx)
		})
	}
}

// TestSampling checks in 2-D to 5-D that random points lie in exactly one
// region, the one whose pattern the exact evaluation of the point gives.
func TestSampling(t *testing.T) {
	for _, n := range []int{2, 3, 4, 5} {
		net := randomNet(uint64(20+n), n, 7, 7, 1)
		lo := make([]float64, n)
		hi := make([]float64, n)
		for i := range lo {
			lo[i], hi[i] = -1, 1
		}
		dom, _ := Box(lo, hi)
		cx := enumerate2(t, net, dom, Options{})
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		x := make([]float64, n)
		xr := make([]*big.Rat, n)
		hits := map[int]bool{}
		for range 1000 {
			for i := range x {
				x[i] = 2*rng.Float64() - 1
				xr[i] = new(big.Rat).SetFloat64(x[i])
			}
			pat, ok := exactPattern(net, xr)
			if !ok {
				continue // on a hyperplane
			}
			found := -1
			for ri := range cx.Regions {
				r := &cx.Regions[ri]
				inside := true
				for _, f := range r.Facets {
					s := -f.Offset
					for k, a := range f.Normal {
						s += a * x[k]
					}
					if s > 1e-12 {
						inside = false
						break
					}
				}
				if inside {
					if found >= 0 {
						t.Fatalf("n=%d: point %v in regions %d and %d", n, x, found, ri)
					}
					found = ri
				}
			}
			if found < 0 {
				t.Fatalf("n=%d: point %v in no region", n, x)
			}
			hits[found] = true
			r := &cx.Regions[found]
			for l := range pat {
				for i, on := range pat[l] {
					if on != cx.Active(r, l, i) {
						t.Fatalf("n=%d: point %v: pattern mismatch at layer %d unit %d", n, x, l, i)
					}
				}
			}
		}
		t.Logf("n=%d: %d regions, %d hit by 1000 samples", n, len(cx.Regions), len(hits))
	}
}

// exactPattern classifies x exactly; ok is false when a pre-activation is 0.
func exactPattern(net *relu.Net, x []*big.Rat) ([][]bool, bool) {
	cur := x
	var pat [][]bool
	var t big.Rat
	for k := 0; k < len(net.Layers)-1; k++ {
		l := &net.Layers[k]
		nxt := make([]*big.Rat, l.Out)
		p := make([]bool, l.Out)
		for i := range nxt {
			s := new(big.Rat).Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				s.Add(s, t.Mul(l.RatAt(i, j), cur[j]))
			}
			if s.Sign() == 0 {
				return nil, false
			}
			p[i] = s.Sign() > 0
			if !p[i] {
				s.SetInt64(0)
			}
			nxt[i] = s
		}
		pat = append(pat, p)
		cur = nxt
	}
	return pat, true
}

func TestBadDomains(t *testing.T) {
	net := randomNet(1, 2, 3, 1)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		mk   func() (Domain, error)
	}{
		{"box of the wrong dimension", func() (Domain, error) { return Box([]float64{0, 0, 0}, []float64{1, 1, 1}) }},
		{"empty interval", func() (Domain, error) { return Box([]float64{0, 1}, []float64{1, 1}) }},
		{"inverted interval", func() (Domain, error) { return Box([]float64{0, 2}, []float64{1, 1}) }},
		{"mismatched bounds", func() (Domain, error) { return Box([]float64{0}, []float64{1, 1}) }},
		{"NaN bound", func() (Domain, error) { return Box([]float64{math.NaN(), 0}, []float64{1, 1}) }},
		{"unbounded polytope", func() (Domain, error) { return Polytope([][]float64{{1, 0}, {0, 1}}, []float64{1, 1}) }},
		{"empty polytope", func() (Domain, error) {
			return Polytope([][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, []float64{-1, -1, 1, 1})
		}},
		{"flat polytope", func() (Domain, error) {
			return Polytope([][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, []float64{0, 0, 1, 1})
		}},
		{"polytope without rows", func() (Domain, error) { return Polytope(nil, nil) }},
		{"ragged polytope", func() (Domain, error) { return Polytope([][]float64{{1, 0}, {1}}, []float64{1, 1}) }},
		{"zero slice direction", func() (Domain, error) {
			return Slice([]float64{0, 0}, []float64{0, 0}, []float64{0, 1}, []float64{-1, -1}, []float64{1, 1})
		}},
		{"parallel slice directions", func() (Domain, error) {
			return Slice([]float64{0, 0}, []float64{1, 2}, []float64{-2, -4}, []float64{-1, -1}, []float64{1, 1})
		}},
		{"slice of the wrong dimension", func() (Domain, error) {
			return Slice([]float64{0, 0, 0}, []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{-1, -1}, []float64{1, 1})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.mk()
			if err == nil {
				_, err = Enumerate(ctx, net, d, Options{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrDomain) {
				t.Errorf("error %q does not wrap ErrDomain", err)
			}
			t.Log(err)
		})
	}
}

// TestPolytopeEqualsBox: the box written as a polytope gives the same complex.
func TestPolytopeEqualsBox(t *testing.T) {
	net := randomNet(11, 2, 10, 10, 1)
	p, err := Polytope([][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, []float64{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	a := enumerate2(t, net, box2(t, -1, 1), Options{})
	b := enumerate2(t, net, p, Options{Exact: true})
	if a.Counts[0] != b.Counts[0] {
		t.Errorf("box %+v, polytope %+v", a.Counts[0], b.Counts[0])
	}
}

// TestTinyPolytope: a polytope 2·10⁻⁵ wide (an ε-ball of robustness
// verification, written as inequalities) around a point where three units
// of the first layer vanish gives the complex of the same box given as a
// box, in 2-D and 3-D, with both engines; it used to be rejected as "empty
// or not full-dimensional" (the clipping tolerance came from the 10⁶
// container) and is now checked against exact arithmetic too.
func TestTinyPolytope(t *testing.T) {
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			net := randomNet(uint64(30+n), n, 8, 6, 1)
			c := make([]float64, n)
			for i := range c {
				c[i] = 0.3 + 0.1*float64(i)
			}
			l := &net.Layers[0]
			for u := 0; u < 3; u++ {
				b := 0.0
				for i := range c {
					b -= l.At(u, i) * c[i]
				}
				l.SetBias(u, b)
			}
			const eps = 1e-5
			lo, hi := make([]float64, n), make([]float64, n)
			var A [][]float64
			var b []float64
			for i := range c {
				lo[i], hi[i] = c[i]-eps, c[i]+eps
				row := make([]float64, n)
				row[i] = 1
				A, b = append(A, row), append(b, hi[i])
				row = make([]float64, n)
				row[i] = -1
				A, b = append(A, row), append(b, -lo[i])
			}
			box, err := Box(lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			poly, err := Polytope(A, b)
			if err != nil {
				t.Fatal(err)
			}
			want := enumerate2(t, net, box, Options{})
			if want.Counts[0].Regions < 4 {
				t.Fatalf("only %d regions in the box", want.Counts[0].Regions)
			}
			for _, opt := range []Options{{}, {Engine: EngineCells}, {Exact: true}} {
				got := enumerate2(t, net, poly, opt)
				if got.Counts[0] != want.Counts[0] {
					t.Errorf("%+v: polytope %+v, box %+v", opt, got.Counts[0], want.Counts[0])
				}
			}
		})
	}
}

// TestSliceEqualsRestriction: slicing a 3-input net along e1, e2 through a
// point with x3 = c is the 2-input net with the bias shifted by c·W[:,3].
func TestSliceEqualsRestriction(t *testing.T) {
	net3 := randomNet(12, 3, 9, 9, 1)
	c := 0.25
	net2 := net3.Clone()
	l0 := net3.Layers[0]
	nl := relu.NewLayer(l0.Out, 2)
	for i := 0; i < l0.Out; i++ {
		nl.SetRat(i, 0, l0.RatAt(i, 0))
		nl.SetRat(i, 1, l0.RatAt(i, 1))
		b := new(big.Rat).Mul(l0.RatAt(i, 2), new(big.Rat).SetFloat64(c))
		nl.SetBiasRat(i, b.Add(b, l0.BR[i]))
	}
	net2.Layers[0] = nl
	sl, err := Slice([]float64{0, 0, c}, []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{-1, -1}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	a := enumerate2(t, net3, sl, Options{Exact: true})
	b := enumerate2(t, net2, box2(t, -1, 1), Options{Exact: true})
	if a.Counts[0] != b.Counts[0] {
		t.Errorf("slice %+v, restricted net %+v", a.Counts[0], b.Counts[0])
	}
	checkMaps(t, net3, a)
}

func TestMaxRegionsAndCancel(t *testing.T) {
	net := randomNet(13, 2, 32, 32, 1)
	cx, err := Enumerate(context.Background(), net, box2(t, -1, 1), Options{MaxRegions: 50})
	if !errors.Is(err, ErrMaxRegions) {
		t.Fatalf("err = %v, want ErrMaxRegions", err)
	}
	if !cx.Partial || cx.Counts[0].Regions != 50 {
		t.Errorf("partial=%v regions=%d, want true, 50", cx.Partial, cx.Counts[0].Regions)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Enumerate(ctx, randomNet(14, 2, 64, 64, 1), box2(t, -1, 1), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestStreamAndWorkers: Stream sees the same regions in the same order as
// Enumerate, whatever the number of workers.
func TestStreamAndWorkers(t *testing.T) {
	net := randomNet(15, 2, 16, 16, 1)
	a := enumerate2(t, net, box2(t, -1, 1), Options{Workers: 1})
	b := enumerate2(t, net, box2(t, -1, 1), Options{Workers: 4})
	var got []Region
	c, err := Stream(context.Background(), net, box2(t, -1, 1), Options{Workers: 3}, func(r *Region) error {
		got = append(got, Region{Index: r.Index, Interior: append([]float64(nil), r.Interior...)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Counts[0] != b.Counts[0] || a.Counts[0] != c.Counts[0] {
		t.Fatalf("counts differ: %+v %+v %+v", a.Counts[0], b.Counts[0], c.Counts[0])
	}
	for i := range a.Regions {
		if fmt.Sprint(a.Regions[i].Interior) != fmt.Sprint(b.Regions[i].Interior) || fmt.Sprint(a.Regions[i].Interior) != fmt.Sprint(got[i].Interior) || got[i].Index != i {
			t.Fatalf("region %d differs between runs", i)
		}
	}
}

// TestAffineNet: a net without hidden layers is one region.
func TestAffineNet(t *testing.T) {
	net := relu.MustFromFloats([][][]float64{{{1, 2}}}, nil)
	cx := enumerate2(t, net, box2(t, -1, 1), Options{Exact: true})
	if cx.Counts[0] != (Counts{1, 1, 1}) {
		t.Errorf("got %+v", cx.Counts[0])
	}
}

// TestAutoCertify: weights 1/3 are not floats, so the float path meets
// values within the tolerance (NearZero > 0) and certifies the 2-D complex
// in rationals by itself, unless told not to.
func TestAutoCertify(t *testing.T) {
	l1 := [][]*big.Rat{rats("0", "1"), rats("1", "0")}
	third := rats("1/3", "2/3")
	net := zonotopeNet(l1, [][]*big.Rat{third, third}, rat("1"))
	cx := enumerate2(t, net, box2(t, -3, 3), Options{})
	if cx.Stats.NearZero == 0 || !cx.Stats.AutoCertified || !cx.Exact {
		t.Errorf("stats %+v exact %v: want near-zero decisions and automatic certification", cx.Stats, cx.Exact)
	}
	cx = enumerate2(t, net, box2(t, -3, 3), Options{NoAutoExact: true})
	if cx.Stats.AutoCertified || cx.Exact {
		t.Errorf("NoAutoExact: stats %+v exact %v", cx.Stats, cx.Exact)
	}
	if cx.Counts[0].Pieces != 36 {
		t.Errorf("pieces %d, want 36", cx.Counts[0].Pieces)
	}
	// A generic random net needs no tolerance at all.
	cx = enumerate2(t, randomNet(4, 2, 10, 10, 1), box2(t, -1, 1), Options{})
	if cx.Stats.NearZero != 0 || cx.Stats.AutoCertified {
		t.Errorf("random net: stats %+v", cx.Stats)
	}
}

// TestExactWorkloadR2 certifies the 2→[64]×3→1 net of workload R2 in
// rationals and compares with the float counts (minutes; RELUCID_LONG=1).
func TestExactWorkloadR2(t *testing.T) {
	if os.Getenv("RELUCID_LONG") == "" {
		t.Skip("set RELUCID_LONG=1")
	}
	net := randomNet(1, 2, 64, 64, 64, 1)
	f := enumerate2(t, net, box2(t, -1, 1), Options{})
	x := enumerate2(t, net, box2(t, -1, 1), Options{Exact: true})
	if f.Counts[0] != x.Counts[0] || !x.Exact {
		t.Errorf("float %+v, exact %+v (certified %v)", f.Counts[0], x.Counts[0], x.Exact)
	}
	t.Logf("float %+v, exact %+v", f.Counts[0], x.Counts[0])
}

// TestAdjacency: the four quadrants of |x| + |y| form a 4-cycle, and facet
// neighbours are symmetric.
func TestAdjacency(t *testing.T) {
	net := relu.MustFromFloats([][][]float64{{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, {{1, 1, 1, 1}}}, nil)
	cx := enumerate2(t, net, box2(t, -1, 1), Options{Adjacency: true})
	if len(cx.Adjacent) != 4 {
		t.Fatalf("adjacent pairs %v, want 4", cx.Adjacent)
	}
	deg := make([]int, len(cx.Regions))
	for _, p := range cx.Adjacent {
		deg[p[0]]++
		deg[p[1]]++
	}
	for i, d := range deg {
		if d != 2 {
			t.Errorf("region %d has %d neighbours, want 2", i, d)
		}
	}
	// Every interior facet has a neighbour, and neighbours are symmetric,
	// in 2-D to 5-D.
	for n := 2; n <= 5; n++ {
		lo, hi := make([]float64, n), make([]float64, n)
		for i := range lo {
			lo[i], hi[i] = -1, 1
		}
		dom, _ := Box(lo, hi)
		checkNeighbors(t, enumerate2(t, randomNet(uint64(21+n), n, 8, 8, 1), dom, Options{}))
	}
	checkNeighbors(t, enumerate2(t, intNet(5, 2, 4, 4, 1), box2(t, -2, 2), Options{}))
}

func checkNeighbors(t *testing.T, cx *Complex) {
	t.Helper()
	for i, r := range cx.Regions {
		for _, f := range r.Facets {
			if f.Neighbor < 0 {
				if f.Source.Layer >= 0 {
					t.Fatalf("dim %d: region %d: facet on unit %+v has no neighbour", cx.Dim, i, f.Source)
				}
				continue
			}
			back := false
			for _, g := range cx.Regions[f.Neighbor].Facets {
				back = back || g.Neighbor == i
			}
			if !back {
				t.Fatalf("region %d → %d is not symmetric", i, f.Neighbor)
			}
		}
	}
}

// TestSharesEdge exercises the exact merge check on hand-made squares.
func TestSharesEdge(t *testing.T) {
	sq := func(x0, y0 int64) *hpoly {
		var x exactCtx
		x.A = [][]*big.Rat{{big.NewRat(-1, 1), big.NewRat(0, 1)}, {big.NewRat(1, 1), big.NewRat(0, 1)}, {big.NewRat(0, 1), big.NewRat(-1, 1)}, {big.NewRat(0, 1), big.NewRat(1, 1)}}
		x.b = []*big.Rat{big.NewRat(-x0, 1), big.NewRat(x0+1, 1), big.NewRat(-y0, 1), big.NewRat(y0+1, 1)}
		return x.domainPolygon()
	}
	for _, tc := range []struct {
		name   string
		p, q   *hpoly
		shared bool
	}{
		{"common edge", sq(0, 0), sq(1, 0), true},
		{"half an edge", sq(0, 0), func() *hpoly {
			p := sq(1, 0)
			p.clip(affI{big.NewInt(0), big.NewInt(-2), big.NewInt(1)}, true)
			return p
		}(), true},
		{"corner only", sq(0, 0), sq(1, 1), false},
		{"collinear, apart", sq(0, 0), sq(2, 0), false},
	} {
		if got := sharesEdge(tc.p, tc.q); got != tc.shared {
			t.Errorf("%s: sharesEdge = %v", tc.name, got)
		}
		if a := tc.p.area(); a.Cmp(big.NewRat(1, 1)) != 0 {
			t.Errorf("%s: area %s, want 1", tc.name, a.RatString())
		}
	}
}

// TestCancelMidRun: cancelling the context stops a running enumeration
// promptly (Ctrl-C in the CLI).
func TestCancelMidRun(t *testing.T) {
	net := randomNet(16, 2, 128, 128, 128, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	start := time.Now()
	cx, err := Enumerate(ctx, net, box2(t, -1, 1), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v to stop", el)
	}
	if cx == nil || !cx.Partial {
		t.Errorf("want a partial complex, got %v", cx)
	}
}

// TestCertifyProgress checks that the exact certificate reports its
// progress, ending with every region certified.
func TestCertifyProgress(t *testing.T) {
	net := randomNet(3, 2, 8, 8, 1)
	dom, _ := Box([]float64{-1, -1}, []float64{1, 1})
	var calls int
	var last [2]int64
	cx, err := Enumerate(context.Background(), net, dom, Options{Exact: true,
		CertifyProgress: func(done, total int64) { calls++; last = [2]int64{done, total} }})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last[0] != int64(len(cx.Regions)) || last[1] != int64(len(cx.Regions)) {
		t.Fatalf("%d calls, last %v, %d regions", calls, last, len(cx.Regions))
	}
}

// simplex is the standard simplex {x ≥ 0, Σx ≤ 1} in n dimensions.
func simplex(t *testing.T, n int) Domain {
	t.Helper()
	A := make([][]float64, n+1)
	b := make([]float64, n+1)
	for i := 0; i < n; i++ {
		A[i] = make([]float64, n)
		A[i][i] = -1
	}
	A[n] = make([]float64, n)
	for i := range A[n] {
		A[n][i] = 1
	}
	b[n] = 1
	dom, err := Polytope(A, b)
	if err != nil {
		t.Fatal(err)
	}
	return dom
}

// TestPolytopeHighDim: a simplex domain from 6-D to 20-D (the polytope is
// clipped from a simplex, not from a box with 2^n vertices). Its vertices
// come out exact; every region's interior point lies inside with the
// region's own exact pattern; the patterns of random points of the simplex
// (exactly classified) are all among the regions; in 6-D the exact path
// agrees.
func TestPolytopeHighDim(t *testing.T) {
	for _, n := range []int{6, 12, 16, 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			// The vertices of {x_i ≥ −0.3, Σx ≤ 1.1}: −0.3·1 and
			// −0.3·1 + (1.1 + 0.3n)·e_i, to the rounding of the solve.
			A, b := simplex(t, n).A, simplex(t, n).B
			for i := range n {
				b[i] = 0.3
			}
			b[n] = 1.1
			shifted, err := Polytope(A, b)
			if err != nil {
				t.Fatal(err)
			}
			c, err := shifted.initialCell()
			if err != nil || c.nv != n+1 {
				t.Fatalf("initial cell: %v, %d vertices", err, c.nv)
			}
			far := 1.1 + 0.3*float64(n-1)
			for v := 0; v < c.nv; v++ {
				nfar := 0
				for _, x := range c.vert(v) {
					switch {
					case math.Abs(x-far) <= 1e-14*far:
						nfar++
					case math.Abs(x+0.3) > 1e-15:
						t.Fatalf("vertex %v of the shifted simplex is off by %g", c.vert(v), math.Abs(x+0.3))
					}
				}
				if nfar > 1 {
					t.Fatalf("vertex %v is not a vertex of the shifted simplex", c.vert(v))
				}
			}
			dom := simplex(t, n)
			net := randomNet(uint64(90+n), n, 5, 4, 1)
			cx := enumerate2(t, net, dom, Options{})
			seen := map[string]bool{}
			key := func(p []uint64) string { return fmt.Sprint(p) }
			for i := range cx.Regions {
				r := &cx.Regions[i]
				seen[key(r.Pattern)] = true
				sum := 0.0
				xr := make([]*big.Rat, n)
				for k, x := range r.Interior {
					if x <= 0 {
						t.Fatalf("region %d: interior point %v outside", i, r.Interior)
					}
					sum += x
					xr[k] = new(big.Rat).SetFloat64(x)
				}
				pat, ok := exactPattern(net, xr)
				if sum >= 1 || !ok {
					t.Fatalf("region %d: interior point %v outside or on a hyperplane", i, r.Interior)
				}
				for l := range pat {
					for u, on := range pat[l] {
						if on != cx.Active(r, l, u) {
							t.Fatalf("region %d: interior point has another pattern", i)
						}
					}
				}
			}
			rng := rand.New(rand.NewPCG(uint64(n), 9))
			x := make([]*big.Rat, n)
			for range 2000 {
				// Uniform on the simplex: n+1 exponentials, normalised.
				e := make([]float64, n+1)
				s := 0.0
				for k := range e {
					e[k] = rng.ExpFloat64()
					s += e[k]
				}
				for k := range x {
					x[k] = new(big.Rat).SetFloat64(e[k] / s)
				}
				pat, ok := exactPattern(net, x)
				if !ok {
					continue
				}
				p := make([]uint64, len(cx.Regions[0].Pattern))
				g := 0
				for l := range pat {
					for _, on := range pat[l] {
						if on {
							p[g/64] |= 1 << uint(g%64)
						}
						g++
					}
				}
				if !seen[key(p)] {
					t.Fatalf("a random point's pattern is no region's")
				}
			}
			if n == 6 {
				ex := enumerate2(t, net, dom, Options{Exact: true})
				if ex.Counts[0] != cx.Counts[0] {
					t.Errorf("exact %+v, float %+v", ex.Counts[0], cx.Counts[0])
				}
			}
			t.Logf("n=%d: %d regions, skeleton %v", n, len(cx.Regions), cx.Stats.Skeleton)
		})
	}
}
