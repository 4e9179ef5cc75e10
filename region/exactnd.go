package region

import (
	"fmt"
	"math/big"
)

// qpoly is a convex polytope in R^d in exact arithmetic, for the n-D
// certificate (d ≠ 2; 2-D uses hpoly). Like cell it is kept as its vertices
// with, for every vertex, the set of constraints tight there, so that
// cutting is combinatorial (Fukuda and Prodon's adjacency test) and needs no
// tolerance. Vertices are homogeneous integer vectors (X_1..X_d, W), W > 0,
// reduced by the gcd of their entries; constraints are integer affine
// functions g with the polytope on the side g ≥ 0.
type qpoly struct {
	d    int
	v    [][]*big.Int // homogeneous vertices, d+1 entries each
	t    [][]uint64   // tight sets over cons
	cons []affI
}

func bitOf(t []uint64, k int) bool {
	return k/64 < len(t) && t[k/64]>>(k%64)&1 == 1
}

func setBit(t []uint64, k int) []uint64 {
	for len(t) <= k/64 {
		t = append(t, 0)
	}
	t[k/64] |= 1 << uint(k%64)
	return t
}

// bigSimplex returns the simplex {x_k ≥ −R, Σ x_k ≤ d·R}, which holds the
// cube |x_k| ≤ R, as a qpoly (constraint k < d: x_k + R ≥ 0; constraint d:
// d·R − Σ x_k ≥ 0): d+1 vertices where the cube has 2^d.
func bigSimplex(d int, R *big.Int) *qpoly {
	p := &qpoly{d: d}
	for k := 0; k <= d; k++ {
		c := make(affI, d+1)
		for i := range c {
			c[i] = new(big.Int)
		}
		if k < d {
			c[k].SetInt64(1)
			c[d].Set(R)
		} else {
			for i := 0; i < d; i++ {
				c[i].SetInt64(-1)
			}
			c[d].Mul(R, big.NewInt(int64(d)))
		}
		p.cons = append(p.cons, c)
	}
	for v := 0; v <= d; v++ {
		x := make([]*big.Int, d+1)
		var t []uint64
		for k := 0; k < d; k++ {
			x[k] = new(big.Int).Neg(R)
			if k == v-1 {
				x[k].Mul(R, big.NewInt(int64(2*d-1)))
			} else {
				t = setBit(t, k)
			}
		}
		if v > 0 {
			t = setBit(t, d)
		}
		x[d] = big.NewInt(1)
		p.v = append(p.v, x)
		p.t = append(p.t, t)
	}
	return p
}

// bigBox returns the cube |x_k| ≤ R as a qpoly (constraints 2k: x_k + R ≥ 0,
// 2k+1: R − x_k ≥ 0).
func bigBox(d int, R *big.Int) *qpoly {
	p := &qpoly{d: d}
	for k := 0; k < d; k++ {
		lo := make(affI, d+1)
		hi := make(affI, d+1)
		for i := range lo {
			lo[i], hi[i] = new(big.Int), new(big.Int)
		}
		lo[k].SetInt64(1)
		lo[d].Set(R)
		hi[k].SetInt64(-1)
		hi[d].Set(R)
		p.cons = append(p.cons, lo, hi)
	}
	for m := 0; m < 1<<d; m++ {
		x := make([]*big.Int, d+1)
		var t []uint64
		for k := 0; k < d; k++ {
			if m>>k&1 == 1 {
				x[k] = new(big.Int).Set(R)
				t = setBit(t, 2*k+1)
			} else {
				x[k] = new(big.Int).Neg(R)
				t = setBit(t, 2*k)
			}
		}
		x[d] = big.NewInt(1)
		p.v = append(p.v, x)
		p.t = append(p.t, t)
	}
	return p
}

func (p *qpoly) clone() *qpoly {
	q := &qpoly{d: p.d, v: append([][]*big.Int(nil), p.v...), cons: append([]affI(nil), p.cons...)}
	q.t = make([][]uint64, len(p.t))
	for i, t := range p.t {
		q.t[i] = append([]uint64(nil), t...)
	}
	return q
}

// value returns g·V (W times g at the vertex: same sign).
func value(g affI, V []*big.Int, s, t *big.Int) int {
	s.SetInt64(0)
	for k, gk := range g {
		if gk.Sign() != 0 && V[k].Sign() != 0 {
			s.Add(s, t.Mul(gk, V[k]))
		}
	}
	return s.Sign()
}

// clip keeps the part of p where g ≥ 0 (keepPos) or g ≤ 0, in place. A
// vertex with g = 0 stays and becomes tight on the new constraint; a new
// vertex appears on every edge from a kept to a dropped vertex.
func (p *qpoly) clip(a affI, keepPos bool) {
	g := a
	if !keepPos {
		g = make(affI, len(a))
		for k := range a {
			g[k] = new(big.Int).Neg(a[k])
		}
	}
	n := len(p.v)
	vals := make([]*big.Int, n)
	sg := make([]int, n)
	var t big.Int
	anyOut := false
	for i, V := range p.v {
		vals[i] = new(big.Int)
		sg[i] = value(g, V, vals[i], &t)
		anyOut = anyOut || sg[i] < 0
	}
	if !anyOut {
		// g ≥ 0 on p: it matters only if it is tight at d vertices or
		// more (a facet candidate); otherwise it is redundant.
		nz := 0
		for i := range p.v {
			if sg[i] == 0 {
				nz++
			}
		}
		if nz < p.d {
			return
		}
		k := len(p.cons)
		p.cons = append(p.cons, g)
		for i := range p.v {
			if sg[i] == 0 {
				p.t[i] = setBit(p.t[i], k)
			}
		}
		return
	}
	k := len(p.cons)
	p.cons = append(p.cons, g)
	var nv [][]*big.Int
	var nt [][]uint64
	for u := 0; u < n; u++ {
		if sg[u] <= 0 {
			continue
		}
		for w := 0; w < n; w++ {
			if sg[w] >= 0 || !p.isEdge(u, w) {
				continue
			}
			// Z = g(U)·W_vec − g(W)·U_vec: a positive combination with
			// g·Z = 0, hence the crossing point, with last entry > 0.
			Z := make([]*big.Int, p.d+1)
			var gcd big.Int
			for i := range Z {
				Z[i] = new(big.Int).Mul(vals[u], p.v[w][i])
				Z[i].Sub(Z[i], t.Mul(vals[w], p.v[u][i]))
				if i == 0 {
					gcd.Abs(Z[i])
				} else {
					gcd.GCD(nil, nil, &gcd, t.Abs(Z[i]))
				}
			}
			if gcd.Cmp(big.NewInt(1)) > 0 {
				for i := range Z {
					Z[i].Quo(Z[i], &gcd)
				}
			}
			common := make([]uint64, max(len(p.t[u]), len(p.t[w])))
			for i := range common {
				var a, b uint64
				if i < len(p.t[u]) {
					a = p.t[u][i]
				}
				if i < len(p.t[w]) {
					b = p.t[w][i]
				}
				common[i] = a & b
			}
			nv = append(nv, Z)
			nt = append(nt, setBit(common, k))
		}
	}
	var kv [][]*big.Int
	var kt [][]uint64
	for i := range p.v {
		switch {
		case sg[i] > 0:
			kv, kt = append(kv, p.v[i]), append(kt, p.t[i])
		case sg[i] == 0:
			kv, kt = append(kv, p.v[i]), append(kt, setBit(p.t[i], k))
		}
	}
	p.v, p.t = append(kv, nv...), append(kt, nt...)
	p.compact()
}

// compact drops the constraints tight at fewer than d vertices: they hold
// no facet, and the adjacency test and the face lattice do not need them.
func (p *qpoly) compact() {
	nc := len(p.cons)
	cnt := make([]int, nc)
	for _, t := range p.t {
		for k := 0; k < nc; k++ {
			if bitOf(t, k) {
				cnt[k]++
			}
		}
	}
	remap := make([]int, nc)
	var cons []affI
	for k, n := range cnt {
		remap[k] = -1
		if n >= p.d {
			remap[k] = len(cons)
			cons = append(cons, p.cons[k])
		}
	}
	if len(cons) == nc {
		return
	}
	for i, t := range p.t {
		nt := make([]uint64, (len(cons)+63)/64)
		for k := 0; k < nc; k++ {
			if r := remap[k]; r >= 0 && bitOf(t, k) {
				nt[r/64] |= 1 << uint(r%64)
			}
		}
		p.t[i] = nt
	}
	p.cons = cons
}

// isEdge: no third vertex is tight on every constraint tight at u and w.
func (p *qpoly) isEdge(u, w int) bool {
	tu, tw := p.t[u], p.t[w]
	for z := range p.v {
		if z == u || z == w {
			continue
		}
		tz := p.t[z]
		sub := true
		for i := 0; i < min(len(tu), len(tw)); i++ {
			c := tu[i] & tw[i]
			var zz uint64
			if i < len(tz) {
				zz = tz[i]
			}
			if c&^zz != 0 {
				sub = false
				break
			}
		}
		if sub {
			return false
		}
	}
	return true
}

// facetsOf returns the facets of the face F (a vertex list): the
// inclusion-maximal proper nonempty intersections of F with the tight sets
// of the constraints. Every facet of a face is such an intersection, and
// every maximal one is a facet.
func (p *qpoly) facetsOf(F []int) [][]int {
	var cand [][]int
	for k := range p.cons {
		var G []int
		for _, v := range F {
			if bitOf(p.t[v], k) {
				G = append(G, v)
			}
		}
		if len(G) == 0 || len(G) == len(F) {
			continue
		}
		cand = append(cand, G)
	}
	subset := func(a, b []int) bool { // a ⊆ b, both sorted
		j := 0
		for _, x := range a {
			for j < len(b) && b[j] < x {
				j++
			}
			if j == len(b) || b[j] != x {
				return false
			}
		}
		return true
	}
	var out [][]int
	for i, G := range cand {
		maximal := true
		for j, H := range cand {
			if i == j {
				continue
			}
			if len(H) > len(G) && subset(G, H) || len(H) == len(G) && j < i && subset(G, H) {
				maximal = false
				break
			}
		}
		if maximal {
			out = append(out, G)
		}
	}
	return out
}

// simplices returns a pulling triangulation of the dim-dimensional face F:
// cone from its first vertex over the triangulations of the facets not
// containing it.
func (p *qpoly) simplices(F []int, dim int, emit func([]int)) {
	if dim == 0 {
		emit(F[:1])
		return
	}
	apex := F[0]
	for _, G := range p.facetsOf(F) {
		if G[0] == apex {
			continue // sorted: apex is the smallest index of F
		}
		p.simplices(G, dim-1, func(s []int) {
			emit(append([]int{apex}, s...))
		})
	}
}

// volume is the exact d-volume of p (0 when p is not full-dimensional:
// then the triangulation is degenerate). A simplex with homogeneous
// vertices V_0..V_d has volume |det[V_0..V_d]| / (d!·ΠW_i); with L the lcm
// of all W this is |det|·Π(L/W_i) / (d!·L^{d+1}), so the sum is taken on
// integers and normalised once (no gcd per simplex).
func (p *qpoly) volume() *big.Rat {
	d := p.d
	if len(p.v) <= d {
		return new(big.Rat)
	}
	all := make([]int, len(p.v))
	for i := range all {
		all[i] = i
	}
	L, mult := p.commonW()
	num := new(big.Int)
	M := make([][]*big.Int, d+1)
	p.simplices(all, d, func(s []int) {
		if len(s) != d+1 {
			return
		}
		for i, v := range s {
			M[i] = append(M[i][:0], p.v[v]...)
		}
		det := bareiss(M)
		det.Abs(det)
		for _, v := range s {
			det.Mul(det, mult[v])
		}
		num.Add(num, det)
	})
	den := new(big.Int).Exp(L, big.NewInt(int64(d+1)), nil)
	for k := 2; k <= d; k++ {
		den.Mul(den, big.NewInt(int64(k)))
	}
	return new(big.Rat).SetFrac(num, den)
}

// commonW returns the lcm L of the vertices' W and L/W for every vertex.
func (p *qpoly) commonW() (*big.Int, []*big.Int) {
	d := p.d
	L := big.NewInt(1)
	var g big.Int
	for _, V := range p.v {
		g.GCD(nil, nil, L, V[d])
		L.Mul(L, new(big.Int).Quo(V[d], &g))
	}
	mult := make([]*big.Int, len(p.v))
	for i, V := range p.v {
		mult[i] = new(big.Int).Quo(L, V[d])
	}
	return L, mult
}

// bareiss returns the determinant of the square integer matrix M
// (fraction-free elimination; M is copied).
func bareiss(M0 [][]*big.Int) *big.Int {
	n := len(M0)
	M := make([][]*big.Int, n)
	for i := range M {
		M[i] = make([]*big.Int, n)
		for j := range M[i] {
			M[i][j] = new(big.Int).Set(M0[i][j])
		}
	}
	sign := 1
	prev := big.NewInt(1)
	var t big.Int
	for k := 0; k < n-1; k++ {
		if M[k][k].Sign() == 0 {
			sw := -1
			for i := k + 1; i < n; i++ {
				if M[i][k].Sign() != 0 {
					sw = i
					break
				}
			}
			if sw < 0 {
				return new(big.Int)
			}
			M[k], M[sw] = M[sw], M[k]
			sign = -sign
		}
		for i := k + 1; i < n; i++ {
			for j := k + 1; j < n; j++ {
				x := new(big.Int).Mul(M[i][j], M[k][k])
				x.Sub(x, t.Mul(M[i][k], M[k][j]))
				M[i][j] = x.Quo(x, prev)
			}
		}
		prev = M[k][k]
	}
	det := new(big.Int).Set(M[n-1][n-1])
	if sign < 0 {
		det.Neg(det)
	}
	return det
}

// centroid is the vertex average (in the relative interior), summed over
// the common denominator of the vertices.
func (p *qpoly) centroid() []*big.Rat {
	L, mult := p.commonW()
	den := new(big.Int).Mul(L, big.NewInt(int64(len(p.v))))
	c := make([]*big.Rat, p.d)
	var t big.Int
	for k := range c {
		s := new(big.Int)
		for i, V := range p.v {
			s.Add(s, t.Mul(V[k], mult[i]))
		}
		c[k] = new(big.Rat).SetFrac(s, den)
	}
	return c
}

// domainPoly returns the exact domain polytope: the cube ±polytopeBound cut
// by every domain constraint a·y ≤ b (as b − a·y ≥ 0 scaled to integers).
func (x *exactCtx) domainPoly() (*qpoly, error) {
	p := bigSimplex(x.d, big.NewInt(int64(polytopeBound)))
	for k := range x.A {
		D := big.NewInt(1)
		lcmDen(x.A[k], D)
		lcmDen([]*big.Rat{x.b[k]}, D)
		h := make(affI, x.d+1)
		zero := true
		for i := 0; i < x.d; i++ {
			h[i] = new(big.Int).Neg(scaled(x.A[k][i], D))
			zero = zero && h[i].Sign() == 0
		}
		h[x.d] = scaled(x.b[k], D)
		if zero {
			continue
		}
		p.clip(h, true)
		if len(p.v) == 0 {
			return nil, fmt.Errorf("%w: the domain is empty in exact arithmetic", ErrNotCertified)
		}
	}
	return p, nil
}

// regionPoly is the exact region with pattern pat: the domain cut by the
// sign constraint of every unit that is not ≡ 0 (pre from maps). It returns
// nil when the cut leaves nothing.
func (x *exactCtx) regionPoly(pre [][]affI, pat []uint64) *qpoly {
	p := x.domQ.clone()
	for l, units := range pre {
		for i, a := range units {
			if a.isZero() {
				continue
			}
			b := x.offs[l] + i
			p.clip(a, pat[b/64]>>(b%64)&1 == 1)
			if len(p.v) <= x.d {
				return nil
			}
		}
	}
	return p
}

// verifyMergesND checks, in n-D, that every pair of regions that the float
// adjacency would merge for some output (equal exact maps) really shares a
// facet: the face F of region i on the split hyperplane {a = 0} has affine
// dimension d−1, and its vertex average c (relatively interior to F) lies in
// region j with every constraint of j that is tight at c parallel to a.
// Then a neighbourhood of c in the hyperplane lies in both regions.
func (x *exactCtx) verifyMergesND(rs []Region) error {
	for i := range rs {
		for _, f := range rs[i].Facets {
			j := f.Neighbor
			if j <= i || f.Source.Layer < 0 {
				continue
			}
			same := false
			for o := range x.keys[i] {
				same = same || x.keys[i][o] == x.keys[j][o]
			}
			if !same {
				continue
			}
			pre, _ := x.maps(rs[i].Pattern)
			a := pre[f.Source.Layer][f.Source.Unit]
			if !x.sharesFacet(x.qpolys[i], x.qpolys[j], a) {
				return fmt.Errorf("%w: regions %d and %d were to be merged but share no facet in exact arithmetic", ErrNotCertified, i, j)
			}
		}
	}
	return nil
}

func (x *exactCtx) sharesFacet(P, Q *qpoly, a affI) bool {
	d := x.d
	var s, t big.Int
	var F []int
	for v, V := range P.v {
		if value(a, V, &s, &t) == 0 {
			F = append(F, v)
		}
	}
	if len(F) < d {
		return false
	}
	// Affine dimension d−1 ⇔ the homogeneous vectors have rank d.
	rows := make([][]*big.Int, len(F))
	for k, v := range F {
		rows[k] = P.v[v]
	}
	if intRank(rows) != d {
		return false
	}
	// c = Σ V/W over F, as a homogeneous integer vector (C, |F|·L).
	sub := &qpoly{d: d}
	for _, v := range F {
		sub.v = append(sub.v, P.v[v])
	}
	L, mult := sub.commonW()
	C := make([]*big.Int, d+1)
	for k := 0; k < d; k++ {
		C[k] = new(big.Int)
		for i, V := range sub.v {
			C[k].Add(C[k], t.Mul(V[k], mult[i]))
		}
	}
	C[d] = new(big.Int).Mul(L, big.NewInt(int64(len(F))))
	for _, g := range Q.cons {
		switch value(g, C, &s, &t) {
		case -1:
			return false
		case 0:
			if !parallel(g, a, d) {
				return false
			}
		}
	}
	return true
}

// parallel reports whether the linear parts of g and a are proportional.
func parallel(g, a affI, d int) bool {
	var u, v big.Int
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			u.Mul(g[i], a[j])
			v.Mul(g[j], a[i])
			if u.Cmp(&v) != 0 {
				return false
			}
		}
	}
	return true
}

// intRank is the rank of the integer row vectors (fraction-free elimination).
func intRank(rows0 [][]*big.Int) int {
	if len(rows0) == 0 {
		return 0
	}
	n := len(rows0[0])
	rows := make([][]*big.Int, len(rows0))
	for i, r := range rows0 {
		rows[i] = make([]*big.Int, n)
		for j := range r {
			rows[i][j] = new(big.Int).Set(r[j])
		}
	}
	rank := 0
	var t big.Int
	for col := 0; col < n && rank < len(rows); col++ {
		p := -1
		for i := rank; i < len(rows); i++ {
			if rows[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[rank], rows[p] = rows[p], rows[rank]
		for i := rank + 1; i < len(rows); i++ {
			if rows[i][col].Sign() == 0 {
				continue
			}
			f, g := rows[rank][col], new(big.Int).Set(rows[i][col])
			for j := col; j < n; j++ {
				rows[i][j].Mul(rows[i][j], f)
				rows[i][j].Sub(rows[i][j], t.Mul(g, rows[rank][j]))
			}
		}
		rank++
	}
	return rank
}
