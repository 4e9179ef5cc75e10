package region

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync/atomic"
)

// exactRegion is one region found by exactEnumerate.
type exactRegion struct {
	pat  []uint64
	q    *qpoly
	keys []string
	pre  [][]affI // the hidden units' scaled pre-activations
	out  []affI   // the scaled output maps
}

// exactEnumerate is the fallback when the certificate of a float complex
// fails (a float decision inside the tolerance band was wrong): the whole
// enumeration is re-run in exact arithmetic, splitting exact polytopes
// unit by unit and layer by layer exactly as the float engine does but
// deciding every sign on integers. Only used for small complexes (the
// automatic-certification budget).
func (x *exactCtx) exactEnumerate(ctx context.Context, pw int) ([]exactRegion, error) {
	var out []exactRegion
	nUnits := 0
	for _, w := range x.widths {
		nUnits += w
	}
	var s, t big.Int
	var rec func(q *qpoly, b int, pat []uint64, pre []affI) error
	rec = func(q *qpoly, b int, pat []uint64, pre []affI) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for ; b < nUnits; b++ {
			l := sort.SearchInts(x.offs, b+1) - 1
			i := b - x.offs[l]
			if i == 0 && l > 0 {
				pre = x.layerPre(l, pat, pre)
			}
			a := pre[i]
			if a.isZero() {
				pat[b/64] &^= 1 << uint(b%64)
				continue
			}
			pos, neg := false, false
			for _, V := range q.v {
				switch value(a, V, &s, &t) {
				case 1:
					pos = true
				case -1:
					neg = true
				}
			}
			if pos && neg {
				qp, qn := q.clone(), q.clone()
				qp.clip(a, true)
				qn.clip(a, false)
				pp := append([]uint64(nil), pat...)
				pp[b/64] |= 1 << uint(b%64)
				if err := rec(qp, b+1, pp, pre); err != nil {
					return err
				}
				pat[b/64] &^= 1 << uint(b%64)
				return rec(qn, b+1, pat, pre)
			}
			if pos {
				pat[b/64] |= 1 << uint(b%64)
			} else {
				pat[b/64] &^= 1 << uint(b%64)
			}
		}
		allPre, outMaps := x.maps(pat)
		keys := make([]string, len(outMaps))
		for o, m := range outMaps {
			var sb strings.Builder
			for _, v := range m {
				sb.WriteString(v.String())
				sb.WriteByte(',')
			}
			keys[o] = sb.String()
		}
		out = append(out, exactRegion{pat: append([]uint64(nil), pat...), q: q, keys: keys, pre: allPre, out: outMaps})
		return nil
	}
	pre0 := x.layerPre(0, nil, nil)
	if err := rec(x.domQ.clone(), 0, make([]uint64, pw), pre0); err != nil {
		return nil, err
	}
	return out, nil
}

// layerPre returns the scaled pre-activations of hidden layer l given the
// pattern of layer l−1 and its pre-activations prev (see maps).
func (x *exactCtx) layerPre(l int, pat []uint64, prev []affI) []affI {
	d := x.d
	if l == 0 {
		cur := make([]affI, x.net.Layers[0].Out)
		for i := range cur {
			a := make(affI, d+1)
			for k := 0; k < d; k++ {
				a[k] = x.W[0][i*d+k]
			}
			a[d] = x.B[0][i]
			cur[i] = a
		}
		return cur
	}
	var t big.Int
	lay := &x.net.Layers[l]
	nxt := make([]affI, lay.Out)
	for i := range nxt {
		a := make(affI, d+1)
		for k := range a {
			a[k] = new(big.Int)
		}
		a[d].Mul(x.B[l][i], x.delta[l-1])
		for j := 0; j < lay.In; j++ {
			b := x.offs[l-1] + j
			if pat[b/64]>>(b%64)&1 == 0 {
				continue
			}
			w := x.W[l][i*lay.In+j]
			if w.Sign() == 0 {
				continue
			}
			for k := range a {
				if prev[j][k].Sign() != 0 {
					a[k].Add(a[k], t.Mul(w, prev[j][k]))
				}
			}
		}
		nxt[i] = a
	}
	return nxt
}

// firstDiff returns the function of the first unit on which regions i and
// j differ: it is the same affine function on both (all earlier bits
// agree), and any facet they share lies on its hyperplane.
func (x *exactCtx) firstDiff(rs []exactRegion, i, j int) affI {
	p, q := rs[i].pat, rs[j].pat
	for w := range p {
		if d := p[w] ^ q[w]; d != 0 {
			b := w*64 + bitsTrailing(d)
			l := sort.SearchInts(x.offs, b+1) - 1
			return rs[i].pre[l][b-x.offs[l]]
		}
	}
	return nil
}

func bitsTrailing(v uint64) int {
	n := 0
	for v&1 == 0 {
		v >>= 1
		n++
	}
	return n
}

// exactCounts computes the counts of the outputs outs over exact regions:
// pieces merge regions with equal exact maps that share a facet.
func (x *exactCtx) exactCounts(rs []exactRegion, outs []int, adj [][2]int) Counts {
	key := func(i int) string {
		var sb strings.Builder
		for _, o := range outs {
			sb.WriteString(rs[i].keys[o])
			sb.WriteByte('|')
		}
		return sb.String()
	}
	seen := map[string]struct{}{}
	for i := range rs {
		seen[key(i)] = struct{}{}
	}
	u := newUF(len(rs))
	pieces := len(rs)
	for _, p := range adj {
		if key(p[0]) == key(p[1]) && u.union(int32(p[0]), int32(p[1])) {
			pieces--
		}
	}
	return Counts{Regions: len(rs), Pieces: pieces, AffineMaps: len(seen)}
}

// exactAdjacency lists the pairs of exact regions sharing a facet.
func (x *exactCtx) exactAdjacency(rs []exactRegion) [][2]int {
	var adj [][2]int
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			a := x.firstDiff(rs, i, j)
			if a != nil && x.sharesFacet(rs[i].q, rs[j].q, a) {
				adj = append(adj, [2]int{i, j})
			}
		}
	}
	return adj
}

// exactFallback replaces the regions and counts of cx by an exact
// re-enumeration (see exactEnumerate); it is called when the automatic
// certificate of a float complex failed.
func (e *engine) exactFallback(ctx context.Context, x *exactCtx, cx *Complex) error {
	if x.domQ == nil {
		q, err := x.domainPoly()
		if err != nil {
			return err
		}
		x.domQ = q
	}
	var none atomic.Int64
	stop := certifyTicker(e.opt.CertifyProgress, &none, 0)
	rs, err := x.exactEnumerate(ctx, e.pw)
	stop()
	if err != nil {
		return err
	}
	d := x.d
	// Completeness holds by construction (every split keeps both sides),
	// and is checked again: the exact volumes add up to the domain's.
	sum, dom := new(big.Rat), x.domQ.volume()
	for _, r := range rs {
		sum.Add(sum, r.q.volume())
	}
	if sum.Cmp(dom) != 0 {
		return errNotComplete(sum, dom)
	}
	adj := x.exactAdjacency(rs)
	nb := make([][]int, len(rs))
	for _, p := range adj {
		nb[p[0]] = append(nb[p[0]], p[1])
		nb[p[1]] = append(nb[p[1]], p[0])
	}
	// Domain constraints as integer functions ≥ 0, for boundary facets.
	var dcons []affI
	for k := range x.A {
		D := big.NewInt(1)
		lcmDen(x.A[k], D)
		lcmDen([]*big.Rat{x.b[k]}, D)
		h := make(affI, d+1)
		for i := 0; i < d; i++ {
			h[i] = new(big.Int).Neg(scaled(x.A[k][i], D))
		}
		h[d] = scaled(x.b[k], D)
		dcons = append(dcons, h)
	}
	A, b := x.A, x.b
	dOut := x.delta[len(x.delta)-1]
	cx.Regions = make([]Region, len(rs))
	var s, t big.Int
	for i, er := range rs {
		r := &cx.Regions[i]
		r.Index = i
		r.Pattern = er.pat
		r.InteriorRat = er.q.centroid()
		r.Interior = make([]float64, d)
		for k, v := range r.InteriorRat {
			r.Interior[k], _ = v.Float64()
		}
		pre, outs := er.pre, er.out
		for _, a := range outs {
			ar := AffineRat{Grad: make([]*big.Rat, d)}
			af := Affine{Grad: make([]float64, d)}
			for k, v := range a {
				q := new(big.Rat).SetFrac(v, dOut)
				f, _ := q.Float64()
				if k < d {
					ar.Grad[k], af.Grad[k] = q, f
				} else {
					ar.Const, af.Const = q, f
				}
			}
			r.MapsRat = append(r.MapsRat, ar)
			r.Maps = append(r.Maps, af)
		}
		if e.keepV {
			for _, V := range er.q.v {
				p := make([]float64, d)
				for k := range p {
					p[k], _ = new(big.Rat).SetFrac(V[k], V[d]).Float64()
				}
				r.Vertices = append(r.Vertices, p)
			}
			if d == 2 {
				flat := make([]float64, 0, 2*len(r.Vertices))
				for _, p := range r.Vertices {
					flat = append(flat, p...)
				}
				sortCCW(flat, r.Interior)
				for v := range r.Vertices {
					r.Vertices[v] = flat[2*v : 2*v+2 : 2*v+2]
				}
			}
		}
		for k, g := range dcons {
			var F [][]*big.Int
			for _, V := range er.q.v {
				if value(g, V, &s, &t) == 0 {
					F = append(F, V)
				}
			}
			if len(F) >= d && intRank(F) == d {
				f := Facet{Normal: make([]float64, d), Source: FacetSource{Layer: -1, Unit: k}, Neighbor: -1}
				for i := range f.Normal {
					f.Normal[i], _ = A[k][i].Float64()
				}
				f.Offset, _ = b[k].Float64()
				r.Facets = append(r.Facets, f)
			}
		}
		for _, j := range nb[i] {
			var bit int
			for w := range er.pat {
				if dd := er.pat[w] ^ rs[j].pat[w]; dd != 0 {
					bit = w*64 + bitsTrailing(dd)
					break
				}
			}
			l, u := e.unitOf(bit)
			a := pre[l][u]
			on := er.pat[bit/64]>>(bit%64)&1 == 1
			// Active: a ≥ 0, i.e. −a·y ≤ a_d; inactive: a·y ≤ −a_d.
			f := Facet{Normal: make([]float64, d), Source: FacetSource{Layer: l, Unit: u}, Neighbor: j}
			for k := 0; k < d; k++ {
				f.Normal[k], _ = new(big.Rat).SetFrac(a[k], x.delta[l]).Float64()
				if on {
					f.Normal[k] = -f.Normal[k]
				}
			}
			f.Offset, _ = new(big.Rat).SetFrac(a[d], x.delta[l]).Float64()
			if !on {
				f.Offset = -f.Offset
			}
			r.Facets = append(r.Facets, f)
		}
	}
	all := make([]int, e.m)
	cx.Counts = cx.Counts[:0]
	for o := range all {
		all[o] = o
		cx.Counts = append(cx.Counts, x.exactCounts(rs, []int{o}, adj))
	}
	cx.Joint = cx.Counts[0]
	if e.m > 1 {
		cx.Joint = x.exactCounts(rs, all, adj)
	}
	cx.Adjacent = nil
	if e.opt.Adjacency {
		cx.Adjacent = adj
	}
	cx.Exact, cx.CompleteCertified = true, true
	cx.Stats.ExactRerun = true
	return nil
}

func errNotComplete(sum, dom *big.Rat) error {
	return fmt.Errorf("%w: the exact region volumes add up to %s, the domain's is %s",
		ErrNotCertified, sum.FloatString(12), dom.FloatString(12))
}
