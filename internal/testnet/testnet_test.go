package testnet

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestTorch checks the shape, the bounds ±1/√fan_in, the agreement of the
// float and exact values and, against a second generator with the same seed,
// the documented draw order (which seeded tests elsewhere depend on).
func TestTorch(t *testing.T) {
	for _, widths := range [][]int{{1, 1}, {2, 3, 1}, {4, 16, 9, 2}} {
		net := Torch(rand.New(rand.NewPCG(5, 6)), widths...)
		ref := rand.New(rand.NewPCG(5, 6))
		if len(net.Layers) != len(widths)-1 {
			t.Fatalf("%v: %d layers", widths, len(net.Layers))
		}
		for k, l := range net.Layers {
			if l.In != widths[k] || l.Out != widths[k+1] {
				t.Fatalf("%v layer %d: %d→%d", widths, k, l.In, l.Out)
			}
			bound := 1 / math.Sqrt(float64(l.In))
			check := func(what string, v float64, r *big.Rat) {
				t.Helper()
				if want := (2*ref.Float64() - 1) * bound; v != want {
					t.Fatalf("%v layer %d %s = %v, draw order gives %v", widths, k, what, v, want)
				}
				if math.Abs(v) > bound {
					t.Fatalf("%v layer %d %s = %v outside ±%v", widths, k, what, v, bound)
				}
				if f, _ := r.Float64(); f != v {
					t.Fatalf("%v layer %d %s: exact %v, float %v", widths, k, what, r, v)
				}
			}
			for i := 0; i < l.Out; i++ {
				for j := 0; j < l.In; j++ {
					check("weight", l.W[i*l.In+j], l.WR[i*l.In+j])
				}
				check("bias", l.B[i], l.BR[i])
			}
		}
		if err := net.Validate(); err != nil {
			t.Fatalf("%v: %v", widths, err)
		}
	}
}

func TestTorchTooFewWidths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Torch with one width: no panic")
		}
	}()
	Torch(rand.New(rand.NewPCG(1, 1)), 3)
}

func TestRat(t *testing.T) {
	for _, c := range []struct {
		in   string
		p, q int64
	}{{"1/3", 1, 3}, {"-0.5", -1, 2}, {"7", 7, 1}, {"4/6", 2, 3}, {"0", 0, 1}} {
		if got := Rat(c.in); got.Cmp(big.NewRat(c.p, c.q)) != 0 {
			t.Errorf("Rat(%q) = %v, want %d/%d", c.in, got, c.p, c.q)
		}
	}
	if got := Rats("1/2", "-3"); len(got) != 2 || got[0].Cmp(big.NewRat(1, 2)) != 0 || got[1].Cmp(big.NewRat(-3, 1)) != 0 {
		t.Errorf("Rats(1/2, -3) = %v", got)
	}
	if got := Rats(); len(got) != 0 {
		t.Errorf("Rats() = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Rat(\"1/x\"): no panic")
		}
	}()
	Rat("1/x")
}
