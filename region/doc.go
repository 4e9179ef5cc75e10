// Package region computes the polyhedral complex of a ReLU network over a
// box, an H-polytope or a 2-D slice: every full-dimensional activation
// region, its H-representation, vertices and interior point, the affine map
// of every output on it, the adjacency of regions, and the three counts the
// theory distinguishes (paper-spec §1.4, Definition 3).
//
// # The mathematics
//
// Let f = A_{k+1} ∘ σ ∘ A_k ∘ … ∘ σ ∘ A_1 with A_l(z) = W_l z + b_l. On a
// convex cell C on which the activation pattern of layers 1..l−1 is fixed,
// the pre-activation of layer l is an affine function P_l(y) = G_l y + g_l of
// the input; the hyperplane {P_{l,i} = 0} of unit i either misses the
// interior of C (the unit has a fixed sign, or is ≡ 0 there: a dead unit)
// or cuts C into two cells. Splitting cells layer after layer, unit after
// unit, and updating
//
//	P_{l+1} = W_{l+1} · diag(pattern_l) · P_l + b_{l+1}
//
// yields the activation regions: maximal convex cells on which every unit
// has a fixed sign. The output map on a region is P_{k+1}.
//
// Three counts are reported per output (Counts):
//
//   - Regions: the full-dimensional activation regions.
//   - Pieces: maximal connected sets on which the output is affine
//     (the paper's "pieces"): regions sharing a facet — an (n−1)-dimensional
//     face — and carrying the same affine map are merged with union-find.
//     Two disjoint regions with the same map stay two pieces.
//   - AffineMaps: the number of distinct affine maps.
//
// # Geometry and robustness
//
// A cell is kept as its vertex list together with, for every vertex, the set
// of constraints tight there. Cutting needs only the sign of the
// hyperplane's affine function at the vertices; new vertices appear on the
// edges between a positive and a negative vertex, and whether two vertices
// span an edge is decided combinatorially from the tight sets (no third
// vertex is tight on all constraints tight at both). Degenerate input —
// hyperplanes through vertices, coincident or parallel hyperplanes,
// hyperplanes along the domain boundary, dead units, units constant on a
// cell, duplicate units — needs no special case: a hyperplane that does not
// change sign strictly inside a cell does not cut it, and vertices on it are
// shared by both children. A value counts as zero below the named relative
// tolerance cutTol.
//
// Facets of a region remember the split that created them; the neighbour
// across a facet is found by locating the facet's centroid in the split tree
// below the other side of that split. This gives the adjacency graph
// without any pairwise geometric test.
//
// With Options.Exact every region is certified in rational arithmetic: its
// exact affine maps are computed from its pattern, a rational interior point
// is checked to satisfy every unit's sign strictly (or the unit to be ≡ 0)
// and every domain inequality strictly, and pieces are merged only when the
// exact maps are equal. In 2-D the exact areas of all regions (from exact
// vertices, each the intersection of two exact facet lines) must add up to
// the exact area of the domain, which proves that no region was missed.
//
// # Domains
//
// Box, Polytope and Slice build a Domain. A slice through point p along
// directions u, v is handled by composing the first layer with
// (s, t) ↦ p + s·u + t·v exactly; the complex then lives in (s, t).
//
// # Performance
//
// After the first hidden layer has been split (sequentially) the resulting
// cells are independent tasks run by Options.Workers goroutines. Each worker
// reuses its cells, affine-map buffers and scratch space, so the hot loop
// allocates nothing per region; regions are appended to flat per-task
// arrays. Results are deterministic: task order, not scheduling, fixes the
// region order. Stream hands regions to a callback task by task so that
// vertex lists never accumulate.
package region
