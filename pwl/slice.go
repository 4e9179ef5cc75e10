package pwl

import (
	"fmt"
	"math/big"

	"github.com/relucid/relucid/relu"
)

// Slice returns the R → R^m net t ↦ net(x0 + t·d), the restriction of net to
// the line through x0 with direction d. The first affine map W·x + b becomes
// (W·d)·t + (W·x0 + b), computed exactly from the exact weights; the other
// layers are copied. Combine with SelectOutput to get an R → R net.
func Slice(net *relu.Net, x0, d []float64) (*relu.Net, error) {
	xr := make([]*big.Rat, len(x0))
	dr := make([]*big.Rat, len(d))
	for i, v := range x0 {
		xr[i] = new(big.Rat)
		if xr[i].SetFloat64(v) == nil {
			return nil, fmt.Errorf("pwl: slice point coordinate %d is %v", i, v)
		}
	}
	for i, v := range d {
		dr[i] = new(big.Rat)
		if dr[i].SetFloat64(v) == nil {
			return nil, fmt.Errorf("pwl: slice direction coordinate %d is %v", i, v)
		}
	}
	return SliceRat(net, xr, dr)
}

// SliceRat is Slice with exact rational x0 and d.
func SliceRat(net *relu.Net, x0, d []*big.Rat) (*relu.Net, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	n := net.InputDim()
	if len(x0) != n || len(d) != n {
		return nil, fmt.Errorf("pwl: slice of a net with input dimension %d needs a point and a direction with %d coordinates (got %d and %d)", n, n, len(x0), len(d))
	}
	zero := true
	for _, v := range d {
		if v.Sign() != 0 {
			zero = false
		}
	}
	if zero {
		return nil, fmt.Errorf("pwl: slice direction is zero")
	}
	out := net.Clone()
	l0 := &net.Layers[0]
	nl := relu.NewLayer(l0.Out, 1)
	var w, b, t big.Rat
	for i := 0; i < l0.Out; i++ {
		w.SetInt64(0)
		b.Set(l0.BR[i])
		for j := 0; j < n; j++ {
			w.Add(&w, t.Mul(l0.WR[i*n+j], d[j]))
			b.Add(&b, t.Mul(l0.WR[i*n+j], x0[j]))
		}
		nl.SetRat(i, 0, &w)
		nl.SetBiasRat(i, &b)
	}
	out.Layers[0] = nl
	return out, out.Validate()
}

// SelectOutput returns the net computing output j of net (0-based).
func SelectOutput(net *relu.Net, j int) (*relu.Net, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	m := net.OutputDim()
	if j < 0 || j >= m {
		return nil, fmt.Errorf("pwl: output %d out of range, the net has %d outputs (0..%d)", j, m, m-1)
	}
	out := net.Clone()
	last := &net.Layers[len(net.Layers)-1]
	nl := relu.NewLayer(1, last.In)
	for k := 0; k < last.In; k++ {
		nl.SetRat(0, k, last.WR[j*last.In+k])
	}
	nl.SetBiasRat(0, last.BR[j])
	out.Layers[len(out.Layers)-1] = nl
	return out, out.Validate()
}
