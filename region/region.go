package region

import (
	"math/big"
	"time"
)

// Options controls an enumeration. The zero value enumerates everything in
// float64 on all cores.
type Options struct {
	// Exact certifies every region with a rational interior point that
	// satisfies its activation pattern strictly, computes every affine map
	// in rationals and merges pieces by exact equality of maps. In 2-D it
	// also checks that the exact areas of the regions sum to the area of
	// the domain, which proves that no region was missed; in other
	// dimensions every region is rebuilt as an exact polytope and the same
	// holds for exact volumes (pulling triangulation, Bareiss determinants)
	// when the complex is small enough (exactVolumeBudget); above it only
	// the interior points are certified and Complex.CompleteCertified stays
	// false.
	Exact bool
	// MaxRegions stops the enumeration after this many regions (0: no
	// limit); the result is then marked Partial.
	MaxRegions int
	// Workers is the number of goroutines (0: GOMAXPROCS).
	Workers int
	// Vertices keeps the vertex list of every region (default: kept when
	// the dimension is at most 3).
	Vertices VertexMode
	// Adjacency keeps the list of adjacent region pairs in the Complex.
	Adjacency bool
	// Engine selects the algorithm; the two must agree wherever both
	// apply, which makes them each other's check.
	Engine Engine
	// CountsOnly leaves Complex.Regions empty: the counts (and, under
	// Adjacency, the adjacent pairs) are computed without materialising
	// every region's H-representation, vertices, maps and interior point.
	// Ignored under Exact and by Stream, which hand out regions.
	CountsOnly bool
	// NoAutoExact turns off the automatic exact certification of
	// complexes in which some float decision relied on the tolerance
	// (Stats.NearZero > 0), in any dimension, when it is affordable. Stream never certifies automatically; it
	// reports Stats.NearZero.
	NoAutoExact bool
	// Progress, when set, is called from one goroutine with the number of
	// regions found so far, each time a batch of work completes.
	Progress func(regions int64)
	// BuildProgress, when set, is called about every quarter second (never
	// concurrently) while the skeleton engine builds the complex, with the
	// units cut so far and their total; Progress follows once the regions
	// are known.
	BuildProgress func(done, total int64)
	// CertifyProgress, when set, is called from one goroutine about every
	// quarter second while the exact certificate runs (Exact, or the
	// automatic certification), with the regions certified so far and
	// their total; the exact re-enumeration reports total = 0.
	CertifyProgress func(done, total int64)

	// buildEvery replaces the quarter second between BuildProgress calls
	// (tests).
	buildEvery time.Duration
	// noEdgeGraph cuts cells of dimension ≥ 3 with the all-pairs
	// tight-set edge test instead of their edge graphs (edges.go); tests
	// and BenchmarkSplitPath compare the two.
	noEdgeGraph bool
	// apex says that every hyperplane passes through the origin and that
	// domain constraint apexFacet (an id, see initialCell) does too: set
	// for the perspective of Whole (see splitWS.apex).
	apex      bool
	apexFacet int64
}

// Engine selects the enumeration algorithm (see doc.go).
type Engine int

const (
	// EngineAuto uses the skeleton engine where it applies — dimension
	// ≥ 3, a box or polytope, Enumerate without Exact — and the cell
	// engine otherwise, or when the arrangement is not in general
	// position.
	EngineAuto Engine = iota
	// EngineCells always uses the cell engine, which handles every
	// degeneracy.
	EngineCells
	// EngineSkeleton requires the skeleton engine: the enumeration fails
	// with an error wrapping ErrNotGeneric where it does not apply.
	EngineSkeleton
)

// VertexMode says whether regions carry their vertices.
type VertexMode int

const (
	// VerticesAuto keeps vertices in dimensions 1 to 3.
	VerticesAuto VertexMode = iota
	// VerticesAlways keeps vertices in every dimension.
	VerticesAlways
	// VerticesNever drops them (saves memory for huge complexes).
	VerticesNever
)

// Affine is the affine map y ↦ Grad·y + Const in the working coordinates.
type Affine struct {
	Grad  []float64
	Const float64
}

// AffineRat is an exact affine map.
type AffineRat struct {
	Grad  []*big.Rat
	Const *big.Rat
}

// FacetSource says which constraint a facet lies on.
type FacetSource struct {
	// Layer and Unit name the hidden unit whose hyperplane holds the facet
	// (Layer counts hidden layers from 0); Layer is −1 for a facet on the
	// domain boundary, and then Unit is the index of the domain constraint
	// (for a box, 2i is x_i ≥ lo_i and 2i+1 is x_i ≤ hi_i).
	Layer, Unit int
}

// Facet is one inequality Normal·y ≤ Offset of a region's H-representation.
type Facet struct {
	Normal []float64
	Offset float64
	Source FacetSource
	// Neighbor is the index of the region across the facet, −1 on the
	// domain boundary (and in regions handed out by Stream, which are
	// emitted before their neighbours are known). Facets of neighbouring
	// regions match one to one: both sides of a split are refined by the
	// same traces of later hyperplanes.
	Neighbor int
}

// Region is one full-dimensional activation region.
type Region struct {
	// Index is the position of the region in the enumeration order, which
	// is deterministic (it does not depend on the number of workers).
	Index int
	// Pattern holds one bit per hidden unit, layer after layer: bit
	// Offset(l)+i is set when unit i of hidden layer l is active (positive
	// pre-activation) on the region. Use Complex.Active to read it.
	Pattern []uint64
	// Interior is a point in the interior of the region, in the working
	// coordinates: the vertex average, or, from the skeleton engine, the
	// centroid of the simplex spanned by the region's lowest vertex and
	// its upward neighbours (see doc.go).
	Interior []float64
	// InteriorRat is the certified rational interior point (Exact only).
	InteriorRat []*big.Rat
	// Vertices lists the vertices (see Options.Vertices); in 2-D they are
	// in counter-clockwise order.
	Vertices [][]float64
	// Facets is the H-representation: the region is the set of y with
	// Normal·y ≤ Offset for every facet.
	Facets []Facet
	// Maps holds the affine map of every output on the region.
	Maps []Affine
	// MapsRat holds the exact maps (Exact only).
	MapsRat []AffineRat
}

// Counts are the three counts of one output.
type Counts struct {
	// Regions is the number of full-dimensional activation regions.
	Regions int `json:"regions"`
	// Pieces is the number of maximal connected sets on which the output is
	// affine: regions sharing a facet and carrying the same map merged.
	Pieces int `json:"pieces"`
	// AffineMaps is the number of distinct affine maps.
	AffineMaps int `json:"affine_maps"`
}

// Complex is the polyhedral complex of a net over a domain.
type Complex struct {
	// Dim is the dimension of the working coordinates (2 for a slice).
	Dim int
	// Outputs is the number of outputs of the net.
	Outputs int
	// Widths are the hidden widths of the net; Offsets[l] is the bit offset
	// of hidden layer l in Region.Pattern.
	Widths, Offsets []int
	// Domain is the domain enumerated.
	Domain Domain
	// Regions lists the regions (empty when produced by Stream).
	Regions []Region
	// Adjacent lists the pairs of regions sharing a facet (i < j), when
	// Options.Adjacency is set.
	Adjacent [][2]int
	// Counts has one entry per output.
	Counts []Counts
	// Joint counts the pieces and distinct maps of the vector-valued map
	// (all outputs at once); it equals Counts[0] for one output.
	Joint Counts
	// Partial is set when MaxRegions stopped the enumeration early; the
	// counts then cover the regions found so far only.
	Partial bool
	// Exact is set when every region and merge was certified in rationals.
	Exact bool
	// CompleteCertified is set when exact arithmetic also proved that the
	// regions tile the domain, so that none was missed: the exact areas
	// (2-D) or volumes (n-D, see Options.Exact) of the regions add up to
	// the domain's.
	CompleteCertified bool
	// Stats describes the work done.
	Stats Stats
}

// Stats reports the work done by an enumeration.
type Stats struct {
	// Splits is the number of cells cut by a hyperplane (by the skeleton
	// engine: the number of edges cut).
	Splits int64
	// Skeleton is set when the complex came from the skeleton engine
	// (dimension ≥ 3, arrangements in general position; see doc.go), and
	// Vertices is then the number of vertices of the complex.
	Skeleton bool
	Vertices int
	// NearZero counts sign decisions that relied on the tolerance cutTol:
	// some vertex value was nonzero but within it, and was taken as zero.
	// When it is 0, every decision had a margin far above the rounding
	// error; otherwise the result is certified in rationals automatically
	// when affordable (AutoCertified), or by Options.Exact.
	NearZero int64
	// AutoCertified is set when NearZero > 0 made the enumeration certify
	// the complex in rationals although Options.Exact was not set.
	AutoCertified bool
	// ExactRerun is set when that automatic certificate failed — some
	// decision within the tolerance was wrong, e.g. a region thinner than
	// the tolerance was missed — and the complex was therefore enumerated
	// again in exact arithmetic: Regions, Counts and Adjacent then come
	// from the exact enumeration.
	ExactRerun bool
}

// Active reports whether unit i of hidden layer l is active on r.
func (c *Complex) Active(r *Region, l, i int) bool {
	b := c.Offsets[l] + i
	return r.Pattern[b/64]>>(b%64)&1 == 1
}

// PatternStrings renders a pattern as one string of '0' and '1' per hidden
// layer (widths as in Complex.Widths).
func PatternStrings(pat []uint64, widths []int) []string {
	out := make([]string, len(widths))
	b := 0
	for l, w := range widths {
		s := make([]byte, w)
		for i := range s {
			s[i] = '0' + byte(pat[b/64]>>(b%64)&1)
			b++
		}
		out[l] = string(s)
	}
	return out
}
