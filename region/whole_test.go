package region

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// wholeNets are the nets of the whole-space tests: random nets and the
// named degenerate cases.
func wholeNets() []struct {
	name string
	net  *relu.Net
} {
	mk := relu.MustFromFloats
	return []struct {
		name string
		net  *relu.Net
	}{
		{"random 2-6-1", randomNet(31, 2, 6, 1)},
		{"random 2-5-5-1", randomNet(32, 2, 5, 5, 1)},
		{"random 2-4-4-4-2", randomNet(33, 2, 4, 4, 4, 2)},
		{"random 3-5-4-1", randomNet(34, 3, 5, 4, 1)},
		// Kinks meeting at (40, 40), far from the origin.
		{"far vertex", mk([][][]float64{{{1, 0}, {0, 1}, {1, 1}}, {{1, -1, 1}}}, [][]float64{{-40, -40, -80}, {0}})},
		// Three parallel lines: strips, no vertex at all.
		{"parallel", mk([][][]float64{{{1, 2}, {1, 2}, {-1, -2}}, {{1, -2, 1}}}, [][]float64{{0, -1, 3}, {0}})},
		// Every line through one point.
		{"concurrent", mk([][][]float64{{{1, 0}, {0, 1}, {1, 1}, {1, -1}}, {{1, 2, -1, 3}}}, [][]float64{{-1, -1, -2, 0}, {0}})},
		// Depends on x0 + x1 only: regions contain lines.
		{"lineality", mk([][][]float64{{{1, 1}, {-1, -1}}, {{1, 1}}}, [][]float64{{0, 1}, {0}})},
		// A dead unit and a second-layer unit that is on only far away.
		{"dead and far", mk([][][]float64{{{0, 0}, {1, 0}, {0, 1}}, {{0, 1, 1}}, {{1}}}, [][]float64{{-1, 0, 0}, {-30}, {0}})},
	}
}

// TestWholeAgainstBoxes checks the complex over R^n against the box engine:
// every pattern found on a box is a region over R^n, and on a box large
// enough to contain every vertex the two agree region for region (the
// patterns) and in all three counts.
func TestWholeAgainstBoxes(t *testing.T) {
	for _, tc := range wholeNets() {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.net.InputDim()
			whole, err := Whole(n)
			if err != nil {
				t.Fatal(err)
			}
			cw, err := Enumerate(context.Background(), tc.net, whole, Options{})
			if err != nil {
				t.Fatal(err)
			}
			all := map[string]bool{}
			for i := range cw.Regions {
				all[fmt.Sprint(cw.Regions[i].Pattern)] = true
			}
			if len(all) != len(cw.Regions) {
				t.Fatalf("%d regions but %d distinct patterns", len(cw.Regions), len(all))
			}
			for _, r := range []float64{1, 10, 1e3, 1e5} {
				lo, hi := make([]float64, n), make([]float64, n)
				for i := range lo {
					lo[i], hi[i] = -r, r
				}
				box, _ := Box(lo, hi)
				cb, err := Enumerate(context.Background(), tc.net, box, Options{})
				if err != nil {
					t.Fatal(err)
				}
				for i := range cb.Regions {
					if !all[fmt.Sprint(cb.Regions[i].Pattern)] {
						t.Fatalf("box ±%g: pattern %s not among the regions over R^n", r, PatternStrings(cb.Regions[i].Pattern, cb.Widths))
					}
				}
				if r == 1e5 {
					for o := range cw.Counts {
						if cb.Counts[o] != cw.Counts[o] {
							t.Errorf("output %d: box ±1e5 %+v, R^n %+v", o, cb.Counts[o], cw.Counts[o])
						}
					}
				}
			}
			// Maps and patterns at the interior points, by evaluation.
			for i := range cw.Regions {
				checkRegionAt(t, tc.net, cw, &cw.Regions[i])
			}
		})
	}
}

// checkRegionAt checks r's pattern, maps and H-representation at its
// interior point against a direct evaluation of net.
func checkRegionAt(t *testing.T, net *relu.Net, cx *Complex, r *Region) {
	t.Helper()
	x := r.Interior
	act := x
	for l := 0; l+1 < len(net.Layers); l++ {
		L := &net.Layers[l]
		next := make([]float64, L.Out)
		for i := range next {
			v := L.B[i]
			for j := 0; j < L.In; j++ {
				v += L.At(i, j) * act[j]
			}
			if (v > 0) != cx.Active(r, l, i) {
				t.Fatalf("region %d: unit %d of layer %d has pre-activation %g at the interior point, pattern says %v", r.Index, i, l, v, cx.Active(r, l, i))
			}
			next[i] = max(v, 0)
		}
		act = next
	}
	y := net.Eval(x)
	for o, m := range r.Maps {
		v := m.Const
		for j, g := range m.Grad {
			v += g * x[j]
		}
		if d := v - y[o]; d > 1e-9*(1+abs(y[o])) || -d > 1e-9*(1+abs(y[o])) {
			t.Fatalf("region %d output %d: map gives %g, net %g", r.Index, o, v, y[o])
		}
	}
	for _, f := range r.Facets {
		s := -f.Offset
		for j, a := range f.Normal {
			s += a * x[j]
		}
		if s >= 0 {
			t.Fatalf("region %d: interior point violates facet of unit %+v (%g)", r.Index, f.Source, s)
		}
	}
}

// TestWhole1D compares the regions of nets R → R over the whole line with
// package pwl's exact breakpoints on R: pieces over R^1 are pwl's pieces.
func TestWhole1D(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		net := randomNet(100+seed, 1, 5, 4, 1)
		f, err := pwl.FromNetRat(context.Background(), net)
		if err != nil {
			t.Fatal(err)
		}
		whole, _ := Whole(1)
		cx, err := Enumerate(context.Background(), net, whole, Options{Exact: true})
		if err != nil {
			t.Fatal(err)
		}
		if !cx.Exact || !cx.CompleteCertified {
			t.Fatalf("seed %d: not certified", seed)
		}
		if cx.Counts[0].Pieces != f.NumPieces() {
			t.Errorf("seed %d: %d pieces over R, pwl says %d", seed, cx.Counts[0].Pieces, f.NumPieces())
		}
	}
}

// TestWholeExactAndStream checks that the exact path certifies the
// complexes over R^n, agrees with the float counts, gives exact maps equal
// to exact evaluation at the rational interior points, and that Stream
// hands out the same regions.
func TestWholeExactAndStream(t *testing.T) {
	for _, tc := range wholeNets() {
		t.Run(tc.name, func(t *testing.T) {
			whole, _ := Whole(tc.net.InputDim())
			fl, err := Enumerate(context.Background(), tc.net, whole, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ex, err := Enumerate(context.Background(), tc.net, whole, Options{Exact: true})
			if err != nil {
				t.Fatal(err)
			}
			if !ex.Exact || !ex.CompleteCertified {
				t.Fatalf("exact %v, complete %v", ex.Exact, ex.CompleteCertified)
			}
			if fmt.Sprint(ex.Counts) != fmt.Sprint(fl.Counts) {
				t.Fatalf("exact counts %v, float %v", ex.Counts, fl.Counts)
			}
			for i := range ex.Regions {
				r := &ex.Regions[i]
				y := tc.net.EvalRat(r.InteriorRat)
				for o, m := range r.MapsRat {
					v := new(big.Rat).Set(m.Const)
					for j, g := range m.Grad {
						v.Add(v, new(big.Rat).Mul(g, r.InteriorRat[j]))
					}
					if v.Cmp(y[o]) != 0 {
						t.Fatalf("region %d: exact map %s, net %s", i, v.RatString(), y[o].RatString())
					}
				}
			}
			var got []string
			_, err = Stream(context.Background(), tc.net, whole, Options{}, func(r *Region) error {
				got = append(got, fmt.Sprint(r.Pattern, r.Maps))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(fl.Regions) {
				t.Fatalf("stream gave %d regions, Enumerate %d", len(got), len(fl.Regions))
			}
			for i := range got {
				if want := fmt.Sprint(fl.Regions[i].Pattern, fl.Regions[i].Maps); got[i] != want {
					t.Fatalf("region %d: stream %s, enumerate %s", i, got[i], want)
				}
			}
		})
	}
}

// TestWholeLineArrangement checks random line arrangements (one hidden
// layer) against Zaslavsky's count for lines in general position:
// 1 + m + C(m, 2) regions.
func TestWholeLineArrangement(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for m := 1; m <= 12; m++ {
		l := relu.NewLayer(m, 2)
		for i := 0; i < m; i++ {
			l.Set(i, 0, float64(rng.IntN(1999)-999)/7)
			l.Set(i, 1, float64(rng.IntN(1999)-999)/11)
			l.SetBias(i, float64(rng.IntN(1999)-999)/3)
		}
		out := relu.NewLayer(1, m)
		for i := 0; i < m; i++ {
			out.Set(0, i, float64(1+rng.IntN(5)))
		}
		net := &relu.Net{Layers: []relu.Layer{l, out}}
		whole, _ := Whole(2)
		cx, err := Enumerate(context.Background(), net, whole, Options{Exact: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + m + m*(m-1)/2; cx.Counts[0].Regions != want {
			t.Errorf("m = %d: %d regions, Zaslavsky %d", m, cx.Counts[0].Regions, want)
		}
	}
}

func TestWholeBadInput(t *testing.T) {
	if _, err := Whole(0); err == nil {
		t.Error("Whole(0) accepted")
	}
	whole, _ := Whole(3)
	if _, err := Enumerate(context.Background(), randomNet(1, 2, 3, 1), whole, Options{}); err == nil {
		t.Error("dimension mismatch accepted")
	}
}
