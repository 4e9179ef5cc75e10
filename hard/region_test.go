package hard

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/region"
)

// Property: random members of the ZONOTOPE family in R² and R³ (random
// generic generators, random M and a's of random widths) have exactly the
// piece count of ZonotopeFunc.Pieces, as measured by the exact region engine
// on the Window box.
func TestRandomZonotopeMembersRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	ctx := context.Background()
	for trial := 0; trial < 12; trial++ {
		n := 2 + trial%2
		m := 1 + rng.IntN(4)
		if n == 2 && m == 1 {
			m = 2 // one generator in R² spans a line: Window needs full rank
		}
		if n == 3 && m < 3 {
			m = 3
		}
		z, err := RandomGenerators(rng, n, m)
		if err != nil {
			t.Fatal(err)
		}
		k, w := 1+rng.IntN(2), 2+rng.IntN(2)
		h, err := Random(rng, k, w)
		if err != nil {
			t.Fatal(err)
		}
		f := &ZonotopeFunc{Z: z, H: h}
		pc, err := f.Pieces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		R, err := f.Window()
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := make([]*big.Rat, n), make([]*big.Rat, n)
		for i := range lo {
			lo[i], hi[i] = new(big.Rat).Neg(R), R
		}
		dom, err := region.BoxRat(lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		cx, err := region.Enumerate(ctx, f.Net(), dom, region.Options{Exact: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := int64(cx.Counts[0].Pieces); got != pc.Pieces || !pc.Generic || pc.Cones != pc.Formula {
			t.Errorf("n=%d gens %s, M=%s a=%s: region %d pieces, predicted %d (formula %d, generic %v)",
				n, z, h.M.RatString(), FormatLayers(layersOf(h)), got, pc.Pieces, pc.Formula, pc.Generic)
		}
	}
}
