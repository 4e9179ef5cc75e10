package bound

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relucid/relucid/zonotope"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// Spec §4 derived instances.
func TestTheorem31Table(t *testing.T) {
	for _, c := range []struct {
		k, w, kp int
		want     float64
	}{{4, 3, 1, 39.5}, {4, 3, 2, 8}, {4, 3, 4, 5}, {4, 2, 2, 3}, {16, 4, 4, 511}} {
		r, err := Theorem31(c.k, c.w, c.kp)
		if err != nil || !near(r.Value, c.want) {
			t.Errorf("Theorem31(%d,%d,%d) = %v, %v; want %v", c.k, c.w, c.kp, r.Value, err, c.want)
		}
	}
}

func TestCorollaries(t *testing.T) {
	for _, c := range []struct {
		k     int
		want  float64
		claim string
	}{{2, 3, "depth 5 with size 8"}, {3, 39.5, "depth 10 with size 27"}} {
		r, err := Corollary34(c.k)
		if err != nil || !near(r.Value, c.want) || !strings.Contains(r.Claim, c.claim) {
			t.Errorf("Corollary34(%d) = %+v, %v", c.k, r, err)
		}
		r3, err := Corollary33(c.k, 1)
		if err != nil || !near(r3.Value, c.want) || !strings.Contains(r3.Claim, c.claim) {
			t.Errorf("Corollary33(%d,1) = %+v, %v", c.k, r3, err)
		}
	}
	r, _ := Corollary33(2, 0.5)
	if r.Note == "" {
		t.Errorf("non-integer k^{1+ε} must be flagged (A15)")
	}
}

func TestTheorem35Table(t *testing.T) {
	for _, c := range []struct {
		k, w, kp int
		delta    float64
		want     float64
	}{{3, 2, 1, 0.1, 1.2}, {3, 2, 3, 0.1, 2.008299}, {4, 3, 2, 0.05, 5.6921}, {9, 3, 3, 0.01, 31.710428}} {
		r, err := Theorem35(c.k, c.w, c.kp, c.delta)
		if err != nil || math.Abs(r.Value-c.want) > 1e-4*c.want {
			t.Errorf("Theorem35%v = %v, %v; want %v", c, r.Value, err, c.want)
		}
	}
	r, err := Theorem35(3, 2, 1, 0.25)
	if err != nil || !strings.Contains(r.Note, "vacuous") {
		t.Errorf("δ = ¼ should be vacuous: %+v %v", r, err)
	}
}

func TestZonotopePiecesTable(t *testing.T) {
	for _, c := range []struct {
		n, k, w, m int
		want       int64
	}{{2, 2, 2, 2, 16}, {2, 2, 2, 4, 32}, {2, 1, 3, 3, 18}, {3, 2, 2, 4, 56}, {3, 3, 4, 6, 2048}, {4, 2, 3, 5, 270}, {5, 1, 2, 10, 1024}} {
		r, p, err := ZonotopePieces(c.n, c.k, c.w, c.m)
		if err != nil || p.Int64() != c.want || !strings.Contains(r.Claim, fmt.Sprintf("size %d", 2*c.m+c.w*c.k)) {
			t.Errorf("ZonotopePieces%v = %v, %v", c, p, err)
		}
		// the vertex factor must equal the exact vertex count of random
		// generic generators (independent: zonotope enumeration).
		rng := rand.New(rand.NewPCG(uint64(c.n), uint64(c.m)))
		for {
			g := make([][]*big.Rat, c.m)
			for i := range g {
				g[i] = make([]*big.Rat, c.n)
				for j := range g[i] {
					g[i][j] = big.NewRat(int64(rng.IntN(41)-20), 1)
				}
			}
			z, err := zonotope.New(g)
			if err != nil {
				continue
			}
			if gp, _ := z.GeneralPosition(); !gp {
				continue
			}
			v, _ := z.Vertices(context.Background())
			if int64(len(v))*int64(math.Pow(float64(c.w), float64(c.k))) != c.want {
				t.Errorf("%v: %d vertices do not give %d", c, len(v), c.want)
			}
			break
		}
	}
}

func TestComparisonTable(t *testing.T) {
	rows, err := Comparison(4, 6, 3, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{{"57", "48", "36"}, {"57", "288", "216"}, {"57", "1728", "1296"}, {"57", "10368", "7776"}}
	for i, r := range rows {
		if [3]string{r.Montufar, r.Zonotope, r.Telgarsky} != want[i] {
			t.Errorf("k=%d: %+v, want %v", r.K, r, want[i])
		}
	}
}

// Spec §5 item 10.
func TestLemmaD6(t *testing.T) {
	r, _ := LemmaD6Size(100, 2)
	if !near(r.Value, 9) {
		t.Errorf("p=100 k=2: %v", r.Value)
	}
	r, _ = LemmaD6Pieces(10, 2)
	if !near(r.Value, 100) {
		t.Errorf("s=10 k=2: %v", r.Value)
	}
	// integer check of the converse against Lemma D.5 for every width
	// vector with Σ = s.
	for k := 1; k <= 4; k++ {
		for s := k; s <= 12; s++ {
			bound, _ := LemmaD6Pieces(int64(s), k)
			var rec func(ws []int, left int)
			rec = func(ws []int, left int) {
				if len(ws) == k {
					if left != 0 {
						return
					}
					d5, _ := LemmaD5(ws)
					if d5.Value > bound.Value*(1+RelTol) {
						t.Errorf("widths %v: D.5 %v > (2s/k)^k %v", ws, d5.Value, bound.Value)
					}
					// and D.6's size bound holds for the D.5 count
					lb, _ := LemmaD6Size(int64(d5.Value), k)
					if lb.Value > float64(s)+1e-9 {
						t.Errorf("widths %v: D.6 size bound %v > size %d", ws, lb.Value, s)
					}
					return
				}
				for w := 1; w <= left; w++ {
					rec(append(ws, w), left-w)
				}
			}
			rec(nil, s)
		}
	}
}

func TestLemmaD5(t *testing.T) {
	r, err := LemmaD5([]int{3, 3, 3})
	if err != nil || r.Exact != "144" { // 4·4·3·3
		t.Errorf("D5(3,3,3) = %v %v", r.Exact, err)
	}
	r, _ = LemmaD5([]int{5})
	if r.Exact != "6" {
		t.Errorf("D5(5) = %v", r.Exact)
	}
}

// Spec §5 item 11, and the identity Cover(D, n) = regions of D generic
// central hyperplanes in R^{n+1} = zonotope.GenericCount(n+1, D), checked
// also by exact enumeration on lifted random points (x, 1).
func TestCover(t *testing.T) {
	for _, c := range []struct{ d, n, want int }{{4, 2, 14}, {5, 2, 22}, {6, 2, 32}, {7, 2, 44}, {5, 3, 30}, {100, 2, 9902}, {704, 2, 494914}, {100, 3, 323600}} {
		_, v, err := Cover(c.d, c.n)
		if err != nil || v.Int64() != int64(c.want) {
			t.Errorf("Cover(%d,%d) = %v, want %d", c.d, c.n, v, c.want)
		}
		if g := zonotope.GenericCount(c.n+1, c.d); g.Cmp(v) != 0 {
			t.Errorf("Cover(%d,%d) ≠ GenericCount(%d,%d) = %v", c.d, c.n, c.n+1, c.d, g)
		}
		if c.n >= 2 && v.Int64() > int64(math.Pow(float64(c.d), float64(c.n))) {
			t.Errorf("Cover(%d,%d) exceeds D^n", c.d, c.n)
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct{ d, n int }{{4, 2}, {6, 2}, {5, 3}} {
		g := make([][]*big.Rat, c.d)
		for i := range g {
			g[i] = make([]*big.Rat, c.n+1)
			for j := 0; j < c.n; j++ {
				g[i][j] = big.NewRat(int64(rng.IntN(1000)-500), 97)
			}
			g[i][c.n] = big.NewRat(1, 1)
		}
		z, _ := zonotope.New(g)
		v, _ := z.Vertices(context.Background())
		_, want, _ := Cover(c.d, c.n)
		if gp, _ := z.GeneralPosition(); gp && int64(len(v)) != want.Int64() {
			t.Errorf("lifted %d points in R^%d: %d dichotomies, Cover %v", c.d, c.n, len(v), want)
		}
	}
}

// Serra's bound: the DP equals a brute-force sum over J; for n = 1 and one
// layer it is w+1 (Theorem 2.2's count); it never exceeds the per-layer
// product.
func TestSerra(t *testing.T) {
	brute := func(n int, ws []int) int64 {
		var rec func(l int, caps []int) int64
		rec = func(l int, js []int) int64 {
			if l == len(ws) {
				p := int64(1)
				for i, j := range js {
					p *= binom(ws[i], j).Int64()
				}
				return p
			}
			cap := min(n, ws[l])
			for i, j := range js {
				cap = min(cap, ws[i]-j)
			}
			var s int64
			for j := 0; j <= cap; j++ {
				s += rec(l+1, append(append([]int(nil), js...), j))
			}
			return s
		}
		return rec(0, nil)
	}
	for _, c := range []struct {
		n  int
		ws []int
	}{{1, []int{5}}, {2, []int{3, 3}}, {2, []int{4, 4, 4}}, {3, []int{2, 5, 3}}, {4, []int{6, 6, 6}}, {2, []int{1, 8}}} {
		_, v, err := Serra(c.n, c.ws)
		if err != nil || v.Int64() != brute(c.n, c.ws) {
			t.Errorf("Serra(%d,%v) = %v, brute %d", c.n, c.ws, v, brute(c.n, c.ws))
		}
		prod, d := int64(1), c.n
		for _, w := range c.ws {
			d = min(d, w)
			s := int64(0)
			for j := 0; j <= d; j++ {
				s += binom(w, j).Int64()
			}
			prod *= s
		}
		if v.Int64() > prod {
			t.Errorf("Serra(%d,%v) = %v exceeds the per-layer product %d", c.n, c.ws, v, prod)
		}
	}
	_, v, _ := Serra(1, []int{7})
	if v.Int64() != 8 {
		t.Errorf("Serra(1,[7]) = %v, want 8", v)
	}
}

func TestBadInput(t *testing.T) {
	errs := []error{}
	_, e := Theorem31(0, 2, 1)
	errs = append(errs, e)
	_, e = Theorem31(3, 1, 1)
	errs = append(errs, e)
	_, e = Theorem31(3, 2, 4)
	errs = append(errs, e)
	_, _, e = ZonotopePieces(2, 1, 2, 0)
	errs = append(errs, e)
	_, _, e = Montufar(4, 2, 3)
	errs = append(errs, e)
	_, e = LemmaD5([]int{2, 0})
	errs = append(errs, e)
	_, e = Corollary34(1)
	errs = append(errs, e)
	_, e = Theorem35(3, 2, 1, -1)
	errs = append(errs, e)
	for i, e := range errs {
		if e == nil {
			t.Errorf("case %d: want error", i)
		}
	}
}

func ExampleTheorem31() {
	r, _ := Theorem31(4, 3, 2)
	fmt.Print(r)
	// Output:
	// Theorem 3.1: the hard functions of depth 5, width 3 (size 12) need, at depth 3, size at least
	//   formula: ½·k′·w^{k/k′} − 1
	//   = ½·2·3^{4/2} − 1
	//   = ½·2·9 − 1
	//   value: 8
	//   integer consequence: size ≥ 8
	//   note: from w^k = 81 pieces on [0, M] (Theorem 3.2) and Lemma D.6
}
