package convert

import (
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/relucid/relucid/relu"
)

// TestNetWhole converts nets with n = 2, 3 inputs on all of R^n (no
// domain): the result is proven equal on R^n through the perspective, and
// checked independently by exact evaluation at random points as far out as
// 10⁶, where no box-based conversion of these nets would be valid.
func TestNetWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	ctx := context.Background()
	mk := func(ws [][][]float64, bs [][]float64) *relu.Net { return relu.MustFromFloats(ws, bs) }
	random := func(widths ...int) *relu.Net { return randRatNet(rng, 2, 1, widths...) }
	cases := []struct {
		name   string
		net    *relu.Net
		pieces int // 0: not checked
	}{
		// Kinks crossing at (1000, 1000), far outside any unit box.
		{"far vertex", mk([][][]float64{{{1, 0}, {0, 1}}, {{1, -1}}}, [][]float64{{-1000, -1000}, {0}}), 4},
		// Depends on x0 + x1 only: the regions contain lines.
		{"lineality", mk([][][]float64{{{1, 1}, {-1, -1}, {2, 2}}, {{1, 1, -1}}}, [][]float64{{0, 1, -3}, {0}}), 0},
		// A second-layer kink that exists only far away.
		{"deep far kink", mk([][][]float64{{{1, 0}, {0, 1}}, {{1, 1}}, {{1}}}, [][]float64{{0, 0}, {-500}, {0}}), 0},
		{"dead unit", mk([][][]float64{{{0, 0}, {1, -1}}, {{3, 1}}}, [][]float64{{-1, 0}, {0}}), 2},
		{"random 2-3-2-1", random(2, 3, 2, 1), 0},
		{"random 2-4-1", random(2, 4, 1), 0},
		{"random 3-3-1", random(3, 3, 1), 0},
		{"random 3-2-2-1", random(3, 2, 2, 1), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.net.InputDim()
			res, err := Convert(ctx, &Input{Kind: KindNet, Net: tc.net}, Options{Verify: true, Budget: 300_000})
			if errors.Is(err, ErrTooLarge) {
				t.Skip("over the reduction budget")
			}
			if err != nil {
				t.Fatal(err)
			}
			v := res.Summary.Verification
			if !v.Proven || !v.Equal || !strings.HasPrefix(v.ProofDomain, "R^n") {
				t.Fatalf("not proven on R^n: %+v", v)
			}
			if res.Summary.HiddenLayers > relu.MaxTreeDepth(n+1) {
				t.Errorf("hidden layers %d > ⌈log₂(n+1)⌉", res.Summary.HiddenLayers)
			}
			if tc.pieces > 0 && res.Summary.Pieces != tc.pieces {
				t.Errorf("pieces %d, want %d", res.Summary.Pieces, tc.pieces)
			}
			for p := 0; p < 200; p++ {
				x := make([]*big.Rat, n)
				scale := []int64{1, 100, 1000, 1_000_000}[p%4]
				for i := range x {
					x[i] = big.NewRat((rng.Int64N(2001)-1000)*scale, 1000)
				}
				if a, b := res.Net.EvalRat(x)[0], tc.net.EvalRat(x)[0]; a.Cmp(b) != 0 {
					t.Fatalf("at %s: converted %s, net %s", fmtPoint(x), a.RatString(), b.RatString())
				}
			}
		})
	}
}

// TestProveWholeRefutes moves one bias of a correct conversion by 1/64 and
// expects the whole-space proof to fail with a witness where the nets
// differ; a net that differs only far from the origin is caught too.
func TestProveWholeRefutes(t *testing.T) {
	ctx := context.Background()
	f := relu.MustFromFloats([][][]float64{{{1, 0}, {0, 1}}, {{1, -1}}}, [][]float64{{-1000, -1000}, {0}})
	res, err := Convert(ctx, &Input{Kind: KindNet, Net: f}, Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	bad := res.Net.Clone()
	l := &bad.Layers[0]
	l.SetBiasRat(0, new(big.Rat).Add(l.BR[0], big.NewRat(1, 64)))
	// g equals f on [−1000, 1000]² and differs beyond: relu(x0 − 2000).
	g := relu.MustFromFloats([][][]float64{{{1, 0}, {0, 1}, {1, 0}}, {{1, -1, 1}}}, [][]float64{{-1000, -1000, -2000}, {0}})
	for _, other := range []*relu.Net{bad, g} {
		v, _, err := proveWhole(ctx, other, f)
		if err != nil {
			t.Fatal(err)
		}
		if v == nil || v.Equal || v.Proven {
			t.Fatalf("difference not refuted: %+v", v)
		}
		if v.witness == nil {
			t.Fatalf("no witness: %s", v.Detail)
		}
		if other.EvalRat(v.witness)[0].Cmp(f.EvalRat(v.witness)[0]) == 0 {
			t.Fatalf("witness %s does not separate: %s", fmtPoint(v.witness), v.Detail)
		}
	}
}

// TestNetTooManyRegions: a net with more than MaxNetRegions regions is
// refused with ErrTooLarge, quickly (a float count first).
func TestNetTooManyRegions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	net := &relu.Net{}
	widths := []int{2, 64, 64, 64, 1} // about 20,000 regions on R²
	for k := 1; k < len(widths); k++ {
		l := relu.NewLayer(widths[k], widths[k-1])
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				l.Set(i, j, rng.NormFloat64())
			}
			l.SetBias(i, rng.NormFloat64())
		}
		net.Layers = append(net.Layers, l)
	}
	start := time.Now()
	_, err := Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "activation regions") {
		t.Fatalf("want ErrTooLarge naming the regions, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusal took %v", d)
	}
}

// TestNetAutoRefusesDeeper: when no net with ⌈log₂(n+1)⌉ hidden layers fits
// the budget, depth compression fails with ErrTooLarge rather than write the
// deeper max–min net, which --method lattice still builds.
func TestNetAutoRefusesDeeper(t *testing.T) {
	// Three inputs: the planar construction does not apply.
	net := randRatNet(rand.New(rand.NewPCG(8, 8)), 2, 1, 3, 4, 4, 1)
	in := &Input{Kind: KindNet, Net: net}
	_, err := Convert(context.Background(), in, Options{Method: Auto, Budget: 200})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "depth compression") {
		t.Fatalf("want ErrTooLarge for depth compression, got %v", err)
	}
	res, err := Convert(context.Background(), in, Options{Method: LatticeNet})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.HiddenLayers <= relu.MaxTreeDepth(4) {
		t.Fatalf("lattice net: %d hidden layers", res.Summary.HiddenLayers)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for p := 0; p < 50; p++ {
		x := []*big.Rat{big.NewRat(rng.Int64N(2001)-1000, 7), big.NewRat(rng.Int64N(2001)-1000, 3), big.NewRat(rng.Int64N(2001)-1000, 11)}
		if a, b := res.Net.EvalRat(x)[0], net.EvalRat(x)[0]; a.Cmp(b) != 0 {
			t.Fatalf("lattice net at %s: %s, net %s", fmtPoint(x), a.RatString(), b.RatString())
		}
	}
}
