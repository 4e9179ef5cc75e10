package pwl

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// desc builds a Rat from breakpoints, values and end slopes.
func desc(bp, vals []string, sl, sr string) *Rat {
	f := &Rat{SL: rat(sl), SR: rat(sr)}
	for i := range bp {
		f.X = append(f.X, rat(bp[i]))
		f.Y = append(f.Y, rat(vals[i]))
	}
	if len(bp) == 0 {
		f.X = []*big.Rat{new(big.Rat)}
		f.Y = []*big.Rat{rat(vals[0])}
	}
	return f
}

// roundTrip builds the shallow net and checks it computes f exactly with
// one hidden layer and the reported size.
func roundTrip(t *testing.T, f *Rat, bias bool) ShallowReport {
	t.Helper()
	net, rep, err := ShallowNet(f, bias)
	if err != nil {
		t.Fatal(err)
	}
	if net.Depth() > 2 {
		t.Fatalf("depth %d", net.Depth())
	}
	if net.Size() != rep.Units {
		t.Fatalf("net has %d units, report says %d", net.Size(), rep.Units)
	}
	if !bias && net.HasOutputBias() {
		t.Fatalf("output bias in a no-bias net")
	}
	g, err := FromNetRat(bg, net)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(f) {
		t.Fatalf("net computes a different function: %d vs %d pieces", g.NumPieces(), f.NumPieces())
	}
	checkAgainstNet(t, net, f)
	return rep
}

func TestShallowSpecExample(t *testing.T) {
	// spec §5 item 4.
	f := desc([]string{"-1", "0", "2"}, []string{"0", "2", "0"}, "1", "3")
	rep := roundTrip(t, f, true)
	if rep.Pieces != 4 || rep.Units != 4 || !rep.Minimal {
		t.Fatalf("report %+v, want 4 pieces, 4 units, minimal", rep)
	}
	net, _, _ := ShallowNet(f, true)
	for _, c := range [][2]string{{"-2", "-1"}, {"-1", "0"}, {"0", "2"}, {"2", "0"}, {"3", "3"}} {
		if got := net.EvalRat([]*big.Rat{rat(c[0])})[0]; got.Cmp(rat(c[1])) != 0 {
			t.Errorf("f(%s) = %s, want %s", c[0], got.RatString(), c[1])
		}
	}
	// The paper's closed form 3σ(x−2) + σ(−1−x) − 3σ(−x) + σ(2−x) is the
	// same function.
	paper := ratNet([][][]string{{{"1"}, {"-1"}, {"-1"}, {"-1"}}, {{"3", "1", "-3", "1"}}}, [][]string{{"-2", "-1", "0", "2"}, {"0"}})
	pf, err := FromNetRat(bg, paper)
	if err != nil {
		t.Fatal(err)
	}
	if !pf.Equal(f) {
		t.Fatal("paper's closed form differs from the description")
	}
	// Without output bias it still fits in p = 4 units (c = 0 here).
	if rep := roundTrip(t, f, false); rep.Units != 4 {
		t.Fatalf("no bias: %d units, want 4", rep.Units)
	}
}

func TestShallowCorollaryA1(t *testing.T) {
	// spec §5 item 5: every h_a (left slope 0, w+1 pieces) needs w units.
	for w := 2; w <= 6; w++ {
		net := sawtoothW(w, 1)
		f, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		rep := roundTrip(t, f, true)
		if rep.Pieces != w+1 || rep.Units != w || !rep.Minimal {
			t.Errorf("w=%d: %+v", w, rep)
		}
		// h_a has no output bias and f(0) = 0: also w units without it.
		if rep := roundTrip(t, f, false); rep.Units != w {
			t.Errorf("w=%d no bias: %d units", w, rep.Units)
		}
	}
	// Right slope 0: the right flap vanishes.
	f := desc([]string{"0", "1", "3"}, []string{"1", "4", "2"}, "-2", "0")
	if rep := roundTrip(t, f, true); rep.Units != 3 {
		t.Errorf("s_R = 0: %d units, want p − 1 = 3", rep.Units)
	}
}

func TestShallowEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		f     *Rat
		bias  bool
		units int
	}{
		{"constant with bias (A10)", desc(nil, []string{"5"}, "0", "0"), true, 0},
		{"constant without bias (A1)", desc(nil, []string{"5"}, "0", "0"), false, 1},
		{"zero without bias", desc(nil, []string{"0"}, "0", "0"), false, 0},
		{"affine with bias needs 2 (A10)", desc(nil, []string{"1"}, "3", "3"), true, 2},
		{"affine without bias needs 2 (A10)", desc(nil, []string{"1"}, "3", "3"), false, 2},
		{"|x|+1 with bias", desc([]string{"0"}, []string{"1"}, "-1", "1"), true, 2},
		{"|x|+1 without bias needs 3 (A1)", desc([]string{"0"}, []string{"1"}, "-1", "1"), false, 3},
		{"|x| without bias", desc([]string{"0"}, []string{"0"}, "-1", "1"), false, 2},
		{"interleaved flaps save a unit: slopes 1, 2, 1", desc([]string{"1", "2"}, []string{"0", "2"}, "1", "1"), true, 2},
		{"far breakpoints", desc([]string{"-10000", "12345.5"}, []string{"3", "-1/7"}, "2", "-5"), true, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := roundTrip(t, tc.f, tc.bias)
			if rep.Units != tc.units || !rep.Minimal {
				t.Fatalf("%+v, want %d units, minimal", rep, tc.units)
			}
		})
	}
}

// bruteRho0 reports whether some set L of breakpoints has
// s_L + Σ_{j∈L} Δ_j = 0, by trying all 2^m sets (the oracle for
// "p − 1 units are impossible with an output bias").
func bruteRho0(f *Rat) bool {
	g := f.Clone().Simplify()
	s := g.Slopes()
	m := len(g.Breakpoints())
	for mask := 0; mask < 1<<m; mask++ {
		r := new(big.Rat).Set(g.SL)
		for j := 0; j < m; j++ {
			if mask>>j&1 == 1 {
				r.Add(r, new(big.Rat).Sub(s[j+1], s[j]))
			}
		}
		if r.Sign() == 0 {
			return true
		}
	}
	return false
}

// bruteNoBias returns the minimal one-hidden-layer size without output
// bias by trying every set L of left flaps (see ShallowNet's doc for the
// characterisation): p−1 if some L leaves no remainder, p if some L leaves a
// constant or a linear part vanishing at a breakpoint, p+1 otherwise.
func bruteNoBias(f *Rat) int {
	g := f.Clone().Simplify()
	s := g.Slopes()
	a := g.Breakpoints()
	m := len(a)
	if m == 0 {
		switch {
		case g.SL.Sign() != 0:
			return 2
		case g.Y[0].Sign() != 0:
			return 1
		}
		return 0
	}
	k0 := new(big.Rat).Mul(a[0], g.SL)
	k0.Sub(g.Eval(a[0]), k0)
	best := m + 2 // p + 1: a pair at the root of the remainder
	for mask := 0; mask < 1<<m; mask++ {
		rho, kap := new(big.Rat).Set(g.SL), new(big.Rat).Set(k0)
		for j := 0; j < m; j++ {
			if mask>>j&1 == 1 {
				d := new(big.Rat).Sub(s[j+1], s[j])
				rho.Add(rho, d)
				kap.Sub(kap, d.Mul(d, a[j]))
			}
		}
		if rho.Sign() == 0 && kap.Sign() == 0 {
			return m
		}
		if rho.Sign() == 0 {
			best = min(best, m+1)
		}
		for _, x := range a {
			v := new(big.Rat).Mul(rho, x)
			if v.Add(v, kap).Sign() == 0 {
				best = min(best, m+1)
			}
		}
	}
	return best
}

func randRatPWL(rng *rand.Rand, p int) *Rat {
	small := func() *big.Rat { return big.NewRat(int64(rng.IntN(9)-4), int64(rng.IntN(3)+1)) }
	f := &Rat{SL: small(), SR: small()}
	x := big.NewRat(int64(rng.IntN(5)-6), 1)
	for i := 0; i < p-1; i++ {
		x = new(big.Rat).Add(x, big.NewRat(int64(rng.IntN(5)+1), int64(rng.IntN(2)+1)))
		f.X = append(f.X, x)
		f.Y = append(f.Y, small())
	}
	if p == 1 {
		f.X, f.Y = []*big.Rat{new(big.Rat)}, []*big.Rat{small()}
		f.SR = f.SL
	}
	return f
}

func TestShallowRandomRoundTrips(t *testing.T) {
	// spec §5 item 4: random round trips with p ≤ 7, and the size claims
	// checked against Theorem 2.2 and a brute-force search.
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 400; trial++ {
		f := randRatPWL(rng, 1+rng.IntN(7))
		p := f.NumPieces()
		bias := trial%2 == 0
		rep := roundTrip(t, f, bias)
		if rep.Pieces != p {
			t.Fatalf("pieces %d, want %d", rep.Pieces, p)
		}
		if p >= 2 && rep.Units < p-1 {
			t.Fatalf("%d units below Theorem 2.2's bound p−1 = %d", rep.Units, p-1)
		}
		if bias && p >= 2 {
			if rep.Units > p {
				t.Fatalf("%d units above Theorem 2.2's p = %d", rep.Units, p)
			}
			if want := bruteRho0(f); (rep.Units == p-1) != want {
				t.Fatalf("p−1 units possible: brute force %v, ShallowNet used %d of p = %d", want, rep.Units, p)
			}
		}
		if !bias && rep.Units > p+1 {
			t.Fatalf("no bias: %d units above p+1 = %d", rep.Units, p+1)
		}
		if !bias {
			if want := bruteNoBias(f); rep.Units != want || !rep.Minimal {
				t.Fatalf("no bias: %d units (minimal %v), brute force %d", rep.Units, rep.Minimal, want)
			}
		}
	}
}

func TestShallowLarge(t *testing.T) {
	// Beyond MaxSubsetSearch the construction still works; a zero-slope
	// piece is still found.
	net := sawtoothW(2, 6) // 66 pieces, left slope 0
	f, err := FromNetRat(bg, net)
	if err != nil {
		t.Fatal(err)
	}
	rep := roundTrip(t, f, true)
	if rep.Units != rep.Pieces-1 || !rep.Minimal {
		t.Fatalf("%+v", rep)
	}
}

func TestDescriptionRoundTrip(t *testing.T) {
	in := `{"breakpoints": [-1, "1/3", 2], "values": [0, "-7/2", 0.5], "slope_left": 1, "slope_right": "-1/3", "note": "ignored"}`
	f, err := DecodeDescription(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := EncodeDescription(&b, f); err != nil {
		t.Fatal(err)
	}
	want := `{"breakpoints": [-1, "1/3", 2], "values": [0, -3.5, 0.5], "slope_left": 1, "slope_right": "-1/3"}` + "\n"
	if b.String() != want {
		t.Fatalf("got %s want %s", b.String(), want)
	}
	g, err := DecodeDescription(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(f) {
		t.Fatal("round trip changed the function")
	}
	if !IsDescription([]byte(in)) || IsDescription([]byte(`{"layers": []}`)) {
		t.Fatal("IsDescription")
	}
}

func TestDescriptionErrors(t *testing.T) {
	for _, in := range []string{
		``,
		`{"breakpoints": [0, 1], "values": [0], "slope_left": 0, "slope_right": 0}`,
		`{"breakpoints": [1, 0], "values": [0, 0], "slope_left": 0, "slope_right": 0}`,
		`{"breakpoints": [0, 0], "values": [0, 0], "slope_left": 0, "slope_right": 0}`,
		`{"breakpoints": [0], "values": [0], "slope_left": 0}`,
		`{"breakpoints": [0], "values": ["x"], "slope_left": 0, "slope_right": 1}`,
		`{"breakpoints": [0], "values": [NaN], "slope_left": 0, "slope_right": 1}`,
		`{"breakpoints": [], "values": [], "slope_left": 0, "slope_right": 1}`,
		`{"breakpoints": [0], "values": [0], "slope_left": 0, "slope_right": 1`,
		`{"values": [0], "slope_left": 0, "slope_right": 1}`,
		`{"breakpoints": ["1/0"], "values": [0], "slope_left": 0, "slope_right": 1}`,
	} {
		if _, err := DecodeDescription(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzDescription(f *testing.F) {
	f.Add(`{"breakpoints": [-1, 0, 2], "values": [0, 2, 0], "slope_left": 1, "slope_right": 3}`)
	f.Add(`{"breakpoints": [], "values": [1], "slope_left": "1/3", "slope_right": "1/3"}`)
	f.Add(`{"breakpoints": ["1e3", "1/7"], "values": [0, 0], "slope_left": 0, "slope_right": 0}`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := DecodeDescription(strings.NewReader(in))
		if err != nil {
			return
		}
		if len(d.X) > 12 {
			return
		}
		var b bytes.Buffer
		if err := EncodeDescription(&b, d); err != nil {
			t.Fatal(err)
		}
		g, err := DecodeDescription(&b)
		if err != nil {
			t.Fatalf("re-reading %q: %v", b.String(), err)
		}
		if !g.Equal(d) {
			t.Fatal("round trip changed the function")
		}
		net, err := Shallow(d, true)
		if err != nil {
			t.Fatal(err)
		}
		h, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Equal(d) {
			t.Fatal(fmt.Sprintf("shallow net differs for %q", in))
		}
	})
}
