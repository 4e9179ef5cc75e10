package hard

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/zonotope"
)

// ZonotopeFunc is ZONOTOPE^n_{k,w,m}[a, b] = H_{a^1..a^k} ∘ γ_{Z(b^1..b^m)}
// (Section 3.2), an R^n → R function.
type ZonotopeFunc struct {
	Z *zonotope.Zonotope
	H *Composition
}

// GammaNet returns the net of γ_Z (Lemma 3.7): one hidden layer of 2m units
// σ(⟨b^i, r⟩), σ(−⟨b^i, r⟩), zero biases, output weights 1.
func GammaNet(z *zonotope.Zonotope) *relu.Net {
	first := gammaLayer(z)
	out := relu.NewLayer(1, first.Out)
	for j := 0; j < first.Out; j++ {
		out.SetRat(0, j, big.NewRat(1, 1))
	}
	return &relu.Net{Layers: []relu.Layer{*first, out}}
}

func gammaLayer(z *zonotope.Zonotope) *relu.Layer {
	m := z.M()
	l := relu.NewLayer(2*m, z.N)
	for i, g := range z.Gens {
		for j, x := range g {
			l.SetRat(2*i, j, x)
			l.SetRat(2*i+1, j, new(big.Rat).Neg(x))
		}
	}
	return &l
}

// Net returns the (k+2)-layer net of size 2m + Σ w_i: the γ_Z layer, then the
// zigzag layers reading γ = Σ of the first layer's units (spec §2.3).
func (f *ZonotopeFunc) Net() *relu.Net { return f.H.netAfter(gammaLayer(f.Z)) }

// Eval returns f(r) exactly from the definitions (γ_Z and the zigzags).
func (f *ZonotopeFunc) Eval(r []*big.Rat) *big.Rat { return f.H.Eval(f.Z.Gamma(r)) }

// PieceCount is the exact number of pieces of a ZONOTOPE function with its
// ingredients.
type PieceCount struct {
	Vertices  int   // V = |vert(Z)|, from exact enumeration
	Generic   bool  // generators in general position (Definition 7)
	Formula   int64 // 2Σ_{i<n}C(m−1,i)·Π w_i, Theorem 3.9(i) with the factor 2 (A2)
	Cones     int64 // V·Π w_i: pieces in the cones, bands of {γ_Z < M}
	Exterior  int   // extra pieces of the exterior {γ_Z ≥ M} (0, 1 or 2)
	Pieces    int64 // Cones + Exterior, the exact total on R^n
	ExtReason string
}

// Pieces returns the exact piece count of f on R^n (spec §2.3, A3). In each
// normal cone of a vertex, γ_Z is a nonzero linear map, so H∘γ_Z has Π w_i
// bands of distinct nonzero gradient there, and bands of neighbouring cones
// have different gradients: V·Π w_i pieces. When some inner zigzag has an
// even tooth count, H ≡ 0 on [M, ∞) and the exterior {γ_Z ≥ M} is one more
// piece, or two when the generators span a line (the exterior is then two
// half-spaces).
func (f *ZonotopeFunc) Pieces(ctx context.Context) (PieceCount, error) {
	var pc PieceCount
	vs, err := f.Z.Vertices(ctx)
	if err != nil {
		return pc, err
	}
	t, err := f.H.Teeth()
	if err != nil {
		return pc, err
	}
	pc.Vertices = len(vs)
	pc.Generic, _ = f.Z.GeneralPosition()
	gc := zonotope.GenericCount(f.Z.N, f.Z.M())
	if gc.IsInt64() && gc.Int64() <= (1<<62)/t {
		pc.Formula = gc.Int64() * t
	} else {
		pc.Formula = -1
	}
	pc.Cones = int64(pc.Vertices) * t
	if f.H.ZeroBeyondM() {
		if f.Z.Rank() >= 2 {
			pc.Exterior = 1
			pc.ExtReason = "H ≡ 0 on [M, ∞): the exterior {γ_Z ≥ M} is one connected piece"
		} else {
			pc.Exterior = 2
			pc.ExtReason = "H ≡ 0 on [M, ∞) and Z is a segment: the exterior is two half-spaces"
		}
	} else {
		pc.ExtReason = "the last tooth continues beyond M in every cone: no extra piece"
	}
	pc.Pieces = pc.Cones + int64(pc.Exterior)
	return pc, nil
}

// RandomGenerators returns m random generators in R^n with small rational
// coordinates, redrawn until they are in general position.
func RandomGenerators(rng *rand.Rand, n, m int) (*zonotope.Zonotope, error) {
	if n < 1 || m < 1 {
		return nil, fmt.Errorf("need n ≥ 1 and m ≥ 1 (got n = %d, m = %d)", n, m)
	}
	for try := 0; try < 1000; try++ {
		g := make([][]*big.Rat, m)
		for i := range g {
			g[i] = make([]*big.Rat, n)
			for j := range g[i] {
				g[i][j] = big.NewRat(int64(rng.IntN(21)-10), int64(1+rng.IntN(4)))
			}
		}
		z, err := zonotope.New(g)
		if err != nil {
			continue
		}
		if ok, _ := z.GeneralPosition(); ok {
			return z, nil
		}
	}
	return nil, fmt.Errorf("no generic generators found for n = %d, m = %d", n, m)
}

// Window returns a half-width R such that the box [−R, R]^n strictly
// contains the bounded set {γ_Z ≤ M}, so that counting pieces on that box
// counts them on R^n (every piece meets the box in a convex, hence
// connected, set, or in the connected exterior). It needs generators of
// full rank n. With n independent generators b^{i_1..i_n} as the rows of
// B, γ_Z(r) ≥ |⟨r, b^{i_j}⟩|, so {γ_Z ≤ M} lies in {|Br| ≤ M}, whose points
// have |r_j| ≤ M·Σ_i |(B^{−1})_{ji}|; R is that bound plus 1.
func (f *ZonotopeFunc) Window() (*big.Rat, error) {
	n := f.Z.N
	// pick n independent generators greedily
	var rows [][]*big.Rat
	for _, g := range f.Z.Gens {
		try := append(append([][]*big.Rat{}, rows...), g)
		if rankRat(try, n) == len(try) {
			rows = try
		}
		if len(rows) == n {
			break
		}
	}
	if len(rows) < n {
		return nil, fmt.Errorf("generators span a %d-dimensional space in R^%d: {γ_Z ≤ M} is unbounded", len(rows), n)
	}
	inv, err := inverse(rows)
	if err != nil {
		return nil, err
	}
	R := new(big.Rat)
	var t big.Rat
	for j := 0; j < n; j++ {
		s := new(big.Rat)
		for i := 0; i < n; i++ {
			s.Add(s, t.Abs(inv[j][i]))
		}
		if s.Cmp(R) > 0 {
			R.Set(s)
		}
	}
	R.Mul(R, f.H.M)
	return R.Add(R, big.NewRat(1, 1)), nil
}

func rankRat(rows [][]*big.Rat, n int) int {
	_, r := eliminate(rows, n, false)
	return r
}

// inverse returns B^{−1} of the square matrix with the given rows.
func inverse(rows [][]*big.Rat) ([][]*big.Rat, error) {
	inv, r := eliminate(rows, len(rows), true)
	if r < len(rows) {
		return nil, fmt.Errorf("singular matrix")
	}
	return inv, nil
}

// eliminate runs Gauss–Jordan elimination on [rows | I] exactly and returns
// the right block (the inverse when full rank) and the rank.
func eliminate(rows [][]*big.Rat, n int, wantInv bool) ([][]*big.Rat, int) {
	m := len(rows)
	a := make([][]*big.Rat, m)
	for i := range a {
		a[i] = make([]*big.Rat, n+m)
		for j := 0; j < n+m; j++ {
			a[i][j] = new(big.Rat)
			if j < n {
				a[i][j].Set(rows[i][j])
			} else if j-n == i {
				a[i][j].SetInt64(1)
			}
		}
	}
	rk := 0
	var t big.Rat
	for col := 0; col < n && rk < m; col++ {
		p := -1
		for i := rk; i < m; i++ {
			if a[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[rk], a[p] = a[p], a[rk]
		piv := new(big.Rat).Set(a[rk][col])
		for j := range a[rk] {
			a[rk][j].Quo(a[rk][j], piv)
		}
		for i := 0; i < m; i++ {
			if i == rk || a[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(a[i][col])
			for j := range a[i] {
				a[i][j].Sub(a[i][j], t.Mul(f, a[rk][j]))
			}
		}
		rk++
	}
	if !wantInv {
		return nil, rk
	}
	inv := make([][]*big.Rat, m)
	for i := range inv {
		inv[i] = a[i][n:]
	}
	return inv, rk
}
