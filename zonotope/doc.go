// Package zonotope computes the geometry behind Section 3.2 of Arora, Basu,
// Mianjy and Mukherjee (ICLR 2018) exactly, in any dimension n.
//
// The zonotope of generators b^1, …, b^m ∈ R^n is
//
//	Z = { Σ λ_i b^i : −1 ≤ λ_i ≤ 1 },
//
// with support function γ_Z(r) = max_{x∈Z} ⟨r, x⟩ = Σ_i |⟨r, b^i⟩|. Its
// vertices are v_ε = Σ ε_i b^i for the sign vectors ε ∈ {±1}^m realised as
// ε_i = sgn⟨r, b^i⟩ by some r with no zero inner product, i.e. for the
// regions (topes) of the central hyperplane arrangement {⟨r, b^i⟩ = 0}; the
// region of ε is the normal cone of v_ε, on which γ_Z is the linear map
// r ↦ ⟨r, v_ε⟩. Zero generators add nothing to Z and are ignored.
//
// Vertices enumerates the regions exactly by deletion–restriction: the
// regions of A = A′ ∪ {H} are the regions of A′ that H does not cut, each
// with the sign of H on it, and two for every region that H cuts; the cut
// regions correspond one to one to the regions of the arrangement A′
// restricted to H ≅ R^{n−1}, enumerated recursively. Every region carries an
// exact rational interior point, so every decision is an exact sign.
//
// In general position (every min(n, m) generators linearly independent) the
// count is 2·Σ_{i=0}^{n−1} C(m−1, i) (Theorem 3.6(1) with the factor 2 of
// spec ambiguity A2); otherwise it is smaller, and Vertices gives the true
// count.
package zonotope
