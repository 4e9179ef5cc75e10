// Package relu holds the ReLU network model of Arora, Basu, Mianjy and
// Mukherjee (ICLR 2018), Definition 1:
//
//	f = T_{k+1} ∘ σ ∘ T_k ∘ … ∘ σ ∘ T_1,   σ(x) = max{0, x} entrywise,
//
// with affine maps T_i : R^{w_{i-1}} → R^{w_i}. The net has k hidden layers,
// depth k+1, width max w_i and size w_1 + … + w_k (hidden units only). The
// paper makes the output map T_{k+1} linear; relu allows an optional output
// bias because Theorem 2.2 uses one (spec ambiguity A1). HasOutputBias reports
// which convention a net meets.
//
// Every weight is kept twice: as a float64 for the fast path and as an exact
// rational (math/big) for the exact path. A JSON number denotes the float64
// nearest to it, and its exact value is that binary float; a JSON string such
// as "1/3" denotes an exact rational whose float value is its rounding. Hence
// the exact path sees precisely the function the float path approximates.
//
// The package also provides the closure operations of Appendix D: composition
// (Lemma D.1), parallel sums (D.2), maxima through 4-unit gadget trees (D.3),
// affine maps as nets (D.4) and identity padding.
package relu
