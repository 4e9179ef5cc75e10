package opt

import (
	"errors"
	"math"
)

// Tolerances of the QP solver.
const (
	// qpFeasTol: a constraint counts as violated when a·x − b <
	// −qpFeasTol·(1 + ‖a‖·‖x‖ + |b|), i.e. a relative error of 1e-11, a few
	// hundred ulps of the terms that form a·x.
	qpFeasTol = 1e-11
	// qpDepTol: a new constraint normal lies in the span of the active ones
	// when its component outside that span (in the G⁻¹ metric) is below
	// qpDepTol times its whole length, squared (1e-20 ≈ (1e-10)²).
	qpDepTol = 1e-20
	// qpNoiseTol: when G has condition number κ (up to 1/ridgeRel ≈ 1e10
	// in package erm), the iterates satisfy the active constraints only to
	// about √κ·1e-16 ≈ 1e-11 relative; a violation below 1e-7 relative
	// that no multiplier can fix is taken as rounding.
	qpNoiseTol = 1e-7
)

// ErrNotPD is returned when G is not (numerically) positive definite.
var ErrNotPD = errors.New("opt: G is not positive definite")

// ErrInfeasible is returned when the constraints admit no solution.
var ErrInfeasible = errors.New("opt: constraints are infeasible")

// ErrIterations is returned when the iteration limit is reached.
var ErrIterations = errors.New("opt: iteration limit reached")

// QP is a reusable workspace for the Goldfarb–Idnani method. The zero value
// is ready to use.
type QP struct {
	n                 int
	L, Jm, Q, Bm, R   []float64
	x, z, d, r, u, up []float64
	act               []int
	tmp, tmp2         []float64
	inAct             []bool
	skipped           []int
	updates           int // Givens updates since the last refactor
	// Iterations of the last Solve (constraint additions and drops).
	Iterations int
}

func (w *QP) resize(n, m int) {
	if cap(w.L) < n*n {
		w.L = make([]float64, n*n)
		w.Jm = make([]float64, n*n)
		w.Q = make([]float64, n*n)
		w.Bm = make([]float64, n*n)
		w.R = make([]float64, n*n)
	}
	w.L, w.Jm, w.Q, w.Bm, w.R = w.L[:n*n], w.Jm[:n*n], w.Q[:n*n], w.Bm[:n*n], w.R[:n*n]
	grow := func(s []float64, k int) []float64 {
		if cap(s) < k {
			return make([]float64, k)
		}
		return s[:k]
	}
	w.x, w.z, w.d, w.r = grow(w.x, n), grow(w.z, n), grow(w.d, n), grow(w.r, n)
	w.u, w.up = grow(w.u, n+1), grow(w.up, n+1)
	w.tmp, w.tmp2 = grow(w.tmp, n), grow(w.tmp2, n)
	if cap(w.act) < n {
		w.act = make([]int, 0, n)
	}
	w.act = w.act[:0]
	if cap(w.inAct) < m {
		w.inAct = make([]bool, m)
	}
	w.inAct = w.inAct[:m]
	for i := range w.inAct {
		w.inAct[i] = false
	}
	w.n = n
}

// Solve minimises ½xᵀGx + gᵀx subject to A x ≥ b. G is n×n row-major
// (only its lower triangle is read), A is m×n row-major. The solution is
// written to x (length n); lambda (length m, may be nil) receives the
// multipliers (0 for inactive constraints). It returns the objective value.
func (w *QP) Solve(x []float64, G, g, A, b []float64, lambda []float64) (float64, error) {
	n := len(g)
	m := len(b)
	w.resize(n, m)
	L := w.L
	if !cholesky(L, G, n) {
		return 0, ErrNotPD
	}
	// x = −G⁻¹g
	for i := 0; i < n; i++ {
		x[i] = -g[i]
	}
	cholSolve(L, x, n)
	act := w.act[:0]
	u := w.u[:0]
	w.skipped = w.skipped[:0]
	w.refactor(A, act)
	w.Iterations = 0
	maxIter := 10*(m+n) + 50
	for {
		// most violated constraint
		p, worst := -1, 0.0
		xn := vnorm(x)
		for i := 0; i < m; i++ {
			if w.inAct[i] {
				continue
			}
			a := A[i*n : (i+1)*n]
			s := vdot(a, x) - b[i]
			tol := qpFeasTol * (1 + vnorm(a)*xn + math.Abs(b[i]))
			if s < -tol {
				if v := s / (vnorm(a) + 1e-300); p < 0 || v < worst {
					p, worst = i, v
				}
			}
		}
		if p < 0 {
			break
		}
		ap := A[p*n : (p+1)*n]
		up := w.up[:len(u)+1]
		copy(up, u)
		up[len(u)] = 0
		for {
			w.Iterations++
			if w.Iterations > maxIter {
				return 0, ErrIterations
			}
			q := len(act)
			// d = Jᵀ a_p
			for k := 0; k < n; k++ {
				s := 0.0
				for i := 0; i < n; i++ {
					s += w.Jm[i*n+k] * ap[i]
				}
				w.d[k] = s
			}
			// z = J₂ d₂
			dd2, dd := 0.0, 0.0
			for k := 0; k < n; k++ {
				dd += w.d[k] * w.d[k]
				if k >= q {
					dd2 += w.d[k] * w.d[k]
				}
			}
			for i := 0; i < n; i++ {
				s := 0.0
				for k := q; k < n; k++ {
					s += w.Jm[i*n+k] * w.d[k]
				}
				w.z[i] = s
			}
			// r = R⁻¹ d₁
			for k := q - 1; k >= 0; k-- {
				s := w.d[k]
				for c := k + 1; c < q; c++ {
					s -= w.R[k*n+c] * w.r[c]
				}
				w.r[k] = s / w.R[k*n+k]
			}
			t1, l := math.Inf(1), -1
			for k := 0; k < q; k++ {
				if w.r[k] > 0 {
					if t := up[k] / w.r[k]; t < t1 {
						t1, l = t, k
					}
				}
			}
			t2 := math.Inf(1)
			full := dd2 > qpDepTol*dd && dd2 > 0
			if full {
				t2 = -(vdot(ap, x) - b[p]) / dd2
			}
			if !full && l < 0 {
				// a_p depends on the active normals with multipliers of
				// the wrong sign. In exact arithmetic the problem is then
				// infeasible; a violation at rounding level (qpNoiseTol) of an
				// ill-conditioned G is instead accepted and a_p set aside.
				sp := vdot(ap, x) - b[p]
				if sp >= -qpNoiseTol*(1+vnorm(ap)*vnorm(x)+math.Abs(b[p])) {
					w.inAct[p] = true // skipped, not active
					w.skipped = append(w.skipped, p)
					u = w.u[:len(act)]
					copy(u, up[:len(act)])
					break
				}
				return 0, ErrInfeasible
			}
			if !full {
				for k := 0; k < q; k++ {
					up[k] -= t1 * w.r[k]
				}
				up[q] += t1
				act, up = drop(act, up, l, w.inAct)
				w.dropColumn(A, act, l, q)
				continue
			}
			t := math.Min(t1, t2)
			for i := 0; i < n; i++ {
				x[i] += t * w.z[i]
			}
			for k := 0; k < q; k++ {
				up[k] -= t * w.r[k]
			}
			up[q] += t
			if t2 <= t1 {
				act = append(act, p)
				w.inAct[p] = true
				u = w.u[:len(up)]
				copy(u, up)
				w.addColumn(A, act, q)
				break
			}
			act, up = drop(act, up, l, w.inAct)
			w.dropColumn(A, act, l, q)
		}
	}
	w.act = act
	if lambda != nil {
		for i := range lambda {
			lambda[i] = 0
		}
		for k, i := range act {
			lambda[i] = u[k]
		}
	}
	// objective
	f := vdot(g, x)
	for i := 0; i < n; i++ {
		s := G[i*n+i] * x[i]
		for j := 0; j < i; j++ {
			s += 2 * G[i*n+j] * x[j]
		}
		f += 0.5 * x[i] * s
	}
	return f, nil
}

// drop removes active constraint l from act and its multiplier from up
// (up has one more entry than act: the constraint being added).
func drop(act []int, up []float64, l int, inAct []bool) ([]int, []float64) {
	inAct[act[l]] = false
	copy(act[l:], act[l+1:])
	act = act[:len(act)-1]
	copy(up[l:], up[l+1:])
	up = up[:len(up)-1]
	return act, up
}

// qpRefactorEvery: the Givens updates of J and R keep them exact in exact
// arithmetic; rounding drift is reset by a fresh factorisation after this
// many updates.
const qpRefactorEvery = 64

// addColumn updates J and R after constraint act[q] joined the active set,
// with w.d = Jᵀa holding its normal in the current basis: Givens rotations
// of J's columns q..n−1 fold d[q:] into d[q], and d[:q+1] becomes column q
// of R. O(n²) instead of the O(n³) of refactor (Goldfarb and Idnani 1983).
func (w *QP) addColumn(A []float64, act []int, q int) {
	if w.updates++; w.updates >= qpRefactorEvery {
		w.refactor(A, act)
		return
	}
	n, d, J := w.n, w.d, w.Jm
	for k := n - 1; k > q; k-- {
		a, b := d[k-1], d[k]
		if b == 0 {
			continue
		}
		r := math.Hypot(a, b)
		c, sn := a/r, b/r
		d[k-1], d[k] = r, 0
		for i := 0; i < n; i++ {
			x, y := J[i*n+k-1], J[i*n+k]
			J[i*n+k-1], J[i*n+k] = c*x+sn*y, -sn*x+c*y
		}
	}
	for r := 0; r < n; r++ {
		if r <= q {
			w.R[r*n+q] = d[r]
		} else {
			w.R[r*n+q] = 0
		}
	}
}

// dropColumn updates J and R after active constraint l (of q) left: its
// column is removed from R, and Givens rotations of rows k, k+1 (applied
// to J's columns k, k+1 as well) restore the triangular form.
func (w *QP) dropColumn(A []float64, act []int, l, q int) {
	if w.updates++; w.updates >= qpRefactorEvery {
		w.refactor(A, act)
		return
	}
	n, R, J := w.n, w.R, w.Jm
	for c := l; c < q-1; c++ {
		for r := 0; r <= c+1; r++ {
			R[r*n+c] = R[r*n+c+1]
		}
	}
	for k := l; k < q-1; k++ {
		a, b := R[k*n+k], R[(k+1)*n+k]
		if b == 0 {
			continue
		}
		r := math.Hypot(a, b)
		c, sn := a/r, b/r
		R[k*n+k], R[(k+1)*n+k] = r, 0
		for col := k + 1; col < q-1; col++ {
			x, y := R[k*n+col], R[(k+1)*n+col]
			R[k*n+col], R[(k+1)*n+col] = c*x+sn*y, -sn*x+c*y
		}
		for i := 0; i < n; i++ {
			x, y := J[i*n+k], J[i*n+k+1]
			J[i*n+k], J[i*n+k+1] = c*x+sn*y, -sn*x+c*y
		}
	}
	for r := 0; r < n; r++ {
		R[r*n+q-1] = 0
	}
}

// refactor sets J = L⁻ᵀQ and R from the QR factorisation of L⁻¹N_A.
func (w *QP) refactor(A []float64, act []int) {
	w.updates = 0
	n := w.n
	q := len(act)
	B := w.Bm // n×q, column k = L⁻¹ a_act[k], stored row-major n×n
	for k, i := range act {
		col := w.tmp
		copy(col, A[i*n:(i+1)*n])
		forwardSolve(w.L, col, n)
		for r := 0; r < n; r++ {
			B[r*n+k] = col[r]
		}
	}
	// Householder QR of B (n×q): accumulate Q (n×n).
	Q := w.Q
	for i := range Q {
		Q[i] = 0
	}
	for i := 0; i < n; i++ {
		Q[i*n+i] = 1
	}
	v := w.tmp2
	for k := 0; k < q; k++ {
		s := 0.0
		for r := k; r < n; r++ {
			s += B[r*n+k] * B[r*n+k]
		}
		s = math.Sqrt(s)
		if s == 0 {
			continue
		}
		alpha := -s
		if B[k*n+k] < 0 {
			alpha = s
		}
		for r := 0; r < n; r++ {
			v[r] = 0
		}
		for r := k; r < n; r++ {
			v[r] = B[r*n+k]
		}
		v[k] -= alpha
		vv := 0.0
		for r := k; r < n; r++ {
			vv += v[r] * v[r]
		}
		if vv == 0 {
			continue
		}
		// B ← (I − 2vvᵀ/vv) B for columns k..q−1
		for c := k; c < q; c++ {
			t := 0.0
			for r := k; r < n; r++ {
				t += v[r] * B[r*n+c]
			}
			t = 2 * t / vv
			for r := k; r < n; r++ {
				B[r*n+c] -= t * v[r]
			}
		}
		// Q ← Q (I − 2vvᵀ/vv)
		for r := 0; r < n; r++ {
			t := 0.0
			for c := k; c < n; c++ {
				t += Q[r*n+c] * v[c]
			}
			t = 2 * t / vv
			for c := k; c < n; c++ {
				Q[r*n+c] -= t * v[c]
			}
		}
	}
	for r := 0; r < q; r++ {
		for c := 0; c < q; c++ {
			if c >= r {
				w.R[r*n+c] = B[r*n+c]
			} else {
				w.R[r*n+c] = 0
			}
		}
	}
	// J = L⁻ᵀ Q: solve Lᵀ J = Q column by column.
	for c := 0; c < n; c++ {
		col := w.tmp
		for r := 0; r < n; r++ {
			col[r] = Q[r*n+c]
		}
		backSolveT(w.L, col, n)
		for r := 0; r < n; r++ {
			w.Jm[r*n+c] = col[r]
		}
	}
}

// cholesky writes the lower Cholesky factor of G (lower triangle read) to L.
func cholesky(L, G []float64, n int) bool {
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := G[i*n+j]
			for k := 0; k < j; k++ {
				s -= L[i*n+k] * L[j*n+k]
			}
			if i == j {
				if !(s > 0) {
					return false
				}
				L[i*n+i] = math.Sqrt(s)
			} else {
				L[i*n+j] = s / L[j*n+j]
			}
		}
		for j := i + 1; j < n; j++ {
			L[i*n+j] = 0
		}
	}
	return true
}

func forwardSolve(L, x []float64, n int) {
	for i := 0; i < n; i++ {
		s := x[i]
		for k := 0; k < i; k++ {
			s -= L[i*n+k] * x[k]
		}
		x[i] = s / L[i*n+i]
	}
}

func backSolveT(L, x []float64, n int) {
	for i := n - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < n; k++ {
			s -= L[k*n+i] * x[k]
		}
		x[i] = s / L[i*n+i]
	}
}

func cholSolve(L, x []float64, n int) {
	forwardSolve(L, x, n)
	backSolveT(L, x, n)
}

func vdot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func vnorm(a []float64) float64 { return math.Sqrt(vdot(a, a)) }

// QPKKT returns the largest violation of the KKT conditions of
// min ½xᵀGx + gᵀx s.t. Ax ≥ b at (x, λ): stationarity ‖Gx + g − Aᵀλ‖∞,
// primal feasibility, dual feasibility λ ≥ 0 and complementarity |λ_i·s_i|.
// G is read in full (symmetric).
func QPKKT(x, lambda, G, g, A, b []float64) float64 {
	n, m := len(x), len(b)
	res := 0.0
	for i := 0; i < n; i++ {
		s := g[i]
		for j := 0; j < n; j++ {
			gij := G[i*n+j]
			if j > i {
				gij = G[j*n+i]
			}
			s += gij * x[j]
		}
		for k := 0; k < m; k++ {
			s -= A[k*n+i] * lambda[k]
		}
		res = math.Max(res, math.Abs(s))
	}
	for k := 0; k < m; k++ {
		s := vdot(A[k*n:(k+1)*n], x) - b[k]
		res = math.Max(res, math.Max(0, -s))
		res = math.Max(res, math.Max(0, -lambda[k]))
		res = math.Max(res, math.Abs(lambda[k]*s))
	}
	return res
}
