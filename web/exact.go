package web

import (
	"context"
	"math/big"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// LineNet returns the R → R net t ↦ f_out(x0 + t·d): the first layer
// absorbs the line exactly (W' = W·d, b' = b + W·x0 in rational
// arithmetic, x0 and d taken as the binary values of their floats) and the
// output layer keeps row out only.
func LineNet(n *relu.Net, out int, x0, d []float64) *relu.Net {
	c := n.Clone()
	f := &c.Layers[0]
	g := relu.NewLayer(f.Out, 1)
	var t, xr, dr big.Rat
	for i := 0; i < f.Out; i++ {
		w := new(big.Rat)
		b := new(big.Rat).Set(f.BR[i])
		for j := 0; j < f.In; j++ {
			dr.SetFloat64(d[j])
			xr.SetFloat64(x0[j])
			w.Add(w, t.Mul(f.RatAt(i, j), &dr))
			b.Add(b, t.Mul(f.RatAt(i, j), &xr))
		}
		g.SetRat(i, 0, w)
		g.SetBiasRat(i, b)
	}
	c.Layers[0] = g
	if len(c.Layers) == 1 {
		// The line's layer is also the output layer.
		c.Layers[0] = pickRow(&c.Layers[0], out)
		return c
	}
	last := len(c.Layers) - 1
	c.Layers[last] = pickRow(&c.Layers[last], out)
	return c
}

func pickRow(l *relu.Layer, out int) relu.Layer {
	r := relu.NewLayer(1, l.In)
	for j := 0; j < l.In; j++ {
		r.SetRat(0, j, l.RatAt(out, j))
	}
	r.SetBiasRat(0, l.BR[out])
	return r
}

// sliceExact is the exact 1-D engine: the line net's function computed in
// rational arithmetic by package pwl. Breakpoints are exact rationals,
// reported as their nearest float64 values.
func sliceExact(ctx context.Context, n *relu.Net, out int, x0, d []float64, lo, hi float64) (*Slice1D, error) {
	if err := checkSliceArgs(n, out, x0, d, lo, hi); err != nil {
		return nil, err
	}
	var a, b big.Rat
	a.SetFloat64(lo)
	b.SetFloat64(hi)
	f, err := pwl.FromNetRatOn(ctx, LineNet(n, out, x0, d), &a, &b)
	if err != nil {
		return nil, err
	}
	f = f.Simplify()
	s := &Slice1D{Lo: lo, Hi: hi, Exact: true, Breakpoints: []float64{}, BreakValues: []float64{}}
	xs := []*big.Rat{&a}
	for _, x := range f.Breakpoints() {
		if x.Cmp(&a) > 0 && x.Cmp(&b) < 0 {
			xs = append(xs, x)
		}
	}
	xs = append(xs, &b)
	ys := make([]*big.Rat, len(xs))
	for i, x := range xs {
		ys[i] = f.Eval(x)
		xf, _ := x.Float64()
		yf, _ := ys[i].Float64()
		s.Knots = append(s.Knots, xf)
		s.Values = append(s.Values, yf)
		if i > 0 && i < len(xs)-1 {
			s.Breakpoints = append(s.Breakpoints, xf)
			s.BreakValues = append(s.BreakValues, yf)
		}
	}
	var dy, dx big.Rat
	for i := 0; i+1 < len(xs); i++ {
		dy.Sub(ys[i+1], ys[i])
		dx.Sub(xs[i+1], xs[i])
		m, _ := dy.Quo(&dy, &dx).Float64()
		s.Slopes = append(s.Slopes, m)
	}
	s.Pieces = len(s.Slopes)
	return s, nil
}
