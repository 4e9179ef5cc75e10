package convert

import (
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/relu"
)

// checkSpatial compares the spatial form of net with the net at many exact
// random points, near and far (every term is exact, so any difference is a
// defect).
func checkSpatial(t *testing.T, name string, net *relu.Net, rng *rand.Rand) *MaxSum {
	t.Helper()
	return checkPolyForm(t, name, net, rng, SpatialMaxSum)
}

// checkPolyForm builds the form of net with build and compares it with the
// net at exact random points, near and far.
func checkPolyForm(t *testing.T, name string, net *relu.Net, rng *rand.Rand, build func(context.Context, *relu.Net, int) (*MaxSum, error)) *MaxSum {
	t.Helper()
	n := net.InputDim()
	ms, err := build(context.Background(), net, 50_000_000)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if ms.MaxArity() > n+1 {
		t.Fatalf("%s: arity %d", name, ms.MaxArity())
	}
	for k := 0; k < 300; k++ {
		x := randPoint(rng, n)
		if k%4 == 0 {
			for i := range x {
				x[i].Mul(x[i], big.NewRat(int64(1+rng.IntN(1000)), 1))
			}
		}
		want := net.EvalRat(x)[0]
		if got := ms.Eval(x); got.Cmp(want) != 0 {
			t.Fatalf("%s: at %s the form gives %s, the net %s", name, fmtPoint(x), got.RatString(), want.RatString())
		}
	}
	return ms
}

func TestSpatialNamed(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	one := big.NewRat(1, 1)
	// max(0, x, y, z) = x' + relu-chain: a 4-argument max needs an
	// arity-4 term (Koutschan et al.).
	max4, err := relu.MaxAffine([][]*big.Rat{{new(big.Rat), new(big.Rat), new(big.Rat)}, {one, new(big.Rat), new(big.Rat)}, {new(big.Rat), one, new(big.Rat)}, {new(big.Rat), new(big.Rat), one}}, []*big.Rat{new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)})
	if err != nil {
		t.Fatal(err)
	}
	ms := checkSpatial(t, "max(0,x,y,z)", max4, rng)
	if ms.MaxArity() != 4 {
		t.Errorf("max(0,x,y,z): arity %d, want 4", ms.MaxArity())
	}
	// relu(relu(x) + relu(y) + z − 1): a vertex where a bent plane bends
	// along two planes.
	bent := randRatNet(rng, 1, 1, 3, 2, 1, 1)
	bent.Layers[0] = relu.NewLayer(2, 3)
	bent.Layers[0].SetRat(0, 0, one)
	bent.Layers[0].SetRat(1, 1, one)
	bent.Layers[1] = relu.NewLayer(1, 2)
	bent.Layers[1].SetRat(0, 0, one)
	bent.Layers[1].SetRat(0, 1, one)
	checkSpatial(t, "bent", bent, rng)
	// An affine net and a net with a dead unit.
	checkSpatial(t, "affine", randRatNet(rng, 3, 0, 3, 1, 1), rng)
}

func TestSpatialRandomNets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for c := 0; c < 12; c++ {
		widths := []int{3, 2 + c%3, 2 + (c/3)%2, 1}
		net := randRatNet(rng, 3, 2, widths...)
		checkSpatial(t, "random", net, rng)
	}
}

// netOf builds a net from float weights (exact small values).
func netOf(t *testing.T, ws [][][]float64, bs [][]float64) *relu.Net {
	t.Helper()
	n, err := relu.FromFloats(ws, bs)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSpatialDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	tests := []struct {
		name string
		ws   [][][]float64
		bs   [][]float64
	}{
		// Three parallel kink planes and one across them: no vertex where
		// three planes meet in a point.
		{"parallel planes", [][][]float64{{{1, 1, 0}, {1, 1, 0}, {1, 1, 0}, {0, 0, 1}}, {{1, -2, 1, 1}}}, [][]float64{{0, -1, -2, 0}, {0}}},
		// Every kink plane contains the z axis: f(x, y, z) = g(x, y), no
		// vertex at all, only a line with four planes.
		{"common line", [][][]float64{{{1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, -1, 0}}, {{1, -1, 2, -1}}}, [][]float64{{0, 0, 0, 0}, {0}}},
		// Four planes through one point in general position, and a dead
		// unit (never active) and a duplicate unit.
		{"dead and duplicate units", [][][]float64{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}, {1, 0, 0}, {0, 0, 0}}, {{1, -1, 1, -1, 2, 5}}}, [][]float64{{0, 0, 0, 0, 0, -1}, {0}}},
		// A bent plane through a vertex of two others, with a unit whose
		// plane passes through that vertex too.
		{"plane through a vertex", [][][]float64{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {{1, 1, 1}, {1, -1, 0}}, {{1, -1}}}, [][]float64{{0, 0, 0}, {0, 0}, {0}}},
		// Coincident kink planes from two layers.
		{"coincident planes", [][][]float64{{{1, 2, 3}, {0, 1, 0}}, {{1, 0}, {-1, 1}}, {{1, 1}}}, [][]float64{{1, 0}, {-1, 0}, {0}}},
	}
	for _, tc := range tests {
		checkSpatial(t, tc.name, netOf(t, tc.ws, tc.bs), rng)
	}
}

func TestSpatialConvert(t *testing.T) {
	ctx := context.Background()
	net := netOf(t, [][][]float64{{{1, 0, 0}, {0, 1, 0}, {1, -1, 2}}, {{1, 1, 0}, {0, -1, 1}}, {{1, -2}}},
		[][]float64{{0, 0, -0.5}, {-1, 0}, {0}})
	res, err := Convert(ctx, &Input{Kind: KindNet, Net: net}, Options{Method: Spatial, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if s.HiddenLayers > 2 || s.MaxArity > 4 || s.Verified != "proof" {
		t.Errorf("spatial: %d hidden layers, arity %d, verified %q", s.HiddenLayers, s.MaxArity, s.Verified)
	}
	// A description with three inputs goes through its max–min net.
	ms := &MaxSum{N: 3, Affine: randAffine(rand.New(rand.NewPCG(1, 2)), 3, 5, 3),
		Terms: []Term{{Sign: 1, Args: []int{0, 1, 2}}, {Sign: -1, Args: []int{2, 3, 4}}}}
	res, err = Convert(ctx, &Input{Kind: KindMaxSum, MaxSum: ms}, Options{Method: Spatial, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Verified == "" || !res.Summary.Verification.Equal {
		t.Errorf("maxsum: verification %+v", res.Summary.Verification)
	}
	// Only three inputs.
	if _, err := Convert(ctx, &Input{Kind: KindNet, Net: netOf(t, [][][]float64{{{1, 1}}, {{1}}}, [][]float64{{0}, {0}})}, Options{Method: Spatial, Verify: true}); err == nil {
		t.Error("spatial method accepted a net with two inputs")
	}
}

// TestSpatialFloatWeights runs a PyTorch-like net (uniform ±1/√fan-in float
// weights, so exact rationals with 2⁵³-sized denominators and no exact ties).
func TestSpatialFloatWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	widths := []int{3, 3, 3, 1}
	var ws [][][]float64
	var bs [][]float64
	for k := 1; k < len(widths); k++ {
		s := 1 / math.Sqrt(float64(widths[k-1]))
		W := make([][]float64, widths[k])
		B := make([]float64, widths[k])
		for i := range W {
			W[i] = make([]float64, widths[k-1])
			for j := range W[i] {
				W[i][j] = (2*rng.Float64() - 1) * s
			}
			B[i] = (2*rng.Float64() - 1) * s
		}
		ws, bs = append(ws, W), append(bs, B)
	}
	checkSpatial(t, "float weights", netOf(t, ws, bs), rng)
}
