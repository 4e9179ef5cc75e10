package region

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/relucid/relucid/relu"
)

// DomainKind says which kind of domain a Domain is.
type DomainKind int

const (
	// KindBox is an axis-parallel box Π[Lo_i, Hi_i] in the input space.
	KindBox DomainKind = iota
	// KindPolytope is a bounded H-polytope {x : A x ≤ b} in the input space.
	KindPolytope
	// KindSlice is the image of a rectangle [Lo_0,Hi_0]×[Lo_1,Hi_1] of
	// slice coordinates (s, t) under x = Point + s·U + t·V.
	KindSlice
	// KindWhole is all of R^n (Whole): the complex of the net's perspective
	// over [−1, 1]^n × [0, 1], mapped back (whole.go).
	KindWhole
)

// Domain is the set over which a net's complex is enumerated. Build one with
// Box, Polytope, Slice or Whole; the exact fields hold the values the exact path
// uses (the float fields are their roundings).
type Domain struct {
	Kind DomainKind
	// Lo, Hi bound the box (KindBox) or the slice rectangle (KindSlice).
	Lo, Hi   []float64
	LoR, HiR []*big.Rat
	A        [][]float64 // KindPolytope: rows of A in A x ≤ b
	B        []float64
	AR       [][]*big.Rat
	BR       []*big.Rat
	Point    []float64 // KindSlice: anchor point in the input space
	U, V     []float64 // KindSlice: directions
	PointR   []*big.Rat
	UR, VR   []*big.Rat
	n        int // KindWhole: the input dimension
}

// Dim is the dimension of the space the complex lives in: the input
// dimension for boxes and polytopes, 2 for slices.
func (d Domain) Dim() int {
	switch d.Kind {
	case KindPolytope:
		if len(d.A) == 0 {
			return 0
		}
		return len(d.A[0])
	case KindSlice:
		return 2
	case KindWhole:
		return d.n
	}
	return len(d.Lo)
}

// ErrDomain is wrapped by every error about a malformed domain.
var ErrDomain = errors.New("invalid domain")

func ratsOf(v []float64) []*big.Rat {
	r := make([]*big.Rat, len(v))
	for i, x := range v {
		r[i] = new(big.Rat).SetFloat64(x)
	}
	return r
}

func floatsOf(r []*big.Rat) []float64 {
	v := make([]float64, len(r))
	for i, x := range r {
		v[i], _ = x.Float64()
	}
	return v
}

func checkFinite(what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: %s[%d] is %v", ErrDomain, what, i, x)
		}
	}
	return nil
}

// Box returns the box Π[lo_i, hi_i]. Every interval must have lo < hi.
func Box(lo, hi []float64) (Domain, error) {
	if err := checkFinite("lo", lo); err != nil {
		return Domain{}, err
	}
	if err := checkFinite("hi", hi); err != nil {
		return Domain{}, err
	}
	return BoxRat(ratsOf(lo), ratsOf(hi))
}

// BoxRat is Box with exact bounds.
func BoxRat(lo, hi []*big.Rat) (Domain, error) {
	if len(lo) == 0 || len(lo) != len(hi) {
		return Domain{}, fmt.Errorf("%w: box has %d lower and %d upper bounds", ErrDomain, len(lo), len(hi))
	}
	for i := range lo {
		if lo[i].Cmp(hi[i]) >= 0 {
			return Domain{}, fmt.Errorf("%w: interval %d [%s, %s] is empty or inverted (need lower < upper)",
				ErrDomain, i+1, lo[i].RatString(), hi[i].RatString())
		}
	}
	return Domain{Kind: KindBox, Lo: floatsOf(lo), Hi: floatsOf(hi), LoR: lo, HiR: hi}, nil
}

// Polytope returns {x : A x ≤ b}. Emptiness and unboundedness are detected
// when the complex is enumerated (they need the geometry).
func Polytope(A [][]float64, b []float64) (Domain, error) {
	AR := make([][]*big.Rat, len(A))
	for i, row := range A {
		if err := checkFinite(fmt.Sprintf("A[%d]", i), row); err != nil {
			return Domain{}, err
		}
		AR[i] = ratsOf(row)
	}
	if err := checkFinite("b", b); err != nil {
		return Domain{}, err
	}
	return PolytopeRat(AR, ratsOf(b))
}

// PolytopeRat is Polytope with exact coefficients.
func PolytopeRat(A [][]*big.Rat, b []*big.Rat) (Domain, error) {
	if len(A) == 0 {
		return Domain{}, fmt.Errorf("%w: polytope has no inequalities (it is unbounded)", ErrDomain)
	}
	if len(A) != len(b) {
		return Domain{}, fmt.Errorf("%w: polytope has %d rows in A but %d entries in b", ErrDomain, len(A), len(b))
	}
	n := len(A[0])
	if n == 0 {
		return Domain{}, fmt.Errorf("%w: polytope rows are empty", ErrDomain)
	}
	Af := make([][]float64, len(A))
	for i, row := range A {
		if len(row) != n {
			return Domain{}, fmt.Errorf("%w: row %d of A has %d entries, row 1 has %d", ErrDomain, i+1, len(row), n)
		}
		Af[i] = floatsOf(row)
	}
	return Domain{Kind: KindPolytope, A: Af, B: floatsOf(b), AR: A, BR: b}, nil
}

// Slice returns the 2-D slice x = point + s·u + t·v, (s, t) ∈ [lo_0,hi_0]×[lo_1,hi_1].
// u and v must be linearly independent.
func Slice(point, u, v []float64, lo, hi []float64) (Domain, error) {
	for _, p := range []struct {
		n string
		v []float64
	}{{"point", point}, {"u", u}, {"v", v}, {"lo", lo}, {"hi", hi}} {
		if err := checkFinite(p.n, p.v); err != nil {
			return Domain{}, err
		}
	}
	return SliceRat(ratsOf(point), ratsOf(u), ratsOf(v), ratsOf(lo), ratsOf(hi))
}

// SliceRat is Slice with exact values.
func SliceRat(point, u, v []*big.Rat, lo, hi []*big.Rat) (Domain, error) {
	n := len(point)
	if n == 0 || len(u) != n || len(v) != n {
		return Domain{}, fmt.Errorf("%w: slice point and directions have lengths %d, %d, %d (must be equal and positive)",
			ErrDomain, len(point), len(u), len(v))
	}
	if zero(u) || zero(v) {
		return Domain{}, fmt.Errorf("%w: slice direction is zero", ErrDomain)
	}
	if !independent(u, v) {
		return Domain{}, fmt.Errorf("%w: slice directions are parallel", ErrDomain)
	}
	if len(lo) != 2 || len(hi) != 2 {
		return Domain{}, fmt.Errorf("%w: slice window needs 2 intervals, got %d", ErrDomain, len(lo))
	}
	b, err := BoxRat(lo, hi)
	if err != nil {
		return Domain{}, err
	}
	b.Kind = KindSlice
	b.PointR, b.UR, b.VR = point, u, v
	b.Point, b.U, b.V = floatsOf(point), floatsOf(u), floatsOf(v)
	return b, nil
}

func zero(v []*big.Rat) bool {
	for _, x := range v {
		if x.Sign() != 0 {
			return false
		}
	}
	return true
}

// independent reports whether u and v are linearly independent: some 2×2
// minor u_i v_j − u_j v_i is nonzero (exactly).
func independent(u, v []*big.Rat) bool {
	var a, b big.Rat
	for i := range u {
		for j := i + 1; j < len(u); j++ {
			a.Mul(u[i], v[j])
			b.Mul(u[j], v[i])
			if a.Cmp(&b) != 0 {
				return true
			}
		}
	}
	return false
}

// workNet returns the net in the working coordinates of the domain: the net
// itself for boxes and polytopes, the net precomposed with the slice map
// (s, t) ↦ p + s·u + t·v for slices (exactly, in rationals).
func (d Domain) workNet(net *relu.Net) (*relu.Net, error) {
	if d.Kind != KindSlice {
		if d.Dim() != net.InputDim() {
			return nil, fmt.Errorf("%w: domain has dimension %d but the net takes %d inputs", ErrDomain, d.Dim(), net.InputDim())
		}
		return net, nil
	}
	n := net.InputDim()
	if len(d.PointR) != n {
		return nil, fmt.Errorf("%w: slice point has %d coordinates but the net takes %d inputs", ErrDomain, len(d.PointR), n)
	}
	out := net.Clone()
	l0 := &net.Layers[0]
	nl := relu.NewLayer(l0.Out, 2)
	var t, s big.Rat
	for i := 0; i < l0.Out; i++ {
		for c, dir := range [][]*big.Rat{d.UR, d.VR} {
			s.SetInt64(0)
			for j := 0; j < n; j++ {
				s.Add(&s, t.Mul(l0.RatAt(i, j), dir[j]))
			}
			nl.SetRat(i, c, &s)
		}
		s.Set(l0.BR[i])
		for j := 0; j < n; j++ {
			s.Add(&s, t.Mul(l0.RatAt(i, j), d.PointR[j]))
		}
		nl.SetBiasRat(i, &s)
	}
	out.Layers[0] = nl
	return out, nil
}

// ToInput maps a point of the working coordinates (slice coordinates for a
// slice, the input itself otherwise) to the input space of the net.
func (d Domain) ToInput(y []float64) []float64 {
	if d.Kind != KindSlice {
		return append([]float64(nil), y...)
	}
	x := make([]float64, len(d.Point))
	for i := range x {
		x[i] = d.Point[i] + y[0]*d.U[i] + y[1]*d.V[i]
	}
	return x
}

// Constraints returns the domain as exact inequalities a·y ≤ b in the
// working coordinates. A box [lo, hi] gives 2n rows in the order the engine
// numbers domain facets: row 2i is x_i ≥ lo_i, row 2i+1 is x_i ≤ hi_i. The
// caller must not modify the result.
func (d Domain) Constraints() (A [][]*big.Rat, b []*big.Rat) {
	if d.Kind == KindPolytope {
		return d.AR, d.BR
	}
	n := len(d.LoR)
	for i := 0; i < n; i++ {
		lo := make([]*big.Rat, n)
		hi := make([]*big.Rat, n)
		for j := range lo {
			lo[j], hi[j] = new(big.Rat), new(big.Rat)
		}
		lo[i].SetInt64(-1)
		hi[i].SetInt64(1)
		A = append(A, lo, hi)
		b = append(b, new(big.Rat).Neg(d.LoR[i]), new(big.Rat).Set(d.HiR[i]))
	}
	return A, b
}

// polytopeBound bounds an H-polytope: one reaching |x_i| = polytopeBound
// is reported as unbounded (inputs of ReLU nets live far inside). The float
// path clips it from a simplex holding the box ±polytopeBound (n+1
// vertices where the box would have 2^n) and then recomputes each vertex
// from its own tight constraints.
const polytopeBound = 1e6

// initialCell builds the domain polytope as a cell with facet identities
// −(k+1) for constraint k of constraints().
func (d Domain) initialCell() (*cell, error) {
	A, b := d.Constraints()
	n := d.Dim()
	c := new(cell)
	if n > 20 {
		return nil, fmt.Errorf("%w: dimension %d is too large for vertex enumeration (at most 20)", ErrDomain, n)
	}
	if d.Kind == KindPolytope {
		c.bigSimplex(n, polytopeBound)
	} else {
		// The box, with its tight sets: x_i ≥ lo_i is facet 2i, x_i ≤ hi_i
		// is 2i+1.
		c.reset(n, 2*n)
		for i := 0; i < 2*n; i++ {
			c.fid = append(c.fid, int64(-(i + 1)))
		}
		x := make([]float64, n)
		for m := 0; m < 1<<n; m++ {
			for i := 0; i < n; i++ {
				if m>>i&1 == 0 {
					x[i] = d.Lo[i]
				} else {
					x[i] = d.Hi[i]
				}
			}
			v := c.addVertex(x)
			tt := c.tight(v)
			for i := 0; i < n; i++ {
				k := 2 * i
				if m>>i&1 == 1 {
					k++
				}
				tt[k/64] |= 1 << uint(k%64)
			}
		}
	}
	if d.Kind != KindPolytope {
		return c, nil
	}
	// Clip the big simplex by every constraint a·y ≤ b, i.e. h = b − a·y ≥ 0.
	var ws splitWS
	h := make([]float64, n+1)
	var pos, neg cell
	for k := range A {
		scale := 0.0
		for i := 0; i < n; i++ {
			h[i], _ = A[k][i].Float64()
			h[i] = -h[i]
			scale = math.Max(scale, math.Abs(h[i]))
		}
		h[n], _ = b[k].Float64()
		if scale == 0 {
			if h[n] < 0 {
				return nil, fmt.Errorf("%w: polytope is empty (row %d reads 0 ≤ %s)", ErrDomain, k+1, b[k].RatString())
			}
			continue
		}
		val := make([]float64, c.nv)
		sg := make([]int8, c.nv)
		p, q := c.classifyLocal(h, val, sg)
		switch {
		case !p:
			return nil, fmt.Errorf("%w: polytope is empty or not full-dimensional (row %d cuts it away)", ErrDomain, k+1)
		case !q:
			continue
		}
		c.split(h, val, sg, int64(-(k + 1)), &pos, &neg, &ws)
		c.copyFrom(&pos)
	}
	if c.nv <= n || affineRank(c, nil) < n {
		return nil, fmt.Errorf("%w: polytope is empty or not full-dimensional", ErrDomain)
	}
	unbounded := fmt.Errorf("%w: polytope is unbounded (it reaches |x_i| = %g)", ErrDomain, polytopeBound)
	for k, id := range c.fid {
		if id <= bigSimplexID(0) {
			for v := 0; v < c.nv; v++ {
				if c.tight(v)[k/64]>>(k%64)&1 == 1 {
					return nil, unbounded
				}
			}
		}
	}
	c.polish(A, b)
	for _, x := range c.x[:c.nv*n] {
		if math.Abs(x) >= polytopeBound {
			return nil, unbounded
		}
	}
	return c, nil
}

// classifyLocal is classify with the tolerance of each vertex taken from
// the terms of h at that vertex, not from the whole cell: the cell being
// clipped reaches 10⁶, and a cell-wide tolerance would put every vertex of
// a polytope smaller than about 10⁻³ on the plane.
func (c *cell) classifyLocal(h, val []float64, sg []int8) (pos, neg bool) {
	d := c.d
	for v := 0; v < c.nv; v++ {
		t, sc := h[d], abs(h[d])
		for k, x := range c.vert(v) {
			t += h[k] * x
			sc += abs(h[k] * x)
		}
		val[v] = t
		switch {
		case t > cutTol*sc:
			sg[v], pos = 1, true
		case t < -cutTol*sc:
			sg[v], neg = -1, true
		default:
			sg[v] = 0
		}
	}
	return pos, neg
}

// bigSimplexID names facet i of the auxiliary simplex a polytope is clipped
// from.
func bigSimplexID(i int) int64 { return int64(-(1 << 40) - i) }

// bigSimplex makes c the simplex {y_i ≥ −R, Σ y_i ≤ n·R}, which holds the
// box [−R, R]^n: n+1 vertices, where the box would have 2^n.
func (c *cell) bigSimplex(n int, R float64) {
	c.reset(n, n+1)
	for i := 0; i <= n; i++ {
		c.fid = append(c.fid, bigSimplexID(i))
	}
	x := make([]float64, n)
	for v := 0; v <= n; v++ {
		for i := range x {
			x[i] = -R
		}
		if v > 0 {
			x[v-1] += 2 * float64(n) * R
		}
		tt := c.tight(c.addVertex(x))
		for k := 0; k <= n; k++ {
			// Vertex 0 is on every lower bound; vertex v > 0 on all
			// but y_{v−1} ≥ −R, and on the sum.
			if (k < n && k != v-1) || (k == n && v > 0) {
				tt[k/64] |= 1 << uint(k%64)
			}
		}
	}
}

// polish recomputes every vertex of the polytope c from n independent
// constraints of A·y ≤ b tight at it (k-th with facet id −(k+1)), solved
// by Gaussian elimination: clipping from the big simplex leaves errors of
// the order of its size times the rounding unit, the solve of the order
// of the vertex's own size. A vertex whose tight rows do not have rank n,
// or whose solution moves by more than the clipping error could, is left
// as it is.
func (c *cell) polish(A [][]*big.Rat, b []*big.Rat) {
	n := c.d
	Af := make([][]float64, len(A))
	bf := make([]float64, len(A))
	for k := range A {
		Af[k] = floatsOf(A[k])
		bf[k], _ = b[k].Float64()
	}
	M := make([][]float64, 0, n)
	for v := 0; v < c.nv; v++ {
		M = M[:0]
		for k, id := range c.fid {
			if id >= 0 || id <= bigSimplexID(0) || c.tight(v)[k/64]>>(k%64)&1 == 0 {
				continue
			}
			r := int(-id - 1)
			M = append(M, append(append(make([]float64, 0, n+1), Af[r]...), bf[r]))
		}
		y, ok := solveRows(M, n)
		if !ok {
			continue
		}
		x := c.vert(v)
		moved := 0.0
		for i := range x {
			moved = math.Max(moved, math.Abs(y[i]-x[i]))
		}
		if moved <= 2e-9*polytopeBound*float64(n) {
			copy(x, y)
		}
	}
}

// solveRows solves n of the rows (a, β) of M (a·y = β) for y by rank's
// elimination over all rows (with full rank, row i ends with its pivot in
// column i) and back substitution; ok is false when they have rank below
// n. M is overwritten.
func solveRows(M [][]float64, n int) (y []float64, ok bool) {
	if len(M) < n {
		return nil, false
	}
	scale := 0.0
	for _, r := range M {
		for _, a := range r[:n] {
			scale = math.Max(scale, math.Abs(a))
		}
	}
	if rank(M, n, rankTol*scale) < n {
		return nil, false
	}
	y = make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		t := M[i][n]
		for k := i + 1; k < n; k++ {
			t -= M[i][k] * y[k]
		}
		y[i] = t / M[i][i]
	}
	return y, true
}

// affineRank returns the dimension of the affine hull of the vertices of c
// selected by sel (all when sel is nil).
func affineRank(c *cell, sel []int) int {
	d := c.d
	idx := sel
	if idx == nil {
		idx = make([]int, c.nv)
		for i := range idx {
			idx[i] = i
		}
	}
	if len(idx) == 0 {
		return -1
	}
	base := c.vert(idx[0])
	rows := make([][]float64, 0, len(idx)-1)
	scale := 0.0
	for _, i := range idx[1:] {
		r := make([]float64, d)
		for k := range r {
			r[k] = c.vert(i)[k] - base[k]
			scale = math.Max(scale, math.Abs(r[k]))
		}
		rows = append(rows, r)
	}
	return rank(rows, d, scale*rankTol)
}

// rankTol is the relative pivot threshold of rank: vertex differences
// carry the coordinate errors discussed at cutTol, far below 1e-9 of the
// cell's extent.
const rankTol = 1e-9

// rank of the row set, pivoting in the first d columns, by Gaussian
// elimination with partial pivoting; entries below tol count as zero. The
// rows are left in echelon form (columns beyond d, such as the right-hand
// side of solveRows, are carried along).
func rank(rows [][]float64, d int, tol float64) int {
	r := 0
	for col := 0; col < d && r < len(rows); col++ {
		p := -1
		best := tol
		for i := r; i < len(rows); i++ {
			if a := math.Abs(rows[i][col]); a > best {
				best, p = a, i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		for i := r + 1; i < len(rows); i++ {
			f := rows[i][col] / rows[r][col]
			for k := col; k < len(rows[r]); k++ {
				rows[i][k] -= f * rows[r][k]
			}
		}
		r++
	}
	return r
}
