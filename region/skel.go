package region

import (
	"context"
	"errors"
	"iter"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relucid/relucid/internal/wordset"
)

// The skeleton engine (see "Generic arrangements" in doc.go).
//
// Hyperplanes are numbered 0..N−1 for the hidden units (global unit index,
// as in Region.Pattern) and N+k for constraint k of the domain cell. Every
// vertex carries two bit masks over them: zm, the hyperplanes through it,
// and pm, the hyperplanes on whose positive side it lies strictly (for a
// domain constraint: strictly inside).

// ErrNotGeneric is wrapped by the error of an enumeration that asked for
// the skeleton engine (EngineSkeleton) where it does not apply: the
// arrangement is not in general position (a unit's value at a vertex
// within the tolerance band, a vertex on more than d hyperplanes, a 2-face
// cut other than twice), or the domain or options are not for it. Under
// EngineAuto the cell engine, which handles every degeneracy, runs
// instead.
var ErrNotGeneric = errors.New("arrangement not in general position for the skeleton engine")

// errSkelLarge stops the skeleton engine at its vertex limit (or beyond
// Options.MaxRegions); the cell engine bounds its work by regions.
var errSkelLarge = errors.New("the skeleton engine's vertex limit was reached")

// skelMinDim is the smallest dimension the skeleton engine is used in: in
// 2-D the cell engine is as fast (workload R2) and also keeps the
// counter-clockwise vertex order and tight sets of the exact 2-D path.
const skelMinDim = 3

// skelMaxDim is the largest: the sides of the d hyperplanes at a vertex
// are bit masks of 32 bits, and a vertex's 2^d cells are enumerated for
// the vertex lists.
const skelMaxDim = 16

// skelDims reports whether the skeleton engine applies in dimension d.
func skelDims(d int) bool { return d >= skelMinDim && d <= skelMaxDim }

// skel is the skeleton of a complex under construction: its vertices
// (coordinates, masks, the current layer's values) and edges.
type skel struct {
	ctx   context.Context
	e     *engine
	d     int
	N, nh int // hidden units; units, domain constraints and the split plane
	W     int // words per mask
	nv    int
	x     []float64
	zm    []uint64
	pm    []uint64
	edges []int32
	// end[v·2d+2i+t] is the neighbour of v along the edge that leaves
	// the i-th of v's hyperplanes (in increasing order) to side t (1:
	// positive, or inside for a domain constraint), −1 if none: kept as
	// edges are made, so that the structure around every vertex needs
	// no pass over the edges at the end.
	end   []int32
	nf    int     // domain constraints
	dom   []int64 // fid of domain constraint k
	cuts  int64
	limit int // most vertices

	// The current hidden layer: its first global unit, its width, the
	// pre-activations at every vertex (zw per vertex), the zero-test
	// tolerance per unit, and per unit the edges it is the first unit of
	// the layer still to come to cut (their ends differ in sign on it).
	off, zw int
	layer   int
	z, zs   [][]float64 // blocks of zBlock rows: growing never copies them
	pw      int         // width of the previous layer (rows in zs)
	tol     []float64
	bucket  [][]int32
	bad     bool
	v0      int     // the first vertex made in this layer
	par     []int32 // the ends of the edge each of them was made on

	scratch []uint64 // a mask of W words
	newv    []int32
}

// zBlock is the number of vertices per block of pre-activation rows.
const zBlock = 1024

// zrow returns the pre-activations of the current layer at vertex v.
func (s *skel) zrow(v int) []float64 {
	b := s.z[v/zBlock]
	i := v % zBlock * s.zw
	return b[i : i+s.zw : i+s.zw]
}

func (s *skel) zmOf(v int) []uint64 { return s.zm[v*s.W : (v+1)*s.W] }
func (s *skel) pmOf(v int) []uint64 { return s.pm[v*s.W : (v+1)*s.W] }

func mset(m []uint64, i int)      { m[i/64] |= 1 << uint(i%64) }
func mclr(m []uint64, i int)      { m[i/64] &^= 1 << uint(i%64) }
func mhas(m []uint64, i int) bool { return m[i/64]>>uint(i%64)&1 == 1 }

// newSkel starts the skeleton from the domain cell, which must be simple
// (every vertex on exactly d constraints) and carry its edge graph. When
// split ≥ 0, constraint split of the cell is the plane that cuts the domain
// in two for the parallel build (see buildSkel): it gets hyperplane N+nf.
func newSkel(ctx context.Context, e *engine, init *cell, split int) (*skel, error) {
	s := &skel{ctx: ctx, e: e, d: e.d, nf: init.nf, dom: init.fid[:init.nf]}
	for _, w := range e.widths {
		s.N += w
	}
	s.nh = s.N + init.nf + 1
	s.W = (s.nh + 63) / 64
	if !init.hasE {
		return nil, ErrNotGeneric
	}
	s.nv = init.nv
	s.x = append([]float64(nil), init.x[:init.nv*s.d]...)
	s.zm = make([]uint64, s.nv*s.W)
	s.pm = make([]uint64, s.nv*s.W)
	for v := 0; v < s.nv; v++ {
		n := 0
		for k := 0; k < init.nf; k++ {
			h := s.N + k
			if k == split {
				h = s.N + s.nf
			}
			if mhas(init.tight(v), k) {
				mset(s.zmOf(v), h)
				n++
			} else {
				mset(s.pmOf(v), h)
			}
		}
		if n != s.d {
			return nil, ErrNotGeneric
		}
	}
	s.edges = append([]int32(nil), init.e...)
	s.end = make([]int32, s.nv*2*s.d)
	for i := range s.end {
		s.end[i] = -1
	}
	for k := 0; k+1 < len(s.edges); k += 2 {
		a, c := int(s.edges[k]), int(s.edges[k+1])
		sa, ok1 := s.slotOf(a, c)
		sc, ok2 := s.slotOf(c, a)
		if !ok1 || !ok2 || s.end[sa] >= 0 || s.end[sc] >= 0 {
			return nil, ErrNotGeneric
		}
		s.end[sa], s.end[sc] = int32(c), int32(a)
	}
	return s, nil
}

// slotOf returns the slot (index into end) at vertex a of its edge to c:
// the one hyperplane a lies on and c does not, and c's side of it. ok is
// false unless there is exactly one such hyperplane among a's first d.
func (s *skel) slotOf(a, c int) (slot int, ok bool) {
	za, zc := s.zmOf(a), s.zmOf(c)
	p, cnt := -1, 0
	for w := range za {
		if x := za[w] &^ zc[w]; x != 0 {
			cnt += bits.OnesCount64(x)
			p = w*64 + bits.TrailingZeros64(x)
		}
	}
	if cnt != 1 {
		return 0, false
	}
	i := rankIn(za, p)
	if i >= s.d {
		return 0, false
	}
	return a*2*s.d + 2*i + int(s.pm[c*s.W+p/64]>>uint(p%64)&1), true
}

// rankIn is the number of bits of m below bit p.
func rankIn(m []uint64, p int) int {
	r := 0
	for w := 0; w < p/64; w++ {
		r += bits.OnesCount64(m[w])
	}
	return r + bits.OnesCount64(m[p/64]&(1<<uint(p%64)-1))
}

// build cuts the domain by every unit, layer after layer; each unit cut
// is counted in prog.
func (s *skel) build(prog *buildProgress) error {
	e := s.e
	for l := 0; l < e.H; l++ {
		if err := s.enterLayer(l); err != nil {
			return err
		}
		for j := 0; j < e.widths[l]; j++ {
			if err := s.ctx.Err(); err != nil {
				return err
			}
			if err := s.cut(j); err != nil {
				return err
			}
			prog.add()
		}
	}
	return nil
}

// buildProgress reports the units cut (Options.BuildProgress) about every
// quarter second, from whichever goroutine is due, never two at once.
type buildProgress struct {
	fn    func(done, total int64)
	every time.Duration
	total int64
	done  atomic.Int64
	last  atomic.Int64 // time of the last report, Unix nanoseconds
	mu    sync.Mutex
}

// finish reports the last count.
func (p *buildProgress) finish() {
	if p.fn != nil {
		p.mu.Lock()
		p.fn(p.done.Load(), p.total)
		p.mu.Unlock()
	}
}

func (p *buildProgress) add() {
	if p == nil || p.fn == nil {
		return
	}
	n := p.done.Add(1)
	now := time.Now().UnixNano()
	if now-p.last.Load() < int64(p.every) || !p.mu.TryLock() {
		return
	}
	p.last.Store(now)
	p.fn(n, p.total)
	p.mu.Unlock()
}

// enterLayer computes the pre-activations of hidden layer l at every
// vertex, from the coordinates (l = 0) or from the previous layer's values
// (the net is continuous, so a vertex has one value whatever its cells),
// their signs, and which unit of the layer cuts each edge first.
func (s *skel) enterLayer(l int) error {
	e := s.e
	L := e.layers[l]
	d := s.d
	w := L.out
	nv := s.nv
	zn := s.zs[:0]
	for len(zn)*zBlock < nv {
		var b []float64
		if len(zn) < cap(zn) {
			b = zn[:len(zn)+1][len(zn)]
		}
		if cap(b) < zBlock*w {
			b = make([]float64, zBlock*w)
		}
		zn = append(zn, b[:zBlock*w])
	}
	newRow := func(v int) []float64 {
		i := v % zBlock * w
		return zn[v/zBlock][i : i+w : i+w]
	}
	s.tol = slices.Grow(s.tol[:0], w)[:w]
	if l == 0 {
		for i := 0; i < w; i++ {
			row := L.W[i*d : (i+1)*d]
			sc := abs(L.B[i])
			for k, r := range e.R {
				sc += abs(row[k]) * r
			}
			s.tol[i] = cutTol * sc
		}
		for v := 0; v < nv; v++ {
			x := s.x[v*d : (v+1)*d]
			zv := newRow(v)
			for i := range zv {
				row := L.W[i*d : (i+1)*d]
				t := L.B[i]
				for k, xk := range x {
					t += row[k] * xk
				}
				zv[i] = t
			}
		}
		s.z, s.zs = zn, s.z
		s.pw, s.off, s.zw, s.layer = s.zw, e.offs[l], w, l
		s.v0, s.par = nv, s.par[:0]
		for v := 0; v < nv; v++ {
			if !s.signs(v, 0) {
				return ErrNotGeneric
			}
		}
	} else {
		pw := s.zw
		M := make([]float64, pw)
		for v := 0; v < nv; v++ {
			for j, t := range s.zrow(v) {
				if t > M[j] {
					M[j] = t
				}
			}
		}
		for i := 0; i < w; i++ {
			sc := abs(L.B[i])
			row := L.W[i*L.in : (i+1)*L.in]
			for j, m := range M {
				sc += abs(row[j]) * m
			}
			s.tol[i] = cutTol * sc
		}
		wt := e.wt[l]
		prev := s.z
		s.z, s.zs = zn, prev
		s.pw, s.off, s.zw, s.layer = pw, e.offs[l], w, l
		s.v0, s.par = nv, s.par[:0]
		var bad atomic.Bool
		e.parallel((nv+1023)/1024, func(c int, _ *slabs) {
			// The active inputs first, then eight outputs at a time in
			// registers: the accumulators stay out of memory. Then the
			// sign bits; a value near zero sends the vertex to signs,
			// which judges it.
			act := make([]int32, pw)
			val := make([]float64, pw)
			for v := c * 1024; v < min(nv, (c+1)*1024); v++ {
				acc := newRow(v)
				na := 0
				b, o := prev[v/zBlock], v%zBlock*pw
				for j, t := range b[o : o+pw] {
					if t > 0 {
						act[na], val[na] = int32(j*w), t
						na++
					}
				}
				i := 0
				for ; i+8 <= w; i += 8 {
					a0, a1, a2, a3 := L.B[i], L.B[i+1], L.B[i+2], L.B[i+3]
					a4, a5, a6, a7 := L.B[i+4], L.B[i+5], L.B[i+6], L.B[i+7]
					for k, o := range act[:na] {
						t := val[k]
						col := wt[int(o)+i : int(o)+i+8 : int(o)+i+8]
						a0 += col[0] * t
						a1 += col[1] * t
						a2 += col[2] * t
						a3 += col[3] * t
						a4 += col[4] * t
						a5 += col[5] * t
						a6 += col[6] * t
						a7 += col[7] * t
					}
					acc[i], acc[i+1], acc[i+2], acc[i+3] = a0, a1, a2, a3
					acc[i+4], acc[i+5], acc[i+6], acc[i+7] = a4, a5, a6, a7
				}
				for ; i < w; i++ {
					a := L.B[i]
					for k, o := range act[:na] {
						a += wt[int(o)+i] * val[k]
					}
					acc[i] = a
				}
				var neg uint64
				near := w > 64
				tol := s.tol[:len(acc)]
				for i, a := range acc {
					if abs(a) <= tol[i] {
						near = true
					}
					neg |= math.Float64bits(a) >> 63 << (uint(i) & 63)
				}
				if near {
					if !s.signs(v, 0) {
						bad.Store(true)
					}
					continue
				}
				putBits(s.pmOf(v), uint(s.off), uint(w), ^neg)
			}
		})
		if bad.Load() {
			return ErrNotGeneric
		}
	}
	for len(s.bucket) < w {
		s.bucket = append(s.bucket, nil)
	}
	for j := range s.bucket {
		s.bucket[j] = s.bucket[j][:0]
	}
	ne := len(s.edges) / 2
	for k := 0; k < ne; k++ {
		s.rebucket(k, 0)
	}
	return nil
}

// signs sets the sign bits of units from..zw−1 of the current layer at v;
// it reports false when a value is within the tolerance of zero.
func (s *skel) signs(v, from int) bool {
	row := s.zrow(v)[from:]
	tol := s.tol[from:]
	tol = tol[:len(row)]
	pm := s.pmOf(v)
	// The bits of up to 64 units are gathered from the values' sign bits
	// (no value here is zero) and written at once: no branch on a sign.
	for c := 0; c < len(row); c += 64 {
		part := row[c:min(c+64, len(row))]
		tp := tol[c:]
		tp = tp[:len(part)]
		var neg uint64
		for i, t := range part {
			if abs(t) <= tp[i] && abs(t) <= cutTol*s.localScale(v, from+c+i, nil) {
				return false
			}
			neg |= math.Float64bits(t) >> 63 << (uint(i) & 63)
		}
		putBits(pm, uint(s.off+from+c), uint(len(part)), ^neg)
	}
	return true
}

// putBits writes the n ≤ 64 low bits of x to bits p.. of m.
func putBits(m []uint64, p, n uint, x uint64) {
	span := ^uint64(0) >> (64 - n)
	x &= span
	w, sh := p/64, p%64
	m[w] = m[w]&^(span<<sh) | x<<sh
	if sh+n > 64 {
		m[w+1] = m[w+1]&^(span>>(64-sh)) | x>>(64-sh)
	}
}

// localScale bounds the terms that make the value of unit i of the current
// layer at vertex v: |b_i| + Σ|W_ij·x_j| over the inputs x at v (the
// coordinates, or the previous layer's activations). The zero test first
// uses the same bound over the whole domain (s.tol); a value within that
// band is judged on this, tighter, one. A vertex made in this layer
// interpolates its parents, so the larger of theirs bounds its terms
// (memo caches them for the call).
func (s *skel) localScale(v, i int, memo map[int]float64) float64 {
	L := s.e.layers[s.layer]
	sc := abs(L.B[i])
	if s.layer == 0 {
		d := s.d
		row := L.W[i*d : (i+1)*d]
		for k, x := range s.x[v*d : (v+1)*d] {
			sc += abs(row[k] * x)
		}
		return sc
	}
	if v < s.v0 {
		row := L.W[i*L.in : (i+1)*L.in]
		b, o := s.zs[v/zBlock], v%zBlock*s.pw
		for j, t := range b[o : o+s.pw] {
			if t > 0 {
				sc += abs(row[j]) * t
			}
		}
		return sc
	}
	if sc, ok := memo[v]; ok {
		return sc
	}
	if memo == nil {
		memo = map[int]float64{}
	}
	k := v - s.v0
	sc = max(s.localScale(int(s.par[2*k]), i, memo), s.localScale(int(s.par[2*k+1]), i, memo))
	memo[v] = sc
	return sc
}

// rebucket files edge k under the first unit from on of the current layer
// whose sign differs at its ends (none: the layer leaves it whole).
func (s *skel) rebucket(k, from int) {
	lo, hi := uint(s.off+from), uint(s.off+s.zw)
	if lo >= hi {
		return
	}
	W := uint(s.W)
	a, c := uint(s.edges[2*k])*W, uint(s.edges[2*k+1])*W
	m := ^uint64(0) << (lo % 64)
	for wd := lo / 64; wd <= (hi-1)/64; wd++ {
		if wd == (hi-1)/64 && hi%64 != 0 {
			m &= 1<<(hi%64) - 1
		}
		if x := (s.pm[a+wd] ^ s.pm[c+wd]) & m; x != 0 {
			u := int(wd*64) + bits.TrailingZeros64(x) - s.off
			s.bucket[u] = append(s.bucket[u], int32(k))
			return
		}
		m = ^uint64(0)
	}
}

// cut splits the complex by unit j of the current layer: a new vertex on
// every edge whose ends have strictly opposite signs, and a new edge across
// every 2-face so cut (link).
func (s *skel) cut(j int) error {
	s.newv = s.newv[:0]
	// Room for the new vertices and edges, doubling: append's growth of
	// large slices (about 1.25×) would copy the arrays many times over.
	nb, d := len(s.bucket[j]), s.d
	s.x = reserve(s.x, nb*d)
	s.zm = reserve(s.zm, nb*s.W)
	s.pm = reserve(s.pm, nb*s.W)
	s.par = reserve(s.par, 2*nb)
	s.edges = reserve(s.edges, 2*nb*d)
	s.end = reserve(s.end, 2*nb*d)
	for _, k := range s.bucket[j] {
		a, c := s.edges[2*k], s.edges[2*k+1]
		n := s.newVertex(int(a), int(c), j)
		k2 := len(s.edges) / 2
		s.edges[2*k+1] = int32(n)
		s.edges = append(s.edges, int32(n), c)
		s.newv = append(s.newv, int32(n))
		s.splice(int(a), int(c), n, s.off+j)
		s.rebucket(int(k), j+1)
		s.rebucket(k2, j+1)
	}
	if s.bad {
		return ErrNotGeneric
	}
	s.cuts += int64(len(s.newv))
	if s.nv > s.limit {
		return errSkelLarge
	}
	e0 := len(s.edges) / 2
	if err := s.link(s.off + j); err != nil {
		return err
	}
	for k := e0; k < len(s.edges)/2; k++ {
		s.rebucket(k, j+1)
	}
	return nil
}

// reserve returns s with room for n more elements, at least doubling its
// capacity when it must grow.
func reserve[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	t := make([]T, len(s), max(2*cap(s), len(s)+n))
	copy(t, s)
	return t
}

// splice puts the new vertex n, on hyperplane b, into the slots of the
// edge (a, c) it splits: a and c now end at n, and n leaves b to a's and
// c's sides (which differ: b cut the edge).
func (s *skel) splice(a, c, n, b int) {
	d2 := 2 * s.d
	ea, ec := s.end[a*d2:(a+1)*d2], s.end[c*d2:(c+1)*d2]
	ia, ic := slices.Index(ea, int32(c)), slices.Index(ec, int32(a))
	i := rankIn(s.zmOf(n), b)
	if ia < 0 || ic < 0 || i >= s.d {
		s.bad = true
		return
	}
	ea[ia], ec[ic] = int32(n), int32(n)
	en := s.end[n*d2 : (n+1)*d2]
	en[2*i+int(s.pm[a*s.W+b/64]>>uint(b%64)&1)] = int32(a)
	en[2*i+int(s.pm[c*s.W+b/64]>>uint(b%64)&1)] = int32(c)
}

// newVertex puts a vertex on edge (a, c) where unit j of the current layer
// is zero. The layer's values are affine along the edge; the signs of the
// hyperplanes already cut are the edge's, those of the units still to come
// are read off the values.
func (s *skel) newVertex(a, c, j int) int {
	zw := s.zw
	s.par = append(s.par, int32(a), int32(c))
	ra, rc := s.zrow(a), s.zrow(c)
	t := ra[j] / (ra[j] - rc[j])
	d := s.d
	for k := 0; k < d; k++ {
		xa := s.x[a*d+k]
		s.x = append(s.x, xa+t*(s.x[c*d+k]-xa))
	}
	n := s.nv
	if n%zBlock == 0 && n/zBlock == len(s.z) {
		s.z = append(s.z, make([]float64, zBlock*zw))
	}
	rn := s.zrow(n)
	for i := range rn {
		rn[i] = ra[i] + t*(rc[i]-ra[i])
	}
	rn[j] = 0
	W := s.W
	b := s.off + j
	for w := 0; w < W; w++ {
		z := s.zm[a*W+w] & s.zm[c*W+w]
		if w == b/64 {
			z |= 1 << uint(b%64)
		}
		s.zm = append(s.zm, z)
		s.pm = append(s.pm, (s.pm[a*W+w]|s.pm[c*W+w])&^z)
	}
	en := s.end[len(s.end) : len(s.end)+2*d]
	for i := range en {
		en[i] = -1
	}
	s.end = s.end[:len(s.end)+2*d]
	s.nv++
	if !s.signs(n, j+1) {
		s.bad = true
	}
	return n
}

// link adds the edges on the new hyperplane b: every 2-face cut by it holds
// exactly two new vertices, one on each cut edge, and an edge between them.
// A new vertex n on the split edge (a, c) lies on the 2-faces through that
// edge, one for each of its d−1 hyperplanes i released to a side t (inside,
// for a domain constraint); the other new vertex on such a face is found
// by walking the face's boundary from n through a (see walk). A face is
// walked once: from the second vertex its edge is already there.
func (s *skel) link(b int) error {
	W, d2 := s.W, 2*s.d
	s.scratch = slices.Grow(s.scratch[:0], W)[:W]
	P := s.scratch
	for _, n := range s.newv {
		zm := s.zmOf(int(n))
		en := s.end[int(n)*d2 : int(n+1)*d2]
		a := en[2*rankIn(zm, b)+1]
		pos := 0 // of i among n's hyperplanes: its slots
		for w := 0; w < W; w++ {
			for r := zm[w]; r != 0; r &= r - 1 {
				i := w*64 + bits.TrailingZeros64(r)
				if i == b {
					pos++
					continue
				}
				if pos >= s.d {
					return ErrNotGeneric
				}
				for t := 0; t < 2; t++ {
					if t == 0 && i >= s.N || en[2*pos+t] >= 0 {
						continue // outside the domain, or linked already
					}
					// The face lies on n's hyperplanes but b and i.
					var m int32
					var sl int
					if W == 1 {
						m, sl = s.walk1(n, a, zm[0]&^(1<<uint(b)|1<<uint(i)), i, t, b)
					} else {
						copy(P, zm)
						mclr(P, b)
						mclr(P, i)
						m, sl = s.walk(n, a, P, i, t, b)
					}
					if m < 0 || m == n || s.end[sl] >= 0 {
						return ErrNotGeneric
					}
					en[2*pos+t], s.end[sl] = m, n
					s.edges = append(s.edges, n, m)
				}
				pos++
			}
		}
	}
	return nil
}

// walk follows the boundary of the 2-face on hyperplanes P (and on side t
// of i) from the new vertex n through its neighbour a, away from the cut
// b, to the other vertex on b; it returns that vertex and the slot of its
// end of the new edge (m < 0: the face is not as generic faces are). At a
// vertex u of the face, on P and two more hyperplanes, the edge that came
// from p lies on one of them, x, which the next edge leaves, to the face's
// side: n's side of x (t for i).
func (s *skel) walk(n, a int32, P []uint64, i, t, b int) (m int32, slot int) {
	W, d2 := uint(s.W), 2*s.d
	pn := s.pm[uint(n)*W : uint(n+1)*W]
	zp := s.zm[uint(n)*W : uint(n+1)*W]
	P = P[:W]
	u := a
	for range s.nv {
		if u < 0 {
			return -1, 0
		}
		zu := s.zm[uint(u)*W : uint(u+1)*W]
		x, cnt, k := uint(0), 0, 0
		for w := range W {
			if c := zu[w] &^ P[w] & zp[w]; c != 0 {
				x = w*64 + uint(bits.TrailingZeros64(c))
				cnt += bits.OnesCount64(c)
			}
		}
		if cnt != 1 {
			return -1, 0
		}
		for w := range x / 64 {
			k += bits.OnesCount64(zu[w])
		}
		k += bits.OnesCount64(zu[x/64] & (1<<(x%64) - 1))
		side := t
		if x != uint(i) {
			side = int(pn[x/64] >> (x % 64) & 1)
		}
		if k >= s.d {
			return -1, 0
		}
		sl := int(u)*d2 + 2*k + side
		if zu[uint(b)/64]>>(uint(b)%64)&1 == 1 {
			return u, sl
		}
		zp, u = zu, s.end[sl]
	}
	return -1, 0
}

// walk1 is walk for masks of one word.
func (s *skel) walk1(n, a int32, P uint64, i, t, b int) (m int32, slot int) {
	zm, end, d := s.zm, s.end, s.d
	pn, zp := s.pm[n], zm[n]
	ib, bb := uint64(1)<<uint(i), uint64(1)<<uint(b)
	u := a
	for range s.nv {
		if u < 0 || int(u) >= len(zm) {
			return -1, 0
		}
		zu := zm[u]
		c := zu &^ P & zp
		if c == 0 || c&(c-1) != 0 {
			return -1, 0
		}
		k := bits.OnesCount64(zu & (c - 1))
		side := t
		if c != ib {
			side = 0
			if pn&c != 0 {
				side = 1
			}
		}
		if k >= d {
			return -1, 0
		}
		sl := int(u)*2*d + 2*k + side
		if zu&bb != 0 {
			return u, sl
		}
		zp, u = zu, end[sl]
	}
	return -1, 0
}

// skelOut is the assembled skeleton: regions in pattern order, the pairs
// of adjacent regions and, for the full output, every region's facets and
// (optionally) vertex lists.
type skelOut struct {
	R      int
	pat    []uint64 // pw words per region
	inter  []float64
	fstart []int32 // R+1 offsets into fh, fnb
	fh     []int32 // hyperplane of each facet
	fnb    []int32 // neighbour region, −1 on the domain boundary
	vstart []int32 // R+1 offsets into vlist (keepV)
	vlist  []int32
	pa, pb []int32 // the pairs of regions sharing a facet
}

// skelDirs are the directions tried for the height function: the lowest
// vertex of a region is unique when no edge is level, which local checks
// with a margin above the rounding error of the vertices.
var skelDirs = [][]float64{
	{1, 0.7548776662466927, 0.5698402909980532, 0.4301597090019468, 0.3247179572447460, 0.2451223337533073, 0.1850353150946542, 0.1396826021480862},
	{0.3090169943749474, -1, 0.8090169943749474, 0.1545084971874737, -0.6180339887498949, 0.4045084971874737, -0.2360679774997897, 0.9270509831248424},
	{-0.5773502691896258, 0.4082482904638631, 1, -0.7071067811865476, 0.2886751345948129, -0.8164965809277261, 0.5, 0.3535533905932738},
}

// errLevel says that an edge is level in the height direction tried.
var errLevel = errors.New("region: level edge")

// local reads the structure around every vertex: its d hyperplanes
// (zid, increasing), the neighbour reached by leaving hyperplane zid[i] to
// side t (end[2i+t], −1 if none; kept by the build) and which of those go
// up in height (up, per vertex). The heights are c·x for the first
// direction of skelDirs in which no edge is level.
func (s *skel) local() (zid, end []int32, up []upSides, err error) {
	d, nv := s.d, s.nv
	zid = make([]int32, nv*d)
	end = s.end[:nv*2*d]
	var bad atomic.Bool
	s.e.parallel((nv+skelVChunk-1)/skelVChunk, func(ch int, _ *slabs) {
		for v := ch * skelVChunk; v < min(nv, (ch+1)*skelVChunk); v++ {
			z := zid[v*d : (v+1)*d]
			n := 0
			for w, r := range s.zmOf(v) {
				for ; r != 0; r &= r - 1 {
					if n == d {
						bad.Store(true)
						return
					}
					z[n] = int32(w*64 + bits.TrailingZeros64(r))
					n++
				}
			}
			// A unit's hyperplane is left to both sides, a domain
			// constraint's to the inside only.
			en := end[v*2*d : (v+1)*2*d]
			for i, zi := range z[:n] {
				if int(zi) < s.N {
					if en[2*i] < 0 || en[2*i+1] < 0 {
						bad.Store(true)
					}
				} else if en[2*i] >= 0 || en[2*i+1] < 0 {
					bad.Store(true)
				}
			}
			if n != d {
				bad.Store(true)
				return
			}
		}
	})
	if bad.Load() {
		return nil, nil, nil, ErrNotGeneric
	}
	hs := make([]float64, 2*nv)
	up = make([]upSides, nv)
	for t := range skelDirs {
		err = s.localDir(skelDirs[t], end, hs, up)
		if err != errLevel {
			return zid, end, up, err
		}
	}
	return nil, nil, nil, ErrNotGeneric
}

// localDir fills up for the heights in direction dir (errLevel: an edge
// is level within the rounding error).
func (s *skel) localDir(dir []float64, end []int32, hs []float64, up []upSides) error {
	d, nv := s.d, s.nv
	c := make([]float64, d)
	cR := 0.0
	for k := range c {
		// Beyond 8 dimensions, perturb the listed ones.
		c[k] = dir[k%8] * (1 + 0.0137*float64(k/8))
		cR += abs(c[k]) * s.e.R[k]
	}
	// hs[2v] is the height of v, hs[2v+1] bounds the terms of its sum,
	// which bounds the rounding error of a height difference.
	nch := (nv + skelVChunk - 1) / skelVChunk
	s.e.parallel(nch, func(ch int, _ *slabs) {
		for v := ch * skelVChunk; v < min(nv, (ch+1)*skelVChunk); v++ {
			y, sc := 0.0, 0.0
			for k, xk := range s.x[v*d : (v+1)*d] {
				y += c[k] * xk
				sc += abs(c[k] * xk)
			}
			hs[2*v], hs[2*v+1] = y, sc
		}
	})
	var level atomic.Bool
	s.e.parallel(nch, func(ch int, _ *slabs) {
		for v := ch * skelVChunk; v < min(nv, (ch+1)*skelVChunk); v++ {
			var u upSides
			for k, w := range end[v*2*d : (v+1)*2*d] {
				if w < 0 {
					continue
				}
				dh := hs[2*w] - hs[2*v]
				if abs(dh) <= 1e-9*(hs[2*v+1]+hs[2*w+1])+1e-13*cR {
					level.Store(true)
					return
				}
				if dh > 0 {
					if k&1 == 0 {
						u.s0 |= 1 << uint(k/2)
					} else {
						u.s1 |= 1 << uint(k/2)
					}
				}
			}
			up[v] = u
		}
	})
	if level.Load() {
		return errLevel
	}
	return nil
}

// indexWords returns the set of the n vectors of w words in flat, each
// numbered by its position; ok is false if two are equal.
func indexWords(flat []uint64, w, n int) (set *wordset.Set, ok bool) {
	set = wordset.New(w, n)
	for r := 0; r < n; r++ {
		if _, added := set.Add(flat[r*w : (r+1)*w]); !added {
			return nil, false
		}
	}
	return set, true
}

// assemble finds the regions (each is a cell of the skeleton whose lowest
// vertex in height sees all the cell's edges go up: one record per such
// vertex and choice of upward sides). The function it returns completes
// out with their facets (likewise, each (d−1)-face from its lowest vertex)
// and neighbours (the pairs), and their vertices when keepV is set; the
// counts alone may not need it (see skeleton).
func (s *skel) assemble(keepV, full bool) (out *skelOut, facets func() error, err error) {
	zid, end, up, err := s.local()
	if err != nil {
		return nil, nil, err
	}
	d, e := s.d, s.e
	pw := e.pw
	last := ^uint64(0)
	if s.N%64 != 0 {
		last = 1<<uint(s.N%64) - 1
	}
	// pattern writes the pattern of the cell at v on the sides m (bit i:
	// positive side of zid[v·d+i]) to dst.
	pattern := func(v int, m uint32, dst []uint64) {
		for k, x := range s.pm[v*s.W : v*s.W+len(dst)] {
			dst[k] = x
		}
		dst[pw-1] &= last
		if s.N == 0 {
			dst[0] = 0
		}
		z := zid[v*d : (v+1)*d]
		for ; m != 0; m &= m - 1 {
			if zi := uint(z[bits.TrailingZeros32(m)]); zi < uint(s.N) {
				dst[zi/64] |= 1 << (zi % 64)
			}
		}
	}
	nch := (s.nv + skelVChunk - 1) / skelVChunk
	// Regions: (lowest vertex, sides) records, chunk by chunk.
	rc := make([]recs, nch)
	// first[v]: the index of v's first record within its chunk.
	first := make([]int32, s.nv)
	e.parallel(nch, func(ch int, _ *slabs) {
		r := &rc[ch]
		for v := ch * skelVChunk; v < min(s.nv, (ch+1)*skelVChunk); v++ {
			first[v] = int32(len(r.v))
			fixed, free, ok := choices(up[v], d, -1)
			if !ok {
				continue
			}
			for sub := range subsets(free) {
				r.v = append(r.v, int32(v))
				r.m = append(r.m, fixed|sub)
			}
		}
	})
	R := 0
	for _, r := range rc {
		R += len(r.v)
	}
	rv := make([]int32, 0, R)
	rsd := make([]uint32, 0, R)
	for _, r := range rc {
		rv = append(rv, r.v...)
		rsd = append(rsd, r.m...)
	}
	// Sort by pattern, first unit first: bit-reversed words compare
	// as numbers (radixOrder).
	key := make([]uint64, R*pw)
	pat := make([]uint64, R*pw)
	e.parallel((R+skelVChunk-1)/skelVChunk, func(ch int, _ *slabs) {
		for r := ch * skelVChunk; r < min(R, (ch+1)*skelVChunk); r++ {
			p := pat[r*pw : (r+1)*pw]
			pattern(int(rv[r]), rsd[r], p)
			for k, x := range p {
				key[r*pw+k] = bits.Reverse64(x)
			}
		}
	})
	sorted := radixOrder(key, pw, R)
	out = &skelOut{R: R, pat: make([]uint64, R*pw)}
	if full {
		out.inter = make([]float64, R*d)
	}
	e.parallel((R+skelVChunk-1)/skelVChunk, func(ch int, _ *slabs) {
		for r := ch * skelVChunk; r < min(R, (ch+1)*skelVChunk); r++ {
			q := sorted[r]
			copy(out.pat[r*pw:(r+1)*pw], pat[int(q)*pw:int(q+1)*pw])
			if !full {
				continue
			}
			// The lowest vertex and its d upward neighbours span a
			// simplex inside the region; its centroid is an interior
			// point.
			v := int(rv[q])
			in := out.inter[r*d : (r+1)*d]
			copy(in, s.x[v*d:(v+1)*d])
			for i := 0; i < d; i++ {
				w := int(end[v*2*d+2*i+int(rsd[q]>>uint(i)&1)])
				for k := range in {
					in[k] += s.x[w*d+k]
				}
			}
			for k := range in {
				in[k] /= float64(d + 1)
			}
		}
	})
	// Two records with one pattern would be one region met twice: the
	// skeleton is not as a generic arrangement's.
	for r := 1; r < R; r++ {
		if slices.Equal(out.pat[(r-1)*pw:r*pw], out.pat[r*pw:(r+1)*pw]) {
			return nil, nil, ErrNotGeneric
		}
	}
	return out, func() error { return s.facets(out, keepV, full, zid, end, up, rc, first, sorted, pattern) }, nil
}

// recs are a chunk's records: regions (lowest vertex v, sides m), then
// facets (region v on the positive side, nb on the negative, hyperplane h).
type recs struct {
	v  []int32
	m  []uint32
	h  []int32
	nb []int32
	np int // records with nb ≥ 0: pairs of adjacent regions
}

// facets completes out (see assemble) from the local structure and the
// region records.
func (s *skel) facets(out *skelOut, keepV, full bool, zid, end []int32, up []upSides, rc []recs, first, sorted []int32, pattern func(int, uint32, []uint64)) error {
	d, e, pw, R := s.d, s.e, s.e.pw, out.R
	nch := (s.nv + skelVChunk - 1) / skelVChunk
	tab, _ := indexWords(out.pat, pw, R)
	// Facets, each from its lowest vertex: (region on the positive side
	// or inside, region on the negative side or −1, hyperplane). A region
	// beside the facet whose edge leaving the facet's hyperplane goes up
	// has its lowest vertex here too: its record is found by its rank
	// among the vertex's, the others by pattern.
	inv := make([]int32, R)
	for i, q := range sorted {
		inv[q] = int32(i)
	}
	co := make([]int32, nch+1)
	for ch, r := range rc {
		co[ch+1] = co[ch] + int32(len(r.v))
	}
	var bad atomic.Bool
	e.parallel(nch, func(ch int, _ *slabs) {
		r := &rc[ch]
		n := 0
		for v := ch * skelVChunk; v < min(s.nv, (ch+1)*skelVChunk); v++ {
			for jf := 0; jf < d; jf++ {
				if _, free, ok := choices(up[v], d, jf); ok {
					n += 1 << bits.OnesCount32(free)
				}
			}
		}
		r.v, r.h, r.nb, r.np = slices.Grow(r.v[:0], n), make([]int32, 0, n), make([]int32, 0, n), 0
		p := make([]uint64, pw)
		for v := ch * skelVChunk; v < min(s.nv, (ch+1)*skelVChunk); v++ {
			u := up[v]
			z := zid[v*d : (v+1)*d]
			_, free0, _ := choices(u, d, -1)
			// own returns the region at v on the sides m (its lowest
			// vertex is v).
			own := func(m uint32) int32 {
				c, k := uint32(0), 0
				for f := free0; f != 0; f &= f - 1 {
					if m&f&-f != 0 {
						c |= 1 << uint(k)
					}
					k++
				}
				return inv[co[ch]+first[v]+int32(1<<uint(k)-1)-int32(c)]
			}
			for jf := 0; jf < d; jf++ {
				fixed, free, ok := choices(u, d, jf)
				if !ok {
					continue
				}
				hj := int(z[jf])
				// beside returns the region on side sd of hyperplane hj
				// (1: positive or inside) of the facet with sides m.
				beside := func(m, sd uint32) int32 {
					goesUp := u.s0
					if sd == 1 {
						goesUp = u.s1
					}
					if goesUp>>uint(jf)&1 != 0 {
						return own(m | sd<<uint(jf))
					}
					pattern(v, m, p)
					if sd == 1 && hj < s.N {
						p[hj/64] |= 1 << uint(hj%64)
					}
					return find(tab, p)
				}
				for sub := range subsets(free) {
					m := fixed | sub
					rp, rm := beside(m, 1), int32(-1)
					if hj < s.N {
						rm = beside(m, 0)
						if rm < 0 {
							bad.Store(true)
						}
						r.np++
					}
					if rp < 0 {
						bad.Store(true)
					}
					r.v = append(r.v, rp)
					r.nb = append(r.nb, rm)
					r.h = append(r.h, int32(hj))
				}
			}
		}
	})
	if bad.Load() {
		return ErrNotGeneric
	}
	// Adjacent pairs (the facets inside the domain), for the counts.
	po := make([]int, nch+1)
	for ch, r := range rc {
		po[ch+1] = po[ch] + r.np
	}
	out.pa, out.pb = make([]int32, po[nch]), make([]int32, po[nch])
	e.parallel(nch, func(ch int, _ *slabs) {
		k := po[ch]
		r := &rc[ch]
		for i, a := range r.v {
			if b := r.nb[i]; b >= 0 {
				out.pa[k], out.pb[k] = a, b
				k++
			}
		}
	})
	if !full {
		return nil
	}
	out.fstart = make([]int32, R+1)
	for _, r := range rc {
		for k, a := range r.v {
			out.fstart[a+1]++
			if b := r.nb[k]; b >= 0 {
				out.fstart[b+1]++
			}
		}
	}
	for r := 0; r < R; r++ {
		out.fstart[r+1] += out.fstart[r]
	}
	nfe := int(out.fstart[R])
	out.fh = make([]int32, nfe)
	out.fnb = make([]int32, nfe)
	fill := slices.Clone(out.fstart[:R])
	for _, r := range rc {
		for k, a := range r.v {
			b, hy := r.nb[k], r.h[k]
			out.fh[fill[a]], out.fnb[fill[a]] = hy, b
			fill[a]++
			if b >= 0 {
				out.fh[fill[b]], out.fnb[fill[b]] = hy, a
				fill[b]++
			}
		}
	}
	// Facet order of the cell engine: domain constraints first, then
	// units in increasing order.
	N, nf := int32(s.N), int32(s.nf)
	fkey := func(hy int32) int32 {
		if hy >= N {
			return hy - N
		}
		return hy + nf
	}
	e.parallel((R+skelVChunk-1)/skelVChunk, func(ch int, _ *slabs) {
		for r := ch * skelVChunk; r < min(R, (ch+1)*skelVChunk); r++ {
			lo, hi := int(out.fstart[r]), int(out.fstart[r+1])
			for i := lo + 1; i < hi; i++ {
				for j := i; j > lo && fkey(out.fh[j]) < fkey(out.fh[j-1]); j-- {
					out.fh[j], out.fh[j-1] = out.fh[j-1], out.fh[j]
					out.fnb[j], out.fnb[j-1] = out.fnb[j-1], out.fnb[j]
				}
			}
		}
	})
	if keepV {
		e.parallel(nch, func(ch int, _ *slabs) {
			r := &rc[ch]
			r.v, r.nb = r.v[:0], r.nb[:0]
			p := make([]uint64, pw)
			for v := ch * skelVChunk; v < min(s.nv, (ch+1)*skelVChunk); v++ {
				// Every cell at v: units to both sides, constraints inside.
				all := upSides{s1: 1<<uint(d) - 1}
				for i, zi := range zid[v*d : (v+1)*d] {
					if int(zi) < s.N {
						all.s0 |= 1 << uint(i)
					}
				}
				fixed, free, _ := choices(all, d, -1)
				for sub := range subsets(free) {
					pattern(v, fixed|sub, p)
					q := find(tab, p)
					if q < 0 {
						bad.Store(true)
					}
					r.v = append(r.v, q)
					r.nb = append(r.nb, int32(v))
				}
			}
		})
		if bad.Load() {
			return ErrNotGeneric
		}
		out.vstart = make([]int32, R+1)
		n := 0
		for _, r := range rc {
			for _, q := range r.v {
				out.vstart[q+1]++
			}
			n += len(r.v)
		}
		for r := 0; r < R; r++ {
			out.vstart[r+1] += out.vstart[r]
		}
		out.vlist = make([]int32, n)
		fill := slices.Clone(out.vstart[:R])
		for _, r := range rc {
			for k, q := range r.v {
				out.vlist[fill[q]] = r.nb[k]
				fill[q]++
			}
		}
	}
	return nil
}

// radixOrder returns the order 0..n−1 that sorts the n keys of pw words in
// key (most significant word first) ascending, stable: a least significant
// digit radix sort by bytes, skipping the bytes on which all keys agree.
func radixOrder(key []uint64, pw, n int) []int32 {
	perm, tmp := make([]int32, n), make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	if n == 0 {
		return perm
	}
	var cnt [256]int32
	for w := pw - 1; w >= 0; w-- {
		var diff uint64
		k0 := key[w]
		for i := 0; i < n; i++ {
			diff |= key[i*pw+w] ^ k0
		}
		for sh := uint(0); sh < 64; sh += 8 {
			if diff>>sh&0xff == 0 {
				continue
			}
			clear(cnt[:])
			for _, p := range perm {
				cnt[key[int(p)*pw+w]>>sh&0xff]++
			}
			sum := int32(0)
			for b, c := range cnt {
				cnt[b] = sum
				sum += c
			}
			for _, p := range perm {
				b := key[int(p)*pw+w] >> sh & 0xff
				tmp[cnt[b]] = p
				cnt[b]++
			}
			perm, tmp = tmp, perm
		}
	}
	return perm
}

// skelVChunk is the number of vertices (or regions) per parallel chunk.
const skelVChunk = 2048

// upSides says, at a vertex, which edges go up: bit i of s0 (s1) is set
// when the edge leaving hyperplane zid[i] to its negative (positive, or
// inner) side exists and goes up.
type upSides struct{ s0, s1 uint32 }

// subsets yields every subset of the bits of free, in decreasing order:
// free first, 0 last (the order in which a vertex's regions are recorded,
// which own relies on).
func subsets(free uint32) iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		for sub := free; ; sub = (sub - 1) & free {
			if !yield(sub) || sub == 0 {
				return
			}
		}
	}
}

// choices splits the side masks allowed by u over the d hyperplanes
// (position skip, if ≥ 0, left at 0) into the bits fixed in all of them
// and the free ones; ok is false when there is none.
func choices(u upSides, d, skip int) (fixed, free uint32, ok bool) {
	var sk uint32
	if skip >= 0 {
		sk = 1 << uint(skip)
	}
	return u.s1 &^ u.s0 &^ sk, u.s0 & u.s1 &^ sk, u.s0|u.s1|sk == 1<<uint(d)-1
}

// skelMaxVertices bounds the skeleton; beyond it (or, under
// Options.MaxRegions, beyond 4·MaxRegions vertices) the cell engine runs,
// which bounds its work by regions.
const skelMaxVertices = 1 << 22

// skelChunk is the number of consecutive regions whose maps are updated
// incrementally from one another; each chunk starts afresh, so the float
// maps do not depend on the number of workers.
const skelChunk = 256

// skeleton computes the complex with the skeleton engine; ErrNotGeneric
// and errSkelLarge mean that the cell engine must run instead.
func (e *engine) skeleton(init *cell, dom Domain, cons [][]float64, cx *Complex) error {
	// The pre-activation rows dominate the memory: at most 1 GiB of them.
	limit := min(skelMaxVertices, (1<<27)/max(e.maxW, 1))
	if e.opt.MaxRegions > 0 {
		limit = min(limit, 4*e.opt.MaxRegions+init.nv)
	}
	s, err := e.buildSkel(init, dom, limit)
	if err != nil {
		return err
	}
	full := !e.opt.CountsOnly
	out, facetsOf, err := s.assemble(e.keepV && full, full)
	if err != nil {
		return err
	}
	R := out.R
	if e.opt.MaxRegions > 0 && R > e.opt.MaxRegions {
		return errSkelLarge
	}
	// The counts need the pairs of adjacent regions only where two
	// regions may have one map (see noEqualMaps); the full output needs
	// the facets.
	if full {
		if err := facetsOf(); err != nil {
			return err
		}
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	d, d1, m, H, pw := e.d, e.d+1, e.m, e.H, e.pw
	o := &taskOut{nreg: R, maps: make([]float64, R*m*d1)}
	var facets []Facet
	var normals []float64
	var affs []Affine
	if full {
		cx.Regions = make([]Region, R)
		facets = make([]Facet, len(out.fh))
		normals = make([]float64, len(out.fh)*d)
		affs = make([]Affine, R*m)
	}
	var verts [][]float64
	if e.keepV && full {
		verts = make([][]float64, len(out.vlist))
		for k, v := range out.vlist {
			verts[k] = s.x[int(v)*d : int(v+1)*d : int(v+1)*d]
		}
	}
	p0 := e.firstLayerMap()
	e.parallel((R+skelChunk-1)/skelChunk, func(ch int, _ *slabs) {
		P := make([][]float64, H+1)
		P[0] = p0
		for l := 1; l <= H; l++ {
			P[l] = make([]float64, e.layers[l].out*d1)
		}
		act := make([]int32, e.maxW)
		for r := ch * skelChunk; r < min(R, (ch+1)*skelChunk); r++ {
			p := out.pat[r*pw : (r+1)*pw : (r+1)*pw]
			from := 1
			if r > ch*skelChunk {
				from = e.nextMaps(P, p, out.pat[(r-1)*pw:r*pw])
			}
			for l := from; l <= H; l++ {
				e.layerMap(P[l], l, p, P[l-1], act)
			}
			mp := o.maps[r*m*d1 : (r+1)*m*d1]
			copy(mp, P[H][:m*d1])
			if !full {
				continue
			}
			reg := &cx.Regions[r]
			reg.Index = r
			reg.Pattern = p
			reg.Interior = out.inter[r*d : (r+1)*d : (r+1)*d]
			reg.Maps = affs[r*m : (r+1)*m : (r+1)*m]
			for k := range reg.Maps {
				reg.Maps[k] = Affine{Grad: mp[k*d1 : k*d1+d : k*d1+d], Const: mp[k*d1+d]}
			}
			lo, hi := int(out.fstart[r]), int(out.fstart[r+1])
			reg.Facets = facets[lo:hi:hi]
			for f := lo; f < hi; f++ {
				fc := &facets[f]
				fc.Normal = normals[f*d : (f+1)*d : (f+1)*d]
				fc.Neighbor = int(out.fnb[f])
				hy := int(out.fh[f])
				if hy >= s.N {
					k := int(-s.dom[hy-s.N] - 1)
					fc.Source = FacetSource{Layer: -1, Unit: k}
					copy(fc.Normal, cons[k][:d])
					fc.Offset = cons[k][d]
					continue
				}
				l, u := e.unitOf(hy)
				fc.Source = FacetSource{Layer: l, Unit: u}
				setFacet(fc, P[l][u*d1:(u+1)*d1], mhas(p, hy))
			}
			if e.keepV {
				reg.Vertices = verts[out.vstart[r]:out.vstart[r+1]:out.vstart[r+1]]
			}
		}
	})
	e.outs = []*taskOut{o}
	e.splits.Store(s.cuts)
	e.count.Store(int64(R))
	noEq, unique := false, false
	if !full && !e.opt.Adjacency {
		noEq, unique = e.noEqualMaps(o.maps, R)
	}
	if !full && !noEq {
		if err := facetsOf(); err != nil {
			return err
		}
	}
	e.tally(cx, R, out.pa, out.pb, func(g int) []float64 { return o.maps[g*m*d1 : (g+1)*m*d1] }, nil, unique)
	cx.Stats.Skeleton = true
	cx.Stats.Vertices = s.nv
	if e.opt.Progress != nil {
		e.opt.Progress(int64(R))
	}
	return nil
}

// noEqualMaps reports whether no two of the R regions have, for some
// output, maps equal by mapsEqual's rule (noEq): then no two adjacent
// regions merge, every region is a piece, and the pairs need not be found;
// and whether, besides, no two have the same key in distinct's
// quantization (unique): then every region's map is a distinct map. Each
// map is projected on a fixed positive vector α (h = α·map). Two maps
// that mapsEqual accepts differ by at most mapTol·S in every entry (S: the
// largest entry of that output's maps), two with one key by less than the
// quantum mapQuant·S, so their projections differ by at most
// T = |α|₁·S·(mapQuant + rounding). Only regions within T of each other in
// the sorted projections are compared; both are false when two of them
// are equal, or when there are too many to compare.
func (e *engine) noEqualMaps(maps []float64, R int) (noEq, unique bool) {
	if R < 2 {
		return true, true
	}
	d1, m := e.d+1, e.m
	a1 := 0.0
	for k := 0; k < d1; k++ {
		a1 += projW(k)
	}
	h := make([]float64, R)
	key := make([]uint64, R)
	nch := (R + skelVChunk - 1) / skelVChunk
	S := make([]float64, nch)
	unique = true
	for o := 0; o < m; o++ {
		e.parallel(nch, func(ch int, _ *slabs) {
			sc := 0.0
			for g := ch * skelVChunk; g < min(R, (ch+1)*skelVChunk); g++ {
				t := 0.0
				for k, x := range maps[(g*m+o)*d1 : (g*m+o+1)*d1] {
					t += projW(k) * x
					sc = max(sc, abs(x))
				}
				h[g] = t
				// An order-preserving map of the floats to words.
				b := math.Float64bits(t)
				if b>>63 == 1 {
					b = ^b
				} else {
					b |= 1 << 63
				}
				key[g] = b
			}
			S[ch] = sc
		})
		So := slices.Max(append(S[:0:0], S...))
		q := mapQuant * So
		if q == 0 {
			q = 1
		}
		T := a1 * (max(mapTol*So, q) + 4*float64(d1)*0x1p-52*So)
		ord := radixOrder(key, 1, R)
		budget := 4*R + 16
		for i, gi := range ord {
			mi := maps[(int(gi)*m+o)*d1 : (int(gi)*m+o+1)*d1]
			for _, gj := range ord[i+1:] {
				if h[gj]-h[gi] > T {
					break
				}
				if budget--; budget < 0 {
					return false, false
				}
				mj := maps[(int(gj)*m+o)*d1 : (int(gj)*m+o+1)*d1]
				if mapsEqual(mi, mj) {
					return false, false
				}
				if unique && mapKey(mapKey0(), mi, q) == mapKey(mapKey0(), mj, q) {
					unique = false
				}
			}
		}
	}
	return true, unique
}

// mapKey0 starts a map's key (mapKey).
func mapKey0() [2]uint64 { return [2]uint64{1469598103934665603, 7} }

// mapKey extends the 128-bit key k (a hash, two ways) by the map mp
// rounded to multiples of q: maps, or tuples of maps, with one key count
// as one distinct map.
func mapKey(k [2]uint64, mp []float64, q float64) [2]uint64 {
	for _, v := range mp {
		z := uint64(int64(math.Round(v / q)))
		k[0] = (k[0] ^ z) * 1099511628211
		k[1] = k[1]*31 + z
	}
	return k
}

// projW is the weight of entry k of a map in noEqualMaps' projection: in
// [1, 2), irrational steps apart.
func projW(k int) float64 {
	_, f := math.Modf(float64(k) * 0.6180339887498949)
	return 1 + f
}

// layerMap writes P_l = W_l·diag(pattern of hidden layer l−1)·P_{l−1} + b_l,
// row by row with the row in registers (act is scratch for the active
// units' offsets, at least the layer's input width). Each entry sums the
// active units in increasing order, as addUnit does.
func (e *engine) layerMap(dst []float64, l int, pat []uint64, prev []float64, act []int32) {
	d1 := e.d + 1
	L := e.layers[l]
	off := e.offs[l-1]
	na := 0
	for j := 0; j < e.widths[l-1]; j++ {
		if mhas(pat, off+j) {
			act[na] = int32(j)
			na++
		}
	}
	act = act[:na]
	i0 := 0
	if d1 == 4 {
		// Two rows at a time: each input's row of P_{l−1} is loaded once
		// for both.
		for ; i0+2 <= L.out; i0 += 2 {
			w := L.W[i0*L.in : (i0+2)*L.in]
			wa, wb := w[:L.in], w[L.in:]
			a0, a1, a2, a3 := 0.0, 0.0, 0.0, L.B[i0]
			b0, b1, b2, b3 := 0.0, 0.0, 0.0, L.B[i0+1]
			for _, j := range act {
				ta, tb := wa[j], wb[j]
				p := prev[int(j)*4 : int(j)*4+4 : int(j)*4+4]
				a0 += ta * p[0]
				a1 += ta * p[1]
				a2 += ta * p[2]
				a3 += ta * p[3]
				b0 += tb * p[0]
				b1 += tb * p[1]
				b2 += tb * p[2]
				b3 += tb * p[3]
			}
			row := dst[i0*4 : i0*4+8 : i0*4+8]
			row[0], row[1], row[2], row[3] = a0, a1, a2, a3
			row[4], row[5], row[6], row[7] = b0, b1, b2, b3
		}
	}
	for i := i0; i < L.out; i++ {
		row := dst[i*d1 : (i+1)*d1 : (i+1)*d1]
		w := L.W[i*L.in : (i+1)*L.in]
		switch d1 {
		case 4:
			a0, a1, a2, a3 := 0.0, 0.0, 0.0, L.B[i]
			for _, j := range act {
				t := w[j]
				p := prev[int(j)*4 : int(j)*4+4 : int(j)*4+4]
				a0 += t * p[0]
				a1 += t * p[1]
				a2 += t * p[2]
				a3 += t * p[3]
			}
			row[0], row[1], row[2], row[3] = a0, a1, a2, a3
		case 5:
			a0, a1, a2, a3, a4 := 0.0, 0.0, 0.0, 0.0, L.B[i]
			for _, j := range act {
				t := w[j]
				p := prev[int(j)*5 : int(j)*5+5 : int(j)*5+5]
				a0 += t * p[0]
				a1 += t * p[1]
				a2 += t * p[2]
				a3 += t * p[3]
				a4 += t * p[4]
			}
			row[0], row[1], row[2], row[3], row[4] = a0, a1, a2, a3, a4
		default:
			clear(row)
			row[e.d] = L.B[i]
			for _, j := range act {
				t := w[j]
				for k, pk := range prev[int(j)*d1 : int(j+1)*d1] {
					row[k] += t * pk
				}
			}
		}
	}
}

// nextMaps brings the maps P of pattern q up to date for pattern p: the
// layers before the first unit on which they differ keep their maps, that
// unit's layer l changes P_{l+1} by the rank-one terms of its changed
// units, and the levels above (returned: the first) must be recomputed.
func (e *engine) nextMaps(P [][]float64, p, q []uint64) int {
	b := -1
	for k := range p {
		if x := p[k] ^ q[k]; x != 0 {
			b = k*64 + bits.TrailingZeros64(x)
			break
		}
	}
	if b < 0 {
		return len(P)
	}
	l, _ := e.unitOf(b)
	off, w := e.offs[l], e.widths[l]
	changed, active := 0, 0
	for k := off / 64; k <= (off+w-1)/64; k++ {
		m := rangeMask(k, off, off+w)
		changed += bits.OnesCount64((p[k] ^ q[k]) & m)
		active += bits.OnesCount64(p[k] & m)
	}
	if changed >= active {
		return l + 1
	}
	// A unit turned on adds its term, one turned off takes it away (its
	// row negated: the same sums, exactly).
	d1, out := e.d+1, e.layers[l+1].out
	var neg [skelMaxDim + 1]float64
	for k := off / 64; k <= (off+w-1)/64; k++ {
		x := (p[k] ^ q[k]) & rangeMask(k, off, off+w)
		for x != 0 {
			j := k*64 + bits.TrailingZeros64(x) - off
			x &= x - 1
			row := P[l][j*d1 : (j+1)*d1]
			if !mhas(p, j+off) {
				for i, v := range row {
					neg[i] = -v
				}
				row = neg[:d1]
			}
			addOuter(P[l+1], e.wt[l+1][j*out:(j+1)*out], row)
		}
	}
	return l + 2
}

// rangeMask is the mask of bits lo..hi−1 within word k.
func rangeMask(k, lo, hi int) uint64 {
	m := ^uint64(0)
	if k == lo/64 {
		m &^= 1<<uint(lo%64) - 1
	}
	if k == (hi-1)/64 && hi%64 != 0 {
		m &= 1<<uint(hi%64) - 1
	}
	return m
}

// buildSkel builds the skeleton of the complex over the domain cell init.
// A box is cut in two by a plane across its longest side and the halves
// are built at the same time; their skeletons are then joined (join). The
// halves are built whatever the number of workers, so that the float
// results do not depend on it.
func (e *engine) buildSkel(init *cell, dom Domain, limit int) (*skel, error) {
	units := int64(0)
	for _, w := range e.widths {
		units += int64(w)
	}
	prog := &buildProgress{fn: e.opt.BuildProgress, total: units, every: 250 * time.Millisecond}
	if e.opt.buildEvery > 0 {
		prog.every = e.opt.buildEvery
	}
	prog.last.Store(time.Now().UnixNano())
	// The domain is cut in two across its longest axis a, off the middle
	// by an irrational fraction so that the plane meets no vertex of
	// integer or dyadic nets, and the halves are built in parallel. half(i)
	// makes half i and names its facet on the cutting plane.
	var half func(i int) (*cell, int, error)
	a := -1
	switch dom.Kind {
	case KindBox:
		a = 0
		for i := range dom.Lo {
			if dom.Hi[i]-dom.Lo[i] > dom.Hi[a]-dom.Lo[a] {
				a = i
			}
		}
		mid := dom.Lo[a] + (dom.Hi[a]-dom.Lo[a])*0.4980242667680935
		half = func(i int) (*cell, int, error) {
			lo, hi := slices.Clone(dom.Lo), slices.Clone(dom.Hi)
			split := 2*a + 1 // the lower half's x_a ≤ hi becomes x_a ≤ mid
			if i == 0 {
				hi[a] = mid
			} else {
				lo[a], split = mid, 2*a
			}
			hd, err := Box(lo, hi)
			if err != nil {
				return nil, 0, err
			}
			c, err := hd.initialCell()
			if err != nil {
				return nil, 0, err
			}
			c.buildEdges()
			return c, split, nil
		}
	case KindPolytope:
		if halves, ok := splitCell(init); ok {
			half = func(i int) (*cell, int, error) { return halves[i], init.nf, nil }
		}
	}
	if half == nil {
		s, err := newSkel(e.ctx, e, init, -1)
		if err != nil {
			return nil, err
		}
		s.limit = limit
		if err := s.build(prog); err != nil {
			return nil, err
		}
		prog.finish()
		return s, nil
	}
	prog.total *= 2 // each half cuts every unit
	var sk [2]*skel
	var errs [2]error
	e.parallel(2, func(i int, _ *slabs) {
		c, split, err := half(i)
		if err != nil {
			errs[i] = err
			return
		}
		s, err := newSkel(e.ctx, e, c, split)
		if err != nil {
			errs[i] = err
			return
		}
		s.limit = limit / 2
		errs[i] = s.build(prog)
		sk[i] = s
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	prog.finish()
	return join(sk[0], sk[1], a)
}

// splitCell cuts a polytope cell (with its edge graph) in two across its
// longest axis, off the middle as for a box; the plane is the halves' facet
// c.nf. ok is false when the plane meets a vertex (to the tolerance): the
// halves would not be simple.
func splitCell(c *cell) (halves [2]*cell, ok bool) {
	d := c.d
	lo, hi := make([]float64, d), make([]float64, d)
	copy(lo, c.vert(0))
	copy(hi, c.vert(0))
	R := make([]float64, d)
	for v := 0; v < c.nv; v++ {
		for k, x := range c.vert(v) {
			lo[k], hi[k], R[k] = min(lo[k], x), max(hi[k], x), max(R[k], abs(x))
		}
	}
	a := 0
	for k := range lo {
		if hi[k]-lo[k] > hi[a]-lo[a] {
			a = k
		}
	}
	// x_a ≤ mid is the positive side: the lower half is half 0.
	h := make([]float64, d+1)
	h[a], h[d] = -1, lo[a]+(hi[a]-lo[a])*0.4980242667680935
	val := make([]float64, c.nv)
	sg := make([]int8, c.nv)
	if pos, neg, _ := c.classify(h, hscale(h, R), val, sg); !pos || !neg || slices.Contains(sg, 0) {
		return halves, false
	}
	halves[0], halves[1] = new(cell), new(cell)
	var ws splitWS
	c.split(h, val, sg, splitFacetID, halves[0], halves[1], &ws)
	// A split may compact the halves' constraints (dropping those no
	// vertex is tight on) and so renumber them, differently in each half;
	// the skeletons must number the domain's constraints alike.
	want := append(slices.Clip(c.fid[:c.nf]), splitFacetID)
	for _, hc := range halves {
		hc.renumber(want)
	}
	return halves, true
}

// renumber gives c the constraints fids, in that order, moving the tight
// bits of its own constraints (each of which must be among them) to their
// places.
func (c *cell) renumber(fids []int64) {
	if slices.Equal(c.fid[:c.nf], fids) {
		return
	}
	at := make(map[int64]int, len(fids))
	for k, id := range fids {
		at[id] = k
	}
	words := (len(fids) + 63) / 64
	t := make([]uint64, c.nv*words)
	for v := 0; v < c.nv; v++ {
		for k, id := range c.fid[:c.nf] {
			if mhas(c.tight(v), k) {
				mset(t[v*words:(v+1)*words], at[id])
			}
		}
	}
	c.t, c.words, c.nf = t, words, len(fids)
	c.fid = append(c.fid[:0], fids...)
}

// splitFacetID names the plane that cuts a polytope domain in two for the
// parallel build.
const splitFacetID = -(1 << 42)

// join glues the skeletons of the two halves of a box cut by the plane S
// across axis a, or of a polytope (a < 0), S being hyperplane N+nf of
// both. A vertex on S is not a vertex of the complex but a point inside an
// edge crossing S, found in both halves with the same sign vector; the
// vertices on either side of it become neighbours, and the edges inside S
// are dropped. The joined skeleton keeps the vertices and their
// neighbours (end), not the edge list.
func join(A, B *skel, a int) (*skel, error) {
	d, W, N, nf := A.d, A.W, A.N, A.nf
	d2 := 2 * d
	S := N + nf
	M := &skel{ctx: A.ctx, e: A.e, d: d, N: N, nh: A.nh, W: W, nf: nf, dom: A.dom, cuts: A.cuts + B.cuts}
	type side struct {
		s     *skel
		id    []int32 // new index of each vertex; for one on S, −1 − its index in fakes
		fakes []int32 // the vertices on S
		far   []int32 // per fake: the new index of its neighbour off S
	}
	halves := [2]side{{s: A}, {s: B}}
	n := 0
	for h := range halves {
		hs := &halves[h]
		sk := hs.s
		hs.id = make([]int32, sk.nv)
		for v := 0; v < sk.nv; v++ {
			if mhas(sk.zmOf(v), S) {
				hs.id[v] = -1 - int32(len(hs.fakes))
				hs.fakes = append(hs.fakes, int32(v))
				continue
			}
			hs.id[v] = int32(n)
			n++
		}
	}
	if len(halves[0].fakes) != len(halves[1].fakes) {
		return nil, ErrNotGeneric
	}
	// A point on S leaves S (a domain constraint of the half) to the
	// inside only, to its neighbour off S.
	for h := range halves {
		hs := &halves[h]
		sk := hs.s
		hs.far = make([]int32, len(hs.fakes))
		for f, v := range hs.fakes {
			i := rankIn(sk.zmOf(int(v)), S)
			if i >= d {
				return nil, ErrNotGeneric
			}
			w := sk.end[int(v)*d2+2*i+1]
			if w < 0 || hs.id[w] < 0 {
				return nil, ErrNotGeneric
			}
			hs.far[f] = hs.id[w]
		}
	}
	// Match the points on S by their sign vectors (the constraints on
	// axis a and S itself differ between the halves and are left out);
	// across[h][f] is the neighbour, in the other half, of the vertex
	// beside fake f of half h.
	drop := make([]uint64, W)
	mset(drop, S)
	if a >= 0 {
		mset(drop, N+2*a)
		mset(drop, N+2*a+1)
	}
	key := func(sk *skel, v int32, dst []uint64) {
		for w, x := range sk.zmOf(int(v)) {
			dst[w] = x &^ drop[w]
		}
		for w, x := range sk.pmOf(int(v)) {
			dst[W+w] = x &^ drop[w]
		}
	}
	nfk := len(halves[0].fakes)
	keys := make([]uint64, nfk*2*W)
	for i, v := range halves[0].fakes {
		key(A, v, keys[i*2*W:(i+1)*2*W])
	}
	tab, ok := indexWords(keys, 2*W, nfk)
	if !ok {
		return nil, ErrNotGeneric
	}
	var across [2][]int32
	across[0], across[1] = make([]int32, nfk), make([]int32, nfk)
	for i := range across[0] {
		across[0][i] = -1
	}
	k := make([]uint64, 2*W)
	for f, v := range halves[1].fakes {
		key(B, v, k)
		i := find(tab, k)
		if i < 0 || across[0][i] >= 0 {
			return nil, ErrNotGeneric
		}
		across[0][i], across[1][f] = halves[1].far[f], halves[0].far[i]
	}
	// The halves' vertices are copied at the same time, each to its
	// own range of the new indices.
	M.nv = n
	M.x = make([]float64, n*d)
	M.zm = make([]uint64, n*W)
	M.pm = make([]uint64, n*W)
	M.end = make([]int32, n*d2)
	A.e.parallel(2, func(h int, _ *slabs) {
		hs := halves[h]
		sk := hs.s
		// A box's lower half lies strictly below its x_a ≤ hi (N+2a+1),
		// the upper strictly above x_a ≥ lo (N+2a); the halves of a
		// polytope keep all its constraints.
		other := -1
		if a >= 0 {
			other = N + 2*a + 1
			if h == 1 {
				other = N + 2*a
			}
		}
		for v := 0; v < sk.nv; v++ {
			id := int(hs.id[v])
			if id < 0 {
				continue
			}
			copy(M.x[id*d:(id+1)*d], sk.x[v*d:(v+1)*d])
			copy(M.zm[id*W:(id+1)*W], sk.zmOf(v))
			pm := M.pm[id*W : (id+1)*W]
			copy(pm, sk.pmOf(v))
			mclr(pm, S)
			if other >= 0 {
				mset(pm, other)
			}
			en := M.end[id*d2 : (id+1)*d2]
			for i, w := range sk.end[v*d2 : (v+1)*d2] {
				if w >= 0 {
					if w = hs.id[w]; w < 0 {
						w = across[h][-1-w]
					}
				}
				en[i] = w
			}
		}
	})
	return M, nil
}

// find returns the index of p in set as an int32 (−1: absent).
func find(set *wordset.Set, p []uint64) int32 { return int32(set.Find(p)) }
