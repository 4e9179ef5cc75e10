package pwl

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/relu"
)

// agree checks that the float result f and the exact result r have the
// same breakpoints (to float rounding), values and end slopes.
func agree(t *testing.T, f *Func, r *Rat) {
	t.Helper()
	bp := r.Breakpoints()
	fb := f.Clone()
	if len(bp) == 0 {
		if len(fb.X) != 1 || fb.SL != fb.SR {
			t.Fatalf("float result has breakpoints %v, exact has none", fb.X)
		}
	} else if len(fb.X) != len(bp) {
		t.Fatalf("float result has %d breakpoints, exact has %d", len(fb.X), len(bp))
	}
	close := func(a, b float64) bool {
		return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
	}
	for i, x := range bp {
		xf, _ := x.Float64()
		yf, _ := r.Eval(x).Float64()
		if !close(fb.X[i], xf) || !close(fb.Y[i], yf) {
			t.Fatalf("breakpoint %d: float (%v, %v), exact (%v, %v)", i, fb.X[i], fb.Y[i], xf, yf)
		}
	}
	sl, _ := r.SL.Float64()
	sr, _ := r.SR.Float64()
	if !close(f.SL, sl) || !close(f.SR, sr) {
		t.Fatalf("end slopes: float (%v, %v), exact (%v, %v)", f.SL, f.SR, sl, sr)
	}
}

// TestRandomDyadic checks both engines on random nets with dyadic weights
// against exact evaluation at and between every breakpoint and against the
// unit-by-unit Rat algebra.
func TestRandomDyadic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{1}, {2}, {3}, {2, 2}, {3, 2}, {4, 3}, {2, 2, 2}, {3, 3, 3}, {4, 4, 4, 4}, {5, 1, 5}}
	fallbacks, errorFree := 0, 0
	for trial := 0; trial < 300; trial++ {
		net := randDyadicNet(rng, shapes[trial%len(shapes)])
		r, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstNet(t, net, r)
		if o := oracle(net); !o.Equal(r) {
			t.Fatalf("trial %d: engine and unit-by-unit oracle differ: %d vs %d pieces", trial, r.NumPieces(), o.NumPieces())
		}
		if s, err := fromNetRat(bg, net, nil, nil); err != nil || !s.Equal(r) || s.NumPieces() != r.NumPieces() {
			t.Fatalf("trial %d: integer-row and big.Rat engines differ", trial)
		}
		fb, ef := checkFloatPaths(t, trial, net, r)
		if fb {
			fallbacks++
		}
		if ef {
			errorFree++
		}
		if bound := LemmaD5(net.HiddenWidths()); big.NewInt(int64(r.NumPieces())).Cmp(bound) > 0 {
			t.Fatalf("trial %d: %d pieces exceed Lemma D.5's bound %s", trial, r.NumPieces(), bound)
		}
	}
	t.Logf("float engine handed over to the exact one in %d of 300 dyadic nets; %d runs were error-free", fallbacks, errorFree)
}

// TestRandomDomain checks the domain versions against restriction of the
// whole-line result.
func TestRandomDomain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 150; trial++ {
		net := randDyadicNet(rng, []int{3, 3, 2})
		a := float64(rng.IntN(17)-8) / 4
		b := a + float64(rng.IntN(16)+1)/4
		r, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		ar, br := new(big.Rat).SetFloat64(a), new(big.Rat).SetFloat64(b)
		rd, err := FromNetRatOn(bg, net, ar, br)
		if err != nil {
			t.Fatal(err)
		}
		want := r.Restrict(ar, br)
		if s, err := fromNetRat(bg, net, ar, br); err != nil || !s.Equal(rd) || s.NumPieces() != rd.NumPieces() {
			t.Fatalf("trial %d: integer-row and big.Rat engines differ on the domain", trial)
		}
		if !rd.Equal(want) || rd.NumPieces() != want.NumPieces() {
			t.Fatalf("trial %d on [%v, %v]: %d pieces, restriction of whole line has %d", trial, a, b, rd.NumPieces(), want.NumPieces())
		}
		f, info, err := Extract(bg, net, Options{Domain: true, A: a, B: b})
		if err != nil {
			t.Fatal(err)
		}
		agree(t, f, rd)
		whole, err := FromNet(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		if p := whole.Restrict(a, b).NumPieces(); p != rd.NumPieces() || f.NumPieces() != p {
			t.Fatalf("trial %d: Restrict of the certified function has %d pieces, FromNetOn %d, exact %d", trial, p, f.NumPieces(), rd.NumPieces())
		}
		if fr := info.Pieces; fr != rd.NumPieces() {
			t.Fatalf("float %d pieces, exact %d", fr, rd.NumPieces())
		}
	}
}

// TestRandomFloatWeights compares float and exact engines on nets with
// PyTorch-style float weights (exact binary values).
func TestRandomFloatWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fallbacks, errorFree := 0, 0
	for trial := 0; trial < 40; trial++ {
		net := randTorchNet(rng, []int{8, 8, 8})
		r, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		fb, ef := checkFloatPaths(t, trial, net, r)
		if fb {
			fallbacks++
		}
		if ef {
			errorFree++
		}
	}
	t.Logf("%d of 40 float nets needed the exact fallback; %d runs were error-free", fallbacks, errorFree)
}

// TestDegenerate names the degenerate cases; each is checked in both
// engines against an expected count and against exact evaluation.
func TestDegenerate(t *testing.T) {
	type S = []string
	tests := []struct {
		name   string
		w      [][][]string
		b      [][]string
		pieces int
		dom    []float64 // optional domain
		dpcs   int
	}{
		{"cancelling units σ(x) − σ(x)", [][][]string{{S{"1"}, S{"1"}}, {S{"1", "-1"}}}, nil, 1, nil, 0},
		{"cancelling inexact units σ(x/3+1/10) − σ(x/3+1/10)", [][][]string{{S{"1/3"}, S{"1/3"}}, {S{"1", "-1"}}}, [][]string{{"1/10", "1/10"}, {"0"}}, 1, nil, 0},
		{"partly cancelling: σ(x) − σ(x) + σ(x−1)", [][][]string{{S{"1"}, S{"1"}, S{"1"}}, {S{"1", "-1", "1"}}}, [][]string{{"0", "0", "-1"}, {"0"}}, 2, nil, 0},
		{"dead unit σ(0·x − 1)", [][][]string{{S{"0"}, S{"1"}}, {S{"5", "1"}}}, [][]string{{"-1", "0"}, {"0"}}, 2, nil, 0},
		{"dead second layer masks a kink", [][][]string{{S{"1"}}, {S{"-1"}}, {S{"1"}}}, [][]string{{"-1"}, {"-1"}, {"0"}}, 1, nil, 0},
		{"same breakpoint from two units", [][][]string{{S{"1"}, S{"2"}}, {S{"1", "1"}}}, [][]string{{"-1", "-2"}, {"0"}}, 2, nil, 0},
		{"same breakpoint, kinks cancel: σ(x−1) − σ(2x−2)/2", [][][]string{{S{"1"}, S{"2"}}, {S{"1", "-1/2"}}}, [][]string{{"-1", "-2"}, {"0"}}, 1, nil, 0},
		{"touch from above: σ(|x|) keeps the kink", [][][]string{{S{"1"}, S{"-1"}}, {S{"1", "1"}}, {S{"1"}}}, nil, 2, nil, 0},
		{"touch from below: σ(−|x|) ≡ 0", [][][]string{{S{"1"}, S{"-1"}}, {S{"-1", "-1"}}, {S{"1"}}}, nil, 1, nil, 0},
		{"touch at a non-breakpoint: σ(|x| − 1) + |x|", [][][]string{{S{"1"}, S{"-1"}}, {S{"1", "1"}, S{"1", "1"}}, {S{"1", "1"}}}, [][]string{{"0", "0"}, {"-1", "0"}, {"0"}}, 4, nil, 0},
		{"breakpoints far from the origin", [][][]string{{S{"1"}, S{"-1"}}, {S{"1", "1"}, S{"1", "-1"}}, {S{"1", "-1"}}}, [][]string{{"-10000", "-12345.5"}, {"-3", "0.25"}, {"0"}}, 6, nil, 0}, // kinks at −12348.5, −12345.75, −12345.5, 10000, 10003 (by hand)
		{"crossings far out on the rays", [][][]string{{S{"1/1024"}}, {S{"-1"}}, {S{"1"}}}, [][]string{{"-10"}, {"0"}, {"0"}}, 1, nil, 0},
		{"kink exactly at the domain end", [][][]string{{S{"1"}, S{"1"}}, {S{"1", "1"}}}, [][]string{{"0", "-1"}, {"0"}}, 3, []float64{0, 1}, 1},
		{"no hidden layer", [][][]string{{S{"3"}}}, [][]string{{"1"}}, 1, nil, 0},
		{"constant zero net", [][][]string{{S{"0"}}, {S{"0"}}}, nil, 1, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			net := ratNet(tc.w, tc.b)
			r, err := FromNetRat(bg, net)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstNet(t, net, r)
			if o := oracle(net); !o.Equal(r) {
				t.Fatalf("oracle differs")
			}
			if r.NumPieces() != tc.pieces {
				t.Fatalf("exact: %d pieces, want %d (breakpoints %v)", r.NumPieces(), tc.pieces, r.Breakpoints())
			}
			f, info, err := Extract(bg, net, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Pieces != tc.pieces {
				t.Fatalf("float engine: %d pieces, want %d", info.Pieces, tc.pieces)
			}
			agree(t, f, r)
			t.Logf("float engine: rational=%v exact=%v %s", info.Rational, info.Exact, info.Fallback)
			if tc.dom != nil {
				f, _, err := Extract(bg, net, Options{Domain: true, A: tc.dom[0], B: tc.dom[1]})
				if err != nil {
					t.Fatal(err)
				}
				if f.NumPieces() != tc.dpcs {
					t.Fatalf("on %v: %d pieces, want %d", tc.dom, f.NumPieces(), tc.dpcs)
				}
			}
		})
	}
}

func TestCancelInexactFallsBack(t *testing.T) {
	// Two identical units with float weights 0.1 whose kinks cancel
	// exactly: float arithmetic cannot prove the jump is 0, so the exact
	// engine must decide.
	l1 := relu.NewLayer(2, 1)
	l1.Set(0, 0, 0.1)
	l1.Set(1, 0, 0.1)
	l1.SetBias(0, 0.3)
	l1.SetBias(1, 0.3)
	l2 := relu.NewLayer(2, 2)
	for i := 0; i < 2; i++ {
		l2.Set(i, 0, 0.7)
		l2.Set(i, 1, 0.2)
		l2.SetBias(i, -0.1)
	}
	l3 := relu.NewLayer(1, 2)
	l3.Set(0, 0, 1)
	l3.Set(0, 1, -1)
	net := &relu.Net{Layers: []relu.Layer{l1, l2, l3}}
	f, info, err := Extract(bg, net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.NumPieces() != 1 {
		t.Fatalf("%d pieces, want 1", f.NumPieces())
	}
	if !info.Rational {
		t.Fatalf("float engine certified a cancellation it cannot prove")
	}
}

func TestSawtoothCounts(t *testing.T) {
	// spec §5 item 2: w=2: 3, 6, 10; w=3: 4, 10, 28; w=4: 5, 18, 66;
	// and w^k pieces inside [0, 1].
	want := map[int][]int{2: {3, 6, 10}, 3: {4, 10, 28}, 4: {5, 18, 66}, 5: {6, 26, 126}}
	for w, counts := range want {
		for k := 1; k <= 3; k++ {
			net := sawtoothW(w, k)
			r, err := FromNetRat(bg, net)
			if err != nil {
				t.Fatal(err)
			}
			if r.NumPieces() != counts[k-1] {
				t.Errorf("w=%d k=%d: %d pieces, want %d", w, k, r.NumPieces(), counts[k-1])
			}
			f, _, err := Extract(bg, net, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.NumPieces() != counts[k-1] {
				t.Errorf("float: w=%d k=%d: %d pieces, want %d", w, k, f.NumPieces(), counts[k-1])
			}
			fd, _, err := Extract(bg, net, Options{Domain: true, A: 0, B: 1})
			if err != nil {
				t.Fatal(err)
			}
			if p := int(math.Pow(float64(w), float64(k))); fd.NumPieces() != p {
				t.Errorf("w=%d k=%d on [0,1]: %d pieces, want %d", w, k, fd.NumPieces(), p)
			}
		}
	}
}

func TestSpecHa(t *testing.T) {
	// spec §5 item 1.
	h := ratNet([][][]string{{{"1"}, {"1"}}, {{"2", "-4"}}}, [][]string{{"0", "-1/2"}, {"0"}})
	r, err := FromNetRat(bg, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{"1/4", "1/2"}, {"1/2", "1"}, {"3/4", "1/2"}, {"1", "0"}, {"2", "-2"}, {"-3", "0"}} {
		if got := r.Eval(rat(c[0])); got.Cmp(rat(c[1])) != 0 {
			t.Errorf("h(%s) = %s, want %s", c[0], got.RatString(), c[1])
		}
	}
	if r.NumPieces() != 3 {
		t.Errorf("h_(1/2): %d pieces, want 3", r.NumPieces())
	}
	cases := []struct {
		w, b   []string
		pieces int
	}{
		{[]string{"3", "-9", "8"}, []string{"0", "-1/3", "-1/2"}, 4},
		{[]string{"10", "-20", "20", "-80/7"}, []string{"0", "-1/5", "-2/5", "-3/5"}, 5},
	}
	for _, c := range cases {
		l1 := make([][]string, len(c.w))
		for i := range l1 {
			l1[i] = []string{"1"}
		}
		net := ratNet([][][]string{l1, {c.w}}, [][]string{c.b, {"0"}})
		r, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		if r.NumPieces() != c.pieces {
			t.Errorf("%v: %d pieces, want %d", c.w, r.NumPieces(), c.pieces)
		}
		if r.SL.Sign() != 0 {
			t.Errorf("%v: left slope %s, want 0", c.w, r.SL.RatString())
		}
	}
}

func TestErrors(t *testing.T) {
	two := ratNet([][][]string{{{"1", "1"}}}, nil)
	if _, err := FromNet(bg, two); !errors.Is(err, ErrNotScalar) {
		t.Errorf("2-D input: %v", err)
	}
	multi := ratNet([][][]string{{{"1"}, {"2"}}}, nil)
	if _, err := FromNetRat(bg, multi); !errors.Is(err, ErrNotScalar) {
		t.Errorf("2 outputs: %v", err)
	}
	one := ratNet([][][]string{{{"1"}}}, nil)
	if _, err := FromNetOn(bg, one, 1, 1); !errors.Is(err, ErrDomain) {
		t.Errorf("empty domain: %v", err)
	}
	if _, err := FromNetRatOn(bg, one, rat("2"), rat("1")); !errors.Is(err, ErrDomain) {
		t.Errorf("reversed domain: %v", err)
	}
	if _, err := FromNet(bg, &relu.Net{}); err == nil {
		t.Errorf("no layers: no error")
	}
}

func TestSlice(t *testing.T) {
	// f(x, y) = σ(x + y − 1) − σ(x − y), outputs (f, x).
	net := ratNet([][][]string{{{"1", "1"}, {"1", "-1"}}, {{"1", "-1"}, {"1", "1"}}}, [][]string{{"-1", "0"}, {"0", "0"}})
	s, err := Slice(net, []float64{0.5, 0.25}, []float64{1, -2})
	if err != nil {
		t.Fatal(err)
	}
	s0, err := SelectOutput(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := FromNetRat(bg, s0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{"-3", "-1/4", "0", "1/6", "1/3", "2", "7/5"} {
		tt := rat(ts)
		x := new(big.Rat).Add(rat("0.5"), tt)
		y := new(big.Rat).Sub(rat("0.25"), new(big.Rat).Mul(tt, rat("2")))
		want := net.EvalRat([]*big.Rat{x, y})[0]
		if got := r.Eval(tt); got.Cmp(want) != 0 {
			t.Errorf("t=%s: %s, want %s", ts, got.RatString(), want.RatString())
		}
	}
	if _, err := Slice(net, []float64{0}, []float64{1, 0}); err == nil {
		t.Error("wrong point dimension accepted")
	}
	if _, err := Slice(net, []float64{0, 0}, []float64{0, 0}); err == nil {
		t.Error("zero direction accepted")
	}
	if _, err := SelectOutput(net, 2); err == nil {
		t.Error("output 2 of 2 accepted")
	}
}

func TestLemmaD5(t *testing.T) {
	for _, c := range []struct {
		w    []int
		want int64
	}{{nil, 1}, {[]int{3}, 4}, {[]int{2, 2}, 12}, {[]int{2, 2, 2}, 48}, {[]int{1, 5, 3}, 120}} {
		if got := LemmaD5(c.w); got.Cmp(big.NewInt(c.want)) != 0 {
			t.Errorf("LemmaD5(%v) = %s, want %d", c.w, got, c.want)
		}
	}
}

func TestCancel(t *testing.T) {
	net := sawtoothW(2, 12)
	ctx, cancel := contextWithCancel()
	cancel()
	if _, err := FromNet(ctx, net); err == nil {
		t.Error("cancelled context: no error")
	}
	if _, err := FromNetRat(ctx, net); err == nil {
		t.Error("cancelled context: no error (exact)")
	}
}

// TestCloseCalls builds nets whose exact answer hinges on differences far
// below float64 resolution; the float engine must hand over (or be right).
func TestCloseCalls(t *testing.T) {
	type S = []string
	tests := []struct {
		name   string
		w      [][][]string
		b      [][]string
		pieces int
	}{
		// kinks at 1/3 and at float64(1/3), 2⁻⁵⁴ apart
		{"two breakpoints 2^-54 apart", [][][]string{{S{"3"}, S{"1"}}, {S{"1", "1"}}}, [][]string{{"-1", "-0.333333333333333314829616256247390992939472198486328125"}, {"0"}}, 3},
		// σ(3σ(x/3) − σ(x)) + σ(σ(−x)): the first term is exactly 0
		// although 3·fl(1/3) ≠ 1
		{"inexact weights whose exact product cancels", [][][]string{{S{"1/3"}, S{"1"}, S{"-1"}}, {S{"3", "-1", "0"}, S{"0", "0", "1"}}, {S{"1", "1"}}}, [][]string{{"0", "0", "0"}, {"0", "0"}, {"0"}}, 2},
		// σ(x/3 − 1/3) + σ(−x/3 + 1/3): kinks of two units meet exactly at 1
		{"rational kinks that coincide exactly", [][][]string{{S{"1/3"}, S{"-1/3"}, S{"1"}}, {S{"1", "1", "-1/3"}}}, [][]string{{"-1/3", "1/3", "-1"}, {"0"}}, 2},
		// touch at an inexact point: σ(x/3 − 1/3) then σ(−|that|)
		{"touch at a rational non-float point", [][][]string{{S{"1/3"}, S{"-1/3"}}, {S{"-1", "-1"}}, {S{"1"}}}, [][]string{{"-1/3", "1/3"}, {"0"}, {"0"}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			net := ratNet(tc.w, tc.b)
			r, err := FromNetRat(bg, net)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstNet(t, net, r)
			if r.NumPieces() != tc.pieces {
				t.Fatalf("exact: %d pieces, want %d", r.NumPieces(), tc.pieces)
			}
			_, info, err := Extract(bg, net, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Pieces != tc.pieces {
				t.Fatalf("float engine: %d pieces, want %d (fallback %q)", info.Pieces, tc.pieces, info.Fallback)
			}
			t.Logf("exact fallback: %v %s", info.Rational, info.Fallback)
		})
	}
}

// FuzzEngines builds a small net from the fuzz input (weights are multiples
// of 1/4 or thirds, so both exact float64 and inexact rationals occur) and
// checks that the float engine never contradicts the exact one.
func FuzzEngines(f *testing.F) {
	f.Add([]byte{2, 2, 1, 3, 5, 7, 9, 11, 13, 200, 100, 50})
	f.Add([]byte{3, 1, 4, 0, 0, 0, 8, 8, 8, 8, 16, 16, 16, 16, 1, 2, 3})
	f.Add([]byte{1, 1, 1, 255, 128, 0, 64, 32})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		depth := int(data[0])%3 + 1
		width := int(data[1])%3 + 1
		data = data[2:]
		next := func() *big.Rat {
			if len(data) == 0 {
				return new(big.Rat)
			}
			b := data[0]
			data = data[1:]
			v := int64(b%33) - 16
			if b >= 200 {
				return big.NewRat(v, 3)
			}
			return big.NewRat(v, 4)
		}
		net := &relu.Net{}
		in := 1
		for k := 0; k <= depth; k++ {
			out := width
			if k == depth {
				out = 1
			}
			l := relu.NewLayer(out, in)
			for i := 0; i < out; i++ {
				for j := 0; j < in; j++ {
					l.SetRat(i, j, next())
				}
				l.SetBiasRat(i, next())
			}
			net.Layers = append(net.Layers, l)
			in = out
		}
		r, err := FromNetRat(bg, net)
		if err != nil {
			t.Fatal(err)
		}
		_, info, err := Extract(bg, net, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if info.Pieces != r.NumPieces() {
			t.Fatalf("float engine %d pieces, exact %d", info.Pieces, r.NumPieces())
		}
		if s, err := fromNetRat(bg, net, nil, nil); err != nil || !s.Equal(r) {
			t.Fatalf("integer-row and big.Rat engines differ")
		}
		checkAgainstNet(t, net, r)
	})
}

func TestRationalDomainEnds(t *testing.T) {
	// σ(x − 1/10) + σ(x − 1/2): breakpoints 1/10 and 1/2.
	net := ratNet([][][]string{{{"1"}, {"1"}}, {{"1", "1"}}}, [][]string{{"-1/10", "-1/2"}, {"0"}})
	tests := []struct {
		a, b   string
		pieces int
		exact  bool // the float engine must hand over
	}{
		{"1/10", "1", 2, true},   // 1/10 is the end: not a breakpoint
		{"1/11", "1", 3, false},  // far from both breakpoints
		{"0", "1/2", 2, false},   // 1/2 is a float: exact end, no rounding
		{"0", "3/10", 2, false},  // rounded end far from breakpoints
		{"1/10", "1/2", 1, true}, // both breakpoints are ends
	}
	for _, tc := range tests {
		a, b := rat(tc.a), rat(tc.b)
		fa, _ := a.Float64()
		fb, _ := b.Float64()
		_, info, err := Extract(bg, net, Options{Domain: true, A: fa, B: fb, ARat: a, BRat: b})
		if err != nil {
			t.Fatal(err)
		}
		r, err := FromNetRatOn(bg, net, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if info.Pieces != tc.pieces || r.NumPieces() != tc.pieces || info.Rational != tc.exact {
			t.Errorf("[%s, %s]: float engine %d pieces (exact fallback %v), exact %d, want %d (fallback %v)",
				tc.a, tc.b, info.Pieces, info.Rational, r.NumPieces(), tc.pieces, tc.exact)
		}
	}
}

// checkFloatPaths checks Extract (float, certified) and ExtractRat against
// the exact function r of net: same piece count, values agreeing, and
// ExtractRat equal to r exactly. It reports whether the float engine fell
// back to the rational one and whether ExtractRat's run was error-free.
func checkFloatPaths(t *testing.T, trial int, net *relu.Net, r *Rat) (fellBack, errorFree bool) {
	t.Helper()
	f, info, err := Extract(bg, net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Pieces != r.NumPieces() {
		t.Fatalf("trial %d: float engine reports %d pieces, exact %d", trial, info.Pieces, r.NumPieces())
	}
	agree(t, f, r)
	// ExtractRat: the error-free float run, or the rational engine,
	// must give exactly FromNetRat's function.
	rr, rinfo, err := ExtractRat(bg, net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rr.Equal(r) || rr.NumPieces() != r.NumPieces() || !rinfo.Exact {
		t.Fatalf("trial %d: ExtractRat differs from FromNetRat (%+v)", trial, rinfo)
	}
	return info.Rational, !rinfo.Rational
}
