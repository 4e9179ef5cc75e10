// Package convert makes Theorem 2.1 of Arora, Basu, Mianjy and Mukherjee
// (ICLR 2018) constructive: it turns a continuous piecewise-linear (CPWL)
// function R^n → R into a ReLU net with at most ⌈log₂(n+1)⌉ hidden layers
// computing exactly the same function, in rational arithmetic throughout.
//
// # Input forms
//
//   - MaxSum: the Wang–Sun form (spec (2.1)) f = Σ_j s_j·max_{i∈S_j} ℓ_i.
//   - Lattice: the max–min form f = max_i min_{j∈S_i} ℓ_j.
//   - Triangulation: linear finite elements — vertices, n-simplices and a
//     value per vertex (or per simplex corner, checked for continuity) —
//     on a convex domain.
//   - A 1-D PWL function (breakpoints, values, end slopes).
//   - A ReLU net (depth compression). With one input, through its exact
//     breakpoints (PWL1FromNet, package pwl's exact engine), on all of R.
//     With n ≥ 2 inputs, on a box or polytope, through the certified region complex of package region:
//     the exact vertices of every region are recovered from the facets'
//     exact hyperplanes, and Ovchinnikov's theorem gives a max–min form.
//
// # The construction
//
// A triangulation becomes a lattice form by Ovchinnikov's theorem (2002):
// with g_s the affine piece on simplex P_s and S_s = {j : g_j ≥ g_s on P_s},
// f = max_s min_{j∈S_s} g_j on any convex domain. The sets are decided
// exactly at the corners of P_s.
//
// A lattice form becomes a signed sum of maxima by inclusion–exclusion,
// max(A, B) = A + B − min(A, B), over unions of the index sets (after
// lattice absorption: a min-term whose set contains another's is dominated),
// with min_U ℓ = −max_U(−ℓ). The number of distinct unions can grow
// exponentially with the number of min-terms; a work budget (ErrTooLarge)
// bounds it.
//
// A max of k > n+1 affine functions h_i(x) = ⟨a_i, x⟩ + b_i is reduced to
// maxima of at most d+1 ≤ n+1 of them (d the dimension of the affine hull
// of the gradients a_i) by a valuation identity. max_i h_i(x) is the support
// function of P = conv{(a_i, b_i)} in the direction (x, 1), so only the upper
// hull of P matters; its projection is a regular subdivision of conv{a_i}.
// For any triangulation T refining it (we use the lexicographically
// perturbed, "placing" refinement, which exists whatever the degeneracy),
//
//	max_i h_i = Σ_{τ ∈ T, τ ⊄ ∂conv{a_i}} (−1)^{d − dim τ} max_{i∈τ} h_i,
//
// the inclusion–exclusion (Euler characteristic) identity of a triangulated
// ball, [conv] = Σ_{interior τ} (−1)^{d−dim τ}[τ], applied to the support
// function, which is additive over such subdivisions. For d = 1 it is the
// telescoping max(h_1..h_k) = Σ max(h_i, h_{i+1}) − Σ h_i (inner i). This is
// our derivation (spec tag [D]); it is checked against the definition of max
// at random rational points on degenerate configurations in the tests.
// Koutschan, Moser, Ponomarchuk and Schicho (2023) give another algorithm
// for the same statement, with arguments drawn from the pieces of f.
//
// For n = 1 every input first becomes its exact breakpoint form, and
// f = Σ_i e_i − Σ_{inner pieces} g_i with e_i = max(g_{i−1}, g_i) at a
// convex and −max(−g_{i−1}, −g_i) at a concave breakpoint: p−1 terms of two
// arguments.
//
// Options.Method Auto also builds the plain max–min net (each min a
// negated max tree, then a max tree over the min-terms: ⌈log₂ s⌉ + ⌈log₂ m⌉
// hidden layers, polynomial work) and keeps it when it has at most
// ⌈log₂(n+1)⌉ hidden layers and is smaller, or when the Wang–Sun reduction
// exceeds its budget.
//
// # The net and its size
//
// Each term s_j·max_{S_j} ℓ becomes a max-gadget tree (relu.MaxAffine,
// Lemma D.3, ⌈log₂|S_j|⌉ hidden layers, the affine maps absorbed into the
// first layer), negated for s_j = −1; the trees run in parallel (Lemma D.2)
// padded by identity gadgets (2 units per layer) to L* = max(1,
// max_j ⌈log₂|S_j|⌉) ≤ ⌈log₂(n+1)⌉ hidden layers, and the output map sums
// them. The size is Σ_j [MaxTreeSize(|S_j|) + 2(L* − ⌈log₂|S_j|⌉)], never
// above spec §2.1's P·4(2^{L*} − 1). There is no output bias.
//
// # Verification
//
// Convert with Options.Verify compares the net with the input exactly. For
// n = 1 it recomputes the exact PWL form of the produced net from its
// weights and compares breakpoints, values and end slopes: a proof. For
// n = 2 it proves the Wang–Sun form equal to the input on every cell of the
// arrangement of both functions' kink lines (on each simplex, or on a box
// that meets every cell, which suffices because both are affine on every
// cell), and checks the net itself at exact sample points.
//
// For n ≥ 3 it proves the net itself equal to the input with the exact
// region engine (region.Enumerate with Options.Exact), when affordable. A
// net g equals an affine h on a polytope P exactly when every region of
// g's complex over P carries the map h, and the complex covers P when
// Complex.CompleteCertified holds (exact volumes sum to P's). So for a
// triangulation every simplex, written as an H-polytope through its
// barycentric coordinates, is enumerated and every region's map compared
// with the simplex's interpolant. For a net input, the difference net
// g − f (relu.LinearCombination) over the given domain must have only zero
// maps. For a max form f, the reference net is f built directly (max trees
// per term, or the max–min net) and the difference is enumerated on a box
// B meeting every cell of the arrangement A of the hyperplanes where two
// arguments of a max (or of the lattice form) agree, for both f and the
// Wang–Sun form: both are affine on every cell of A, so zero on an open
// part of each cell means zero on R^n. B is found by adding the coordinate
// hyperplanes (the refined arrangement is essential, so every cell's
// closure is pointed and has a vertex of the arrangement) and taking the
// bounding box of all vertices, widened by 1. Above a work limit, a
// simplex is proven when every term is affine on it and otherwise checked
// at its corners, barycenter and random rational interior points; forms
// without cells are checked at random rational points. The Verification
// record says which.
package convert
