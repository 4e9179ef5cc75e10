package hard

import (
	"context"
	"math/big"
	"testing"

	"github.com/relucid/relucid/zonotope"
)

// Spec §5 item 9: piece counts of ZONOTOPE functions in R², measured by the
// sampling oracle with exact affine keys on [−3, 3]², must equal both the
// spec's numbers and the structural count of Pieces.
func TestZonotopePiecesGrid(t *testing.T) {
	for _, c := range []struct {
		name, gens, a string
		want          int
	}{
		{"Figure 1 left: H_{1/2,1/2}∘ℓ1", "1,0;0,1", "1/2;1/2", 17},
		{"Figure 1 right: octagon", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "1/2;1/2", 33},
		{"k=1: H_{1/2}∘ℓ1", "1,0;0,1", "1/2", 8},
		{"w=3,k=2 thirds", "1,0;0,1", "1/3,2/3;1/3,2/3", 36},
		{"hexagon k=1 w=3", "1,0;0,1;1,1", "1/3,2/3", 18},
		{"not generic: repeated generator", "1,0;0,1;1,0", "1/2;1/2", 17},
		{"rank 1: two exterior half-planes", "1,1;2,2", "1/2;1/2", 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			z, err := zonotope.Parse(c.gens)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := ParseLayers(c.a)
			h, _ := NewComposition(big.NewRat(1, 1), l)
			f := &ZonotopeFunc{Z: z, H: h}
			pc, err := f.Pieces(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got, err := GridPieces2D(context.Background(), f.Net(), big.NewRat(-3, 1), big.NewRat(3, 1), 240)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want || pc.Pieces != int64(c.want) {
				t.Errorf("grid %d, structural %d, want %d", got, pc.Pieces, c.want)
			}
		})
	}
}

// The pitfall of spec §5 item 9: a window that cuts the set {γ_Z ≤ M} splits
// the exterior piece: the octagon example gives 34 on [−1.2, 1.2]².
func TestGridWindowPitfall(t *testing.T) {
	z, _ := zonotope.Parse("1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4")
	l, _ := ParseLayers("1/2;1/2")
	h, _ := NewComposition(big.NewRat(1, 1), l)
	got, err := GridPieces2D(context.Background(), (&ZonotopeFunc{Z: z, H: h}).Net(), big.NewRat(-6, 5), big.NewRat(6, 5), 240)
	if err != nil {
		t.Fatal(err)
	}
	if got != 34 {
		t.Errorf("octagon on [−1.2,1.2]²: %d pieces, spec reports 34", got)
	}
}

// Window must contain the level set γ_Z = M: its vertices lie on the cone
// boundaries, at M·d/γ_Z(d) for the directions d ⊥ b^i (2-D) — checked
// exactly.
func TestWindowContainsLevelSet(t *testing.T) {
	for _, gens := range []string{"1,0;0,1", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "1,0;0,1;1,1", "1/100,1;1,1/100"} {
		z, _ := zonotope.Parse(gens)
		l, _ := ParseLayers("1/2")
		h, _ := NewComposition(big.NewRat(3, 2), l)
		f := &ZonotopeFunc{Z: z, H: h}
		R, err := f.Window()
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range z.Gens {
			d := []*big.Rat{new(big.Rat).Neg(g[1]), new(big.Rat).Set(g[0])}
			s := new(big.Rat).Quo(h.M, z.Gamma(d))
			for _, c := range d {
				v := new(big.Rat).Mul(c, s)
				if v.Abs(v).Cmp(R) >= 0 {
					t.Errorf("%s: level-set vertex coordinate %s outside window %s", gens, v.RatString(), R.RatString())
				}
			}
		}
	}
	z, _ := zonotope.Parse("1,1;2,2")
	l, _ := ParseLayers("1/2")
	h, _ := NewComposition(big.NewRat(1, 1), l)
	if _, err := (&ZonotopeFunc{Z: z, H: h}).Window(); err == nil {
		t.Error("rank-1 generators: want error (unbounded level set)")
	}
}
