package hard

import (
	"math/big"
	"testing"

	"github.com/relucid/relucid/relu"
)

// This file holds an exact oracle for R→R nets that shares no code with the
// net builders nor with package pwl: on an interval it takes the activation
// pattern at one interior point, propagates the pre-activations as exact
// affine functions α + βx under that pattern, and certifies that no unit
// changes sign on the closed interval. Then the net is affine there with the
// slope it returns.

type affine struct{ a, b big.Rat } // a + b·x

func (f *affine) at(x *big.Rat) *big.Rat {
	v := new(big.Rat).Mul(&f.b, x)
	return v.Add(v, &f.a)
}

// certify reports whether net is affine on [lo, hi] (nil hi means +∞, nil lo
// means −∞; at least one is finite) and returns the value-slope pair.
func certify(t testing.TB, net *relu.Net, lo, hi *big.Rat) (slope, icept *big.Rat, ok bool) {
	t.Helper()
	var mid *big.Rat
	switch {
	case lo != nil && hi != nil:
		mid = new(big.Rat).Add(lo, hi)
		mid.Quo(mid, big.NewRat(2, 1))
	case lo != nil:
		mid = new(big.Rat).Add(lo, big.NewRat(1, 1))
	default:
		mid = new(big.Rat).Sub(hi, big.NewRat(1, 1))
	}
	cur := []affine{{}}
	cur[0].b.SetInt64(1)
	last := len(net.Layers) - 1
	var tmp big.Rat
	for k, l := range net.Layers {
		next := make([]affine, l.Out)
		for i := 0; i < l.Out; i++ {
			f := &next[i]
			f.a.Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				w := l.WR[i*l.In+j]
				f.a.Add(&f.a, tmp.Mul(w, &cur[j].a))
				f.b.Add(&f.b, tmp.Mul(w, &cur[j].b))
			}
			if k == last {
				continue
			}
			active := f.at(mid).Sign() > 0
			// sign condition on the interval: at finite ends and, for an
			// infinite end, the sign of the slope.
			okSign := func(v int) bool { return (active && v >= 0) || (!active && v <= 0) }
			if lo != nil && !okSign(f.at(lo).Sign()) || hi != nil && !okSign(f.at(hi).Sign()) {
				return nil, nil, false
			}
			if hi == nil && !okSign(f.b.Sign()) || lo == nil && !okSign(-f.b.Sign()) {
				return nil, nil, false
			}
			if !active {
				f.a.SetInt64(0)
				f.b.SetInt64(0)
			}
		}
		cur = next
	}
	return new(big.Rat).Set(&cur[0].b), new(big.Rat).Set(&cur[0].a), true
}

// certifiedPieces returns the exact number of pieces of the R→R net on R,
// given candidate breakpoints (ascending): it certifies that the net is
// affine between consecutive candidates (and beyond the extreme ones) and
// counts the candidates where the affine map really changes. It fails the
// test when some interval is not certified, i.e. the candidates miss a
// breakpoint.
func certifiedPieces(t testing.TB, net *relu.Net, cand []*big.Rat) int {
	t.Helper()
	type piece struct{ s, c *big.Rat }
	var ps []piece
	bounds := append(append([]*big.Rat{nil}, cand...), nil)
	for i := 0; i+1 < len(bounds); i++ {
		s, c, ok := certify(t, net, bounds[i], bounds[i+1])
		if !ok {
			t.Fatalf("net not affine between candidates %v and %v: a breakpoint is missing", bounds[i], bounds[i+1])
		}
		ps = append(ps, piece{s, c})
	}
	n := 1
	for i := 1; i < len(ps); i++ {
		if ps[i].s.Cmp(ps[i-1].s) != 0 || ps[i].c.Cmp(ps[i-1].c) != 0 {
			n++
		}
	}
	return n
}
