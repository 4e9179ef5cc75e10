package convert

import (
	"errors"
	"math/big"
)

// Exact equality proofs in the plane. Two functions that are affine on
// every cell of an arrangement of lines agree on a convex polygon P if they
// agree at the corners of every cell of the arrangement restricted to P. The
// prover cuts P recursively by the lines that cross it strictly; a line that
// does not cross a polygon cannot cross its parts, so each line is tested
// once along a branch.

// line is {x : a·x₀ + b·x₁ + c = 0}, the locus where two affine functions of
// R² agree.
type line struct{ a, b, c *big.Rat }

// errProofBudget reports that the arrangement has too many cells to prove
// equality within the budget.
var errProofBudget = errors.New("proof budget exceeded")

// kinkLines returns the lines where the arguments of a max can swap: one
// per pair of distinct, non-parallel-shifted affine functions of a group.
func kinkLines(groups [][]Affine) []line {
	seen := map[string]bool{}
	var out []line
	for _, g := range groups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				a := new(big.Rat).Sub(g[i].W[0], g[j].W[0])
				b := new(big.Rat).Sub(g[i].W[1], g[j].W[1])
				c := new(big.Rat).Sub(g[i].B, g[j].B)
				if a.Sign() == 0 && b.Sign() == 0 {
					continue // equal or never equal
				}
				// Normalise so the first nonzero of (a, b) is 1.
				p := a
				if a.Sign() == 0 {
					p = b
				}
				inv := new(big.Rat).Inv(p)
				a.Mul(a, inv)
				b.Mul(b, inv)
				c.Mul(c, inv)
				k := a.RatString() + "," + b.RatString() + "," + c.RatString()
				if !seen[k] {
					seen[k] = true
					out = append(out, line{a, b, c})
				}
			}
		}
	}
	return out
}

func (l line) eval(p []*big.Rat) int {
	var s, t big.Rat
	s.Mul(l.a, p[0])
	s.Add(&s, t.Mul(l.b, p[1]))
	s.Add(&s, l.c)
	return s.Sign()
}

// cut splits the convex polygon poly by l into the parts where l ≥ 0 and
// l ≤ 0.
func (l line) cut(poly [][]*big.Rat) (pos, neg [][]*big.Rat) {
	k := len(poly)
	for i := 0; i < k; i++ {
		p, q := poly[i], poly[(i+1)%k]
		sp, sq := l.eval(p), l.eval(q)
		if sp >= 0 {
			pos = append(pos, p)
		}
		if sp <= 0 {
			neg = append(neg, p)
		}
		if sp*sq < 0 {
			x := l.intersect(p, q)
			pos = append(pos, x)
			neg = append(neg, x)
		}
	}
	return pos, neg
}

// intersect returns the point of segment pq on l (l(p), l(q) of opposite sign).
func (l line) intersect(p, q []*big.Rat) []*big.Rat {
	val := func(x []*big.Rat) *big.Rat {
		var t big.Rat
		s := new(big.Rat).Mul(l.a, x[0])
		s.Add(s, t.Mul(l.b, x[1]))
		return s.Add(s, l.c)
	}
	vp, vq := val(p), val(q)
	lam := new(big.Rat).Sub(vp, vq)
	lam.Quo(vp, lam) // vp/(vp−vq)
	out := make([]*big.Rat, 2)
	for i := range out {
		d := new(big.Rat).Sub(q[i], p[i])
		out[i] = d.Add(p[i], d.Mul(d, lam))
	}
	return out
}

// provePolygon proves f = g on the convex polygon poly, given that both are
// affine on every cell of the arrangement of lines. It returns the number of
// cells, or a point where f ≠ g (and false).
func provePolygon(poly [][]*big.Rat, lines []line, f, g func([]*big.Rat) *big.Rat, cells *int, limit int) ([]*big.Rat, bool, error) {
	for i, l := range lines {
		pos, neg := false, false
		for _, p := range poly {
			switch l.eval(p) {
			case 1:
				pos = true
			case -1:
				neg = true
			}
		}
		if pos && neg {
			a, b := l.cut(poly)
			if x, ok, err := provePolygon(a, lines[i+1:], f, g, cells, limit); !ok || err != nil {
				return x, ok, err
			}
			return provePolygon(b, lines[i+1:], f, g, cells, limit)
		}
	}
	*cells++
	if *cells > limit {
		return nil, false, errProofBudget
	}
	for _, p := range poly {
		if f(p).Cmp(g(p)) != 0 {
			return p, false, nil
		}
	}
	return nil, true, nil
}

// boundingBox returns a square containing every intersection point of the
// lines and a point of every line, with margin 1, so that every cell of the
// arrangement meets its interior in an open set.
func boundingBox(lines []line) [][]*big.Rat {
	lo := []*big.Rat{new(big.Rat), new(big.Rat)}
	hi := []*big.Rat{new(big.Rat), new(big.Rat)}
	grow := func(p []*big.Rat) {
		for i := range p {
			if p[i].Cmp(lo[i]) < 0 {
				lo[i].Set(p[i])
			}
			if p[i].Cmp(hi[i]) > 0 {
				hi[i].Set(p[i])
			}
		}
	}
	for i, l := range lines {
		if l.a.Sign() != 0 {
			grow([]*big.Rat{new(big.Rat).Neg(new(big.Rat).Quo(l.c, l.a)), new(big.Rat)})
		} else {
			grow([]*big.Rat{new(big.Rat), new(big.Rat).Neg(new(big.Rat).Quo(l.c, l.b))})
		}
		for _, m := range lines[i+1:] {
			d := new(big.Rat).Mul(l.a, m.b)
			d.Sub(d, new(big.Rat).Mul(l.b, m.a))
			if d.Sign() == 0 {
				continue
			}
			// Cramer: a x + b y = −c.
			x := new(big.Rat).Mul(l.b, m.c)
			x.Sub(x, new(big.Rat).Mul(l.c, m.b))
			x.Quo(x, d)
			y := new(big.Rat).Mul(l.c, m.a)
			y.Sub(y, new(big.Rat).Mul(l.a, m.c))
			y.Quo(y, d)
			grow([]*big.Rat{x, y})
		}
	}
	one := big.NewRat(1, 1)
	lo[0].Sub(lo[0], one)
	lo[1].Sub(lo[1], one)
	hi[0].Add(hi[0], one)
	hi[1].Add(hi[1], one)
	return [][]*big.Rat{{lo[0], lo[1]}, {hi[0], lo[1]}, {hi[0], hi[1]}, {lo[0], hi[1]}}
}

// termGroups returns the argument lists of the terms of m.
func termGroups(m *MaxSum) [][]Affine {
	var gs [][]Affine
	for _, t := range m.Terms {
		g := make([]Affine, len(t.Args))
		for i, a := range t.Args {
			g[i] = m.Affine[a]
		}
		gs = append(gs, g)
	}
	return gs
}
