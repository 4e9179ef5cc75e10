package region

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

// edgeSet returns c's edges as sorted vertex-coordinate pairs, so that two
// cells whose vertices are numbered differently compare equal.
func edgeSet(c *cell) []string {
	var s []string
	for i := 0; i+1 < len(c.e); i += 2 {
		a := fmt.Sprintf("%.12g", c.vert(int(c.e[i])))
		b := fmt.Sprintf("%.12g", c.vert(int(c.e[i+1])))
		if a > b {
			a, b = b, a
		}
		s = append(s, a+"|"+b)
	}
	sort.Strings(s)
	return s
}

// TestEdgeGraphIncremental cuts boxes of dimension 2..5 by random
// hyperplanes, generic (real coefficients) and degenerate (small integer
// coefficients: hyperplanes through vertices, along edges and facets,
// parallel and coincident cuts), and checks after every cut that the
// incrementally maintained edge graph of both children equals the one
// rebuilt from scratch by the all-pairs tight-set test (the oracle), and
// that the vertices equal those of the tight-set split.
func TestEdgeGraphIncremental(t *testing.T) {
	for d := 2; d <= 5; d++ {
		for _, degenerate := range []bool{false, true} {
			t.Run(fmt.Sprintf("d=%d,degenerate=%v", d, degenerate), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(d), 7))
				lo, hi := make([]float64, d), make([]float64, d)
				for i := range lo {
					lo[i], hi[i] = -1, 1
				}
				dom, err := Box(lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				c, err := dom.initialCell()
				if err != nil {
					t.Fatal(err)
				}
				c.buildEdges()
				R := make([]float64, d)
				for i := range R {
					R[i] = 1
				}
				var ws, ws2 splitWS
				h := make([]float64, d+1)
				cuts := 0
				for it := 0; it < 60 && cuts < 25; it++ {
					for k := range h {
						if degenerate {
							h[k] = float64(rng.IntN(3) - 1)
						} else {
							h[k] = rng.Float64()*2 - 1
						}
					}
					if degenerate {
						h[d] = float64(rng.IntN(3)-1) / 2
					}
					val := make([]float64, c.nv)
					sg := make([]int8, c.nv)
					p, q, _ := c.classify(h, hscale(h, R), val, sg)
					if !p || !q {
						continue
					}
					cuts++
					var pos, neg, pos2, neg2 cell
					c.split(h, val, sg, int64(it), &pos, &neg, &ws)
					old := *c
					old.hasE = false
					old.split(h, val, sg, int64(it), &pos2, &neg2, &ws2)
					for side, pair := range [2][2]*cell{{&pos, &pos2}, {&neg, &neg2}} {
						got := edgeSet(pair[0])
						var ref cell
						ref.copyFrom(pair[0])
						ref.buildEdges()
						if want := edgeSet(&ref); !slices.Equal(got, want) {
							t.Fatalf("cut %d side %d: incremental edges %d, rebuilt %d", cuts, side, len(got), len(want))
						}
						if a, b := vertSet(pair[0]), vertSet(pair[1]); !slices.Equal(a, b) {
							t.Fatalf("cut %d side %d: vertices differ from the tight-set split", cuts, side)
						}
					}
					// Continue in the larger child.
					if neg.nv > pos.nv {
						pos = neg
					}
					c = new(cell)
					c.copyFrom(&pos)
				}
				if cuts < 5 {
					t.Fatalf("only %d cuts", cuts)
				}
			})
		}
	}
}

func vertSet(c *cell) []string {
	var s []string
	for v := 0; v < c.nv; v++ {
		s = append(s, fmt.Sprintf("%.12g", c.vert(v)))
	}
	sort.Strings(s)
	return s
}

// TestEdgeGraphAgrees enumerates nets of input dimension 2..5, generic and
// degenerate (small integer weights), with and without edge graphs: the
// two splitting paths must make the same decisions, so patterns, counts,
// vertex sets, facets and neighbours must coincide.
func TestEdgeGraphAgrees(t *testing.T) {
	type tc struct {
		name string
		net  *relu.Net
	}
	var cases []tc
	for d := 2; d <= 5; d++ {
		cases = append(cases,
			tc{fmt.Sprintf("random-n%d", d), randomNet(uint64(d), d, 10, 8, 2)},
			tc{fmt.Sprintf("integer-n%d", d), intNet(uint64(d)+3, d, 6, 5, 1)})
	}
	// The octahedron |x|+|y|+|z| ≤ 1.5 as a polytope domain: its vertices
	// have degree 4, and its edge graph is built from the clipped cell.
	octa := octahedron(t)
	cases = append(cases, tc{"octahedron-n3", randomNet(9, 3, 10, 8, 1)}, tc{"octahedron-integer-n3", intNet(9, 3, 6, 5, 1)})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.net.InputDim()
			lo, hi := make([]float64, d), make([]float64, d)
			for i := range lo {
				lo[i], hi[i] = -1, 1
			}
			dom, err := Box(lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(c.name, "octahedron") {
				dom = octa
			}
			var cx [2]*Complex
			for k, off := range []bool{false, true} {
				opt := Options{Vertices: VerticesAlways, NoAutoExact: true, noEdgeGraph: off, Engine: EngineCells}
				if cx[k], err = Enumerate(context.Background(), c.net, dom, opt); err != nil {
					t.Fatal(err)
				}
			}
			a, b := cx[0], cx[1]
			if !slices.Equal(a.Counts, b.Counts) || a.Stats.NearZero != b.Stats.NearZero || a.Stats.Splits != b.Stats.Splits {
				t.Fatalf("edge graph %+v %+v, tight sets %+v %+v", a.Counts, a.Stats, b.Counts, b.Stats)
			}
			if len(a.Regions) != len(b.Regions) {
				t.Fatalf("%d vs %d regions", len(a.Regions), len(b.Regions))
			}
			for i := range a.Regions {
				ra, rb := &a.Regions[i], &b.Regions[i]
				if !slices.Equal(ra.Pattern, rb.Pattern) || len(ra.Facets) != len(rb.Facets) || len(ra.Vertices) != len(rb.Vertices) {
					t.Fatalf("region %d differs", i)
				}
				va, vb := make([]string, 0), make([]string, 0)
				for v := range ra.Vertices {
					va = append(va, fmt.Sprintf("%.12g", ra.Vertices[v]))
					vb = append(vb, fmt.Sprintf("%.12g", rb.Vertices[v]))
				}
				sort.Strings(va)
				sort.Strings(vb)
				if !slices.Equal(va, vb) {
					t.Fatalf("region %d: vertices differ", i)
				}
				for f := range ra.Facets {
					if ra.Facets[f].Neighbor != rb.Facets[f].Neighbor || ra.Facets[f].Source != rb.Facets[f].Source {
						t.Fatalf("region %d facet %d differs", i, f)
					}
				}
			}
		})
	}
}

// TestClassifyUnrolled checks the unrolled 3-D/4-D evaluation of classify
// bit for bit against the plain sum h_d + Σ h_k x_k in the same order, on
// random cells and hyperplanes, with values near and exactly at zero.
func TestClassifyUnrolled(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, d := range []int{3, 4} {
		var c cell
		c.reset(d, 2*d)
		x := make([]float64, d)
		for range 50 {
			for k := range x {
				x[k] = rng.Float64()*2 - 1
			}
			c.addVertex(x)
		}
		// A vertex exactly on the hyperplane x_0 = 0 below.
		x[0] = 0
		c.addVertex(x)
		val := make([]float64, c.nv)
		sg := make([]int8, c.nv)
		h := make([]float64, d+1)
		for it := range 200 {
			for k := range h {
				h[k] = rng.Float64()*2 - 1
			}
			if it%4 == 0 {
				for k := range h {
					h[k] = 0
				}
				h[0] = 1
			}
			c.classify(h, 1, val, sg)
			for v := 0; v < c.nv; v++ {
				want := h[d]
				for k, xk := range c.vert(v) {
					want += h[k] * xk
				}
				s := int8(0)
				if want > cutTol {
					s = 1
				} else if want < -cutTol {
					s = -1
				}
				if val[v] != want || sg[v] != s {
					t.Fatalf("d=%d: vertex %d value %g sign %d, want %g sign %d", d, v, val[v], sg[v], want, s)
				}
			}
		}
	}
}

// octahedron is the polytope |x|+|y|+|z| ≤ 1.5, whose vertices lie on
// four facets each.
func octahedron(t *testing.T) Domain {
	t.Helper()
	var A [][]float64
	var bs []float64
	for m := 0; m < 8; m++ {
		A = append(A, []float64{float64(1 - 2*(m&1)), float64(1 - (m & 2)), float64(1 - (m&4)/2)})
		bs = append(bs, 1.5)
	}
	octa, err := Polytope(A, bs)
	if err != nil {
		t.Fatal(err)
	}
	return octa
}
