package erm

import (
	"context"
	"math/rand/v2"
	"testing"
)

func randPoints(r *rand.Rand, D, n int) [][]float64 {
	X := make([][]float64, D)
	for j := range X {
		X[j] = make([]float64, n)
		for i := range X[j] {
			X[j][i] = r.NormFloat64()
		}
	}
	return X
}

// consistent reports whether P+ = d agrees with the signs of θ·(x,1).
func consistent(d Dichotomy, X [][]float64, th []float64) bool {
	n := len(X[0])
	for j, x := range X {
		s := th[n]
		for i, v := range x {
			s += th[i] * v
		}
		if s > 0 && !d.Has(j) || s < 0 && d.Has(j) {
			return false
		}
	}
	return true
}

// covers checks the defining property of the family on hyperplanes that
// pass through data points (the hard, degenerate directions) and random
// ones. A hyperplane through data points is built from exact small-integer
// data so that its zeros are exact.
func covers(t *testing.T, fam []Dichotomy, X [][]float64, r *rand.Rand, trials int) {
	t.Helper()
	n := len(X[0])
	th := make([]float64, n+1)
	for k := 0; k < trials; k++ {
		for i := range th {
			th[i] = r.NormFloat64()
		}
		if k%2 == 0 && n <= 2 {
			// through one data point (n = 1) or two (n = 2)
			a := X[r.IntN(len(X))]
			if n == 1 {
				th[1] = -th[0] * a[0]
			} else {
				b := X[r.IntN(len(X))]
				th[0], th[1] = a[1]-b[1], b[0]-a[0]
				th[2] = a[0]*b[1] - a[1]*b[0]
				if r.IntN(2) == 0 {
					th[0], th[1], th[2] = -th[0], -th[1], -th[2]
				}
			}
		}
		ok := false
		for _, d := range fam {
			if consistent(d, X, th) {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("no candidate consistent with θ = %v", th)
		}
	}
}

func TestDichotomiesCover(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ D, n int }{
		{1, 1}, {2, 1}, {5, 1}, {30, 1},
		{3, 2}, {4, 2}, {5, 2}, {6, 2}, {7, 2}, {40, 2},
		{4, 3}, {5, 3}, {9, 3}, {20, 3}, {6, 4}, {12, 4},
	} {
		X := randPoints(r, c.D, c.n)
		fam, err := Dichotomies(context.Background(), X)
		if err != nil {
			t.Fatal(err)
		}
		want := CoverCount(c.D, c.n)
		if int64(len(fam)) != want.Int64() {
			t.Errorf("D=%d n=%d: %d dichotomies, Cover's count %v", c.D, c.n, len(fam), want)
		}
		covers(t, fam, X, r, 300)
	}
}

func TestCoverCountSpec(t *testing.T) {
	// paper-spec §5 item 11
	for _, c := range []struct{ D, n, want int }{
		{4, 2, 14}, {5, 2, 22}, {6, 2, 32}, {7, 2, 44}, {5, 3, 30},
		{100, 2, 9902}, {704, 2, 494914}, {100, 3, 323600}, {10, 1, 20},
	} {
		if got := CoverCount(c.D, c.n).Int64(); got != int64(c.want) {
			t.Errorf("CoverCount(%d,%d) = %d, want %d", c.D, c.n, got, c.want)
		}
	}
}

func TestDichotomiesDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	grid := [][]float64{}
	for a := 0; a < 3; a++ {
		for b := 0; b < 3; b++ {
			grid = append(grid, []float64{float64(a), float64(b)})
		}
	}
	line2 := [][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {5, 5}}
	cases := []struct {
		name string
		X    [][]float64
		want int // -1: only check coverage
	}{
		{"single point", [][]float64{{1, 2}}, 2},
		{"all duplicates", [][]float64{{1, 2}, {1, 2}, {1, 2}}, 2},
		{"duplicates 1-D", [][]float64{{0}, {0}, {1}, {2}, {2}}, 6},
		{"collinear in R^2", line2, 10},
		{"collinear in R^3", [][]float64{{0, 0, 0}, {1, 2, 3}, {2, 4, 6}, {-1, -2, -3}}, 8},
		{"fewer points than dimensions", [][]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}, 8},
		{"coplanar in R^3", [][]float64{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1.5, 0}, {3, 1, 0}}, 22},
		{"3x3 grid", grid, -1},
		{"duplicates in R^2", [][]float64{{0, 0}, {0, 0}, {1, 0}, {0, 1}, {1, 1}, {1, 1}}, 14},
	}
	for _, c := range cases {
		fam, err := Dichotomies(context.Background(), c.X)
		if err != nil {
			t.Fatal(err)
		}
		if c.want >= 0 && len(fam) != c.want {
			t.Errorf("%s: %d dichotomies, want %d", c.name, len(fam), c.want)
		}
		covers(t, fam, c.X, r, 2000)
		seen := map[string]bool{}
		for _, d := range fam {
			k := string(rune(len(d))) + bitsKey(d)
			if seen[k] {
				t.Errorf("%s: duplicate candidate", c.name)
			}
			seen[k] = true
		}
	}
}

func bitsKey(d Dichotomy) string {
	b := make([]byte, 0, 8*len(d))
	for _, w := range d {
		for i := 0; i < 8; i++ {
			b = append(b, byte(w>>(8*i)))
		}
	}
	return string(b)
}

func TestDichotomiesBadInput(t *testing.T) {
	if _, err := Dichotomies(context.Background(), nil); err == nil {
		t.Error("no error for empty data")
	}
	if _, err := Dichotomies(context.Background(), [][]float64{{1, 2}, {3}}); err == nil {
		t.Error("no error for ragged data")
	}
}
