package web

// A second, float64 algorithm for 1-D slices, independent of package pwl: the
// oracle against which the exact engine's breakpoints are checked.

import (
	"context"
	"math"
	"slices"

	"github.com/relucid/relucid/relu"
)

// Tolerances of the built-in float64 slice engine. Pre-activations along a
// line are sums of at most a few thousand products of float64 values, so
// their relative rounding error is far below 1e-10; slopes are differences
// of such values divided by knot gaps, which can lose several more digits
// when knots are close. sliceSlopeTol leaves that margin and still separates
// the slope changes of every net whose weights are not themselves within
// 1e-8 of each other.
const (
	// sliceSlopeTol: two adjacent slopes s, s' are equal when
	// |s − s'| ≤ sliceSlopeTol·(1 + max(|s|, |s'|)).
	sliceSlopeTol = 1e-8
	// sliceKnotTol: knots closer than sliceKnotTol·(Hi − Lo) are merged;
	// a zero crossing that close to an existing knot is that knot up to
	// rounding.
	sliceKnotTol = 1e-12
)

// sliceFloat is the float64 1-D oracle: it propagates the pre-activations of
// every unit as piecewise-linear functions of t on a shared knot list,
// inserting the zero crossings of each layer before applying the ReLU. Output
// out of the net is used.
func sliceFloat(ctx context.Context, n *relu.Net, out int, x0, d []float64, lo, hi float64) (*Slice1D, error) {
	if err := checkSliceArgs(n, out, x0, d, lo, hi); err != nil {
		return nil, err
	}
	ts := []float64{lo, hi}
	// vals[i][j] is the value of unit i of the current layer at knot j.
	in := n.InputDim()
	vals := make([][]float64, in)
	for i := range vals {
		vals[i] = []float64{x0[i] + lo*d[i], x0[i] + hi*d[i]}
	}
	last := len(n.Layers) - 1
	for k := range n.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		l := &n.Layers[k]
		rows := l.Out
		if k == last {
			rows = 1
		}
		pre := make([][]float64, rows)
		for r := range pre {
			i := r
			if k == last {
				i = out
			}
			row := l.W[i*l.In : (i+1)*l.In]
			p := make([]float64, len(ts))
			for j := range ts {
				s := l.B[i]
				for c, w := range row {
					s += w * vals[c][j]
				}
				p[j] = s
			}
			pre[r] = p
		}
		if k == last {
			vals = pre
			break
		}
		// Zero crossings of this layer's pre-activations.
		var cross []float64
		for _, p := range pre {
			for j := 0; j+1 < len(ts); j++ {
				a, b := p[j], p[j+1]
				if (a < 0 && b > 0) || (a > 0 && b < 0) {
					cross = append(cross, ts[j]+(ts[j+1]-ts[j])*a/(a-b))
				}
			}
		}
		if len(cross) > 0 {
			ts, pre = insertKnots(ts, pre, cross, sliceKnotTol*(hi-lo))
		}
		for _, p := range pre {
			for j, v := range p {
				p[j] = max(v, 0)
			}
		}
		vals = pre
	}
	return finishSlice(lo, hi, ts, vals[0]), nil
}

// insertKnots merges the new knots into ts and interpolates every function
// (affine between old knots) at them.
func insertKnots(ts []float64, fs [][]float64, add []float64, tol float64) ([]float64, [][]float64) {
	slices.Sort(add)
	nt := make([]float64, 0, len(ts)+len(add))
	nf := make([][]float64, len(fs))
	for i := range nf {
		nf[i] = make([]float64, 0, cap(nt))
	}
	a := 0
	for j := range ts {
		if j > 0 {
			for ; a < len(add) && add[a] < ts[j]; a++ {
				t := add[a]
				if t-nt[len(nt)-1] <= tol || ts[j]-t <= tol {
					continue
				}
				u := (t - ts[j-1]) / (ts[j] - ts[j-1])
				nt = append(nt, t)
				for i, f := range fs {
					nf[i] = append(nf[i], f[j-1]+u*(f[j]-f[j-1]))
				}
			}
		}
		nt = append(nt, ts[j])
		for i, f := range fs {
			nf[i] = append(nf[i], f[j])
		}
	}
	return nt, nf
}

// finishSlice drops knots where the slope does not change and fills in the
// breakpoints, slopes and piece count.
func finishSlice(lo, hi float64, ts, ys []float64) *Slice1D {
	s := &Slice1D{Lo: lo, Hi: hi, Knots: []float64{ts[0]}, Values: []float64{ys[0]}}
	slope := func(i, j int) float64 { return (ys[j] - ys[i]) / (ts[j] - ts[i]) }
	start := 0 // knot where the current piece starts
	for j := 1; j+1 < len(ts); j++ {
		a, b := slope(start, j), slope(j, j+1)
		if math.Abs(a-b) <= sliceSlopeTol*(1+max(math.Abs(a), math.Abs(b))) {
			continue
		}
		s.Knots = append(s.Knots, ts[j])
		s.Values = append(s.Values, ys[j])
		s.Breakpoints = append(s.Breakpoints, ts[j])
		s.BreakValues = append(s.BreakValues, ys[j])
		s.Slopes = append(s.Slopes, a)
		start = j
	}
	e := len(ts) - 1
	s.Knots = append(s.Knots, ts[e])
	s.Values = append(s.Values, ys[e])
	s.Slopes = append(s.Slopes, slope(start, e))
	s.Pieces = len(s.Slopes)
	if s.Breakpoints == nil {
		s.Breakpoints, s.BreakValues = []float64{}, []float64{}
	}
	return s
}
