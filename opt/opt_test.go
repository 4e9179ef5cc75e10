package opt

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gaussSolve solves the k×k system M z = r (row-major, overwritten); false if singular.
func gaussSolve(M []float64, r []float64, k int) bool {
	for c := 0; c < k; c++ {
		p, pv := -1, 1e-12
		for i := c; i < k; i++ {
			if a := math.Abs(M[i*k+c]); a > pv {
				p, pv = i, a
			}
		}
		if p < 0 {
			return false
		}
		for j := 0; j < k; j++ {
			M[c*k+j], M[p*k+j] = M[p*k+j], M[c*k+j]
		}
		r[c], r[p] = r[p], r[c]
		for i := 0; i < k; i++ {
			if i == c {
				continue
			}
			f := M[i*k+c] / M[c*k+c]
			for j := 0; j < k; j++ {
				M[i*k+j] -= f * M[c*k+j]
			}
			r[i] -= f * r[c]
		}
	}
	for i := 0; i < k; i++ {
		r[i] /= M[i*k+i]
	}
	return true
}

// qpBrute solves the QP by trying every active set S (|S| ≤ n): solve the
// KKT system with S as equalities, keep primal-feasible points with λ ≥ 0.
// For strictly convex G the KKT point is the unique optimum.
func qpBrute(G, g, A, b []float64, n, m int) (float64, []float64, bool) {
	best := math.Inf(1)
	var bx []float64
	for mask := 0; mask < 1<<m; mask++ {
		var S []int
		for i := 0; i < m; i++ {
			if mask>>i&1 != 0 {
				S = append(S, i)
			}
		}
		if len(S) > n {
			continue
		}
		k := n + len(S)
		M := make([]float64, k*k)
		r := make([]float64, k)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				M[i*k+j] = G[i*n+j]
			}
			r[i] = -g[i]
			for t, c := range S {
				M[i*k+n+t] = -A[c*n+i]
				M[(n+t)*k+i] = A[c*n+i]
			}
		}
		for t, c := range S {
			r[n+t] = b[c]
		}
		if !gaussSolve(M, r, k) {
			continue
		}
		x := r[:n]
		ok := true
		for t := range S {
			if r[n+t] < -1e-9 {
				ok = false
			}
		}
		for c := 0; c < m; c++ {
			if vdot(A[c*n:(c+1)*n], x)-b[c] < -1e-9 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		f := vdot(g, x)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				f += 0.5 * x[i] * G[i*n+j] * x[j]
			}
		}
		if f < best {
			best, bx = f, append([]float64(nil), x...)
		}
	}
	return best, bx, bx != nil
}

func TestQPAgainstActiveSetEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var w QP
	for trial := 0; trial < 400; trial++ {
		n := 1 + r.IntN(4)
		m := r.IntN(8)
		F := make([]float64, n*n)
		for i := range F {
			F[i] = r.NormFloat64()
		}
		G := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for k := 0; k < n; k++ {
					s += F[i*n+k] * F[j*n+k]
				}
				G[i*n+j] = s
			}
			G[i*n+i] += 0.1
		}
		g := make([]float64, n)
		for i := range g {
			g[i] = 3 * r.NormFloat64()
		}
		A := make([]float64, m*n)
		for i := range A {
			A[i] = r.NormFloat64()
		}
		b := make([]float64, m)
		homog := trial%2 == 0 // the cone case used by erm: b = 0
		if !homog {
			x0 := make([]float64, n)
			for i := range x0 {
				x0[i] = r.NormFloat64()
			}
			for c := 0; c < m; c++ {
				b[c] = vdot(A[c*n:(c+1)*n], x0) - r.Float64()
			}
		}
		if trial%5 == 0 && m >= 2 { // duplicate constraint: degeneracy
			copy(A[n:2*n], A[:n])
			b[1] = b[0]
		}
		x := make([]float64, n)
		lam := make([]float64, m)
		f, err := w.Solve(x, G, g, A, b, lam)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		want, _, ok := qpBrute(G, g, A, b, n, m)
		if !ok {
			t.Fatalf("trial %d: oracle found nothing", trial)
		}
		if math.Abs(f-want) > 1e-8*(1+math.Abs(want)) {
			t.Fatalf("trial %d: f = %v, oracle %v", trial, f, want)
		}
		if res := QPKKT(x, lam, G, g, A, b); res > 1e-8 {
			t.Fatalf("trial %d: KKT residual %v", trial, res)
		}
	}
}

func TestQPInfeasible(t *testing.T) {
	var w QP
	// x ≥ 1 and −x ≥ 0
	_, err := w.Solve(make([]float64, 1), []float64{1}, []float64{0}, []float64{1, -1}, []float64{1, 0}, nil)
	if err != ErrInfeasible {
		t.Fatalf("err = %v, want ErrInfeasible", err)
	}
	if _, err := w.Solve(make([]float64, 1), []float64{-1}, []float64{0}, nil, nil, nil); err != ErrNotPD {
		t.Fatalf("err = %v, want ErrNotPD", err)
	}
}

// l1Brute minimises Σ_j |M_j·θ − t_j| subject to C θ ≤ 0 over every vertex
// of the arrangement of the hyperplanes M_j·θ = t_j and C_k·θ = 0.
func l1Brute(M, T, C []float64, p, D, K int) float64 {
	rows := D + K
	best := math.Inf(1)
	idx := make([]int, p)
	var rec func(start, k int)
	rec = func(start, k int) {
		if k == p {
			S := make([]float64, p*p)
			r := make([]float64, p)
			for a, i := range idx {
				if i < D {
					copy(S[a*p:(a+1)*p], M[i*p:(i+1)*p])
					r[a] = T[i]
				} else {
					copy(S[a*p:(a+1)*p], C[(i-D)*p:(i-D+1)*p])
				}
			}
			if !gaussSolve(S, r, p) {
				return
			}
			for k := 0; k < K; k++ {
				if vdot(C[k*p:(k+1)*p], r) > 1e-9 {
					return
				}
			}
			f := 0.0
			for j := 0; j < D; j++ {
				f += math.Abs(vdot(M[j*p:(j+1)*p], r) - T[j])
			}
			best = math.Min(best, f)
			return
		}
		for i := start; i < rows; i++ {
			idx[k] = i
			rec(i+1, k+1)
		}
	}
	rec(0, 0)
	return best
}

func TestLPDualOfL1AgainstVertexEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var w LP
	for trial := 0; trial < 300; trial++ {
		p := 1 + r.IntN(3)
		D := p + r.IntN(5)
		K := r.IntN(4)
		M := make([]float64, D*p)
		for i := range M {
			M[i] = r.NormFloat64()
			if trial%3 == 0 {
				M[i] = float64(r.IntN(3) - 1) // degenerate integer data
			}
		}
		T := make([]float64, D)
		for i := range T {
			T[i] = r.NormFloat64()
		}
		C := make([]float64, K*p)
		for i := range C {
			C[i] = r.NormFloat64()
		}
		// dual LP: columns u_j ∈ [−1,1] (N_j = M_j, c_j = T_j), μ_k ≥ 0 (N = C_k, c = 0)
		m := D + K
		N := make([]float64, p*m)
		c := make([]float64, m)
		l := make([]float64, m)
		h := make([]float64, m)
		for j := 0; j < D; j++ {
			for i := 0; i < p; i++ {
				N[i*m+j] = M[j*p+i]
			}
			c[j], l[j], h[j] = T[j], -1, 1
		}
		for k := 0; k < K; k++ {
			for i := 0; i < p; i++ {
				N[i*m+D+k] = C[k*p+i]
			}
			h[D+k] = math.Inf(1)
		}
		v := make([]float64, m)
		y := make([]float64, p)
		val, err := w.Solve(v, y, c, N, l, h)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		// primal value at θ = y
		f := 0.0
		for j := 0; j < D; j++ {
			f += math.Abs(vdot(M[j*p:(j+1)*p], y) - T[j])
		}
		for k := 0; k < K; k++ {
			if s := vdot(C[k*p:(k+1)*p], y); s > 1e-9 {
				t.Fatalf("trial %d: θ infeasible: %v", trial, s)
			}
		}
		want := l1Brute(M, T, C, p, D, K)
		if math.IsInf(want, 1) {
			continue // no vertex (M rank-deficient); skip the comparison
		}
		if math.Abs(f-want) > 1e-8*(1+want) || math.Abs(-val-want) > 1e-8*(1+want) {
			t.Fatalf("trial %d: primal %v, −dual %v, oracle %v", trial, f, -val, want)
		}
	}
}

func BenchmarkQP(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	n, m := 6, 12
	G := make([]float64, n*n)
	for i := 0; i < n; i++ {
		G[i*n+i] = 1 + r.Float64()
	}
	g := make([]float64, n)
	for i := range g {
		g[i] = r.NormFloat64()
	}
	A := make([]float64, m*n)
	for i := range A {
		A[i] = r.NormFloat64()
	}
	bb := make([]float64, m)
	x := make([]float64, n)
	var w QP
	b.ReportAllocs()
	for b.Loop() {
		w.Solve(x, G, g, A, bb, nil)
	}
}

// Larger QPs, where the active set changes many times (beyond
// qpRefactorEvery, so both the Givens updates and the periodic fresh
// factorisation are exercised), checked by the KKT conditions, which
// certify optimality of a convex QP independently of how it was found.
func TestQPLargeKKT(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var w QP
	maxIter := 0
	for trial := 0; trial < 30; trial++ {
		n := []int{8, 20, 45}[trial%3]
		m := 3 * n
		G := make([]float64, n*n)
		for i := 0; i < n; i++ {
			G[i*n+i] = 0.5 + r.Float64()
			for j := 0; j < i; j++ {
				v := 0.1 * r.NormFloat64() / float64(n)
				G[i*n+j], G[j*n+i] = v, v
			}
		}
		g := make([]float64, n)
		for i := range g {
			g[i] = 10 * r.NormFloat64()
		}
		A := make([]float64, m*n)
		for i := range A {
			A[i] = r.NormFloat64()
		}
		b := make([]float64, m)
		x0 := make([]float64, n)
		for i := range x0 {
			x0[i] = r.NormFloat64()
		}
		for c := 0; c < m; c++ {
			b[c] = vdot(A[c*n:(c+1)*n], x0) - 0.1*r.Float64()
		}
		x := make([]float64, n)
		lam := make([]float64, m)
		if _, err := w.Solve(x, G, g, A, b, lam); err != nil {
			t.Fatalf("trial %d (n=%d): %v", trial, n, err)
		}
		maxIter = max(maxIter, w.Iterations)
		if res := QPKKT(x, lam, G, g, A, b); res > 1e-7*(1+vnorm(g)) {
			t.Fatalf("trial %d (n=%d): KKT residual %v after %d iterations", trial, n, res, w.Iterations)
		}
	}
	if maxIter <= qpRefactorEvery {
		t.Errorf("at most %d iterations: the periodic refactorisation was not exercised", maxIter)
	}
}
