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

	"github.com/relucid/relucid/relu"
)

// ErrNotCertified is wrapped when Options.Exact cannot certify a region or
// the completeness of the complex (a float decision was wrong).
var ErrNotCertified = errors.New("exact certification failed")

// exactCtx re-derives every region in rational arithmetic.
type exactCtx struct {
	net    *relu.Net
	d      int
	A      [][]*big.Rat
	b      []*big.Rat
	offs   []int
	widths []int

	mu      sync.Mutex
	keys    [][]string
	areaSum *big.Rat // 2-D: Σ exact region areas
	domArea *big.Rat
}

func newExact(net *relu.Net, dom Domain) *exactCtx {
	x := &exactCtx{net: net, d: net.InputDim()}
	x.A, x.b = dom.constraints()
	off := 0
	for _, l := range net.Layers[:len(net.Layers)-1] {
		x.offs = append(x.offs, off)
		x.widths = append(x.widths, l.Out)
		off += l.Out
	}
	if x.d == 2 {
		x.areaSum = new(big.Rat)
		x.domArea = polyArea(x.domainPolygon())
	}
	return x
}

// affR is an exact affine function: coefficients 0..d−1 and constant d.
type affR []*big.Rat

func newAff(d int) affR {
	a := make(affR, d+1)
	for i := range a {
		a[i] = new(big.Rat)
	}
	return a
}

func (a affR) isZero() bool {
	for _, v := range a {
		if v.Sign() != 0 {
			return false
		}
	}
	return true
}

func (a affR) eval(q []*big.Rat, t *big.Rat) *big.Rat {
	d := len(a) - 1
	s := new(big.Rat).Set(a[d])
	for k := 0; k < d; k++ {
		if a[k].Sign() != 0 && q[k].Sign() != 0 {
			s.Add(s, t.Mul(a[k], q[k]))
		}
	}
	return s
}

// maps computes the exact pre-activations of every hidden unit and the
// output maps on the region with pattern pat.
func (x *exactCtx) maps(pat []uint64) (pre [][]affR, out []affR) {
	d := x.d
	var t big.Rat
	l0 := &x.net.Layers[0]
	cur := make([]affR, l0.Out)
	for i := range cur {
		a := newAff(d)
		for k := 0; k < d; k++ {
			a[k].Set(l0.RatAt(i, k))
		}
		a[d].Set(l0.BR[i])
		cur[i] = a
	}
	H := len(x.net.Layers) - 1
	for l := 0; l < H; l++ {
		pre = append(pre, cur)
		lay := &x.net.Layers[l+1]
		nxt := make([]affR, lay.Out)
		for i := range nxt {
			a := newAff(d)
			a[d].Set(lay.BR[i])
			for j := 0; j < lay.In; j++ {
				b := x.offs[l] + j
				if pat[b/64]>>(b%64)&1 == 0 {
					continue
				}
				w := lay.RatAt(i, j)
				if w.Sign() == 0 {
					continue
				}
				for k := range a {
					if cur[j][k].Sign() != 0 {
						a[k].Add(a[k], t.Mul(w, cur[j][k]))
					}
				}
			}
			nxt[i] = a
		}
		cur = nxt
	}
	return pre, cur
}

// certifyRegion checks r in rationals and returns the exact keys of its
// output maps and, in 2-D, its exact area.
func (x *exactCtx) certifyRegion(r *Region) ([]string, *big.Rat, error) {
	d := x.d
	pre, out := x.maps(r.Pattern)
	var q []*big.Rat
	var area *big.Rat
	if d == 2 {
		// The exact region: the domain cut by every unit's sign constraint.
		poly := x.domainPolygon()
		for l, units := range pre {
			for i, a := range units {
				if a.isZero() {
					continue
				}
				b := x.offs[l] + i
				on := r.Pattern[b/64]>>(b%64)&1 == 1
				// Keep on: a ≥ 0 ⇔ −a·y ≤ a_d; off: a·y ≤ −a_d.
				poly = clipRat(poly, a, on)
				if len(poly) < 3 {
					return nil, nil, fmt.Errorf("%w: region %d is empty in exact arithmetic", ErrNotCertified, r.Index)
				}
			}
		}
		area = polyArea(poly)
		if area.Sign() <= 0 {
			return nil, nil, fmt.Errorf("%w: region %d has zero area in exact arithmetic", ErrNotCertified, r.Index)
		}
		q = []*big.Rat{new(big.Rat), new(big.Rat)}
		for _, v := range poly {
			q[0].Add(q[0], v[0])
			q[1].Add(q[1], v[1])
		}
		n := big.NewRat(int64(len(poly)), 1)
		q[0].Quo(q[0], n)
		q[1].Quo(q[1], n)
	} else {
		q = make([]*big.Rat, d)
		for k := range q {
			q[k] = new(big.Rat).SetFloat64(r.Interior[k])
		}
	}
	var t big.Rat
	for l, units := range pre {
		for i, a := range units {
			b := x.offs[l] + i
			on := r.Pattern[b/64]>>(b%64)&1 == 1
			v := a.eval(q, &t)
			ok := (on && v.Sign() > 0) || (!on && (v.Sign() < 0 || a.isZero()))
			if !ok {
				return nil, nil, fmt.Errorf("%w: region %d: unit %d of hidden layer %d has value %s at the interior point, against its pattern",
					ErrNotCertified, r.Index, i, l, v.RatString())
			}
		}
	}
	for k := range x.A {
		s := new(big.Rat)
		for i := 0; i < d; i++ {
			s.Add(s, t.Mul(x.A[k][i], q[i]))
		}
		if s.Cmp(x.b[k]) >= 0 {
			return nil, nil, fmt.Errorf("%w: region %d: interior point not strictly inside the domain", ErrNotCertified, r.Index)
		}
	}
	r.InteriorRat = q
	r.MapsRat = r.MapsRat[:0]
	keys := make([]string, len(out))
	for o, a := range out {
		var sb strings.Builder
		for _, v := range a {
			sb.WriteString(v.RatString())
			sb.WriteByte(',')
		}
		keys[o] = sb.String()
		r.MapsRat = append(r.MapsRat, AffineRat{Grad: a[:d], Const: a[d]})
	}
	return keys, area, nil
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
	areas := make([]*big.Rat, len(rs))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	workers := e.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(rs) || ctx.Err() != nil {
					return
				}
				k, a, err := x.certifyRegion(&rs[i])
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					next.Store(int64(len(rs)))
					return
				}
				x.keys[i], areas[i] = k, a
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
	if x.d == 2 {
		for _, a := range areas {
			x.areaSum.Add(x.areaSum, a)
		}
	}
	return x.complete(e)
}

// complete checks, in 2-D, that the regions tile the domain.
func (x *exactCtx) complete(e *engine) error {
	if x.d != 2 || e.stop.Load() {
		return nil
	}
	if x.areaSum.Cmp(x.domArea) != 0 {
		return fmt.Errorf("%w: the exact region areas add up to %s, the domain's area is %s",
			ErrNotCertified, x.areaSum.FloatString(12), x.domArea.FloatString(12))
	}
	return nil
}

// domainPolygon returns the exact domain polygon (2-D), counter-clockwise.
func (x *exactCtx) domainPolygon() [][2]*big.Rat {
	R := new(big.Rat).SetFloat64(polytopeBound)
	nR := new(big.Rat).Neg(R)
	poly := [][2]*big.Rat{{nR, nR}, {R, nR}, {R, R}, {nR, R}}
	var t big.Rat
	for k := range x.A {
		// a·y ≤ b  ⇔  h = b − a·y ≥ 0.
		h := affR{new(big.Rat).Neg(x.A[k][0]), new(big.Rat).Neg(x.A[k][1]), new(big.Rat).Set(x.b[k])}
		_ = t
		poly = clipRat(poly, h, true)
	}
	return poly
}

// clipRat keeps the part of a convex polygon where h ≥ 0 (keepPos) or
// h ≤ 0, exactly (Sutherland–Hodgman).
func clipRat(poly [][2]*big.Rat, h affR, keepPos bool) [][2]*big.Rat {
	var t big.Rat
	val := func(p [2]*big.Rat) *big.Rat {
		s := new(big.Rat).Set(h[2])
		s.Add(s, t.Mul(h[0], p[0]))
		s.Add(s, t.Mul(h[1], p[1]))
		if !keepPos {
			s.Neg(s)
		}
		return s
	}
	n := len(poly)
	if n == 0 {
		return poly
	}
	vals := make([]*big.Rat, n)
	for i, p := range poly {
		vals[i] = val(p)
	}
	var out [][2]*big.Rat
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		vi, vj := vals[i], vals[j]
		if vi.Sign() >= 0 {
			out = append(out, poly[i])
		}
		if vi.Sign()*vj.Sign() < 0 {
			// p = p_i + s (p_j − p_i), s = v_i / (v_i − v_j).
			s := new(big.Rat).Sub(vi, vj)
			s.Quo(vi, s)
			var p [2]*big.Rat
			for k := 0; k < 2; k++ {
				dlt := new(big.Rat).Sub(poly[j][k], poly[i][k])
				p[k] = dlt.Mul(dlt, s)
				p[k].Add(p[k], poly[i][k])
			}
			out = append(out, p)
		}
	}
	return out
}

// polyArea is the exact (signed, counter-clockwise positive) area.
func polyArea(poly [][2]*big.Rat) *big.Rat {
	s := new(big.Rat)
	var t big.Rat
	for i := range poly {
		j := (i + 1) % len(poly)
		s.Add(s, t.Mul(poly[i][0], poly[j][1]))
		s.Sub(s, t.Mul(poly[j][0], poly[i][1]))
	}
	return s.Quo(s, big.NewRat(2, 1))
}
