// Package region computes the polyhedral complex of a ReLU network over a
// box, an H-polytope, a 2-D slice or all of R^n: every full-dimensional activation
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
// # All of R^n
//
// Whole(n) needs no bounding box. The perspective F(x, t) = t·f(x/t) of the
// net (relu.Homogenize: biases become weights on an extra input t, carried
// through each hidden layer by one unit relu(t) = t) is positively
// homogeneous, so its regions are polyhedral cones with a common apex, and
// the region of f with pattern σ is the section at t = 1 of F's cone with
// pattern σ. A cone with interior in t > 0 contains λ·p for each of its
// points p and every λ ∈ (0, 1], so it meets Q = [−1, 1]^n × [0, 1] in a
// full-dimensional set: the complex of F over the bounded box Q lists every
// region of f over R^n exactly once, with the same facets between them and
// f's map a·x + c read off F's linear map a·x + c·t. Regions over R^n are
// reported without vertices.
//
// # Geometry and robustness
//
// A cell is kept as its vertex list together with, for every vertex, the set
// of constraints tight there. Cutting needs only the sign of the
// hyperplane's affine function at the vertices; new vertices appear on the
// edges between a positive and a negative vertex, and whether two vertices
// span an edge is decided combinatorially from the tight sets (no third
// vertex is tight on all constraints tight at both). From 3-D on a cell
// also carries its edge graph, updated on each cut: old edges are split or
// kept by the signs of their ends, and the tight-set test is run only among
// the vertices of the new facet, so a cut costs O(edges) instead of
// O(vertices³); it decides exactly what the all-pairs test would (the same
// sign decisions, the same combinatorial test). Degenerate input —
// hyperplanes through vertices, coincident or parallel hyperplanes,
// hyperplanes along the domain boundary, dead units, units constant on a
// cell, duplicate units — needs no special case: a hyperplane that does not
// change sign strictly inside a cell does not cut it, and vertices on it are
// shared by both children. A value counts as zero below the named relative
// tolerance cutTol.
//
// Facets of a region remember the split that created them; the neighbour
// across a facet (Facet.Neighbor) is found by locating the facet's centroid
// in the split tree below the other side of that split. Facets match one to
// one, because both sides of a split are refined by the same traces of
// later hyperplanes (the net is continuous across it). This gives the
// adjacency graph without any pairwise geometric test.
//
// Every sign decision compares a vertex value with cutTol times the size of
// the terms that produced it. Stats.NearZero counts the decisions where a
// nonzero value fell inside that band and was taken as zero (coincident
// hyperplanes of inexact weights such as 1/3, say); for generic nets it is
// 0 and every decision had a margin far above the rounding error.
//
// With Options.Exact every region is certified in rational arithmetic: its
// exact affine maps are computed from its pattern, a rational interior point
// is checked to satisfy every unit's sign strictly (or the unit to be ≡ 0)
// and every domain inequality strictly, and pieces are merged only when the
// exact maps are equal. In 2-D the region is rebuilt exactly by clipping the
// domain with every unit's sign constraint, its interior point is the
// average of those exact vertices, and the exact areas of all regions must
// add up to the exact area of the domain, which proves that no region was
// missed: the certificate is complete; with Enumerate every merge of two
// regions is also checked to have an exact common boundary segment. The arithmetic is on
// integers: each layer is scaled by the common denominator of its weights,
// so maps are integer vectors over a region-independent denominator, and
// polygons have homogeneous integer vertices (no gcd per operation). In
// other dimensions the region is rebuilt the same way as an exact polytope
// (homogeneous integer vertices with tight sets, cut combinatorially as in
// the float path), its exact volume is computed from a pulling
// triangulation with fraction-free (Bareiss) determinants over a common
// denominator, must be positive, and the volumes must add up to the
// domain's; regions of distinct patterns have disjoint interiors (the first
// unit on which they differ has the same affine function on both), so the
// sum proves completeness (Complex.CompleteCertified). Above a work budget
// (exactVolumeBudget) only the rational interior points are checked. A
// complex of any dimension with NearZero > 0 is certified this way
// automatically when that is affordable (Stats.AutoCertified;
// Options.NoAutoExact turns it off), so no float decision inside the
// tolerance band goes unchecked; if that certificate fails (a decision was
// wrong, e.g. a region thinner than the tolerance was missed) the complex
// is enumerated again in exact arithmetic — exact polytopes split unit by
// unit, adjacency by exact shared-facet tests — and the exact regions and
// counts replace the float ones (Stats.ExactRerun); Options.Exact does the
// same within that budget. A certificate that fails above the budget, or in
// Stream, is an error wrapping ErrNotCertified, never a silent count.
//
// # Generic arrangements: the skeleton engine
//
// From 3-D to 16-D, a box or polytope domain is first tried with a second
// engine that keeps the complex globally, as its 1-skeleton, instead of
// cell by cell (edge subdivision, made exact about its own assumptions).
// Every vertex carries its position, the pre-activations of the current
// layer and two bit masks over the hyperplanes (units, then domain
// constraints): those through it and those on whose positive side it lies.
// A unit is applied to the whole complex at once: its value at a vertex is
// the net's (continuous, so one value whatever the cell), a new vertex
// appears on every edge whose ends have strictly opposite signs (the
// layer's values are affine along an edge, so they interpolate), and a new
// edge crosses every 2-face so cut. Every vertex keeps its neighbours in
// 2d slots, one per hyperplane through it and side the edge leaves it to,
// updated as edges are split and made. The 2-faces through a cut edge are
// those of its d−1 hyperplanes released to a side; the other new vertex on
// such a face is found by walking the face's boundary from the new vertex
// away from the cut (at each vertex the next edge leaves the hyperplane the
// last edge lay on, to the face's side), and the two are joined. Edges are
// filed under the first unit of the layer that separates their ends, so a
// unit visits only the edges it cuts.
//
// This is exact when the arrangement is in general position, and the
// engine checks that it is: every value of a unit at a vertex must be
// farther from zero than cutTol times the size of the terms that make it
// there (so no hyperplane meets a vertex or contains an edge; a vertex made
// within the layer takes the larger size of the two it interpolates), every
// vertex lies on exactly d hyperplanes,
// every walk around a 2-face meets the cut once more, and every vertex sees
// each of its hyperplanes left to both sides (a domain constraint to the
// inside), each slot filled once. Any
// failure hands the domain to the cell engine above, which handles every
// degeneracy; Stats.Skeleton says which engine answered, and
// Options.Engine forces one (EngineSkeleton fails with ErrNotGeneric
// instead of handing over).
//
// Regions are read off the skeleton with a height function h = c·x in
// which no edge is level (checked with a margin; another c is tried
// otherwise). A region is convex, so it has one lowest vertex, and at that
// vertex all of its d edges go up. Around a vertex in general position the
// cells are the 2^d sign choices on its d hyperplanes; the cell with sides
// (s_1, …, s_d) has, for each i, the edge that leaves hyperplane i to side
// s_i (the hyperplanes of later layers bend at earlier ones, so both edges
// leaving one hyperplane may go up). Hence the regions are exactly the
// pairs (vertex, sides) whose d edges all go up: one pass over the vertices
// lists every region once, with its pattern, and the lowest vertex and its
// d upward neighbours span a simplex inside it whose centroid is the
// interior point. Facets are found the same way, each (d−1)-face from its
// lowest vertex, and join the two regions on either side; vertex lists
// come from the 2^d cells around each vertex.
//
// Regions are ordered by pattern, first unit first, so that regions sharing
// the pattern of the first layers are consecutive: the maps P_l are then
// updated from one region to the next by the rank-one terms of the units
// that changed, and recomputed only above the first layer that differs
// (from scratch every 256 regions, so that the floats do not depend on the
// number of workers). A box or polytope is cut in two across its longest
// side, off the middle by an irrational fraction (a polytope stays whole if
// the plane meets one of its vertices); the halves are built at the same
// time and joined: the vertices on the cut are points inside edges, found
// in both halves with the same sign vector, and the vertices on either side
// of each become neighbours.
//
// The counts alone need the pairs of adjacent regions only to merge
// regions with one map into pieces. Each region's map is projected on a
// fixed positive vector α; two maps equal within the tolerance (or with one
// key in the count of distinct maps) have projections within
// T = |α|₁·S·(quantum + rounding) of each other, S the largest entry of the
// maps. The projections are sorted and only neighbours within T compared:
// when none is equal, every region is a piece and a distinct map, and the
// facets are never found; otherwise they are, as for the full output.
//
// # Domains
//
// Box, Polytope and Slice build a Domain. A slice through point p along
// directions u, v is handled by composing the first layer with
// (s, t) ↦ p + s·u + t·v exactly; the complex then lives in (s, t). A
// polytope A·x ≤ b is clipped, constraint by constraint, from a simplex
// holding the box ±10⁶ (n+1 vertices, where the box has 2^n), each
// vertex's side judged on the terms at that vertex (a tolerance over the
// whole cell, which reaches 10⁶, would swallow a small polytope); reaching
// that box means unbounded. Each vertex is then recomputed by solving n of
// its tight constraints, so that its error is that of the solve, not of
// clipping from 10⁶.
//
// # Performance
//
// On entering a layer every unit is classified on the cell once; units whose
// hyperplane misses the cell are settled for the whole subtree and their
// rank-one contributions W_{l+1}[:, j] ⊗ P_l[j] to the next layer's maps
// are accumulated once, four at a time; only the units that cut the cell are
// revisited in its sub-cells, and a split copies the accumulator to one side
// while the other inherits it. After the first hidden layer has been split
// (sequentially) the resulting cells are independent tasks, batched in
// runs of consecutive cells (32 batches per worker) and run by
// Options.Workers goroutines. Each worker reuses its cells, buffers and
// scratch space, so the hot loop allocates nothing per region; regions are
// appended to flat per-batch arrays and handed out in slabs (a 2→[128]×3→1
// enumeration makes about 0.3 allocations per region, all amortised growth). Results are
// deterministic: task order, not scheduling, fixes the region order. Stream
// hands regions to a callback task by task so that vertex lists never
// accumulate, and Options.Progress reports the regions found so far.
package region
