package region

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/relucid/relucid/relu"
)

func affInts(v ...int64) affI {
	a := make(affI, len(v))
	for i, x := range v {
		a[i] = big.NewInt(x)
	}
	return a
}

// TestQpolyVolume checks exact volumes against closed forms: a cube, the
// unit simplex, the cross-polytope (2^d/d!), and a cut through vertices.
func TestQpolyVolume(t *testing.T) {
	cube := func(d int) *qpoly { return bigBox(d, big.NewInt(1)) }
	for _, tc := range []struct {
		name string
		d    int
		cuts []affI // each kept as ≥ 0
		want string
	}{
		{"cube 3", 3, nil, "8"},
		{"cube 4", 4, nil, "16"},
		{"cube 1", 1, nil, "2"},
		{"unit simplex 3", 3, []affI{affInts(1, 0, 0, 0), affInts(0, 1, 0, 0), affInts(0, 0, 1, 0), affInts(-1, -1, -1, 1)}, "1/6"},
		// x+y+z ≤ 1 passes through three vertices of the cube: the cut-off
		// corner is the simplex with legs 2 (volume 8/6).
		{"cut through vertices", 3, []affI{affInts(-1, -1, -1, 1)}, "20/3"},
		{"cross-polytope 4", 4, crossCuts(4), "2/3"},
		{"cross-polytope 3", 3, crossCuts(3), "4/3"},
		// A cut along a face of the cube changes nothing; a coincident
		// second copy neither.
		{"cut along a face, twice", 3, []affI{affInts(-1, 0, 0, 1), affInts(-2, 0, 0, 2)}, "8"},
		// Half-space through the centre, then its opposite: a square (zero
		// volume).
		{"flat", 3, []affI{affInts(1, 1, 0, 0), affInts(-1, -1, 0, 0)}, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := cube(tc.d)
			for _, c := range tc.cuts {
				p.clip(c, true)
			}
			got := p.volume()
			if want, _ := new(big.Rat).SetString(tc.want); got.Cmp(want) != 0 {
				t.Errorf("volume %s, want %s", got.RatString(), tc.want)
			}
		})
	}
}

func crossCuts(d int) []affI {
	var cs []affI
	for m := 0; m < 1<<d; m++ {
		a := make([]int64, d+1)
		for k := 0; k < d; k++ {
			a[k] = 1
			if m>>k&1 == 1 {
				a[k] = -1
			}
		}
		a[d] = 1
		cs = append(cs, affInts(a...))
	}
	return cs
}

// bruteRegions is an oracle independent of the float engine: every
// activation pattern of the net is tried, the exact region of each is built
// by cutting the domain, and those of positive exact volume are counted.
// Only for nets with few hidden units (2^units patterns).
func bruteRegions(t *testing.T, net *relu.Net, dom Domain) (int, *big.Rat, *big.Rat) {
	t.Helper()
	x := newExact(net, dom)
	if x.domQ == nil { // 2-D: the certificate uses polygons
		q, err := x.domainPoly()
		if err != nil {
			t.Fatal(err)
		}
		x.domQ, x.domArea = q, q.volume()
	}
	units := 0
	for _, w := range x.widths {
		units += w
	}
	if units > 14 {
		t.Fatalf("brute force over %d units", units)
	}
	n := 0
	sum := new(big.Rat)
	pat := make([]uint64, 1)
	for m := 0; m < 1<<units; m++ {
		pat[0] = uint64(m)
		pre, _ := x.maps(pat)
		// A pattern with a ≡ 0 unit marked active is the same region as
		// with it inactive; count it once.
		dup := false
		for l, us := range pre {
			for i, a := range us {
				b := x.offs[l] + i
				if a.isZero() && m>>b&1 == 1 {
					dup = true
				}
			}
		}
		if dup {
			continue
		}
		if q := x.regionPoly(pre, pat); q != nil {
			if v := q.volume(); v.Sign() > 0 {
				n++
				sum.Add(sum, v)
			}
		}
	}
	return n, sum, x.domArea
}

func boxN(t *testing.T, n int, a, b float64) Domain {
	t.Helper()
	lo := make([]float64, n)
	hi := make([]float64, n)
	for i := range lo {
		lo[i], hi[i] = a, b
	}
	d, err := Box(lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// degenerateNets are 3-D and 4-D nets whose hyperplanes meet the domain
// degenerately, several with weights that are not floats (1/3), so that the
// float path meets values within its tolerance.
func degenerateNets() []struct {
	name string
	net  *relu.Net
	dom  float64 // box [−dom, dom]^n
} {
	third := rats("1/3", "2/3")
	e3 := [][]*big.Rat{rats("1", "0", "0"), rats("0", "1", "0"), rats("0", "0", "1")}
	e4 := [][]*big.Rat{rats("1", "0", "0", "0"), rats("0", "1", "0", "0"), rats("0", "0", "1", "0"), rats("0", "0", "0", "1")}
	hex3 := [][]*big.Rat{rats("1", "1", "0"), rats("0", "1", "1"), rats("1", "0", "1")}
	// Hyperplanes through vertices of [−1,1]³: x+y+z = 1 (through three
	// vertices), the same plane scaled by 1/3 (coincident, inexact),
	// x = y (a diagonal plane through four vertices), x = 1 (along a face),
	// and a dead unit; the next layer reuses the coincident pair.
	l1 := relu.NewLayer(5, 3)
	for j := 0; j < 3; j++ {
		l1.SetRat(0, j, rat("1"))
		l1.SetRat(1, j, rat("1/3"))
	}
	l1.SetBiasRat(0, rat("-1"))
	l1.SetBiasRat(1, rat("-1/3"))
	l1.SetRat(2, 0, rat("1"))
	l1.SetRat(2, 1, rat("-1"))
	l1.SetRat(3, 0, rat("1"))
	l1.SetBiasRat(3, rat("-1"))
	l1.SetBiasRat(4, rat("-1")) // dead: −1 everywhere
	l2 := relu.NewLayer(3, 5)
	for j := 0; j < 5; j++ {
		l2.SetRat(0, j, rat("1/3"))
		l2.SetRat(1, j, rat("-1/3"))
	}
	l2.SetRat(2, 2, rat("1"))
	l2.SetBiasRat(0, rat("-1/3"))
	l2.SetBiasRat(2, rat("-1/3"))
	out := relu.NewLayer(1, 3)
	out.SetRat(0, 0, rat("1"))
	out.SetRat(0, 1, rat("2/3"))
	out.SetRat(0, 2, rat("-1"))
	vertexNet := &relu.Net{Layers: []relu.Layer{l1, l2, out}}
	if err := vertexNet.Validate(); err != nil {
		panic(err)
	}
	return []struct {
		name string
		net  *relu.Net
		dom  float64
	}{
		{"3-D zonotope ℓ1 (planes through the origin), zigzag ⅓,⅔", zonotopeNet(e3, [][]*big.Rat{third}, rat("1")), 2},
		{"3-D zonotope hexagonal generators, zigzag ⅓,⅔", zonotopeNet(hex3, [][]*big.Rat{third}, rat("1")), 1},
		{"4-D zonotope ℓ1, zigzag ½", zonotopeNet(e4, [][]*big.Rat{rats("1/2")}, rat("1")), 2},
		{"3-D planes through cube vertices, coincident and dead units", vertexNet, 1},
	}
}

// TestDegenerateND: on degenerate 3-D and 4-D nets the float counts equal
// the exact ones, the exact volume certificate proves completeness, and the
// number of regions equals a brute force over all patterns in exact
// arithmetic; float decisions within the tolerance trigger the automatic
// certificate.
func TestDegenerateND(t *testing.T) {
	for _, tc := range degenerateNets() {
		t.Run(tc.name, func(t *testing.T) {
			dom := boxN(t, tc.net.InputDim(), -tc.dom, tc.dom)
			f := enumerate2(t, tc.net, dom, Options{})
			x := enumerate2(t, tc.net, dom, Options{Exact: true})
			if f.Counts[0] != x.Counts[0] {
				t.Errorf("float %+v, exact %+v", f.Counts[0], x.Counts[0])
			}
			if !x.Exact || !x.CompleteCertified {
				t.Errorf("exact %v complete %v", x.Exact, x.CompleteCertified)
			}
			if f.Stats.NearZero > 0 && (!f.Stats.AutoCertified || !f.CompleteCertified) {
				t.Errorf("near-zero decisions %d but not certified (%+v)", f.Stats.NearZero, f.Stats)
			}
			if f.Stats.NearZero > 0 {
				o := enumerate2(t, tc.net, dom, Options{NoAutoExact: true})
				if o.Exact || o.CompleteCertified || o.Stats.AutoCertified {
					t.Errorf("NoAutoExact: exact %v complete %v %+v", o.Exact, o.CompleteCertified, o.Stats)
				}
			}
			n, sum, dv := bruteRegions(t, tc.net, dom)
			if n != x.Counts[0].Regions || sum.Cmp(dv) != 0 {
				t.Errorf("brute force: %d regions, volume %s of %s; enumeration: %d", n, sum.RatString(), dv.RatString(), x.Counts[0].Regions)
			}
			t.Logf("%+v, near-zero %d, auto %v", f.Counts[0], f.Stats.NearZero, f.Stats.AutoCertified)
		})
	}
}

// TestCompleteCertifiedRandomND: generic random nets in 3-D and 4-D are
// certified complete under Options.Exact, with the float counts.
func TestCompleteCertifiedRandomND(t *testing.T) {
	for _, n := range []int{3, 4} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			net := randomNet(uint64(40+n), n, 6-n/4, 5-n/4, 1)
			dom := boxN(t, n, -1, 1)
			f := enumerate2(t, net, dom, Options{})
			x := enumerate2(t, net, dom, Options{Exact: true})
			if f.Counts[0] != x.Counts[0] || !x.CompleteCertified {
				t.Errorf("float %+v, exact %+v, complete %v", f.Counts[0], x.Counts[0], x.CompleteCertified)
			}
			if f.Stats.NearZero != 0 || f.CompleteCertified {
				t.Errorf("generic net: %+v complete %v", f.Stats, f.CompleteCertified)
			}
			// Stream certifies region by region and checks the sum at the end.
			k := 0
			s, err := Stream(context.Background(), net, dom, Options{Exact: true}, func(*Region) error { k++; return nil })
			if err != nil || !s.CompleteCertified || k != f.Counts[0].Regions {
				t.Errorf("stream: err %v complete %v regions %d", err, s.CompleteCertified, k)
			}
		})
	}
}

// TestSharesFacet: boxes sharing a square share a facet; boxes meeting in
// an edge, or across a gap, do not.
func TestSharesFacet(t *testing.T) {
	x := &exactCtx{d: 3}
	// box [lo, hi]^3 per axis from the cube |x_k| ≤ 4.
	box := func(lo, hi [3]int64) *qpoly {
		p := bigBox(3, big.NewInt(4))
		for k := 0; k < 3; k++ {
			g := make([]int64, 4)
			g[k], g[3] = 1, -lo[k]
			p.clip(affInts(g...), true)
			h := make([]int64, 4)
			h[k], h[3] = -1, hi[k]
			p.clip(affInts(h...), true)
		}
		return p
	}
	a := box([3]int64{0, 0, 0}, [3]int64{1, 1, 1})
	plane := affInts(1, 0, 0, -1) // x = 1
	for _, tc := range []struct {
		name string
		q    *qpoly
		want bool
	}{
		{"face to face", box([3]int64{1, 0, 0}, [3]int64{2, 1, 1}), true},
		{"larger neighbour", box([3]int64{1, -1, -1}, [3]int64{2, 2, 2}), true},
		{"edge only", box([3]int64{1, 1, 0}, [3]int64{2, 2, 1}), false},
		{"gap", box([3]int64{2, 0, 0}, [3]int64{3, 1, 1}), false},
	} {
		if got := x.sharesFacet(a, tc.q, plane); got != tc.want {
			t.Errorf("%s: sharesFacet = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSliverExactRerun: the plane x = 1 − 1e-12 cuts a slab 1e-12 thick
// off the cube, thinner than the float tolerance, so the float path does
// not split there (2 regions with y = 0). The automatic exact certificate
// notices the missing volume, and the complex is enumerated again in exact
// arithmetic: 4 regions, 4 pieces, 4 maps, as a brute force over all
// patterns finds; regions, maps and facets come from the exact cells. With
// NoAutoExact the float answer stands, flagged by Stats.NearZero.
func TestSliverExactRerun(t *testing.T) {
	for _, n := range []int{2, 3, 4} {
		w := make([][]float64, 2)
		w[0] = make([]float64, n)
		w[1] = make([]float64, n)
		w[0][0], w[1][1] = 1, 1
		net := relu.MustFromFloats([][][]float64{w, {{1, 1}}}, [][]float64{{-(1 - 1e-12), 0}, {0}})
		dom := boxN(t, n, -1, 1)
		cx, err := Enumerate(context.Background(), net, dom, Options{Adjacency: true})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		want := Counts{Regions: 4, Pieces: 4, AffineMaps: 4}
		if cx.Counts[0] != want || !cx.Stats.ExactRerun || !cx.Exact || !cx.CompleteCertified {
			t.Errorf("n=%d: %+v %+v exact %v complete %v", n, cx.Counts[0], cx.Stats, cx.Exact, cx.CompleteCertified)
		}
		if b, _, _ := bruteRegions(t, net, dom); b != cx.Counts[0].Regions {
			t.Errorf("n=%d: brute force %d regions", n, b)
		}
		if len(cx.Adjacent) != 4 {
			t.Errorf("n=%d: adjacent %v, want the 4-cycle", n, cx.Adjacent)
		}
		checkNeighbors(t, cx)
		checkMaps(t, net, cx)
		for _, r := range cx.Regions {
			for _, f := range r.Facets {
				s := -f.Offset
				for k, a := range f.Normal {
					s += a * r.Interior[k]
				}
				if s >= 0 {
					t.Errorf("n=%d: region %d: interior point violates facet %+v", n, r.Index, f)
				}
			}
		}
		// Options.Exact re-enumerates too (the float regions fail).
		if x := enumerate2(t, net, dom, Options{Exact: true}); x.Counts[0] != want || !x.Stats.ExactRerun {
			t.Errorf("n=%d: Exact: %+v %+v", n, x.Counts[0], x.Stats)
		}
		f := enumerate2(t, net, dom, Options{NoAutoExact: true})
		if f.Stats.NearZero == 0 || f.Exact || f.Counts[0].Regions != 2 {
			t.Errorf("n=%d: NoAutoExact %+v %+v", n, f.Counts[0], f.Stats)
		}
	}
}

// TestExactEnumerateAgrees runs the exact re-enumeration (normally only a
// fallback) on the degenerate nets and on small random nets and compares
// its counts — pieces from exact shared-facet tests between all pairs — with
// the float engine's, whose pieces come from its split-tree adjacency.
func TestExactEnumerateAgrees(t *testing.T) {
	type tc struct {
		name string
		net  *relu.Net
		dom  float64
	}
	var cases []tc
	for _, c := range degenerateNets() {
		cases = append(cases, tc{c.name, c.net, c.dom})
	}
	cases = append(cases, tc{"random 3→[5,4]→2", randomNet(7, 3, 5, 4, 2), 1}, tc{"random 2→[6,5]→1", randomNet(8, 2, 6, 5, 1), 1})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dom := boxN(t, c.net.InputDim(), -c.dom, c.dom)
			f := enumerate2(t, c.net, dom, Options{})
			x := newExactFull(c.net, dom, true)
			q, err := x.domainPoly()
			if err != nil {
				t.Fatal(err)
			}
			x.domQ = q
			pw := (c.net.Size() + 63) / 64
			rs, err := x.exactEnumerate(context.Background(), max(pw, 1))
			if err != nil {
				t.Fatal(err)
			}
			adj := x.exactAdjacency(rs)
			for o := range f.Counts {
				if got := x.exactCounts(rs, []int{o}, adj); got != f.Counts[o] {
					t.Errorf("output %d: exact enumeration %+v, float %+v", o, got, f.Counts[o])
				}
			}
		})
	}
}

// TestBigSimplex: the exact container of polytope domains is a simple
// simplex (each vertex on exactly d of its d+1 constraints, inside the
// others) holding the cube |x_k| ≤ R.
func TestBigSimplex(t *testing.T) {
	R := big.NewInt(7)
	for _, d := range []int{1, 3, 5} {
		p := bigSimplex(d, R)
		if len(p.v) != d+1 || len(p.cons) != d+1 {
			t.Fatalf("d=%d: %d vertices, %d constraints", d, len(p.v), len(p.cons))
		}
		var s, tmp big.Int
		for v, x := range p.v {
			tight := 0
			for k, c := range p.cons {
				s.SetInt64(0)
				for i := 0; i <= d; i++ {
					s.Add(&s, tmp.Mul(c[i], x[i]))
				}
				switch {
				case s.Sign() < 0:
					t.Fatalf("d=%d: vertex %d violates constraint %d", d, v, k)
				case s.Sign() == 0:
					tight++
					if !bitOf(p.t[v], k) {
						t.Errorf("d=%d: vertex %d is on constraint %d but not marked tight", d, v, k)
					}
				case bitOf(p.t[v], k):
					t.Errorf("d=%d: vertex %d is marked tight on constraint %d", d, v, k)
				}
			}
			if tight != d {
				t.Errorf("d=%d: vertex %d on %d constraints", d, v, tight)
			}
		}
		for m := 0; m < 1<<d; m++ {
			for k, c := range p.cons {
				s.Set(c[d])
				for i := 0; i < d; i++ {
					if m>>i&1 == 1 {
						s.Add(&s, tmp.Mul(c[i], R))
					} else {
						s.Sub(&s, tmp.Mul(c[i], R))
					}
				}
				if s.Sign() < 0 {
					t.Fatalf("d=%d: cube vertex %b outside constraint %d", d, m, k)
				}
			}
		}
	}
}
