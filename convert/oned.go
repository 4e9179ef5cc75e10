package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"

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

// PWL1FromNet returns the exact PWL function of an R → R net by propagating
// every unit as a PWL function over a common knot set, layer by layer, and
// inserting the zero crossings of each pre-activation before the ReLU. The
// cost is O(knots × width) per layer.
func PWL1FromNet(ctx context.Context, net *relu.Net) (*PWL1, error) {
	if net.InputDim() != 1 || net.OutputDim() != 1 {
		return nil, errors.New("convert: the 1-D engine needs an R → R net")
	}
	// Units of the current layer: values at the common knots and end slopes.
	xs := []*big.Rat{new(big.Rat)}
	vals := [][]*big.Rat{{new(big.Rat)}} // vals[u][k]
	left := []*big.Rat{big.NewRat(1, 1)}
	right := []*big.Rat{big.NewRat(1, 1)}
	var t big.Rat
	last := len(net.Layers) - 1
	for li := range net.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l := &net.Layers[li]
		nv := make([][]*big.Rat, l.Out)
		nl := make([]*big.Rat, l.Out)
		nr := make([]*big.Rat, l.Out)
		for i := 0; i < l.Out; i++ {
			nv[i] = make([]*big.Rat, len(xs))
			for k := range xs {
				nv[i][k] = new(big.Rat).Set(l.BR[i])
			}
			nl[i], nr[i] = new(big.Rat), new(big.Rat)
			for j := 0; j < l.In; j++ {
				w := l.WR[i*l.In+j]
				if w.Sign() == 0 {
					continue
				}
				for k := range xs {
					nv[i][k].Add(nv[i][k], t.Mul(w, vals[j][k]))
				}
				nl[i].Add(nl[i], t.Mul(w, left[j]))
				nr[i].Add(nr[i], t.Mul(w, right[j]))
			}
		}
		vals, left, right = nv, nl, nr
		if li == last {
			break
		}
		// Zero crossings of every pre-activation become knots.
		var extra []*big.Rat
		for i := range vals {
			v := vals[i]
			for k := 0; k+1 < len(xs); k++ {
				if v[k].Sign()*v[k+1].Sign() < 0 {
					// x = x_k − v_k (x_{k+1} − x_k)/(v_{k+1} − v_k)
					z := new(big.Rat).Sub(xs[k+1], xs[k])
					z.Mul(z, v[k])
					z.Quo(z, new(big.Rat).Sub(v[k+1], v[k]))
					extra = append(extra, z.Sub(xs[k], z))
				}
			}
			if v[0].Sign()*left[i].Sign() > 0 {
				// Left of the first knot the value is v₀ − left·d: it
				// crosses zero when v₀ and the slope have the same sign.
				z := new(big.Rat).Quo(v[0], left[i])
				extra = append(extra, z.Sub(xs[0], z))
			}
			n := len(xs) - 1
			if v[n].Sign()*right[i].Sign() < 0 { // v_n + right·d crosses zero
				z := new(big.Rat).Quo(v[n], right[i])
				extra = append(extra, z.Sub(xs[n], z))
			}
		}
		if len(extra) > 0 {
			xs, vals = refine(xs, vals, left, right, extra)
		}
		for i := range vals {
			for k := range vals[i] {
				if vals[i][k].Sign() < 0 {
					vals[i][k].SetInt64(0)
				}
			}
			n := len(xs) - 1
			// The end pieces are now of one sign; a negative or zero end is 0.
			// After refinement an end piece does not change sign, so it is
			// zeroed exactly when it is ≤ 0: a (clamped) zero end value
			// with a slope that does not lead upwards away from the knots.
			if vals[i][0].Sign() == 0 && left[i].Sign() >= 0 {
				left[i] = new(big.Rat)
			}
			if vals[i][n].Sign() == 0 && right[i].Sign() <= 0 {
				right[i] = new(big.Rat)
			}
		}
	}
	return (&PWL1{X: xs, Y: vals[0], Left: left[0], Right: right[0]}).Simplify(), nil
}

// refine inserts new knots, evaluating every unit there by interpolation.
func refine(xs []*big.Rat, vals [][]*big.Rat, left, right []*big.Rat, extra []*big.Rat) ([]*big.Rat, [][]*big.Rat) {
	all := append(append([]*big.Rat(nil), xs...), extra...)
	sort.Slice(all, func(i, j int) bool { return all[i].Cmp(all[j]) < 0 })
	var nx []*big.Rat
	for i, x := range all {
		if i == 0 || x.Cmp(all[i-1]) != 0 {
			nx = append(nx, x)
		}
	}
	nv := make([][]*big.Rat, len(vals))
	for u := range vals {
		p := &PWL1{X: xs, Y: vals[u], Left: left[u], Right: right[u]}
		nv[u] = make([]*big.Rat, len(nx))
		k := 0
		for i, x := range nx {
			for k < len(xs) && xs[k].Cmp(x) < 0 {
				k++
			}
			if k < len(xs) && xs[k].Cmp(x) == 0 {
				nv[u][i] = vals[u][k]
			} else {
				nv[u][i] = p.Eval(x)
			}
		}
	}
	return nx, nv
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
