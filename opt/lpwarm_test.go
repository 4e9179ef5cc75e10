package opt

import (
	"math"
	"math/rand/v2"
	"testing"
)

// l1Problem builds the dual LP of min Σ|M_jθ − T_j| s.t. Cθ ≤ 0 (the layout
// of TestLPDualOfL1AgainstVertexEnumeration).
func l1Problem(M, T, C []float64, p, D, K int) (N, c, l, h []float64) {
	m := D + K
	N = make([]float64, p*m)
	c = make([]float64, m)
	l = make([]float64, m)
	h = make([]float64, m)
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
	return
}

// Warm starts (phase 1 from an arbitrary basis, including singular,
// repeated and artificial entries, and from the optimal basis of a
// neighbouring program with flipped constraints and changed targets) must
// reach the optimum of the vertex-enumeration oracle, like the cold start.
func TestLPWarmStartAgainstVertexEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	var w LP
	warmUsed := 0
	for trial := 0; trial < 400; trial++ {
		p := 1 + r.IntN(4)
		D := p + r.IntN(6)
		K := r.IntN(5)
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
		m := D + K
		v := make([]float64, m)
		y := make([]float64, p)
		solveCheck := func(name string) {
			t.Helper()
			N, c, l, h := l1Problem(M, T, C, p, D, K)
			val, err := w.Solve(v, y, c, N, l, h)
			if err != nil {
				t.Fatalf("trial %d %s: %v", trial, name, err)
			}
			if w.WarmUsed {
				warmUsed++
			}
			want := l1Brute(M, T, C, p, D, K)
			if math.IsInf(want, 1) {
				return // no vertex (M rank-deficient)
			}
			f := 0.0
			for j := 0; j < D; j++ {
				f += math.Abs(vdot(M[j*p:(j+1)*p], y) - T[j])
			}
			for k := 0; k < K; k++ {
				if s := vdot(C[k*p:(k+1)*p], y); s > 1e-9 {
					t.Fatalf("trial %d %s: θ infeasible: %v", trial, name, s)
				}
			}
			if math.Abs(f-want) > 1e-8*(1+want) || math.Abs(-val-want) > 1e-8*(1+want) {
				t.Fatalf("trial %d %s: primal %v, −dual %v, oracle %v", trial, name, f, -val, want)
			}
		}
		solveCheck("cold")
		basis := w.Basis(nil)
		// an arbitrary starting basis
		w.Warm = w.Warm[:0]
		for i := 0; i < p; i++ {
			w.Warm = append(w.Warm, r.IntN(m+1)-1)
		}
		solveCheck("random basis")
		// a neighbouring program: flip constraints, move targets
		for k := 0; k < K; k++ {
			if r.IntN(3) == 0 {
				for i := 0; i < p; i++ {
					C[k*p+i] = -C[k*p+i]
				}
			}
		}
		for j := range T {
			if r.IntN(2) == 0 {
				T[j] += 0.5 * r.NormFloat64()
			}
		}
		w.Warm = append(w.Warm[:0], basis...)
		solveCheck("neighbour")
	}
	if warmUsed < 100 {
		t.Errorf("only %d warm starts were used", warmUsed)
	}
}
