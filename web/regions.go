package web

import (
	"strconv"
	"strings"
)

// RegionMap is the polyhedral complex of an R² → R net over a box: its
// full-dimensional activation regions drawn as convex polygons, with the
// three counts of design.md §3.
type RegionMap struct {
	Box        [2][2]float64 `json:"box"` // [[A,B],[C,D]]
	Regions    int           `json:"regions"`
	Pieces     int           `json:"pieces"`
	AffineMaps int           `json:"affine_maps"`
	Cells      []Cell        `json:"cells"`
	// Exact reports whether the counts come from an exact engine.
	Exact bool `json:"exact"`
}

// Cell is one activation region.
type Cell struct {
	Polygon [][2]float64 `json:"polygon"` // vertices, counter-clockwise
	// Pattern has one string per hidden layer, '1' for an active unit.
	Pattern []string `json:"pattern"`
	// Grad and Offset give the affine map x ↦ Grad·x + Offset on the cell.
	Grad   [2]float64 `json:"grad"`
	Offset float64    `json:"offset"`
	Map    int        `json:"map"`   // index of the distinct affine map
	Piece  int        `json:"piece"` // index of the connected affine piece
}

// maxCells bounds the regions a map may have: more polygons than this make
// an unreadable drawing and a slow page.
const maxCells = 20_000

// regionMapDigits: two float64 affine maps are the same when their
// coefficients agree to this many significant digits (map coefficients are
// products of at most depth weights, accurate to ~1e-14 relative). Used only
// when the enumeration is not exact.
const regionMapDigits = 9

func mapKey(r [3]float64) string {
	var b strings.Builder
	for _, v := range r {
		if v == 0 { // also folds −0
			v = 0
		}
		b.WriteString(strconv.FormatFloat(v, 'g', regionMapDigits, 64))
		b.WriteByte(' ')
	}
	return b.String()
}
