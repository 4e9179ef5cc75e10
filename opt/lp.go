package opt

import (
	"errors"
	"math"
)

// Tolerances of the LP solver.
const (
	// lpDualTol: a reduced cost d_j improves when |d_j| > lpDualTol·(1+|c_j|+‖y‖·‖N_j‖),
	// a relative tolerance well above rounding (≈1e-14 for p ≤ 20 rows)
	// and well below any meaningful loss difference.
	lpDualTol = 1e-10
	// lpPivTol: pivot elements smaller than this (relative to the column's
	// largest entry) are not used, to keep B well conditioned.
	lpPivTol = 1e-9
	// lpRefactor: the explicit basis inverse is recomputed from scratch
	// every lpRefactor pivots to stop rounding from accumulating.
	lpRefactor = 40
	// lpBlandAfter: consecutive degenerate pivots after which pricing
	// switches to Bland's rule (which cannot cycle).
	lpBlandAfter = 30
)

// ErrUnbounded is returned when the LP has no finite minimum.
var ErrUnbounded = errors.New("opt: LP is unbounded")

// ErrSingular is returned when the basis becomes numerically singular.
var ErrSingular = errors.New("opt: singular basis")

// LP is a reusable workspace for the bounded-variable simplex method. The
// zero value is ready to use.
type LP struct {
	p, m     int
	basis    []int // p entries: column index, or m+i for artificial i
	isBasic  []int // m+p entries: position in basis or −1
	v        []float64
	Binv     []float64 // p×p
	y, alpha []float64
	cb       []float64
	work     []float64
	xb       []float64
	cnorm    []float64 // ‖N_j‖ per column, computed once per solve
	pscale   []float64 // 1/√(1+‖N_j‖²): pricing weight per column
	d        []float64 // reduced costs c − Nᵀy
	// Iterations of the last Solve.
	Iterations int
	// Warm, when it holds p entries, is tried as the starting basis of the
	// next Solve: Warm[i] is a column index in [0, m) or −1 (an artificial
	// column). Every non-basic variable starts at the bound its reduced cost
	// under that basis favours, and phase 1 restores the feasibility of the
	// basic variables (see phase1). If the columns are dependent or phase 1
	// fails, the solve starts cold. Solve clears Warm; Basis returns the
	// final basis for the next warm start.
	Warm []int
	// WarmUsed reports whether the last Solve started from Warm.
	WarmUsed bool
}

// Basis appends the optimal basis of the last Solve to dst (column indices,
// −1 for an artificial column) and returns it.
func (w *LP) Basis(dst []int) []int {
	for _, j := range w.basis[:w.p] {
		if j >= w.m {
			j = -1
		}
		dst = append(dst, j)
	}
	return dst
}

func growF(s []float64, k int) []float64 {
	if cap(s) < k {
		return make([]float64, k)
	}
	return s[:k]
}

func growI(s []int, k int) []int {
	if cap(s) < k {
		return make([]int, k)
	}
	return s[:k]
}

// Solve minimises cᵀv subject to N v = 0 and l ≤ v ≤ h, with N p×m
// row-major, l finite and l ≤ 0 ≤ h (so v = 0 is feasible). It writes the
// optimal v (length m) and the simplex multipliers y (length p; the dual
// solution, see the package documentation) and returns the optimal value.
func (w *LP) Solve(v, y []float64, c, N, l, h []float64) (float64, error) {
	m := len(c)
	p := len(y)
	w.p, w.m = p, m
	w.basis = growI(w.basis, p)
	w.isBasic = growI(w.isBasic, m+p)
	w.Binv = growF(w.Binv, p*p)
	w.alpha = growF(w.alpha, p)
	w.cb = growF(w.cb, p)
	w.work = growF(w.work, p*p)
	for j := range w.isBasic {
		w.isBasic[j] = -1
	}
	for j := 0; j < m; j++ {
		v[j] = 0
	}
	for i := 0; i < p; i++ {
		w.basis[i] = m + i
		w.isBasic[m+i] = i
	}
	w.xb = growF(w.xb, p)
	xb := w.xb // values of the basic variables (all 0 at the start)
	for i := range xb {
		xb[i] = 0
	}
	w.cnorm = growF(w.cnorm, m)
	w.pscale = growF(w.pscale, m)
	for j := 0; j < m; j++ {
		cn := 0.0
		for i := 0; i < p; i++ {
			a := N[i*m+j]
			cn += a * a
		}
		w.cnorm[j] = math.Sqrt(cn)
		w.pscale[j] = 1 / math.Sqrt(1+cn)
	}
	w.WarmUsed = false
	w.Iterations = 0
	warm := len(w.Warm) == p && w.warmStart(N)
	w.Warm = w.Warm[:0]
	if warm && w.phase1(v, y, c, N, l, h) {
		w.WarmUsed = true
	} else {
		// cold start (also when phase 1 fails numerically)
		for j := 0; j < m; j++ {
			v[j] = 0
		}
		for j := range w.isBasic {
			w.isBasic[j] = -1
		}
		for i := 0; i < p; i++ {
			w.basis[i] = m + i
			w.isBasic[m+i] = i
			xb[i] = 0
		}
		if err := w.refactor(N); err != nil {
			return 0, err
		}
	}
	degenerate := 0
	maxIter := 50*(m+p) + 1000
	w.d = growF(w.d, m)
	d := w.d
	stale := true // y and d must be recomputed (the basis changed)
	var yn float64
	for {
		w.Iterations++
		if w.Iterations > maxIter {
			return 0, ErrIterations
		}
		if stale {
			yn = w.prices(y, d, c, N)
			stale = false
		}
		// pricing
		enter, dir, best := -1, 0, 0.0
		bland := degenerate >= lpBlandAfter
		for j := 0; j < m; j++ {
			if w.isBasic[j] >= 0 {
				continue
			}
			dj := d[j]
			cn := w.cnorm[j]
			tol := lpDualTol * (1 + math.Abs(c[j]) + yn*cn)
			var dd int
			if dj < -tol && v[j] < h[j] {
				dd = 1
			} else if dj > tol && v[j] > l[j] {
				dd = -1
			} else {
				continue
			}
			if bland {
				enter, dir = j, dd
				break
			}
			if s := math.Abs(dj) * w.pscale[j]; s > best {
				enter, dir, best = j, dd, s
			}
		}
		if enter < 0 {
			break
		}
		amax := w.column(N, enter) // alpha = B⁻¹ N_enter
		// ratio test: basic i changes by −dir·t·alpha_i
		t := math.Inf(1)
		if dir > 0 {
			t = h[enter] - v[enter]
		} else {
			t = v[enter] - l[enter]
		}
		leave := -1
		bestPiv := 0.0
		for i := 0; i < p; i++ {
			rate := -float64(dir) * w.alpha[i]
			if math.Abs(w.alpha[i]) <= lpPivTol*amax {
				continue
			}
			j := w.basis[i]
			lo, hi := 0.0, 0.0
			if j < m {
				lo, hi = l[j], h[j]
			}
			var ti float64
			if rate < 0 {
				ti = (xb[i] - lo) / -rate
			} else {
				if math.IsInf(hi, 1) {
					continue
				}
				ti = (hi - xb[i]) / rate
			}
			if ti < 0 {
				ti = 0
			}
			tie := ti == t && leave >= 0
			if bland && tie {
				// Bland: smallest index leaves among ties
				if w.basis[i] < w.basis[leave] {
					leave, bestPiv = i, math.Abs(w.alpha[i])
				}
				continue
			}
			if ti < t || (tie && math.Abs(w.alpha[i]) > bestPiv) {
				t, leave, bestPiv = ti, i, math.Abs(w.alpha[i])
			}
		}
		if math.IsInf(t, 1) {
			return 0, ErrUnbounded
		}
		if t == 0 {
			degenerate++
		} else {
			degenerate = 0
		}
		v[enter] += float64(dir) * t
		for i := 0; i < p; i++ {
			xb[i] -= float64(dir) * t * w.alpha[i]
		}
		if leave < 0 {
			continue // bound flip: the basis, y and d stay the same
		}
		stale = true
		// leaving variable goes to the bound it hit
		jl := w.basis[leave]
		if jl < m {
			rate := -float64(dir) * w.alpha[leave]
			if rate < 0 {
				v[jl] = l[jl]
			} else {
				v[jl] = h[jl]
			}
			w.isBasic[jl] = -1
		} else {
			w.isBasic[jl] = -1
		}
		w.basis[leave] = enter
		w.isBasic[enter] = leave
		xb[leave] = v[enter]
		if w.Iterations%lpRefactor == 0 {
			if err := w.refactor(N); err != nil {
				return 0, err
			}
			w.recomputeXB(xb, v, N)
		} else {
			w.etaUpdate(leave)
		}
	}
	if w.WarmUsed && !(w.conditionEstimate(N) < lpWarmCond) {
		// The pivots from a carried-over basis ended in an ill-conditioned
		// one, whose multipliers cannot be trusted: solve from the cold
		// start instead (Warm is empty now).
		it := w.Iterations
		val, err := w.Solve(v, y, c, N, l, h)
		w.Iterations += it
		return val, err
	}
	for i := 0; i < p; i++ {
		if j := w.basis[i]; j < m {
			v[j] = xb[i]
		}
	}
	return vdot(c, v), nil
}

// prices sets the simplex multipliers y = B⁻ᵀc_B and the reduced costs
// d = c − Nᵀy (row by row, contiguous in N) and returns ‖y‖.
func (w *LP) prices(y, d, c, N []float64) float64 {
	p, m := w.p, w.m
	for i := 0; i < p; i++ {
		if j := w.basis[i]; j < m {
			w.cb[i] = c[j]
		} else {
			w.cb[i] = 0
		}
	}
	for k := 0; k < p; k++ {
		s := 0.0
		for i := 0; i < p; i++ {
			s += w.Binv[i*p+k] * w.cb[i]
		}
		y[k] = s
	}
	copy(d, c[:m])
	for i := 0; i < p; i++ {
		yi := y[i]
		if yi == 0 {
			continue
		}
		row := N[i*m : (i+1)*m]
		for j, a := range row {
			d[j] -= yi * a
		}
	}
	return vnorm(y)
}

// lpWarmCond: a warm basis whose condition estimate (conditionEstimate)
// exceeds this is not used. The bases the simplex method reaches itself are
// guarded by lpPivTol at every pivot; a basis carried over from another
// program is not, and its columns may be dependent up to rounding (a loss
// column of a point and a constraint column of the same point are parallel
// when a single unit is active there), which would give multipliers y of
// size 1e14 and reduced costs below every tolerance. 1e8 leaves y accurate
// to ~1e-8 relative; a rejected basis only costs a cold start.
const lpWarmCond = 1e8

// conditionEstimate returns p·max|B_ik|·max|B⁻¹_ik|, an upper-bound-style
// estimate of the condition number of the current basis.
func (w *LP) conditionEstimate(N []float64) float64 {
	p, m := w.p, w.m
	bmax := 0.0
	for _, j := range w.basis[:p] {
		if j >= m {
			bmax = math.Max(bmax, 1)
			continue
		}
		for i := 0; i < p; i++ {
			bmax = math.Max(bmax, math.Abs(N[i*m+j]))
		}
	}
	imax := 0.0
	for _, x := range w.Binv[:p*p] {
		imax = math.Max(imax, math.Abs(x))
	}
	return float64(p) * bmax * imax
}

// warmStart installs w.Warm as the basis (artificial columns fill the
// slots marked −1 or repeated) and reports whether it is nonsingular; if
// not, it restores the all-artificial basis (not yet factorised).
func (w *LP) warmStart(N []float64) bool {
	p, m := w.p, w.m
	for i, j := range w.Warm {
		if j < 0 || j >= m || w.isBasic[j] >= 0 {
			continue
		}
		w.isBasic[m+i] = -1
		w.basis[i] = j
		w.isBasic[j] = i
	}
	if w.refactor(N) == nil && w.conditionEstimate(N) < lpWarmCond {
		return true
	}
	for j := range w.isBasic {
		w.isBasic[j] = -1
	}
	for i := 0; i < p; i++ {
		w.basis[i] = m + i
		w.isBasic[m+i] = i
	}
	return false
}

// lpFeasTol: a basic variable within lpFeasTol·(1+|bound|) of its bound
// counts as feasible in phase 1. The variables are dual multipliers of size
// ≤ 1 (loss columns) or of the size of the loss's slopes; 1e-9 keeps the
// effect on the objective cᵀv below the loss tolerances of package erm.
const lpFeasTol = 1e-9

// phase1 starts from the warm basis with every non-basic variable at the
// bound its reduced cost favours (0 if neither bound is finite or the cost
// is flat) and minimises the sum of the basic variables' bound violations
// by the simplex method until they vanish. It reports false if that fails
// within its iteration limit (the caller then starts cold).
func (w *LP) phase1(v, y, c, N, l, h []float64) bool {
	p, m := w.p, w.m
	w.prices(y, w.growD(), c, N)
	d := w.d
	yn := vnorm(y)
	for j := 0; j < m; j++ {
		v[j] = 0
		if w.isBasic[j] >= 0 {
			continue
		}
		tol := lpDualTol * (1 + math.Abs(c[j]) + yn*w.cnorm[j])
		if d[j] < -tol && !math.IsInf(h[j], 1) {
			v[j] = h[j]
		} else if d[j] > tol {
			v[j] = l[j]
		}
	}
	xb := w.xb
	w.recomputeXB(xb, v, N)
	bounds := func(i int) (float64, float64) {
		if j := w.basis[i]; j < m {
			return l[j], h[j]
		}
		return 0, 0
	}
	limit := 2*p + m
	y1 := w.work[p*p-p:] // last row of work, length p; refactor and recomputeXB overwrite it
	cb := w.cb
	pivots := 0
	for it := 0; ; it++ {
		infeasible := false
		for i := 0; i < p; i++ {
			lo, hi := bounds(i)
			cb[i] = 0
			if xb[i] < lo-lpFeasTol*(1+math.Abs(lo)) {
				cb[i], infeasible = -1, true
			} else if xb[i] > hi+lpFeasTol*(1+math.Abs(hi)) {
				cb[i], infeasible = 1, true
			}
		}
		if !infeasible {
			return true
		}
		if it >= limit {
			return false
		}
		w.Iterations++
		for k := 0; k < p; k++ {
			s := 0.0
			for i := 0; i < p; i++ {
				s += w.Binv[i*p+k] * cb[i]
			}
			y1[k] = s
		}
		yn1 := vnorm(y1)
		enter, dir, best := -1, 0, 0.0
		for j := 0; j < m; j++ {
			if w.isBasic[j] >= 0 {
				continue
			}
			dj := 0.0
			for i := 0; i < p; i++ {
				dj -= y1[i] * N[i*m+j]
			}
			tol := lpDualTol * (1 + yn1*w.cnorm[j])
			var dd int
			if dj < -tol && v[j] < h[j] {
				dd = 1
			} else if dj > tol && v[j] > l[j] {
				dd = -1
			} else {
				continue
			}
			if s := math.Abs(dj) * w.pscale[j]; s > best {
				enter, dir, best = j, dd, s
			}
		}
		if enter < 0 {
			return false
		}
		amax := w.column(N, enter)
		var t float64
		if dir > 0 {
			t = h[enter] - v[enter]
		} else {
			t = v[enter] - l[enter]
		}
		leave, leaveAt, bestPiv := -1, 0.0, 0.0
		for i := 0; i < p; i++ {
			if math.Abs(w.alpha[i]) <= lpPivTol*amax {
				continue
			}
			rate := -float64(dir) * w.alpha[i]
			lo, hi := bounds(i)
			var ti, at float64
			switch {
			case cb[i] < 0: // below lo: blocks on reaching lo
				if rate <= 0 {
					continue
				}
				ti, at = (lo-xb[i])/rate, lo
			case cb[i] > 0: // above hi: blocks on reaching hi
				if rate >= 0 {
					continue
				}
				ti, at = (hi-xb[i])/rate, hi
			case rate < 0:
				ti, at = (xb[i]-lo)/-rate, lo
			default:
				if math.IsInf(hi, 1) {
					continue
				}
				ti, at = (hi-xb[i])/rate, hi
			}
			if ti < 0 {
				ti = 0
			}
			if ti < t || (ti == t && leave >= 0 && math.Abs(w.alpha[i]) > bestPiv) {
				t, leave, leaveAt, bestPiv = ti, i, at, math.Abs(w.alpha[i])
			}
		}
		if math.IsInf(t, 1) {
			return false
		}
		v[enter] += float64(dir) * t
		for i := 0; i < p; i++ {
			xb[i] -= float64(dir) * t * w.alpha[i]
		}
		if leave < 0 {
			continue // bound flip
		}
		jl := w.basis[leave]
		if jl < m {
			v[jl] = leaveAt
		}
		w.isBasic[jl] = -1
		w.basis[leave] = enter
		w.isBasic[enter] = leave
		xb[leave] = v[enter]
		if pivots++; pivots%lpRefactor == 0 {
			if w.refactor(N) != nil {
				return false
			}
			w.recomputeXB(xb, v, N)
			continue
		}
		w.etaUpdate(leave)
	}
}

// column sets w.alpha = B⁻¹ N_enter, the change of the basic variables
// per unit step of the entering one, and returns max_i |alpha_i| (the scale
// of the ratio test's pivot tolerance). Phase 1 and phase 2 pivot alike.
func (w *LP) column(N []float64, enter int) (amax float64) {
	p, m := w.p, w.m
	for i := 0; i < p; i++ {
		s := 0.0
		for k := 0; k < p; k++ {
			s += w.Binv[i*p+k] * N[k*m+enter]
		}
		w.alpha[i] = s
	}
	for i := 0; i < p; i++ {
		amax = math.Max(amax, math.Abs(w.alpha[i]))
	}
	return amax
}

// etaUpdate updates B⁻¹ in place after basis row leave was replaced, with
// pivot alpha[leave] (product-form eta step); both phases use it between
// refactorizations.
func (w *LP) etaUpdate(leave int) {
	p := w.p
	piv := w.alpha[leave]
	Bi := w.Binv
	for k := 0; k < p; k++ {
		Bi[leave*p+k] /= piv
	}
	for i := 0; i < p; i++ {
		if i == leave || w.alpha[i] == 0 {
			continue
		}
		f := w.alpha[i]
		for k := 0; k < p; k++ {
			Bi[i*p+k] -= f * Bi[leave*p+k]
		}
	}
}

func (w *LP) growD() []float64 {
	w.d = growF(w.d, w.m)
	return w.d
}

// recomputeXB sets the basic values from the non-basic ones: B x_B = −N_N v_N.
func (w *LP) recomputeXB(xb, v, N []float64) {
	p, m := w.p, w.m
	rhs := w.work[:p]
	for i := 0; i < p; i++ {
		s := 0.0
		for j := 0; j < m; j++ {
			if w.isBasic[j] < 0 {
				s -= N[i*m+j] * v[j]
			}
		}
		rhs[i] = s
	}
	for i := 0; i < p; i++ {
		s := 0.0
		for k := 0; k < p; k++ {
			s += w.Binv[i*p+k] * rhs[k]
		}
		xb[i] = s
	}
}

// refactor recomputes B⁻¹ by Gauss–Jordan elimination with partial pivoting.
func (w *LP) refactor(N []float64) error {
	p, m := w.p, w.m
	B := w.work[:p*p]
	for i := 0; i < p; i++ {
		for k := 0; k < p; k++ {
			j := w.basis[k]
			if j >= m {
				if j-m == i {
					B[i*p+k] = 1
				} else {
					B[i*p+k] = 0
				}
			} else {
				B[i*p+k] = N[i*m+j]
			}
		}
	}
	Bi := w.Binv
	for i := range Bi {
		Bi[i] = 0
	}
	for i := 0; i < p; i++ {
		Bi[i*p+i] = 1
	}
	for c := 0; c < p; c++ {
		pr, pv := -1, 0.0
		for r := c; r < p; r++ {
			if a := math.Abs(B[r*p+c]); a > pv {
				pr, pv = r, a
			}
		}
		if pv < 1e-300 {
			return ErrSingular
		}
		if pr != c {
			for k := 0; k < p; k++ {
				B[c*p+k], B[pr*p+k] = B[pr*p+k], B[c*p+k]
				Bi[c*p+k], Bi[pr*p+k] = Bi[pr*p+k], Bi[c*p+k]
			}
		}
		d := B[c*p+c]
		for k := 0; k < p; k++ {
			B[c*p+k] /= d
			Bi[c*p+k] /= d
		}
		for r := 0; r < p; r++ {
			if r == c {
				continue
			}
			f := B[r*p+c]
			if f == 0 {
				continue
			}
			for k := 0; k < p; k++ {
				B[r*p+k] -= f * B[c*p+k]
				Bi[r*p+k] -= f * Bi[c*p+k]
			}
		}
	}
	return nil
}
