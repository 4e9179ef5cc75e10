package erm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// sameFamily compares two families as sets.
func sameFamily(t *testing.T, name string, got, want []Dichotomy) {
	t.Helper()
	g := map[string]bool{}
	for _, d := range got {
		k := bitsKey(d)
		if g[k] {
			t.Errorf("%s: duplicate dichotomy %v", name, d)
		}
		g[k] = true
	}
	w := map[string]bool{}
	for _, d := range want {
		w[bitsKey(d)] = true
	}
	for k := range w {
		if !g[k] {
			t.Errorf("%s: fast enumerator misses a dichotomy (%d vs %d sets)", name, len(got), len(want))
			return
		}
	}
	for k := range g {
		if !w[k] {
			t.Errorf("%s: fast enumerator has an extra dichotomy (%d vs %d sets)", name, len(got), len(want))
			return
		}
	}
	for i := 1; i < len(got); i++ {
		if !lessBitsTest(got[i-1], got[i]) {
			t.Errorf("%s: result not sorted at %d", name, i)
			return
		}
	}
}

// lessBitsTest orders bitsets bit by bit, point 0 first (absent < present),
// written independently of sortDichotomies.
func lessBitsTest(a, b Dichotomy) bool {
	for j := 0; j < 64*len(a); j++ {
		if a.Has(j) != b.Has(j) {
			return b.Has(j)
		}
	}
	return false
}

// The fast n = 1 and n = 2 enumerators against the general one (the oracle).
func TestFastDichotomiesMatchGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	grid := func(k int) [][]float64 {
		var X [][]float64
		for a := 0; a < k; a++ {
			for b := 0; b < k; b++ {
				X = append(X, []float64{float64(a), float64(b)})
			}
		}
		return X
	}
	ints := func(D, lim int) [][]float64 {
		X := make([][]float64, D)
		for j := range X {
			X[j] = []float64{float64(r.IntN(lim)), float64(r.IntN(lim))}
		}
		return X
	}
	type tc struct {
		name string
		X    [][]float64
	}
	var cases []tc
	for _, D := range []int{1, 2, 3, 4, 5, 7, 10, 23, 64, 65, 90} {
		cases = append(cases, tc{fmt.Sprintf("gaussian D=%d n=2", D), randPoints(r, D, 2)})
		cases = append(cases, tc{fmt.Sprintf("gaussian D=%d n=1", D), randPoints(r, D, 1)})
	}
	// large enough for the parallel sweep and the parallel sort
	cases = append(cases, tc{"gaussian D=200 n=2 (parallel paths)", randPoints(r, 200, 2)})
	cases = append(cases,
		tc{"3x3 grid", grid(3)},
		tc{"5x5 grid", grid(5)},
		tc{"8x8 grid (70 points > one word)", append(grid(8), grid(3)[:6]...)},
		tc{"small integers, many collinear triples and duplicates", ints(40, 4)},
		tc{"small integers 6x6", ints(50, 6)},
		tc{"collinear diagonal", [][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {5, 5}}},
		tc{"collinear vertical", [][]float64{{1, 0}, {1, 1}, {1, -2}, {1, 3}}},
		tc{"collinear with duplicates", [][]float64{{0, 0}, {2, 4}, {0, 0}, {1, 2}, {2, 4}}},
		tc{"all duplicates", [][]float64{{1, 2}, {1, 2}, {1, 2}}},
		tc{"two distinct points", [][]float64{{1, 2}, {3, -1}, {1, 2}}},
		tc{"duplicates in R^2", [][]float64{{0, 0}, {0, 0}, {1, 0}, {0, 1}, {1, 1}, {1, 1}}},
		tc{"line plus one point", [][]float64{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {1, 5}}},
		tc{"regular hexagon with centre (integer)", [][]float64{{2, 0}, {1, 2}, {-1, 2}, {-2, 0}, {-1, -2}, {1, -2}, {0, 0}}},
		tc{"duplicates 1-D", [][]float64{{0}, {0}, {1}, {2}, {2}}},
		tc{"all equal 1-D", [][]float64{{3}, {3}}},
	)
	for _, c := range cases {
		want, err := dichotomiesGeneral(context.Background(), c.X)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Dichotomies(context.Background(), c.X)
		if err != nil {
			t.Fatal(err)
		}
		sameFamily(t, c.name, got, want)
	}
}

// Exactness: points that are collinear in exact arithmetic although their
// float differences round (multiples of 0.1) are found collinear, and
// points that are not collinear by one ulp are not.
func TestDichotomies2Exact(t *testing.T) {
	// (0.1k, 0.3k) are not exactly collinear in binary, so the exact count
	// is Cover's; what matters is that the result is a valid complete family.
	var X [][]float64
	for k := 0; k < 8; k++ {
		X = append(X, []float64{0.1 * float64(k), 0.3 * float64(k)})
	}
	got, err := Dichotomies(context.Background(), X)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	covers(t, got, X, r, 2000)
	var o orienter
	// exactly collinear after scaling by powers of two
	if s := o.orient([]float64{0.5, 0.25}, []float64{1, 0.5}, []float64{0x1p-40, 0x1p-41}); s != 0 {
		t.Errorf("orient of collinear points = %d", s)
	}
	// one ulp off a line: the float formula rounds to 0, the exact one must not
	a := []float64{0.1, 0.1}
	b := []float64{0.7, 0.7}
	c := []float64{0.3, 0.30000000000000004}
	if s := o.orient(a, b, c); s != 1 {
		t.Errorf("orient one ulp above the diagonal = %d, want 1", s)
	}
	// cross-check the filter against big.Rat on random near-degenerate triples
	for k := 0; k < 20000; k++ {
		p := []float64{r.Float64(), r.Float64()}
		d := []float64{r.NormFloat64(), r.NormFloat64()}
		a := []float64{p[0] + d[0], p[1] + d[1]}
		s := r.Float64() * 3
		b := []float64{p[0] + s*d[0], p[1] + s*d[1]}
		if k%2 == 0 {
			b[1] += float64(r.IntN(3)-1) * 1e-16
		}
		if got, want := o.orient(p, a, b), o.exact(p, a, b); got != want {
			t.Fatalf("orient(%v, %v, %v) = %d, exact %d", p, a, b, got, want)
		}
	}
}

func TestDichotomies2Cancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Dichotomies(ctx, randPoints(rand.New(rand.NewPCG(1, 2)), 50, 2)); err == nil {
		t.Error("no error from a cancelled enumeration")
	}
}

// Random degenerate sets (small-integer coordinates: many duplicates and
// collinear triples, lines through several points in many directions)
// against the general enumerator.
func TestFastDichotomiesRandomDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for trial := 0; trial < 300; trial++ {
		D := 1 + r.IntN(14)
		lim := 2 + r.IntN(4)
		X := make([][]float64, D)
		for j := range X {
			X[j] = []float64{float64(r.IntN(lim)) - 1, float64(r.IntN(lim)) * 0.5}
			if trial%3 == 0 { // all on one line y = 2x + 1
				X[j][1] = 2*X[j][0] + 1
			}
		}
		want, err := dichotomiesGeneral(context.Background(), X)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Dichotomies(context.Background(), X)
		if err != nil {
			t.Fatal(err)
		}
		sameFamily(t, fmt.Sprintf("trial %d %v", trial, X), got, want)
		if t.Failed() {
			return
		}
	}
}
