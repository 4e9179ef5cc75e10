// Package erm computes globally optimal one-hidden-layer ReLU networks for
// a data set: the exact empirical risk minimisation (ERM) of Arora, Basu,
// Mianjy and Mukherjee (ICLR 2018, Section 4, Algorithm 1).
//
// # The problem
//
// Given points x_j ∈ R^n with targets y_j (j = 1..D), a width w ≥ 1 and a
// loss ℓ convex in its first argument, find
//
//	min  Σ_j ℓ(f(x_j), y_j) + λ·R(f),   f(x) = Σ_{i=1..w} a_i σ(a^i·x + b_i) [+ c]
//
// over all nets of width w (output bias c only if Problem.OutputBias). The
// losses are Squared (f−y)², Absolute |f−y|, Hinge max(0, 1−y·f) and
// Logistic log(1+exp(−y·f)); the last two need labels y ∈ {−1, +1}.
//
// # Reformulation (paper (C.1))
//
// σ is positively homogeneous, so every unit can be rescaled to output
// weight s_i = sgn(a_i) ∈ {−1, +1}: with ã^i = |a_i|·a^i, b̃_i = |a_i|·b_i,
// f(x) = Σ_i s_i σ(ã^i·x + b̃_i). Once the signs s and, for every unit, the
// set P^i_+ of points where the unit is active are guessed, f(x_j) is linear
// in θ = (ã^i, b̃_i)_i (and c), and the guess is enforced by the homogeneous
// linear inequalities ã^i·x_j + b̃_i ≥ 0 (j ∈ P^i_+), ≤ 0 (j ∉ P^i_+).
// Every guess is therefore a convex program over a polyhedral cone
// (θ = 0 is always feasible):
//
//   - Squared: a convex QP, solved by the dual active-set method of
//     Goldfarb and Idnani (package opt).
//   - Absolute, Hinge: an LP; package opt solves its dual, a bounded-variable
//     LP with one equality row per unknown of θ, by the simplex method; the
//     primal θ are the simplex multipliers.
//   - Logistic: smooth and convex; solved by Newton's method whose steps are
//     QPs over the same cone, to the tolerance LogisticTol.
//
// # Weight decay
//
// With Problem.WeightDecay = λ > 0 the regulariser is
//
//	R(f) = Σ_i a_i²·(‖a^i‖² + b_i²) = Σ_i (‖ã^i‖² + b̃_i²),
//
// which is invariant under the rescaling (a_i, a^i, b_i) → (a_i/t, t·a^i,
// t·b_i), t > 0, hence a function of the net's units and not of an arbitrary
// parameter scaling; in the rescaled variables it is the plain squared norm
// of θ (output bias not penalised). Each per-guess program gains the term
// λ‖θ‖²: the QP stays a QP, the logistic program stays smooth; for Absolute
// and Hinge the program becomes a QP in epigraph form. Because the
// regulariser is a function of the rescaled variables, the enumeration is
// still exact for the regularised objective. (Penalising the raw parameters
// λ(a_i² + ‖a^i‖² + b_i²) instead is minimised over rescalings at
// 2λ|a_i|·‖(a^i, b_i)‖ = 2λ‖(ã^i, b̃_i)‖, a group norm that would make the
// per-guess program a second-order cone program; relucid does not use it.)
//
// # Dichotomies
//
// The candidate sets P^i_+ are the 2-partitions of the data cut by affine
// hyperplanes (Dichotomies). In general position in R^n there are
// 2·Σ_{k≤n} C(D−1, k) of them (Cover 1965). The enumerator lifts the points
// to z_j = (x_j, 1), reduces to the affine hull of the data, and walks the
// extreme rays of the cells of the central arrangement {θ: ⟨θ, z_j⟩ = 0}:
// every n-subset with independent lifted vectors fixes a ray ±v; points on
// the ray's hyperplanes (Z0) get every pattern that the arrangement restricted
// to Z0 realises, found recursively in one dimension less, so degenerate
// data (duplicates, collinear points) cost no 2^|Z0| blow-up.
//
// # Search
//
// Algorithm 1 solves one program per (signs, dichotomy tuple). Train makes
// it practical with: symmetry (units are interchangeable, so tuples
// (s_i, P^i) are visited in non-decreasing order only); branch and bound over
// a trie of dichotomies restricted to growing prefixes of a fixed point
// order — the convex program on the first k points with only their
// constraints is a valid lower bound for every completion; an incumbent from
// gradient descent; all cores; deterministic sharding of the root nodes
// (Options.Shard, Merge).
package erm
