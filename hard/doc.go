// Package hard builds the hard function families of Section 3 of Arora,
// Basu, Mianjy and Mukherjee (ICLR 2018) as ReLU networks with exact
// rational parameters.
//
// For M > 0 and a ∈ Δ^p_M = {x ∈ R^p : 0 < x_1 < … < x_p < M} the zigzag
// h_a (Definition 8) has w = p+1 teeth on [0, M], each mapping its interval
// [a_{i−1}, a_i] (a_0 = 0, a_w = M) onto [0, M], alternately rising and
// falling; it is 0 on (−∞, 0] and its last tooth continues affinely beyond M,
// so h_a has w+1 pieces. With tooth slopes m_i = (−1)^{i+1} M/(a_i − a_{i−1})
// and m_0 = 0,
//
//	h_a(x) = Σ_{i=0}^{w−1} c_i σ(x − a_i),   c_i = m_{i+1} − m_i,
//
// a one-hidden-layer net of exactly w units without output bias. The
// composition H = h_{a^k} ∘ … ∘ h_{a^1} is then a net with k hidden layers of
// widths w_1, …, w_k (Lemma D.1): layer 1 has weights 1 and biases −a^1_i,
// layer l ≥ 2 has the rank-one weight matrix 1·(c^{l−1})ᵀ and biases −a^l_i,
// and the output map is (c^k)ᵀ.
//
// Exact piece counts (Lemma B.1, spec ambiguities A3 and A14): H has
// Π w_i − 1 breakpoints strictly inside (0, M) and Π w_i teeth on [0, M];
// on R it has Π w_i + 1 pieces, or Π w_i + 2 when some inner layer
// w_1..w_{k−1} has an even number of teeth (then H ≡ 0 on [M, ∞)).
//
// The ZONOTOPE family (Section 3.2) is H ∘ γ_Z with the support function
// γ_Z(r) = Σ_i |⟨r, b^i⟩| of the zonotope Z(b^1, …, b^m), computed by a
// first hidden layer of 2m units (Lemma 3.7). It has V·Π w_i pieces, V the
// number of vertices of Z, plus the exterior {γ_Z ≥ M} when H vanishes there.
//
// Beside the constructions the package holds their exact counts (Pieces,
// Breakpoints by preimage recursion), a sampling oracle for R² piece counts
// with exact affine keys (GridPieces2D), a safe counting window (Window) and
// plain-SVG figures in the style of the paper's Figures 1 and 2 (PlotSVG,
// HeatMapSVG).
//
// Everything is exact: parameters are *big.Rat and the nets store them
// exactly (relu.Layer.WR, BR), so exact piece counts equal the formulas for
// every valid parameter point, including points such as a = (1/3, 2/3) whose
// slopes are not float64 values.
package hard
