package pwl

import (
	"math/big"
	"slices"

	"github.com/relucid/relucid/relu"
)

// oneLayerMin is the hidden width from which nets with one hidden layer are
// converted by sorting their kinks (O(w log w)) rather than by the layer
// grid, whose cost O(pieces · width) is quadratic for them.
const oneLayerMin = 256

// fromOneLayer returns the exact PWL function of an R → R net with one
// hidden layer, x ↦ Σ c_i σ(w_i x + b_i) + b: unit i with w_i ≠ 0 has its
// kink at −b_i/w_i, where the slope increases by c_i·|w_i|, and is active
// left of it when w_i < 0; units with w_i = 0 are constants c_i·σ(b_i).
// The function is built by sorting the kinks and sweeping once. With a
// domain [a, b] (a ≠ nil) it is restricted to it.
func fromOneLayer(net *relu.Net, a, b *big.Rat) *Rat {
	h, o := &net.Layers[0], &net.Layers[1]
	type kink struct {
		x, jump *big.Rat
	}
	var ks []kink
	sL := new(big.Rat)
	c0 := new(big.Rat).Set(o.BR[0]) // value of the affine extension of the left piece at 0
	var t big.Rat
	for i := 0; i < h.Out; i++ {
		w, bi, c := h.WR[i], h.BR[i], o.WR[i]
		if c.Sign() == 0 {
			continue
		}
		if w.Sign() == 0 {
			if bi.Sign() > 0 {
				c0.Add(c0, t.Mul(c, bi))
			}
			continue
		}
		x := new(big.Rat).Quo(bi, w)
		x.Neg(x)
		jump := new(big.Rat).Abs(w)
		jump.Mul(jump, c)
		ks = append(ks, kink{x, jump})
		if w.Sign() < 0 {
			// active on the left: contributes c·(w x + b) there
			sL.Add(sL, t.Mul(c, w))
			c0.Add(c0, t.Mul(c, bi))
		}
	}
	slices.SortFunc(ks, func(p, q kink) int { return p.x.Cmp(q.x) })
	f := &Rat{SL: sL}
	slope := new(big.Rat).Set(sL)
	// value at the first knot from the left affine piece
	for i := 0; i < len(ks); {
		x := ks[i].x
		jump := new(big.Rat)
		for ; i < len(ks) && ks[i].x.Cmp(x) == 0; i++ {
			jump.Add(jump, ks[i].jump)
		}
		var y *big.Rat
		if len(f.X) == 0 {
			y = new(big.Rat).Mul(sL, x)
			y.Add(y, c0)
		} else {
			n := len(f.X) - 1
			y = new(big.Rat).Sub(x, f.X[n])
			y.Mul(y, slope)
			y.Add(y, f.Y[n])
		}
		f.X = append(f.X, x)
		f.Y = append(f.Y, y)
		slope = new(big.Rat).Add(slope, jump)
	}
	f.SR = slope
	if len(f.X) == 0 {
		f.X = []*big.Rat{new(big.Rat)}
		f.Y = []*big.Rat{c0}
	}
	f.Simplify()
	if a != nil {
		f = f.Restrict(a, b).Simplify()
	}
	return f
}
