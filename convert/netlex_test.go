package convert

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestNetLexMatchesExact compares the float-filtered evaluator with the
// exact netMapAt at degenerate base points (on unit hyperplanes, where the
// directions decide) and along directions inside those hyperplanes, on
// nets with small integer weights (many exact ties) and with float
// weights (large denominators).
func TestNetLexMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	calls, fallbacks := 0, 0
	for c := 0; c < 40; c++ {
		n := 2 + c%2
		net := randRatNet(rng, 2, 1, n, 3, 3, 1)
		if c%4 == 3 {
			for k := range net.Layers {
				l := &net.Layers[k]
				for i := range l.WR {
					l.SetRat(i/l.In, i%l.In, new(big.Rat).SetFloat64(rng.NormFloat64()))
				}
			}
		}
		nl := newNetLex(net)
		l0 := &net.Layers[0]
		for k := 0; k < 30; k++ {
			p := randPoint(rng, n)
			// Put p on the hyperplane of a first-layer unit half the time.
			if k%2 == 0 {
				i := rng.IntN(l0.Out)
				a := make([]*big.Rat, n)
				for j := range a {
					a[j] = l0.RatAt(i, j)
				}
				if nn := dot(a, a); nn.Sign() != 0 {
					s := new(big.Rat).Add(dot(a, p), l0.BR[i])
					s.Quo(s, nn)
					for j := range p {
						p[j].Sub(p[j], new(big.Rat).Mul(s, a[j]))
					}
				}
			}
			dirs := make([][]*big.Rat, n)
			for q := range dirs {
				dirs[q] = randPoint(rng, n)
			}
			if k%3 == 0 {
				// A first direction along a unit's hyperplane.
				i := rng.IntN(l0.Out)
				a := []*big.Rat{l0.RatAt(i, 0), l0.RatAt(i, 1)}
				dirs[0] = append([]*big.Rat{new(big.Rat).Neg(a[1]), new(big.Rat).Set(a[0])}, make([]*big.Rat, n-2)...)
				for j := 2; j < n; j++ {
					dirs[0][j] = new(big.Rat)
				}
			}
			calls++
			want := netMapAt(net, p, dirs...)
			if got := nl.mapAt(p, dirs...); got.key() != want.key() {
				t.Fatalf("net %d point %d: netLex %s, exact %s", c, k, fmtAffine(got), fmtAffine(want))
			}
		}
		fallbacks += int(nl.fallbacks.Load())
	}
	// Both paths must have been taken: exact ties in every direction fall
	// back, the rest is decided in floats.
	if fallbacks == 0 || fallbacks > calls/2 {
		t.Errorf("%d of %d points fell back to the exact evaluation", fallbacks, calls)
	}
}
