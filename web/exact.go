package web

import (
	"context"
	"math/big"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// lineNet returns the R → R net t ↦ f_out(x0 + t·d), built exactly by
// package pwl.
func lineNet(n *relu.Net, out int, x0, d []float64) (*relu.Net, error) {
	l, err := pwl.Slice(n, x0, d)
	if err != nil {
		return nil, err
	}
	return pwl.SelectOutput(l, out)
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
	ln, err := lineNet(n, out, x0, d)
	if err != nil {
		return nil, err
	}
	f, err := pwl.FromNetRatOn(ctx, ln, &a, &b)
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

// sliceFast is the float64 1-D engine (pwl.FromNetOn on the line net), for
// live previews; its breakpoints are those of pwl's float path.
func sliceFast(ctx context.Context, n *relu.Net, out int, x0, d []float64, lo, hi float64) (*Slice1D, error) {
	if err := checkSliceArgs(n, out, x0, d, lo, hi); err != nil {
		return nil, err
	}
	ln, err := lineNet(n, out, x0, d)
	if err != nil {
		return nil, err
	}
	f, err := pwl.FromNetOn(ctx, ln, lo, hi)
	if err != nil {
		return nil, err
	}
	f = f.Simplify()
	s := &Slice1D{Lo: lo, Hi: hi, Breakpoints: []float64{}, BreakValues: []float64{}}
	xs := []float64{lo}
	for _, x := range f.Breakpoints() {
		if x > lo && x < hi {
			xs = append(xs, x)
		}
	}
	xs = append(xs, hi)
	for i, x := range xs {
		y := f.Eval(x)
		s.Knots = append(s.Knots, x)
		s.Values = append(s.Values, y)
		if i > 0 && i < len(xs)-1 {
			s.Breakpoints = append(s.Breakpoints, x)
			s.BreakValues = append(s.BreakValues, y)
		}
	}
	for i := 0; i+1 < len(xs); i++ {
		s.Slopes = append(s.Slopes, (s.Values[i+1]-s.Values[i])/(s.Knots[i+1]-s.Knots[i]))
	}
	s.Pieces = len(s.Slopes)
	return s, nil
}
