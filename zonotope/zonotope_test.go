package zonotope

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func mustParse(t testing.TB, s string) *Zonotope {
	t.Helper()
	z, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return z
}

func countVertices(t testing.TB, z *Zonotope) int {
	t.Helper()
	v, err := z.Vertices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkVertices(t, z, v)
	return len(v)
}

// checkVertices verifies every returned vertex exactly: its normal r realises
// its sign vector, so v maximises ⟨r, ·⟩ over Z uniquely, and γ_Z(r) = ⟨r, v⟩;
// and no two sign vectors repeat.
func checkVertices(t testing.TB, z *Zonotope, vs []Vertex) {
	t.Helper()
	seen := map[string]bool{}
	var d, dv big.Rat
	for _, v := range vs {
		for i, g := range z.Gens {
			dot(&d, g, v.Normal)
			if d.Sign() != int(v.Signs[i]) {
				t.Fatalf("normal %v gives sign %d on generator %d, vertex says %d", v.Normal, d.Sign(), i, v.Signs[i])
			}
		}
		if z.Gamma(v.Normal).Cmp(dot(&dv, v.Normal, v.Point)) != 0 {
			t.Fatalf("γ_Z(r) ≠ ⟨r, v⟩")
		}
		k := fmt.Sprint(v.Signs)
		if seen[k] {
			t.Fatalf("sign vector %s twice", k)
		}
		seen[k] = true
	}
}

// Spec §5 item 7: general-position counts 2·Σ_{i<n} C(m−1, i).
func TestGenericCountTable(t *testing.T) {
	for _, c := range []struct{ n, m, want int }{
		{2, 2, 4}, {2, 3, 6}, {2, 5, 10}, {3, 3, 8}, {3, 4, 14}, {3, 5, 22}, {3, 6, 32}, {4, 5, 30},
		{3, 2, 4}, {5, 3, 8}, {1, 4, 2}, {2, 7, 14},
	} {
		if got := GenericCount(c.n, c.m).Int64(); got != int64(c.want) {
			t.Errorf("GenericCount(%d,%d) = %d, want %d", c.n, c.m, got, c.want)
		}
	}
}

// randomGeneric draws integer generators until they are in general position.
func randomGeneric(rng *rand.Rand, n, m int) *Zonotope {
	for {
		g := make([][]*big.Rat, m)
		for i := range g {
			g[i] = make([]*big.Rat, n)
			for j := range g[i] {
				g[i][j] = big.NewRat(int64(rng.IntN(19)-9), int64(1+rng.IntN(3)))
			}
		}
		z, err := New(g)
		if err != nil {
			continue
		}
		if ok, _ := z.GeneralPosition(); ok {
			return z
		}
	}
}

func TestVerticesGenericMatchFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 5; n++ {
		for m := 1; m <= 7; m++ {
			z := randomGeneric(rng, n, m)
			want := GenericCount(n, m).Int64()
			if m <= n && want != 1<<m {
				t.Fatalf("formula for m ≤ n should be 2^m")
			}
			if got := countVertices(t, z); int64(got) != want {
				t.Errorf("n=%d m=%d %s: %d vertices, want %d", n, m, z, got, want)
			}
		}
	}
}

func TestNamedCases(t *testing.T) {
	for _, c := range []struct {
		name, gens string
		want       int
		generic    bool
	}{
		{"parallelogram", "1,0;0,1", 4, true},
		{"hexagon", "1,0;0,1;1,1", 6, true},
		{"rhombic dodecahedron (cube diagonals)", "1,1,1;1,1,-1;1,-1,1;-1,1,1", 14, true},
		{"truncated octahedron (A3 roots)", "1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1", 24, false},
		{"cube", "1,0,0;0,1,0;0,0,1", 8, true},
		{"Figure 1 right octagon", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", 8, true},
		// degenerate: repeated and opposite generators add no vertices
		{"repeated generator", "1,0;0,1;2,0", 4, false},
		{"opposite generator", "1,0;0,1;-1,0", 4, false},
		{"zero generator", "1,0;0,0;0,1", 4, false},
		{"rank 1 in R^3 (segment)", "1,2,3;-2,-4,-6", 2, false},
		{"rank 2 in R^3 (hexagon prism-free)", "1,0,0;0,1,0;1,1,0", 6, false},
		{"three coplanar in R^3 + one", "1,0,0;0,1,0;1,1,0;0,0,1", 12, false},
		{"single generator R^2", "3,4", 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			z := mustParse(t, c.gens)
			if gp, _ := z.GeneralPosition(); gp != c.generic {
				t.Errorf("GeneralPosition = %v, want %v", gp, c.generic)
			}
			got := countVertices(t, z)
			if got != c.want {
				t.Errorf("%d vertices, want %d", got, c.want)
			}
			if c.generic && int64(got) != GenericCount(z.N, z.M()).Int64() {
				t.Errorf("generic but count %d ≠ formula", got)
			}
			if !c.generic && int64(got) > GenericCount(z.N, z.M()).Int64() {
				t.Errorf("count %d exceeds the generic maximum", got)
			}
		})
	}
}

// hull2D counts the vertices of the convex hull of the 2^m points Σ ε_i b^i
// (Andrew's monotone chain with exact cross products, collinear points
// dropped): an oracle independent of the arrangement recursion.
func hull2D(z *Zonotope) int {
	m := z.M()
	type pt struct{ x, y *big.Rat }
	var pts []pt
	seen := map[string]bool{}
	for mask := 0; mask < 1<<m; mask++ {
		x, y := new(big.Rat), new(big.Rat)
		for i, g := range z.Gens {
			if mask>>i&1 == 1 {
				x.Add(x, g[0])
				y.Add(y, g[1])
			} else {
				x.Sub(x, g[0])
				y.Sub(y, g[1])
			}
		}
		k := x.RatString() + "," + y.RatString()
		if !seen[k] {
			seen[k] = true
			pts = append(pts, pt{x, y})
		}
	}
	if len(pts) == 1 {
		return 1
	}
	sort.Slice(pts, func(i, j int) bool {
		if c := pts[i].x.Cmp(pts[j].x); c != 0 {
			return c < 0
		}
		return pts[i].y.Cmp(pts[j].y) < 0
	})
	cross := func(o, a, b pt) int {
		ax := new(big.Rat).Sub(a.x, o.x)
		ay := new(big.Rat).Sub(a.y, o.y)
		bx := new(big.Rat).Sub(b.x, o.x)
		by := new(big.Rat).Sub(b.y, o.y)
		return new(big.Rat).Sub(ax.Mul(ax, by), ay.Mul(ay, bx)).Sign()
	}
	var h []pt
	for pass := 0; pass < 2; pass++ {
		start := len(h)
		for _, p := range pts {
			for len(h) >= start+2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
				h = h[:len(h)-1]
			}
			h = append(h, p)
		}
		h = h[:len(h)-1]
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	return len(h)
}

// Random 2-D generators with many coincidences (small integer range): the
// recursion must agree with the exact convex hull.
func TestVertices2DAgainstHull(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		m := 1 + rng.IntN(7)
		g := make([][]*big.Rat, m)
		for i := range g {
			g[i] = []*big.Rat{big.NewRat(int64(rng.IntN(5)-2), 1), big.NewRat(int64(rng.IntN(5)-2), 1)}
		}
		z, err := New(g)
		if err != nil {
			continue
		}
		if got, want := countVertices(t, z), hull2D(z); got != want {
			t.Fatalf("%s: %d vertices, hull has %d", z, got, want)
		}
	}
}

// euler3D counts the regions of a rank-3 central arrangement of planes in R^3
// from its lines of intersection: on the unit sphere V = 2L vertices, each
// line carrying t_L distinct planes gives two vertices of degree 2t_L, so
// E = 2Σ t_L and F = 2 − V + E. Independent of the recursion.
func euler3D(t *testing.T, z *Zonotope) int {
	// distinct planes: normals up to scaling
	var normals [][]*big.Rat
	for _, g := range z.Gens {
		nz := false
		for _, x := range g {
			nz = nz || x.Sign() != 0
		}
		if !nz {
			continue
		}
		dup := false
		for _, h := range normals {
			if parallel(h, g) != 0 {
				dup = true
			}
		}
		if !dup {
			normals = append(normals, g)
		}
	}
	if rank(normals, 3) != 3 {
		t.Fatalf("euler3D needs rank 3")
	}
	// lines: directions of cross products, deduplicated up to scaling.
	type line struct {
		dir    []*big.Rat
		planes int
	}
	var lines []line
	for i := range normals {
		for j := i + 1; j < len(normals); j++ {
			a, b := normals[i], normals[j]
			c := []*big.Rat{
				new(big.Rat).Sub(new(big.Rat).Mul(a[1], b[2]), new(big.Rat).Mul(a[2], b[1])),
				new(big.Rat).Sub(new(big.Rat).Mul(a[2], b[0]), new(big.Rat).Mul(a[0], b[2])),
				new(big.Rat).Sub(new(big.Rat).Mul(a[0], b[1]), new(big.Rat).Mul(a[1], b[0])),
			}
			found := false
			for _, l := range lines {
				if parallel(l.dir, c) != 0 {
					found = true
				}
			}
			if !found {
				cnt := 0
				var d big.Rat
				for _, h := range normals {
					if dot(&d, h, c).Sign() == 0 {
						cnt++
					}
				}
				lines = append(lines, line{c, cnt})
			}
		}
	}
	sumT := 0
	for _, l := range lines {
		sumT += l.planes
	}
	return 2 - 2*len(lines) + 2*sumT
}

func TestVertices3DAgainstEuler(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	done := 0
	for done < 150 {
		m := 3 + rng.IntN(5)
		g := make([][]*big.Rat, m)
		for i := range g {
			g[i] = make([]*big.Rat, 3)
			for j := range g[i] {
				g[i][j] = big.NewRat(int64(rng.IntN(5)-2), 1)
			}
		}
		z, err := New(g)
		if err != nil || z.Rank() != 3 {
			continue
		}
		done++
		if got, want := countVertices(t, z), euler3D(t, z); got != want {
			t.Fatalf("%s: %d vertices, Euler count %d", z, got, want)
		}
	}
}

func TestGamma(t *testing.T) {
	z := mustParse(t, "0,1;1,0")
	if g := z.Gamma([]*big.Rat{big.NewRat(2, 1), big.NewRat(-3, 1)}); g.Cmp(big.NewRat(5, 1)) != 0 {
		t.Errorf("γ((2,−3)) = %s, want 5", g.RatString())
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "no generators"},
		{"1,0;1", "dimension"},
		{"0,0;0,0", "all 2 generators are zero"},
		{"1,x", "not a rational"},
		{"1,;0,1", "not a rational"},
		{"1e99999,0", "exponent"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", c.in, err, c.want)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mustParse(t, "1,0;0,1").Vertices(ctx); err == nil {
		t.Error("cancelled context: want error")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1,0;0,1", "1/4,1/2;-1/2,0", "", ";", "0,0", "1,2,3;4,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		z, err := Parse(s)
		if err != nil || z.N > 3 || z.M() > 6 {
			return
		}
		if _, err := z.Vertices(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkVertices(b *testing.B) {
	for _, c := range []struct{ n, m int }{{2, 16}, {3, 10}, {4, 10}, {5, 12}} {
		z := randomGeneric(rand.New(rand.NewPCG(7, 8)), c.n, c.m)
		b.Run(fmt.Sprintf("n=%d/m=%d/V=%d", c.n, c.m, GenericCount(c.n, c.m).Int64()), func(b *testing.B) {
			for b.Loop() {
				if _, err := z.Vertices(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleZonotope_Vertices() {
	z, _ := Parse("1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1")
	v, _ := z.Vertices(context.Background())
	gp, _ := z.GeneralPosition()
	fmt.Println(len(v), gp, GenericCount(3, 6))
	// Output: 24 false 32
}
