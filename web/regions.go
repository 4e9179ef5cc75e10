package web

import (
	"fmt"
	"github.com/relucid/relucid/region"
	"math/big"
	"strconv"
	"strings"

	"github.com/relucid/relucid/relu"
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
	// Plane, when set, is the plane of R^n the map is drawn on; box, cell
	// polygons and maps are then in its coordinates (s, t).
	Plane *Plane `json:"plane,omitempty"`
	// Whole holds the exact counts on all of R² (region.Whole) for a net
	// with 2 inputs, with the exact map; nil otherwise.
	Whole *region.Counts `json:"whole,omitempty"`
}

// Plane is the plane (s, t) ↦ X0 + s·U + t·V of the input space.
type Plane struct {
	X0 []float64 `json:"x0"`
	U  []float64 `json:"u"`
	V  []float64 `json:"v"`
}

// planeNet returns the R² net (s, t) ↦ n(X0 + s·U + t·V). The plane's affine
// map is merged into the first layer exactly (relu.Compose, Lemma D.1), with
// X0, U, V taken as the binary values of their floats.
func planeNet(n *relu.Net, p *Plane) (*relu.Net, error) {
	dim := n.InputDim()
	if len(p.X0) != dim || len(p.U) != dim || len(p.V) != dim {
		return nil, fmt.Errorf("plane needs points of %d coordinates", dim)
	}
	// u and v must span a plane: |u|²|v|² − (u·v)² > 0, decided exactly.
	var uu, vv, uv, t big.Rat
	w := make([][]*big.Rat, dim)
	b := make([]*big.Rat, dim)
	for i := range w {
		u, v := new(big.Rat).SetFloat64(p.U[i]), new(big.Rat).SetFloat64(p.V[i])
		uu.Add(&uu, t.Mul(u, u))
		vv.Add(&vv, t.Mul(v, v))
		uv.Add(&uv, t.Mul(u, v))
		w[i] = []*big.Rat{u, v}
		b[i] = new(big.Rat).SetFloat64(p.X0[i])
	}
	if t.Sub(t.Mul(&uu, &vv), new(big.Rat).Mul(&uv, &uv)).Sign() == 0 {
		return nil, fmt.Errorf("plane directions u and v are parallel or zero")
	}
	a, err := relu.AffineLayer(w, b)
	if err != nil {
		return nil, err
	}
	return relu.Compose(n, a)
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
