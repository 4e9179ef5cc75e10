package pwl

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// randDyadicRat returns a random PWL function with dyadic data, exact in
// float64, so Func and Rat operations must agree exactly.
func randDyadicRat(rng *rand.Rand, p int) *Rat {
	d := func() *big.Rat { return big.NewRat(int64(rng.IntN(17)-8), 4) }
	f := &Rat{SL: d(), SR: d()}
	x := big.NewRat(int64(rng.IntN(9)-8), 2)
	for i := 0; i < p; i++ {
		x = new(big.Rat).Add(x, big.NewRat(int64(rng.IntN(4)+1), 2))
		f.X = append(f.X, x)
		f.Y = append(f.Y, d())
	}
	return f
}

func sameFunc(t *testing.T, what string, f *Func, r *Rat) {
	t.Helper()
	pts := []float64{-1000, -3.5, -1, 0, 0.25, 1, 2.75, 5, 1000}
	for _, x := range r.X {
		v, _ := x.Float64()
		pts = append(pts, v, v+0.125, v-0.125)
	}
	for _, x := range pts {
		want, _ := r.Eval(new(big.Rat).SetFloat64(x)).Float64()
		if got := f.Eval(x); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("%s: f(%v) = %v, want %v", what, x, got, want)
		}
	}
	if f.NumPieces() != r.NumPieces() {
		t.Fatalf("%s: %d pieces, exact %d", what, f.NumPieces(), r.NumPieces())
	}
}

func TestFuncOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 200; trial++ {
		a := randDyadicRat(rng, rng.IntN(5))
		b := randDyadicRat(rng, rng.IntN(5))
		if len(a.X) == 0 {
			a.X, a.Y, a.SR = []*big.Rat{new(big.Rat)}, []*big.Rat{new(big.Rat)}, a.SL
		}
		if len(b.X) == 0 {
			b.X, b.Y, b.SR = []*big.Rat{new(big.Rat)}, []*big.Rat{big.NewRat(1, 2)}, b.SL
		}
		fa, fb := a.Float(), b.Float()
		if err := fa.Check(); err != nil {
			t.Fatal(err)
		}
		sameFunc(t, "float", fa, a)
		sameFunc(t, "add", fa.Add(fb), a.Add(b))
		sameFunc(t, "scale", fa.Scale(-0.75), a.Scale(big.NewRat(-3, 4)))
		sameFunc(t, "compose", fa.Compose(fb), a.Compose(b))
		sameFunc(t, "simplify", fa.Clone().Simplify(), a.Clone().Simplify())
		// Compose against pointwise evaluation, exactly.
		c := a.Compose(b)
		for _, x := range []*big.Rat{big.NewRat(-7, 3), big.NewRat(1, 5), big.NewRat(9, 2)} {
			if c.Eval(x).Cmp(a.Eval(b.Eval(x))) != 0 {
				t.Fatalf("compose at %s", x.RatString())
			}
		}
		lo, hi := big.NewRat(-1, 1), big.NewRat(3, 2)
		ra := a.Restrict(lo, hi)
		sameFunc(t, "restrict", fa.Restrict(-1, 1.5), ra)
		// pieces inside [lo, hi] by brute force: slope changes at knots in (lo, hi)
		want := 1
		s := a.Slopes()
		for i, x := range a.X {
			if x.Cmp(lo) > 0 && x.Cmp(hi) < 0 && s[i].Cmp(s[i+1]) != 0 {
				want++
			}
		}
		if ra.NumPieces() != want {
			t.Fatalf("restrict: %d pieces, want %d", ra.NumPieces(), want)
		}
	}
}

func TestFuncCheck(t *testing.T) {
	bad := []*Func{
		{},
		{X: []float64{0, 1}, Y: []float64{0}},
		{X: []float64{1, 0}, Y: []float64{0, 0}},
		{X: []float64{0}, Y: []float64{math.NaN()}},
		{X: []float64{0}, Y: []float64{0}, SL: math.Inf(1)},
	}
	for i, f := range bad {
		if f.Check() == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}
