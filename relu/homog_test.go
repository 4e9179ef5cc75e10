package relu

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestHomogenize checks F(x, t) = t·n(x/t) exactly at random rational points
// with t > 0, F(x, 1) = n(x), and that F has no biases, on random nets with
// rational weights, a dead unit, a net without hidden layers and a vector
// output.
func TestHomogenize(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 9))
	random := func(widths ...int) *Net { return randNet(rng, widths...) }
	dead := random(2, 3, 1)
	for j := 0; j < 2; j++ {
		dead.Layers[0].Set(1, j, 0)
	}
	dead.Layers[0].SetBias(1, -1) // unit 1 is never active
	cases := []struct {
		name string
		net  *Net
	}{
		{"2-4-4-1", random(2, 4, 4, 1)},
		{"3-5-2", random(3, 5, 2)},
		{"1-3-3-3-1", random(1, 3, 3, 3, 1)},
		{"affine only", random(2, 1)},
		{"dead unit", dead},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Homogenize(tc.net)
			if err != nil {
				t.Fatal(err)
			}
			if h.InputDim() != tc.net.InputDim()+1 || h.Depth() != tc.net.Depth() || h.OutputDim() != tc.net.OutputDim() {
				t.Fatalf("shape: got in %d depth %d out %d", h.InputDim(), h.Depth(), h.OutputDim())
			}
			if h.Size() != tc.net.Size()+tc.net.Depth()-1 {
				t.Errorf("size %d, want %d (one carrying unit per hidden layer)", h.Size(), tc.net.Size()+tc.net.Depth()-1)
			}
			for _, l := range h.Layers {
				for i, b := range l.BR {
					if b.Sign() != 0 {
						t.Fatalf("bias %d is %s, want 0", i, b.RatString())
					}
				}
			}
			n := tc.net.InputDim()
			for trial := 0; trial < 200; trial++ {
				x := make([]*big.Rat, n+1)
				for j := 0; j < n; j++ {
					x[j] = big.NewRat(int64(rng.IntN(201)-100), int64(1+rng.IntN(7)))
				}
				tt := big.NewRat(int64(1+rng.IntN(50)), int64(1+rng.IntN(9)))
				if trial == 0 {
					tt.SetInt64(1)
				}
				x[n] = tt
				got := h.EvalRat(x)
				xs := make([]*big.Rat, n)
				for j := range xs {
					xs[j] = new(big.Rat).Quo(x[j], tt)
				}
				want := tc.net.EvalRat(xs)
				for o := range want {
					want[o].Mul(want[o], tt)
					if got[o].Cmp(want[o]) != 0 {
						t.Fatalf("F(%v) output %d = %s, want t·n(x/t) = %s", x, o, got[o].RatString(), want[o].RatString())
					}
				}
			}
		})
	}
}
