package hard

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/zonotope"
)

// r parses an exact rational literal ("1/3").
func r(s string) *big.Rat { return testnet.Rat(s) }

// rats parses each literal with r.
func rats(ss ...string) []*big.Rat { return testnet.Rats(ss...) }

// Spec §5 item 1: the explicit coefficients of h_a and its values.
func TestZigzagCoefficients(t *testing.T) {
	for _, c := range []struct {
		m    string
		a    []string
		want []string // c_0..c_{w−1}
	}{
		{"1", []string{"1/2"}, []string{"2", "-4"}},
		{"1", []string{"1/3", "1/2"}, []string{"3", "-9", "8"}},
		{"2", []string{"1/5", "2/5", "3/5"}, []string{"10", "-20", "20", "-80/7"}},
		{"1", []string{"1/4", "1/2", "3/4"}, []string{"4", "-8", "8", "-8"}}, // sawtooth w=4
		{"1", []string{"1/3", "2/3"}, []string{"3", "-6", "6"}},
	} {
		z, err := NewZigzag(r(c.m), rats(c.a...))
		if err != nil {
			t.Fatal(err)
		}
		got := z.Coefficients()
		for i := range got {
			if got[i].Cmp(r(c.want[i])) != 0 {
				t.Errorf("M=%s a=%v: c_%d = %s, want %s", c.m, c.a, i, got[i].RatString(), c.want[i])
			}
		}
		net := z.Net()
		if net.Depth() != 2 || net.Size() != len(c.a)+1 || net.HasOutputBias() {
			t.Errorf("h_a net: depth %d size %d outbias %v", net.Depth(), net.Size(), net.HasOutputBias())
		}
	}
	// values of h_{(1/2)}
	z, _ := NewZigzag(r("1"), rats("1/2"))
	for _, c := range [][2]string{{"1/4", "1/2"}, {"1/2", "1"}, {"3/4", "1/2"}, {"1", "0"}, {"2", "-2"}, {"-3", "0"}} {
		if v := z.Eval(r(c[0])); v.Cmp(r(c[1])) != 0 {
			t.Errorf("h(%s) = %s, want %s", c[0], v.RatString(), c[1])
		}
		if v := z.Net().EvalRat([]*big.Rat{r(c[0])})[0]; v.Cmp(r(c[1])) != 0 {
			t.Errorf("net h(%s) = %s, want %s", c[0], v.RatString(), c[1])
		}
	}
}

// Sawtooth coefficients, spec §5 item 1: h = wσ(x) + Σ 2(−1)^i w σ(x − i/w).
func TestSawtoothCoefficients(t *testing.T) {
	for w := 2; w <= 9; w++ {
		h, err := Sawtooth(1, w)
		if err != nil {
			t.Fatal(err)
		}
		c := h.Layers[0].Coefficients()
		for i := range c {
			want := int64(w)
			if i > 0 {
				want = 2 * int64(w)
				if i%2 == 1 {
					want = -want
				}
			}
			if c[i].Cmp(big.NewRat(want, 1)) != 0 {
				t.Errorf("w=%d c_%d = %s, want %d", w, i, c[i].RatString(), want)
			}
		}
	}
}

// Spec §5 items 2 and 3: piece counts of H for w = 2..5, k = 1..3 (any valid
// a), measured with the certified oracle, and the bookkeeping of the net.
func TestCompositionPiecesTable(t *testing.T) {
	want := map[[2]int]int64{
		{2, 1}: 3, {2, 2}: 6, {2, 3}: 10,
		{3, 1}: 4, {3, 2}: 10, {3, 3}: 28,
		{4, 1}: 5, {4, 2}: 18, {4, 3}: 66,
		{5, 1}: 6, {5, 2}: 26, {5, 3}: 126,
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for w := 2; w <= 5; w++ {
		for k := 1; k <= 3; k++ {
			for _, kind := range []string{"sawtooth", "random", "thirds"} {
				var h *Composition
				var err error
				switch kind {
				case "sawtooth":
					h, err = Sawtooth(k, w)
				case "random":
					h, err = Random(rng, k, w)
				case "thirds": // teeth widths with denominators 3: slopes not floats
					layers := make([][]*big.Rat, k)
					for i := range layers {
						layers[i] = EqualTeeth(w, big.NewRat(1, 1))
						layers[i][0] = big.NewRat(1, int64(3*w))
					}
					h, err = NewComposition(big.NewRat(1, 1), layers)
				}
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("w=%d/k=%d/%s", w, k, kind)
				p, _ := h.Pieces()
				if p != want[[2]int{w, k}] {
					t.Errorf("%s: formula %d, table %d", name, p, want[[2]int{w, k}])
				}
				bp, err := h.Breakpoints(0)
				if err != nil {
					t.Fatal(err)
				}
				if int64(len(bp)) != pow(w, k)-1 {
					t.Errorf("%s: %d breakpoints in (0,M), want w^k−1 = %d", name, len(bp), pow(w, k)-1)
				}
				cand := append(append([]*big.Rat{new(big.Rat)}, bp...), h.M)
				net := h.Net()
				if got := certifiedPieces(t, net, cand); int64(got) != p {
					t.Errorf("%s: net has %d pieces, formula %d", name, got, p)
				}
				// bookkeeping: k hidden layers of width exactly w, size wk
				if net.Depth() != k+1 || net.Size() != w*k || net.Width() != w || net.HasOutputBias() {
					t.Errorf("%s: depth %d size %d width %d", name, net.Depth(), net.Size(), net.Width())
				}
				// Lemma D.5 bound for this architecture
				if d5 := pow(2, k-1) * int64(w+1) * pow(w, k-1); d5 < p {
					t.Errorf("%s: Lemma D.5 bound %d < pieces %d", name, d5, p)
				}
				// teeth map onto [0, M]: values alternate 0, M at tooth ends
				for i, x := range cand {
					v := net.EvalRat([]*big.Rat{x})[0]
					want := new(big.Rat)
					if i%2 == 1 {
						want.Set(h.M)
					}
					if v.Cmp(want) != 0 {
						t.Fatalf("%s: H(%s) = %s, want %s", name, x.RatString(), v.RatString(), want.RatString())
					}
				}
			}
		}
	}
}

func pow(b, e int) int64 {
	p := int64(1)
	for range e {
		p *= int64(b)
	}
	return p
}

// Layers of different lengths: Π w_i teeth; the extra exterior piece appears
// iff an inner layer has an even tooth count.
func TestMixedWidths(t *testing.T) {
	for _, c := range []struct {
		a    string
		want int64
	}{
		{"1/2", 3},
		{"1/3,2/3;1/2", 6 + 1}, // w = (3,2): 3 odd inner ⇒ continues
		{"1/2;1/3,2/3", 6 + 2}, // w = (2,3): inner even ⇒ zero beyond M
		{"1/3,2/3;1/5,2/5,3/5,4/5;1/2", 30 + 1},
		{"1/3,2/3;1/2;1/3,2/3", 18 + 2},
		{"1/7,1/3,1/2,5/6;1/4", 10 + 1},
	} {
		l, err := ParseLayers(c.a)
		if err != nil {
			t.Fatal(err)
		}
		h, err := NewComposition(big.NewRat(1, 1), l)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := h.Pieces()
		if p != c.want {
			t.Errorf("%s: formula %d, want %d", c.a, p, c.want)
		}
		bp, _ := h.Breakpoints(0)
		cand := append(append([]*big.Rat{new(big.Rat)}, bp...), h.M)
		if got := certifiedPieces(t, h.Net(), cand); int64(got) != c.want {
			t.Errorf("%s: measured %d, want %d", c.a, got, c.want)
		}
	}
}

// Property: random members of the family (random M, a, k, w): the net agrees
// exactly with the definition at random rational points, including beyond
// [0, M], and the certified count matches the formula.
func TestRandomMembersProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 60; trial++ {
		k, w := 1+rng.IntN(3), 2+rng.IntN(4)
		h, err := Random(rng, k, w)
		if err != nil {
			t.Fatal(err)
		}
		net := h.Net()
		for i := 0; i < 30; i++ {
			x := big.NewRat(int64(rng.IntN(2001)-500), int64(1+rng.IntN(300)))
			if a, b := net.EvalRat([]*big.Rat{x})[0], h.Eval(x); a.Cmp(b) != 0 {
				t.Fatalf("%s at %s: net %s, definition %s", FormatLayers(layersOf(h)), x.RatString(), a.RatString(), b.RatString())
			}
		}
		bp, _ := h.Breakpoints(0)
		cand := append(append([]*big.Rat{new(big.Rat)}, bp...), h.M)
		p, _ := h.Pieces()
		if got := certifiedPieces(t, net, cand); int64(got) != p {
			t.Fatalf("M=%s a=%s: measured %d, formula %d", h.M.RatString(), FormatLayers(layersOf(h)), got, p)
		}
	}
}

func layersOf(h *Composition) [][]*big.Rat {
	l := make([][]*big.Rat, len(h.Layers))
	for i, z := range h.Layers {
		l[i] = z.A
	}
	return l
}

func TestCorollaryFamilies(t *testing.T) {
	for _, c := range []struct {
		k      int
		eps    float64
		layers int
	}{{2, 1, 4}, {3, 1, 9}, {4, 1, 16}, {2, 0.5, 3}, {4, 0.5, 8}, {3, 2, 27}, {9, 0.5, 27}} {
		l, err := CorollaryLayers(c.k, c.eps)
		if err != nil || l != c.layers {
			t.Errorf("CorollaryLayers(%d, %v) = %d, %v; want %d", c.k, c.eps, l, err, c.layers)
		}
	}
	// Corollary 3.4: depth k²+1, size k³.
	for k := 2; k <= 4; k++ {
		h, err := Corollary(nil, k, 1)
		if err != nil {
			t.Fatal(err)
		}
		net := h.Net()
		if net.Depth() != k*k+1 || net.Size() != k*k*k {
			t.Errorf("Cor 3.4 k=%d: depth %d size %d", k, net.Depth(), net.Size())
		}
		h2, err := Corollary(rand.New(rand.NewPCG(1, uint64(k))), k, 1)
		if err != nil || h2.Net().Size() != k*k*k {
			t.Errorf("random Cor 3.4 member k=%d: %v", k, err)
		}
	}
	for _, c := range []struct {
		k   int
		eps float64
	}{{1, 1}, {2, 0}, {2, -1}} {
		if _, err := CorollaryLayers(c.k, c.eps); err == nil {
			t.Errorf("CorollaryLayers(%d, %v): want error", c.k, c.eps)
		}
	}
}

// Spec §5 items 9 and 13: ZONOTOPE nets agree with H∘γ_Z exactly, have the
// right bookkeeping, and their exact piece counts are the spec's numbers.
func TestZonotopeFunc(t *testing.T) {
	for _, c := range []struct {
		gens, a string
		n, k, w int
		pieces  int64
		formula int64
	}{
		{"1,0;0,1", "1/2;1/2", 2, 2, 2, 17, 16},
		{"1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "1/2;1/2", 2, 2, 2, 33, 32},
		{"1,0;0,1", "1/2", 2, 1, 2, 8, 8},
		{"1,0;0,1", "1/3,2/3;1/3,2/3", 2, 2, 3, 36, 36},
		{"1,0;0,1;1,1", "1/3,2/3", 2, 1, 3, 18, 18},
		{"1,1,1;1,1,-1;1,-1,1;-1,1,1", "1/2;1/2", 3, 2, 2, 14*4 + 1, 56},
		{"1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1", "1/2", 3, 1, 2, 48, 64}, // not generic
		{"2", "1/2;1/2", 1, 2, 2, 2*4 + 2, 8},                              // n = 1: two exterior rays
		{"1,1;2,2", "1/2;1/2", 2, 2, 2, 2*4 + 2, 16},                       // rank 1: two exterior half-planes
	} {
		z, err := zonotope.Parse(c.gens)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := ParseLayers(c.a)
		h, err := NewComposition(big.NewRat(1, 1), l)
		if err != nil {
			t.Fatal(err)
		}
		f := &ZonotopeFunc{Z: z, H: h}
		pc, err := f.Pieces(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if pc.Pieces != c.pieces || pc.Formula != c.formula {
			t.Errorf("%s ∘ %s: pieces %d formula %d, want %d %d", c.a, c.gens, pc.Pieces, pc.Formula, c.pieces, c.formula)
		}
		net := f.Net()
		m := z.M()
		if net.Depth() != c.k+2 || net.Size() != 2*m+c.w*c.k || net.HiddenWidths()[0] != 2*m || net.InputDim() != c.n {
			t.Errorf("%s: depth %d size %d widths %v", c.gens, net.Depth(), net.Size(), net.HiddenWidths())
		}
		rng := rand.New(rand.NewPCG(1, 1))
		for i := 0; i < 50; i++ {
			x := make([]*big.Rat, c.n)
			for j := range x {
				x[j] = big.NewRat(int64(rng.IntN(61)-30), int64(1+rng.IntN(20)))
			}
			if a, b := net.EvalRat(x)[0], f.Eval(x); a.Cmp(b) != 0 {
				t.Fatalf("%s at %v: net %s, definition %s", c.gens, x, a.RatString(), b.RatString())
			}
		}
		gn := GammaNet(z)
		if gn.Size() != 2*m || gn.Depth() != 2 {
			t.Errorf("γ net size %d", gn.Size())
		}
	}
}

// Spec §5 item 8: γ_Z((2,−3)) = 5 for b = (0,1),(1,0), from the net.
func TestGammaNet(t *testing.T) {
	z, _ := zonotope.Parse("0,1;1,0")
	if v := GammaNet(z).EvalRat(rats("2", "-3"))[0]; v.Cmp(r("5")) != 0 {
		t.Errorf("γ((2,−3)) = %s", v.RatString())
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct{ a, m, want string }{
		{"1/2,1/3", "1", "not strictly increasing"},
		{"1/2,1/2", "1", "not strictly increasing"},
		{"0,1/2", "1", "not strictly inside"},
		{"1/2,1", "1", "not strictly inside"},
		{"3/2", "1", "not strictly inside"},
		{"-1/2", "1", "not strictly inside"},
		{"1/2;", "1", "layer 2 is empty"},
		{"", "1", "no layers"},
		{"1/2", "0", "M must be positive"},
		{"1/2", "-1", "M must be positive"},
		{"x", "1", "not a rational"},
		{"1/0", "1", "not a rational"},
		{"1e-99999", "1", "exponent"},
		{"1e", "1", "exponent"},
	} {
		l, err := ParseLayers(c.a)
		if err == nil {
			_, err = NewComposition(r(c.m), l)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("a=%q M=%s: error %v, want %q", c.a, c.m, err, c.want)
		}
	}
	if _, err := Sawtooth(0, 2); err == nil || !strings.Contains(err.Error(), "k ≥ 1") {
		t.Errorf("k=0: %v", err)
	}
	if _, err := Sawtooth(2, 1); err == nil || !strings.Contains(err.Error(), "w ≥ 2") {
		t.Errorf("w=1: %v", err)
	}
	if _, err := RandomGenerators(rand.New(rand.NewPCG(1, 1)), 2, 0); err == nil {
		t.Error("m=0: want error")
	}
}

func FuzzParseLayers(f *testing.F) {
	for _, s := range []string{"1/2", "1/3,2/3;1/2", "", ";", "0.25,0.5", "1/2;;1/3", "-1", "1e3"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, a, m string) {
		l, err := ParseLayers(a)
		if err != nil {
			return
		}
		mm, err := ParseRat(m)
		if err != nil {
			return
		}
		h, err := NewComposition(mm, l)
		if err != nil {
			return
		}
		if te, err := h.Teeth(); err != nil || te > 5000 {
			return
		}
		bp, err := h.Breakpoints(0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(bp); i++ {
			if bp[i].Cmp(bp[i-1]) <= 0 {
				t.Fatalf("breakpoints not increasing")
			}
		}
	})
}

func ExampleComposition() {
	l, _ := ParseLayers("1/3,2/3;1/2")
	h, _ := NewComposition(big.NewRat(1, 1), l)
	net := h.Net()
	p, _ := h.Pieces()
	fmt.Println(net.HiddenWidths(), p, h.Eval(big.NewRat(1, 6)).RatString())
	// Output: [3 2] 7 1
}
