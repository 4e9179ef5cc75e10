package erm

import (
	"fmt"
	"math"

	"github.com/relucid/relucid/opt"
)

// Tolerances of the per-guess programs.
const (
	// ridgeRel: the Hessian of a squared-loss or logistic program is
	// singular whenever a unit is active on too few points to fix its
	// weights; adding ridgeRel·(1 + max diagonal)·I makes it positive definite
	// for the Goldfarb–Idnani method. The minimiser moves within the flat
	// directions only, so the loss changes by at most ridgeRel·‖θ‖²·scale,
	// i.e. relative 1e-8. Smaller ridges make G so ill-conditioned (κ ≈ 1/ridgeRel)
	// that the active-set iterates drift off their constraints; if that
	// still happens the program is re-solved with a 100× larger ridge.
	ridgeRel = 1e-8
	// LogisticTol: Newton's method on a logistic program stops when the
	// predicted decrease −gᵀd/2 (the Newton decrement²/2) is below
	// LogisticTol·(1 + f). For a self-concordant-like smooth loss this
	// bounds f − f* by about the same amount. Infima that are not attained
	// (separable data: f* = 0 approached as ‖θ‖ → ∞) are approached to this
	// relative tolerance or until logisticMaxIter steps.
	LogisticTol     = 1e-10
	logisticMaxIter = 200
)

// guess is one node of the search: per unit a sign and a positive side
// restricted to the first L points (in the search's point order).
//
// The program has the constraints of the first L points. If known is nil,
// it has their loss terms. Otherwise known[i] marks the points whose side
// for unit i is the same in every completion of the node (pos[i] gives
// that side), and the program has the loss term of every point known for
// all units, whose prediction is then the same linear function of θ as in
// every completion. (Constraints of known points beyond the prefix are
// left out: they are implied by the prefix's up to boundary cases, and
// only cost time.) Either way it is a relaxation of every leaf below the
// node (fewer constraints, losses ≥ 0), so its optimum is a valid lower
// bound.
type guess struct {
	L     int
	signs []float64   // ±1 per unit
	pos   []Dichotomy // per unit; only the bits in use are read
	known []Dichotomy // per unit, or nil: see above
}

// has reports whether the side of point j for unit i is fixed in the guess.
func (q *guess) has(i, j int) bool {
	if q.known == nil {
		return j < q.L
	}
	return q.known[i].Has(j)
}

// solver holds the per-goroutine workspace for the convex programs.
type solver struct {
	pr   *prepared
	qp   opt.QP
	lp   opt.LP
	nv   int       // number of unknowns p
	nr   int       // number of loss rows
	yv   []float64 // targets of the loss rows
	M    []float64 // nr×p design rows
	G, g []float64
	A    []float64 // constraint rows (A θ ≥ 0)
	b    []float64
	lam  []float64
	N    []float64
	c, l []float64
	h, v []float64
	E    []float64 // epigraph program: constraint rows over (θ, t)
	x    []float64 // epigraph program: solution (θ, t)
	th   []float64 // solution θ
	th2  []float64
	gr   []float64
	kkt  float64 // KKT residual (or duality gap) of the last solve
	// Warm starts of the LP path (absolute and hinge loss): the columns of
	// the dual LP are named by the point (loss column) or the (unit, point)
	// pair (constraint column), so the optimal basis of one program maps
	// onto the next program's columns. rowPt[r]: point of loss row r;
	// conID[k]: name of constraint row k; basisIDs: names of the previous
	// optimal basis (−1 artificial); colOf: name → column, scratch.
	rowPt    []int
	conID    []int
	basisIDs []int
	colOf    []int
	warm     []int
	cold     bool // disables LP warm starts (lpWarmStart false has the same effect)
}

// lpWarmStart enables warm starts of the LP path from the previous
// program's optimal basis.
const lpWarmStart = true

// prepared is the problem in search order.
type prepared struct {
	Problem
	X [][]float64 // permuted points
	Y []float64
	n int
	w int
}

func grow(s []float64, k int) []float64 {
	if cap(s) < k {
		return make([]float64, k)
	}
	return s[:k]
}

// build fills M (design) and A (constraints) for the guess.
func (s *solver) build(q *guess) (p, m int) {
	pr := s.pr
	n, w := pr.n, pr.w
	L := q.L
	if q.known != nil {
		L = len(pr.X)
	}
	p = (n+1)*w + b2i(pr.OutputBias)
	s.nv = p
	s.M = grow(s.M, L*p)
	s.yv = grow(s.yv, L)
	s.rowPt = growInt(s.rowPt, L)
	nr := 0
	for j := 0; j < L; j++ {
		all := true
		for i := 0; i < w && all; i++ {
			all = q.has(i, j)
		}
		if !all {
			continue
		}
		row := s.M[nr*p : (nr+1)*p]
		s.yv[nr] = pr.Y[j]
		s.rowPt[nr] = j
		nr++
		for k := range row {
			row[k] = 0
		}
		x := pr.X[j]
		for i := 0; i < w; i++ {
			if q.pos[i].Has(j) {
				o := i * (n + 1)
				for k, v := range x {
					row[o+k] = q.signs[i] * v
				}
				row[o+n] = q.signs[i]
			}
		}
		if pr.OutputBias {
			row[p-1] = 1
		}
	}
	s.nr = nr
	// constraints: unit i, point j: ±(x_j, 1)·θ_i ≥ 0
	maxRows := w * L
	if n == 1 {
		maxRows = 4 * w
	}
	s.A = grow(s.A, maxRows*p)
	s.conID = growInt(s.conID, maxRows)
	D := len(pr.X)
	m = 0
	addRow := func(i, j int, sg float64) {
		s.conID[m] = D + i*D + j
		row := s.A[m*p : (m+1)*p]
		for k := range row {
			row[k] = 0
		}
		o := i * (n + 1)
		for k, v := range pr.X[j] {
			row[o+k] = sg * v
		}
		row[o+n] = sg
		m++
	}
	for i := 0; i < w; i++ {
		if n == 1 {
			// an affine function of one variable has the sign of its values
			// at the extreme points of each side
			lo := [2]int{-1, -1}
			hi := [2]int{-1, -1}
			for j := 0; j < q.L; j++ {
				side := 0
				if q.pos[i].Has(j) {
					side = 1
				}
				x := pr.X[j][0]
				if lo[side] < 0 || x < pr.X[lo[side]][0] {
					lo[side] = j
				}
				if hi[side] < 0 || x > pr.X[hi[side]][0] {
					hi[side] = j
				}
			}
			for side := 0; side < 2; side++ {
				sg := -1.0
				if side == 1 {
					sg = 1
				}
				if lo[side] >= 0 {
					addRow(i, lo[side], sg)
					if hi[side] != lo[side] {
						addRow(i, hi[side], sg)
					}
				}
			}
			continue
		}
		for j := 0; j < q.L; j++ {
			if q.pos[i].Has(j) {
				addRow(i, j, 1)
			} else {
				addRow(i, j, -1)
			}
		}
	}
	return p, m
}

func growInt(s []int, k int) []int {
	if cap(s) < k {
		return make([]int, k)
	}
	return s[:k]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// solve returns the optimal value of the guess's program (loss on the
// first L points plus λ‖θ‖²); the minimiser is left in s.th.
func (s *solver) solve(q *guess) (float64, error) {
	p, m := s.build(q)
	s.th = grow(s.th, p)
	switch s.pr.Loss {
	case Squared:
		return s.solveSquared(q, p, m)
	case Absolute, Hinge:
		if s.pr.WeightDecay > 0 {
			return s.solveEpigraph(q, p, m)
		}
		return s.solveLP(q, p, m)
	case Logistic:
		return s.solveLogistic(q, p, m)
	}
	return 0, fmt.Errorf("unknown loss %v", s.pr.Loss)
}

func (s *solver) regularise(p int, addDecay bool) {
	s.regulariseBy(p, addDecay, 1)
}

func (s *solver) regulariseBy(p int, addDecay bool, mult float64) {
	n, w := s.pr.n, s.pr.w
	maxd := 0.0
	for i := 0; i < p; i++ {
		maxd = math.Max(maxd, s.G[i*p+i])
	}
	ridge := mult * ridgeRel * (1 + maxd)
	for i := 0; i < p; i++ {
		s.G[i*p+i] += ridge
		if addDecay && i < (n+1)*w {
			s.G[i*p+i] += 2 * s.pr.WeightDecay
		}
	}
}

func (s *solver) solveSquared(q *guess, p, m int) (float64, error) {
	L := s.nr
	s.G = grow(s.G, p*p)
	s.g = grow(s.g, p)
	for i := range s.G {
		s.G[i] = 0
	}
	for i := range s.g {
		s.g[i] = 0
	}
	yy := 0.0
	for j := 0; j < L; j++ {
		row := s.M[j*p : (j+1)*p]
		y := s.yv[j]
		yy += y * y
		for a := 0; a < p; a++ {
			ra := row[a]
			if ra == 0 {
				continue
			}
			s.g[a] -= 2 * y * ra
			for b := 0; b <= a; b++ {
				s.G[a*p+b] += 2 * ra * row[b]
			}
		}
	}
	for a := 0; a < p; a++ {
		for b := 0; b < a; b++ {
			s.G[b*p+a] = s.G[a*p+b]
		}
	}
	s.regularise(p, true)
	s.b = grow(s.b, m)
	for i := range s.b {
		s.b[i] = 0
	}
	s.lam = grow(s.lam, m)
	f, err := s.qp.Solve(s.th, s.G, s.g, s.A[:m*p], s.b, s.lam)
	for retry := 0; err == opt.ErrInfeasible && retry < 2; retry++ {
		// rounding, not infeasibility (θ = 0 is feasible): larger ridge
		for i := 0; i < p; i++ {
			s.G[i*p+i] += 99 * ridgeRel * (1 + s.G[i*p+i])
		}
		f, err = s.qp.Solve(s.th, s.G, s.g, s.A[:m*p], s.b, s.lam)
	}
	if err != nil {
		return 0, err
	}
	s.kkt = opt.QPKKT(s.th, s.lam, s.G, s.g, s.A[:m*p], s.b)
	_ = f
	return s.value(q, p), nil
}

// value recomputes the program objective at s.th from the design rows.
func (s *solver) value(q *guess, p int) float64 {
	f := 0.0
	for j := 0; j < s.nr; j++ {
		f += s.pr.Loss.Eval(dotp(s.M[j*p:(j+1)*p], s.th), s.yv[j])
	}
	if lam := s.pr.WeightDecay; lam > 0 {
		k := (s.pr.n + 1) * s.pr.w
		f += lam * dotp(s.th[:k], s.th[:k])
	}
	return f
}

func dotp(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solveLP solves the dual LP (see opt.LP) of an absolute or hinge program.
func (s *solver) solveLP(q *guess, p, m int) (float64, error) {
	L := s.nr
	cols := L + m
	s.N = grow(s.N, p*cols)
	s.c = grow(s.c, cols)
	s.l = grow(s.l, cols)
	s.h = grow(s.h, cols)
	s.v = grow(s.v, cols)
	hinge := s.pr.Loss == Hinge
	for j := 0; j < L; j++ {
		row := s.M[j*p : (j+1)*p]
		y := s.yv[j]
		if hinge {
			for i := 0; i < p; i++ {
				s.N[i*cols+j] = -y * row[i]
			}
			s.c[j], s.l[j], s.h[j] = -1, 0, 1
		} else {
			for i := 0; i < p; i++ {
				s.N[i*cols+j] = row[i]
			}
			s.c[j], s.l[j], s.h[j] = y, -1, 1
		}
	}
	for k := 0; k < m; k++ {
		// primal constraint A_k θ ≥ 0, i.e. (−A_k)θ ≤ 0
		for i := 0; i < p; i++ {
			s.N[i*cols+L+k] = -s.A[k*p+i]
		}
		s.c[L+k], s.l[L+k], s.h[L+k] = 0, 0, math.Inf(1)
	}
	useWarm := lpWarmStart && !s.cold
	if useWarm && len(s.basisIDs) == p {
		// map the previous basis onto this program's columns
		D := len(s.pr.X)
		s.colOf = growInt(s.colOf, D*(s.pr.w+1))
		for i := range s.colOf {
			s.colOf[i] = -1
		}
		for r := 0; r < L; r++ {
			s.colOf[s.rowPt[r]] = r
		}
		for k := 0; k < m; k++ {
			s.colOf[s.conID[k]] = L + k
		}
		s.warm = s.warm[:0]
		for _, id := range s.basisIDs {
			c := -1
			if id >= 0 {
				c = s.colOf[id]
			}
			s.warm = append(s.warm, c)
		}
		s.lp.Warm = s.warm
	}
	val, err := s.lp.Solve(s.v[:cols], s.th[:p], s.c[:cols], s.N[:p*cols], s.l[:cols], s.h[:cols])
	if err != nil && s.lp.WarmUsed {
		val, err = s.lp.Solve(s.v[:cols], s.th[:p], s.c[:cols], s.N[:p*cols], s.l[:cols], s.h[:cols])
	}
	if err != nil {
		s.basisIDs = s.basisIDs[:0]
		return 0, err
	}
	if useWarm {
		s.basisIDs = s.basisIDs[:0]
		for _, c := range s.lp.Basis(s.warm[:0]) {
			id := -1
			if c >= 0 && c < L {
				id = s.rowPt[c]
			} else if c >= L {
				id = s.conID[c-L]
			}
			s.basisIDs = append(s.basisIDs, id)
		}
	}
	f, res := s.lpResidual(q, p, m, cols, val)
	if s.lp.WarmUsed && !(res <= lpWarmCheckTol*(1+math.Abs(f))) {
		// The warm start ended without a certificate of optimality
		// (rounding in a basis carried over from another program): solve
		// again from the cold start, whose result is used as it is.
		s.basisIDs = s.basisIDs[:0]
		val, err = s.lp.Solve(s.v[:cols], s.th[:p], s.c[:cols], s.N[:p*cols], s.l[:cols], s.h[:cols])
		if err != nil {
			return 0, err
		}
		f, res = s.lpResidual(q, p, m, cols, val)
	}
	s.kkt = res
	return f, nil
}

// lpWarmCheckTol: a warm-started LP solve is accepted only if its duality
// gap, the primal infeasibility of θ and the residual ‖Nv‖∞ of the dual
// point are below lpWarmCheckTol·(1+|f|). Then f(θ) is within that of the
// dual value cᵀv, a lower bound by weak duality, so the value is a valid
// bound for pruning. Cold solves reach ~1e-14; 1e-9 is far above rounding
// and far below any loss difference that matters.
const lpWarmCheckTol = 1e-9

// lpResidual returns the program's value at θ = s.th and the larger of the
// duality gap |f + cᵀv|, the primal infeasibility max_k −A_kθ, the dual
// residual ‖Nv‖∞ and the dual bound violation.
func (s *solver) lpResidual(q *guess, p, m, cols int, val float64) (float64, float64) {
	f := s.value(q, p)
	res := math.Abs(f + val)
	for k := 0; k < m; k++ {
		res = math.Max(res, -dotp(s.A[k*p:(k+1)*p], s.th[:p]))
	}
	v := s.v[:cols]
	for i := 0; i < p; i++ {
		res = math.Max(res, math.Abs(dotp(s.N[i*cols:(i+1)*cols], v)))
	}
	for j, x := range v {
		res = math.Max(res, math.Max(s.l[j]-x, x-s.h[j]))
	}
	return f, res
}

// solveLogistic runs Newton's method with QP steps over the cone.
func (s *solver) solveLogistic(q *guess, p, m int) (float64, error) {
	L := s.nr
	th := s.th[:p]
	for i := range th {
		th[i] = 0
	}
	s.G = grow(s.G, p*p)
	s.g = grow(s.g, p)
	s.b = grow(s.b, m)
	s.lam = grow(s.lam, m)
	s.th2 = grow(s.th2, p)
	s.gr = grow(s.gr, p)
	d := s.th2
	lam := s.pr.WeightDecay
	k := (s.pr.n + 1) * s.pr.w
	f := s.value(q, p)
	s.v = grow(s.v, p)
	for it := 0; it < logisticMaxIter; it++ {
		for i := range s.G {
			s.G[i] = 0
		}
		for i := range s.g {
			s.g[i] = 0
		}
		for j := 0; j < L; j++ {
			row := s.M[j*p : (j+1)*p]
			y := s.yv[j]
			z := y * dotp(row, th)
			// d/dz log(1+e^{−z}) = −σ(−z); second derivative σ(z)σ(−z)
			sm := 1 / (1 + math.Exp(z))
			w2 := sm * (1 - sm)
			for a := 0; a < p; a++ {
				if row[a] == 0 {
					continue
				}
				s.g[a] -= sm * y * row[a]
				for b := 0; b <= a; b++ {
					s.G[a*p+b] += w2 * row[a] * row[b]
				}
			}
		}
		if lam > 0 {
			for i := 0; i < k; i++ {
				s.g[i] += 2 * lam * th[i]
			}
		}
		for a := 0; a < p; a++ {
			for b := 0; b < a; b++ {
				s.G[b*p+a] = s.G[a*p+b]
			}
		}
		s.regularise(p, true)
		copy(s.gr, s.g)
		// constraints A(θ + d) ≥ 0  ⇔  A d ≥ −Aθ
		for r := 0; r < m; r++ {
			s.b[r] = -dotp(s.A[r*p:(r+1)*p], th)
		}
		if _, err := s.qp.Solve(d, s.G, s.g, s.A[:m*p], s.b[:m], s.lam[:m]); err != nil {
			return 0, err
		}
		dec := -dotp(s.gr, d)
		s.kkt = math.Max(dec/2, opt.QPKKT(d, s.lam[:m], s.G, s.g, s.A[:m*p], s.b[:m]))
		if dec/2 <= LogisticTol*(1+f) {
			break
		}
		// backtracking (Armijo) on the feasible segment
		t := 1.0
		for ; t > 1e-12; t /= 2 {
			copy(s.v[:p], th)
			for i := range th {
				th[i] = s.v[i] + t*d[i]
			}
			fn := s.value(q, p)
			if fn <= f-0.25*t*dec {
				f = fn
				break
			}
			copy(th, s.v[:p])
		}
		if t <= 1e-12 {
			break
		}
	}
	return f, nil
}

// solveEpigraph solves an absolute- or hinge-loss program with weight decay,
//
//	min Σ_j ℓ_j(M_j θ) + λ‖θ_w‖²  s.t.  Aθ ≥ 0,
//
// (θ_w: θ without the output bias) in epigraph form, a QP in (θ, t):
//
//	min Σ_j t_j + λ‖θ_w‖²  s.t.  Aθ ≥ 0 and, per point j,
//	  absolute: t_j − M_jθ ≥ −y_j,  t_j + M_jθ ≥ y_j
//	  hinge:    t_j ≥ 0,            t_j + y_j·M_jθ ≥ 1.
//
// Its Hessian diag(2λ·I, 0) is singular in t and the output bias; the ridge
// ridgeRel·(1 + 2λ) on every variable makes it definite for Goldfarb–Idnani.
// That moves the optimum by at most the ridge times ‖(θ, t)‖²/2 (relative
// ≈ 1e-8), and the value returned is recomputed from θ with the true loss.
func (s *solver) solveEpigraph(q *guess, p, m int) (float64, error) {
	L := s.nr
	nx := p + L
	rows := m + 2*L
	s.G = grow(s.G, nx*nx)
	s.g = grow(s.g, nx)
	s.E = grow(s.E, rows*nx)
	s.b = grow(s.b, rows)
	s.lam = grow(s.lam, rows)
	s.x = grow(s.x, nx)
	clear(s.G)
	clear(s.g)
	clear(s.E)
	clear(s.b)
	lam := s.pr.WeightDecay
	kw := (s.pr.n + 1) * s.pr.w
	for i := 0; i < kw; i++ {
		s.G[i*nx+i] = 2 * lam
	}
	ridge := ridgeRel * (1 + 2*lam)
	for i := 0; i < nx; i++ {
		s.G[i*nx+i] += ridge
	}
	for j := 0; j < L; j++ {
		s.g[p+j] = 1
	}
	for k := 0; k < m; k++ {
		copy(s.E[k*nx:k*nx+p], s.A[k*p:(k+1)*p])
	}
	hinge := s.pr.Loss == Hinge
	for j := 0; j < L; j++ {
		row := s.M[j*p : (j+1)*p]
		y := s.yv[j]
		r1 := s.E[(m+2*j)*nx : (m+2*j+1)*nx]
		r2 := s.E[(m+2*j+1)*nx : (m+2*j+2)*nx]
		r1[p+j], r2[p+j] = 1, 1
		if hinge {
			for i, v := range row {
				r2[i] = y * v
			}
			s.b[m+2*j+1] = 1
		} else {
			for i, v := range row {
				r1[i], r2[i] = -v, v
			}
			s.b[m+2*j], s.b[m+2*j+1] = -y, y
		}
	}
	_, err := s.qp.Solve(s.x, s.G, s.g, s.E[:rows*nx], s.b[:rows], s.lam[:rows])
	for retry := 0; err == opt.ErrInfeasible && retry < 2; retry++ {
		// rounding, not infeasibility ((θ, t) = (0, large) is feasible)
		for i := 0; i < nx; i++ {
			s.G[i*nx+i] += 99 * ridge
		}
		_, err = s.qp.Solve(s.x, s.G, s.g, s.E[:rows*nx], s.b[:rows], s.lam[:rows])
	}
	if err != nil {
		return 0, err
	}
	copy(s.th[:p], s.x[:p])
	s.kkt = opt.QPKKT(s.x, s.lam[:rows], s.G, s.g, s.E[:rows*nx], s.b[:rows])
	return s.value(q, p), nil
}
