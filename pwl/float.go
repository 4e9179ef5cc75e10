package pwl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/relucid/relucid/relu"
)

// uncertain is the internal error the float engine returns when a decision
// (a sign, the order of two crossings, whether a slope changes) is too close
// to call with its error bound; the caller then runs the exact engine.
type uncertain struct{ why string }

func (u uncertain) Error() string { return "pwl: float decision too close to call: " + u.why }

func unsure(format string, a ...any) error { return uncertain{fmt.Sprintf(format, a...)} }

// Options selects how Extract computes the PWL function of a net.
type Options struct {
	// Domain restricts the function to [A, B] when set; A < B is required.
	Domain bool
	A, B   float64
	// ARat, BRat, when non-nil, give the exact domain ends used by the exact
	// engine (for ends such as 1/10 that float64 cannot hold); A and B must
	// then be their roundings.
	ARat, BRat *big.Rat
	// Exact runs the rational engine only.
	Exact bool
}

// Info reports how Extract obtained its answer.
type Info struct {
	// Exact is true when the breakpoints, values and end slopes returned
	// are exact, not only the count: they came from the rational engine, or
	// the float engine's error bounds for them are all zero (an error-free
	// run, as for dyadic nets such as the sawtooth).
	Exact bool
	// Rational is true when the rational engine computed the answer.
	Rational bool
	// Fallback holds, when the float engine handed over to the rational
	// engine, the decision it could not certify.
	Fallback string
	// Pieces is the exact number of pieces (certified by the float
	// engine's error bounds or computed exactly).
	Pieces int
	// Knots is the number of knots (breakpoints and non-breakpoints) the
	// propagation held after the last layer.
	Knots int
}

// FromNet returns the PWL function computed by the R → R net on the whole
// real line, simplified so that its knots are exactly its breakpoints.
//
// It runs the float64 engine, which decides every sign, crossing order and
// slope change with a rigorous error bound, and falls back to the exact
// rational engine when a decision is too close to call; so the number of
// pieces and the breakpoint structure it reports are exact, and the
// breakpoint positions and values are float64 approximations.
func FromNet(ctx context.Context, net *relu.Net) (*Func, error) {
	f, _, err := Extract(ctx, net, Options{})
	return f, err
}

// FromNetOn is FromNet restricted to the domain [a, b]; see Func.Restrict
// for the form of the result.
func FromNetOn(ctx context.Context, net *relu.Net, a, b float64) (*Func, error) {
	f, _, err := Extract(ctx, net, Options{Domain: true, A: a, B: b})
	return f, err
}

// Extract is FromNet with options and a report of how the answer was found.
// The returned Func's knots are its breakpoints and its NumPieces is
// Info.Pieces. After a fallback to the rational engine the breakpoints are
// roundings of exact ones; two breakpoints closer than float64 resolution
// may then round to the same float (FromNetRat keeps them apart).
func Extract(ctx context.Context, net *relu.Net, opt Options) (*Func, Info, error) {
	f, r, info, err := extract(ctx, net, opt, false)
	if err != nil {
		return nil, info, err
	}
	if f == nil {
		f = r.Float()
		f.certPieces = info.Pieces
	}
	return f, info, nil
}

// ExtractRat returns the exact PWL function of net, like FromNetRat and
// FromNetRatOn, but tries the float engine first: when its answer is exact
// to the last bit (every error bound of the result is zero, as for dyadic
// nets such as the sawtooth) the floats are the exact rationals and the
// rational engine is not run. Otherwise Info.Fallback says why the rational
// engine was needed. Options.Exact skips the float engine.
func ExtractRat(ctx context.Context, net *relu.Net, opt Options) (*Rat, Info, error) {
	f, r, info, err := extract(ctx, net, opt, true)
	if err != nil {
		return nil, info, err
	}
	if r == nil {
		r = &Rat{X: make([]*big.Rat, len(f.X)), Y: make([]*big.Rat, len(f.Y)),
			SL: new(big.Rat).SetFloat64(f.SL), SR: new(big.Rat).SetFloat64(f.SR)}
		for i := range f.X {
			r.X[i] = new(big.Rat).SetFloat64(f.X[i])
			r.Y[i] = new(big.Rat).SetFloat64(f.Y[i])
		}
	}
	return r, info, nil
}

// extract runs the float engine unless opt.Exact, and the rational engine
// when the float engine cannot certify the count or, with needExact, when
// its numbers are not exact. It returns the float result or the rational
// one (exactly one is non-nil).
func extract(ctx context.Context, net *relu.Net, opt Options, needExact bool) (*Func, *Rat, Info, error) {
	var info Info
	if err := checkNet(net); err != nil {
		return nil, nil, info, err
	}
	if opt.Domain {
		if !(opt.A < opt.B) || math.IsInf(opt.A, 0) || math.IsInf(opt.B, 0) {
			return nil, nil, info, fmt.Errorf("%w: [%v, %v]", ErrDomain, opt.A, opt.B)
		}
		if (opt.ARat == nil) != (opt.BRat == nil) {
			panic("pwl: Options.ARat and BRat must be set together")
		}
		if opt.ARat != nil && opt.ARat.Cmp(opt.BRat) >= 0 {
			return nil, nil, info, fmt.Errorf("%w: [%s, %s]", ErrDomain, opt.ARat.RatString(), opt.BRat.RatString())
		}
	}
	// Domain ends that float64 cannot hold (such as 1/10): the float engine
	// runs on their roundings, and its count stands only if no breakpoint
	// can lie between a rounded end and the exact one.
	offA := opt.ARat != nil && !ratIsFloat(opt.ARat, opt.A)
	offB := opt.BRat != nil && !ratIsFloat(opt.BRat, opt.B)
	if net.Depth() == 2 && net.Width() >= oneLayerMin {
		// Sorting the kinks is exact and O(w log w); the grid would be
		// quadratic in the width here.
		opt.Exact = true
	}
	if !opt.Exact {
		e := &fltEngine{}
		f, err := e.run(ctx, net, opt)
		var u uncertain
		if err == nil {
			if why := e.nearEnds(f, offA, offB, opt.A, opt.B); why != "" {
				err = uncertain{why}
			}
		}
		if err == nil {
			info.Knots = e.K
			info.Pieces = e.pieces
			info.Exact = e.exactOut && !offA && !offB
			f.certPieces = e.pieces
			if info.Exact || !needExact {
				return f, nil, info, nil
			}
			info.Fallback = "the float count is certified but its numbers are not exact to the last bit"
		} else if !errors.As(err, &u) {
			return nil, nil, info, err
		} else {
			info.Fallback = u.why
		}
	}
	info.Exact, info.Rational = true, true
	var r *Rat
	var err error
	if opt.Domain {
		a, b := opt.ARat, opt.BRat
		if a == nil {
			a, b = new(big.Rat).SetFloat64(opt.A), new(big.Rat).SetFloat64(opt.B)
		}
		r, err = FromNetRatOn(ctx, net, a, b)
	} else {
		r, err = FromNetRat(ctx, net)
	}
	if err != nil {
		return nil, nil, info, err
	}
	info.Knots = len(r.X)
	info.Pieces = r.NumPieces()
	return nil, r, info, nil
}

func ratIsFloat(r *big.Rat, f float64) bool {
	g, exact := r.Float64()
	return exact && g == f
}

// fltEngine is the float64 propagation with error bounds. For every knot k
// and unit i of the current layer it holds the value v and its error bound
// e, and the jump of the slope at the knot j (slope right − slope left) with
// bound ej; for every interval between knots (row 0 is the ray left of the
// first knot, row K the ray right of the last) the slope s with bound es.
// All arrays are knot-major and flat, and reused between layers.
//
// Every error bound is an upper bound of |computed − exact| where "exact"
// is the net evaluated in rational arithmetic at the exact point the knot
// stands for (within e.te of its float position e.t); a bound of
// 0 means the value is exact. Slopes and jumps are propagated rather than
// recomputed from values, so a jump that is exactly zero (a unit whose kink
// is masked downstream) stays exactly zero.
type fltEngine struct {
	bounded bool
	w, K    int
	pieces  int       // certified piece count, set by result
	bpErr   []float64 // position bounds of the breakpoints, set by result
	// exactOut reports that every returned number has error bound 0.
	exactOut bool
	t, te    []float64
	v, e     []float64
	j, ej    []float64
	s, es    []float64

	nt, nte               []float64
	nv, ne, nj, nej       []float64
	ns, nes               []float64
	tmp, tmpE, dW, dB     []float64
	sig, rayL, rayR, side []int8
	sigL, sigR            []int8 // signs at the ends of the current interval
	crossAt               []float64
	cr                    []fcross
	valBuf, errBuf        []float64
}

type fcross struct {
	t, perr float64
	unit    int
}

func growF(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([]float64, n-cap(s))...)
}

func growI8(s []int8, n int) []int8 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int8, n)
}

// sign classifies v with error bound e: +1, −1, 0 (exactly zero), or 2 when
// the sign is not certain.
func sign(v, e float64) int8 {
	switch {
	case v > e:
		return 1
	case v < -e:
		return -1
	case v == 0 && e == 0:
		return 0
	}
	return 2
}

func (e *fltEngine) run(ctx context.Context, net *relu.Net, opt Options) (*Func, error) {
	e.w = 1
	if opt.Domain {
		e.bounded = true
		e.K = 2
		e.t = append(e.t[:0], opt.A, opt.B)
		e.te = append(e.te[:0], 0, 0)
		e.v = append(e.v[:0], opt.A, opt.B)
		e.e = append(e.e[:0], 0, 0)
		e.j = append(e.j[:0], 0, 0)
		e.ej = append(e.ej[:0], 0, 0)
		e.s = append(e.s[:0], 1, 1, 1)
		e.es = append(e.es[:0], 0, 0, 0)
	} else {
		e.K = 1
		e.t = append(e.t[:0], 0)
		e.te = append(e.te[:0], 0)
		e.v = append(e.v[:0], 0)
		e.e = append(e.e[:0], 0)
		e.j = append(e.j[:0], 0)
		e.ej = append(e.ej[:0], 0)
		e.s = append(e.s[:0], 1, 1)
		e.es = append(e.es[:0], 0, 0)
	}
	for k := range net.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := e.affine(&net.Layers[k]); err != nil {
			return nil, err
		}
		if k < len(net.Layers)-1 {
			if err := e.relu(ctx); err != nil {
				return nil, err
			}
		}
	}
	return e.result()
}

// weightErr sets e.dW and e.dB to upper bounds of |WR − W| and |BR − B|.
func (e *fltEngine) weightErr(l *relu.Layer) {
	e.dW = growF(e.dW, len(l.W))
	e.dB = growF(e.dB, len(l.B))
	var d, f big.Rat
	bound := func(x float64, r *big.Rat) float64 {
		if g, exact := r.Float64(); exact && g == x {
			return 0 // the common case: the weight is a float64
		}
		f.SetFloat64(x)
		if f.Cmp(r) == 0 {
			return 0
		}
		d.Sub(r, &f)
		g, _ := d.Abs(&d).Float64()
		return math.Nextafter(g, math.Inf(1))
	}
	for i, x := range l.W {
		e.dW[i] = bound(x, l.WR[i])
	}
	for i, x := range l.B {
		e.dB[i] = bound(x, l.BR[i])
	}
}

// affineRows maps rows of width l.In in x (with error bounds ex) to rows of
// width l.Out in place, adding the bias when withBias. Each output is
// b + Σ w_j x_j computed with TwoProd and TwoSum, so its bound
//
//	|db| + Σ (|π_j| + |σ_j| + |w_j|·ex_j + dw_j·(|x_j| + ex_j))
//
// (π_j, σ_j the exact rounding errors of the products and sums, dw_j the
// distance of the float weight to the exact one) bounds its distance to
// WR·x* + BR for every x* with |x*_j − x_j| ≤ ex_j, and is 0 exactly when
// the result is exact.
func (e *fltEngine) affineRows(x, ex []float64, rows int, l *relu.Layer, withBias bool) error {
	w, w2 := l.In, l.Out
	e.tmp = growF(e.tmp, 2*w)
	xv, xe := e.tmp[:w], e.tmp[w:2*w]
	W, dW := l.W, e.dW
	// In place: forward when rows shrink, backward when they grow, so that
	// no unread row is overwritten.
	r, step, end := 0, 1, rows
	if w2 > w {
		r, step, end = rows-1, -1, -1
	}
	bad := false
	for ; r != end; r += step {
		copy(xv, x[r*w:(r+1)*w])
		copy(xe, ex[r*w:(r+1)*w])
		out, outE := x[r*w2:(r+1)*w2], ex[r*w2:(r+1)*w2]
		for i := range out {
			var s, err float64
			if withBias {
				s, err = l.B[i], e.dB[i]
			}
			row, drow := W[i*w:(i+1)*w], dW[i*w:(i+1)*w]
			for j, wv := range row {
				xj, ej := xv[j], xe[j]
				if xj == 0 && ej == 0 {
					continue
				}
				p := wv * xj
				pe := math.FMA(wv, xj, -p)
				t := s + p
				bb := t - s
				se := (s - (t - bb)) + (p - bb)
				s = t
				err += math.Abs(pe) + math.Abs(se) + math.Abs(wv)*ej + drow[j]*(math.Abs(xj)+ej)
				bad = bad || badMag(p)
			}
			if err != 0 {
				err *= errSlack
			}
			bad = bad || badMag(s)
			out[i], outE[i] = s, err
		}
		if bad {
			return unsure("a value near row %d is too small or large for float64 error bounds", r)
		}
	}
	return nil
}

func (e *fltEngine) affine(l *relu.Layer) error {
	e.weightErr(l)
	K, mw := e.K, max(e.w, l.Out)
	e.v, e.e = growF(e.v, K*mw), growF(e.e, K*mw)
	e.j, e.ej = growF(e.j, K*mw), growF(e.ej, K*mw)
	e.s, e.es = growF(e.s, (K+1)*mw), growF(e.es, (K+1)*mw)
	if err := e.affineRows(e.v, e.e, K, l, true); err != nil {
		return err
	}
	if err := e.affineRows(e.j, e.ej, K, l, false); err != nil {
		return err
	}
	if err := e.affineRows(e.s, e.es, K+1, l, false); err != nil {
		return err
	}
	e.w = l.Out
	e.v, e.e = e.v[:K*e.w], e.e[:K*e.w]
	e.j, e.ej = e.j[:K*e.w], e.ej[:K*e.w]
	e.s, e.es = e.s[:(K+1)*e.w], e.es[:(K+1)*e.w]
	return nil
}

// knotSigns fills dst with the certified signs of the units at knot k.
func (e *fltEngine) knotSigns(dst []int8, k int) error {
	w := e.w
	for i := 0; i < w; i++ {
		s := sign(e.v[k*w+i], e.e[k*w+i])
		if s == 2 {
			return unsure("unit %d at x=%g has value %g within its error bound %g", i, e.t[k], e.v[k*w+i], e.e[k*w+i])
		}
		dst[i] = s
	}
	return nil
}

// raySign returns the sign of unit i far out on a ray, from the ray's slope
// row and the sign z at the ray's finite end; dir is −1 for the left ray.
func (e *fltEngine) raySign(row, i int, z int8, dir int8) (int8, error) {
	s := sign(e.s[row*e.w+i], e.es[row*e.w+i])
	if s == 2 {
		if e.bounded {
			return z, nil
		}
		return 0, unsure("slope %g of unit %d on a ray is within its error bound %g", e.s[row*e.w+i], i, e.es[row*e.w+i])
	}
	if e.bounded || s == 0 {
		return z, nil
	}
	return s * dir, nil
}

// valAt returns the value of unit i at the exact point ξ with |ξ − x| ≤ xe,
// extrapolated from knot k along the slope of interval row, with an error
// bound. (Knot k itself stands for an exact point within e.te[k] of e.t[k].)
func (e *fltEngine) valAt(i, k, row int, x, xe float64) (float64, float64) {
	w := e.w
	dx, edx := twoSum(x, -e.t[k])
	sl, esl := e.s[row*w+i], e.es[row*w+i]
	p, ep := twoProd(sl, dx)
	val, es := twoSum(e.v[k*w+i], p)
	err := e.e[k*w+i] + esl*(math.Abs(dx)+math.Abs(edx)) + math.Abs(sl)*math.Abs(edx) + math.Abs(ep) + math.Abs(es) +
		(math.Abs(sl)+esl)*(xe+e.te[k])
	if err != 0 {
		err *= errSlack
	}
	return val, err
}

// emitRow appends the slope row of a piece of interval row, on which unit i
// has sign sig[i] (after σ only positive units keep their slope).
func (e *fltEngine) emitRow(row int, sig []int8) {
	w := e.w
	n := len(e.ns)
	e.ns, e.nes = e.ns[:n+w], e.nes[:n+w]
	src, srcE := e.s[row*w:(row+1)*w], e.es[row*w:(row+1)*w]
	dst, dstE := e.ns[n:n+w], e.nes[n:n+w]
	for i, g := range sig {
		if g > 0 {
			dst[i], dstE[i] = src[i], srcE[i]
		} else {
			dst[i], dstE[i] = 0, 0
		}
	}
}

// pushKnot appends a knot standing for an exact point within te of t and
// returns the offset of its rows. Capacity was reserved by relu.
func (e *fltEngine) pushKnot(t, te float64) int {
	e.nt = append(e.nt, t)
	e.nte = append(e.nte, te)
	n := len(e.nv)
	m := n + e.w
	e.nv, e.ne, e.nj, e.nej = e.nv[:m], e.ne[:m], e.nj[:m], e.nej[:m]
	return n
}

// reserve returns s emptied with capacity at least n.
func reserve(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, 0, n)
	}
	return s[:0]
}

func (e *fltEngine) relu(ctx context.Context) error {
	w, K := e.w, e.K
	// Certified signs at all knots, and an upper bound of the crossings
	// (one per unit and interval with a strict sign change, and per ray),
	// so that the output buffers are allocated once.
	e.sig = growI8(e.sig, K*w)
	for k := 0; k < K; k++ {
		if err := e.knotSigns(e.sig[k*w:(k+1)*w], k); err != nil {
			return err
		}
	}
	n := K + 2*w
	for x := 0; x+w < len(e.sig); x++ {
		if e.sig[x]*e.sig[x+w] == -1 {
			n++
		}
	}
	e.nt, e.nte = reserve(e.nt, n), reserve(e.nte, n)
	e.nv, e.ne, e.nj, e.nej = reserve(e.nv, n*w), reserve(e.ne, n*w), reserve(e.nj, n*w), reserve(e.nej, n*w)
	e.ns, e.nes = reserve(e.ns, (n+1)*w), reserve(e.nes, (n+1)*w)
	e.rayL, e.rayR = growI8(e.rayL, w), growI8(e.rayR, w)
	e.side = growI8(e.side, w)
	e.crossAt = growF(e.crossAt, w)
	for r := 0; r <= K; r++ {
		if r&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// Signs at the two ends of interval r.
		switch {
		case r == 0:
			e.sigR = e.sig[:w]
			for i := 0; i < w; i++ {
				s, err := e.raySign(0, i, e.sigR[i], -1)
				if err != nil {
					return err
				}
				e.rayL[i] = s
			}
			e.sigL = e.rayL
		case r == K:
			e.sigL = e.sig[(K-1)*w:]
			for i := 0; i < w; i++ {
				s, err := e.raySign(K, i, e.sigL[i], 1)
				if err != nil {
					return err
				}
				e.rayR[i] = s
			}
			e.sigR = e.rayR
		default:
			e.sigL, e.sigR = e.sig[(r-1)*w:r*w], e.sig[r*w:(r+1)*w]
		}
		if err := e.interval(r); err != nil {
			return err
		}
	}
	if e.bounded {
		// Rays lie outside the domain; give them the slopes of the end
		// segments so that the result extends its end pieces.
		copy(e.ns[:w], e.ns[w:2*w])
		copy(e.nes[:w], e.nes[w:2*w])
		n := len(e.ns)
		copy(e.ns[n-w:], e.ns[n-2*w:n-w])
		copy(e.nes[n-w:], e.nes[n-2*w:n-w])
	}
	e.K = len(e.nt)
	e.t, e.nt = e.nt, e.t
	e.te, e.nte = e.nte, e.te
	e.v, e.nv = e.nv, e.v
	e.e, e.ne = e.ne, e.e
	e.j, e.nj = e.nj, e.j
	e.ej, e.nej = e.nej, e.ej
	e.s, e.ns = e.ns, e.s
	e.es, e.nes = e.nes, e.es
	return nil
}

// sideSigns sets e.side[i] to the sign of unit i on the piece of the
// current interval that ends at x (a crossing point, or +Inf for the last
// piece).
func (e *fltEngine) sideSigns(x float64) {
	for i := range e.side {
		c := e.crossAt[i]
		switch {
		case c == c: // crosses in this interval
			if x <= c {
				e.side[i] = e.sigL[i]
			} else {
				e.side[i] = e.sigR[i]
			}
		case e.sigL[i] != 0:
			e.side[i] = e.sigL[i]
		default:
			e.side[i] = e.sigR[i]
		}
	}
}

// interval handles interval r (between knots r−1 and r; r = 0 and r = K are
// the rays): it inserts the zero crossings of the units, emits the slope
// rows of the pieces and, when r < K, knot r, all after σ.
func (e *fltEngine) interval(r int) error {
	w, K := e.w, e.K
	ref := r - 1 // knot the crossings are measured from
	if r == 0 {
		ref = 0
	}
	e.cr = e.cr[:0]
	for i := 0; i < w; i++ {
		e.crossAt[i] = math.NaN()
		if e.sigL[i]*e.sigR[i] != -1 || (e.bounded && (r == 0 || r == K)) {
			continue
		}
		// The exact crossing is ξ = τ − z/s for the exact point τ of the
		// reference knot and the exact z, s; its float approximation is
		// tc = t − q with q = z/s rounded, and
		// |ξ − tc| ≤ te + |t − q − tc| + (|z − q·s| + e_z + |q|·e_s)/(|s| − e_s).
		sl, esl := e.s[r*w+i], e.es[r*w+i]
		if math.Abs(sl) <= esl {
			return unsure("slope %g of unit %d within its error bound %g", sl, i, esl)
		}
		z, ez := e.v[ref*w+i], e.e[ref*w+i]
		q := z / sl
		rem := math.FMA(q, sl, -z)
		tc, et := twoSum(e.t[ref], -q)
		if (r > 0 && !(tc > e.t[r-1])) || (r < K && !(tc < e.t[r])) || badMag(q) || badMag(tc) {
			return unsure("zero crossing of unit %d at %g rounds onto a knot", i, tc)
		}
		perr := e.te[ref] + math.Abs(et)
		if rem != 0 || ez != 0 || esl != 0 {
			perr += (math.Abs(rem) + ez + math.Abs(q)*esl) / (math.Abs(sl) - esl)
		}
		if perr != 0 {
			perr *= errSlack
		}
		e.crossAt[i] = tc
		e.cr = append(e.cr, fcross{tc, perr, i})
	}
	if len(e.cr) > 1 {
		slices.SortFunc(e.cr, func(a, b fcross) int {
			switch {
			case a.t < b.t:
				return -1
			case a.t > b.t:
				return 1
			}
			return 0
		})
		for q := 1; q < len(e.cr); q++ {
			a, b := e.cr[q-1], e.cr[q]
			if b.t-a.t <= a.perr+b.perr && !(a.t == b.t && a.perr == 0 && b.perr == 0) {
				return unsure("zero crossings of units %d and %d at %g and %g are closer than their error bounds", a.unit, b.unit, a.t, b.t)
			}
		}
	}
	for q := 0; q < len(e.cr); q++ {
		tc := e.cr[q].t
		if q > 0 && tc == e.cr[q-1].t {
			continue
		}
		e.sideSigns(tc)
		e.emitRow(r, e.side)
		tcErr := e.cr[q].perr
		o := e.pushKnot(tc, tcErr)
		for i := 0; i < w; i++ {
			if e.crossAt[i] == tc {
				// The knot is the exact crossing: the unit is exactly 0.
				e.nv[o+i], e.ne[o+i] = 0, 0
				if e.sigR[i] > 0 {
					e.nj[o+i], e.nej[o+i] = e.s[r*w+i], e.es[r*w+i]
				} else {
					e.nj[o+i], e.nej[o+i] = -e.s[r*w+i], e.es[r*w+i]
				}
				continue
			}
			e.nj[o+i], e.nej[o+i] = 0, 0
			if e.side[i] > 0 { // same sign on both sides of tc
				v, err := e.valAt(i, ref, r, tc, tcErr)
				e.nv[o+i], e.ne[o+i] = max(v, 0), err
			} else {
				e.nv[o+i], e.ne[o+i] = 0, 0
			}
		}
	}
	if len(e.cr) == 0 {
		// No crossing: every unit has one sign on the whole interval.
		for i := range e.side {
			if e.sigL[i] != 0 {
				e.side[i] = e.sigL[i]
			} else {
				e.side[i] = e.sigR[i]
			}
		}
	} else {
		e.sideSigns(math.Inf(1))
	}
	e.emitRow(r, e.side)
	if r == K {
		return nil
	}
	// Knot r itself.
	o := e.pushKnot(e.t[r], e.te[r])
	for i := 0; i < w; i++ {
		k := r*w + i
		switch e.sigR[i] { // sign at knot r
		case 1:
			e.nv[o+i], e.ne[o+i] = e.v[k], e.e[k]
			e.nj[o+i], e.nej[o+i] = e.j[k], e.ej[k]
		case -1:
			e.nv[o+i], e.ne[o+i] = 0, 0
			e.nj[o+i], e.nej[o+i] = 0, 0
		default: // exactly zero at the knot: a touch or a kink onto zero
			e.nv[o+i], e.ne[o+i] = 0, 0
			ls := e.sigL[i] // no crossing in interval r since the knot is 0
			var rs int8
			if r+1 < K {
				rs = e.sig[(r+1)*w+i]
			} else {
				s, err := e.raySign(K, i, 0, 1)
				if err != nil {
					return err
				}
				rs = s
			}
			switch {
			case ls > 0 && rs > 0:
				e.nj[o+i], e.nej[o+i] = e.j[k], e.ej[k]
			case rs > 0:
				e.nj[o+i], e.nej[o+i] = e.s[(r+1)*w+i], e.es[(r+1)*w+i]
			case ls > 0:
				e.nj[o+i], e.nej[o+i] = -e.s[r*w+i], e.es[r*w+i]
			default:
				e.nj[o+i], e.nej[o+i] = 0, 0
			}
		}
	}
	return nil
}

// nearEnds reports why the count on the rounded domain [a, b] might differ
// from the count on the exact one: a breakpoint within its position bound
// plus two ulps of a rounded end (offA, offB tell which ends were rounded).
func (e *fltEngine) nearEnds(f *Func, offA, offB bool, a, b float64) string {
	if e.pieces == 1 {
		return ""
	}
	for i, x := range f.X {
		for _, c := range []struct {
			off bool
			end float64
		}{{offA, a}, {offB, b}} {
			if !c.off {
				continue
			}
			slack := 2 * (math.Nextafter(math.Abs(c.end), math.Inf(1)) - math.Abs(c.end))
			if math.Abs(x-c.end) <= e.bpErr[i]+slack {
				return fmt.Sprintf("breakpoint %g is too close to the rounded domain end %g", x, c.end)
			}
		}
	}
	return ""
}

// result certifies, knot by knot, whether the output's slope changes, and
// returns the simplified function.
func (e *fltEngine) result() (*Func, error) {
	K := e.K
	f := &Func{}
	lo, hi := 0, K-1
	if e.bounded {
		lo, hi = 1, K-2
	}
	exact := true
	n := max(hi-lo+1, 1)
	f.X, f.Y, e.bpErr = make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n)
	for k := lo; k <= hi; k++ {
		switch sign(e.j[k], e.ej[k]) {
		case 0:
			continue
		case 2:
			return nil, unsure("slope change %g at x=%g is within its error bound %g", e.j[k], e.t[k], e.ej[k])
		}
		f.X = append(f.X, e.t[k])
		f.Y = append(f.Y, e.v[k])
		e.bpErr = append(e.bpErr, e.te[k])
		exact = exact && e.te[k] == 0 && e.e[k] == 0
	}
	e.pieces = len(f.X) + 1
	sl, sr := 0, K
	if e.bounded {
		sl, sr = 1, K-1
	}
	f.SL, f.SR = e.s[sl], e.s[sr]
	exact = exact && e.es[sl] == 0 && e.es[sr] == 0
	if len(f.X) == 0 {
		f.X, f.Y = []float64{e.t[0]}, []float64{e.v[0]}
		exact = exact && e.te[0] == 0 && e.e[0] == 0
	}
	e.exactOut = exact
	return f, nil
}

// LemmaD5 returns Lemma D.5's bound 2^{k−1}(w_1+1)w_2⋯w_k on the pieces of an
// R → R net with hidden widths w (1 when there is no hidden layer), as a
// big.Int since it overflows quickly.
func LemmaD5(w []int) *big.Int {
	if len(w) == 0 {
		return big.NewInt(1)
	}
	b := new(big.Int).Lsh(big.NewInt(1), uint(len(w)-1))
	b.Mul(b, big.NewInt(int64(w[0]+1)))
	for _, x := range w[1:] {
		b.Mul(b, big.NewInt(int64(x)))
	}
	return b
}
