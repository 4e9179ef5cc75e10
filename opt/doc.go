// Package opt holds small dense convex solvers built for solving millions of
// tiny programs: a strictly convex quadratic program with linear
// inequalities (QP, the dual active-set method of Goldfarb and Idnani 1983)
// and a linear program with one equality row per unknown and bounded
// variables (LP, the bounded-variable primal simplex method).
//
// Both keep all storage in a reusable workspace: after the first call of a
// given size, a solve allocates nothing.
//
// QP solves
//
//	minimise ½ xᵀGx + gᵀx  subject to  A x ≥ b      (G positive definite)
//
// starting from the unconstrained minimiser and adding violated
// constraints one at a time while keeping the active constraints' dual
// multipliers non-negative; every iterate is optimal for the constraints
// added so far, so the method ends with a primal-dual (KKT) pair. The
// factorisation of the active set (J = L⁻ᵀQ and R, with L⁻¹N_A = QR) is
// updated by Givens rotations when a constraint joins or leaves it, O(n²)
// per change, and recomputed from scratch every qpRefactorEvery changes to
// reset rounding drift. (Recomputing it at every change, O(n³), made the
// epigraph programs of package erm — n = unknowns + data points — 10–20×
// slower.)
//
// LP solves
//
//	minimise cᵀv  subject to  N v = 0,  l ≤ v ≤ h     (l finite, h ≤ +∞)
//
// where N has few rows p (the unknowns of the primal problem whose dual this
// is) and many columns. v = 0 must be feasible. The initial basis consists
// of p artificial columns fixed at zero; they are pivoted out as the method
// proceeds. Non-basic variables may sit strictly between their bounds (at 0)
// and move either way. Dantzig pricing, switching to Bland's rule after a
// run of degenerate pivots, guarantees termination. The simplex multipliers
// y = B⁻ᵀc_B of the optimal basis solve the dual
//
//	maximise  Σ_j min_{v_j∈[l_j,h_j]} (c_j − N_jᵀy)·v_j
//
// which is how package erm recovers the primal unknowns.
//
// Warm starts: LP.Warm may name a starting basis, typically the optimal
// basis of a neighbouring program (package erm maps it by column names).
// The non-basic variables then start at the bounds their reduced costs
// favour, which is optimal for the old program but leaves some basic
// variables out of bounds; phase 1 minimises the sum of those violations
// (a basic variable outside its bounds blocks the ratio test only when it
// reaches the bound it violates) and the method continues as above. A
// singular basis or a phase 1 that does not finish within 2p + m steps falls
// back to the cold start, so a warm start never changes the answer. On the
// absolute-loss programs of erm it cuts the steps per program about 2–3×.
package opt
