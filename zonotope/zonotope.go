package zonotope

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Zonotope is Z(b^1, …, b^m) in R^n, stored exactly.
type Zonotope struct {
	N    int          // dimension n
	Gens [][]*big.Rat // m generators of length n
}

// New checks the generators (m ≥ 1, all of the same dimension n ≥ 1, not all
// zero) and returns the zonotope; it copies them.
func New(gens [][]*big.Rat) (*Zonotope, error) {
	if len(gens) == 0 {
		return nil, fmt.Errorf("no generators: need m ≥ 1")
	}
	n := len(gens[0])
	if n == 0 {
		return nil, fmt.Errorf("generator 1 is empty")
	}
	z := &Zonotope{N: n, Gens: make([][]*big.Rat, len(gens))}
	nonzero := false
	for i, g := range gens {
		if len(g) != n {
			return nil, fmt.Errorf("generator %d has dimension %d, generator 1 has %d", i+1, len(g), n)
		}
		z.Gens[i] = make([]*big.Rat, n)
		for j, x := range g {
			if x == nil {
				return nil, fmt.Errorf("generator %d: coordinate %d missing", i+1, j+1)
			}
			z.Gens[i][j] = new(big.Rat).Set(x)
			if x.Sign() != 0 {
				nonzero = true
			}
		}
	}
	if !nonzero {
		return nil, fmt.Errorf("all %d generators are zero: γ_Z ≡ 0", len(gens))
	}
	return z, nil
}

// Parse reads generators written "x,y;x,y;…" (one generator per
// semicolon-separated group, coordinates exact rationals such as 1/4).
func Parse(s string) (*Zonotope, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("no generators given (want e.g. \"1,0;0,1\")")
	}
	var gens [][]*big.Rat
	for i, part := range strings.Split(s, ";") {
		var g []*big.Rat
		for j, c := range strings.Split(part, ",") {
			c = strings.TrimSpace(c)
			if k := strings.IndexAny(c, "eE"); k >= 0 {
				// big.Rat would expand 1e999999999 digit by digit.
				if e, err := strconv.Atoi(c[k+1:]); err != nil || e > 1000 || e < -1000 {
					return nil, fmt.Errorf("generator %d, coordinate %d: %q: exponent missing or beyond ±1000", i+1, j+1, c)
				}
			}
			r, ok := new(big.Rat).SetString(c)
			if !ok {
				return nil, fmt.Errorf("generator %d, coordinate %d: %q is not a rational number", i+1, j+1, c)
			}
			g = append(g, r)
		}
		gens = append(gens, g)
	}
	return New(gens)
}

// String writes the generators in the syntax Parse reads.
func (z *Zonotope) String() string {
	parts := make([]string, len(z.Gens))
	for i, g := range z.Gens {
		c := make([]string, len(g))
		for j, x := range g {
			c[j] = x.RatString()
		}
		parts[i] = strings.Join(c, ",")
	}
	return strings.Join(parts, ";")
}

// M is the number of generators.
func (z *Zonotope) M() int { return len(z.Gens) }

// Gamma returns γ_Z(r) = Σ_i |⟨r, b^i⟩| exactly.
func (z *Zonotope) Gamma(r []*big.Rat) *big.Rat {
	s := new(big.Rat)
	var d big.Rat
	for _, g := range z.Gens {
		dot(&d, g, r)
		s.Add(s, d.Abs(&d))
	}
	return s
}

func dot(dst *big.Rat, a, b []*big.Rat) *big.Rat {
	dst.SetInt64(0)
	var t big.Rat
	for i := range a {
		if a[i].Sign() == 0 || b[i].Sign() == 0 {
			continue
		}
		dst.Add(dst, t.Mul(a[i], b[i]))
	}
	return dst
}

// Rank returns the dimension of the span of the generators.
func (z *Zonotope) Rank() int { return rank(z.Gens, z.N) }

// rank computes the rank of the rows by exact Gaussian elimination.
func rank(rows [][]*big.Rat, n int) int {
	a := make([][]*big.Rat, len(rows))
	for i, r := range rows {
		a[i] = make([]*big.Rat, n)
		for j := range r {
			a[i][j] = new(big.Rat).Set(r[j])
		}
	}
	rk := 0
	var t big.Rat
	for col := 0; col < n && rk < len(a); col++ {
		p := -1
		for i := rk; i < len(a); i++ {
			if a[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[rk], a[p] = a[p], a[rk]
		for i := rk + 1; i < len(a); i++ {
			if a[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(a[i][col], a[rk][col])
			for j := col; j < n; j++ {
				a[i][j].Sub(a[i][j], t.Mul(f, a[rk][j]))
			}
		}
		rk++
	}
	return rk
}

// GeneralPosition reports whether the generators lie in S(n, m)
// (Definition 7): every min(n, m) of them are linearly independent. It also
// returns a witness subset (0-based indices) when they are not.
func (z *Zonotope) GeneralPosition() (bool, []int) {
	n, m := z.N, z.M()
	r := min(n, m)
	idx := make([]int, r)
	for i := range idx {
		idx[i] = i
	}
	sub := make([][]*big.Rat, r)
	for {
		for i, j := range idx {
			sub[i] = z.Gens[j]
		}
		if rank(sub, n) < r {
			return false, append([]int(nil), idx...)
		}
		// next r-subset in lexicographic order
		i := r - 1
		for i >= 0 && idx[i] == m-r+i {
			i--
		}
		if i < 0 {
			return true, nil
		}
		idx[i]++
		for j := i + 1; j < r; j++ {
			idx[j] = idx[j-1] + 1
		}
	}
}

// Binomial returns C(n, k) as a big.Int (0 when k < 0 or k > n).
func Binomial(n, k int64) *big.Int {
	if k < 0 || n < 0 || k > n {
		return new(big.Int)
	}
	return new(big.Int).Binomial(n, k)
}

// GenericCount returns 2·Σ_{i=0}^{n−1} C(m−1, i), the number of vertices of a
// zonotope with m generators in general position in R^n (Theorem 3.6(1),
// factor 2 per spec A2). It is the maximum over all generator choices.
func GenericCount(n, m int) *big.Int {
	s := new(big.Int)
	for i := 0; i < n; i++ {
		s.Add(s, Binomial(int64(m-1), int64(i)))
	}
	return s.Lsh(s, 1)
}

// Vertices enumerates the vertices of Z exactly. Each vertex is returned with
// its sign vector ε (entries ±1, 0 for zero generators) and an exact
// interior point r of its normal cone. The order is deterministic.
func (z *Zonotope) Vertices(ctx context.Context) ([]Vertex, error) {
	idx := make([]int, 0, z.M())
	for i, g := range z.Gens {
		for _, x := range g {
			if x.Sign() != 0 {
				idx = append(idx, i)
				break
			}
		}
	}
	vecs := make([][]*big.Int, len(idx))
	for i, j := range idx {
		vecs[i] = toPrimitive(z.Gens[j])
	}
	topes, err := regions(ctx, vecs, z.N)
	if err != nil {
		return nil, err
	}
	out := make([]Vertex, len(topes))
	for t, tp := range topes {
		v := Vertex{Signs: make([]int8, z.M()), Point: make([]*big.Rat, z.N), Normal: make([]*big.Rat, z.N)}
		for i, x := range tp.w {
			v.Normal[i] = new(big.Rat).SetInt(x)
		}
		for i := range v.Point {
			v.Point[i] = new(big.Rat)
		}
		var tmp big.Rat
		for i, j := range idx {
			v.Signs[j] = tp.s[i]
			for c := 0; c < z.N; c++ {
				tmp.SetInt64(int64(tp.s[i]))
				tmp.Mul(&tmp, z.Gens[j][c])
				v.Point[c].Add(v.Point[c], &tmp)
			}
		}
		out[t] = v
	}
	return out, nil
}

// Vertex is one vertex v = Σ ε_i b^i of a zonotope.
type Vertex struct {
	Signs  []int8     // ε_i ∈ {−1, +1}; 0 for a zero generator
	Point  []*big.Rat // the vertex
	Normal []*big.Rat // r with sgn⟨r, b^i⟩ = ε_i for every nonzero b^i
}

// tope is a region of a central arrangement: its sign vector and an
// interior point with integer coordinates.
type tope struct {
	s []int8
	w []*big.Int
}

// intDot returns ⟨a, b⟩ into dst.
func intDot(dst *big.Int, a, b []*big.Int, t *big.Int) *big.Int {
	dst.SetInt64(0)
	for i := range a {
		if a[i].Sign() == 0 || b[i].Sign() == 0 {
			continue
		}
		dst.Add(dst, t.Mul(a[i], b[i]))
	}
	return dst
}

// regions enumerates the regions of the central arrangement {⟨r, v⟩ = 0 : v ∈
// vecs} in R^n by deletion–restriction. All vecs are nonzero integer vectors;
// every scaling done below is by a nonzero integer, so hyperplanes and signs
// are preserved and the arithmetic stays in (small) integers.
func regions(ctx context.Context, vecs [][]*big.Int, n int) ([]tope, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(vecs) == 0 {
		w := make([]*big.Int, n)
		for i := range w {
			w[i] = new(big.Int)
		}
		return []tope{{s: nil, w: w}}, nil
	}
	last := len(vecs) - 1
	b := vecs[last]
	prev, err := regions(ctx, vecs[:last], n)
	if err != nil {
		return nil, err
	}
	// A hyperplane equal to an earlier one cuts nothing: its sign on every
	// region is fixed by the earlier one.
	for j := 0; j < last; j++ {
		if ratio := parallelInt(vecs[j], b); ratio != 0 {
			for t := range prev {
				prev[t].s = append(prev[t].s, prev[t].s[j]*ratio)
			}
			return prev, nil
		}
	}
	// Restrict A′ to H = b^⊥ with an integer basis U (n × (n−1)).
	u := nullBasisInt(b, n)
	restricted := make([][]*big.Int, last)
	for j := 0; j < last; j++ {
		restricted[j] = primitiveInt(mulTInt(u, vecs[j], n))
	}
	cut, err := regions(ctx, restricted, n-1)
	if err != nil {
		return nil, err
	}
	isCut := make(map[string]bool, len(cut))
	out := make([]tope, 0, len(prev)+len(cut))
	var d, db, q, r, tmp big.Int
	for _, c := range cut {
		// p = U·y lies on H and in the region c.s of A′.
		p := make([]*big.Int, n)
		for i := range p {
			p[i] = new(big.Int)
			for j := range c.w {
				p[i].Add(p[i], tmp.Mul(u[i][j], c.w[j]))
			}
		}
		isCut[key(c.s)] = true
		// w = K·p ± b with K > max_j |⟨b, b_j⟩|/|⟨p, b_j⟩| keeps every sign of
		// A′ (K|⟨p,b_j⟩| > |⟨b,b_j⟩|) and gives ⟨w, b⟩ = ±|b|².
		K := big.NewInt(1)
		for j := 0; j < last; j++ {
			intDot(&db, b, vecs[j], &tmp)
			if db.Sign() == 0 {
				continue
			}
			intDot(&d, p, vecs[j], &tmp)
			q.QuoRem(r.Abs(&db), d.Abs(&d), &tmp)
			q.Add(&q, big.NewInt(1))
			if q.Cmp(K) > 0 {
				K.Set(&q)
			}
		}
		for _, sg := range []int8{-1, 1} {
			w := make([]*big.Int, n)
			for i := range w {
				w[i] = new(big.Int).Mul(K, p[i])
				if sg < 0 {
					w[i].Sub(w[i], b[i])
				} else {
					w[i].Add(w[i], b[i])
				}
			}
			s := append(append(make([]int8, 0, last+1), c.s...), sg)
			out = append(out, tope{s: s, w: primitiveInt(w)})
		}
	}
	for _, pr := range prev {
		if isCut[key(pr.s)] {
			continue
		}
		intDot(&d, pr.w, b, &tmp)
		if d.Sign() == 0 {
			return nil, fmt.Errorf("zonotope: internal error: uncut region meets the new hyperplane")
		}
		out = append(out, tope{s: append(pr.s, int8(d.Sign())), w: pr.w})
	}
	return out, nil
}

// toPrimitive scales a nonzero rational vector by a positive rational to the
// primitive integer vector on its ray (lcm of denominators, then gcd of
// numerators): signs of inner products are unchanged.
func toPrimitive(v []*big.Rat) []*big.Int {
	l := big.NewInt(1)
	var g, t big.Int
	for _, x := range v {
		d := x.Denom()
		g.GCD(nil, nil, l, d)
		l.Mul(l, t.Quo(d, &g))
	}
	out := make([]*big.Int, len(v))
	for i, x := range v {
		out[i] = new(big.Int).Mul(x.Num(), new(big.Int).Quo(l, x.Denom()))
	}
	return primitiveInt(out)
}

// primitiveInt divides v by the gcd of its entries (v is returned when 0).
func primitiveInt(v []*big.Int) []*big.Int {
	var g, t big.Int
	for _, x := range v {
		g.GCD(nil, nil, &g, t.Abs(x))
	}
	if g.Sign() == 0 || g.Cmp(big.NewInt(1)) == 0 {
		return v
	}
	for _, x := range v {
		x.Quo(x, &g)
	}
	return v
}

func key(s []int8) string {
	b := make([]byte, len(s))
	for i, x := range s {
		b[i] = byte(x + 1)
	}
	return string(b)
}

// parallelInt returns +1 or −1 when b = λa with λ > 0 or λ < 0, and 0 when a
// and b are not parallel. Both are nonzero: they are parallel iff every
// 2×2 minor a_i b_j − a_j b_i vanishes.
func parallelInt(a, b []*big.Int) int8 {
	var x, y big.Int
	p := -1
	for i := range a {
		if a[i].Sign() != 0 {
			p = i
			break
		}
	}
	for i := range a {
		x.Mul(a[p], b[i])
		y.Mul(a[i], b[p])
		if x.Cmp(&y) != 0 {
			return 0
		}
	}
	return int8(a[p].Sign() * b[p].Sign())
}

// parallel is parallelInt for rational vectors.
func parallel(a, b []*big.Rat) int8 { return parallelInt(toPrimitive(a), toPrimitive(b)) }

// nullBasisInt returns an integer basis of b^⊥ as the columns of an
// n×(n−1) matrix: with p the index of a nonzero entry of b, the columns are
// b_p·e_j − b_j·e_p for j ≠ p.
func nullBasisInt(b []*big.Int, n int) [][]*big.Int {
	p := 0
	for b[p].Sign() == 0 {
		p++
	}
	u := make([][]*big.Int, n)
	for i := range u {
		u[i] = make([]*big.Int, n-1)
		for j := range u[i] {
			u[i][j] = new(big.Int)
		}
	}
	col := 0
	for j := 0; j < n; j++ {
		if j == p {
			continue
		}
		u[j][col].Set(b[p])
		u[p][col].Neg(b[j])
		col++
	}
	return u
}

// mulTInt returns Uᵀv (length n−1).
func mulTInt(u [][]*big.Int, v []*big.Int, n int) []*big.Int {
	out := make([]*big.Int, n-1)
	var t big.Int
	for j := range out {
		out[j] = new(big.Int)
		for i := 0; i < n; i++ {
			if u[i][j].Sign() == 0 || v[i].Sign() == 0 {
				continue
			}
			out[j].Add(out[j], t.Mul(u[i][j], v[i]))
		}
	}
	return out
}
