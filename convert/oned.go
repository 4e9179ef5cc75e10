package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// PWL1 is an exact continuous piecewise-linear function R → R: its values
// at increasing knots and the slopes left of the first and right of the last
// knot. It always has at least one knot.
type PWL1 struct {
	X, Y        []*big.Rat
	Left, Right *big.Rat
}

// Eval returns f(x) exactly.
func (p *PWL1) Eval(x *big.Rat) *big.Rat {
	n := len(p.X)
	var t big.Rat
	if x.Cmp(p.X[0]) <= 0 {
		t.Sub(x, p.X[0])
		return new(big.Rat).Add(p.Y[0], t.Mul(&t, p.Left))
	}
	if x.Cmp(p.X[n-1]) >= 0 {
		t.Sub(x, p.X[n-1])
		return new(big.Rat).Add(p.Y[n-1], t.Mul(&t, p.Right))
	}
	i := sort.Search(n, func(i int) bool { return p.X[i].Cmp(x) >= 0 })
	if p.X[i].Cmp(x) == 0 {
		return new(big.Rat).Set(p.Y[i])
	}
	return interp(p.X[i-1], p.Y[i-1], p.X[i], p.Y[i], x)
}

func interp(x0, y0, x1, y1, x *big.Rat) *big.Rat {
	s := new(big.Rat).Sub(y1, y0)
	s.Quo(s, new(big.Rat).Sub(x1, x0))
	s.Mul(s, new(big.Rat).Sub(x, x0))
	return s.Add(s, y0)
}

// slope returns the slope of piece i (0: left of the first knot, i: between
// knots i−1 and i, len(X): right of the last knot).
func (p *PWL1) slope(i int) *big.Rat {
	switch {
	case i == 0:
		return p.Left
	case i == len(p.X):
		return p.Right
	}
	s := new(big.Rat).Sub(p.Y[i], p.Y[i-1])
	return s.Quo(s, new(big.Rat).Sub(p.X[i], p.X[i-1]))
}

// Simplify returns p with only the knots where the slope changes
// (breakpoints); an affine function keeps one knot.
func (p *PWL1) Simplify() *PWL1 {
	q := &PWL1{Left: p.Left, Right: p.Right}
	for i := range p.X {
		if p.slope(i).Cmp(p.slope(i+1)) != 0 {
			q.X = append(q.X, p.X[i])
			q.Y = append(q.Y, p.Y[i])
		}
	}
	if len(q.X) == 0 {
		// Canonical form of an affine function: one knot at 0.
		zero := new(big.Rat)
		q.X, q.Y = []*big.Rat{zero}, []*big.Rat{p.Eval(zero)}
	}
	return q
}

// Pieces returns the number of maximal affine pieces of p.
func (p *PWL1) Pieces() int {
	s := p.Simplify()
	if len(s.X) == 1 && s.Left.Cmp(s.Right) == 0 {
		return 1
	}
	return len(s.X) + 1
}

// sample builds a PWL1 from a function known to be affine between
// consecutive candidate points (sorted, deduplicated here).
func sample(f func(x *big.Rat) *big.Rat, cand []*big.Rat) *PWL1 {
	sort.Slice(cand, func(i, j int) bool { return cand[i].Cmp(cand[j]) < 0 })
	var xs []*big.Rat
	for i, c := range cand {
		if i == 0 || c.Cmp(cand[i-1]) != 0 {
			xs = append(xs, c)
		}
	}
	if len(xs) == 0 {
		xs = []*big.Rat{new(big.Rat)}
	}
	p := &PWL1{X: xs, Y: make([]*big.Rat, len(xs))}
	for i, x := range xs {
		p.Y[i] = f(x)
	}
	one := big.NewRat(1, 1)
	lo := new(big.Rat).Sub(xs[0], one)
	p.Left = new(big.Rat).Sub(p.Y[0], f(lo))
	hi := new(big.Rat).Add(xs[len(xs)-1], one)
	p.Right = new(big.Rat).Sub(f(hi), p.Y[len(xs)-1])
	return p
}

// crossings returns every x where two of the affine functions of R with
// different slopes agree: the only places where a max, min or signed sum of
// maxima of them can change slope.
func crossings(fs []Affine) []*big.Rat {
	var out []*big.Rat
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			dw := new(big.Rat).Sub(fs[i].W[0], fs[j].W[0])
			if dw.Sign() == 0 {
				continue
			}
			x := new(big.Rat).Sub(fs[j].B, fs[i].B)
			out = append(out, x.Quo(x, dw))
		}
	}
	return out
}

// PWL1FromMaxSum returns the exact PWL form of a Wang–Sun form with n = 1.
func PWL1FromMaxSum(m *MaxSum) *PWL1 {
	return sample(func(x *big.Rat) *big.Rat { return m.Eval([]*big.Rat{x}) }, crossings(m.Affine)).Simplify()
}

// PWL1FromLattice returns the exact PWL form of a max–min form with n = 1.
func PWL1FromLattice(l *Lattice) *PWL1 {
	return sample(func(x *big.Rat) *big.Rat { return l.Eval([]*big.Rat{x}) }, crossings(l.Affine)).Simplify()
}

// PWL1FromNet returns the exact PWL function of an R → R net on all of R,
// simplified: package pwl's rational engine, in this package's form.
func PWL1FromNet(ctx context.Context, net *relu.Net) (*PWL1, error) {
	if net.InputDim() != 1 || net.OutputDim() != 1 {
		return nil, errors.New("convert: the 1-D engine needs an R → R net")
	}
	f, err := pwl.FromNetRat(ctx, net)
	if err != nil {
		return nil, err
	}
	p := &PWL1{X: f.X, Y: f.Y, Left: f.SL, Right: f.SR}
	if len(p.X) == 0 { // an affine function: anchor it at 0, as PWL1 needs a knot
		p.X, p.Y = []*big.Rat{new(big.Rat)}, []*big.Rat{net.EvalRat([]*big.Rat{new(big.Rat)})[0]}
	}
	return p.Simplify(), nil
}

// HingeForm returns the Wang–Sun form of an R → R PWL function with
// breakpoints t_1 < … < t_{p−1} and pieces g_0, …, g_{p−1}:
//
//	f = Σ_i e_i − Σ_{i=1}^{p−2} g_i,
//
// where e_i is max(g_{i−1}, g_i) at a convex breakpoint and
// −max(−g_{i−1}, −g_i) at a concave one: for x between t_k and t_{k+1} the
// hinges left of x give g_i and those right of it g_{i−1}, and the sum
// telescopes to g_k. Every max has 2 arguments; the affine part is folded
// into the first term.
func HingeForm(p *PWL1) *MaxSum {
	p = p.Simplify()
	sb := newSumBuilder(1)
	piece := func(i int) Affine { // g_i(x) = y + s(x − x0)
		var x0, y0 *big.Rat
		if i == 0 {
			x0, y0 = p.X[0], p.Y[0]
		} else {
			x0, y0 = p.X[i-1], p.Y[i-1]
		}
		s := p.slope(i)
		b := new(big.Rat).Mul(s, x0)
		return Affine{W: []*big.Rat{new(big.Rat).Set(s)}, B: b.Sub(y0, b)}
	}
	if p.Pieces() == 1 {
		g := piece(0)
		sb.add([]int{sb.fn(g)}, 1)
		return sb.result()
	}
	neg := big.NewRat(-1, 1)
	for i := 1; i <= len(p.X); i++ {
		a, b := piece(i-1), piece(i)
		if p.slope(i).Cmp(p.slope(i-1)) > 0 {
			sb.add([]int{sb.fn(a), sb.fn(b)}, 1)
		} else {
			sb.add([]int{sb.fn(a.scaled(neg)), sb.fn(b.scaled(neg))}, -1)
		}
		if i < len(p.X) {
			sb.affine = sb.affine.plus(neg, b)
		}
	}
	return sb.result()
}

// check reports whether p is well formed: knots strictly ascending, one
// value per knot, both end slopes.
func (p *PWL1) check() error {
	if len(p.X) == 0 || len(p.X) != len(p.Y) || p.Left == nil || p.Right == nil {
		return errors.New("convert: malformed PWL function (need knots, one value per knot, two end slopes)")
	}
	for i := 1; i < len(p.X); i++ {
		if p.X[i].Cmp(p.X[i-1]) <= 0 {
			return fmt.Errorf("convert: breakpoints not strictly ascending at %d", i)
		}
	}
	return nil
}
