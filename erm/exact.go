package erm

import (
	"fmt"
	"math"
	"math/big"

	"github.com/relucid/relucid/relu"
)

// ExactObjective returns Σ_j ℓ(net(x_j), y_j) + λ·R(net) computed in
// rational arithmetic from the net's exact weights (relu.Layer.WR, BR) and
// the data (every float64 is a rational), for the losses whose value is
// rational: Squared, Absolute and Hinge. For Logistic it returns an error.
// The float objective of Problem.Objective differs from it only by rounding;
// Train reports both (Certificate.ExactObjective) so that the claimed value
// is known to be attained by the returned net, not merely by θ in the solver.
func (p *Problem) ExactObjective(net *relu.Net) (*big.Rat, error) {
	if p.Loss == Logistic {
		return nil, fmt.Errorf("logistic loss is not rational")
	}
	if len(p.X) == 0 {
		return nil, ErrNoData
	}
	if net.Depth() != 2 || net.OutputDim() != 1 || net.InputDim() != len(p.X[0]) {
		return nil, fmt.Errorf("net is not a one-hidden-layer R^%d → R net", len(p.X[0]))
	}
	x := make([]*big.Rat, len(p.X[0]))
	for i := range x {
		x[i] = new(big.Rat)
	}
	var y, r, one big.Rat
	one.SetInt64(1)
	sum := new(big.Rat)
	for j, xj := range p.X {
		for i, v := range xj {
			x[i].SetFloat64(v)
		}
		f := net.EvalRat(x)[0]
		y.SetFloat64(p.Y[j])
		switch p.Loss {
		case Squared:
			r.Sub(f, &y)
			r.Mul(&r, &r)
		case Absolute:
			r.Sub(f, &y)
			r.Abs(&r)
		case Hinge:
			r.Mul(&y, f)
			r.Sub(&one, &r)
			if r.Sign() < 0 {
				r.SetInt64(0)
			}
		}
		sum.Add(sum, &r)
	}
	if p.WeightDecay > 0 {
		h, o := &net.Layers[0], &net.Layers[1]
		pen := new(big.Rat)
		var s, t big.Rat
		for i := 0; i < h.Out; i++ {
			s.Mul(h.BR[i], h.BR[i])
			for k := 0; k < h.In; k++ {
				w := h.WR[i*h.In+k]
				s.Add(&s, t.Mul(w, w))
			}
			a := o.WR[i]
			s.Mul(&s, t.Mul(a, a))
			pen.Add(pen, &s)
		}
		var lam big.Rat
		lam.SetFloat64(p.WeightDecay)
		sum.Add(sum, pen.Mul(pen, &lam))
	}
	return sum, nil
}

// ExactRecheckTol bounds |float objective − exact objective| relative to
// 1 + |exact|: the float sum of D terms, each from a few dozen rounded
// operations, is off by about D·50·2⁻⁵³·(scale), far below 1e-9 for any
// data set that fits in memory.
const ExactRecheckTol = 1e-9

// exactRecheck fills the certificate's exact fields for rational losses.
func exactRecheck(p *Problem, net *relu.Net, c *Certificate) {
	ex, err := p.ExactObjective(net)
	if err != nil {
		return
	}
	c.ExactObjective = ex.RatString()
	f, _ := ex.Float64()
	c.ExactGap = math.Abs(f - c.Objective)
}
