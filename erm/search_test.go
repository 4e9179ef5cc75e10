package erm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The search strategies — LP warm starts from the previous program's
// basis, and expanding the roots best bound first — must not change the
// optimum. Instances are large enough (D > n+3) for a multi-level trie, so
// pruning and the root order matter; the oracle is the all-subsets brute
// force solved cold.
func TestSearchStrategiesAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	cases := []struct {
		D, n, w int
		loss    Loss
		bias    bool
	}{
		{6, 1, 2, Absolute, false},
		{6, 1, 2, Hinge, true},
		{7, 2, 1, Absolute, true},
		{6, 2, 2, Absolute, false},
		{7, 2, 2, Hinge, false},
		{6, 1, 2, Squared, false},
		{8, 3, 1, Absolute, false},
	}
	for _, c := range cases {
		X := randPoints(r, c.D, c.n)
		if c.n == 2 { // a duplicate point with its own label
			X[c.D-1] = append([]float64(nil), X[0]...)
		}
		p := Problem{X: X, Y: randLabels(r, c.D, c.loss), Width: c.w, Loss: c.loss, OutputBias: c.bias}
		want := allSubsetsOptimum(t, p)
		tol := 1e-7 * (1 + want)
		for _, o := range []Options{{}, {lpCold: true}, {rootsInOrder: true}, {lpCold: true, rootsInOrder: true}, {Workers: 1}} {
			got := train(t, p, o)
			if math.Abs(got.Objective-want) > tol {
				t.Errorf("%v D=%d n=%d w=%d bias=%v lpCold=%v rootsInOrder=%v: objective %v, all-subsets oracle %v",
					c.loss, c.D, c.n, c.w, c.bias, o.lpCold, o.rootsInOrder, got.Objective, want)
			}
			if !got.Certificate.Certified || got.Certificate.LowerBound > got.Objective+tol {
				t.Errorf("certificate %+v", got.Certificate)
			}
		}
	}
}
