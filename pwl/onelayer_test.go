package pwl

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestOneLayer checks the kink-sorting conversion of one-hidden-layer nets
// against the layer-grid engine, including coincident kinks, dead units,
// constant units and zero output weights (the dyadic generator makes all
// of these frequent).
func TestOneLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 300; trial++ {
		net := randDyadicNet(rng, []int{1 + rng.IntN(12)})
		want, err := fromNetInt(bg, net, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := fromOneLayer(net, nil, nil)
		if !got.Equal(want) || got.NumPieces() != want.NumPieces() {
			t.Fatalf("trial %d: %d pieces, grid engine %d", trial, got.NumPieces(), want.NumPieces())
		}
		a, b := big.NewRat(int64(rng.IntN(9)-4), 2), big.NewRat(int64(rng.IntN(9)+5), 2)
		wd, _ := fromNetInt(bg, net, a, b)
		if gd := fromOneLayer(net, a, b); !gd.Equal(wd) || gd.NumPieces() != wd.NumPieces() {
			t.Fatalf("trial %d on [%s, %s]: %d pieces, grid engine %d", trial, a.RatString(), b.RatString(), gd.NumPieces(), wd.NumPieces())
		}
	}
	// A wide net goes through the fast path in FromNetRat and Extract.
	net := randDyadicNet(rng, []int{oneLayerMin + 44})
	r, err := FromNetRat(bg, net)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstNet(t, net, r)
	f, info, err := Extract(bg, net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Pieces != r.NumPieces() || f.NumPieces() != r.NumPieces() {
		t.Fatalf("Extract %d pieces, FromNetRat %d", info.Pieces, r.NumPieces())
	}
}
