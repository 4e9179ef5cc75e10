// Package pwl holds exact continuous piecewise linear (PWL) functions
// R → R, extracts them from ReLU nets, and turns them back into nets with
// one hidden layer (Arora, Basu, Mianjy, Mukherjee, ICLR 2018).
//
// # Functions
//
// A continuous PWL function f : R → R is stored as ascending knots
// x_1 < … < x_n, its values y_i = f(x_i), and the slopes s_L of f on
// (−∞, x_1] and s_R on [x_n, ∞); between knots f interpolates linearly
// (Func in float64, Rat exactly). Its pieces are the maximal intervals on
// which f is affine (Definition 3), so
//
//	pieces(f) = 1 + #{knots where the slope changes},
//
// and Simplify deletes the other knots. On a domain [A, B] only the pieces
// meeting (A, B) count (Restrict).
//
// # From a net
//
// For an R → R net x ↦ T_{k+1} ∘ σ ∘ T_k ∘ … ∘ σ ∘ T_1(x), FromNet and
// FromNetRat propagate all units of a layer at once on a common sorted knot
// grid t_1 < … < t_K: for each knot the vector of unit values, and for each
// interval between knots (and the two rays) the vector of unit slopes.
// An affine layer maps both by T (slopes by its linear part); σ inserts,
// in each interval, the points where a unit's value changes sign strictly
// (t − z/s from the interval's left knot, or its right knot on the left
// ray) and clamps values and slopes at 0. A unit that touches zero without
// crossing inserts nothing. Every unit is affine between consecutive knots,
// so the grid after the last layer contains every breakpoint of f, and the
// cost of a layer is O(K·w_in·w_out) for K knots — proportional to the
// output, never a sampling grid. Since σ at most doubles the knots that a
// unit sees, K obeys Lemma D.5: f has at most 2^{k−1}(w_1+1)w_2⋯w_k pieces
// (LemmaD5).
//
// The rational engine (FromNetRat) uses the exact weights WR, BR. It stores
// the values at a knot as integers over one common denominator per knot
// (slopes: per interval), so an affine layer written as integers over the
// layer's least common denominator costs integer multiply-adds only, and a
// zero crossing t − N_i·E/(D·S_i) gives the next row (N_j·S_i − S_j·N_i)/(D·S_i)
// directly; rows are reduced by their gcd only when they grow large.
//
// The float64 engine (FromNet, Extract) carries with every value, slope and
// slope jump an upper bound of its distance to the exact quantity at the
// exact knot, obtained with error-free transformations (TwoSum and
// FMA-based TwoProd), so a bound of 0 certifies an exact value. It decides
// a sign only when |value| exceeds its bound (or value and bound are both
// 0), keeps two crossings apart only when their distance exceeds the sum of
// their position bounds (merging them only when both are exact and equal),
// and counts a breakpoint only when the propagated slope jump exceeds its
// bound (or drops it when the jump is exactly 0). Slope jumps are
// propagated through the layers rather than recomputed from values, so a
// kink masked downstream (a unit whose successors are off) stays exactly
// zero. When any decision is too close to call it hands over to the
// rational engine; so the piece count it reports (Info.Pieces) is exact.
// When every bound of the result is 0 (an error-free run, typical for
// dyadic weights) its numbers are exact too, and ExtractRat returns them as
// rationals without running the rational engine.
//
// A knot inserted at a zero crossing stands for the exact crossing point,
// which lies within a position bound of its float position; values there
// are bounds on the values at that exact point (the crossing unit is exactly
// 0), so later layers recognise touches at such points exactly.
//
// A net with one hidden layer of at least 256 units is converted instead by
// sorting its kinks −b_i/w_i (O(w log w), exact), since the grid would cost
// O(w²) there.
//
// Slice and SelectOutput restrict any net R^n → R^m to a line x_0 + t·d and
// one output, as a net, so every net can be examined in 1-D.
//
// # Back to one hidden layer
//
// Theorem 2.2: a PWL f with p pieces is computed by a net with one hidden
// layer of at most p units (with an output bias), and every such net has at
// least p − 1 units. Writing a_j for the breakpoints, Δ_j for the slope
// changes and choosing for each breakpoint a right flap Δ_j σ(x − a_j) or a
// left flap Δ_j σ(a_j − x) (j ∈ L), f minus the flaps is the affine
// ρ_L x + κ_L with ρ_L = s_L + Σ_{j∈L} Δ_j. Hence p − 1 units suffice exactly
// when some L has ρ_L = 0 — for instance when a piece has slope 0
// (Corollary A.1; L is the set of breakpoints left of that piece) — and
// ShallowNet finds such an L by meeting in the middle, so the size it
// reports is proven minimal for up to MaxSubsetSearch breakpoints. Without
// an output bias (Definition 1) κ_L must also be produced by units (spec
// A1: |x| + 1 needs 3 units); an affine non-constant f needs 2 units (A10).
//
// Description is a JSON form of a PWL function; its numbers may be exact
// rational strings.
package pwl
