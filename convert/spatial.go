package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// The spatial construction (method Spatial): a Wang–Sun form of a net
// R³ → R whose number of terms grows with the number of vertices, kink lines
// and kink planes of the function, instead of exponentially with its pieces.
//
// f is affine on every cell of an arrangement of planes (the full planes
// through its kink facets, and the planes added below). Call a function
// homogeneous at a flat X (a point, a line) if it is invariant along X and
// positively homogeneous around it, and let D_p be the span of the
// functions homogeneous at some line through p. The construction runs
// from points to lines to planes:
//
//  1. At every vertex p of f's complex, the germ g of f at p is made convex
//     by ridges: G = g + Σ λ_H·max(0, ℓ_H) over the planes H through p,
//     λ_H ≥ 0 large enough to cancel every negative jump of g on H near p.
//     G is the max of its pieces, and the valuation identity over a
//     triangulation of their gradients (reduceMax) writes it as a signed
//     sum of maxima of ≤ 4 of them. Every term with ≤ 3 arguments (and
//     every ridge) lies in D_p, so Φ_p, the sum of the 4-argument terms,
//     satisfies g ≡ Φ_p mod D_p. After subtracting every Φ_p, the germ of
//     the remainder at every point lies in D_p: at p by construction, and
//     at any other point q because Φ_p is homogeneous at the line pq there
//     and f's germ at a non-vertex is homogeneous at a line.
//  2. Along a line L the remainder's germ modulo ridges is then the same at
//     every point of L (crossing a point of L changes it by germs of
//     functions homogeneous at other lines, which near L are ridges). The
//     same convexification in the 2-D quotient R³/L gives Φ_L, a sum of
//     maxima of 3 affine functions vanishing on L, with the remainder's
//     germ ≡ Φ_L modulo ridges. Only lines on three or more planes can
//     carry such a germ, and only f and the Φ_p with p on L contribute
//     anything but ridges there.
//  3. The remainder f − ΣΦ_p − ΣΦ_L has a constant jump J_H across every
//     plane H, so it is Σ J_H·max(0, ℓ_H) plus an affine function.
//
// The germs, jumps and pieces are exact affine maps read off at
// infinitesimally displaced points (lexMap), so no cell of the arrangement
// is ever located. Every term is a max of at most 4 = n + 1 affine maps.

// Spatial is the method of the spatial construction (nets with three
// inputs).
const Spatial Method = "spatial"

// spTerm is coef·max_{a ∈ args} a.
type spTerm struct {
	coef *big.Rat
	args []Affine
}

// planes returns the normalized zero planes of the pairwise differences of
// the arguments.
func (t spTerm) planes() []Affine {
	var out []Affine
	for i := range t.args {
		for j := i + 1; j < len(t.args); j++ {
			d := t.args[i].plus(big.NewRat(-1, 1), t.args[j])
			if !isZeroVec(d.W) {
				out = append(out, normLine(d))
			}
		}
	}
	return out
}

// lexEval is a function read as its exact affine map at a perturbed point
// p + ε·d1 + ε²·d2 + ….
type lexEval func(p []*big.Rat, dirs ...[]*big.Rat) Affine

// cross returns a × b in R³.
func cross(a, b []*big.Rat) []*big.Rat {
	m := func(x, y, z, w *big.Rat) *big.Rat {
		s := new(big.Rat).Mul(x, y)
		return s.Sub(s, new(big.Rat).Mul(z, w))
	}
	return []*big.Rat{m(a[1], b[2], a[2], b[1]), m(a[2], b[0], a[0], b[2]), m(a[0], b[1], a[1], b[0])}
}

// primitive scales a nonzero vector to a canonical representative of its
// line through the origin (first nonzero entry 1).
func primitive(v []*big.Rat) []*big.Rat {
	for _, x := range v {
		if x.Sign() != 0 {
			inv := new(big.Rat).Inv(x)
			out := make([]*big.Rat, len(v))
			for i := range v {
				out[i] = new(big.Rat).Mul(v[i], inv)
			}
			return out
		}
	}
	return v
}

func isZeroVec(v []*big.Rat) bool {
	for _, x := range v {
		if x.Sign() != 0 {
			return false
		}
	}
	return true
}

func scaleVec(c *big.Rat, v []*big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(v))
	for i := range v {
		out[i] = new(big.Rat).Mul(c, v[i])
	}
	return out
}

func addVec(a, b []*big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(a))
	for i := range a {
		out[i] = new(big.Rat).Add(a[i], b[i])
	}
	return out
}

// aroundLine lists the sectors around the line through base with direction
// u cut by the planes hs (all containing that line), as probe directions
// (lead along the line, one inside the sector, one completing the basis), and records the jumps of eval across every plane next to the
// line into lambda (λ_H = max(λ_H, −J)).
func aroundLine(eval lexEval, base, lead, u []*big.Rat, hs []Affine, lambda map[string]*big.Rat) ([][][]*big.Rat, error) {
	// Traces of the planes in the quotient by u: rays ±(u × a_H).
	type ray struct {
		v    []*big.Rat
		x, y *big.Rat
	}
	e1 := cross(u, hs[0].W)
	e2 := cross(u, e1)
	var rays []ray
	for _, h := range hs {
		w := cross(u, h.W)
		for _, s := range []int64{1, -1} {
			v := scaleVec(big.NewRat(s, 1), w)
			rays = append(rays, ray{v: v, x: dot(v, e1), y: dot(v, e2)})
		}
		// Jumps across h on both of its half-planes at the line.
		for _, s := range []int64{1, -1} {
			side := scaleVec(big.NewRat(s, 1), w)
			plus := eval(base, lead, side, h.W)
			minus := eval(base, lead, side, scaleVec(big.NewRat(-1, 1), h.W))
			diff := plus.plus(big.NewRat(-1, 1), minus)
			j := dot(diff.W, h.W)
			j.Quo(j, dot(h.W, h.W))
			if diff.key() != h.scaled(j).key() {
				return nil, fmt.Errorf("convert: internal error: a kink of the function is not on plane %s", fmtAffine(h))
			}
			if lambda != nil {
				k := h.key()
				neg := new(big.Rat).Neg(j)
				if old := lambda[k]; old == nil || neg.Cmp(old) > 0 {
					if neg.Sign() < 0 {
						neg.SetInt64(0)
					}
					lambda[k] = neg
				}
			}
		}
	}
	half := func(r ray) int {
		if r.y.Sign() > 0 || (r.y.Sign() == 0 && r.x.Sign() > 0) {
			return 0
		}
		return 1
	}
	sort.Slice(rays, func(i, j int) bool {
		hi, hj := half(rays[i]), half(rays[j])
		if hi != hj {
			return hi < hj
		}
		c := new(big.Rat).Mul(rays[i].x, rays[j].y)
		c.Sub(c, new(big.Rat).Mul(rays[i].y, rays[j].x))
		return c.Sign() > 0
	})
	var out [][][]*big.Rat
	for i := range rays {
		s := addVec(rays[i].v, rays[(i+1)%len(rays)].v)
		out = append(out, [][]*big.Rat{lead, s, cross(u, s)})
	}
	return out, nil
}

// convexPieces returns the distinct pieces of G = g + Σ λ_H·max(0, ℓ_H) at
// the probes (g read through eval at base + the probe's directions), minus
// the first of them.
func convexPieces(eval lexEval, base []*big.Rat, probes [][][]*big.Rat, hs []Affine, lambda map[string]*big.Rat) []Affine {
	var ref *Affine
	seen := map[string]bool{}
	var out []Affine
	for _, pr := range probes {
		g := eval(base, pr...)
		for _, h := range hs {
			if l := lambda[h.key()]; l != nil && l.Sign() > 0 && lexSign(h, base, pr...) > 0 {
				g = g.plus(l, h)
			}
		}
		if ref == nil {
			r := g
			ref = &r
		}
		g = g.plus(big.NewRat(-1, 1), *ref)
		if k := g.key(); !seen[k] {
			seen[k] = true
			out = append(out, g)
		}
	}
	return out
}

// netVertices returns candidate vertices of a net's complex on R^n: every
// vertex of its regions (and some other points of the complex), from the
// exact complex of its perspective over region.PerspectiveBox.
func netVertices(ctx context.Context, net *relu.Net) ([][]*big.Rat, error) {
	n := net.InputDim()
	F, err := relu.Homogenize(net)
	if err != nil {
		return nil, err
	}
	q, err := region.PerspectiveBox(n)
	if err != nil {
		return nil, err
	}
	cells, err := netCells(ctx, F, q)
	if err != nil {
		return nil, fmt.Errorf("perspective of the net: %w", err)
	}
	seen := map[string]bool{}
	var out [][]*big.Rat
	for _, c := range cells {
		for _, v := range c.vertices {
			t := v[n]
			if t.Sign() <= 0 {
				continue // a direction at infinity
			}
			p := make([]*big.Rat, n)
			for i := range p {
				p[i] = new(big.Rat).Quo(v[i], t)
			}
			if k := pointKey(p); !seen[k] {
				seen[k] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// spLine is a line of the arrangement with the planes through it and the
// vertices on it whose Φ_p is not zero.
type spLine struct {
	base, u []*big.Rat
	planes  map[string]Affine
	points  map[int]bool
}

// lineOf returns the line where planes a and b meet: its canonical point
// (the one orthogonal to its direction), its canonical direction and a key;
// ok is false for parallel planes.
func lineOf(a, b Affine) (base, u []*big.Rat, key string, ok bool) {
	u = cross(a.W, b.W)
	if isZeroVec(u) {
		return nil, nil, "", false
	}
	u = primitive(u)
	x, ok := solve([][]*big.Rat{a.W, b.W, u}, []*big.Rat{new(big.Rat).Neg(a.B), new(big.Rat).Neg(b.B), new(big.Rat)})
	if !ok {
		return nil, nil, "", false
	}
	return x, u, pointKey(u) + "@" + pointKey(x), true
}

// SpatialMaxSum returns the Wang–Sun form of a net with three inputs and one
// output by the spatial construction (see above), valid on all of R³.
func SpatialMaxSum(ctx context.Context, net *relu.Net, budgetSteps int) (*MaxSum, error) {
	b, err := polyStart(net, 3, "spatial", budgetSteps)
	if err != nil {
		return nil, err
	}
	planes, verts, f, err := flatsSetup(ctx, net)
	if err != nil {
		return nil, err
	}

	// 1. Points (independent of each other).
	var arity [5]atomic.Int64 // terms so far by arity, for the size check
	phi, err := collectTerms(ctx, len(verts), 4, &arity, func(vi int) ([]spTerm, error) {
		return vertexTerms(f, verts[vi], planes, b)
	})
	if err != nil {
		return nil, err
	}

	// 2. Lines.
	lines := map[string]*spLine{}
	var lineOrder []string
	addLine := func(a, c Affine, point int) {
		base, u, k, ok := lineOf(a, c)
		if !ok {
			return
		}
		ln := lines[k]
		if ln == nil {
			ln = &spLine{base: base, u: u, planes: map[string]Affine{}, points: map[int]bool{}}
			lines[k] = ln
			lineOrder = append(lineOrder, k)
		}
		ln.planes[a.key()], ln.planes[c.key()] = a, c
		if point >= 0 {
			ln.points[point] = true
		}
	}
	for i := range planes {
		if err := b.spend(len(planes)); err != nil {
			return nil, err
		}
		for j := i + 1; j < len(planes); j++ {
			addLine(planes[i], planes[j], -1)
		}
	}
	for vi, p := range verts {
		if len(phi[vi]) == 0 {
			continue
		}
		var through []Affine
		seen := map[string]bool{}
		add := func(h Affine) {
			if k := h.key(); !seen[k] && h.Eval(p).Sign() == 0 {
				seen[k] = true
				through = append(through, h)
			}
		}
		for _, h := range planes {
			add(h)
		}
		for _, t := range phi[vi] {
			for _, h := range t.planes() {
				add(h)
			}
		}
		if err := b.spend(len(through) * len(through)); err != nil {
			return nil, err
		}
		for i := range through {
			for j := i + 1; j < len(through); j++ {
				addLine(through[i], through[j], vi)
			}
		}
	}
	var busy []*spLine
	for _, k := range lineOrder {
		if ln := lines[k]; len(ln.planes) >= 3 {
			busy = append(busy, ln)
		}
	}
	tri := triangleLines(phi)
	perLine, err := collectTerms(ctx, len(busy), 3, &arity, func(i int) ([]spTerm, error) {
		return lineTermsAt(f, busy[i], phi, tri, b)
	})
	if err != nil {
		return nil, err
	}
	var lineTerms []spTerm
	for _, ts := range perLine {
		lineTerms = append(lineTerms, ts...)
	}

	// 3. Planes: the remainder's constant jump on each; the affine rest.
	var all []spTerm
	for _, ts := range phi {
		all = append(all, ts...)
	}
	return hyperplaneStage(ctx, f, 3, planes, append(all, lineTerms...), b)
}

func containsAffine(s []Affine, a Affine) bool {
	k := a.key()
	for _, x := range s {
		if x.key() == k {
			return true
		}
	}
	return false
}

// maxAlong returns the member of fs largest in the lexicographic order of
// its derivatives along dirs (the first on ties): the active argument of
// max fs at a perturbed point where all of fs agree to the order before.
func maxAlong(fs []Affine, dirs [][]*big.Rat) Affine {
	best, bestKey := 0, make([]*big.Rat, len(dirs))
	for k, d := range dirs {
		bestKey[k] = dot(fs[0].W, d)
	}
	key := make([]*big.Rat, len(dirs))
	for i := 1; i < len(fs); i++ {
		c := 0
		for k, d := range dirs {
			key[k] = dot(fs[i].W, d)
			if c == 0 {
				c = key[k].Cmp(bestKey[k])
			}
			if c < 0 {
				break
			}
		}
		if c > 0 {
			best = i
			copy(bestKey, key)
		}
	}
	return fs[best]
}

// fanTop returns the full-dimensional simplices of a pulling triangulation
// of the gradients of pieces, as terms max over their pieces with
// coefficient 1: the top terms of the valuation identity (see reduceMax)
// when the pieces take one common value on a flat (the heights are then
// linear, so every triangulation refines the regular subdivision). The
// gradients must span a space of dimension dim (else there is no term) and
// be in convex position, as the distinct pieces of a convex function are.
func fanTop(pieces []Affine, dim int, b *budget) ([]spTerm, error) {
	k := len(pieces)
	if k < dim+1 {
		return nil, nil
	}
	// Integer coordinates of the gradients relative to the first one.
	n := len(pieces[0].W)
	den := big.NewInt(1)
	for _, p := range pieces {
		for _, w := range p.W {
			d := w.Denom()
			g := new(big.Int).GCD(nil, nil, den, d)
			den.Mul(den, new(big.Int).Quo(d, g))
		}
	}
	pts := make([][]*big.Int, k)
	for i, p := range pieces {
		pts[i] = make([]*big.Int, n)
		for j := range p.W {
			v := new(big.Rat).Sub(p.W[j], pieces[0].W[j])
			v.Mul(v, new(big.Rat).SetInt(den))
			pts[i][j] = new(big.Int).Set(v.Num())
		}
	}
	rows := make([][]*big.Rat, 0, k)
	for _, p := range pts[1:] {
		r := make([]*big.Rat, n)
		for j := range p {
			r[j] = new(big.Rat).SetInt(p[j])
		}
		rows = append(rows, r)
	}
	if got := len(pivotColumns(rows, n)); got < dim {
		return nil, nil
	} else if got > dim {
		return nil, fmt.Errorf("convert: internal error: gradients span %d dimensions, not %d", got, dim)
	}
	sub := func(a, c []*big.Int) []*big.Int {
		out := make([]*big.Int, len(a))
		for i := range a {
			out[i] = new(big.Int).Sub(a[i], c[i])
		}
		return out
	}
	idot := func(a, c []*big.Int) *big.Int {
		s, t := new(big.Int), new(big.Int)
		for i := range a {
			s.Add(s, t.Mul(a[i], c[i]))
		}
		return s
	}
	icross := func(a, c []*big.Int) []*big.Int {
		m := func(x, y, z, w *big.Int) *big.Int {
			s := new(big.Int).Mul(x, y)
			return s.Sub(s, new(big.Int).Mul(z, w))
		}
		return []*big.Int{m(a[1], c[2], a[2], c[1]), m(a[2], c[0], a[0], c[2]), m(a[0], c[1], a[1], c[0])}
	}
	if n != 3 {
		return nil, errors.New("convert: internal error: fanTop needs pieces on R³")
	}
	// The facets of the hull: in 2-D (the gradients in a plane through
	// the origin with normal nu) the edges, in 3-D the facet planes with
	// the points on them.
	var nu []*big.Int
	if dim == 2 {
		for i := 1; i < k && nu == nil; i++ {
			for j := i + 1; j < k; j++ {
				if c := icross(pts[i], pts[j]); c[0].Sign() != 0 || c[1].Sign() != 0 || c[2].Sign() != 0 {
					nu = c
					break
				}
			}
		}
	}
	type facet struct{ on []int }
	seen := map[string]bool{}
	var facets []facet
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			if err := b.spend(k); err != nil {
				return nil, err
			}
			for l := j + 1; l < k || (dim == 2 && l == j+1); l++ {
				var normal []*big.Int
				if dim == 2 {
					// The edge ij: normal within the plane.
					normal = icross(nu, sub(pts[j], pts[i]))
				} else {
					normal = icross(sub(pts[j], pts[i]), sub(pts[l], pts[i]))
				}
				if normal[0].Sign() == 0 && normal[1].Sign() == 0 && normal[2].Sign() == 0 {
					if dim == 2 {
						break
					}
					continue
				}
				off := idot(normal, pts[i])
				side := 0
				var on []int
				ok := true
				for q := 0; q < k; q++ {
					s := new(big.Int).Sub(idot(normal, pts[q]), off).Sign()
					if s == 0 {
						on = append(on, q)
						continue
					}
					if side == 0 {
						side = s
					} else if s != side {
						ok = false
						break
					}
				}
				if dim == 2 {
					l = k // one candidate per pair
				}
				if !ok || side == 0 {
					continue
				}
				key := fmt.Sprint(on)
				if !seen[key] {
					seen[key] = true
					facets = append(facets, facet{on: on})
				}
			}
		}
	}
	// Every point must be a vertex (convex position): a point inside the
	// hull lies on no facet.
	onSome := make([]bool, k)
	for _, f := range facets {
		for _, q := range f.on {
			onSome[q] = true
		}
	}
	for q, ok := range onSome {
		if !ok {
			return nil, fmt.Errorf("convert: internal error: the convexified germ has a piece inside the hull of the others (%d of %d)", q, k)
		}
	}
	mk := func(ids ...int) spTerm {
		args := make([]Affine, len(ids))
		for i, id := range ids {
			args[i] = pieces[id]
		}
		return spTerm{coef: big.NewRat(1, 1), args: args}
	}
	var out []spTerm
	for _, f := range facets {
		if contains(f.on, 0) {
			continue // pulled from point 0
		}
		if dim == 2 {
			if len(f.on) != 2 {
				return nil, errors.New("convert: internal error: collinear pieces of a convex germ")
			}
			out = append(out, mk(0, f.on[0], f.on[1]))
			continue
		}
		// A convex polygon: order its points around the first one by the
		// cross product about the facet normal, then fan from the first.
		poly := append([]int(nil), f.on...)
		normal := icross(sub(pts[poly[1]], pts[poly[0]]), sub(pts[poly[2]], pts[poly[0]]))
		for t := 2; normal[0].Sign() == 0 && normal[1].Sign() == 0 && normal[2].Sign() == 0 && t+1 < len(poly); t++ {
			normal = icross(sub(pts[poly[1]], pts[poly[0]]), sub(pts[poly[t+1]], pts[poly[0]]))
		}
		// Start from a point extreme in the polygon (the lexicographically
		// smallest), so the others lie in a half-plane around it.
		lo := 0
		for t := range poly {
			if lexLess(pts[poly[t]], pts[poly[lo]]) {
				lo = t
			}
		}
		poly[0], poly[lo] = poly[lo], poly[0]
		o := pts[poly[0]]
		rest := poly[1:]
		sort.Slice(rest, func(x, y int) bool {
			c := icross(sub(pts[rest[x]], o), sub(pts[rest[y]], o))
			return idot(c, normal).Sign() > 0
		})
		for t := 1; t+1 < len(poly); t++ {
			out = append(out, mk(0, poly[0], poly[t], poly[t+1]))
		}
	}
	return out, nil
}

// lexLess orders integer vectors lexicographically.
func lexLess(a, c []*big.Int) bool {
	for i := range a {
		if s := a[i].Cmp(c[i]); s != 0 {
			return s < 0
		}
	}
	return false
}

// vertexTerms returns Φ_p, the 4-argument terms at the vertex p (step 1):
// the germ of f there made convex by ridges on the planes through p, and
// the tetrahedra of a pulling triangulation of its pieces' gradients.
func vertexTerms(f lexEval, p []*big.Rat, planes []Affine, b *budget) ([]spTerm, error) {
	var through []Affine
	for _, h := range planes {
		if h.Eval(p).Sign() == 0 {
			through = append(through, h)
		}
	}
	if err := b.spend(len(planes) + len(through)*len(through)); err != nil {
		return nil, err
	}
	rows := make([][]*big.Rat, len(through))
	for i, h := range through {
		rows[i] = h.W
	}
	if len(pivotColumns(rows, 3)) < 3 {
		return nil, nil // all planes through p share a line: f is homogeneous at it
	}
	lines := map[string][]Affine{}
	dirs := map[string][]*big.Rat{}
	var order []string
	for i := range through {
		for j := i + 1; j < len(through); j++ {
			u := cross(through[i].W, through[j].W)
			if isZeroVec(u) {
				continue
			}
			u = primitive(u)
			k := pointKey(u)
			if _, ok := dirs[k]; !ok {
				dirs[k] = u
				order = append(order, k)
			}
			for _, h := range []Affine{through[i], through[j]} {
				if !containsAffine(lines[k], h) {
					lines[k] = append(lines[k], h)
				}
			}
		}
	}
	lambda := map[string]*big.Rat{}
	var probes [][][]*big.Rat
	for _, k := range order {
		u := dirs[k]
		for _, s := range []int64{1, -1} {
			lead := scaleVec(big.NewRat(s, 1), u)
			pr, err := aroundLine(f, p, lead, u, lines[k], lambda)
			if err != nil {
				return nil, err
			}
			probes = append(probes, pr...)
		}
	}
	pieces := convexPieces(f, p, probes, through, lambda)
	// All pieces vanish at p after subtracting the reference, which is
	// itself the germ's value there: shift back by f(p) is not needed,
	// the terms only have to be homogeneous at p.
	terms, err := fanTop(pieces, 3, b)
	if err != nil {
		return nil, err
	}
	return terms, nil
}

// lineTermsAt returns Φ_L, the 3-argument terms along the line ln (step 2):
// the germ of f − Σ_{p∈L} Φ_p just past ln.base, made convex by ridges on
// the planes through L, and the triangles of a fan of its pieces' gradients.
func lineTermsAt(f lexEval, ln *spLine, phi [][]spTerm, tri []map[string][]int, b *budget) ([]spTerm, error) {
	// Near a point q just past ln.base on L, a term whose maximum is
	// attained by one or two arguments there is affine or a ridge: nothing
	// modulo ridges.
	// Only the arguments tied there can be the max next to L, and they
	// agree in value and in the derivative along L, so every probe (which
	// starts base + ε·u) compares them by its later directions only.
	var pts []spTerm
	for vi := range ln.points {
		for _, ti := range tri[vi][pointKey(ln.u)] {
			t := phi[vi][ti]
			if tied := tiedAtMaxAlong(t.args, ln.base, [][]*big.Rat{ln.u}); len(tied) >= 3 {
				pts = append(pts, spTerm{coef: t.coef, args: tied})
			}
		}
	}
	if err := b.spend(len(ln.planes) * (len(pts) + 1) * 8); err != nil {
		return nil, err
	}
	r := func(p []*big.Rat, dirs ...[]*big.Rat) Affine {
		m := f(p, dirs...)
		for _, t := range pts {
			m = m.plus(new(big.Rat).Neg(t.coef), maxAlong(t.args, dirs[1:]))
		}
		return m
	}
	hs := make([]Affine, 0, len(ln.planes))
	for _, h := range ln.planes {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].key() < hs[j].key() })
	lambda := map[string]*big.Rat{}
	probes, err := aroundLine(r, ln.base, ln.u, ln.u, hs, lambda)
	if err != nil {
		return nil, err
	}
	return fanTop(convexPieces(r, ln.base, probes, hs, lambda), 2, b)
}

// triangleLines indexes the terms of every Φ_p by the directions of their
// triangle lines: the lines through p where three of a term's arguments
// agree. Along a line through p, three or more arguments of a term are
// tied at its max only if the line's direction u is orthogonal to two
// independent differences of their gradients — a triangle line, since the
// gradients of a tetrahedron's vertices are affinely independent.
func triangleLines(phi [][]spTerm) []map[string][]int {
	out := make([]map[string][]int, len(phi))
	for vi, ts := range phi {
		out[vi] = map[string][]int{}
		for ti, t := range ts {
			seen := map[string]bool{}
			a := t.args
			for i := range a {
				for j := i + 1; j < len(a); j++ {
					for k := j + 1; k < len(a); k++ {
						d1 := addVec(a[i].W, scaleVec(big.NewRat(-1, 1), a[j].W))
						d2 := addVec(a[i].W, scaleVec(big.NewRat(-1, 1), a[k].W))
						u := cross(d1, d2)
						if isZeroVec(u) {
							continue
						}
						key := pointKey(primitive(u))
						if !seen[key] {
							seen[key] = true
							out[vi][key] = append(out[vi][key], ti)
						}
					}
				}
			}
		}
	}
	return out
}

// parallelFor runs fn(0), …, fn(n−1) on GOMAXPROCS workers and returns the
// first error (or the context's); fn must be safe for concurrent use.
func parallelFor(ctx context.Context, n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		next  atomic.Int64
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				err := ctx.Err()
				if err == nil {
					err = fn(i)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					next.Store(int64(n)) // stop the others early
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// collectTerms runs fn(0), …, fn(n−1) on all cores (parallelFor), counts
// the terms found as terms of arity a (index into arity, at most 4) and fails
// as soon as the form would be too large (checkFormSize).
func collectTerms(ctx context.Context, n, a int, arity *[5]atomic.Int64, fn func(i int) ([]spTerm, error)) ([][]spTerm, error) {
	out := make([][]spTerm, n)
	err := parallelFor(ctx, n, func(i int) error {
		ts, err := fn(i)
		if err != nil {
			return err
		}
		out[i] = ts
		arity[a].Add(int64(len(ts)))
		return checkFormSize(arity)
	})
	return out, err
}

// checkFormSize fails with ErrTooLarge as soon as the terms found so far
// (counted by arity) would make a net beyond relu.MaxParams: every term
// of arity q ≥ 2 needs at least 3⌊q/2⌋ + 2(q mod 2) units in the first
// hidden layer and 3 (q ≥ 3) or 2 (identity padding) in the second, and the
// two layers are stored densely.
func checkFormSize(arity *[5]atomic.Int64) error {
	a2, a3, a4 := arity[2].Load(), arity[3].Load(), arity[4].Load()
	w1 := 3*a2 + 5*a3 + 6*a4
	w2 := 2*a2 + 3*(a3+a4)
	if w1*w2 > relu.MaxParams {
		return fmt.Errorf("%w: the spatial construction has found %d terms with 4 arguments and %d with 3 so far, so its net would have more than %d weights between its two hidden layers (relu.MaxParams = %d)",
			ErrTooLarge, a4, a3, w1*w2, relu.MaxParams)
	}
	return nil
}

// flatsSetup reads what the constructions over flats need from a net: its
// kink hyperplanes, candidate vertices, and its exact maps at perturbed
// points.
func flatsSetup(ctx context.Context, net *relu.Net) ([]Affine, [][]*big.Rat, lexEval, error) {
	hyper, _, err := kinkHyperplanes(ctx, net)
	if err != nil {
		return nil, nil, nil, err
	}
	verts, err := netVertices(ctx, net)
	if err != nil {
		return nil, nil, nil, err
	}
	nl := newNetLex(net)
	return hyper, verts, func(p []*big.Rat, dirs ...[]*big.Rat) Affine { return nl.mapAt(p, dirs...) }, nil
}
