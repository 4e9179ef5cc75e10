package convert

import (
	"context"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/relu"
)

// TestPlanar checks the planar construction on random and degenerate nets
// R² → R: every term has at most 3 arguments, the form and the net equal the
// input net exactly at random points out to 10⁶, and the verification
// proves the net equal on all of R².
func TestPlanar(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	mk := relu.MustFromFloats
	cases := []struct {
		name string
		net  *relu.Net
	}{
		{"affine", mk([][][]float64{{{1, 2}}}, [][]float64{{3}})},
		{"one ridge", mk([][][]float64{{{1, -1}}, {{2}}}, [][]float64{{1}, {0}})},
		{"parallel", mk([][][]float64{{{1, 2}, {1, 2}, {-1, -2}}, {{1, -2, 1}}}, [][]float64{{0, -1, 3}, {0}})},
		{"four lines through a point", mk([][][]float64{{{1, 0}, {0, 1}, {1, 1}, {1, -1}}, {{1, 2, -1, 3}}}, [][]float64{{-1, -1, -2, 0}, {0}})},
		{"lineality", mk([][][]float64{{{1, 1}, {-1, -1}}, {{1, 1}}}, [][]float64{{0, 1}, {0}})},
		{"far vertex", mk([][][]float64{{{1, 0}, {0, 1}, {1, 1}}, {{1, -1, 1}}}, [][]float64{{-40, -40, -80}, {0}})},
		{"dead and far", mk([][][]float64{{{0, 0}, {1, 0}, {0, 1}}, {{0, 1, 1}}, {{1}}}, [][]float64{{-1, 0, 0}, {-30}, {0}})},
		{"bent kinks 2-3-3-1", randRatNet(rng, 2, 1, 2, 3, 3, 1)},
		{"random 2-4-4-1", randRatNet(rng, 2, 1, 2, 4, 4, 1)},
		{"random 2-3-3-3-1", randRatNet(rng, 2, 1, 2, 3, 3, 3, 1)},
		{"torch 2-5-5-1", testnet.Torch(rand.New(rand.NewPCG(5, 5)), 2, 5, 5, 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := PlanarMaxSum(context.Background(), tc.net, 0)
			if err != nil {
				t.Fatal(err)
			}
			if ms.MaxArity() > 3 {
				t.Fatalf("a term over %d affine maps", ms.MaxArity())
			}
			res, err := Convert(context.Background(), &Input{Kind: KindNet, Net: tc.net}, Options{Method: Planar, Verify: true})
			if err != nil {
				t.Fatal(err)
			}
			if v := res.Summary.Verification; !v.Proven || !v.Equal || !strings.HasPrefix(v.ProofDomain, "R^n") {
				t.Fatalf("not proven on R²: %+v", v)
			}
			if res.Summary.HiddenLayers > 2 {
				t.Errorf("%d hidden layers", res.Summary.HiddenLayers)
			}
			for p := 0; p < 100; p++ {
				scale := []int64{1, 100, 1_000_000}[p%3]
				x := []*big.Rat{big.NewRat((rng.Int64N(2001)-1000)*scale, 997), big.NewRat((rng.Int64N(2001)-1000)*scale, 991)}
				want := tc.net.EvalRat(x)[0]
				if got := ms.Eval(x); got.Cmp(want) != 0 {
					t.Fatalf("form at %s: %s, net %s", fmtPoint(x), got.RatString(), want.RatString())
				}
				if got := res.Net.EvalRat(x)[0]; got.Cmp(want) != 0 {
					t.Fatalf("converted net at %s: %s, net %s", fmtPoint(x), got.RatString(), want.RatString())
				}
			}
		})
	}
}

// TestPlanarAuto: auto takes the planar construction for a net with two
// inputs and many pieces, where the exponential ones exceed a small budget.
func TestPlanarAuto(t *testing.T) {
	net := testnet.Torch(rand.New(rand.NewPCG(6, 6)), 2, 6, 6, 1)
	res, err := Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{Method: Auto, Budget: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Method != Planar || res.Summary.HiddenLayers > 2 {
		t.Fatalf("method %s with %d hidden layers", res.Summary.Method, res.Summary.HiddenLayers)
	}
}

func TestPlanarBadInput(t *testing.T) {
	net := randRatNet(rand.New(rand.NewPCG(1, 1)), 2, 1, 3, 2, 1)
	if _, err := PlanarMaxSum(context.Background(), net, 0); err == nil || !strings.Contains(err.Error(), "R²") {
		t.Fatalf("3-input net: %v", err)
	}
	if _, err := Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{Method: Planar}); err == nil {
		t.Fatal("planar method accepted a 3-input net")
	}
}

// TestPlanarDescriptions: the planar construction also takes descriptions
// with two inputs, through the max–min net (or, for a signed sum of maxima,
// the net built directly), and the result is proven equal to the input.
func TestPlanarDescriptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	ins := []*Input{
		{Kind: KindLattice, Lattice: randLattice(rng, 2, 4, 2)},
		{Kind: KindMaxSum, MaxSum: randMaxSum(rng, 2)},
		{Kind: KindTriangulation, Triangulation: randTriangulation(rng, 2, 2)},
	}
	for _, in := range ins {
		res, err := Convert(context.Background(), in, Options{Method: Planar, Verify: true})
		if err != nil {
			t.Fatalf("%s: %v", in.Kind, err)
		}
		if v := res.Summary.Verification; !v.Proven || !v.Equal || res.Summary.HiddenLayers > 2 {
			t.Fatalf("%s: %d hidden layers, verification %+v", in.Kind, res.Summary.HiddenLayers, v)
		}
	}
}
