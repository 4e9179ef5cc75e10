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
	// Iterations of the last Solve.
	Iterations int
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
	if err := w.refactor(N); err != nil {
		return 0, err
	}
	degenerate := 0
	w.Iterations = 0
	maxIter := 50*(m+p) + 1000
	for {
		w.Iterations++
		if w.Iterations > maxIter {
			return 0, ErrIterations
		}
		// y = B⁻ᵀ c_B
		for i := 0; i < p; i++ {
			j := w.basis[i]
			if j < m {
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
		yn := vnorm(y)
		// pricing
		enter, dir, best := -1, 0, 0.0
		bland := degenerate >= lpBlandAfter
		for j := 0; j < m; j++ {
			if w.isBasic[j] >= 0 {
				continue
			}
			dj := c[j]
			cn := 0.0
			for i := 0; i < p; i++ {
				a := N[i*m+j]
				dj -= y[i] * a
				cn += a * a
			}
			tol := lpDualTol * (1 + math.Abs(c[j]) + yn*math.Sqrt(cn))
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
			if s := math.Abs(dj) / math.Sqrt(1+cn); s > best {
				enter, dir, best = j, dd, s
			}
		}
		if enter < 0 {
			break
		}
		// alpha = B⁻¹ N_enter
		for i := 0; i < p; i++ {
			s := 0.0
			for k := 0; k < p; k++ {
				s += w.Binv[i*p+k] * N[k*m+enter]
			}
			w.alpha[i] = s
		}
		amax := 0.0
		for i := 0; i < p; i++ {
			amax = math.Max(amax, math.Abs(w.alpha[i]))
		}
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
			continue // bound flip
		}
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
			// eta update of B⁻¹ with pivot alpha[leave]
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
	}
	for i := 0; i < p; i++ {
		if j := w.basis[i]; j < m {
			v[j] = xb[i]
		}
	}
	return vdot(c, v), nil
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
