package convert

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"sort"
	"strings"
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

// Validate checks the triangulation and returns its pieces. The checks are
// complete in every dimension, in exact rational arithmetic: the simplices
// must form a simplicial complex, its union must be convex, and the values
// must be continuous; otherwise the error names the offending simplices (or
// vertices) and the problem.
//
//   - Input: dimensions, indices, values; every vertex used, no two vertices
//     at the same point, no simplex given twice.
//   - Continuity: all values given at one vertex agree (with one value per
//     vertex the interpolants then agree on every shared face).
//   - Non-degeneracy: the corners of every simplex are affinely independent.
//   - Simplicial complex: any two simplices S, T intersect in their common
//     face, conv S ∩ conv T = conv(S ∩ T). Two simplices sharing an
//     (n−1)-face must lie on opposite sides of it (no face in three); for
//     the other pairs whose bounding boxes meet, an exact test in S's
//     barycentric coordinates decides it (properFace). For n = 1 the
//     intervals are sorted instead.
//   - Convexity: every boundary facet (in one simplex only) has all
//     vertices on one side of its hyperplane. For a simplicial complex this
//     holds exactly when the union is convex, which Ovchinnikov's theorem
//     (the max–min form, Lattice) needs: on a non-convex domain f need not
//     be a max–min of its own pieces.
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
	// Distinct positions and distinct simplices: the faces of the complex
	// are named by vertex indices, so two indices may not share a point.
	at := map[string]int{}
	for v, x := range t.Vertices {
		k := pointKey(x)
		if w, ok := at[k]; ok {
			return nil, fmt.Errorf("not a valid simplicial complex: vertices %d and %d coincide (both at %s)", w, v, fmtPoint(x))
		}
		at[k] = v
	}
	given := map[string]int{}
	for s, simp := range t.Simplices {
		k := setKey(sortedCopy(simp))
		if r, ok := given[k]; ok {
			return nil, fmt.Errorf("not a valid simplicial complex: simplices %d and %d are the same simplex (duplicate, vertices %v)", r, s, sortedCopy(simp))
		}
		given[k] = s
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
	if n == 1 {
		// Sorted by left end, each interval must start where the previous
		// one ends: a complex with a convex (connected) union.
		if err := checkIntervals(t); err != nil {
			return nil, err
		}
		return c, nil
	}
	boundary, err := checkFacets(t)
	if err != nil {
		return nil, err
	}
	if err := checkPairs(t); err != nil {
		return nil, err
	}
	if err := checkConvex(t, boundary); err != nil {
		return nil, err
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

// Lattice returns the max–min form of f on the (convex) domain
// (Ovchinnikov 2002, Theorem 2.1): with g_s the piece on simplex P_s and
// S_s = {j : g_j ≥ g_s on P_s} (checked at the corners, since g_j − g_s is
// affine), f = max_s min_{j∈S_s} g_j on the domain. Equal pieces are merged.
func (c *Checked) Lattice() *Lattice {
	l := &Lattice{N: c.N}
	var pieceOf []int
	l.Affine, pieceOf = distinctAffine(c.Pieces)
	// Values of every distinct piece at every vertex.
	vals := make([][]*big.Rat, len(l.Affine))
	for i, a := range l.Affine {
		vals[i] = make([]*big.Rat, len(c.Vertices))
		for v, x := range c.Vertices {
			vals[i][v] = a.Eval(x)
		}
	}
	l.Sets = ovchinnikovSets(len(l.Affine), pieceOf, func(s, j, g int) bool {
		for _, v := range c.Simplices[s] {
			if vals[j][v].Cmp(vals[g][v]) < 0 {
				return false
			}
		}
		return true
	})
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

func pointKey(x []*big.Rat) string {
	var b strings.Builder
	for _, v := range x {
		b.WriteString(v.RatString())
		b.WriteByte(',')
	}
	return b.String()
}

func sortedCopy(s []int) []int {
	c := append([]int(nil), s...)
	sort.Ints(c)
	return c
}

// checkFacets checks that every (n−1)-face lies in at most two simplices,
// on opposite sides of it when in two (then the two meet exactly in that
// face: each lies in one closed half-space of its hyperplane and meets the
// hyperplane in the face alone), and returns the boundary faces, those in
// one simplex, with that simplex.
func checkFacets(t *Triangulation) ([]boundaryFace, error) {
	type inc struct{ simp, opposite int }
	facets := map[string][]inc{}
	for s, simp := range t.Simplices {
		srt := sortedCopy(simp)
		for drop := range srt {
			k := setKey(without(srt, drop))
			facets[k] = append(facets[k], inc{s, srt[drop]})
		}
	}
	keys := slices.Sorted(maps.Keys(facets))
	var boundary []boundaryFace
	for _, k := range keys {
		in := facets[k]
		f := parseKey(k)
		switch len(in) {
		case 1:
			boundary = append(boundary, boundaryFace{f, in[0].simp})
		case 2:
			s1 := side(t.Vertices, f, in[0].opposite)
			s2 := side(t.Vertices, f, in[1].opposite)
			if s1*s2 >= 0 {
				return nil, fmt.Errorf("not a valid simplicial complex: simplices %d and %d overlap across their shared face %v (their opposite vertices %d and %d are on the same side of it)",
					in[0].simp, in[1].simp, f, in[0].opposite, in[1].opposite)
			}
		default:
			var ss []int
			for _, x := range in {
				ss = append(ss, x.simp)
			}
			return nil, fmt.Errorf("not a valid simplicial complex: face %v is shared by %d simplices %v", f, len(in), ss)
		}
	}
	return boundary, nil
}

// boundaryFace is an (n−1)-face in one simplex only.
type boundaryFace struct {
	face []int
	simp int
}

// checkConvex checks that the union of a simplicial complex is convex:
// every boundary face has all vertices on one side of its hyperplane.
//
// Sufficient: the topological boundary of the union K lies in the union of
// the boundary faces (a point inside a face shared by two simplices on
// opposite sides is interior to K), so every point of ∂K lies in a
// supporting hyperplane of conv V (V the vertices). If some y in the
// interior of conv V were outside K, the segment from an interior point of
// K to y would cross ∂K inside the interior of conv V, a contradiction; so
// K ⊇ int conv V, and K = conv V as K is closed. Necessary: a boundary face
// of a complex lies in ∂K (a simplex meeting the relative interior of a
// face on its other side would, by the complex property, contain the face
// as a face of its own, so the face would be shared), and a flat piece of
// the boundary of a convex set spans a supporting hyperplane.
func checkConvex(t *Triangulation, boundary []boundaryFace) error {
	n := t.N
	done := map[string]bool{}
	for _, bf := range boundary {
		a, c := hyperplane(t.Vertices, bf.face)
		// Normalise (a, c) so that equal hyperplanes are tested once.
		p := 0
		for a[p].Sign() == 0 {
			p++
		}
		inv := new(big.Rat).Inv(new(big.Rat).Abs(a[p]))
		k := ""
		for j := 0; j < n; j++ {
			a[j].Mul(a[j], inv)
			k += a[j].RatString() + ","
		}
		c.Mul(c, inv)
		k += c.RatString()
		if done[k] {
			continue
		}
		done[k] = true
		pos, neg := -1, -1
		var s, tm big.Rat
		for v, x := range t.Vertices {
			s.Neg(c)
			for j := 0; j < n; j++ {
				s.Add(&s, tm.Mul(a[j], x[j]))
			}
			switch s.Sign() {
			case 1:
				pos = v
			case -1:
				neg = v
			}
			if pos >= 0 && neg >= 0 {
				return fmt.Errorf("the domain (union of the simplices) is not convex: boundary face %v of simplex %d has vertices %d and %d strictly on both sides of its hyperplane; the max–min construction (Ovchinnikov's theorem) needs a convex domain",
					bf.face, bf.simp, pos, neg)
			}
		}
	}
	return nil
}

// hyperplane returns (a, c) with a ≠ 0 and a·x = c through the n affinely
// independent points of face: a_j is the cofactor of column j in the
// matrix of the differences p_i − p_0.
func hyperplane(vs [][]*big.Rat, face []int) ([]*big.Rat, *big.Rat) {
	n := len(vs[face[0]])
	d := make([][]*big.Rat, n-1)
	for i := range d {
		d[i] = make([]*big.Rat, n)
		for j := range d[i] {
			d[i][j] = new(big.Rat).Sub(vs[face[i+1]][j], vs[face[0]][j])
		}
	}
	a := make([]*big.Rat, n)
	c := new(big.Rat)
	for j := 0; j < n; j++ {
		m := make([][]*big.Rat, n-1)
		for i := range m {
			m[i] = append(append([]*big.Rat(nil), d[i][:j]...), d[i][j+1:]...)
		}
		a[j] = det(m)
		if j%2 == 1 {
			a[j].Neg(a[j])
		}
		c.Add(c, new(big.Rat).Mul(a[j], vs[face[0]][j]))
	}
	return a, c
}

// simplexInfo holds what the pairwise test needs of one simplex: its
// bounding box rounded outwards to floats, its integer barycentric rows
// (computed when first needed) and, for describing a failure, its exact
// barycentric matrix.
type simplexInfo struct {
	lo, hi []float64
	rows   [][]*big.Int // λ_k(x) = rows[k]·(x̂, 1) / |det|, x̂ the scaled point
	rowsF  [][]float64  // float copies for the sign filter
	okF    bool         // rowsF usable (every entry in range)
	exactF bool         // and every entry exactly a float
	bary   [][]*big.Rat // λ_k(x) = bary[k]·(x, 1), original coordinates
}

// pairCtx holds the state of the pairwise test. Coordinate j of every
// vertex is multiplied by the common denominator of that coordinate: a
// positive diagonal map, which preserves every incidence the test decides,
// and makes all coordinates integers. Then n·|det| times the barycentric
// coordinates of a simplex are integer affine functions (cofactors), so
// the hot path needs no rational arithmetic.
type pairCtx struct {
	t    *Triangulation
	info []simplexInfo
	xi   [][]*big.Int // scaled integer coordinates
	xf   [][]float64  // their floats
	xok  []bool       // usable for the filter
	xex  []bool       // exactly floats
}

func newPairCtx(t *Triangulation) *pairCtx {
	n := t.N
	nv := len(t.Vertices)
	pc := &pairCtx{t: t, info: make([]simplexInfo, len(t.Simplices)),
		xi: make([][]*big.Int, nv), xf: make([][]float64, nv), xok: make([]bool, nv), xex: make([]bool, nv)}
	for v := range t.Vertices {
		pc.xi[v] = make([]*big.Int, n)
		pc.xf[v] = make([]float64, n)
		pc.xok[v], pc.xex[v] = true, true
	}
	for j := 0; j < n; j++ {
		col := make([]*big.Rat, nv)
		for v, x := range t.Vertices {
			col[v] = x[j]
		}
		_, ints := intScale(col...)
		for v := range t.Vertices {
			pc.xi[v][j] = ints[v]
			f, ok, ex := floatInt(ints[v])
			pc.xf[v][j] = f
			pc.xok[v] = pc.xok[v] && ok
			pc.xex[v] = pc.xex[v] && ex
		}
	}
	return pc
}

// floatInt converts x for the sign filter, reporting whether the float is
// usable — zero, or far from overflow and underflow, so that products of
// two such floats and their rounding errors are normal floats — and
// whether it is exact.
func floatInt(x *big.Int) (f float64, ok, exact bool) {
	f, acc := x.Float64()
	a := math.Abs(f)
	return f, x.Sign() == 0 || (a >= 1e-140 && a <= 1e140), acc == big.Exact
}

// intRows returns the integer barycentric rows of simplex s: with M the
// matrix whose rows are the scaled corners (x̂_k, 1), row k is |det M|
// times the r with r·(x̂_j, 1) = δ_kj — by Cramer's rule a vector of
// signed cofactors of M, hence integers.
func (pc *pairCtx) intRows(s int) [][]*big.Int {
	in := &pc.info[s]
	if in.rows != nil {
		return in.rows
	}
	simp := pc.t.Simplices[s]
	n := len(simp) - 1
	mt := make([][]*big.Rat, n+1)
	for k, v := range simp {
		mt[k] = make([]*big.Rat, n+1)
		for j := 0; j < n; j++ {
			mt[k][j] = new(big.Rat).SetInt(pc.xi[v][j])
		}
		mt[k][n] = big.NewRat(1, 1)
	}
	d := det(mt)
	d.Abs(d)
	bary := transposedInverse(mt) // non-singular: the simplex was checked
	in.rows = make([][]*big.Int, n+1)
	in.rowsF = make([][]float64, n+1)
	in.okF, in.exactF = true, true
	for k := range bary {
		in.rows[k] = make([]*big.Int, n+1)
		in.rowsF[k] = make([]float64, n+1)
		for j := range bary[k] {
			v := new(big.Rat).Mul(bary[k][j], d)
			in.rows[k][j] = new(big.Int).Set(v.Num()) // v is an integer: cofactor
			f, ok, ex := floatInt(in.rows[k][j])
			in.rowsF[k][j] = f
			in.okF = in.okF && ok
			in.exactF = in.exactF && ex
		}
	}
	return in.rows
}

// lam returns |det|·λ_k(u) exactly.
func (pc *pairCtx) lam(s, k, u int) *big.Int {
	row := pc.intRows(s)[k]
	x := pc.xi[u]
	n := len(x)
	sum := new(big.Int).Set(row[n])
	var t big.Int
	for j := 0; j < n; j++ {
		if row[j].Sign() != 0 && x[j].Sign() != 0 {
			sum.Add(sum, t.Mul(row[j], x[j]))
		}
	}
	return sum
}

// baryS returns the sign of λ_k(u) for corner k of simplex s and vertex u.
func (pc *pairCtx) baryS(s, k, u int) int { return pc.signRows(s, []int{k}, u) }

// signRows returns the sign of Σ_{k∈rows} λ_k(u) for corners k of simplex
// s and vertex u. The float sum of the correctly rounded operands (relative
// error 2⁻⁵³ each) has an error below (n+2+|rows|)·2⁻⁵³ times the sum of
// the absolute products; the sign is trusted beyond (n+2+|rows|)·10⁻¹⁵
// times that sum (a 4-fold margin) and computed exactly otherwise.
//
// When every operand is exactly a float (integers below 2⁵³: grid meshes
// and most rational ones after scaling), the rounding error of each product
// and sum is also computed (FMA and Knuth's two-sum, both error-free); if
// all vanish the float result is the exact value, zero included.
func (pc *pairCtx) signRows(s int, rows []int, u int) int {
	pc.intRows(s)
	in := &pc.info[s]
	if in.okF && pc.xok[u] {
		x := pc.xf[u]
		n := len(x)
		sum, mag := 0.0, 0.0
		exact := in.exactF && pc.xex[u]
		add := func(p float64) {
			t := sum + p
			if exact {
				b := t - sum
				exact = (sum-(t-b))+(p-b) == 0
			}
			sum = t
			mag += math.Abs(p)
		}
		for _, k := range rows {
			row := in.rowsF[k]
			add(row[n])
			for j := 0; j < n; j++ {
				p := row[j] * x[j]
				if exact && math.FMA(row[j], x[j], -p) != 0 {
					exact = false
				}
				add(p)
			}
		}
		tol := float64(n+2+len(rows)) * 1e-15 * mag
		switch {
		case exact || sum > tol || sum < -tol:
			switch {
			case sum > 0:
				return 1
			case sum < 0:
				return -1
			}
			return 0
		case mag == 0:
			return 0
		}
	}
	sum := new(big.Int)
	for _, k := range rows {
		sum.Add(sum, pc.lam(s, k, u))
	}
	return sum.Sign()
}

// checkPairs checks conv S ∩ conv T = conv(S ∩ T) for every pair of
// simplices not sharing an (n−1)-face (checkFacets has those) whose
// bounding boxes meet; simplices with disjoint boxes are disjoint and share
// no vertex. Candidate pairs come from a sweep over the boxes sorted by
// their lower x₀ bound.
func checkPairs(t *Triangulation) error {
	n := t.N
	pc := newPairCtx(t)
	info := pc.info
	for s, simp := range t.Simplices {
		in := &info[s]
		in.lo, in.hi = make([]float64, n), make([]float64, n)
		for j := 0; j < n; j++ {
			in.lo[j], in.hi[j] = math.Inf(1), math.Inf(-1)
			for _, v := range simp {
				f, _ := t.Vertices[v][j].Float64()
				in.lo[j] = math.Min(in.lo[j], math.Nextafter(f, math.Inf(-1)))
				in.hi[j] = math.Max(in.hi[j], math.Nextafter(f, math.Inf(1)))
			}
		}
	}
	order := seq(len(t.Simplices))
	sort.Slice(order, func(a, b int) bool { return info[order[a]].lo[0] < info[order[b]].lo[0] })
	for a, s := range order {
		for _, r := range order[a+1:] {
			if info[r].lo[0] > info[s].hi[0] {
				break
			}
			meet := true
			for j := 1; j < n && meet; j++ {
				meet = info[r].lo[j] <= info[s].hi[j] && info[s].lo[j] <= info[r].hi[j]
			}
			if !meet {
				continue
			}
			i, j := min(s, r), max(s, r)
			if len(shared(t.Simplices[i], t.Simplices[j])) == n {
				continue
			}
			ok, x := pc.properFace(i, j)
			if !ok {
				return improperPair(t, info, i, j, x)
			}
		}
	}
	return nil
}

// shared returns the common vertices of two simplices.
func shared(s, t []int) []int {
	var f []int
	for _, v := range s {
		if contains(t, v) {
			f = append(f, v)
		}
	}
	return f
}

// baryOf returns the exact barycentric matrix of simplex s in the original
// coordinates: λ_k(x) = bary[k]·(x, 1).
func baryOf(t *Triangulation, info []simplexInfo, s int) [][]*big.Rat {
	if info[s].bary != nil {
		return info[s].bary
	}
	simp := t.Simplices[s]
	n := len(simp) - 1
	// With the corners (x_k, 1) as the rows of A, row k of (A⁻¹)ᵀ is the
	// r with r·(x_j, 1) = δ_kj.
	mt := make([][]*big.Rat, n+1)
	for k, v := range simp {
		mt[k] = make([]*big.Rat, n+1)
		for j := 0; j < n; j++ {
			mt[k][j] = t.Vertices[v][j]
		}
		mt[k][n] = big.NewRat(1, 1)
	}
	info[s].bary = transposedInverse(mt) // non-singular: the simplex was checked
	return info[s].bary
}

// transposedInverse returns (A⁻¹)ᵀ for a non-singular square matrix A, by
// Gauss–Jordan elimination on [A | I] in exact rationals: row k of the
// result is column k of A⁻¹, the r with (row j of A)·r = δ_jk.
func transposedInverse(a [][]*big.Rat) [][]*big.Rat {
	n := len(a)
	m := make([][]*big.Rat, n)
	for i := range m {
		m[i] = make([]*big.Rat, 2*n)
		for j := 0; j < n; j++ {
			m[i][j] = new(big.Rat).Set(a[i][j])
			m[i][n+j] = new(big.Rat)
		}
		m[i][n+i].SetInt64(1)
	}
	var t big.Rat
	for c := 0; c < n; c++ {
		p := c
		for m[p][c].Sign() == 0 {
			p++
		}
		m[c], m[p] = m[p], m[c]
		inv := new(big.Rat).Inv(m[c][c])
		for j := c; j < 2*n; j++ {
			if m[c][j].Sign() != 0 {
				m[c][j].Mul(m[c][j], inv)
			}
		}
		for r := 0; r < n; r++ {
			if r == c || m[r][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[r][c])
			for j := c; j < 2*n; j++ {
				if m[c][j].Sign() != 0 {
					m[r][j].Sub(m[r][j], t.Mul(f, m[c][j]))
				}
			}
		}
	}
	out := make([][]*big.Rat, n)
	for k := range out {
		out[k] = make([]*big.Rat, n)
		for j := range out[k] {
			out[k][j] = m[j][n+k]
		}
	}
	return out
}

// baryCoord returns λ_k(x) for row k of a barycentric matrix.
func baryCoord(row []*big.Rat, x []*big.Rat) *big.Rat {
	n := len(x)
	s := new(big.Rat).Set(row[n])
	var t big.Rat
	for j := 0; j < n; j++ {
		if row[j].Sign() != 0 && x[j].Sign() != 0 {
			s.Add(s, t.Mul(row[j], x[j]))
		}
	}
	return s
}

// properFace decides exactly whether simplices i and j (S and T) meet in
// their common face F = S ∩ T, conv S ∩ conv T = conv F; if not, it returns
// a rational point of conv S ∩ conv T outside conv F.
//
// In S's barycentric coordinates λ, conv F = {x ∈ conv S : λ_v(x) = 0 for
// v ∈ S∖F}, so the intersection leaves conv F exactly when some point
// x = Σ_{u∈T} μ_u u (μ ≥ 0, Σμ = 1) has λ(x) = Σ_u μ_u λ(u) ≥ 0 and
// Σ_{v∈S∖F} λ_v(x) > 0. For u ∈ F, λ(u) is the unit vector e_u, so with
// G_vu = λ_v(u) (v ∈ S∖F, u ∈ T∖F) and y = μ restricted to T∖F:
//
//	improper ⇔ ∃ y ≥ 0 with G·y ≥ 0 and 1ᵀG·y > 0.
//
// (⇐: put μ_f = max(0, −Σ_u y_u λ_f(u)) on f ∈ F, which makes λ_f(x) ≥ 0,
// and scale μ to sum 1; every condition is homogeneous, so G may be
// scaled by |det| to integers.) The exact LP max 1ᵀG·y subject to
// G·y ≥ 0, 1ᵀy ≤ 1, y ≥ 0 decides it, after exact shortcuts that settle
// almost every pair of a valid mesh: a hyperplane h ≥ 0 on S, vanishing on
// F only, with h ≤ 0 on T∖F, proves the pair proper (conv S ∩ conv T lies
// in {h = 0} ∩ conv S = conv F) — tried for h = λ_v, a facet of S
// strictly separating, and for the combinations of separated (dual
// certificates of the LP), from both sides; and a column of G with all
// entries ≥ 0 is a point u of T∖F that, combined with F, lies in conv S
// (improper).
func (pc *pairCtx) properFace(i, j int) (bool, []*big.Rat) {
	t := pc.t
	S, T := t.Simplices[i], t.Simplices[j]
	var sRows, tRows []int // corners of S not in T, of T not in S
	for k, v := range S {
		if !contains(T, v) {
			sRows = append(sRows, k)
		}
	}
	for k, u := range T {
		if !contains(S, u) {
			tRows = append(tRows, k)
		}
	}
	sOut, tOut := pick(S, sRows), pick(T, tRows)
	m := len(sRows)
	sg := make([][]int, m) // signs of G
	for r, k := range sRows {
		sg[r] = make([]int, m)
		all := true
		for c, u := range tOut {
			sg[r][c] = pc.baryS(i, k, u)
			all = all && sg[r][c] < 0
		}
		if all {
			return true, nil
		}
	}
	var y []*big.Int
	for c := 0; c < m && y == nil; c++ {
		all := true
		for r := range sg {
			all = all && sg[r][c] >= 0
		}
		if all {
			y = make([]*big.Int, m)
			for k := range y {
				y[k] = new(big.Int)
			}
			y[c].SetInt64(1)
		}
	}
	if y == nil {
		if pc.separated(i, sRows, tOut) || pc.separated(j, tRows, sOut) {
			return true, nil
		}
		// The LP, on G scaled by |det S| to integers.
		A := make([][]*big.Rat, m+1)
		b := make([]*big.Rat, m+1)
		cost := make([]*big.Rat, m)
		for c := range cost {
			cost[c] = new(big.Rat)
		}
		for r, k := range sRows {
			A[r] = make([]*big.Rat, m)
			for c, u := range tOut {
				g := new(big.Rat).SetInt(pc.lam(i, k, u))
				cost[c].Add(cost[c], g)
				A[r][c] = g.Neg(g)
			}
			b[r] = new(big.Rat)
		}
		A[m] = make([]*big.Rat, m)
		for c := range A[m] {
			A[m][c] = big.NewRat(1, 1)
		}
		b[m] = big.NewRat(1, 1)
		val, z := lpMax(A, b, cost, true)
		if val.Sign() <= 0 {
			return true, nil
		}
		return false, pc.witness(i, j, tOut, z)
	}
	yr := make([]*big.Rat, m)
	for k := range y {
		yr[k] = new(big.Rat).SetInt(y[k])
	}
	return false, pc.witness(i, j, tOut, yr)
}

// witness returns x = (Σ_c y_c u_c + Σ_f μ_f f) / (Σ y + Σ μ) in the
// original coordinates, with μ_f = max(0, −Σ_c y_c λ_f(u_c)) on the common
// vertices f: a point of both simplices outside their common face.
func (pc *pairCtx) witness(i, j int, tOut []int, y []*big.Rat) []*big.Rat {
	t := pc.t
	S, T := t.Simplices[i], t.Simplices[j]
	n := t.N
	x := make([]*big.Rat, n)
	for k := range x {
		x[k] = new(big.Rat)
	}
	total := new(big.Rat)
	add := func(w *big.Rat, p []*big.Rat) {
		if w.Sign() == 0 {
			return
		}
		total.Add(total, w)
		for k := range x {
			x[k].Add(x[k], new(big.Rat).Mul(w, p[k]))
		}
	}
	for c, u := range tOut {
		add(y[c], t.Vertices[u])
	}
	bary := baryOf(t, pc.info, i)
	for k, f := range S {
		if !contains(T, f) {
			continue
		}
		s := new(big.Rat)
		for c, u := range tOut {
			if y[c].Sign() != 0 {
				s.Add(s, new(big.Rat).Mul(y[c], baryCoord(bary[k], t.Vertices[u])))
			}
		}
		if s.Sign() < 0 {
			add(s.Neg(s), t.Vertices[f])
		}
	}
	for k := range x {
		x[k].Quo(x[k], total)
	}
	return x
}

// pick returns s[k] for k in idx.
func pick(s []int, idx []int) []int {
	out := make([]int, len(idx))
	for i, k := range idx {
		out[i] = s[k]
	}
	return out
}

// separated looks for the dual certificate of properFace's LP among
// z = 1 + M·1_W, W ⊆ rows, M → ∞: with h_W = Σ_{k∈W} λ_k (barycentric
// coordinates of simplex s, rows its corners outside the other simplex),
// the hyperplane h = h_rows + M·h_W vanishes on the common face only, is
// positive on the other corners of s, and is ≤ 0 at every vertex u of us
// once M is large exactly when h_W(u) < 0, or h_W(u) = 0 and
// h_rows(u) ≤ 0. W = ∅ is the plain sum; W = {k} a facet of s.
func (pc *pairCtx) separated(s int, rows, us []int) bool {
	m := len(rows)
	sum := make([]int, len(us)) // signs of h_rows, computed when needed
	w := make([]int, 0, m)
	for mask := 0; mask < 1<<m; mask++ {
		w = w[:0]
		for b := 0; b < m; b++ {
			if mask&(1<<b) != 0 {
				w = append(w, rows[b])
			}
		}
		ok := true
		for c, u := range us {
			sg := 0
			if mask != 0 {
				sg = pc.signRows(s, w, u)
			}
			if sg > 0 {
				ok = false
				break
			}
			if sg == 0 {
				if sum[c] == 0 {
					sum[c] = 2*pc.signRows(s, rows, u) + 1 // −1, 1, 3 for <0, 0, >0
				}
				if sum[c] == 3 {
					ok = false
					break
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// improperPair describes how simplices i and j fail to meet in a common
// face, x being a point of both outside their common face: a vertex of one
// inside the other, (n = 2) crossing edges, overlapping interiors, or
// otherwise a partial face.
func improperPair(t *Triangulation, info []simplexInfo, i, j int, x []*big.Rat) error {
	S, T := t.Simplices[i], t.Simplices[j]
	for _, p := range [][2]int{{i, j}, {j, i}} {
		a, b := t.Simplices[p[0]], t.Simplices[p[1]]
		bary := baryOf(t, info, p[1])
		for _, u := range a {
			if contains(b, u) {
				continue
			}
			in := true
			for k := range bary {
				if baryCoord(bary[k], t.Vertices[u]).Sign() < 0 {
					in = false
					break
				}
			}
			if in {
				return fmt.Errorf("not a valid simplicial complex: vertex %d of simplex %d lies in simplex %d without being one of its corners", u, p[0], p[1])
			}
		}
	}
	if t.N == 2 {
		for a := 0; a < 3; a++ {
			for b := 0; b < 3; b++ {
				e := [2]int{S[a], S[(a+1)%3]}
				f := [2]int{T[b], T[(b+1)%3]}
				if e[0] == f[0] || e[0] == f[1] || e[1] == f[0] || e[1] == f[1] {
					continue
				}
				vs := t.Vertices
				d1 := orient(vs, []int{e[0], e[1], f[0]})
				d2 := orient(vs, []int{e[0], e[1], f[1]})
				d3 := orient(vs, []int{f[0], f[1], e[0]})
				d4 := orient(vs, []int{f[0], f[1], e[1]})
				if d1*d2 < 0 && d3*d4 < 0 {
					return fmt.Errorf("not a valid simplicial complex: edge %d–%d of simplex %d crosses edge %d–%d of simplex %d", e[0], e[1], i, f[0], f[1], j)
				}
			}
		}
	}
	if y := interiorsMeet(t, info, i, j); y != nil {
		return fmt.Errorf("not a valid simplicial complex: simplices %d and %d overlap (their interiors share the point %s)", i, j, fmtPoint(y))
	}
	return fmt.Errorf("not a valid simplicial complex: simplices %d and %d meet in a partial face, not a common face: %s lies in both but not in their common face %v",
		i, j, fmtPoint(x), sortedCopy(shared(S, T)))
}

// interiorsMeet returns a point interior to both simplices, or nil: the LP
// max τ subject to μ_u ≥ τ, λ_v(Σ μ_u u) ≥ τ (λ: barycentric coordinates of
// simplex i, μ: weights on the corners of j), 1ᵀμ ≤ 1, μ, τ ≥ 0 has a
// positive optimum exactly when some point has all coordinates positive
// in both simplices.
func interiorsMeet(t *Triangulation, info []simplexInfo, i, j int) []*big.Rat {
	T := t.Simplices[j]
	bary := baryOf(t, info, i)
	k := len(T) // variables μ_0..μ_n, then τ
	var A [][]*big.Rat
	var b []*big.Rat
	row := func() []*big.Rat {
		r := make([]*big.Rat, k+1)
		for c := range r {
			r[c] = new(big.Rat)
		}
		return r
	}
	for u := 0; u < k; u++ { // τ − μ_u ≤ 0
		r := row()
		r[u].SetInt64(-1)
		r[k].SetInt64(1)
		A, b = append(A, r), append(b, new(big.Rat))
	}
	for v := range bary { // τ − Σ_u μ_u λ_v(u) ≤ 0
		r := row()
		for u, w := range T {
			r[u].Neg(baryCoord(bary[v], t.Vertices[w]))
		}
		r[k].SetInt64(1)
		A, b = append(A, r), append(b, new(big.Rat))
	}
	r := row()
	for u := 0; u < k; u++ {
		r[u].SetInt64(1)
	}
	A, b = append(A, r), append(b, big.NewRat(1, 1))
	cost := row()
	cost[k].SetInt64(1)
	val, z := lpMax(A, b, cost, true)
	if val.Sign() <= 0 {
		return nil
	}
	x := make([]*big.Rat, t.N)
	total := new(big.Rat)
	for c := range x {
		x[c] = new(big.Rat)
	}
	for u, w := range T {
		total.Add(total, z[u])
		for c := range x {
			x[c].Add(x[c], new(big.Rat).Mul(z[u], t.Vertices[w][c]))
		}
	}
	for c := range x {
		x[c].Quo(x[c], total)
	}
	return x
}

// lpMax maximises c·z subject to A·z ≤ b and z ≥ 0, where b ≥ 0 (so z = 0
// is feasible) and the problem is bounded, by the simplex method in exact
// rationals with Bland's rule (which cannot cycle). With stopPositive it
// returns as soon as the objective is positive. It returns the value and a
// point attaining it.
func lpMax(A [][]*big.Rat, b, c []*big.Rat, stopPositive bool) (*big.Rat, []*big.Rat) {
	m, nv := len(A), len(c)
	cols := nv + m
	tab := make([][]*big.Rat, m) // [A | I | b]
	basis := make([]int, m)
	for i := range tab {
		tab[i] = make([]*big.Rat, cols+1)
		for j := 0; j < nv; j++ {
			tab[i][j] = new(big.Rat).Set(A[i][j])
		}
		for j := nv; j < cols; j++ {
			tab[i][j] = new(big.Rat)
		}
		tab[i][nv+i].SetInt64(1)
		tab[i][cols] = new(big.Rat).Set(b[i])
		basis[i] = nv + i
	}
	red := make([]*big.Rat, cols) // reduced profits
	for j := range red {
		red[j] = new(big.Rat)
		if j < nv {
			red[j].Set(c[j])
		}
	}
	val := new(big.Rat)
	var t, q big.Rat
	for {
		e := -1
		for j := range red {
			if red[j].Sign() > 0 {
				e = j
				break
			}
		}
		if e < 0 || (stopPositive && val.Sign() > 0) {
			break
		}
		p := -1
		var best big.Rat
		for i := range tab {
			if tab[i][e].Sign() <= 0 {
				continue
			}
			q.Quo(tab[i][cols], tab[i][e])
			if p < 0 || q.Cmp(&best) < 0 || (q.Cmp(&best) == 0 && basis[i] < basis[p]) {
				p = i
				best.Set(&q)
			}
		}
		if p < 0 {
			break // unbounded: cannot happen for the bounded problems here
		}
		inv := new(big.Rat).Inv(tab[p][e])
		for j := range tab[p] {
			tab[p][j].Mul(tab[p][j], inv)
		}
		for i := range tab {
			if i == p || tab[i][e].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(tab[i][e])
			for j := range tab[i] {
				if tab[p][j].Sign() != 0 {
					tab[i][j].Sub(tab[i][j], t.Mul(f, tab[p][j]))
				}
			}
		}
		f := new(big.Rat).Set(red[e])
		for j := range red {
			if tab[p][j].Sign() != 0 {
				red[j].Sub(red[j], t.Mul(f, tab[p][j]))
			}
		}
		val.Add(val, t.Mul(f, tab[p][cols]))
		basis[p] = e
	}
	z := make([]*big.Rat, nv)
	for j := range z {
		z[j] = new(big.Rat)
	}
	for i, v := range basis {
		if v < nv {
			z[v].Set(tab[i][cols])
		}
	}
	return val, z
}
