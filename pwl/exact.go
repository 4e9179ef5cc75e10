package pwl

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/relucid/relucid/relu"
)

// checkNet validates net for 1-D extraction.
func checkNet(net *relu.Net) error {
	if err := net.Validate(); err != nil {
		return err
	}
	if n := net.InputDim(); n != 1 {
		return fmt.Errorf("%w: input dimension is %d; restrict the net to a line with pwl.Slice (CLI: --through X0 --dir D)", ErrNotScalar, n)
	}
	if m := net.OutputDim(); m != 1 {
		return fmt.Errorf("%w: output dimension is %d; pick one output with pwl.SelectOutput (CLI: --output J)", ErrNotScalar, m)
	}
	return nil
}

// FromNetRat returns the exact PWL function computed by the R → R net on the
// whole real line, using the exact weights WR and BR. The result is
// simplified: its knots are exactly its breakpoints.
func FromNetRat(ctx context.Context, net *relu.Net) (*Rat, error) {
	if err := checkNet(net); err != nil {
		return nil, err
	}
	if net.Depth() == 2 && net.Width() >= oneLayerMin {
		return fromOneLayer(net, nil, nil), nil
	}
	return fromNetInt(ctx, net, nil, nil)
}

// FromNetRatOn is FromNetRat restricted to the domain [a, b] (a < b): the
// result's knots are its breakpoints inside (a, b), and its end slopes are
// those of the first and last piece inside [a, b].
func FromNetRatOn(ctx context.Context, net *relu.Net, a, b *big.Rat) (*Rat, error) {
	if a.Cmp(b) >= 0 {
		return nil, fmt.Errorf("%w: [%s, %s]", ErrDomain, a.RatString(), b.RatString())
	}
	if err := checkNet(net); err != nil {
		return nil, err
	}
	if net.Depth() == 2 && net.Width() >= oneLayerMin {
		return fromOneLayer(net, a, b), nil
	}
	return fromNetInt(ctx, net, a, b)
}

// ratEngine is the plain big.Rat version of the exact engine (one rational
// per value, normalised at every operation). The exported functions use
// intEngine, which is several times faster; ratEngine stays as a second,
// simpler implementation that the tests compare against.
//
// ratEngine propagates, layer by layer, the values of all units of a layer
// on a common ascending knot grid. Values are knot-major: v[k*w+i] is unit i
// at knot k. Storage is flat and reused between layers.
type ratEngine struct {
	bounded bool
	w       int
	t, v    []big.Rat
	sl, sr  []big.Rat
	nt, nv  []big.Rat
	nsl     []big.Rat
	nsr     []big.Rat
	tmp     big.Rat
	tmp2    big.Rat
	cr      []ratCross
	crT     []big.Rat
	mu      big.Rat
}

type ratCross struct {
	t    *big.Rat
	unit int
}

// grow returns s with length n, reusing its storage.
func grow(s []big.Rat, n int) []big.Rat {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([]big.Rat, n-cap(s))...)
}

func fromNetRat(ctx context.Context, net *relu.Net, a, b *big.Rat) (*Rat, error) {
	if err := checkNet(net); err != nil {
		return nil, err
	}
	e := &ratEngine{w: 1}
	if a != nil {
		e.bounded = true
		e.t = grow(e.t, 2)
		e.t[0].Set(a)
		e.t[1].Set(b)
		e.v = grow(e.v, 2)
		e.v[0].Set(a)
		e.v[1].Set(b)
	} else {
		e.t = grow(e.t, 1)
		e.v = grow(e.v, 1)
		e.t[0].SetInt64(0)
		e.v[0].SetInt64(0)
	}
	e.sl = grow(e.sl, 1)
	e.sr = grow(e.sr, 1)
	e.sl[0].SetInt64(1)
	e.sr[0].SetInt64(1)
	if err := propagate(ctx, e, net); err != nil {
		return nil, err
	}
	return e.result(), nil
}

func (e *ratEngine) affine(l *relu.Layer) {
	K := len(e.t)
	w2 := l.Out
	e.nv = grow(e.nv, K*w2)
	for k := 0; k < K; k++ {
		src := e.v[k*e.w : (k+1)*e.w]
		dst := e.nv[k*w2 : (k+1)*w2]
		for i := 0; i < w2; i++ {
			d := &dst[i]
			d.Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				wr := l.WR[i*l.In+j]
				if wr.Sign() == 0 || src[j].Sign() == 0 {
					continue
				}
				d.Add(d, e.tmp.Mul(wr, &src[j]))
			}
		}
	}
	e.v, e.nv = e.nv, e.v
	e.nsl = grow(e.nsl, w2)
	e.nsr = grow(e.nsr, w2)
	for i := 0; i < w2; i++ {
		e.nsl[i].SetInt64(0)
		e.nsr[i].SetInt64(0)
		for j := 0; j < l.In; j++ {
			wr := l.WR[i*l.In+j]
			e.nsl[i].Add(&e.nsl[i], e.tmp.Mul(wr, &e.sl[j]))
			e.nsr[i].Add(&e.nsr[i], e.tmp.Mul(wr, &e.sr[j]))
		}
	}
	e.sl, e.nsl = e.nsl, e.sl
	e.sr, e.nsr = e.nsr, e.sr
	e.w = w2
}

// relu inserts, for every unit, the points where its pre-activation crosses
// zero strictly (a touch is not a crossing), then clamps all values at 0.
func (e *ratEngine) relu(ctx context.Context) error {
	w := e.w
	K := len(e.t)
	e.nt = e.nt[:0]
	e.nv = e.nv[:0]
	// emit appends a knot at t with the values of row vrow.
	emit := func(t *big.Rat, vrow []big.Rat) {
		n := len(e.nt)
		e.nt = grow(e.nt, n+1)
		e.nt[n].Set(t)
		m := len(e.nv)
		e.nv = grow(e.nv, m+w)
		for i := 0; i < w; i++ {
			e.nv[m+i].Set(&vrow[i])
		}
	}
	// emitInterp appends a knot at t with values v0 + (t − t0)·slope where
	// slope is given per unit by (v1 − v0)/h (segment) or by s (ray).
	row := make([]big.Rat, w)
	if !e.bounded {
		// Left ray: crossings t0 − z0/s for units with z0·s > 0.
		e.cross(func(i int) *big.Rat {
			z, s := &e.v[i], &e.sl[i]
			if z.Sign() == 0 || z.Sign() != s.Sign() {
				return nil
			}
			t := new(big.Rat).Quo(z, s)
			return t.Sub(&e.t[0], t)
		})
		for _, c := range e.cr {
			for i := 0; i < w; i++ {
				row[i].Sub(c.t, &e.t[0])
				row[i].Mul(&row[i], &e.sl[i])
				row[i].Add(&row[i], &e.v[i])
			}
			emit(c.t, row)
		}
	}
	for k := 0; k < K; k++ {
		if k&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		emit(&e.t[k], e.v[k*w:(k+1)*w])
		if k+1 == K {
			break
		}
		va, vb := e.v[k*w:(k+1)*w], e.v[(k+1)*w:(k+2)*w]
		ta, tb := &e.t[k], &e.t[k+1]
		e.cross(func(i int) *big.Rat {
			za, zb := &va[i], &vb[i]
			if za.Sign()*zb.Sign() >= 0 {
				return nil
			}
			// t = ta + (tb − ta)·za/(za − zb)
			t := new(big.Rat).Sub(za, zb)
			t.Quo(za, t)
			e.tmp2.Sub(tb, ta)
			t.Mul(t, &e.tmp2)
			return t.Add(t, ta)
		})
		if len(e.cr) == 0 {
			continue
		}
		h := new(big.Rat).Sub(tb, ta)
		for _, c := range e.cr {
			e.mu.Sub(c.t, ta)
			e.mu.Quo(&e.mu, h)
			for i := 0; i < w; i++ {
				row[i].Sub(&vb[i], &va[i])
				row[i].Mul(&row[i], &e.mu)
				row[i].Add(&row[i], &va[i])
			}
			emit(c.t, row)
		}
	}
	if !e.bounded {
		last := e.v[(K-1)*w : K*w]
		tl := &e.t[K-1]
		e.cross(func(i int) *big.Rat {
			z, s := &last[i], &e.sr[i]
			if z.Sign() == 0 || z.Sign() != -s.Sign() {
				return nil
			}
			t := new(big.Rat).Quo(z, s)
			return t.Sub(tl, t)
		})
		for _, c := range e.cr {
			for i := 0; i < w; i++ {
				row[i].Sub(c.t, tl)
				row[i].Mul(&row[i], &e.sr[i])
				row[i].Add(&row[i], &last[i])
			}
			emit(c.t, row)
		}
	}
	// End slopes after σ: a unit keeps its slope on a ray iff it is
	// positive far out on that ray.
	for i := 0; i < w; i++ {
		if !(e.sl[i].Sign() < 0 || (e.sl[i].Sign() == 0 && e.v[i].Sign() > 0)) {
			e.sl[i].SetInt64(0)
		}
		if !(e.sr[i].Sign() > 0 || (e.sr[i].Sign() == 0 && e.v[(K-1)*w+i].Sign() > 0)) {
			e.sr[i].SetInt64(0)
		}
	}
	for i := range e.nv {
		if e.nv[i].Sign() < 0 {
			e.nv[i].SetInt64(0)
		}
	}
	e.t, e.nt = e.nt, e.t
	e.v, e.nv = e.nv, e.v
	return nil
}

// cross fills e.cr with the distinct crossing points that at(i) reports for
// the units of the layer, ascending; nil means unit i does not cross.
func (e *ratEngine) cross(at func(i int) *big.Rat) {
	e.cr = e.cr[:0]
	for i := 0; i < e.w; i++ {
		if t := at(i); t != nil {
			e.cr = append(e.cr, ratCross{t, i})
		}
	}
	if len(e.cr) < 2 {
		return
	}
	sort.Slice(e.cr, func(a, b int) bool { return e.cr[a].t.Cmp(e.cr[b].t) < 0 })
	k := 1
	for i := 1; i < len(e.cr); i++ {
		if e.cr[i].t.Cmp(e.cr[k-1].t) != 0 {
			e.cr[k] = e.cr[i]
			k++
		}
	}
	e.cr = e.cr[:k]
}

// result turns the single-output state into a simplified Rat.
func (e *ratEngine) result() *Rat {
	K := len(e.t)
	f := &Rat{X: make([]*big.Rat, K), Y: make([]*big.Rat, K)}
	for k := 0; k < K; k++ {
		f.X[k] = new(big.Rat).Set(&e.t[k])
		f.Y[k] = new(big.Rat).Set(&e.v[k])
	}
	if e.bounded {
		f.SL = f.slope(0)
		f.SR = f.slope(K - 2)
	} else {
		f.SL = new(big.Rat).Set(&e.sl[0])
		f.SR = new(big.Rat).Set(&e.sr[0])
	}
	return f.Simplify()
}

// layerEngine is an exact engine that propagates a PWL function through a
// net one affine map and one ReLU at a time (ratEngine, intEngine).
type layerEngine interface {
	affine(l *relu.Layer)
	relu(ctx context.Context) error
}

// propagate runs the layers of net through e: an affine map per layer and a
// ReLU after every hidden one, cancellable between layers.
func propagate(ctx context.Context, e layerEngine, net *relu.Net) error {
	for k := range net.Layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.affine(&net.Layers[k])
		if k < len(net.Layers)-1 {
			if err := e.relu(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
