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
// hyperplanes (Dichotomies): the strict ones, {j : a·x_j + b > 0} for a
// hyperplane through no data point, which include a completion of every
// non-strict pattern. In general position in R^n there are
// 2·Σ_{k≤n} C(D−1, k) of them (Cover 1965).
//
//   - n = 1: sort; the thresholds between distinct values, 2m sets for m
//     distinct values.
//   - n = 2: a rotational sweep. A set ∅ ≠ S ≠ all is {p} ∪ L, where L is
//     the left side of a directed line through a pivot p ∈ S whose
//     direction lies strictly between two consecutive directions ±(q − p);
//     sorting those 2(m−1) directions by angle once per pivot, L changes by
//     one group of points between intervals. Emitting only after a group in
//     which some point leaves L gives every set exactly once (the start of
//     its arc of separating directions determines the pivot and the
//     interval), so no hashing is needed: O(m² log m) in all. Predicates
//     are exact: points are duplicates only if equal, and orientations use
//     a float filter with Shewchuk's error bound and big.Rat otherwise.
//   - n ≥ 3: the lifted points z_j = (x_j, 1) are reduced to the affine hull
//     of the data, and the extreme rays of the cells of the central
//     arrangement {θ: ⟨θ, z_j⟩ = 0} are walked: every n-subset with
//     independent lifted vectors fixes a ray ±v; points on the ray's
//     hyperplanes (Z0) get every pattern that the arrangement restricted to
//     Z0 realises, found recursively in one dimension less, so degenerate
//     data (duplicates, collinear points) cost no 2^|Z0| blow-up. This
//     enumerator uses tolerances (zeroTol, hullTol) and is the oracle the
//     fast paths are tested against.
//
// # Search
//
// Algorithm 1 solves one program per (signs, dichotomy tuple). Train makes
// it practical with: symmetry (units are interchangeable, so tuples
// (s_i, P^i) are visited in non-decreasing order only); branch and bound over
// a trie of dichotomies restricted to growing prefixes of a fixed point
// order; all root programs solved first and the roots then expanded best
// bound first (children best-first too), so that the first leaves already
// give a good incumbent; an incumbent from gradient descent for large
// searches only; all cores; deterministic sharding of the root nodes
// (Options.Shard, Merge). Each worker warm-starts the LP of the absolute and
// hinge programs from the optimal basis of the program it solved before
// (columns are named by point and by (unit, point), so the basis carries
// over although the programs differ in points and constraint sides).
//
// The bound of a node (a group of dichotomies per unit sharing a prefix) is
// the convex program over the points whose side is the same in every
// dichotomy of the unit's group — the prefix, and every later point that
// all of the group's dichotomies put on one side (for n = 1, every point
// between two prefix points of one side) — with the loss of every point
// fixed for all units and the constraints of the prefix. Each leaf below
// the node has the same constraints and loss terms plus more of both, and
// losses are ≥ 0, so the node's optimum is a lower bound.
//
// # Exactness of the reported objective
//
// The solvers are float64 with named tolerances. The returned net's
// objective is recomputed from the net (Problem.Objective) and, for the
// rational losses (squared, absolute, hinge), also in big.Rat arithmetic
// from the net's exact weights and the data (Problem.ExactObjective,
// Certificate.ExactObjective): the value claimed is attained by that net.
// Optimality itself holds to the solvers' tolerances.
package erm
