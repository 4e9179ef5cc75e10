package region

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relucid/relucid/relu"
)

// patKey names a region by its activation pattern.
func patKey(p []uint64) string { return fmt.Sprint(p) }

// compareEngines enumerates net over dom with the skeleton engine (when
// wantSkel; otherwise the engine must have fallen back) and with the cell
// engine, and checks that they describe the same complex: the counts, the
// patterns, every region's facets (sources, inequalities, neighbours), maps
// and vertices, the adjacent pairs, and interior points strictly inside
// their regions with the region's own pattern.
// wantEngine says which engine compareEngines expects to have answered.
type wantEngine int

const (
	wantSkeleton wantEngine = iota
	wantCells
	wantEither
)

func compareEngines(t *testing.T, net *relu.Net, dom Domain, opt Options, want wantEngine) *Complex {
	t.Helper()
	opt.Adjacency = true
	sk, err := Enumerate(context.Background(), net, dom, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Engine = EngineCells
	ce, err := Enumerate(context.Background(), net, dom, opt)
	if err != nil {
		t.Fatal(err)
	}
	if want != wantEither && sk.Stats.Skeleton != (want == wantSkeleton) || ce.Stats.Skeleton {
		t.Fatalf("skeleton engine used: %v, want %v (cells: %v)", sk.Stats.Skeleton, want, ce.Stats.Skeleton)
	}
	wantSkel := sk.Stats.Skeleton
	if !slices.Equal(sk.Counts, ce.Counts) || sk.Joint != ce.Joint {
		t.Fatalf("counts: skeleton %+v %+v, cells %+v %+v", sk.Counts, sk.Joint, ce.Counts, ce.Joint)
	}
	byPat := map[string]*Region{}
	for i := range ce.Regions {
		byPat[patKey(ce.Regions[i].Pattern)] = &ce.Regions[i]
	}
	if len(byPat) != len(ce.Regions) || len(sk.Regions) != len(ce.Regions) {
		t.Fatalf("%d skeleton regions, %d cell regions (%d patterns)", len(sk.Regions), len(ce.Regions), len(byPat))
	}
	for i := range sk.Regions {
		r := &sk.Regions[i]
		if r.Index != i {
			t.Fatalf("region %d has index %d", i, r.Index)
		}
		c := byPat[patKey(r.Pattern)]
		if c == nil {
			t.Fatalf("skeleton region %d: pattern %v not found by the cell engine", i, r.Pattern)
		}
		for o := range r.Maps {
			if !mapsEqual(append(slices.Clone(r.Maps[o].Grad), r.Maps[o].Const), append(slices.Clone(c.Maps[o].Grad), c.Maps[o].Const)) {
				t.Fatalf("region %v output %d: map %+v, cells %+v", r.Pattern, o, r.Maps[o], c.Maps[o])
			}
		}
		type fkey struct {
			src FacetSource
			nb  string
		}
		facets := func(reg *Region, regs []Region) map[fkey]Facet {
			m := map[fkey]Facet{}
			for _, f := range reg.Facets {
				nb := ""
				if f.Neighbor >= 0 {
					nb = patKey(regs[f.Neighbor].Pattern)
				}
				m[fkey{f.Source, nb}] = f
			}
			return m
		}
		fs, fc := facets(r, sk.Regions), facets(c, ce.Regions)
		if len(fs) != len(r.Facets) || len(fs) != len(fc) {
			t.Fatalf("region %v: %d facets (%d distinct), cells %d", r.Pattern, len(r.Facets), len(fs), len(fc))
		}
		for k, f := range fs {
			g, ok := fc[k]
			if !ok {
				t.Fatalf("region %v: facet %+v not found by the cell engine", r.Pattern, k)
			}
			if !mapsEqual(append(slices.Clone(f.Normal), f.Offset), append(slices.Clone(g.Normal), g.Offset)) {
				t.Fatalf("region %v facet %+v: %v ≤ %v, cells %v ≤ %v", r.Pattern, k, f.Normal, f.Offset, g.Normal, g.Offset)
			}
		}
		// Facet order: domain constraints first, then units in order.
		for k := 1; k < len(r.Facets); k++ {
			a, b := r.Facets[k-1].Source, r.Facets[k].Source
			if a.Layer >= 0 && (b.Layer < 0 || a.Layer > b.Layer || a.Layer == b.Layer && a.Unit >= b.Unit) || a.Layer < 0 && b.Layer < 0 && a.Unit >= b.Unit {
				t.Fatalf("region %v: facets out of order: %+v before %+v", r.Pattern, a, b)
			}
		}
		for _, f := range r.Facets {
			v, s := 0.0, math.Abs(f.Offset)
			for k, x := range r.Interior {
				v += f.Normal[k] * x
				s += math.Abs(f.Normal[k] * x)
			}
			if v >= f.Offset-1e-12*s {
				t.Fatalf("region %v: interior %v not strictly inside facet %+v", r.Pattern, r.Interior, f)
			}
		}
		// In general position no unit vanishes inside a region, so the
		// float pattern at the interior point is the region's. (The cell
		// engine records units ≡ 0 on a region as inactive, which rounding
		// can turn either way.)
		if wantSkel {
			x := dom.ToInput(r.Interior)
			b := 0
			for _, layer := range net.Pattern(nil, x) {
				for _, on := range layer {
					if on != (r.Pattern[b/64]>>(b%64)&1 == 1) {
						t.Fatalf("region %v: the net's pattern at the interior point %v differs at unit %d", r.Pattern, x, b)
					}
					b++
				}
			}
		}
		if len(r.Vertices) != len(c.Vertices) {
			t.Fatalf("region %v: %d vertices, cells %d", r.Pattern, len(r.Vertices), len(c.Vertices))
		}
		if len(r.Vertices) > 0 {
			vs := func(vv [][]float64) []string {
				var out []string
				for _, v := range vv {
					out = append(out, fmt.Sprintf("%.7f", v))
				}
				slices.Sort(out)
				return out
			}
			if a, b := vs(r.Vertices), vs(c.Vertices); !slices.Equal(a, b) {
				t.Fatalf("region %v: vertices %v, cells %v", r.Pattern, a, b)
			}
		}
	}
	pairs := func(cx *Complex) []string {
		var out []string
		for _, p := range cx.Adjacent {
			a, b := patKey(cx.Regions[p[0]].Pattern), patKey(cx.Regions[p[1]].Pattern)
			out = append(out, min(a, b)+"|"+max(a, b))
		}
		slices.Sort(out)
		return out
	}
	if a, b := pairs(sk), pairs(ce); !slices.Equal(a, b) {
		t.Fatalf("adjacent pairs differ: %d vs %d", len(a), len(b))
	}
	return sk
}

// polyBox is the box [−r, r]^n given as an H-polytope (split by
// splitCell, not as a box, for the parallel build).
func polyBox(t *testing.T, n int, r float64) Domain {
	var A [][]float64
	var b []float64
	for i := 0; i < n; i++ {
		for _, s := range []float64{1, -1} {
			row := make([]float64, n)
			row[i] = s
			A = append(A, row)
			b = append(b, r)
		}
	}
	d, err := Polytope(A, b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// muteNet zeroes the output weights of every other unit of the last hidden
// layer: regions split only by those units carry the same map, so pieces
// are fewer than regions.
func muteNet(net *relu.Net) *relu.Net {
	out := net.Layers[len(net.Layers)-1]
	for i := 0; i < out.Out; i++ {
		for j := 0; j < out.In; j += 2 {
			out.W[i*out.In+j] = 0
		}
	}
	return net
}

func TestSkeletonAgrees(t *testing.T) {
	asym, err := Box([]float64{-2, 0, -1}, []float64{0.5, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	simplex, err := Polytope([][]float64{{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {1, 1, 1}}, []float64{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	al := relu.NewLayer(1, 3)
	for j, w := range []string{"1", "-2", "1/2"} {
		al.SetRat(0, j, rat(w))
	}
	al.SetBiasRat(0, rat("1/4"))
	affine := &relu.Net{Layers: []relu.Layer{al}}
	// Unit 0's plane meets the faces x = ±1 in edges (0, −w_z, w_y)·t
	// that are level in the first height direction of skelDirs (w_y/w_z
	// is its c_1/c_2): the engine must notice and take the second.
	level := randomNet(17, 3, 4, 1)
	c := skelDirs[0]
	level.Layers[0].Set(0, 0, 0.3)
	level.Layers[0].Set(0, 1, c[1])
	level.Layers[0].Set(0, 2, c[2])
	level.Layers[0].SetBias(0, 0.1)
	cases := []struct {
		name string
		net  *relu.Net
		dom  Domain
		opt  Options
	}{
		{"random-n3", randomNet(3, 3, 12, 10, 1), cube(3, 0, 1), Options{}},
		{"random-n4", randomNet(4, 4, 10, 8, 1), cube(4, 0, 1), Options{}},
		{"deep-n3", randomNet(5, 3, 6, 6, 6, 6, 6, 1), cube(3, 0, 1), Options{}},
		{"two-outputs-n3", randomNet(6, 3, 10, 8, 2), cube(3, 0, 1), Options{}},
		{"merged-pieces-n3", muteNet(randomNet(7, 3, 8, 12, 1)), cube(3, 0, 1), Options{}},
		{"merged-pieces-two-outputs-n4", muteNet(randomNet(8, 4, 6, 8, 2)), cube(4, 0, 1), Options{}},
		{"asymmetric-box", randomNet(9, 3, 10, 10, 1), asym, Options{}},
		{"box-as-polytope", randomNet(10, 3, 10, 8, 1), polyBox(t, 3, 1), Options{}},
		{"simplex", randomNet(11, 3, 10, 8, 1), simplex, Options{}},
		{"big-box-n3", randomNet(12, 3, 8, 8, 1), cube(3, 0.5, 40), Options{}},
		{"one-unit", randomNet(13, 3, 1, 1), cube(3, 0, 1), Options{}},
		{"affine", affine, cube(3, 0, 1), Options{}},
		{"vertices-always-n4", randomNet(14, 4, 8, 6, 1), cube(4, 0, 1), Options{Vertices: VerticesAlways}},
		{"one-worker", randomNet(15, 3, 10, 8, 1), cube(3, 0, 1), Options{Workers: 1}},
		// 66 units and 6 box facets: masks and patterns of two words, the
		// second layer straddling the word boundary.
		{"two-word-masks", randomNet(16, 3, 34, 32, 1), cube(3, 0, 1), Options{}},
		{"level-edge", level, cube(3, 0, 1), Options{}},
	}
	if !testing.Short() {
		// The cell engine crashed on this net once (a scratch slice sized
		// for fewer constraints); the skeleton found it.
		cases = append(cases, struct {
			name string
			net  *relu.Net
			dom  Domain
			opt  Options
		}{"random-n5", randomNet(1, 5, 16, 16, 16, 1), cube(5, 0, 1), Options{}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cx := compareEngines(t, tc.net, tc.dom, tc.opt, wantSkeleton)
			if tc.name == "merged-pieces-n3" && cx.Counts[0].Pieces >= cx.Counts[0].Regions {
				t.Errorf("no merged pieces: %+v", cx.Counts[0])
			}
			if tc.name == "affine" && cx.Counts[0] != (Counts{1, 1, 1}) {
				t.Errorf("affine net: %+v", cx.Counts[0])
			}
		})
	}
}

// TestSkeletonVertices: the skeleton's vertex count is the number of
// distinct vertices of the complex, as listed by the cell engine.
func TestSkeletonVertices(t *testing.T) {
	for _, n := range []int{3, 4} {
		net := randomNet(uint64(20+n), n, 10, 8, 1)
		dom := cube(n, 0, 1)
		sk := enumerate2(t, net, dom, Options{})
		ce := enumerate2(t, net, dom, Options{Engine: EngineCells, Vertices: VerticesAlways})
		seen := map[string]bool{}
		for _, r := range ce.Regions {
			for _, v := range r.Vertices {
				seen[fmt.Sprintf("%.9f", v)] = true
			}
		}
		if !sk.Stats.Skeleton || sk.Stats.Vertices != len(seen) {
			t.Errorf("n=%d: skeleton %v with %d vertices, cells list %d", n, sk.Stats.Skeleton, sk.Stats.Vertices, len(seen))
		}
	}
}

// TestSkeletonWorkers: the result does not depend on the number of workers,
// bit for bit.
func TestSkeletonWorkers(t *testing.T) {
	net := randomNet(30, 4, 10, 8, 2)
	a := enumerate2(t, net, cube(4, 0, 1), Options{Workers: 1, Adjacency: true})
	b := enumerate2(t, net, cube(4, 0, 1), Options{Workers: 3, Adjacency: true})
	if !a.Stats.Skeleton || !reflect.DeepEqual(a, b) {
		t.Errorf("1 and 3 workers differ (skeleton %v)", a.Stats.Skeleton)
	}
}

// TestSkeletonFallback: arrangements that are not in general position —
// hyperplanes through vertices, coincident, dead and duplicate units,
// hyperplanes along the boundary, a domain with a vertex on four facets —
// leave the skeleton engine, and the cell engine's complex is returned.
func TestSkeletonFallback(t *testing.T) {
	type tc struct {
		name string
		net  *relu.Net
		dom  Domain
	}
	var cases []tc
	for _, c := range degenerateNets() {
		cases = append(cases, tc{c.name, c.net, boxN(t, c.net.InputDim(), -c.dom, c.dom)})
	}
	dup := randomNet(40, 3, 6, 5, 1)
	l := &dup.Layers[0]
	copy(l.W[3:6], l.W[0:3]) // unit 1 duplicates unit 0
	l.B[1] = l.B[0]
	cases = append(cases, tc{"duplicate units", dup, cube(3, 0, 1)})
	dead := randomNet(41, 3, 6, 5, 1)
	l = &dead.Layers[1]
	for j := 0; j < l.In; j++ {
		l.W[2*l.In+j] = 0
	}
	l.B[2] = 0 // ≡ 0 everywhere
	cases = append(cases, tc{"dead unit ≡ 0", dead, cube(3, 0, 1)})
	face := randomNet(42, 3, 6, 5, 1)
	l = &face.Layers[0]
	l.W[0], l.W[1], l.W[2], l.B[0] = 1, 0, 0, -1 // x = 1, a face of the cube
	cases = append(cases, tc{"hyperplane along a face", face, cube(3, 0, 1)})
	cases = append(cases, tc{"octahedron domain", randomNet(43, 3, 8, 6, 1), octahedron(t)})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareEngines(t, c.net, c.dom, Options{NoAutoExact: true}, wantCells)
		})
	}
	// Integer nets: in general position or not, the two agree.
	for n := 3; n <= 4; n++ {
		compareEngines(t, intNet(uint64(50+n), n, 6, 5, 1), cube(n, 0, 1), Options{NoAutoExact: true}, wantEither)
	}
}

// TestSkeletonCountsOnly: CountsOnly keeps the counts and the adjacency and
// drops the regions, with either engine.
func TestSkeletonCountsOnly(t *testing.T) {
	net := muteNet(randomNet(60, 3, 8, 10, 2))
	for _, noSkel := range []bool{false, true} {
		full := enumerate2(t, net, cube(3, 0, 1), Options{Adjacency: true, Engine: engineOf(noSkel)})
		c := enumerate2(t, net, cube(3, 0, 1), Options{Adjacency: true, CountsOnly: true, Engine: engineOf(noSkel)})
		if c.Regions != nil || !slices.Equal(c.Counts, full.Counts) || c.Joint != full.Joint || !slices.Equal(c.Adjacent, full.Adjacent) {
			t.Errorf("cells %v: CountsOnly %+v %+v (%d regions, %d pairs), full %+v %+v (%d pairs)", noSkel,
				c.Counts, c.Joint, len(c.Regions), len(c.Adjacent), full.Counts, full.Joint, len(full.Adjacent))
		}
	}
}

// TestSkeletonCancel: a cancelled context stops the skeleton engine with
// the context's error and a partial complex.
func TestSkeletonCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cx, err := Enumerate(ctx, randomNet(70, 3, 16, 16, 1), cube(3, 0, 1), Options{})
	if !errors.Is(err, context.Canceled) || cx == nil || !cx.Partial {
		t.Errorf("err %v, complex %+v", err, cx)
	}
}

// TestSkeletonMaxRegions: a limit below the number of regions hands the
// enumeration to the cell engine, which stops there and marks it partial.
func TestSkeletonMaxRegions(t *testing.T) {
	cx, err := Enumerate(context.Background(), randomNet(71, 3, 12, 10, 1), cube(3, 0, 1), Options{MaxRegions: 50})
	if !errors.Is(err, ErrMaxRegions) || !cx.Partial || cx.Stats.Skeleton {
		t.Errorf("err %v, partial %v, skeleton %v", err, cx.Partial, cx.Stats.Skeleton)
	}
	cx, err = Enumerate(context.Background(), randomNet(71, 3, 12, 10, 1), cube(3, 0, 1), Options{MaxRegions: 100000})
	if err != nil || cx.Partial || !cx.Stats.Skeleton {
		t.Errorf("err %v, partial %v, skeleton %v", err, cx.Partial, cx.Stats.Skeleton)
	}
}

// TestSkeletonStress compares the engines on many random nets, float and
// integer, in 3 to 5 dimensions, 1 to 3 hidden layers, 1 or 2 outputs, on
// cubes, asymmetric boxes and (3-D) a simplex (RELUCID_LONG=1; about 25 s;
// RELUCID_STRESS=N for N nets instead of 150).
func TestSkeletonStress(t *testing.T) {
	if os.Getenv("RELUCID_LONG") == "" {
		t.Skip("RELUCID_LONG not set")
	}
	simplex, err := Polytope([][]float64{{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {1, 1, 1}}, []float64{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	skel := 0
	nets := uint64(150)
	if n, err := strconv.Atoi(os.Getenv("RELUCID_STRESS")); err == nil && n > 0 {
		nets = uint64(n) // a longer one-off run
	}
	for seed := uint64(0); seed < nets; seed++ {
		n := 3 + int(seed%3)
		w := 4 + int(seed%7)
		widths := []int{n}
		for range 1 + int(seed/2%3) {
			widths = append(widths, w)
		}
		widths = append(widths, 1+int(seed/6%2))
		var net *relu.Net
		if seed%2 == 0 {
			net = randomNet(seed+100, widths...)
		} else {
			net = intNet(seed+100, widths...)
		}
		dom := cube(n, 0, 1)
		switch seed / 3 % 3 {
		case 1:
			lo, hi := make([]float64, n), make([]float64, n)
			for i := range lo {
				lo[i], hi[i] = -0.3-0.2*float64(i), 0.7+0.5*float64(i%2)
			}
			dom, _ = Box(lo, hi)
		case 2:
			if n == 3 {
				dom = simplex
			}
		}
		want := wantSkeleton
		if seed%2 == 1 {
			want = wantEither // integer nets: mostly degenerate, not always
		}
		cx := compareEngines(t, net, dom, Options{NoAutoExact: true}, want)
		if cx.Stats.Skeleton {
			skel++
		}
	}
	t.Logf("%d of %d nets by the skeleton engine", skel, nets)
}

// engineOf is EngineCells when cells is set, else EngineAuto.
func engineOf(cells bool) Engine {
	if cells {
		return EngineCells
	}
	return EngineAuto
}

// TestEngineOption: EngineSkeleton answers on a generic net and fails with
// ErrNotGeneric where the skeleton engine does not apply (a degenerate
// net, a 2-D domain, Exact, all of R^n, a vertex limit below the
// complex); EngineCells never uses it. It applies in 3-D to 16-D only
// (beyond, its 32-bit side masks and 2^d cells per vertex do not fit).
func TestEngineOption(t *testing.T) {
	net := randomNet(80, 3, 8, 6, 1)
	cx, err := Enumerate(context.Background(), net, cube(3, 0, 1), Options{Engine: EngineSkeleton})
	if err != nil || !cx.Stats.Skeleton {
		t.Fatalf("generic net: %v", err)
	}
	if c := enumerate2(t, net, cube(3, 0, 1), Options{Engine: EngineCells}); c.Stats.Skeleton || c.Counts[0] != cx.Counts[0] {
		t.Errorf("EngineCells: %+v %+v", c.Stats, c.Counts)
	}
	deg := degenerateNets()[3]
	whole, _ := Whole(3)
	for name, c := range map[string]struct {
		net *relu.Net
		dom Domain
		opt Options
	}{
		"degenerate":  {deg.net, boxN(t, 3, -1, 1), Options{}},
		"2-D":         {randomNet(81, 2, 6, 1), cube(2, 0, 1), Options{}},
		"exact":       {net, cube(3, 0, 1), Options{Exact: true}},
		"whole":       {net, whole, Options{}},
		"max-regions": {net, cube(3, 0, 1), Options{MaxRegions: 5}},
	} {
		c.opt.Engine = EngineSkeleton
		if _, err := Enumerate(context.Background(), c.net, c.dom, c.opt); !errors.Is(err, ErrNotGeneric) {
			t.Errorf("%s: err %v, want ErrNotGeneric", name, err)
		}
	}
	for d, want := range map[int]bool{2: false, 3: true, 16: true, 17: false, 40: false} {
		if skelDims(d) != want {
			t.Errorf("skelDims(%d) = %v, want %v", d, !want, want)
		}
	}
}

// TestBuildProgress: the skeleton engine reports the units cut, never
// concurrently, up to twice the units (each half of the box cuts every
// unit), then Progress reports the regions.
func TestBuildProgress(t *testing.T) {
	net := randomNet(90, 3, 12, 10, 1)
	var busy atomic.Bool
	var calls, last, total int64
	regions := int64(-1)
	opt := Options{buildEvery: time.Nanosecond}
	opt.BuildProgress = func(done, tot int64) {
		if !busy.CompareAndSwap(false, true) {
			t.Error("BuildProgress called concurrently")
		}
		calls++
		if done < last || done > tot {
			t.Errorf("done %d after %d, total %d", done, last, tot)
		}
		last, total = done, tot
		busy.Store(false)
	}
	opt.Progress = func(n int64) { regions = n }
	cx := enumerate2(t, net, cube(3, 0, 1), opt)
	if calls == 0 || total != 2*22 || regions != int64(cx.Counts[0].Regions) {
		t.Errorf("%d calls, total %d, regions reported %d of %d", calls, total, regions, cx.Counts[0].Regions)
	}
}

// TestSkeletonPolytopeSplit: a polytope domain is built in two halves too
// (each cuts every unit), and the box written as a polytope gives the box's
// complex, vertex for vertex; a plane that would meet a vertex leaves the
// polytope whole.
func TestSkeletonPolytopeSplit(t *testing.T) {
	net := randomNet(91, 3, 12, 10, 1)
	var total int64
	opt := Options{BuildProgress: func(_, tot int64) { total = tot }}
	p := enumerate2(t, net, polyBox(t, 3, 1), opt)
	if !p.Stats.Skeleton || total != 2*22 {
		t.Errorf("polytope: skeleton %v, %d units cut (want 44)", p.Stats.Skeleton, total)
	}
	b := enumerate2(t, net, cube(3, 0, 1), Options{})
	if p.Stats.Vertices != b.Stats.Vertices || p.Counts[0] != b.Counts[0] {
		t.Errorf("polytope %d vertices %+v, box %d vertices %+v", p.Stats.Vertices, p.Counts[0], b.Stats.Vertices, b.Counts[0])
	}
	// The simplex with vertices 0, 2e₁, (m, 1, 0) and (m, 0, 1), m at the
	// fraction of its longest axis (x, from 0 to 2) where the cutting plane
	// goes: the plane meets two vertices, and the polytope is built whole.
	m := 2 * 0.4980242667680935
	tet, err := Polytope([][]float64{{0, 0, -1}, {0, -1, 0}, {-1, m, m}, {1, 2 - m, 2 - m}}, []float64{0, 0, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	c, err := tet.initialCell()
	if err != nil || c.nv != 4 {
		t.Fatalf("tetrahedron: %v, %d vertices", err, c.nv)
	}
	c.buildEdges()
	if _, ok := splitCell(c); ok {
		t.Errorf("splitCell cut through vertices")
	}
	total = 0
	q := enumerate2(t, net, tet, opt)
	if !q.Stats.Skeleton || total != 22 {
		t.Errorf("unsplit polytope: skeleton %v, %d units cut (want 22)", q.Stats.Skeleton, total)
	}
}

// TestSkeletonLocalScale: a unit whose value at a cube corner (10⁻⁸) lies
// inside the zero-test band measured over the whole domain (the unit's
// inputs reach 2,000 elsewhere) but far outside the band of the terms at
// that corner (about 4): the skeleton engine keeps it, cuts the sliver it
// makes along a face, and counts what exact arithmetic counts.
func TestSkeletonLocalScale(t *testing.T) {
	l1 := relu.NewLayer(2, 3)
	l1.SetRat(0, 0, rat("1000"))
	l1.SetBiasRat(0, rat("2001/2")) // A = 1000·x + 1000.5 > 0 on the cube
	l1.SetRat(1, 1, rat("1"))
	l1.SetBiasRat(1, rat("1/2")) // B = relu(y + ½)
	l2 := relu.NewLayer(1, 2)
	l2.SetRat(0, 0, rat("1"))
	l2.SetRat(0, 1, rat("1"))
	l2.SetBiasRat(0, rat("-199999999/100000000")) // C = A + B − 2 + 10⁻⁸
	out := relu.NewLayer(1, 1)
	out.SetRat(0, 0, rat("1"))
	net := &relu.Net{Layers: []relu.Layer{l1, l2, out}}
	if err := net.Validate(); err != nil {
		t.Fatal(err)
	}
	dom := cube(3, 0, 1)
	sk := enumerate2(t, net, dom, Options{Engine: EngineSkeleton})
	ex := enumerate2(t, net, dom, Options{Exact: true})
	if !sk.Stats.Skeleton || sk.Counts[0] != ex.Counts[0] || !ex.CompleteCertified {
		t.Errorf("skeleton %+v %+v, exact %+v (complete %v)", sk.Counts[0], sk.Stats, ex.Counts[0], ex.CompleteCertified)
	}
	t.Logf("%+v", sk.Counts[0])
}

// TestRadixOrder checks the skeleton's radix sort against a stable
// comparison sort, with ties, keys of one to three words, bytes on which
// every key agrees and the empty input.
func TestRadixOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name  string
		pw, n int
		mask  uint64 // bits that vary
	}{
		{"empty", 1, 0, ^uint64(0)},
		{"one", 2, 1, ^uint64(0)},
		{"one-word", 1, 5000, ^uint64(0)},
		{"two-words-high-bits", 2, 3000, 0xffff_0000_0000_0000},
		{"three-words-ties", 3, 4000, 0x0300_0000_0000_0081},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := make([]uint64, tc.pw*tc.n)
			for i := range key {
				key[i] = rng.Uint64()&tc.mask | 0x0000_4400_0000_0000&^tc.mask
			}
			got := radixOrder(key, tc.pw, tc.n)
			want := make([]int32, tc.n)
			for i := range want {
				want[i] = int32(i)
			}
			slices.SortStableFunc(want, func(a, b int32) int {
				return slices.Compare(key[int(a)*tc.pw:int(a+1)*tc.pw], key[int(b)*tc.pw:int(b+1)*tc.pw])
			})
			if !slices.Equal(got, want) {
				t.Errorf("radixOrder differs from a stable sort")
			}
		})
	}
}

// TestRandomPolytopes (RELUCID_LONG=1: 200 of them, 2-D to 5-D, some with a
// duplicate row): random polytopes (8 to 14 random half-spaces and a
// loose box; some tiny, some thin, some large and off-centre) with random nets
// in 3-D and 4-D give the same counts with the skeleton engine (which must
// answer: the nets are generic), the cell engine and exact arithmetic. It
// found halves of a polytope whose constraints had been renumbered
// differently by a compaction (joined wrongly, caught by the duplicate
// pattern check).
func TestRandomPolytopes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	count := 12
	if os.Getenv("RELUCID_LONG") != "" {
		count = 200 // 2-D to 5-D, with duplicate rows
	}
	for k := range count {
		n := 3 + k%2
		if count > 12 {
			n = 2 + k%4
		}
		scale := []float64{1, 1e-4, 30}[k%3]
		c := make([]float64, n)
		for i := range c {
			c[i] = scale * (rng.Float64() - 0.5)
		}
		m := 8 + rng.IntN(7)
		A := make([][]float64, m)
		b := make([]float64, m)
		for r := range A {
			A[r] = make([]float64, n)
			dot := 0.0
			for i := range A[r] {
				A[r][i] = rng.NormFloat64()
				if k%4 == 1 && i == 0 {
					A[r][i] *= 50 // thin along x_0
				}
				dot += A[r][i] * c[i]
			}
			b[r] = dot + scale*(0.2+rng.Float64())
		}
		if count > 12 && k%5 == 0 {
			A, b = append(A, A[0]), append(b, b[0]) // a duplicate row
		}
		// Bounded: a loose box around c besides the random half-spaces.
		for i := range c {
			for _, sg := range []float64{1, -1} {
				row := make([]float64, n)
				row[i] = sg
				A, b = append(A, row), append(b, sg*c[i]+scale*(1.5+rng.Float64()))
			}
		}
		dom, err := Polytope(A, b)
		if err != nil {
			t.Fatalf("polytope %d: %v", k, err)
		}
		net := randomNet(uint64(100+k), n, 6, 5, 1)
		// Move the net's interesting part onto the polytope.
		l := &net.Layers[0]
		for u := 0; u < l.Out; u++ {
			s := 0.0
			for i := range c {
				l.Set(u, i, l.At(u, i)/scale)
				s += l.At(u, i) * c[i]
			}
			l.SetBias(u, l.B[u]-s)
		}
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			want := wantSkeleton
			if n == 2 || count > 12 && k%5 == 0 {
				want = wantEither // 2-D: cells; duplicate rows: not simple
			}
			cx := compareEngines(t, net, dom, Options{}, want)
			ex := enumerate2(t, net, dom, Options{Exact: true})
			if ex.Counts[0] != cx.Counts[0] {
				t.Errorf("exact %+v, float %+v", ex.Counts[0], cx.Counts[0])
			}
			t.Logf("n=%d scale=%g: %d constraints, %+v, skeleton %v", n, scale, m, cx.Counts[0], cx.Stats.Skeleton)
		})
	}
}

// TestSkeletonSlots checks the neighbours the build keeps at every vertex
// (end) against the edge list and the vertices' hyperplane masks: every
// edge fills exactly the slot its masks name at each end (slotOf), and
// nothing else is filled. The joined skeleton, which keeps no edge list,
// must be symmetric and agree with the masks.
func TestSkeletonSlots(t *testing.T) {
	for _, tc := range []struct {
		name string
		net  *relu.Net
		dom  Domain
	}{
		{"3-D cube", randomNet(3, 3, 10, 8, 1), cube(3, 0, 1)},
		{"4-D cube", randomNet(4, 4, 8, 8, 8, 1), cube(4, 0, 1)},
		{"3-D box, wide layer", randomNet(5, 3, 70, 1), cube(3, 0.3, 0.8)},
		{"3-D polytope", randomNet(6, 3, 9, 9, 1), polyBox(t, 3, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wnet, err := tc.dom.workNet(tc.net)
			if err != nil {
				t.Fatal(err)
			}
			init, err := tc.dom.initialCell()
			if err != nil {
				t.Fatal(err)
			}
			init.buildEdges()
			e := newEngine(context.Background(), wnet, Options{})
			e.R = make([]float64, e.d)
			for v := 0; v < init.nv; v++ {
				for k, x := range init.vert(v) {
					e.R[k] = max(e.R[k], abs(x))
				}
			}
			s, err := newSkel(context.Background(), e, init, -1)
			if err != nil {
				t.Fatal(err)
			}
			s.limit = 1 << 22
			if err := s.build(nil); err != nil {
				t.Fatal(err)
			}
			want := make([]int32, len(s.end[:s.nv*2*s.d]))
			for i := range want {
				want[i] = -1
			}
			for k := 0; k+1 < len(s.edges); k += 2 {
				a, c := int(s.edges[k]), int(s.edges[k+1])
				for _, p := range [][2]int{{a, c}, {c, a}} {
					sl, ok := s.slotOf(p[0], p[1])
					if !ok || want[sl] >= 0 {
						t.Fatalf("edge (%d, %d): slot %d ok %v, filled before by %d", p[0], p[1], sl, ok, want[sl])
					}
					want[sl] = int32(p[1])
				}
			}
			if !slices.Equal(want, s.end[:len(want)]) {
				t.Errorf("unsplit build: the kept neighbours differ from the edge list's")
			}
			M, err := e.buildSkel(init, tc.dom, 1<<22)
			if err != nil {
				t.Fatal(err)
			}
			d2 := 2 * M.d
			filled := 0
			for v := 0; v < M.nv; v++ {
				for k, w := range M.end[v*d2 : (v+1)*d2] {
					if w < 0 {
						continue
					}
					filled++
					sl, ok := M.slotOf(v, int(w))
					if !ok || sl != v*d2+k || !slices.Contains(M.end[int(w)*d2:int(w+1)*d2], int32(v)) {
						t.Fatalf("joined: vertex %d slot %d → %d: masks give slot %d (ok %v), or no way back", v, k, w, sl-v*d2, ok)
					}
				}
			}
			if M.nv != s.nv || filled != len(s.edges) {
				t.Errorf("joined: %d vertices, %d edge ends; unsplit %d vertices, %d edge ends", M.nv, filled, s.nv, len(s.edges))
			}
		})
	}
}

// TestPutBits checks putBits against setting the bits one by one, for
// spans that start anywhere in a word and cross into the next.
func TestPutBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		m := []uint64{rng.Uint64(), rng.Uint64(), rng.Uint64()}
		want := slices.Clone(m)
		n := uint(1 + rng.IntN(64))
		p := uint(rng.IntN(int(3*64 - n + 1)))
		x := rng.Uint64()
		for k := uint(0); k < n; k++ {
			if x>>k&1 == 1 {
				mset(want, int(p+k))
			} else {
				mclr(want, int(p+k))
			}
		}
		putBits(m, p, n, x)
		if !slices.Equal(m, want) {
			t.Fatalf("putBits(p=%d, n=%d, x=%x) = %x, want %x", p, n, x, m, want)
		}
		for q := range 3 * 64 {
			if got, want := rankIn(m, q), bits.OnesCount64(m[0]&lowMask(q))+bits.OnesCount64(m[1]&lowMask(q-64))+bits.OnesCount64(m[2]&lowMask(q-128)); got != want {
				t.Fatalf("rankIn(%x, %d) = %d, want %d", m, q, got, want)
			}
		}
	}
}

// lowMask is the mask of the q lowest bits of a word (all for q ≥ 64, none
// for q ≤ 0).
func lowMask(q int) uint64 {
	switch {
	case q <= 0:
		return 0
	case q >= 64:
		return ^uint64(0)
	}
	return 1<<uint(q) - 1
}

// TestNoEqualMaps: the counts alone skip the pairs of adjacent regions
// when no two regions have one map, and must count what the full output
// counts, with the pairs (a muted net, whose regions merge) and without.
func TestNoEqualMaps(t *testing.T) {
	for _, tc := range []struct {
		name   string
		net    *relu.Net
		dim    int
		merges bool
	}{
		{"generic 3-D", randomNet(63, 3, 8, 10, 1), 3, false},
		{"generic 4-D, two outputs", randomNet(62, 4, 6, 6, 2), 4, false},
		{"muted 3-D, two outputs", muteNet(randomNet(60, 3, 8, 10, 2)), 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := enumerate2(t, tc.net, cube(tc.dim, 0, 1), Options{})
			c := enumerate2(t, tc.net, cube(tc.dim, 0, 1), Options{CountsOnly: true})
			if !full.Stats.Skeleton || !c.Stats.Skeleton {
				t.Fatalf("skeleton: full %v, counts %v", full.Stats.Skeleton, c.Stats.Skeleton)
			}
			if !slices.Equal(c.Counts, full.Counts) || c.Joint != full.Joint {
				t.Errorf("counts alone %+v %+v, full %+v %+v", c.Counts, c.Joint, full.Counts, full.Joint)
			}
			if merged := full.Joint.Pieces < full.Joint.Regions; merged != tc.merges {
				t.Errorf("pieces %d of %d regions: merges %v, want %v", full.Joint.Pieces, full.Joint.Regions, merged, tc.merges)
			}
		})
	}
	// The test itself, on maps of R → R (gradient, constant): noEq, and
	// unique (no two maps with one key in distinct's quantization).
	e := &engine{d: 1, m: 1}
	for _, tc := range []struct {
		name         string
		maps         []float64
		noEq, unique bool
	}{
		{"all apart", []float64{1, 0, 2, 0, 3, 1, -1, 5}, true, true},
		{"two equal", []float64{1, 0, 2, 0.5, 1, 0}, false, false},
		{"equal within the tolerance", []float64{1, 1, 3, 2, 1 + 4e-9, 1 - 4e-9}, false, false},
		{"just beyond it", []float64{1, 1, 3, 2, 1 + 3e-8, 1}, true, false},
		{"beyond the quantum", []float64{1, 1, 3, 2, 1 + 2e-6, 1}, true, true},
		// A and B equal; C, not equal to either, projects between them.
		{"equal, not neighbours in projection", []float64{2, 1, 2 + 1e-10, 1, 2 + 1.6180339887498949e-7 + 5e-11, 1 - 1e-7}, false, false},
		{"C alone", []float64{2, 1, 2 + 1.6180339887498949e-7 + 5e-11, 1 - 1e-7}, true, true},
		{"zero maps", []float64{0, 0, 0, 0}, false, false},
		{"one region", []float64{1, 2}, true, true},
		{"no region", nil, true, true},
	} {
		noEq, unique := e.noEqualMaps(tc.maps, len(tc.maps)/2)
		if noEq != tc.noEq || noEq && unique != tc.unique {
			t.Errorf("%s: noEqualMaps = %v, %v, want %v, %v", tc.name, noEq, unique, tc.noEq, tc.unique)
		}
		if !noEq {
			continue
		}
		// unique must agree with distinct's count.
		e.outs = []*taskOut{{nreg: len(tc.maps) / 2, maps: tc.maps}}
		if n := e.distinct([]int{0}, len(tc.maps)/2, nil); (n == len(tc.maps)/2) != unique {
			t.Errorf("%s: unique %v, but distinct counts %d maps of %d", tc.name, unique, n, len(tc.maps)/2)
		}
	}
}
