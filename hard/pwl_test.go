package hard

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/pwl"
)

// The exact 1-D engine (package pwl) and its certified float path agree with
// the formulas on random members, and on a = (1/3, 2/3) families whose
// slopes (3, 6, 10/3 …) are not float64 values.
func TestPWLEngineAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	var hs []*Composition
	for i := 0; i < 30; i++ {
		h, err := Random(rng, 1+rng.IntN(4), 2+rng.IntN(4))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	for _, a := range []string{"1/3,2/3;1/3,2/3;1/3,2/3", "1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3", "3/10,7/10;1/3,2/3", "1/3;1/3;1/3;1/3"} {
		for _, m := range []*big.Rat{big.NewRat(1, 1), big.NewRat(10, 3)} {
			l, _ := ParseLayers(a) // breakpoints scaled to (0, M)
			for i := range l {
				for j := range l[i] {
					l[i][j].Mul(l[i][j], m)
				}
			}
			h, err := NewComposition(m, l)
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
		}
	}
	ctx := context.Background()
	for _, h := range hs {
		want, _ := h.Pieces()
		net := h.Net()
		fr, err := pwl.FromNetRat(ctx, net)
		if err != nil {
			t.Fatal(err)
		}
		ff, err := pwl.FromNet(ctx, net)
		if err != nil {
			t.Fatal(err)
		}
		if int64(fr.NumPieces()) != want || int64(ff.NumPieces()) != want {
			t.Errorf("M=%s a=%s: exact %d, float %d, formula %d", h.M.RatString(), FormatLayers(layersOf(h)), fr.NumPieces(), ff.NumPieces(), want)
		}
		bp, _ := h.Breakpoints(0)
		got := fr.Restrict(new(big.Rat), h.M).Simplify().Breakpoints()
		// inside (0, M) the engine's breakpoints are exactly the preimages
		inside := got[:0:0]
		for _, x := range got {
			if x.Sign() > 0 && x.Cmp(h.M) < 0 {
				inside = append(inside, x)
			}
		}
		if len(inside) != len(bp) {
			t.Fatalf("%d breakpoints inside, want %d", len(inside), len(bp))
		}
		for i := range bp {
			if inside[i].Cmp(bp[i]) != 0 {
				t.Fatalf("breakpoint %d: engine %s, preimage recursion %s", i, inside[i].RatString(), bp[i].RatString())
			}
		}
	}
}

// Spec §5 item 5 (Corollary A.1): every h_a has w+1 pieces and left slope 0,
// and its minimal one-hidden-layer net without output bias has exactly w
// units — the size of the explicit net built here.
func TestCorollaryA1(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for i := 0; i < 20; i++ {
		w := 2 + rng.IntN(6)
		m := big.NewRat(int64(1+rng.IntN(5)), int64(1+rng.IntN(3)))
		z, err := NewZigzag(m, RandomDelta(rng, w, m))
		if err != nil {
			t.Fatal(err)
		}
		f, err := pwl.FromNetRat(context.Background(), z.Net())
		if err != nil {
			t.Fatal(err)
		}
		twin, rep, err := pwl.ShallowNet(f, false)
		if err != nil {
			t.Fatal(err)
		}
		if f.NumPieces() != w+1 || rep.Units != w || z.Net().Size() != w || twin.HasOutputBias() {
			t.Errorf("w=%d: pieces %d, minimal twin %d units, built %d", w, f.NumPieces(), rep.Units, z.Net().Size())
		}
	}
}
