package convert

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Affine is the affine function x ↦ W·x + B on R^n, exact.
type Affine struct {
	W []*big.Rat // n coefficients
	B *big.Rat
}

// Eval returns W·x + B exactly.
func (a Affine) Eval(x []*big.Rat) *big.Rat {
	s := new(big.Rat).Set(a.B)
	var t big.Rat
	for i, w := range a.W {
		if w.Sign() != 0 && x[i].Sign() != 0 {
			s.Add(s, t.Mul(w, x[i]))
		}
	}
	return s
}

// key returns a canonical string of a, used to merge equal affine functions.
func (a Affine) key() string {
	var b strings.Builder
	for _, w := range a.W {
		b.WriteString(w.RatString())
		b.WriteByte(',')
	}
	b.WriteString(a.B.RatString())
	return b.String()
}

// scaled returns c·a.
func (a Affine) scaled(c *big.Rat) Affine {
	r := Affine{W: make([]*big.Rat, len(a.W)), B: new(big.Rat).Mul(a.B, c)}
	for i, w := range a.W {
		r.W[i] = new(big.Rat).Mul(w, c)
	}
	return r
}

// plus returns a + c·b.
func (a Affine) plus(c *big.Rat, b Affine) Affine {
	r := Affine{W: make([]*big.Rat, len(a.W)), B: new(big.Rat).Mul(b.B, c)}
	r.B.Add(r.B, a.B)
	for i := range a.W {
		r.W[i] = new(big.Rat).Mul(b.W[i], c)
		r.W[i].Add(r.W[i], a.W[i])
	}
	return r
}

func zeroAffine(n int) Affine {
	a := Affine{W: make([]*big.Rat, n), B: new(big.Rat)}
	for i := range a.W {
		a.W[i] = new(big.Rat)
	}
	return a
}

// Term is one summand s·max_{i∈Args} ℓ_i of a MaxSum.
type Term struct {
	Sign int   // +1 or −1
	Args []int // indices into MaxSum.Affine, non-empty
}

// MaxSum is the Wang–Sun form (spec (2.1)) f = Σ_j s_j·max_{i∈S_j} ℓ_i.
type MaxSum struct {
	N      int // input dimension
	Affine []Affine
	Terms  []Term
}

// Eval returns f(x) exactly.
func (m *MaxSum) Eval(x []*big.Rat) *big.Rat {
	vals := make([]*big.Rat, len(m.Affine))
	s := new(big.Rat)
	for _, t := range m.Terms {
		var best *big.Rat
		for _, i := range t.Args {
			if vals[i] == nil {
				vals[i] = m.Affine[i].Eval(x)
			}
			if best == nil || vals[i].Cmp(best) > 0 {
				best = vals[i]
			}
		}
		if t.Sign < 0 {
			s.Sub(s, best)
		} else {
			s.Add(s, best)
		}
	}
	return s
}

// MaxArity returns the largest |S_j|.
func (m *MaxSum) MaxArity() int {
	a := 0
	for _, t := range m.Terms {
		a = max(a, len(t.Args))
	}
	return a
}

// Validate checks dimensions, indices and signs.
func (m *MaxSum) Validate() error {
	if m.N < 1 {
		return fmt.Errorf("input dimension n = %d, want ≥ 1", m.N)
	}
	if err := validateAffine(m.N, m.Affine); err != nil {
		return err
	}
	if len(m.Terms) == 0 {
		return errors.New("no terms")
	}
	for j, t := range m.Terms {
		if t.Sign != 1 && t.Sign != -1 {
			return fmt.Errorf("term %d: sign %d, want +1 or −1", j, t.Sign)
		}
		if len(t.Args) == 0 {
			return fmt.Errorf("term %d: empty max", j)
		}
		for _, i := range t.Args {
			if i < 0 || i >= len(m.Affine) {
				return fmt.Errorf("term %d: affine index %d out of range [0, %d)", j, i, len(m.Affine))
			}
		}
	}
	return nil
}

// Lattice is the max–min form f = max_i min_{j∈S_i} ℓ_j (Tarela–Martínez,
// Ovchinnikov).
type Lattice struct {
	N      int
	Affine []Affine
	Sets   [][]int
}

// Eval returns f(x) exactly.
func (l *Lattice) Eval(x []*big.Rat) *big.Rat {
	vals := make([]*big.Rat, len(l.Affine))
	var best *big.Rat
	for _, s := range l.Sets {
		var lo *big.Rat
		for _, j := range s {
			if vals[j] == nil {
				vals[j] = l.Affine[j].Eval(x)
			}
			if lo == nil || vals[j].Cmp(lo) < 0 {
				lo = vals[j]
			}
		}
		if best == nil || lo.Cmp(best) > 0 {
			best = lo
		}
	}
	return new(big.Rat).Set(best)
}

// Validate checks dimensions and indices.
func (l *Lattice) Validate() error {
	if l.N < 1 {
		return fmt.Errorf("input dimension n = %d, want ≥ 1", l.N)
	}
	if err := validateAffine(l.N, l.Affine); err != nil {
		return err
	}
	if len(l.Sets) == 0 {
		return errors.New("no min-terms")
	}
	for k, s := range l.Sets {
		if len(s) == 0 {
			return fmt.Errorf("min-term %d is empty", k)
		}
		for _, j := range s {
			if j < 0 || j >= len(l.Affine) {
				return fmt.Errorf("min-term %d: affine index %d out of range [0, %d)", k, j, len(l.Affine))
			}
		}
	}
	return nil
}

func validateAffine(n int, as []Affine) error {
	if len(as) == 0 {
		return errors.New("no affine functions")
	}
	for i, a := range as {
		if len(a.W) != n {
			return fmt.Errorf("affine function %d has %d coefficients, want n = %d", i, len(a.W), n)
		}
		if a.B == nil {
			return fmt.Errorf("affine function %d has no constant", i)
		}
		for _, w := range a.W {
			if w == nil {
				return fmt.Errorf("affine function %d has a missing coefficient", i)
			}
		}
	}
	return nil
}

// distinctAffine returns the distinct functions of fs in order of first
// appearance and, for each fs[i], its index among them (equal exactly).
func distinctAffine(fs []Affine) (uniq []Affine, index []int) {
	seen := map[string]int{}
	index = make([]int, len(fs))
	for i, a := range fs {
		k := a.key()
		j, ok := seen[k]
		if !ok {
			j = len(uniq)
			seen[k] = j
			uniq = append(uniq, a)
		}
		index[i] = j
	}
	return uniq, index
}

// ovchinnikovSets returns the min-term sets of Ovchinnikov's max–min form
// for cells whose pieces are pieceOf[c] among npieces distinct affine
// functions: S_c = {j : ℓ_j ≥ ℓ_{pieceOf[c]} on cell c}, decided by geq(c,
// j, pieceOf[c]) (at the cell's corners), after lattice absorption.
func ovchinnikovSets(npieces int, pieceOf []int, geq func(c, j, g int) bool) [][]int {
	sets := make([][]int, len(pieceOf))
	for c, g := range pieceOf {
		for j := 0; j < npieces; j++ {
			if geq(c, j, g) {
				sets[c] = append(sets[c], j)
			}
		}
	}
	return absorb(sets)
}
