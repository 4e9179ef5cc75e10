package region

import "math/bits"

// Edge graph of a cell.
//
// The combinatorial edge test of split (no third vertex tight on every
// constraint common to u and w) costs O(nv) per candidate pair and is run
// on every positive × negative pair of vertices, O(nv³) per cut. A cell
// that carries its edge list (hasE) is cut in O(edges) instead: the
// hyperplane is evaluated at the vertices only (classify), a new vertex
// appears on every edge whose ends have strictly opposite signs, old edges
// are split or kept on the side(s) of their ends, and the only edges left
// to find are those of the new facet P ∩ {h = 0}. Its vertices (the old
// vertices with sign 0 and the new ones) are few, and two of them span an
// edge of a child iff no third facet vertex is tight on every constraint
// tight at both: the same exact, tolerance-free test as before, restricted
// to the facet because every constraint set in question contains the new
// facet. The sign decisions are exactly those of the tight-set path (the
// same classify results), so Stats.NearZero and the exact fallback see
// every decision unchanged.

// buildEdges fills c's edge list with the all-pairs tight-set test (used
// once, on the domain cell).
func (c *cell) buildEdges() {
	c.e = c.e[:0]
	common := make([]uint64, c.words)
	for u := 0; u < c.nv; u++ {
		for w := u + 1; w < c.nv; w++ {
			tu, tw := c.tight(u), c.tight(w)
			n := 0
			for k := range common {
				common[k] = tu[k] & tw[k]
				n += bits.OnesCount64(common[k])
			}
			if n >= c.d-1 && c.isEdge(u, w, common) {
				c.e = append(c.e, int32(u), int32(w))
			}
		}
	}
	c.hasE = true
}

// splitEdges is split for a cell with an edge graph; see split for the
// contract. The children carry edge graphs too.
func (c *cell) splitEdges(val []float64, sg []int8, id int64, pos, neg *cell, ws *splitWS) {
	d := c.d
	nf := c.nf + 1
	words := (nf + 63) / 64
	fw := c.nf / 64
	fb := uint64(1) << uint(c.nf%64)
	if cap(ws.mp) < c.nv {
		ws.mp = make([]int32, 2*c.nv)
		ws.mn = make([]int32, 2*c.nv)
	}
	mp, mn := ws.mp[:c.nv], ws.mn[:c.nv]
	np, nn := int32(0), int32(0)
	for u := 0; u < c.nv; u++ {
		mp[u], mn[u] = -1, -1
		if sg[u] >= 0 {
			mp[u] = np
			np++
		}
		if sg[u] <= 0 {
			mn[u] = nn
			nn++
		}
	}
	// Children: kept old vertices first, in order, then the new ones.
	for side, dst := range [2]*cell{pos, neg} {
		want := int8(1)
		if side == 1 {
			want = -1
		}
		dst.d, dst.nv, dst.nf, dst.words, dst.hasE = d, 0, nf, words, true
		dst.x = dst.x[:0]
		dst.t = dst.t[:0]
		dst.e = dst.e[:0]
		dst.fid = append(append(dst.fid[:0], c.fid...), id)
		c.keepOld(dst, sg, want, words, fw, fb)
	}
	// The new facet's vertices: indices into pos and neg, tight sets in
	// ws.newT (words per vertex).
	ws.fp, ws.fn = ws.fp[:0], ws.fn[:0]
	ws.newT = ws.newT[:0]
	for u := 0; u < c.nv; u++ {
		if sg[u] == 0 {
			ws.fp = append(ws.fp, mp[u])
			ws.fn = append(ws.fn, mn[u])
			ws.newT = append(ws.newT, pos.tight(int(mp[u]))...)
		}
	}
	E := c.e
	for i := 0; i+1 < len(E); i += 2 {
		u, w := E[i], E[i+1]
		su, sw := sg[u], sg[w]
		switch {
		case su > 0 && sw < 0 || su < 0 && sw > 0:
			if su < 0 {
				u, w = w, u
			}
			t := val[u] / (val[u] - val[w])
			xu, xw := c.vert(int(u)), c.vert(int(w))
			kp, kn := int32(pos.nv), int32(neg.nv)
			tu, tw := c.tight(int(u)), c.tight(int(w))
			apex := false
			if ws.apex {
				if cap(ws.common) < c.words {
					ws.common = make([]uint64, c.words)
				}
				cm := ws.common[:c.words]
				for k := range cm {
					cm[k] = tu[k] & tw[k]
				}
				apex = ws.atApex(cm)
			}
			for k := 0; k < d; k++ {
				v := xu[k] + t*(xw[k]-xu[k])
				if apex {
					v = 0
				}
				pos.x = append(pos.x, v)
				neg.x = append(neg.x, v)
			}
			for k := 0; k < words; k++ {
				var b uint64
				if k < c.words {
					b = tu[k] & tw[k]
				}
				if k == fw {
					b |= fb
				}
				pos.t = append(pos.t, b)
				neg.t = append(neg.t, b)
				ws.newT = append(ws.newT, b)
			}
			pos.nv++
			neg.nv++
			ws.fp = append(ws.fp, kp)
			ws.fn = append(ws.fn, kn)
			pos.e = append(pos.e, mp[u], kp)
			neg.e = append(neg.e, mn[w], kn)
		case su == 0 && sw == 0:
			// An edge in the hyperplane: found below among the
			// facet's vertices.
		case su >= 0 && sw >= 0:
			pos.e = append(pos.e, mp[u], mp[w])
		default: // both ≤ 0, not both 0
			neg.e = append(neg.e, mn[u], mn[w])
		}
	}
	// Edges of the new facet.
	nF := len(ws.fp)
	if cap(ws.common) < words {
		ws.common = make([]uint64, words)
	}
	common := ws.common[:words]
	T := ws.newT
	for a := 0; a < nF; a++ {
		ta := T[a*words : (a+1)*words]
		for b := a + 1; b < nF; b++ {
			tb := T[b*words : (b+1)*words]
			n := 0
			for k := range common {
				common[k] = ta[k] & tb[k]
				n += bits.OnesCount64(common[k])
			}
			if n < d-1 {
				continue
			}
			edge := true
			for z := 0; z < nF && edge; z++ {
				if z == a || z == b {
					continue
				}
				tz := T[z*words : (z+1)*words]
				sub := true
				for k, cb := range common {
					if cb&^tz[k] != 0 {
						sub = false
						break
					}
				}
				edge = !sub
			}
			if edge {
				pos.e = append(pos.e, ws.fp[a], ws.fp[b])
				neg.e = append(neg.e, ws.fn[a], ws.fn[b])
			}
		}
	}
	// Constraints tight at fewer than d vertices are redundant and stay
	// so in every sub-cell, but carrying them is harmless: the edge test
	// holds for any H-representation, and emit recognises facets by
	// their tight sets. They are dropped only every compactEvery
	// constraints, or when the tight sets would need another word.
	if nf%compactEvery == 0 || words > c.words {
		pos.compact(ws)
		neg.compact(ws)
	}
}

// compactEvery is how many constraints a cell may accumulate between two
// compactions (see splitEdges); 16 keeps tight sets to one word in 3-D.
const compactEvery = 16
