package pwl

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/relucid/relucid/internal/sorted"
)

// Rat is a continuous piecewise linear function R → R with exact rational
// knots, values and end slopes; see Func for the representation. All
// decisions on a Rat (breakpoints, equality) are exact.
type Rat struct {
	X, Y   []*big.Rat
	SL, SR *big.Rat
}

// Check reports whether f is well formed: at least one knot, as many values
// as knots, strictly ascending knots, non-nil entries.
func (f *Rat) Check() error {
	if len(f.X) == 0 {
		return ErrEmpty
	}
	if len(f.X) != len(f.Y) {
		return fmt.Errorf("pwl: %d knots but %d values", len(f.X), len(f.Y))
	}
	if f.SL == nil || f.SR == nil {
		return fmt.Errorf("pwl: missing end slope")
	}
	for i, x := range f.X {
		if x == nil || f.Y[i] == nil {
			return fmt.Errorf("pwl: knot %d is missing", i)
		}
		if i > 0 && f.X[i-1].Cmp(x) >= 0 {
			return fmt.Errorf("pwl: knots %d and %d (%s, %s) are not strictly ascending", i-1, i, f.X[i-1].RatString(), x.RatString())
		}
	}
	return nil
}

// Eval returns f(x) exactly.
func (f *Rat) Eval(x *big.Rat) *big.Rat {
	n := len(f.X)
	r := new(big.Rat)
	if x.Cmp(f.X[0]) <= 0 {
		r.Sub(x, f.X[0])
		r.Mul(r, f.SL)
		return r.Add(r, f.Y[0])
	}
	if x.Cmp(f.X[n-1]) >= 0 {
		r.Sub(x, f.X[n-1])
		r.Mul(r, f.SR)
		return r.Add(r, f.Y[n-1])
	}
	i := sort.Search(n, func(i int) bool { return f.X[i].Cmp(x) >= 0 })
	if f.X[i].Cmp(x) == 0 {
		return r.Set(f.Y[i])
	}
	s := f.slope(i - 1)
	r.Sub(x, f.X[i-1])
	r.Mul(r, s)
	return r.Add(r, f.Y[i-1])
}

// slope returns the slope between knots i and i+1.
func (f *Rat) slope(i int) *big.Rat {
	d := new(big.Rat).Sub(f.Y[i+1], f.Y[i])
	h := new(big.Rat).Sub(f.X[i+1], f.X[i])
	return d.Quo(d, h)
}

// Slopes returns the len(X)+1 slopes left to right: SL, the slopes between
// consecutive knots, SR.
func (f *Rat) Slopes() []*big.Rat {
	s := make([]*big.Rat, 0, len(f.X)+1)
	s = append(s, new(big.Rat).Set(f.SL))
	for i := 0; i+1 < len(f.X); i++ {
		s = append(s, f.slope(i))
	}
	return append(s, new(big.Rat).Set(f.SR))
}

// Simplify removes, exactly, the knots where the slope does not change and
// returns f. When no breakpoint remains the leftmost knot stays as anchor.
func (f *Rat) Simplify() *Rat {
	s := f.Slopes()
	k := 0
	for i := range f.X {
		if s[i].Cmp(s[i+1]) == 0 {
			continue
		}
		f.X[k], f.Y[k] = f.X[i], f.Y[i]
		k++
	}
	if k == 0 {
		k = 1
	}
	f.X, f.Y = f.X[:k], f.Y[:k]
	return f
}

// Breakpoints returns the knots where the slope really changes, ascending.
func (f *Rat) Breakpoints() []*big.Rat {
	s := f.Slopes()
	var b []*big.Rat
	for i, x := range f.X {
		if s[i].Cmp(s[i+1]) != 0 {
			b = append(b, x)
		}
	}
	return b
}

// NumPieces returns the number of maximal intervals on which f is affine.
func (f *Rat) NumPieces() int { return len(f.Breakpoints()) + 1 }

// Clone returns a deep copy of f.
func (f *Rat) Clone() *Rat {
	c := &Rat{X: make([]*big.Rat, len(f.X)), Y: make([]*big.Rat, len(f.Y)),
		SL: new(big.Rat).Set(f.SL), SR: new(big.Rat).Set(f.SR)}
	for i := range f.X {
		c.X[i] = new(big.Rat).Set(f.X[i])
		c.Y[i] = new(big.Rat).Set(f.Y[i])
	}
	return c
}

// Float returns f rounded to float64.
func (f *Rat) Float() *Func {
	g := &Func{X: make([]float64, len(f.X)), Y: make([]float64, len(f.Y))}
	for i := range f.X {
		g.X[i], _ = f.X[i].Float64()
		g.Y[i], _ = f.Y[i].Float64()
	}
	g.SL, _ = f.SL.Float64()
	g.SR, _ = f.SR.Float64()
	return g
}

// Equal reports whether f and g are the same function (exactly; the knot
// lists may differ by knots that are not breakpoints).
func (f *Rat) Equal(g *Rat) bool {
	a, b := f.Clone().Simplify(), g.Clone().Simplify()
	if a.SL.Cmp(b.SL) != 0 || a.SR.Cmp(b.SR) != 0 {
		return false
	}
	bpA, bpB := f.Breakpoints(), g.Breakpoints()
	if len(bpA) != len(bpB) {
		return false
	}
	for i := range bpA {
		if bpA[i].Cmp(bpB[i]) != 0 {
			return false
		}
	}
	// Same breakpoints and end slopes: equal iff equal at one point.
	return a.Eval(a.X[0]).Cmp(b.Eval(a.X[0])) == 0 && a.Eval(b.X[0]).Cmp(b.Eval(b.X[0])) == 0
}

// Restrict returns the restriction of f to [a, b]: knots a, the knots of f in
// (a, b), and b, extended affinely outside, so NumPieces counts the pieces
// inside [a, b]. It panics unless a < b.
func (f *Rat) Restrict(a, b *big.Rat) *Rat {
	if a.Cmp(b) >= 0 {
		panic("pwl: Restrict needs a < b")
	}
	r := &Rat{}
	r.X = append(r.X, new(big.Rat).Set(a))
	r.Y = append(r.Y, f.Eval(a))
	for i, x := range f.X {
		if a.Cmp(x) < 0 && x.Cmp(b) < 0 {
			r.X = append(r.X, new(big.Rat).Set(x))
			r.Y = append(r.Y, new(big.Rat).Set(f.Y[i]))
		}
	}
	r.X = append(r.X, new(big.Rat).Set(b))
	r.Y = append(r.Y, f.Eval(b))
	n := len(r.X)
	r.SL = r.slope(0)
	r.SR = r.slope(n - 2)
	return r
}

// Add returns f + g exactly (not simplified).
func (f *Rat) Add(g *Rat) *Rat {
	x := sorted.UnionFunc(f.X, g.X, (*big.Rat).Cmp)
	r := &Rat{X: make([]*big.Rat, len(x)), Y: make([]*big.Rat, len(x)),
		SL: new(big.Rat).Add(f.SL, g.SL), SR: new(big.Rat).Add(f.SR, g.SR)}
	for i, t := range x {
		r.X[i] = new(big.Rat).Set(t)
		r.Y[i] = new(big.Rat).Add(f.Eval(t), g.Eval(t))
	}
	return r
}

// Scale returns c·f exactly.
func (f *Rat) Scale(c *big.Rat) *Rat {
	r := f.Clone()
	for i := range r.Y {
		r.Y[i].Mul(r.Y[i], c)
	}
	r.SL.Mul(r.SL, c)
	r.SR.Mul(r.SR, c)
	return r
}

// Compose returns g∘f exactly (not simplified).
func (g *Rat) Compose(f *Rat) *Rat {
	var x []*big.Rat
	pre := func(x0, y0, s, lo, hi *big.Rat) {
		if s.Sign() == 0 {
			return
		}
		for _, k := range g.X {
			t := new(big.Rat).Sub(k, y0)
			t.Quo(t, s)
			t.Add(t, x0)
			if (lo == nil || t.Cmp(lo) > 0) && (hi == nil || t.Cmp(hi) < 0) {
				x = append(x, t)
			}
		}
	}
	n := len(f.X)
	pre(f.X[0], f.Y[0], f.SL, nil, f.X[0])
	for i := 0; i < n; i++ {
		x = append(x, new(big.Rat).Set(f.X[i]))
		if i+1 < n {
			pre(f.X[i], f.Y[i], f.slope(i), f.X[i], f.X[i+1])
		}
	}
	pre(f.X[n-1], f.Y[n-1], f.SR, f.X[n-1], nil)
	sort.Slice(x, func(i, j int) bool { return x[i].Cmp(x[j]) < 0 })
	k := 0
	for i, v := range x {
		if i == 0 || v.Cmp(x[k-1]) != 0 {
			x[k] = v
			k++
		}
	}
	x = x[:k]
	r := &Rat{X: x, Y: make([]*big.Rat, len(x))}
	for i, t := range x {
		r.Y[i] = g.Eval(f.Eval(t))
	}
	end := func(left bool, fs *big.Rat) *big.Rat {
		s := new(big.Rat)
		switch {
		case fs.Sign() == 0:
		case (fs.Sign() > 0) != left:
			s.Mul(g.SR, fs)
		default:
			s.Mul(g.SL, fs)
		}
		return s
	}
	r.SL, r.SR = end(true, f.SL), end(false, f.SR)
	return r
}
