package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/relu"
)

// checkFlats compares the form of FlatsMaxSum with the net at exact random
// points, near and far.
func checkFlats(t *testing.T, name string, net *relu.Net, rng *rand.Rand) *MaxSum {
	t.Helper()
	return checkPolyForm(t, name, net, rng, FlatsMaxSum)
}

func TestFlatsAllDimensions(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 37))
	for _, n := range []int{2, 3, 4} {
		for c := 0; c < 6; c++ {
			net := randRatNet(rng, 2, 1, n, 2+c%2, 2+(c/2)%2, 1)
			ms := checkFlats(t, "random", net, rng)
			t.Logf("n=%d c=%d terms %d arity %d", n, c, len(ms.Terms), ms.MaxArity())
		}
	}
}

// maxNet returns max(0, x_1, …, x_n) as a max-tree net.
func maxNet(t *testing.T, n int) *relu.Net {
	t.Helper()
	a := make([][]*big.Rat, n+1)
	b := make([]*big.Rat, n+1)
	for i := range a {
		a[i] = make([]*big.Rat, n)
		for j := range a[i] {
			a[i][j] = new(big.Rat)
		}
		if i > 0 {
			a[i][i-1].SetInt64(1)
		}
		b[i] = new(big.Rat)
	}
	net, err := relu.MaxAffine(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestFlatsNamed(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	for _, n := range []int{2, 3, 4} {
		// max(0, x_1, …, x_n) needs a term with n+1 arguments.
		if ms := checkFlats(t, "max of n+1", maxNet(t, n), rng); ms.MaxArity() != n+1 {
			t.Errorf("n = %d: max(0, x_1, …, x_n) got arity %d", n, ms.MaxArity())
		}
	}
	// In R⁴, max(0, x_1, x_2, x_3) + max(0, x_4 − x_1): a 4-argument germ
	// along a line (codimension 3), crossed by one more hyperplane.
	checkFlats(t, "codimension-3 germ", withRidge(t, maxNet(t, 3)), rng)
	// Deeper nets in four dimensions.
	for c := 0; c < 4; c++ {
		checkFlats(t, "deep 4-D", randRatNet(rng, 2, 1, 4, 2, 2, 2, 1), rng)
	}
}

// withRidge returns x ↦ m(x_1, x_2, x_3) + max(0, x_4 − x_1) on R⁴ for a
// net m on R³: m's layers widened by one unit that the hidden layers carry
// (relu(u) = u for u ≥ 0).
func withRidge(t *testing.T, m *relu.Net) *relu.Net {
	t.Helper()
	one := big.NewRat(1, 1)
	out := &relu.Net{}
	last := len(m.Layers) - 1
	for k, l := range m.Layers {
		in := l.In + 1
		if k == 0 {
			in = 4
		}
		rows := l.Out + 1
		if k == last {
			rows = l.Out
		}
		w := relu.NewLayer(rows, in)
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				w.SetRat(i, j, l.RatAt(i, j))
			}
			w.SetBiasRat(i, l.BR[i])
		}
		switch {
		case k == 0:
			w.SetRat(l.Out, 3, one)
			w.SetRat(l.Out, 0, big.NewRat(-1, 1))
		case k == last:
			w.SetRat(0, l.In, one)
		default:
			w.SetRat(l.Out, l.In, one)
		}
		out.Layers = append(out.Layers, w)
	}
	if err := out.Validate(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFlatsConvert: depth compression of nets with four inputs, by
// --method spatial (the recursion over flats) and by auto, ends within
// ⌈log₂ 5⌉ = 3 hidden layers and is verified.
func TestFlatsConvert(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 53))
	net := randRatNet(rng, 2, 1, 4, 3, 2, 1)
	for _, m := range []Method{Spatial, Auto} {
		res, err := Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{Method: m, Verify: true})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		if s.HiddenLayers > 3 || s.Verification == nil || !s.Verification.Equal || (m == Spatial && s.Method != Spatial) {
			t.Errorf("%s: summary %+v", m, s)
		}
		t.Logf("%s: method %s, %d hidden layers, size %d, verified %s", m, s.Method, s.HiddenLayers, s.Size, s.Verified)
	}
}

// pulling returns a pulling triangulation of the points ids (in convex
// position, affine dimension dim): the cone from the first point over the
// triangulations of the facets not containing it.
func pulling(pts [][]*big.Rat, ids []int, dim int, b *budget) ([][]int, error) {
	if dim == 0 {
		return [][]int{{ids[0]}}, nil
	}
	if dim == 1 {
		if len(ids) != 2 {
			return nil, errors.New("convert: internal error: collinear gradients of a convex germ")
		}
		return [][]int{{ids[0], ids[1]}}, nil
	}
	// The facets are found among all dim-subsets: charge that work up front,
	// so a germ with too many pieces fails at once.
	if err := b.spend(binomCapped(len(ids), dim, 1<<40) * len(ids)); err != nil {
		return nil, err
	}
	n := len(pts[0])
	o := pts[ids[0]]
	rel := func(i int) []*big.Rat { return addVec(pts[i], scaleVec(big.NewRat(-1, 1), o)) }
	// The affine hull's directions, to find facet normals within it.
	var span [][]*big.Rat
	for _, i := range ids[1:] {
		span = append(span, rel(i))
	}
	perp := nullSpace(span, n) // normals of the hull, to be excluded
	var facets [][]int
	seen := map[string]bool{}
	sub := make([]int, dim)
	for i := range sub {
		sub[i] = i
	}
	for {
		// The hyperplane (within the hull) through the dim points sub.
		rows := append([][]*big.Rat(nil), perp...)
		base := pts[ids[sub[0]]]
		for _, s := range sub[1:] {
			rows = append(rows, addVec(pts[ids[s]], scaleVec(big.NewRat(-1, 1), base)))
		}
		if ns := nullSpace(rows, n); len(ns) == 1 {
			nu := ns[0]
			off := dot(nu, base)
			side := 0
			var on []int
			ok := true
			for _, i := range ids {
				s := new(big.Rat).Sub(dot(nu, pts[i]), off).Sign()
				if s == 0 {
					on = append(on, i)
				} else if side == 0 {
					side = s
				} else if s != side {
					ok = false
					break
				}
			}
			if ok && side != 0 {
				k := fmt.Sprint(on)
				if !seen[k] {
					seen[k] = true
					facets = append(facets, on)
				}
			}
		}
		if !nextComb(sub, len(ids)) {
			break
		}
	}
	var out [][]int
	for _, f := range facets {
		if contains(f, ids[0]) {
			continue
		}
		tri, err := pulling(pts, f, dim-1, b)
		if err != nil {
			return nil, err
		}
		for _, t := range tri {
			out = append(out, append([]int{ids[0]}, t...))
		}
	}
	return out, nil
}

// TestPlacingTriangulation checks the placing triangulation against an
// independent one (pulling, facets by brute force): on random point sets in
// convex position (the vertices of random polytopes, with coplanar facets
// from a small grid) both must cover the same volume with non-degenerate
// simplices on the given points.
func TestPlacingTriangulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 67))
	checked := 0
	for c := 0; c < 30; c++ {
		dim := 2 + c%3
		// Points on a sphere-like shell of a small grid: take the hull
		// vertices only, found by brute force through pulling.
		var pts [][]*big.Rat
		for len(pts) < dim+6 {
			p := make([]*big.Rat, dim)
			for j := range p {
				p[j] = big.NewRat(rng.Int64N(7)-3, 1)
			}
			pts = append(pts, p)
		}
		ids := make([]int, len(pts))
		for i := range ids {
			ids[i] = i
		}
		b := &budget{left: 1 << 40}
		if rank(pts[1:], dim) < dim {
			continue
		}
		ref, err := pulling(pts, ids, dim, b)
		if err != nil {
			continue // collinear points on an edge: not convex position
		}
		used := map[int]bool{}
		for _, s := range ref {
			for _, v := range s {
				used[v] = true
			}
		}
		var verts [][]*big.Rat
		for i := range pts {
			if used[i] {
				verts = append(verts, pts[i])
			}
		}
		// Relative to the first vertex, as topSimplices gives them.
		rel := make([][]*big.Rat, len(verts))
		for i, v := range verts {
			rel[i] = addVec(v, scaleVec(big.NewRat(-1, 1), verts[0]))
		}
		got, err := placing(rel, dim, b)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		vol := func(s []int, p [][]*big.Rat) *big.Rat {
			m := make([][]*big.Rat, dim)
			for r := 1; r <= dim; r++ {
				m[r-1] = addVec(p[s[r]], scaleVec(big.NewRat(-1, 1), p[s[0]]))
			}
			return new(big.Rat).Abs(det(m))
		}
		vg, vr := new(big.Rat), new(big.Rat)
		for _, s := range got {
			v := vol(s, rel)
			if v.Sign() == 0 {
				t.Fatalf("case %d: a flat simplex %v", c, s)
			}
			vg.Add(vg, v)
		}
		for _, s := range ref {
			vr.Add(vr, vol(s, pts))
		}
		if vg.Cmp(vr) != 0 {
			t.Fatalf("case %d (dim %d): placing covers %s, pulling %s", c, dim, vg.RatString(), vr.RatString())
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("only %d of 30 cases were in convex position", checked)
	}
}
