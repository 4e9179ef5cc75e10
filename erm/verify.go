package erm

import (
	"context"
	"fmt"
	"math"

	"github.com/relucid/relucid/relu"
)

// VerifyTol is the relative tolerance of Verify's comparisons: the solvers
// stop at relative accuracies around 1e-10 (see the constants in
// program.go), so claims are accepted within 1e-7·(1 + |objective|).
const VerifyTol = 1e-7

// Verification is the outcome of Verify.
type Verification struct {
	Objective      float64  `json:"objective"`                 // recomputed from the net and the data
	ExactObjective string   `json:"exact_objective,omitempty"` // in rational arithmetic (not for logistic loss)
	PieceOptimum   float64  `json:"piece_optimum"`             // optimum of the program of the net's own activation pattern
	KKTResidual    float64  `json:"kkt_residual"`              // of that program's solution
	Rerun          bool     `json:"rerun"`                     // whether the whole search was repeated
	RerunOptimum   float64  `json:"rerun_optimum,omitempty"`
	OK             bool     `json:"ok"`
	Problems       []string `json:"problems,omitempty"`
}

// Verify re-checks a claimed optimum: it recomputes the objective of net on
// the data, solves the convex program of the net's own activation pattern
// (the net must be optimal within it), and, when rerunBelow > 0 and the
// brute-force count is below it, repeats the whole search.
func Verify(ctx context.Context, p Problem, net *relu.Net, claimed float64, rerunBelow float64) (*Verification, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n, w := len(p.X[0]), p.Width
	obj, _, _, err := p.Objective(net)
	if err != nil {
		return nil, err
	}
	v := &Verification{Objective: obj, OK: true}
	tol := VerifyTol * (1 + math.Abs(claimed))
	if math.Abs(obj-claimed) > tol {
		v.OK = false
		v.Problems = append(v.Problems, fmt.Sprintf("objective recomputed from the net is %v, certificate says %v", obj, claimed))
	}
	if ex, err := p.ExactObjective(net); err == nil {
		v.ExactObjective = ex.RatString()
		if f, _ := ex.Float64(); math.Abs(f-claimed) > tol {
			v.OK = false
			v.Problems = append(v.Problems, fmt.Sprintf("objective recomputed exactly from the net is %s ≈ %v, certificate says %v", ex.FloatString(12), f, claimed))
		}
	}
	th, signs, ok := netToTheta(net, n, w, p.OutputBias)
	if !ok {
		return nil, fmt.Errorf("net does not have %d hidden units on %d inputs (with output bias %v)", w, n, p.OutputBias)
	}
	D := len(p.X)
	pr := &prepared{Problem: p, X: p.X, Y: p.Y, n: n, w: w}
	q := patternGuess(p.X, th, signs, n, w)
	var s solver
	s.pr = pr
	po, err := s.solve(&q)
	if err != nil {
		return nil, fmt.Errorf("re-solving the net's activation pattern: %w", err)
	}
	v.PieceOptimum, v.KKTResidual = po, s.kkt
	if po < obj-tol {
		v.OK = false
		v.Problems = append(v.Problems, fmt.Sprintf("the net's own activation pattern admits objective %v < %v", po, obj))
	}
	if rerunBelow > 0 {
		est := 2 * float64(D)
		if n > 1 {
			est, _ = CoverCount(D, n).Float64()
		}
		if BruteForceCount(int(math.Min(est, 1e15)), w) <= rerunBelow {
			r, err := Train(ctx, p, Options{GDRestarts: -1})
			if err != nil {
				return nil, fmt.Errorf("re-running the search: %w", err)
			}
			v.Rerun, v.RerunOptimum = true, r.Objective
			if r.Objective < obj-tol {
				v.OK = false
				v.Problems = append(v.Problems, fmt.Sprintf("a new search finds objective %v < %v", r.Objective, obj))
			}
		}
	}
	return v, nil
}
