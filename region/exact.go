package region

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relucid/relucid/relu"
)

// ErrNotCertified is wrapped when Options.Exact cannot certify a region or
// the completeness of the complex (a float decision was wrong).
var ErrNotCertified = errors.New("exact certification failed")

// exactCtx re-derives every region in exact arithmetic. Each layer is
// scaled to integers (Ŵ_l = D_l·W_l, b̂_l = D_l·b_l with D_l the least
// common denominator of the layer), so that the pre-activations of layer l
// on a region are integer affine functions P̂_l divided by the
// region-independent positive Δ_l = D_1⋯D_l:
//
//	P̂_{l+1} = Ŵ_{l+1}·diag(pattern_l)·P̂_l + Δ_l·b̂_{l+1}·e_const.
//
// Signs and equality of maps are therefore decided on integers, without
// the gcd of every rational operation. 2-D polygons are kept with
// homogeneous integer vertices (X, Y, W), W > 0, and the line of every
// edge, so a new vertex is the cross product of two lines and sizes do not
// grow along a chain of clips.
type exactCtx struct {
	net    *relu.Net
	d      int
	A      [][]*big.Rat
	b      []*big.Rat
	offs   []int
	widths []int
	W      [][]*big.Int // Ŵ_l, row-major
	B      [][]*big.Int // b̂_l
	delta  []*big.Int   // Δ_l (Δ of the pre-activations of layer l)

	keys    [][]string
	polys   []*hpoly // 2-D, Enumerate: the exact region polygons
	areaSum *big.Rat // 2-D: Σ exact region areas
	domArea *big.Rat
	domPoly *hpoly

	// n-D (d ≠ 2): when full is set every region is rebuilt exactly as a
	// qpoly from the domain polytope domQ, its exact volume must be
	// positive, and the volumes must add up to the domain's volume domArea
	// (kept in areaSum), exactly as areas do in 2-D.
	full bool
	domQ *qpoly
	// qpolys are the exact region polytopes (n-D, Enumerate, full).
	qpolys []*qpoly
	// completed is set once complete has proved that the regions tile the
	// domain.
	completed bool
}

func lcmDen(vals []*big.Rat, acc *big.Int) {
	var g big.Int
	for _, v := range vals {
		den := v.Denom()
		g.GCD(nil, nil, acc, den)
		acc.Mul(acc, new(big.Int).Quo(den, &g))
	}
}

func scaled(v *big.Rat, D *big.Int) *big.Int {
	n := new(big.Int).Mul(v.Num(), D)
	return n.Quo(n, v.Denom())
}

func newExact(net *relu.Net, dom Domain) *exactCtx {
	return newExactFull(net, dom, true)
}

// newExactFull is newExact; in n-D, full selects the complete polytope
// certificate (exact volumes) instead of the interior-point check alone.
func newExactFull(net *relu.Net, dom Domain, full bool) *exactCtx {
	x := &exactCtx{net: net, d: net.InputDim()}
	x.A, x.b = dom.Constraints()
	off := 0
	for _, l := range net.Layers[:len(net.Layers)-1] {
		x.offs = append(x.offs, off)
		x.widths = append(x.widths, l.Out)
		off += l.Out
	}
	delta := big.NewInt(1)
	for k := range net.Layers {
		l := &net.Layers[k]
		D := big.NewInt(1)
		lcmDen(l.WR, D)
		lcmDen(l.BR, D)
		w := make([]*big.Int, len(l.WR))
		for i, v := range l.WR {
			w[i] = scaled(v, D)
		}
		b := make([]*big.Int, len(l.BR))
		for i, v := range l.BR {
			b[i] = scaled(v, D)
		}
		x.W = append(x.W, w)
		x.B = append(x.B, b)
		delta = new(big.Int).Mul(delta, D)
		x.delta = append(x.delta, delta)
	}
	if x.d == 2 {
		x.areaSum = new(big.Rat)
		x.domPoly = x.domainPolygon()
		x.domArea = x.domPoly.area()
	} else if full {
		p, err := x.domainPoly()
		if err == nil {
			x.full, x.domQ = true, p
			x.areaSum = new(big.Rat)
			x.domArea = p.volume()
		}
	}
	return x
}

// affI is an integer affine function: coefficients 0..d−1, constant d.
type affI []*big.Int

func (a affI) isZero() bool {
	for _, v := range a {
		if v.Sign() != 0 {
			return false
		}
	}
	return true
}

// maps computes the scaled pre-activations P̂_l of every hidden unit and
// the scaled output maps on the region with pattern pat.
func (x *exactCtx) maps(pat []uint64) (pre [][]affI, out []affI) {
	cur := x.layerPre(0, pat, nil)
	for l := 0; l < len(x.net.Layers)-1; l++ {
		pre = append(pre, cur)
		cur = x.layerPre(l+1, pat, cur)
	}
	return pre, cur
}

// certifyRegion checks r exactly and returns the keys of its output maps
// and, in 2-D, its exact area.
func (x *exactCtx) certifyRegion(r *Region) ([]string, *big.Rat, error) {
	k, a, _, _, err := x.certifyRegionPoly(r)
	return k, a, err
}

func (x *exactCtx) certifyRegionPoly(r *Region) ([]string, *big.Rat, *hpoly, *qpoly, error) {
	d := x.d
	var poly *hpoly
	var qp *qpoly
	pre, out := x.maps(r.Pattern)
	var area *big.Rat
	if d == 2 {
		// The exact region: the domain cut by every unit's sign
		// constraint. Its positive area makes every non-≡0 unit strictly
		// signed on its interior, and its vertex average is interior.
		poly = x.domPoly.clone()
		for l, units := range pre {
			for i, a := range units {
				if a.isZero() {
					continue
				}
				b := x.offs[l] + i
				on := r.Pattern[b/64]>>(b%64)&1 == 1
				poly.clip(a, on)
				if len(poly.v) < 3 {
					return nil, nil, nil, nil, fmt.Errorf("%w: region %d is empty in exact arithmetic", ErrNotCertified, r.Index)
				}
			}
		}
		area = poly.area()
		if area.Sign() <= 0 {
			return nil, nil, nil, nil, fmt.Errorf("%w: region %d has zero area in exact arithmetic", ErrNotCertified, r.Index)
		}
		r.InteriorRat = poly.centroid()
	} else if x.full {
		// The same certificate in n-D: the exact region is the domain cut
		// by every unit's sign constraint; a positive exact volume makes
		// its vertex average interior, hence every non-≡0 unit strictly
		// signed there.
		q := x.regionPoly(pre, r.Pattern)
		if q == nil {
			return nil, nil, nil, nil, fmt.Errorf("%w: region %d is empty in exact arithmetic", ErrNotCertified, r.Index)
		}
		area = q.volume()
		if area.Sign() <= 0 {
			return nil, nil, nil, nil, fmt.Errorf("%w: region %d has zero volume in exact arithmetic", ErrNotCertified, r.Index)
		}
		r.InteriorRat = q.centroid()
		qp = q
	} else {
		q := make([]*big.Rat, d)
		for k := range q {
			q[k] = new(big.Rat).SetFloat64(r.Interior[k])
		}
		// Common denominator 2^E of the dyadic coordinates.
		E := big.NewInt(1)
		lcmDen(q, E)
		Q := make([]*big.Int, d)
		for k := range Q {
			Q[k] = scaled(q[k], E)
		}
		var v, t big.Int
		for l, units := range pre {
			for i, a := range units {
				b := x.offs[l] + i
				on := r.Pattern[b/64]>>(b%64)&1 == 1
				v.Mul(a[d], E)
				for k := 0; k < d; k++ {
					v.Add(&v, t.Mul(a[k], Q[k]))
				}
				ok := (on && v.Sign() > 0) || (!on && (v.Sign() < 0 || a.isZero()))
				if !ok {
					return nil, nil, nil, nil, fmt.Errorf("%w: region %d: unit %d of hidden layer %d has the wrong sign (%d) at the interior point",
						ErrNotCertified, r.Index, i, l, v.Sign())
				}
			}
		}
		var s, tr big.Rat
		for k := range x.A {
			s.SetInt64(0)
			for i := 0; i < d; i++ {
				s.Add(&s, tr.Mul(x.A[k][i], q[i]))
			}
			if s.Cmp(x.b[k]) >= 0 {
				return nil, nil, nil, nil, fmt.Errorf("%w: region %d: interior point not strictly inside the domain", ErrNotCertified, r.Index)
			}
		}
		r.InteriorRat = q
	}
	r.MapsRat = r.MapsRat[:0]
	keys := make([]string, len(out))
	dOut := x.delta[len(x.delta)-1]
	for o, a := range out {
		var sb strings.Builder
		ar := AffineRat{Grad: make([]*big.Rat, d)}
		for k, v := range a {
			sb.WriteString(v.String())
			sb.WriteByte(',')
			q := new(big.Rat).SetFrac(v, dOut)
			if k < d {
				ar.Grad[k] = q
			} else {
				ar.Const = q
			}
		}
		keys[o] = sb.String()
		r.MapsRat = append(r.MapsRat, ar)
	}
	return keys, area, poly, qp, nil
}

// certify handles one streamed region (called in order from one goroutine).
func (x *exactCtx) certify(r *Region, o *taskOut, i int) error {
	k, area, err := x.certifyRegion(r)
	if err != nil {
		return err
	}
	x.keys = append(x.keys, k)
	if area != nil {
		x.areaSum.Add(x.areaSum, area)
	}
	return nil
}

// certifyAll certifies every region in parallel and checks completeness.
func (x *exactCtx) certifyAll(ctx context.Context, rs []Region, e *engine, offset []int) error {
	x.keys = make([][]string, len(rs))
	if x.d == 2 {
		x.polys = make([]*hpoly, len(rs))
	} else if x.full {
		x.qpolys = make([]*qpoly, len(rs))
	}
	areas := make([]*big.Rat, len(rs))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	workers := e.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var certified atomic.Int64
	stopTicker := certifyTicker(e.opt.CertifyProgress, &certified, int64(len(rs)))
	defer stopTicker()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(rs) || ctx.Err() != nil {
					return
				}
				certified.Add(1)
				k, a, p, q, err := x.certifyRegionPoly(&rs[i])
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					next.Store(int64(len(rs)))
					return
				}
				x.keys[i], areas[i] = k, a
				if x.polys != nil {
					x.polys[i] = p
				}
				if x.qpolys != nil {
					x.qpolys[i] = q
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.areaSum != nil {
		for _, a := range areas {
			x.areaSum.Add(x.areaSum, a)
		}
	}
	if err := x.complete(e); err != nil {
		return err
	}
	return x.verifyMerges(rs)
}

// certifyTicker calls report(done, total) from one goroutine every quarter
// second until the returned stop is called, which reports once more.
func certifyTicker(report func(done, total int64), done *atomic.Int64, total int64) (stop func()) {
	if report == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(250 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-quit:
				report(done.Load(), total)
				return
			case <-tk.C:
				report(done.Load(), total)
			}
		}
	}()
	return func() { close(quit); wg.Wait() }
}

// complete checks that the regions tile the domain: their exact areas (2-D)
// or volumes (n-D with full) add up to the domain's. Regions of distinct
// patterns have disjoint interiors (the first unit on which they differ has
// the same affine function on both, with opposite signs), so equal sums
// leave no part of the domain uncovered.
func (x *exactCtx) complete(e *engine) error {
	if (x.d != 2 && !x.full) || e.stop.Load() {
		return nil
	}
	what := "areas"
	if x.d != 2 {
		what = "volumes"
	}
	if x.areaSum.Cmp(x.domArea) != 0 {
		return fmt.Errorf("%w: the exact region %s add up to %s, the domain's is %s",
			ErrNotCertified, what, x.areaSum.FloatString(12), x.domArea.FloatString(12))
	}
	x.completed = true
	return nil
}

// hpoly is a convex polygon with homogeneous integer vertices (X, Y, W),
// W > 0, listed counter-clockwise, and the line a·x + b·y + c = 0 of the
// edge from vertex i to vertex i+1.
type hpoly struct {
	v    [][3]*big.Int
	line [][3]*big.Int
}

func (p *hpoly) clone() *hpoly {
	return &hpoly{v: append([][3]*big.Int(nil), p.v...), line: append([][3]*big.Int(nil), p.line...)}
}

// cross is the intersection of two lines, normalised to W > 0 (lines must
// not be parallel).
func cross(l, m [3]*big.Int) [3]*big.Int {
	var t big.Int
	X := new(big.Int).Mul(l[1], m[2])
	X.Sub(X, t.Mul(l[2], m[1]))
	Y := new(big.Int).Mul(l[2], m[0])
	Y.Sub(Y, t.Mul(l[0], m[2]))
	W := new(big.Int).Mul(l[0], m[1])
	W.Sub(W, t.Mul(l[1], m[0]))
	if W.Sign() < 0 {
		X.Neg(X)
		Y.Neg(Y)
		W.Neg(W)
	}
	return [3]*big.Int{X, Y, W}
}

// side returns the sign of h at a homogeneous vertex (W > 0).
func side(h [3]*big.Int, v [3]*big.Int) int {
	var s, t big.Int
	s.Mul(h[0], v[0])
	s.Add(&s, t.Mul(h[1], v[1]))
	s.Add(&s, t.Mul(h[2], v[2]))
	return s.Sign()
}

// clip keeps the part where a ≥ 0 (keepPos) or a ≤ 0 (Sutherland–Hodgman).
func (p *hpoly) clip(a affI, keepPos bool) {
	h := [3]*big.Int{a[0], a[1], a[2]}
	if !keepPos {
		h = [3]*big.Int{new(big.Int).Neg(a[0]), new(big.Int).Neg(a[1]), new(big.Int).Neg(a[2])}
	}
	n := len(p.v)
	sg := make([]int, n)
	allIn := true
	for i, v := range p.v {
		sg[i] = side(h, v)
		allIn = allIn && sg[i] >= 0
	}
	if allIn {
		return
	}
	var nv, nl [][3]*big.Int
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		if sg[i] >= 0 {
			nv = append(nv, p.v[i])
			if sg[j] >= 0 {
				nl = append(nl, p.line[i])
			}
		}
		if sg[i]*sg[j] < 0 {
			c := cross(p.line[i], h)
			if sg[i] > 0 {
				// Leaving: the edge continues on line i to c, then on h.
				nl = append(nl, p.line[i])
				nv = append(nv, c)
				nl = append(nl, h)
			} else {
				nv = append(nv, c)
				nl = append(nl, p.line[i])
			}
		} else if sg[i] == 0 && sg[j] < 0 {
			// Leaving through a vertex: the next kept edge lies on h.
			nl = append(nl, h)
		}
	}
	p.v, p.line = nv, nl
}

// area is the exact (counter-clockwise positive) area.
func (p *hpoly) area() *big.Rat {
	s := new(big.Rat)
	var num, t big.Int
	var q big.Rat
	for i := range p.v {
		a, b := p.v[i], p.v[(i+1)%len(p.v)]
		num.Mul(a[0], b[1])
		num.Sub(&num, t.Mul(b[0], a[1]))
		if num.Sign() == 0 {
			continue
		}
		s.Add(s, q.SetFrac(&num, t.Mul(a[2], b[2])))
	}
	return s.Quo(s, big.NewRat(2, 1))
}

// centroid is the average of the vertices (an interior point).
func (p *hpoly) centroid() []*big.Rat {
	c := []*big.Rat{new(big.Rat), new(big.Rat)}
	var q big.Rat
	for _, v := range p.v {
		c[0].Add(c[0], q.SetFrac(v[0], v[2]))
		c[1].Add(c[1], q.SetFrac(v[1], v[2]))
	}
	n := big.NewRat(int64(len(p.v)), 1)
	c[0].Quo(c[0], n)
	c[1].Quo(c[1], n)
	return c
}

// domainPolygon returns the exact domain polygon: the box ±polytopeBound
// clipped by every domain constraint a·y ≤ b (as b − a·y ≥ 0, scaled to
// integers).
func (x *exactCtx) domainPolygon() *hpoly {
	R := big.NewInt(int64(polytopeBound))
	nR := new(big.Int).Neg(R)
	one, zero, mone := big.NewInt(1), big.NewInt(0), big.NewInt(-1)
	p := &hpoly{
		v: [][3]*big.Int{{nR, nR, one}, {R, nR, one}, {R, R, one}, {nR, R, one}},
		// Edges: y = −R, x = R, y = R, x = −R (as a·x + b·y + c with
		// the polygon on the side ≥ 0).
		line: [][3]*big.Int{{zero, one, R}, {mone, zero, R}, {zero, mone, R}, {one, zero, R}},
	}
	for k := range x.A {
		D := big.NewInt(1)
		lcmDen(x.A[k], D)
		lcmDen([]*big.Rat{x.b[k]}, D)
		h := affI{new(big.Int).Neg(scaled(x.A[k][0], D)), new(big.Int).Neg(scaled(x.A[k][1], D)), scaled(x.b[k], D)}
		if h[0].Sign() == 0 && h[1].Sign() == 0 {
			continue
		}
		p.clip(h, true)
	}
	return p
}

// verifyMerges checks, in 2-D, that every pair of regions that the float
// adjacency would merge for some output (equal exact maps) really shares a
// boundary segment of positive length.
func (x *exactCtx) verifyMerges(rs []Region) error {
	if x.qpolys != nil {
		return x.verifyMergesND(rs)
	}
	if x.polys == nil {
		return nil
	}
	for i := range rs {
		for _, f := range rs[i].Facets {
			j := f.Neighbor
			if j <= i {
				continue
			}
			same := false
			for o := range x.keys[i] {
				same = same || x.keys[i][o] == x.keys[j][o]
			}
			if same && !sharesEdge(x.polys[i], x.polys[j]) {
				return fmt.Errorf("%w: regions %d and %d were to be merged but share no edge in exact arithmetic", ErrNotCertified, i, j)
			}
		}
	}
	return nil
}

// sharesEdge reports whether two exact polygons have edges on the same line
// overlapping in a segment of positive length.
func sharesEdge(p, q *hpoly) bool {
	var t big.Int
	sameLine := func(l, m [3]*big.Int) bool {
		for k := 0; k < 3; k++ {
			a, b := (k+1)%3, (k+2)%3
			var u big.Int
			u.Mul(l[a], m[b])
			if u.Cmp(t.Mul(l[b], m[a])) != 0 {
				return false
			}
		}
		return true
	}
	// Position along the line (a, b, c): direction (−b, a).
	pos := func(l [3]*big.Int, v [3]*big.Int) *big.Rat {
		n := new(big.Int).Mul(l[0], v[1])
		n.Sub(n, t.Mul(l[1], v[0]))
		return new(big.Rat).SetFrac(n, v[2])
	}
	for i := range p.v {
		L := p.line[i]
		a0, a1 := pos(L, p.v[i]), pos(L, p.v[(i+1)%len(p.v)])
		if a0.Cmp(a1) > 0 {
			a0, a1 = a1, a0
		}
		for j := range q.v {
			if !sameLine(L, q.line[j]) {
				continue
			}
			b0, b1 := pos(L, q.v[j]), pos(L, q.v[(j+1)%len(q.v)])
			if b0.Cmp(b1) > 0 {
				b0, b1 = b1, b0
			}
			lo, hi := a0, a1
			if b0.Cmp(lo) > 0 {
				lo = b0
			}
			if b1.Cmp(hi) < 0 {
				hi = b1
			}
			if hi.Cmp(lo) > 0 {
				return true
			}
		}
	}
	return false
}
