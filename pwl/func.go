package pwl

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/relucid/relucid/internal/sorted"
)

// Func is a continuous piecewise linear function R → R in float64.
//
// X holds the knots in strictly ascending order and Y the values f(X[i]).
// SL is the slope of f left of X[0] and SR the slope right of X[len(X)-1].
// Between consecutive knots f is the linear interpolant of the values.
//
// A Func always has at least one knot. An affine function is stored with a
// single knot, its anchor, and SL == SR; functions built by this package
// anchor affine functions at their leftmost original knot (0 for a net on
// the whole line, A for a net on [A, B]).
//
// Knots need not be breakpoints: Simplify removes the knots where the slope
// does not change.
type Func struct {
	X, Y   []float64
	SL, SR float64

	// certPieces, when positive, is the certified piece count of a Func
	// returned by the engine (its knots are exactly its breakpoints), so
	// that NumPieces and Breakpoints never second-guess it with SlopeTol.
	certPieces int
}

// ErrEmpty is returned for a function description without knots.
var ErrEmpty = errors.New("pwl: function has no knots")

// Check reports whether f is well formed: at least one knot, len(X) ==
// len(Y), strictly ascending finite knots, finite values and slopes.
func (f *Func) Check() error {
	if len(f.X) == 0 {
		return ErrEmpty
	}
	if len(f.X) != len(f.Y) {
		return fmt.Errorf("pwl: %d knots but %d values", len(f.X), len(f.Y))
	}
	for i, x := range f.X {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(f.Y[i]) || math.IsInf(f.Y[i], 0) {
			return fmt.Errorf("pwl: knot %d (%v, %v) is not finite", i, x, f.Y[i])
		}
		if i > 0 && !(f.X[i-1] < x) {
			return fmt.Errorf("pwl: knots %d and %d (%v, %v) are not strictly ascending", i-1, i, f.X[i-1], x)
		}
	}
	if math.IsNaN(f.SL) || math.IsInf(f.SL, 0) || math.IsNaN(f.SR) || math.IsInf(f.SR, 0) {
		return fmt.Errorf("pwl: end slopes (%v, %v) are not finite", f.SL, f.SR)
	}
	return nil
}

// Eval returns f(x).
func (f *Func) Eval(x float64) float64 {
	n := len(f.X)
	if x <= f.X[0] {
		return f.Y[0] + f.SL*(x-f.X[0])
	}
	if x >= f.X[n-1] {
		return f.Y[n-1] + f.SR*(x-f.X[n-1])
	}
	i := sort.SearchFloat64s(f.X, x) // X[i-1] < x <= X[i]
	if f.X[i] == x {
		return f.Y[i]
	}
	t := (x - f.X[i-1]) / (f.X[i] - f.X[i-1])
	return f.Y[i-1] + t*(f.Y[i]-f.Y[i-1])
}

// Slopes returns the slopes of the len(X)+1 intervals cut by the knots,
// left to right: SL, the slopes between consecutive knots, SR.
func (f *Func) Slopes() []float64 {
	s := make([]float64, 0, len(f.X)+1)
	s = append(s, f.SL)
	for i := 1; i < len(f.X); i++ {
		s = append(s, (f.Y[i]-f.Y[i-1])/(f.X[i]-f.X[i-1]))
	}
	return append(s, f.SR)
}

// SlopeTol is the relative tolerance Simplify uses to call two float slopes
// a, b at a knot equal:
//
//	|a − b| ≤ SlopeTol · max(|a|, |b|, Y/h),
//
// where Y is the largest |value| at the knot and its neighbours and h the
// shorter adjacent segment (Y/h is the size of a slope that the rounding of
// the values alone can fake). Slopes computed from values carrying relative
// error ≈ u = 2⁻⁵³ differ from the truth by a few u relative to these
// scales; 2⁻⁴⁰ ≈ 9·10⁻¹³ leaves a margin of 2¹¹ for error accumulated
// upstream (Compose, Add of rounded data).
//
// Functions returned by FromNet, FromNetOn and Extract (and their Clone
// and Restrict) do not use it: their knots are exactly the certified
// breakpoints, and NumPieces, Breakpoints and Simplify report them as
// certified.
const SlopeTol = 0x1p-40

// removable reports whether knot i can be dropped (slopes s[i], s[i+1]
// agree up to SlopeTol).
func (f *Func) removable(s []float64, i int) bool {
	a, b := s[i], s[i+1]
	scale := math.Max(math.Abs(a), math.Abs(b))
	y := math.Abs(f.Y[i])
	h := math.Inf(1)
	if i > 0 {
		y = math.Max(y, math.Abs(f.Y[i-1]))
		h = f.X[i] - f.X[i-1]
	}
	if i+1 < len(f.X) {
		y = math.Max(y, math.Abs(f.Y[i+1]))
		h = math.Min(h, f.X[i+1]-f.X[i])
	}
	if !math.IsInf(h, 1) {
		scale = math.Max(scale, y/h)
	}
	return math.Abs(a-b) <= SlopeTol*scale
}

// Simplify removes the knots where the slope does not change (up to
// SlopeTol) and returns f. When no breakpoint remains the leftmost knot is
// kept as the anchor.
func (f *Func) Simplify() *Func {
	if f.certPieces > 0 {
		return f
	}
	s := f.Slopes()
	drop := make([]bool, len(f.X))
	for i := range f.X {
		drop[i] = f.removable(s, i)
	}
	k := 0
	for i := range f.X {
		if drop[i] {
			continue
		}
		f.X[k], f.Y[k] = f.X[i], f.Y[i]
		k++
	}
	if k == 0 {
		k = 1
		f.SR = f.SL
	}
	f.X, f.Y = f.X[:k], f.Y[:k]
	return f
}

// Breakpoints returns the knots where the slope changes (up to SlopeTol),
// ascending, without modifying f.
func (f *Func) Breakpoints() []float64 {
	if f.certPieces == 1 {
		return nil
	}
	if f.certPieces > 1 {
		return append([]float64(nil), f.X...)
	}
	c := f.Clone().Simplify()
	if len(c.X) == 1 && c.SL == c.SR {
		return nil
	}
	return c.X
}

// NumPieces returns the number of maximal intervals on which f is affine:
// one more than the number of breakpoints (decided up to SlopeTol).
func (f *Func) NumPieces() int {
	if f.certPieces > 0 {
		return f.certPieces
	}
	return len(f.Breakpoints()) + 1
}

// Clone returns a deep copy of f.
func (f *Func) Clone() *Func {
	return &Func{X: append([]float64(nil), f.X...), Y: append([]float64(nil), f.Y...), SL: f.SL, SR: f.SR, certPieces: f.certPieces}
}

// Restrict returns the restriction of f to [a, b] as a Func whose knots are
// a, the knots of f inside (a, b), and b; outside [a, b] it extends the end
// pieces affinely, so NumPieces counts pieces inside the domain only.
// It panics unless a < b.
func (f *Func) Restrict(a, b float64) *Func {
	if !(a < b) {
		panic("pwl: Restrict needs a < b")
	}
	r := &Func{}
	r.X = append(r.X, a)
	r.Y = append(r.Y, f.Eval(a))
	for i, x := range f.X {
		if a < x && x < b {
			r.X = append(r.X, x)
			r.Y = append(r.Y, f.Y[i])
		}
	}
	r.X = append(r.X, b)
	r.Y = append(r.Y, f.Eval(b))
	r.SL = (r.Y[1] - r.Y[0]) / (r.X[1] - r.X[0])
	n := len(r.X)
	r.SR = (r.Y[n-1] - r.Y[n-2]) / (r.X[n-1] - r.X[n-2])
	switch {
	case f.certPieces > 1 && n > 2:
		// Keep only the certified breakpoints inside (a, b).
		r.X, r.Y = r.X[1:n-1], r.Y[1:n-1]
		r.certPieces = n - 1
	case f.certPieces > 0:
		r.X, r.Y, r.SR = r.X[:1], r.Y[:1], r.SL
		r.certPieces = 1
	}
	return r
}

// Add returns f + g (not simplified).
func (f *Func) Add(g *Func) *Func {
	x := sorted.UnionFunc(f.X, g.X, cmp.Compare[float64])
	y := make([]float64, len(x))
	for i, t := range x {
		y[i] = f.Eval(t) + g.Eval(t)
	}
	return &Func{X: x, Y: y, SL: f.SL + g.SL, SR: f.SR + g.SR}
}

// Scale returns c·f.
func (f *Func) Scale(c float64) *Func {
	r := f.Clone()
	for i := range r.Y {
		r.Y[i] *= c
	}
	r.SL *= c
	r.SR *= c
	return r
}

// Compose returns g∘f, x ↦ g(f(x)) (not simplified). Its knots are the knots
// of f and the preimages of the knots of g under each piece of f.
func (g *Func) Compose(f *Func) *Func {
	var x []float64
	// preimages of g's knots on a piece of f given by its endpoints; an
	// unbounded piece uses its slope.
	pre := func(x0, y0, s, lo, hi float64) {
		if s == 0 {
			return
		}
		for _, k := range g.X {
			t := x0 + (k-y0)/s
			if t > lo && t < hi {
				x = append(x, t)
			}
		}
	}
	n := len(f.X)
	pre(f.X[0], f.Y[0], f.SL, math.Inf(-1), f.X[0])
	for i := 0; i < n; i++ {
		x = append(x, f.X[i])
		if i+1 < n {
			s := (f.Y[i+1] - f.Y[i]) / (f.X[i+1] - f.X[i])
			pre(f.X[i], f.Y[i], s, f.X[i], f.X[i+1])
		}
	}
	pre(f.X[n-1], f.Y[n-1], f.SR, f.X[n-1], math.Inf(1))
	sort.Float64s(x)
	x = dedup(x)
	y := make([]float64, len(x))
	for i, t := range x {
		y[i] = g.Eval(f.Eval(t))
	}
	gs := func(left bool, fs float64) float64 {
		// slope of g at ±∞ of its argument
		if fs == 0 {
			return 0
		}
		if (fs > 0) != left {
			return g.SR * fs
		}
		return g.SL * fs
	}
	return &Func{X: x, Y: y, SL: gs(true, f.SL), SR: gs(false, f.SR)}
}

func dedup(x []float64) []float64 {
	k := 0
	for i, v := range x {
		if i == 0 || v != x[k-1] {
			x[k] = v
			k++
		}
	}
	return x[:k]
}
