package convert

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// ri returns the rational points with the given integer coordinates.
func ri(pts ...[]int64) [][]*big.Rat {
	out := make([][]*big.Rat, len(pts))
	for i, p := range pts {
		for _, c := range p {
			out[i] = append(out[i], rat(c, 1))
		}
	}
	return out
}

// meshOf returns a triangulation with zero values, keeping only the
// vertices its simplices use (renumbered).
func meshOf(n int, verts [][]*big.Rat, simps [][]int) *Triangulation {
	id := map[int]int{}
	t := &Triangulation{N: n}
	for _, s := range simps {
		var ns []int
		for _, v := range s {
			if _, ok := id[v]; !ok {
				id[v] = len(t.Vertices)
				t.Vertices = append(t.Vertices, verts[v])
				t.Values = append(t.Values, new(big.Rat))
			}
			ns = append(ns, id[v])
		}
		t.Simplices = append(t.Simplices, ns)
	}
	return t
}

// regularTriangulation returns the regular triangulation of k random
// integer points of [0, 20]^n lifted to |p|² plus a small random generic
// height: the simplices σ with every other lifted point strictly above the
// affine function interpolating the lifts on σ (brute force over all
// (n+1)-subsets, exact). It covers the convex hull of the points; it is
// valid by construction, independently of Validate.
func regularTriangulation(t testing.TB, rng *rand.Rand, n, k int) *Triangulation {
	t.Helper()
	seen := map[string]bool{}
	var pts [][]*big.Rat
	for len(pts) < k {
		p := make([]*big.Rat, n)
		for j := range p {
			p[j] = rat(rng.Int64N(21), 1)
		}
		if key := pointKey(p); !seen[key] {
			seen[key] = true
			pts = append(pts, p)
		}
	}
	h := make([]*big.Rat, k)
	for i, p := range pts {
		h[i] = big.NewRat(rng.Int64N(1_000_000), 997_000_003)
		for _, c := range p {
			h[i].Add(h[i], new(big.Rat).Mul(c, c))
		}
	}
	var simps [][]int
	idx := seq(n + 1)
	for {
		if a, err := interpolant(pts, h, idx); err == nil {
			lower := true
			for p := range pts {
				if contains(idx, p) {
					continue
				}
				switch a.Eval(pts[p]).Cmp(h[p]) {
				case 0:
					t.Fatal("non-generic heights")
				case 1:
					lower = false
				}
				if !lower {
					break
				}
			}
			if lower {
				simps = append(simps, append([]int(nil), idx...))
			}
		}
		if !nextComb(idx, k) {
			break
		}
	}
	return meshOf(n, pts, simps)
}

// TestValidateValidMeshes: Kuhn (Freudenthal) triangulations of cube grids
// in 2, 3 and 4 dimensions, the same under a rational affine map, and
// regular triangulations of random points are accepted, whatever the order
// of the corners within each simplex.
func TestValidateValidMeshes(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	var cases []struct {
		name string
		tr   *Triangulation
	}
	add := func(name string, tr *Triangulation) {
		cases = append(cases, struct {
			name string
			tr   *Triangulation
		}{name, tr})
	}
	for _, c := range []struct{ n, k int }{{2, 4}, {3, 3}, {4, 2}} {
		v, s := kuhn(c.n, c.k)
		add(fmt.Sprintf("Kuhn n=%d k=%d", c.n, c.k), meshOf(c.n, v, s))
		// A rational affine image: no coordinate is a float any more.
		m := make([][]*big.Rat, c.n)
		for i := range m {
			m[i] = make([]*big.Rat, c.n)
			for j := range m[i] {
				m[i][j] = new(big.Rat)
			}
			m[i][i] = big.NewRat(int64(3+i), 7)
			if i > 0 {
				m[i][i-1] = big.NewRat(1, 3)
			}
		}
		w := make([][]*big.Rat, len(v))
		for p, x := range v {
			w[p] = make([]*big.Rat, c.n)
			for i := range w[p] {
				w[p][i] = big.NewRat(1, 11)
				for j := range x {
					w[p][i].Add(w[p][i], new(big.Rat).Mul(m[i][j], x[j]))
				}
			}
		}
		add(fmt.Sprintf("Kuhn n=%d k=%d, affine image", c.n, c.k), meshOf(c.n, w, s))
	}
	add("regular n=2", regularTriangulation(t, rng, 2, 25))
	add("regular n=3", regularTriangulation(t, rng, 3, 14))
	add("regular n=4", regularTriangulation(t, rng, 4, 10))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tr.N == 4 && strings.Contains(tc.name, "image") && testing.Short() {
				t.Skip("about a second")
			}
			if _, err := tc.tr.Validate(); err != nil {
				t.Fatal(err)
			}
			if tc.tr.N == 4 {
				return // every pair is a candidate on this small grid: slow
			}
			for _, s := range tc.tr.Simplices {
				rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
			}
			if _, err := tc.tr.Validate(); err != nil {
				t.Fatalf("corners shuffled: %v", err)
			}
		})
	}
}

// TestValidateInvalid3D: invalid 3-D meshes, each rejected with an error
// naming the problem.
func TestValidateInvalid3D(t *testing.T) {
	kv, ks := kuhn(3, 2)
	var lShape [][]int // the tetrahedra of three of the eight cubes: an L
	for _, s := range ks {
		lo := kv[s[0]] // the Kuhn simplex starts at its cube's low corner
		x, y, z := lo[0].Sign() != 0, lo[1].Sign() != 0, lo[2].Sign() != 0
		if !z && !(x && y) {
			lShape = append(lShape, s)
		}
	}
	tests := []struct {
		name string
		tr   *Triangulation
		want []string // every one must appear in the error
	}{
		{"interiors overlap", meshOf(3, ri([]int64{0, 0, 0}, []int64{4, 0, 0}, []int64{0, 4, 0}, []int64{0, 0, 4},
			[]int64{1, 1, -1}, []int64{1, 1, 5}, []int64{1, 2, 5}, []int64{2, 1, 5}),
			[][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}), []string{"simplices 0 and 1 overlap", "interiors"}},
		{"partial face", meshOf(3, ri([]int64{0, 0, 0}, []int64{6, 0, 0}, []int64{3, 6, 0}, []int64{3, 2, 3},
			[]int64{0, 4, 0}, []int64{6, 4, 0}, []int64{3, -2, 0}, []int64{3, 2, -3}),
			[][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}), []string{"simplices 0 and 1", "partial face"}},
		{"vertex inside another simplex's face (T-junction)", meshOf(3, append(ri([]int64{0, 0, 0}, []int64{2, 0, 0}, []int64{0, 2, 0}, []int64{0, 0, 2}),
			[]*big.Rat{rat(1, 2), rat(1, 2), rat(0, 1)}, []*big.Rat{rat(0, 1), rat(0, 1), rat(-1, 1)},
			[]*big.Rat{rat(2, 1), rat(0, 1), rat(-1, 1)}, []*big.Rat{rat(0, 1), rat(2, 1), rat(-1, 1)}),
			[][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}), []string{"vertex 4 of simplex 1 lies in simplex 0"}},
		{"hanging vertex on an edge (T-junction)", meshOf(3, append(ri([]int64{0, 0, 0}, []int64{2, 0, 0}, []int64{0, 2, 0}, []int64{0, 0, 2}, []int64{0, 0, -2}),
			[]*big.Rat{rat(1, 1), rat(1, 1), rat(0, 1)}),
			[][]int{{0, 1, 2, 3}, {0, 1, 5, 4}, {0, 5, 2, 4}}), []string{"vertex 4 of simplex 1 lies in simplex 0"}},
		{"edges crossing at a point", meshOf(3, ri([]int64{-1, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 1}, []int64{0, -1, 1},
			[]int64{0, -1, 0}, []int64{0, 1, 0}, []int64{1, 0, -1}, []int64{-1, 0, -1}),
			[][]int{{0, 1, 2, 3}, {4, 5, 6, 7}}), []string{"simplices 0 and 1", "partial face", "(0, 0, 0)"}},
		{"degenerate (flat) tetrahedron", meshOf(3, ri([]int64{0, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 0}, []int64{1, 1, 0}),
			[][]int{{0, 1, 2, 3}}), []string{"simplex 0 is degenerate"}},
		{"duplicate simplex", meshOf(3, ri([]int64{0, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 0}, []int64{0, 0, 1}),
			[][]int{{0, 1, 2, 3}, {3, 2, 1, 0}}), []string{"simplices 0 and 1 are the same simplex"}},
		{"overlap across a shared face", meshOf(3, ri([]int64{0, 0, 0}, []int64{4, 0, 0}, []int64{0, 4, 0}, []int64{0, 0, 4}, []int64{1, 1, 1}),
			[][]int{{0, 1, 2, 3}, {0, 1, 2, 4}}), []string{"simplices 0 and 1 overlap across their shared face"}},
		{"face in three simplices", meshOf(3, ri([]int64{0, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 0}, []int64{0, 0, 1}, []int64{0, 0, -1}, []int64{5, 5, 5}),
			[][]int{{0, 1, 2, 3}, {0, 1, 2, 4}, {0, 1, 2, 5}}), []string{"shared by 3 simplices"}},
		{"coinciding vertices", &Triangulation{N: 3, Vertices: ri([]int64{0, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 0}, []int64{0, 0, 1}, []int64{1, 0, 0}, []int64{1, 1, 1}),
			Simplices: [][]int{{0, 1, 2, 3}, {4, 2, 3, 5}}, Values: make([]*big.Rat, 6)}, []string{"vertices 1 and 4 coincide"}},
		{"non-convex union (L of cubes)", meshOf(3, kv, lShape), []string{"not convex", "Ovchinnikov"}},
		{"non-convex union (tetrahedra sharing a vertex)", meshOf(3, ri([]int64{0, 0, 0}, []int64{1, 0, 0}, []int64{0, 1, 0}, []int64{0, 0, 1},
			[]int64{-1, 0, 0}, []int64{0, -1, 0}, []int64{0, 0, -1}), [][]int{{0, 1, 2, 3}, {0, 4, 5, 6}}), []string{"not convex"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, v := range tc.tr.Values {
				if v == nil {
					tc.tr.Values[i] = new(big.Rat)
				}
			}
			_, err := tc.tr.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// affineCon is the affine function c·x + d.
type affineCon struct {
	c []*big.Rat
	d *big.Rat
}

func (a affineCon) eval(x []*big.Rat) *big.Rat {
	s := new(big.Rat).Set(a.d)
	for j := range x {
		s.Add(s, new(big.Rat).Mul(a.c[j], x[j]))
	}
	return s
}

// baryAffine returns the barycentric coordinates of a simplex as affine
// functions, read off the solve-based barycentric helper at 0 and at the
// unit vectors (independent of the code under test).
func baryAffine(vs [][]*big.Rat, simp []int) []affineCon {
	n := len(vs[0])
	zero := make([]*big.Rat, n)
	for j := range zero {
		zero[j] = new(big.Rat)
	}
	at0 := barycentric(vs, simp, zero)
	out := make([]affineCon, len(simp))
	for k := range out {
		out[k] = affineCon{c: make([]*big.Rat, n), d: at0[k]}
	}
	for j := 0; j < n; j++ {
		e := append([]*big.Rat(nil), zero...)
		e[j] = rat(1, 1)
		at := barycentric(vs, simp, e)
		for k := range out {
			out[k].c[j] = new(big.Rat).Sub(at[k], at0[k])
		}
	}
	return out
}

// properOracle decides conv S ∩ conv T = conv(S ∩ T) independently of
// properFace: the intersection is the polytope {λ^S ≥ 0, λ^T ≥ 0}, and it
// leaves conv F exactly when the linear function Σ_{v∈S∖T} λ^S_v is
// positive at one of its vertices. Vertices are enumerated by brute force:
// every n of the 2n+2 constraints taken tight, solved exactly, kept when
// the solution is unique and feasible.
func properOracle(vs [][]*big.Rat, S, T []int) bool {
	n := len(vs[0])
	sc := baryAffine(vs, S)
	cons := append(append([]affineCon(nil), sc...), baryAffine(vs, T)...)
	idx := seq(n)
	for {
		a := make([][]*big.Rat, n)
		b := make([]*big.Rat, n)
		for r, k := range idx {
			a[r], b[r] = cons[k].c, new(big.Rat).Neg(cons[k].d)
		}
		if x, ok := solve(a, b); ok {
			feasible := true
			for _, c := range cons {
				if c.eval(x).Sign() < 0 {
					feasible = false
					break
				}
			}
			if feasible {
				out := new(big.Rat)
				for k, v := range S {
					if !contains(T, v) {
						out.Add(out, sc[k].eval(x))
					}
				}
				if out.Sign() > 0 {
					return false
				}
			}
		}
		if !nextComb(idx, len(cons)) {
			return true
		}
	}
}

// randomPair returns two non-degenerate simplices on a tiny integer grid
// (so that shared vertices, coplanar faces and touching are common),
// sharing `share` vertices.
func randomPair(rng *rand.Rand, n, share int) ([][]*big.Rat, []int, []int) {
	for {
		var vs [][]*big.Rat
		seen := map[string]bool{}
		for len(vs) < 2*(n+1)-share {
			p := make([]*big.Rat, n)
			for j := range p {
				p[j] = rat(rng.Int64N(3), 1)
			}
			if k := pointKey(p); !seen[k] {
				seen[k] = true
				vs = append(vs, p)
			}
		}
		S := seq(n + 1)
		T := append(seq(share), make([]int, 0)...)
		for v := n + 1; v < len(vs); v++ {
			T = append(T, v)
		}
		if orient(vs, S) != 0 && orient(vs, T) != 0 {
			return vs, S, T
		}
	}
}

// TestProperFaceOracle checks the exact pair predicate on 1,500 random
// small configurations in 2, 3 and 4 dimensions against the vertex
// enumeration oracle, verifies every witness of an improper pair exactly
// (in both simplices, outside their common face), checks that Validate
// on the two-simplex mesh agrees, and checks that random
// rational points of the faces of S (dense sampling with random zero
// patterns) never refute a pair the predicate calls proper.
func TestProperFaceOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 1))
	counts := map[bool]int{}
	// The 4-D oracle solves 210 systems per pair: fewer 4-D trials.
	for trial := 0; trial < 1500; trial++ {
		n := 2 + trial%2
		if trial >= 1400 {
			n = 4
		}
		share := rng.IntN(n + 1)
		vs, S, T := randomPair(rng, n, share)
		tr := &Triangulation{N: n, Vertices: vs, Simplices: [][]int{S, T}}
		pc := newPairCtx(tr)
		got, x := pc.properFace(0, 1)
		want := properOracle(vs, S, T)
		counts[got]++
		if got != want {
			t.Fatalf("n=%d S=%v T=%v on %v: properFace %v, oracle %v", n, S, T, vs, got, want)
		}
		ls, lt := baryAffine(vs, S), baryAffine(vs, T)
		// Validate on the two-simplex mesh agrees: an improper pair is not
		// a complex, and a proper one fails at most for convexity.
		vals := make([]*big.Rat, len(vs))
		for k := range vals {
			vals[k] = new(big.Rat)
		}
		_, err := (&Triangulation{N: n, Vertices: vs, Simplices: [][]int{S, T}, Values: vals}).Validate()
		if want == (err != nil && !strings.Contains(err.Error(), "not convex")) {
			t.Fatalf("n=%d S=%v T=%v on %v: oracle proper=%v, Validate: %v", n, S, T, vs, want, err)
		}
		outside := func(p []*big.Rat) bool { // in both, outside conv F
			pos := new(big.Rat)
			for k := range ls {
				a := ls[k].eval(p)
				if a.Sign() < 0 || lt[k].eval(p).Sign() < 0 {
					return false
				}
				if !contains(T, S[k]) {
					pos.Add(pos, a)
				}
			}
			return pos.Sign() > 0
		}
		if !got {
			if x == nil || !outside(x) {
				t.Fatalf("n=%d S=%v T=%v on %v: bad witness %v", n, S, T, vs, x)
			}
			continue
		}
		for k := 0; k < 20; k++ {
			w := make([]*big.Rat, n+1)
			total := new(big.Rat)
			for i := range w {
				w[i] = rat(0, 1)
				if rng.IntN(3) > 0 {
					w[i] = rat(rng.Int64N(5)+1, 1)
				}
				total.Add(total, w[i])
			}
			if total.Sign() == 0 {
				continue
			}
			p := make([]*big.Rat, n)
			for j := range p {
				p[j] = new(big.Rat)
				for i, v := range S {
					p[j].Add(p[j], new(big.Rat).Mul(w[i], vs[v][j]))
				}
				p[j].Quo(p[j], total)
			}
			if outside(p) {
				t.Fatalf("n=%d S=%v T=%v on %v: called proper, but %v is in both outside the common face", n, S, T, vs, p)
			}
		}
	}
	if counts[true] < 200 || counts[false] < 200 {
		t.Errorf("unbalanced configurations: %v", counts)
	}
}

// TestLPMax checks the exact simplex routine against brute force over the
// vertices of small random feasible regions {A z ≤ b, z ≥ 0, Σz ≤ 4}.
func TestLPMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 55))
	for trial := 0; trial < 300; trial++ {
		nv := 1 + rng.IntN(3)
		m := 1 + rng.IntN(3)
		var A [][]*big.Rat
		var b []*big.Rat
		for i := 0; i < m; i++ {
			row := make([]*big.Rat, nv)
			for j := range row {
				row[j] = rat(rng.Int64N(7)-3, 1)
			}
			A, b = append(A, row), append(b, rat(rng.Int64N(3), 1))
		}
		box := make([]*big.Rat, nv)
		for j := range box {
			box[j] = rat(1, 1)
		}
		A, b = append(A, box), append(b, rat(4, 1))
		c := make([]*big.Rat, nv)
		for j := range c {
			c[j] = rat(rng.Int64N(7)-3, 1)
		}
		got, z := lpMax(A, b, c, false)
		// The point attains the value and is feasible.
		val := new(big.Rat)
		for j := range z {
			if z[j].Sign() < 0 {
				t.Fatalf("negative z %v", z)
			}
			val.Add(val, new(big.Rat).Mul(c[j], z[j]))
		}
		for i := range A {
			s := new(big.Rat)
			for j := range z {
				s.Add(s, new(big.Rat).Mul(A[i][j], z[j]))
			}
			if s.Cmp(b[i]) > 0 {
				t.Fatalf("infeasible z %v", z)
			}
		}
		if val.Cmp(got) != 0 {
			t.Fatalf("value %v, point gives %v", got, val)
		}
		// Brute force: all vertices (nv tight among the m+1+nv constraints).
		type con struct {
			a []*big.Rat
			b *big.Rat
		}
		var cons []con
		for i := range A {
			cons = append(cons, con{A[i], b[i]})
		}
		for j := 0; j < nv; j++ {
			e := make([]*big.Rat, nv)
			for k := range e {
				e[k] = new(big.Rat)
			}
			e[j].SetInt64(-1)
			cons = append(cons, con{e, new(big.Rat)})
		}
		var best *big.Rat
		idx := seq(nv)
		for {
			a := make([][]*big.Rat, nv)
			rhs := make([]*big.Rat, nv)
			for r, k := range idx {
				a[r], rhs[r] = cons[k].a, cons[k].b
			}
			if x, ok := solve(a, rhs); ok {
				feasible := true
				for _, cn := range cons {
					s := new(big.Rat)
					for j := range x {
						s.Add(s, new(big.Rat).Mul(cn.a[j], x[j]))
					}
					if s.Cmp(cn.b) > 0 {
						feasible = false
					}
				}
				if feasible {
					v := new(big.Rat)
					for j := range x {
						v.Add(v, new(big.Rat).Mul(c[j], x[j]))
					}
					if best == nil || v.Cmp(best) > 0 {
						best = v
					}
				}
			}
			if !nextComb(idx, len(cons)) {
				break
			}
		}
		if best == nil || best.Cmp(got) != 0 {
			t.Fatalf("lpMax %v, brute force %v", got, best)
		}
	}
}

// BenchmarkValidate measures Validate on Kuhn meshes (about 1,000 and
// 2,000 simplices), their rational affine images (coordinates no longer
// floats, so the sign filter cannot prove zeros) and a 2-D mesh.
func BenchmarkValidate(b *testing.B) {
	for _, c := range []struct{ n, k int }{{3, 5}, {3, 6}, {4, 3}, {2, 30}} {
		v, s := kuhn(c.n, c.k)
		for _, image := range []bool{false, true} {
			verts := v
			if image {
				verts = make([][]*big.Rat, len(v))
				for p, x := range v {
					verts[p] = make([]*big.Rat, c.n)
					for i := range x {
						verts[p][i] = new(big.Rat).Mul(x[i], big.NewRat(int64(3+i), 7))
						if i > 0 {
							verts[p][i].Add(verts[p][i], new(big.Rat).Mul(x[i-1], big.NewRat(1, 3)))
						}
					}
				}
			}
			tr := meshOf(c.n, verts, s)
			b.Run(fmt.Sprintf("kuhn/n=%d/k=%d/simplices=%d/image=%v", c.n, c.k, len(s), image), func(b *testing.B) {
				for b.Loop() {
					if _, err := tr.Validate(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
