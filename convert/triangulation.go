package convert

import (
	"fmt"
	"math/big"
	"sort"
)

// Triangulation is a linear finite-element function: vertices in R^n,
// n-simplices given by n+1 vertex indices, and either one value per vertex
// or one value per simplex corner (SimplexValues[s][c] at vertex
// Simplices[s][c]). On each simplex f is the affine interpolant of the
// values at its corners.
type Triangulation struct {
	N             int
	Vertices      [][]*big.Rat
	Simplices     [][]int
	Values        []*big.Rat   // per vertex, or nil
	SimplexValues [][]*big.Rat // per simplex corner, or nil
}

// Checked is a triangulation that passed Validate, with the affine piece of
// every simplex.
type Checked struct {
	*Triangulation
	Pieces []Affine // Pieces[s] is f on simplex s
	value  []*big.Rat
}

// Validate checks the triangulation and returns its pieces. It checks:
// dimensions and indices; every simplex is non-degenerate; continuity (all
// values given at one vertex agree); every (n−1)-face lies in at most two
// simplices, and two simplices sharing one lie on opposite sides of it; no
// vertex lies in a simplex it is not a corner of; for n = 2 no two edges
// cross and for n = 1 no two intervals overlap; and the domain is convex
// (every boundary facet's hyperplane has all vertices on one side), which
// the max–min representation needs. For n ≤ 2 these conditions imply a
// valid simplicial complex; for n ≥ 3 they are necessary conditions only (a
// complex can still overlap without any vertex inside another simplex), and
// the conversion's exact verification is the remaining safeguard.
func (t *Triangulation) Validate() (*Checked, error) {
	n := t.N
	if n < 1 {
		return nil, fmt.Errorf("input dimension n = %d, want ≥ 1", n)
	}
	if len(t.Vertices) == 0 {
		return nil, fmt.Errorf("no vertices")
	}
	if len(t.Simplices) == 0 {
		return nil, fmt.Errorf("no simplices")
	}
	for i, v := range t.Vertices {
		if len(v) != n {
			return nil, fmt.Errorf("vertex %d has %d coordinates, want n = %d", i, len(v), n)
		}
	}
	value := make([]*big.Rat, len(t.Vertices))
	switch {
	case t.Values != nil && t.SimplexValues != nil:
		return nil, fmt.Errorf("give either values or simplex_values, not both")
	case t.Values != nil:
		if len(t.Values) != len(t.Vertices) {
			return nil, fmt.Errorf("%d values for %d vertices", len(t.Values), len(t.Vertices))
		}
		copy(value, t.Values)
	case t.SimplexValues != nil:
		if len(t.SimplexValues) != len(t.Simplices) {
			return nil, fmt.Errorf("%d simplex_values rows for %d simplices", len(t.SimplexValues), len(t.Simplices))
		}
	default:
		return nil, fmt.Errorf("no values")
	}
	used := make([]bool, len(t.Vertices))
	for s, simp := range t.Simplices {
		if len(simp) != n+1 {
			return nil, fmt.Errorf("simplex %d has %d vertices, want n+1 = %d", s, len(simp), n+1)
		}
		seen := map[int]bool{}
		for _, v := range simp {
			if v < 0 || v >= len(t.Vertices) {
				return nil, fmt.Errorf("simplex %d: vertex index %d out of range [0, %d)", s, v, len(t.Vertices))
			}
			if seen[v] {
				return nil, fmt.Errorf("simplex %d repeats vertex %d", s, v)
			}
			seen[v] = true
			used[v] = true
		}
		if t.SimplexValues != nil {
			row := t.SimplexValues[s]
			if len(row) != n+1 {
				return nil, fmt.Errorf("simplex_values row %d has %d entries, want n+1 = %d", s, len(row), n+1)
			}
			for c, v := range simp {
				if value[v] == nil {
					value[v] = row[c]
				} else if value[v].Cmp(row[c]) != 0 {
					return nil, fmt.Errorf("not continuous: vertex %d has value %s in one simplex and %s in simplex %d", v, value[v].RatString(), row[c].RatString(), s)
				}
			}
		}
	}
	for v, u := range used {
		if !u {
			return nil, fmt.Errorf("vertex %d belongs to no simplex", v)
		}
	}
	c := &Checked{Triangulation: t, value: value}
	// Non-degeneracy and pieces.
	for s, simp := range t.Simplices {
		if orient(t.Vertices, simp) == 0 {
			return nil, fmt.Errorf("simplex %d is degenerate (its vertices are affinely dependent)", s)
		}
		a, err := interpolant(t.Vertices, value, simp)
		if err != nil {
			return nil, fmt.Errorf("simplex %d: %w", s, err)
		}
		c.Pieces = append(c.Pieces, a)
	}
	// Facets: at most two simplices, on opposite sides.
	type inc struct{ simp, opposite int }
	facets := map[string][]inc{}
	for s, simp := range t.Simplices {
		srt := append([]int(nil), simp...)
		sort.Ints(srt)
		for drop := range srt {
			k := setKey(without(srt, drop))
			facets[k] = append(facets[k], inc{s, srt[drop]})
		}
	}
	keys := make([]string, 0, len(facets))
	for k := range facets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var boundary [][]int
	for _, k := range keys {
		in := facets[k]
		f := parseKey(k)
		switch len(in) {
		case 1:
			boundary = append(boundary, f)
		case 2:
			s1 := side(t.Vertices, f, in[0].opposite)
			s2 := side(t.Vertices, f, in[1].opposite)
			if s1*s2 >= 0 {
				return nil, fmt.Errorf("not a valid simplicial complex: simplices %d and %d overlap across their shared face %v", in[0].simp, in[1].simp, f)
			}
		default:
			return nil, fmt.Errorf("not a valid simplicial complex: face %v is shared by %d simplices", f, len(in))
		}
	}
	// No vertex inside (or on) a simplex it is not a corner of. In 1-D the
	// intervals are sorted instead (O(S log S)): each must start where the
	// previous one ends.
	if n == 1 {
		if err := checkIntervals(t); err != nil {
			return nil, err
		}
	}
	for s, simp := range t.Simplices {
		if n == 1 {
			break
		}
		for v := range t.Vertices {
			if contains(simp, v) {
				continue
			}
			if inClosedSimplex(t.Vertices, simp, t.Vertices[v]) {
				return nil, fmt.Errorf("not a valid simplicial complex: vertex %d lies in simplex %d without being one of its corners", v, s)
			}
		}
	}
	if n == 2 {
		if err := checkEdges2D(t); err != nil {
			return nil, err
		}
	}
	// Convex domain: every boundary facet supports all vertices.
	for _, f := range boundary {
		pos, neg := false, false
		for v := range t.Vertices {
			switch side(t.Vertices, f, v) {
			case 1:
				pos = true
			case -1:
				neg = true
			}
		}
		if pos && neg {
			return nil, fmt.Errorf("the domain is not convex (boundary face %v has vertices on both sides); the max–min construction needs a convex domain", f)
		}
	}
	return c, nil
}

// orient returns the sign of the determinant of (v_1 − v_0, …, v_n − v_0).
func orient(vs [][]*big.Rat, simp []int) int {
	n := len(simp) - 1
	m := make([][]*big.Rat, n)
	for i := 1; i <= n; i++ {
		m[i-1] = make([]*big.Rat, n)
		for j := 0; j < n; j++ {
			m[i-1][j] = new(big.Rat).Sub(vs[simp[i]][j], vs[simp[0]][j])
		}
	}
	return det(m).Sign()
}

// side returns the side (−1, 0, +1) of vertex v relative to the hyperplane
// through the n vertices of facet f, with a fixed orientation per facet.
func side(vs [][]*big.Rat, f []int, v int) int {
	return orient(vs, append(append([]int(nil), f...), v))
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// barycentric returns the barycentric coordinates of x in the simplex.
func barycentric(vs [][]*big.Rat, simp []int, x []*big.Rat) []*big.Rat {
	n := len(simp) - 1
	a := make([][]*big.Rat, n+1)
	b := make([]*big.Rat, n+1)
	for r := 0; r <= n; r++ {
		a[r] = make([]*big.Rat, n+1)
		for c, v := range simp {
			if r < n {
				a[r][c] = vs[v][r]
			} else {
				a[r][c] = big.NewRat(1, 1)
			}
		}
		if r < n {
			b[r] = x[r]
		} else {
			b[r] = big.NewRat(1, 1)
		}
	}
	lam, _ := solve(a, b)
	return lam
}

func inClosedSimplex(vs [][]*big.Rat, simp []int, x []*big.Rat) bool {
	for _, l := range barycentric(vs, simp, x) {
		if l.Sign() < 0 {
			return false
		}
	}
	return true
}

// interpolant returns the affine function taking the given values at the
// simplex's corners.
func interpolant(vs [][]*big.Rat, value []*big.Rat, simp []int) (Affine, error) {
	n := len(simp) - 1
	a := make([][]*big.Rat, n+1)
	b := make([]*big.Rat, n+1)
	for r, v := range simp {
		a[r] = make([]*big.Rat, n+1)
		for j := 0; j < n; j++ {
			a[r][j] = vs[v][j]
		}
		a[r][n] = big.NewRat(1, 1)
		b[r] = value[v]
	}
	x, ok := solve(a, b)
	if !ok {
		return Affine{}, fmt.Errorf("degenerate simplex")
	}
	return Affine{W: x[:n], B: x[n]}, nil
}

// checkEdges2D rejects two edges of different triangles that cross at a
// point interior to both (the remaining way two triangles can overlap once
// no vertex lies in another triangle).
func checkEdges2D(t *Triangulation) error {
	type edge struct{ a, b, s int }
	var es []edge
	seen := map[string]bool{}
	for s, simp := range t.Simplices {
		for i := 0; i < 3; i++ {
			a, b := simp[i], simp[(i+1)%3]
			if a > b {
				a, b = b, a
			}
			k := setKey([]int{a, b})
			if !seen[k] {
				seen[k] = true
				es = append(es, edge{a, b, s})
			}
		}
	}
	vs := t.Vertices
	for i := range es {
		for j := i + 1; j < len(es); j++ {
			e, f := es[i], es[j]
			if e.a == f.a || e.a == f.b || e.b == f.a || e.b == f.b {
				continue
			}
			d1 := orient(vs, []int{e.a, e.b, f.a})
			d2 := orient(vs, []int{e.a, e.b, f.b})
			d3 := orient(vs, []int{f.a, f.b, e.a})
			d4 := orient(vs, []int{f.a, f.b, e.b})
			if d1*d2 < 0 && d3*d4 < 0 {
				return fmt.Errorf("not a valid simplicial complex: edge %d–%d crosses edge %d–%d", e.a, e.b, f.a, f.b)
			}
		}
	}
	return nil
}

// Lattice returns the max–min form of f on the (convex) domain
// (Ovchinnikov 2002, Theorem 2.1): with g_s the piece on simplex P_s and
// S_s = {j : g_j ≥ g_s on P_s} (checked at the corners, since g_j − g_s is
// affine), f = max_s min_{j∈S_s} g_j on the domain. Equal pieces are merged.
func (c *Checked) Lattice() *Lattice {
	l := &Lattice{N: c.N}
	index := map[string]int{}
	pieceOf := make([]int, len(c.Pieces))
	for s, p := range c.Pieces {
		k := p.key()
		i, ok := index[k]
		if !ok {
			i = len(l.Affine)
			index[k] = i
			l.Affine = append(l.Affine, p)
		}
		pieceOf[s] = i
	}
	// Values of every distinct piece at every vertex.
	vals := make([][]*big.Rat, len(l.Affine))
	for i, a := range l.Affine {
		vals[i] = make([]*big.Rat, len(c.Vertices))
		for v, x := range c.Vertices {
			vals[i][v] = a.Eval(x)
		}
	}
	for s, simp := range c.Simplices {
		g := pieceOf[s]
		var set []int
		for j := range l.Affine {
			ok := true
			for _, v := range simp {
				if vals[j][v].Cmp(vals[g][v]) < 0 {
					ok = false
					break
				}
			}
			if ok {
				set = append(set, j)
			}
		}
		l.Sets = append(l.Sets, set)
	}
	l.Sets = absorb(l.Sets)
	return l
}

// Value returns f at vertex v.
func (c *Checked) Value(v int) *big.Rat { return c.value[v] }

// StarSize returns the largest number of simplices sharing a vertex (k_h of
// He, Li, Xu and Zheng 2018).
func (c *Checked) StarSize() int {
	cnt := make([]int, len(c.Vertices))
	best := 0
	for _, simp := range c.Simplices {
		for _, v := range simp {
			cnt[v]++
			best = max(best, cnt[v])
		}
	}
	return best
}

// PWL1 returns the function of a 1-D triangulation, extended affinely
// beyond the end intervals.
func (c *Checked) PWL1() *PWL1 {
	type iv struct {
		lo, hi int
		piece  Affine
	}
	var ivs []iv
	for s, simp := range c.Simplices {
		a, b := simp[0], simp[1]
		if c.Vertices[a][0].Cmp(c.Vertices[b][0]) > 0 {
			a, b = b, a
		}
		ivs = append(ivs, iv{a, b, c.Pieces[s]})
	}
	sort.Slice(ivs, func(i, j int) bool { return c.Vertices[ivs[i].lo][0].Cmp(c.Vertices[ivs[j].lo][0]) < 0 })
	p := &PWL1{Left: ivs[0].piece.W[0], Right: ivs[len(ivs)-1].piece.W[0]}
	for _, e := range ivs {
		p.X = append(p.X, c.Vertices[e.lo][0])
		p.Y = append(p.Y, c.value[e.lo])
	}
	last := ivs[len(ivs)-1].hi
	p.X = append(p.X, c.Vertices[last][0])
	p.Y = append(p.Y, c.value[last])
	return p.Simplify()
}

// checkIntervals validates a 1-D triangulation: sorted by left end, every
// interval must start exactly at the vertex where the previous one ends.
func checkIntervals(t *Triangulation) error {
	type iv struct{ lo, hi, s int }
	x := func(v int) *big.Rat { return t.Vertices[v][0] }
	ivs := make([]iv, len(t.Simplices))
	for s, simp := range t.Simplices {
		a, b := simp[0], simp[1]
		if x(a).Cmp(x(b)) > 0 {
			a, b = b, a
		}
		ivs[s] = iv{a, b, s}
	}
	sort.Slice(ivs, func(i, j int) bool { return x(ivs[i].lo).Cmp(x(ivs[j].lo)) < 0 })
	for i := 1; i < len(ivs); i++ {
		p, q := ivs[i-1], ivs[i]
		switch c := x(q.lo).Cmp(x(p.hi)); {
		case c < 0:
			return fmt.Errorf("not a valid simplicial complex: vertex %d lies in simplex %d without being one of its corners", q.lo, p.s)
		case c > 0:
			return fmt.Errorf("the domain is not convex (gap between vertices %d and %d); the max–min construction needs a convex domain", p.hi, q.lo)
		case q.lo != p.hi:
			return fmt.Errorf("not a valid simplicial complex: vertices %d and %d coincide", p.hi, q.lo)
		}
	}
	return nil
}
