package convert

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/relucid/relucid/relu"
)

// Exact equality proofs in the plane. Two functions that are affine on
// every cell of an arrangement of lines agree on a convex polygon P if they
// agree at the corners of every cell of the arrangement restricted to P. The
// prover cuts P recursively by the lines that cross it strictly; a line that
// does not cross a polygon cannot cross its parts, so each line is tested
// once along a branch.

// line is {x : a·x₀ + b·x₁ + c = 0}, the locus where two affine functions of
// R² agree.
type line struct{ a, b, c *big.Rat }

// errProofBudget reports that the arrangement has too many cells to prove
// equality within the budget.
var errProofBudget = errors.New("proof budget exceeded")

// kinkLines returns the lines where the arguments of a max can swap: one
// per pair of distinct, non-parallel-shifted affine functions of a group.
func kinkLines(groups [][]Affine) []line {
	seen := map[string]bool{}
	var out []line
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				a := new(big.Rat).Sub(g[i].W[0], g[j].W[0])
				b := new(big.Rat).Sub(g[i].W[1], g[j].W[1])
				c := new(big.Rat).Sub(g[i].B, g[j].B)
				if a.Sign() == 0 && b.Sign() == 0 {
					continue // equal or never equal
				}
				// Normalise so the first nonzero of (a, b) is 1.
				p := a
				if a.Sign() == 0 {
					p = b
				}
				inv := new(big.Rat).Inv(p)
				a.Mul(a, inv)
				b.Mul(b, inv)
				c.Mul(c, inv)
				k := a.RatString() + "," + b.RatString() + "," + c.RatString()
				if !seen[k] {
					seen[k] = true
					out = append(out, line{a, b, c})
				}
			}
		}
	}
	return out
}

func (l line) eval(p []*big.Rat) int {
	var s, t big.Rat
	s.Mul(l.a, p[0])
	s.Add(&s, t.Mul(l.b, p[1]))
	s.Add(&s, l.c)
	return s.Sign()
}

// cut splits the convex polygon poly by l into the parts where l ≥ 0 and
// l ≤ 0.
func (l line) cut(poly [][]*big.Rat) (pos, neg [][]*big.Rat) {
	k := len(poly)
	for i := 0; i < k; i++ {
		p, q := poly[i], poly[(i+1)%k]
		sp, sq := l.eval(p), l.eval(q)
		if sp >= 0 {
			pos = append(pos, p)
		}
		if sp <= 0 {
			neg = append(neg, p)
		}
		if sp*sq < 0 {
			x := l.intersect(p, q)
			pos = append(pos, x)
			neg = append(neg, x)
		}
	}
	return pos, neg
}

// intersect returns the point of segment pq on l (l(p), l(q) of opposite sign).
func (l line) intersect(p, q []*big.Rat) []*big.Rat {
	val := func(x []*big.Rat) *big.Rat {
		var t big.Rat
		s := new(big.Rat).Mul(l.a, x[0])
		s.Add(s, t.Mul(l.b, x[1]))
		return s.Add(s, l.c)
	}
	vp, vq := val(p), val(q)
	lam := new(big.Rat).Sub(vp, vq)
	lam.Quo(vp, lam) // vp/(vp−vq)
	out := make([]*big.Rat, 2)
	for i := range out {
		d := new(big.Rat).Sub(q[i], p[i])
		out[i] = d.Add(p[i], d.Mul(d, lam))
	}
	return out
}

// provePolygon proves f = g on the convex polygon poly, given that both are
// affine on every cell of the arrangement of lines. It returns the number of
// cells, or a point where f ≠ g (and false).
func provePolygon(poly [][]*big.Rat, lines []line, f, g func([]*big.Rat) *big.Rat, cells *int, limit int) ([]*big.Rat, bool, error) {
	for i, l := range lines {
		pos, neg := false, false
		for _, p := range poly {
			switch l.eval(p) {
			case 1:
				pos = true
			case -1:
				neg = true
			}
		}
		if pos && neg {
			a, b := l.cut(poly)
			if x, ok, err := provePolygon(a, lines[i+1:], f, g, cells, limit); !ok || err != nil {
				return x, ok, err
			}
			return provePolygon(b, lines[i+1:], f, g, cells, limit)
		}
	}
	*cells++
	if *cells > limit {
		return nil, false, errProofBudget
	}
	for _, p := range poly {
		if f(p).Cmp(g(p)) != 0 {
			return p, false, nil
		}
	}
	return nil, true, nil
}

// boundingBox returns a square containing every intersection point of the
// lines and a point of every line, with margin 1, so that every cell of the
// arrangement meets its interior in an open set.
func boundingBox(lines []line) [][]*big.Rat {
	lo := []*big.Rat{new(big.Rat), new(big.Rat)}
	hi := []*big.Rat{new(big.Rat), new(big.Rat)}
	grow := func(p []*big.Rat) {
		for i := range p {
			if p[i].Cmp(lo[i]) < 0 {
				lo[i].Set(p[i])
			}
			if p[i].Cmp(hi[i]) > 0 {
				hi[i].Set(p[i])
			}
		}
	}
	for i, l := range lines {
		if l.a.Sign() != 0 {
			grow([]*big.Rat{new(big.Rat).Neg(new(big.Rat).Quo(l.c, l.a)), new(big.Rat)})
		} else {
			grow([]*big.Rat{new(big.Rat), new(big.Rat).Neg(new(big.Rat).Quo(l.c, l.b))})
		}
		for _, m := range lines[i+1:] {
			d := new(big.Rat).Mul(l.a, m.b)
			d.Sub(d, new(big.Rat).Mul(l.b, m.a))
			if d.Sign() == 0 {
				continue
			}
			// Cramer: a x + b y = −c.
			x := new(big.Rat).Mul(l.b, m.c)
			x.Sub(x, new(big.Rat).Mul(l.c, m.b))
			x.Quo(x, d)
			y := new(big.Rat).Mul(l.c, m.a)
			y.Sub(y, new(big.Rat).Mul(l.a, m.c))
			y.Quo(y, d)
			grow([]*big.Rat{x, y})
		}
	}
	one := big.NewRat(1, 1)
	lo[0].Sub(lo[0], one)
	lo[1].Sub(lo[1], one)
	hi[0].Add(hi[0], one)
	hi[1].Add(hi[1], one)
	return [][]*big.Rat{{lo[0], lo[1]}, {hi[0], lo[1]}, {hi[0], hi[1]}, {lo[0], hi[1]}}
}

// termGroups returns the argument lists of the terms of m.
func termGroups(m *MaxSum) [][]Affine {
	var gs [][]Affine
	for _, t := range m.Terms {
		g := make([]Affine, len(t.Args))
		for i, a := range t.Args {
			g[i] = m.Affine[a]
		}
		gs = append(gs, g)
	}
	return gs
}

// Exact proofs for the final net in the plane.
//
// A ReLU net g: R² → R is affine on each cell of its activation complex,
// which the prover below builds exactly, layer after layer and unit after
// unit: on a convex cell where the pattern of the earlier layers is fixed,
// a unit's pre-activation is one affine function, so its zero line either
// misses the cell's interior (the unit has one sign there) or cuts the cell
// in two. At every leaf the net's map is a known affine function, compared
// with the input at the leaf's corners (after cutting the leaf by the
// input's own kink lines where the input is a max form). Nothing is assumed
// about how the net was built.
//
// To cover all of R² without a box argument the cells are cones in
// homogeneous coordinates (x, y, w), w ≥ 0: a corner is either a point
// (w > 0, the point (x/w, y/w)) or a direction (w = 0, a point at
// infinity), an affine function a·x + b·y + c is the linear function
// a·x + b·y + c·w, and a convex polygon, bounded or not, is the cone over
// its corners. A linear function that is ≥ 0 at every corner is ≥ 0 on the
// cone, and two linear functions that agree at every corner agree on it, so
// the sign tests and the final comparison are the same whether corners are
// finite or not. The plane is the union of the four quadrant cones, each
// with the origin and two directions as corners.
//
// The arithmetic is on integers: every layer is scaled by the common
// denominator of its weights and biases (and its biases by the scale of the
// layers before), so every pre-activation is a positive integer multiple of
// the true one — the same signs and zero lines — and corners are integer
// vectors defined up to a positive factor. Signs go through a float filter
// with a proven error bound and are recomputed exactly when it is
// inconclusive.

// ivec is an integer vector (x, y, w): a corner of a cone (w ≥ 0) or the
// linear function c₀x + c₁y + c₂w. f holds float copies for the sign
// filter; ok says they are usable.
type ivec struct {
	c  [3]*big.Int
	f  [3]float64
	ok bool
}

func newIvec(a, b, c *big.Int) *ivec {
	v := &ivec{c: [3]*big.Int{a, b, c}, ok: true}
	for i, x := range v.c {
		f, _ := x.Float64()
		v.f[i] = f
		// Far from overflow and underflow, so that every product of two
		// such floats carries only the rounding the filter allows for.
		if a := math.Abs(f); x.Sign() != 0 && (a < 1e-140 || a > 1e140) {
			v.ok = false
		}
	}
	return v
}

// dot returns l·p exactly.
func (l *ivec) dot(p *ivec) *big.Int {
	s := new(big.Int)
	var t big.Int
	for i := range l.c {
		if l.c[i].Sign() != 0 && p.c[i].Sign() != 0 {
			s.Add(s, t.Mul(l.c[i], p.c[i]))
		}
	}
	return s
}

// sign returns the sign of l·p. The float sum is trusted when it exceeds
// 1e-14 times the sum of the absolute products: the operands are correctly
// rounded (relative error 2⁻⁵³ each), and a product and two additions add
// about 5·2⁻⁵³ ≈ 6·10⁻¹⁶ relative to that sum, a 16-fold margin. Otherwise
// the sign is computed exactly.
func (l *ivec) sign(p *ivec) int {
	if l.ok && p.ok {
		s, m := 0.0, 0.0
		for i := range l.f {
			t := l.f[i] * p.f[i]
			s += t
			m += math.Abs(t)
		}
		switch {
		case m == 0:
			return 0 // every product is exactly 0: no operand underflows
		case s > 1e-14*m:
			return 1
		case s < -1e-14*m:
			return -1
		}
	}
	return l.dot(p).Sign()
}

// finite reports whether the corner p is a point (not a direction).
func (p *ivec) finite() bool { return p.c[2].Sign() != 0 }

// point returns the rational point of a finite corner.
func (p *ivec) point() []*big.Rat {
	return []*big.Rat{new(big.Rat).SetFrac(p.c[0], p.c[2]), new(big.Rat).SetFrac(p.c[1], p.c[2])}
}

// reduced returns the corner divided by the gcd of its coordinates.
func reduced(c [3]*big.Int) *ivec {
	g := new(big.Int)
	for _, x := range c {
		g.GCD(nil, nil, g, new(big.Int).Abs(x))
	}
	if g.Sign() > 0 && g.Cmp(big.NewInt(1)) != 0 {
		for i := range c {
			c[i] = new(big.Int).Quo(c[i], g)
		}
	}
	return newIvec(c[0], c[1], c[2])
}

// cutI splits the cone poly (corners in cyclic order) by l into the parts
// where l ≥ 0 and l ≤ 0; sg holds the signs of l at the corners. The corner
// on an edge pq where l changes sign is |l·p|·q + |l·q|·p: a positive
// combination of p and q (so in the cone, with w ≥ 0) where l vanishes.
func cutI(poly []*ivec, l *ivec, sg []int) (pos, neg []*ivec) {
	k := len(poly)
	for i := 0; i < k; i++ {
		j := (i + 1) % k
		p, q := poly[i], poly[j]
		if sg[i] >= 0 {
			pos = append(pos, p)
		}
		if sg[i] <= 0 {
			neg = append(neg, p)
		}
		if sg[i]*sg[j] < 0 {
			vp, vq := l.dot(p), l.dot(q)
			vp.Abs(vp)
			vq.Abs(vq)
			var c [3]*big.Int
			var t big.Int
			for a := range c {
				c[a] = new(big.Int).Mul(vp, q.c[a])
				c[a].Add(c[a], t.Mul(vq, p.c[a]))
			}
			r := reduced(c)
			pos = append(pos, r)
			neg = append(neg, r)
		}
	}
	return pos, neg
}

// intScale returns the positive integer D = lcm of the denominators of xs
// and the integers D·x.
func intScale(xs ...*big.Rat) (*big.Int, []*big.Int) {
	d := big.NewInt(1)
	var g big.Int
	for _, x := range xs {
		q := x.Denom()
		g.GCD(nil, nil, d, q)
		d.Mul(d, new(big.Int).Quo(q, &g))
	}
	out := make([]*big.Int, len(xs))
	for i, x := range xs {
		v := new(big.Int).Mul(x.Num(), d)
		out[i] = v.Quo(v, x.Denom())
	}
	return d, out
}

// pointI returns the finite corner of a rational point of the plane.
func pointI(x []*big.Rat) *ivec {
	d, v := intScale(x[0], x[1])
	return newIvec(v[0], v[1], d)
}

// quadrants returns the four quadrant cones covering R².
func quadrants() [][]*ivec {
	z, one, mone := big.NewInt(0), big.NewInt(1), big.NewInt(-1)
	o := newIvec(z, z, one)
	dirs := []*ivec{newIvec(one, z, z), newIvec(z, one, z), newIvec(mone, z, z), newIvec(z, mone, z)}
	var qs [][]*ivec
	for i := range dirs {
		qs = append(qs, []*ivec{o, dirs[i], dirs[(i+1)%4]})
	}
	return qs
}

// convexOrder returns the distinct points of a convex polygon (given in
// any order) counter-clockwise around their average.
func convexOrder(pts [][]*big.Rat) [][]*big.Rat {
	var uniq [][]*big.Rat
	seen := map[string]bool{}
	for _, p := range pts {
		k := p[0].RatString() + "," + p[1].RatString()
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, p)
		}
	}
	c := []*big.Rat{new(big.Rat), new(big.Rat)}
	for _, p := range uniq {
		c[0].Add(c[0], p[0])
		c[1].Add(c[1], p[1])
	}
	k := big.NewRat(int64(max(1, len(uniq))), 1)
	c[0].Quo(c[0], k)
	c[1].Quo(c[1], k)
	d := make([][2]*big.Rat, len(uniq))
	for i, p := range uniq {
		d[i] = [2]*big.Rat{new(big.Rat).Sub(p[0], c[0]), new(big.Rat).Sub(p[1], c[1])}
	}
	half := func(v [2]*big.Rat) int { // 0: angle in [0, π), 1: [π, 2π)
		if v[1].Sign() > 0 || (v[1].Sign() == 0 && v[0].Sign() > 0) {
			return 0
		}
		return 1
	}
	idx := make([]int, len(uniq))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		u, v := d[idx[a]], d[idx[b]]
		if hu, hv := half(u), half(v); hu != hv {
			return hu < hv
		}
		cr := new(big.Rat).Mul(u[0], v[1])
		cr.Sub(cr, new(big.Rat).Mul(u[1], v[0]))
		return cr.Sign() > 0
	})
	out := make([][]*big.Rat, len(uniq))
	for i, j := range idx {
		out[i] = uniq[j]
	}
	return out
}

// intNet is a net with integer weights: layer l is the net's layer times
// D_l (the common denominator of its weights and biases) with its biases
// also times S_{l−1} = D_0⋯D_{l−1}, so that on every cell each unit's
// pre-activation is S_l times the net's and the output map is S times the
// net's. Rows are sparse: the converted nets are mostly zeros.
type intNet struct {
	rows  [][][]iweight // rows[l][i]: the nonzero weights of unit i
	b     [][]*big.Int  // b[l][i]
	nnz   []int         // nonzero weights of layer l
	scale *big.Int      // S
}

type iweight struct {
	j int
	w *big.Int
}

func newIntNet(net *relu.Net) *intNet {
	in := &intNet{scale: big.NewInt(1)}
	for l := range net.Layers {
		L := &net.Layers[l]
		xs := append(append([]*big.Rat(nil), L.WR...), L.BR...)
		d, v := intScale(xs...)
		rows := make([][]iweight, L.Out)
		nnz := 0
		for i := range rows {
			for j := 0; j < L.In; j++ {
				if w := v[i*L.In+j]; w.Sign() != 0 {
					rows[i] = append(rows[i], iweight{j, w})
					nnz++
				}
			}
		}
		b := v[len(L.WR):]
		for i := range b {
			b[i].Mul(b[i], in.scale)
		}
		in.rows = append(in.rows, rows)
		in.b = append(in.b, b)
		in.nnz = append(in.nnz, nnz)
		in.scale = new(big.Int).Mul(in.scale, d)
	}
	return in
}

// planeEnum enumerates the exact activation cells of a net with two inputs
// inside a cone and calls visit with each leaf and S times the net's map
// there. visit returns a witness (a rational point where the net and the
// input differ) to stop the enumeration.
type planeEnum struct {
	ctx    context.Context
	net    *intNet
	work   int // units (or kink lines) tested × corners, plus weights read
	limit  int
	leaves int
	visit  func(poly []*ivec, g *ivec) ([]*big.Rat, error)
}

// run enumerates inside the cone poly; it returns a witness or nil.
func (e *planeEnum) run(poly []*ivec) ([]*big.Rat, error) {
	z, one := big.NewInt(0), big.NewInt(1)
	in := []*ivec{newIvec(one, z, z), newIvec(z, one, z)}
	return e.layer(0, poly, in)
}

// layer computes the pre-activations of layer l on a cell where the earlier
// layers' pattern is fixed (in[j] is input j of layer l, nil when 0) and
// splits the cell by them; the last layer's map goes to visit.
func (e *planeEnum) layer(l int, poly []*ivec, in []*ivec) ([]*big.Rat, error) {
	rows, b := e.net.rows[l], e.net.b[l]
	maps := make([]*ivec, len(b))
	var t big.Int
	for i := range maps {
		c := [3]*big.Int{new(big.Int), new(big.Int), new(big.Int).Set(b[i])}
		for _, w := range rows[i] {
			m := in[w.j]
			if m == nil {
				continue
			}
			for a := range c {
				if m.c[a].Sign() != 0 {
					c[a].Add(c[a], t.Mul(w.w, m.c[a]))
				}
			}
		}
		maps[i] = newIvec(c[0], c[1], c[2])
	}
	e.work += e.net.nnz[l]
	if l == len(e.net.rows)-1 {
		e.leaves++
		return e.visit(poly, maps[0])
	}
	return e.split(l, poly, maps, 0, make([]bool, len(maps)))
}

// split decides units i, i+1, … of layer l on the cell poly, cutting it
// where a unit changes sign strictly inside; act records the decisions.
// The children of a cut share maps (they depend on earlier layers only)
// and decide the units after i again, so act can be shared.
func (e *planeEnum) split(l int, poly []*ivec, maps []*ivec, i int, act []bool) ([]*big.Rat, error) {
	sg := make([]int, len(poly))
	for ; i < len(maps); i++ {
		e.work += len(poly)
		if e.work > e.limit {
			return nil, errProofBudget
		}
		pos, neg := false, false
		for k, p := range poly {
			sg[k] = maps[i].sign(p)
			pos = pos || sg[k] > 0
			neg = neg || sg[k] < 0
		}
		if pos && neg {
			if err := e.ctx.Err(); err != nil {
				return nil, err
			}
			a, b := cutI(poly, maps[i], sg)
			act[i] = true
			if w, err := e.split(l, a, maps, i+1, act); w != nil || err != nil {
				return w, err
			}
			act[i] = false
			return e.split(l, b, maps, i+1, act)
		}
		// A unit ≡ 0 on the cell outputs 0 either way.
		act[i] = !neg
	}
	out := make([]*ivec, len(maps))
	for k, m := range maps {
		if act[k] {
			out[k] = m
		}
	}
	return e.layer(l+1, poly, out)
}

// compareCorners returns a rational point of the cone poly where a linear
// function vanishing exactly where the net equals the input (diff = 0) is
// nonzero, or nil when it is 0 at every corner, hence on the cone. A
// corner where diff ≠ 0 is the witness if it is a point; a direction d is
// turned into the point q + d for a point corner q where diff = 0 (every
// full-dimensional cone in w ≥ 0 has a point corner; if diff ≠ 0 at all of
// them, the first is the witness).
func compareCorners(poly []*ivec, diff func(*ivec) bool) []*big.Rat {
	var dir *ivec
	for _, p := range poly {
		if diff(p) {
			if p.finite() {
				return p.point()
			}
			dir = p
		}
	}
	if dir == nil {
		return nil
	}
	for _, q := range poly {
		if q.finite() {
			x := q.point()
			x[0].Add(x[0], new(big.Rat).SetInt(dir.c[0]))
			x[1].Add(x[1], new(big.Rat).SetInt(dir.c[1]))
			return x
		}
	}
	return nil
}

// proveCone proves diff = 0 on the cone poly, diff being linear on every
// cell of the arrangement of lines (each line tested once along a branch,
// as in provePolygon); it returns a witness where diff ≠ 0.
func proveCone(poly []*ivec, lines []*ivec, diff func(*ivec) bool, work *int, limit int) ([]*big.Rat, error) {
	sg := make([]int, len(poly))
	for i, l := range lines {
		*work += len(poly)
		if *work > limit {
			return nil, errProofBudget
		}
		pos, neg := false, false
		for k, p := range poly {
			sg[k] = l.sign(p)
			pos = pos || sg[k] > 0
			neg = neg || sg[k] < 0
		}
		if pos && neg {
			a, b := cutI(poly, l, sg)
			if w, err := proveCone(a, lines[i+1:], diff, work, limit); w != nil || err != nil {
				return w, err
			}
			return proveCone(b, lines[i+1:], diff, work, limit)
		}
	}
	return compareCorners(poly, diff), nil
}

// formI returns D times the homogeneous evaluation of a max form with
// n = 2 (each affine ℓ read as the linear function ℓ(x, y, w), all scaled
// by their common denominator D) and the lines where two arguments of one
// max (or, for a lattice form, any two functions) agree. On a cone inside
// one cell of that arrangement every max has one fixed argument
// (differences of arguments keep their sign on the cone, directions
// included), so the form is linear there: the homogeneous form of its
// affine piece.
func formI(in *Input) (f func(*ivec) *big.Int, d *big.Int, lines []*ivec) {
	var aff []Affine
	var groups [][]int
	switch in.Kind {
	case KindMaxSum:
		aff = in.MaxSum.Affine
		for _, t := range in.MaxSum.Terms {
			groups = append(groups, t.Args)
		}
	case KindLattice:
		aff = in.Lattice.Affine
		groups = [][]int{seq(len(aff))}
	default:
		return nil, nil, nil
	}
	var xs []*big.Rat
	for _, a := range aff {
		xs = append(xs, a.W[0], a.W[1], a.B)
	}
	d, v := intScale(xs...)
	fs := make([]*ivec, len(aff))
	for i := range fs {
		fs[i] = newIvec(v[3*i], v[3*i+1], v[3*i+2])
	}
	seen := map[string]bool{}
	for _, g := range groups {
		for a := range g {
			for b := a + 1; b < len(g); b++ {
				var c [3]*big.Int
				for k := range c {
					c[k] = new(big.Int).Sub(fs[g[a]].c[k], fs[g[b]].c[k])
				}
				if c[0].Sign() == 0 && c[1].Sign() == 0 {
					continue // equal or never equal
				}
				l := reduced(c)
				if l.c[0].Sign() < 0 || (l.c[0].Sign() == 0 && l.c[1].Sign() < 0) {
					for k := range l.c {
						l.c[k].Neg(l.c[k])
					}
					l = newIvec(l.c[0], l.c[1], l.c[2])
				}
				key := l.c[0].String() + "," + l.c[1].String() + "," + l.c[2].String()
				if !seen[key] {
					seen[key] = true
					lines = append(lines, l)
				}
			}
		}
	}
	if in.Kind == KindMaxSum {
		m := in.MaxSum
		f = func(p *ivec) *big.Int {
			vals := make([]*big.Int, len(fs))
			s := new(big.Int)
			for _, t := range m.Terms {
				var best *big.Int
				for _, i := range t.Args {
					if vals[i] == nil {
						vals[i] = fs[i].dot(p)
					}
					if best == nil || vals[i].Cmp(best) > 0 {
						best = vals[i]
					}
				}
				if t.Sign < 0 {
					s.Sub(s, best)
				} else {
					s.Add(s, best)
				}
			}
			return s
		}
		return f, d, lines
	}
	lt := in.Lattice
	f = func(p *ivec) *big.Int {
		vals := make([]*big.Int, len(fs))
		var best *big.Int
		for _, s := range lt.Sets {
			var lo *big.Int
			for _, j := range s {
				if vals[j] == nil {
					vals[j] = fs[j].dot(p)
				}
				if lo == nil || vals[j].Cmp(lo) < 0 {
					lo = vals[j]
				}
			}
			if best == nil || lo.Cmp(best) > 0 {
				best = lo
			}
		}
		return best
	}
	return f, d, lines
}

// scaledDiff returns the test "dg·g(p) ≠ df·f(p)" comparing S·(net map)
// with D·(input) at a corner: both are positive multiples of the true
// values, cross-multiplied to a common scale.
func scaledDiff(g *ivec, dg *big.Int, f func(*ivec) *big.Int, df *big.Int) func(*ivec) bool {
	return func(p *ivec) bool {
		a := new(big.Int).Mul(g.dot(p), df)
		return a.Cmp(new(big.Int).Mul(f(p), dg)) != 0
	}
}

// planeProofWork bounds the work of one n = 2 proof, counted as unit (or
// kink line) sign tests times cell corners plus weights read per cell.
// Measured: about 2·10⁷ such steps per second on one core (integer
// arithmetic, float-filtered signs), so the bound keeps a proof to a few
// seconds; above it the verification falls back to point checks.
const planeProofWork = 50_000_000

// prove2D proves the net equal to the input for n = 2 through the exact
// activation complex of the net in the plane (see above): on each simplex
// of a triangulation, or region of a net input's complex on its domain, the
// net's map on every cell must be the input's piece; for a max form, on all
// of R², the net's map on every cell must equal the form on every cell of
// its kink arrangement inside; for a net input without a domain, the
// difference net must have the zero map on every cell of R². A nil
// Verification means the proof was unaffordable, for the reason returned.
func prove2D(ctx context.Context, in *Input, cells []cellPoly, net *relu.Net) (*Verification, string, error) {
	v := &Verification{Method: "arrangement"}
	if cells != nil {
		v.Method = "cells"
	}
	e := &planeEnum{ctx: ctx, net: newIntNet(net), limit: planeProofWork}
	var w []*big.Rat
	var err error
	switch {
	case cells != nil:
		v.ProofDomain = "each simplex"
		if in.Kind == KindNet {
			v.ProofDomain = "each region of the input net on the given domain"
		}
		for _, c := range cells {
			d, p := intScale(c.piece.W[0], c.piece.W[1], c.piece.B)
			piece := newIvec(p[0], p[1], p[2])
			e.visit = func(poly []*ivec, g *ivec) ([]*big.Rat, error) {
				return compareCorners(poly, scaledDiff(g, e.net.scale, piece.dot, d)), nil
			}
			var poly []*ivec
			for _, x := range convexOrder(c.vertices) {
				poly = append(poly, pointI(x))
			}
			if w, err = e.run(poly); err != nil || w != nil {
				break
			}
			v.CellsProven++
		}
	case in.Kind == KindMaxSum || in.Kind == KindLattice:
		v.ProofDomain = planeDomain
		f, d, lines := formI(in)
		e.visit = func(poly []*ivec, g *ivec) ([]*big.Rat, error) {
			return proveCone(poly, lines, scaledDiff(g, e.net.scale, f, d), &e.work, e.limit)
		}
		for _, q := range quadrants() {
			if w, err = e.run(q); err != nil || w != nil {
				break
			}
		}
	case in.Kind == KindNet && in.Domain == nil:
		v.ProofDomain = planeDomain
		diff, derr := netMinus(net, in.Net)
		if derr != nil {
			return nil, "", derr
		}
		e.net = newIntNet(diff)
		e.visit = func(poly []*ivec, g *ivec) ([]*big.Rat, error) {
			return compareCorners(poly, func(p *ivec) bool { return g.sign(p) != 0 }), nil
		}
		for _, q := range quadrants() {
			if w, err = e.run(q); err != nil || w != nil {
				break
			}
		}
	default:
		return nil, "no plane proof for this input", nil
	}
	v.Regions = e.leaves
	switch {
	case errors.Is(err, errProofBudget):
		return nil, fmt.Sprintf("plane proof: work above the limit %d (net size %d)", planeProofWork, net.Size()), nil
	case err != nil:
		return nil, "", err
	case w != nil:
		v.witness = w
		v.Detail = fmt.Sprintf("at %s the net gives %s, the input %s", fmtPoint(w),
			net.EvalRat(w)[0].RatString(), inputValueAt(in, cells, w).RatString())
		return v, "", nil
	}
	v.Equal, v.Proven = true, true
	return v, "", nil
}

// planeDomain is the ProofDomain of a plane proof on all of R².
const planeDomain = "R^n (n = 2: the whole plane, cells as cones in homogeneous coordinates)"

// inputValueAt evaluates the input at x: through the cell containing x for
// a triangulation, directly otherwise.
func inputValueAt(in *Input, cells []cellPoly, x []*big.Rat) *big.Rat {
	if f := inputEval(in); f != nil {
		return f(x)
	}
	for _, c := range cells {
		if inHull2(c.vertices, x) {
			return c.piece.Eval(x)
		}
	}
	return new(big.Rat)
}

// inHull2 reports whether x lies in the convex polygon with the given
// corners (any order).
func inHull2(pts [][]*big.Rat, x []*big.Rat) bool {
	poly := convexOrder(pts)
	if len(poly) < 3 {
		return false
	}
	for i := range poly {
		p, q := poly[i], poly[(i+1)%len(poly)]
		cr := new(big.Rat).Mul(new(big.Rat).Sub(q[0], p[0]), new(big.Rat).Sub(x[1], p[1]))
		cr.Sub(cr, new(big.Rat).Mul(new(big.Rat).Sub(q[1], p[1]), new(big.Rat).Sub(x[0], p[0])))
		if cr.Sign() < 0 {
			return false
		}
	}
	return true
}
