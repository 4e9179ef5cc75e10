package region

import "math/bits"

// cutTol is the relative tolerance below which the value of an affine
// function at a vertex counts as zero. Vertex coordinates come from a chain
// of at most a few hundred intersections, each exact to a few ulps of the
// values involved, and the affine maps from dot products over at most a few
// hundred terms; errors therefore stay below ~1e-12 of the scale
// |h_0| + Σ|h_k x_k|. 1e-9 leaves three orders of magnitude of margin while
// still resolving regions thinner than a micrometre on a unit box. Decisions
// inside this band are re-checked by Options.Exact.
const cutTol = 1e-9

// cell is a convex polytope in R^d kept as its vertices together with, for
// every vertex, the set of facets (constraints) that are tight there. The
// tight sets make adjacency of vertices a combinatorial question (Fukuda and
// Prodon's test): u and w span an edge iff no third vertex is tight on every
// constraint tight at both. This is exact however degenerate the polytope is,
// so splitting never needs an epsilon beyond the sign of h at the vertices.
type cell struct {
	d     int
	nv    int
	nf    int
	words int
	x     []float64 // nv×d coordinates
	t     []uint64  // nv×words tight-set bits, bit k ↔ facet fid[k]
	fid   []int64   // facet identities (see ref encoding)
	e     []int32   // edges as vertex index pairs, valid iff hasE (edges.go)
	hasE  bool
}

func (c *cell) vert(i int) []float64 { return c.x[i*c.d : (i+1)*c.d] }
func (c *cell) tight(i int) []uint64 { return c.t[i*c.words : (i+1)*c.words] }

// reset empties c for dimension d with room for nf facets.
func (c *cell) reset(d, nf int) {
	c.d, c.nv, c.nf = d, 0, nf
	c.words = (nf + 63) / 64
	if c.words == 0 {
		c.words = 1
	}
	c.x = c.x[:0]
	c.t = c.t[:0]
	c.fid = c.fid[:0]
	c.e = c.e[:0]
	c.hasE = false
}

// addVertex appends a vertex with an empty tight set and returns its index.
func (c *cell) addVertex(x []float64) int {
	c.x = append(c.x, x...)
	for range c.words {
		c.t = append(c.t, 0)
	}
	c.nv++
	return c.nv - 1
}

func (c *cell) copyFrom(o *cell) {
	c.d, c.nv, c.nf, c.words = o.d, o.nv, o.nf, o.words
	c.x = append(c.x[:0], o.x...)
	c.t = append(c.t[:0], o.t...)
	c.fid = append(c.fid[:0], o.fid...)
	c.e = append(c.e[:0], o.e...)
	c.hasE = o.hasE
}

// centroid writes the vertex average (a point of the relative interior) to dst.
func (c *cell) centroid(dst []float64) {
	for k := range dst {
		dst[k] = 0
	}
	for i := 0; i < c.nv; i++ {
		v := c.vert(i)
		for k := range dst {
			dst[k] += v[k]
		}
	}
	for k := range dst {
		dst[k] /= float64(c.nv)
	}
}

// evalAffine returns h(x) = h[0..d-1]·x + h[d] and the scale Σ|h_k x_k|+|h_d|
// used for the zero test.
func evalAffine(h, x []float64) (v, scale float64) {
	d := len(x)
	v = h[d]
	scale = abs(v)
	for k, xk := range x {
		p := h[k] * xk
		v += p
		scale += abs(p)
	}
	return v, scale
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// hscale bounds |h_d| + Σ|h_k x_k| over the box |x_k| ≤ R_k: the magnitude of
// the terms whose rounding errors the zero test of classify must absorb.
func hscale(h, R []float64) float64 {
	d := len(R)
	s := abs(h[d])
	for k, r := range R {
		s += abs(h[k]) * r
	}
	return s
}

// classify evaluates h at every vertex and returns the sign (-1, 0, +1) of
// each into sg and the values into val; it reports whether some vertex is
// strictly positive and some strictly negative. Values within
// cutTol·scale of zero count as zero (scale from hscale); near reports that
// one of them was not exactly zero, i.e. that the decision relied on the
// tolerance.
func (c *cell) classify(h []float64, scale float64, val []float64, sg []int8) (pos, neg, near bool) {
	d := c.d
	eps := cutTol * scale
	if d == 2 {
		h0, h1, h2 := h[0], h[1], h[2]
		x := c.x[:2*c.nv]
		for i := 0; i < c.nv; i++ {
			v := h0*x[2*i] + h1*x[2*i+1] + h2
			val[i] = v
			switch {
			case v > eps:
				sg[i] = 1
				pos = true
			case v < -eps:
				sg[i] = -1
				neg = true
			default:
				sg[i] = 0
				near = near || v != 0
			}
		}
		return pos, neg, near
	}
	if d == 3 || d == 4 {
		// Unrolled (the R3 workloads), summing in the order of the
		// generic loop below so that every value is bit-identical.
		h0, h1, h2, h3, h4 := h[0], h[1], h[2], h[3], 0.0
		if d == 4 {
			h4 = h[4]
		} else {
			h3, h4 = 0, h[3]
		}
		x := c.x[:d*c.nv]
		for i := 0; i < c.nv; i++ {
			var v float64
			if d == 3 {
				y := x[3*i : 3*i+3 : 3*i+3]
				v = h4 + h0*y[0] + h1*y[1] + h2*y[2]
			} else {
				y := x[4*i : 4*i+4 : 4*i+4]
				v = h4 + h0*y[0] + h1*y[1] + h2*y[2] + h3*y[3]
			}
			val[i] = v
			switch {
			case v > eps:
				sg[i] = 1
				pos = true
			case v < -eps:
				sg[i] = -1
				neg = true
			default:
				sg[i] = 0
				near = near || v != 0
			}
		}
		return pos, neg, near
	}
	for i := 0; i < c.nv; i++ {
		x := c.x[i*d : (i+1)*d]
		v := h[d]
		for k, xk := range x {
			v += h[k] * xk
		}
		val[i] = v
		switch {
		case v > eps:
			sg[i] = 1
			pos = true
		case v < -eps:
			sg[i] = -1
			neg = true
		default:
			sg[i] = 0
			near = near || v != 0
		}
	}
	return pos, neg, near
}

// splitWS is scratch space for split.
type splitWS struct {
	common []uint64
	newX   []float64
	newT   []uint64
	keep   []int
	cnt    []int
	remap  []int
	mp, mn []int32 // old vertex → index in the pos / neg child (splitEdges)
	fp, fn []int32 // new facet's vertices in the pos / neg child
	// apex is set when every cutting hyperplane passes through the origin
	// (the perspective of Whole); affine then marks the cell's constraints
	// that do not. An edge whose common constraints all pass through the
	// origin lies on a line through it, so a cut through the origin meets
	// it there: the new vertex is set to exactly 0 instead of interpolated,
	// which keeps every later decision at the apex an exact zero.
	apex   bool
	affine []uint64
}

// atApex reports whether the new vertex on an edge with common tight set
// common is the origin (see splitWS.apex).
func (ws *splitWS) atApex(common []uint64) bool {
	if !ws.apex {
		return false
	}
	for k, b := range common {
		if k < len(ws.affine) && b&ws.affine[k] != 0 {
			return false
		}
	}
	return true
}

// split cuts c by the hyperplane h = 0 (signs sg, values val from classify)
// into pos (h ≥ 0) and neg (h ≤ 0). The new facet gets identity id and is
// tight at the vertices with sign 0 and at the new vertices on cut edges.
// Facets left with fewer than d tight vertices are dropped (they are not
// facets, hence redundant), which keeps tight sets short.
func (c *cell) split(h, val []float64, sg []int8, id int64, pos, neg *cell, ws *splitWS) {
	if c.hasE {
		c.splitEdges(val, sg, id, pos, neg, ws)
		return
	}
	d := c.d
	nf := c.nf + 1
	words := (nf + 63) / 64
	fw := c.nf / 64
	fb := uint64(1) << uint(c.nf%64)
	// New vertices on edges (u positive, w negative).
	ws.newX = ws.newX[:0]
	ws.newT = ws.newT[:0]
	if cap(ws.common) < c.words {
		ws.common = make([]uint64, c.words)
	}
	common := ws.common[:c.words]
	nnew := 0
	for u := 0; u < c.nv; u++ {
		if sg[u] <= 0 {
			continue
		}
		tu := c.tight(u)
		for w := 0; w < c.nv; w++ {
			if sg[w] >= 0 {
				continue
			}
			if c.words == 1 {
				// Fast path: one word per tight set.
				cm := tu[0] & c.t[w]
				// An edge lies on at least d−1 common constraints.
				if bits.OnesCount64(cm) < d-1 {
					continue
				}
				edge := true
				for z, tz := range c.t[:c.nv] {
					if cm&^tz == 0 && z != u && z != w {
						edge = false
						break
					}
				}
				if !edge {
					continue
				}
				common[0] = cm
			} else {
				tw := c.tight(w)
				n := 0
				for k := range common {
					common[k] = tu[k] & tw[k]
					n += bits.OnesCount64(common[k])
				}
				if n < d-1 || !c.isEdge(u, w, common) {
					continue
				}
			}
			t := val[u] / (val[u] - val[w])
			xu, xw := c.vert(u), c.vert(w)
			apex := ws.atApex(common)
			for k := 0; k < d; k++ {
				v := xu[k] + t*(xw[k]-xu[k])
				if apex {
					v = 0
				}
				ws.newX = append(ws.newX, v)
			}
			for k := 0; k < words; k++ {
				var b uint64
				if k < c.words {
					b = common[k]
				}
				if k == fw {
					b |= fb
				}
				ws.newT = append(ws.newT, b)
			}
			nnew++
		}
	}
	for side, dst := range [2]*cell{pos, neg} {
		want := int8(1)
		if side == 1 {
			want = -1
		}
		dst.d, dst.nv, dst.nf, dst.words = d, 0, nf, words
		dst.hasE = false
		dst.x = dst.x[:0]
		dst.t = dst.t[:0]
		dst.fid = append(append(dst.fid[:0], c.fid...), id)
		c.keepOld(dst, sg, want, words, fw, fb)
		dst.x = append(dst.x, ws.newX...)
		dst.t = append(dst.t, ws.newT...)
		dst.nv += nnew
		dst.compact(ws)
	}
}

// keepOld appends to dst, in order, the vertices of c that are not strictly
// on side -want of the cut (sg holds their signs), widening each tight set
// to words words and adding the new facet (bit fb of word fw) to those on
// the cut. Both split paths, with and without the edge graph, build their
// children's old vertices this way.
func (c *cell) keepOld(dst *cell, sg []int8, want int8, words, fw int, fb uint64) {
	for u := 0; u < c.nv; u++ {
		if sg[u] == -want {
			continue
		}
		dst.x = append(dst.x, c.vert(u)...)
		tu := c.tight(u)
		for k := 0; k < words; k++ {
			var b uint64
			if k < c.words {
				b = tu[k]
			}
			if k == fw && sg[u] == 0 {
				b |= fb
			}
			dst.t = append(dst.t, b)
		}
		dst.nv++
	}
}

// isEdge reports whether vertices u and w span an edge: no other vertex is
// tight on all constraints in common (their common tight set).
func (c *cell) isEdge(u, w int, common []uint64) bool {
	for z := 0; z < c.nv; z++ {
		if z == u || z == w {
			continue
		}
		tz := c.tight(z)
		sub := true
		for k, b := range common {
			if b&^tz[k] != 0 {
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

// compact drops constraints tight at fewer than d vertices.
func (c *cell) compact(ws *splitWS) {
	if cap(ws.cnt) < c.nf {
		ws.cnt = make([]int, c.nf)
		ws.remap = make([]int, c.nf)
	}
	cnt := ws.cnt[:c.nf]
	for k := range cnt {
		cnt[k] = 0
	}
	for i := 0; i < c.nv; i++ {
		for w, b := range c.tight(i) {
			for b != 0 {
				k := w*64 + bits.TrailingZeros64(b)
				b &= b - 1
				cnt[k]++
			}
		}
	}
	drop := false
	for _, n := range cnt {
		if n < c.d {
			drop = true
			break
		}
	}
	if !drop {
		return
	}
	remap := ws.remap[:c.nf]
	nf := 0
	for k, n := range cnt {
		if n >= c.d {
			remap[k] = nf
			c.fid[nf] = c.fid[k]
			nf++
		} else {
			remap[k] = -1
		}
	}
	words := (nf + 63) / 64
	if words == 0 {
		words = 1
	}
	// Rewrite tight sets in place; the new layout is never longer.
	var tmp [8]uint64
	for i := 0; i < c.nv; i++ {
		old := c.t[i*c.words : (i+1)*c.words]
		var nb []uint64
		if words <= len(tmp) {
			nb = tmp[:words]
		} else {
			nb = make([]uint64, words)
		}
		for k := range nb {
			nb[k] = 0
		}
		for w, b := range old {
			for b != 0 {
				k := w*64 + bits.TrailingZeros64(b)
				b &= b - 1
				if r := remap[k]; r >= 0 {
					nb[r/64] |= 1 << uint(r%64)
				}
			}
		}
		copy(c.t[i*words:(i+1)*words], nb)
	}
	c.t = c.t[:c.nv*words]
	c.fid = c.fid[:nf]
	c.nf, c.words = nf, words
}
