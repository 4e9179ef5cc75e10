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
//     With n ≥ 2 inputs, on all of R^n through the certified region
//     complex of the net's perspective (whole.go), or on a given box or
//     polytope through the complex there: the exact vertices of every
//     region are recovered from the facets' exact hyperplanes, and
//     Ovchinnikov's theorem gives a max–min form.
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
// # The hybrid construction
//
// Full inclusion–exclusion has up to 2^q − 1 terms for q min-terms; the
// plain max–min net (each min a negated max tree, then a max tree over the
// min-terms) is polynomial but has ⌈log₂ s⌉ + ⌈log₂ q⌉ hidden layers. Method
// Hybrid (LatticeToHybrid) interpolates. The min-terms are split into
// groups G; inside a group only,
//
//	max_{i∈G} min_{S_i} ℓ = Σ_{∅≠I⊆G} (−1)^{|I|+1} min_{∪_{i∈I} S_i} ℓ,
//
// a signed sum whose coefficients are folded into the next layer. A min
// over a union U is a min tree of ⌈log₂|U|⌉ hidden layers (any |U|: the
// net, unlike the Wang–Sun form, needs no arity ≤ n+1) or, when its
// gradients span an affine hull of dimension d with ⌈log₂(d+1)⌉ smaller,
// the valuation identity above applied to −ℓ. A group of depth D_G is then
// one argument of a max-gadget tree; with the arguments entering at
// different depths, a tree finishing after L hidden layers exists exactly
// when Σ_G 2^{D_G} ≤ 2^L (Kraft's inequality), and pairing the two
// shallowest values repeatedly reaches that optimum (Golumbic 1976). Inside
// a group nothing is padded: the sum of the trees that finish early is
// added to every value of the deepest tree at that level, since
// max(u+s, v+s) = max(u, v) + s; a group costs the sum of its trees'
// MaxTreeSize. The grouping is chosen greedily (merge the two groups that
// lower Σ 2^{D_G} most per unit of estimated size, until it is at most 2^L
// with L = ⌈log₂(n+1)⌉); one group per min-term, the greedy grouping and,
// when neither fits, one group for all are expanded within the budget and
// the smallest net is kept. The dense layers' parameter count is charged to
// the budget too. Polynomial work needs small groups: each group of k
// min-terms has up to 2^k − 1 unions.
//
// Options.Method Auto builds the plain max–min net, the hybrid net and the
// Wang–Sun net (the last two each within the budget) and keeps the
// smallest with at most ⌈log₂(n+1)⌉ hidden layers; when none qualifies it
// keeps the max–min net and says why in Summary.MethodNote.
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
// # The planar construction
//
// For n = 2 (Planar, planar.go; a description goes through its max–min
// net) the Wang–Sun form is built from the kink lines, read off the net's
// exact complex on R²: f is affine on every
// cell of their arrangement, its jump across a line is constant between
// vertices, and at a vertex with k ≥ 3 lines a, b, c_3, …, c_k the k − 2
// functions max(0, s_j·a, c_j) (c_j = s_j·a + t_j·b) absorb the steps; one
// ridge max(0, ℓ) per line and an affine term finish it. The number of terms
// is linear in the lines and multiple vertices, every term has at most three
// arguments: two hidden layers at polynomial size.
//
// # The spatial construction
//
// For n = 3 (Spatial, spatial.go) the same idea runs over the flats of the
// arrangement of kink planes, from points to lines to planes. At a vertex p
// the germ g of f is made convex by ridges, G = g + Σ λ_H·max(0, ℓ_H), and
// the valuation identity over a pulling triangulation of G's gradients
// writes G as a signed sum of maxima of its pieces; every term with at most
// three arguments, like every ridge, is invariant along some line through
// p, so the 4-argument terms Φ_p carry all of g that no line explains.
// After ΣΦ_p, the remainder's germ along a line L modulo ridges is the same
// at every point of L; the 2-D version of the step gives 3-argument terms
// Φ_L; what is left has a constant jump across each plane (one ridge each)
// and is affine beyond that. Terms have at most four arguments: two hidden
// layers, with work polynomial in the vertices, lines and planes.
//
// For n ≥ 4 (FlatsMaxSum, flats.go; also usable for n = 2, 3) the same
// recursion runs over flats of every codimension n, n−1, …, 2: at a flat of
// codimension k the convexified germ in the k-dimensional quotient gives
// terms of k+1 arguments, the cells around the flat are reached through
// the rays of its central arrangement, and a term found earlier matters at
// a flat only where k+1 of its arguments tie at its max. At most
// ⌈log₂(n+1)⌉ hidden layers, work polynomial for fixed n.
//
// # Verification
//
// Convert with Options.Verify compares the produced net itself with the
// input, exactly. For n = 1 it recomputes the exact PWL form of the net
// from its weights and compares breakpoints, values and end slopes: a
// proof.
//
// For n = 2 (verify2d.go) it rebuilds the net's exact activation cells from
// its weights, layer by layer and unit by unit, in integer arithmetic with
// float-filtered signs, and checks that the net's affine map on every cell
// equals the input's: inside each simplex of a triangulation, inside each
// region of a net input on its box, and on all of R² for max forms and for
// nets without a box, where cells are cones in homogeneous coordinates
// (x, y, w), w ≥ 0, so unbounded cells need no box.
//
// For n ≥ 3 it uses the exact region engine (region.Enumerate with
// Options.Exact): a net g equals an affine h on a polytope P exactly when
// every region of g's complex over P carries the map h, and the complex
// covers P when Complex.CompleteCertified holds (exact volumes sum to P's).
// A triangulation is proven simplex by simplex (each an H-polytope through
// its barycentric coordinates, every region's map compared with the
// simplex's interpolant); a net on a box by the difference net g − f
// (relu.LinearCombination) having only zero maps there. Equality on all of
// R^n — nets without a box, and max forms with n ≤ 4 — is proven on the
// perspective of the difference (whole.go): t·(g − f)(x/t) vanishes on
// [−1, 1]^n × [0, 1] exactly when g = f everywhere.
//
// Above a work limit the verification falls back to exact checks at corners,
// barycentres and random rational points; the Verification record says
// which, and why.
package convert
