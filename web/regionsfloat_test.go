package web

// A float64 2-D region engine written independently of package region and
// kept as a test oracle: the tests check the two against each other. It cuts
// the box layer by layer along the zero lines of the units, carrying on each
// convex cell the affine map of the current layer.

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/relucid/relucid/relu"
)

// Tolerances of the built-in 2-D engine.
const (
	// regionSideTol: a vertex v lies on the line z = 0 of a pre-activation
	// z when |z(v)| ≤ regionSideTol·scale, scale the largest |z| over the
	// cell's vertices (at least 1). Pre-activations are short float64 dot
	// products, whose relative error is far below this.
	regionSideTol = 1e-10
	// regionAreaTol: cells whose area is below regionAreaTol times the box
	// area are slivers created by rounding when a line passes through a
	// vertex, and are dropped.
	regionAreaTol = 1e-12
	// regionEdgeTol: two polygon edges lie on one line and overlap when
	// they do so up to regionEdgeTol times the box diagonal; each cut moves
	// a vertex by ~1e-15 of the diagonal, so this is generous.
	regionEdgeTol = 1e-9
)

// work cell during enumeration: polygon plus the affine map of the current
// layer's outputs, rows (a_x, a_y, c).
type wcell struct {
	poly    [][2]float64
	maps    [][3]float64
	pattern []string
}

// regionsFloat is the float64 2-D engine: it cuts the box layer by layer
// along the zero lines of the units, carrying on each convex cell the affine
// map of the current layer. Output out of the net is used.
func regionsFloat(ctx context.Context, n *relu.Net, out int, box [2][2]float64) (*RegionMap, error) {
	if n.InputDim() != 2 {
		return nil, fmt.Errorf("region map needs a net with 2 inputs (this net has %d)", n.InputDim())
	}
	if out < 0 || out >= n.OutputDim() {
		return nil, fmt.Errorf("output %d out of range: net has %d outputs", out, n.OutputDim())
	}
	for _, iv := range box {
		if !(iv[0] < iv[1]) || math.IsInf(iv[0], 0) || math.IsInf(iv[1], 0) {
			return nil, fmt.Errorf("box side [%v, %v] is not a finite interval with lo < hi", iv[0], iv[1])
		}
	}
	boxArea := (box[0][1] - box[0][0]) * (box[1][1] - box[1][0])
	cells := []wcell{{
		poly: [][2]float64{{box[0][0], box[1][0]}, {box[0][1], box[1][0]}, {box[0][1], box[1][1]}, {box[0][0], box[1][1]}},
		maps: [][3]float64{{1, 0, 0}, {0, 1, 0}},
	}}
	last := len(n.Layers) - 1
	for k := range n.Layers {
		l := &n.Layers[k]
		var next []wcell
		for _, c := range cells {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			pre := composeLayer(l, c.maps, k == last, out)
			if k == last {
				c.maps = pre
				next = append(next, c)
				continue
			}
			// Split c along each unit's zero line in turn.
			parts := []wcell{{poly: c.poly, pattern: c.pattern}}
			for i := range pre {
				var np []wcell
				for _, p := range parts {
					neg, pos := splitPoly(p.poly, pre[i])
					for _, q := range [][][2]float64{neg, pos} {
						if q != nil && polyArea(q) > regionAreaTol*boxArea {
							np = append(np, wcell{poly: q, pattern: p.pattern})
						}
					}
				}
				parts = np
				if len(next)+len(parts) > maxCells {
					return nil, fmt.Errorf("more than %d regions: choose a smaller box or a smaller net", maxCells)
				}
			}
			for _, p := range parts {
				cx, cy := centroid(p.poly)
				var bits strings.Builder
				m := make([][3]float64, len(pre))
				for i, r := range pre {
					if r[0]*cx+r[1]*cy+r[2] > 0 {
						bits.WriteByte('1')
						m[i] = r
					} else {
						bits.WriteByte('0')
					}
				}
				pat := append(append([]string(nil), p.pattern...), bits.String())
				next = append(next, wcell{poly: p.poly, maps: m, pattern: pat})
			}
		}
		cells = next
	}
	rm := &RegionMap{Box: box, Regions: len(cells), Cells: make([]Cell, len(cells))}
	ids := map[string]int{}
	for i, c := range cells {
		r := c.maps[0]
		key := mapKey(r)
		id, ok := ids[key]
		if !ok {
			id = len(ids)
			ids[key] = id
		}
		pat := c.pattern
		if pat == nil {
			pat = []string{}
		}
		rm.Cells[i] = Cell{Polygon: c.poly, Pattern: pat, Grad: [2]float64{r[0], r[1]}, Offset: r[2], Map: id}
	}
	rm.AffineMaps = len(ids)
	rm.Pieces = mergePieces(rm.Cells, box)
	return rm, nil
}

// composeLayer returns the affine maps (in x) of the pre-activations of layer
// l given the affine maps of its inputs; for the output layer only row out.
func composeLayer(l *relu.Layer, in [][3]float64, last bool, out int) [][3]float64 {
	lo, hi := 0, l.Out
	if last {
		lo, hi = out, out+1
	}
	res := make([][3]float64, 0, hi-lo)
	for i := lo; i < hi; i++ {
		r := [3]float64{0, 0, l.B[i]}
		for j := 0; j < l.In; j++ {
			w := l.W[i*l.In+j]
			r[0] += w * in[j][0]
			r[1] += w * in[j][1]
			r[2] += w * in[j][2]
		}
		res = append(res, r)
	}
	return res
}

// splitPoly cuts the convex polygon p by the line z(x) = a·x + b·y + c = 0
// and returns the parts with z ≤ 0 and z ≥ 0 (nil when empty).
func splitPoly(p [][2]float64, z [3]float64) (neg, pos [][2]float64) {
	vals := make([]float64, len(p))
	scale := 1.0
	for i, v := range p {
		vals[i] = z[0]*v[0] + z[1]*v[1] + z[2]
		scale = max(scale, math.Abs(vals[i]))
	}
	tol := regionSideTol * scale
	hasNeg, hasPos := false, false
	for i := range vals {
		switch {
		case vals[i] > tol:
			hasPos = true
		case vals[i] < -tol:
			hasNeg = true
		default:
			vals[i] = 0
		}
	}
	if !hasNeg {
		return nil, p
	}
	if !hasPos {
		return p, nil
	}
	for i, v := range p {
		j := (i + 1) % len(p)
		a, b := vals[i], vals[j]
		if a <= 0 {
			neg = append(neg, v)
		}
		if a >= 0 {
			pos = append(pos, v)
		}
		if (a < 0 && b > 0) || (a > 0 && b < 0) {
			u := a / (a - b)
			w := p[j]
			x := [2]float64{v[0] + u*(w[0]-v[0]), v[1] + u*(w[1]-v[1])}
			neg = append(neg, x)
			pos = append(pos, x)
		}
	}
	return neg, pos
}

func polyArea(p [][2]float64) float64 {
	s := 0.0
	for i, v := range p {
		w := p[(i+1)%len(p)]
		s += v[0]*w[1] - w[0]*v[1]
	}
	return math.Abs(s) / 2
}

// centroid returns the vertex average, an interior point of a convex polygon
// of positive area.
func centroid(p [][2]float64) (float64, float64) {
	var x, y float64
	for _, v := range p {
		x += v[0]
		y += v[1]
	}
	return x / float64(len(p)), y / float64(len(p))
}

// mergePieces sets Cell.Piece to the connected component of the cells with
// the same affine map, two cells being adjacent when they share an edge of
// positive length, and returns the number of components.
func mergePieces(cells []Cell, box [2][2]float64) int {
	parent := make([]int, len(cells))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	byMap := map[int][]int{}
	for i, c := range cells {
		byMap[c.Map] = append(byMap[c.Map], i)
	}
	diam := math.Hypot(box[0][1]-box[0][0], box[1][1]-box[1][0])
	for _, group := range byMap {
		for a := 0; a < len(group); a++ {
			for b := a + 1; b < len(group); b++ {
				i, j := group[a], group[b]
				if find(i) != find(j) && shareEdge(cells[i].Polygon, cells[j].Polygon, diam) {
					parent[find(i)] = find(j)
				}
			}
		}
	}
	roots := map[int]int{}
	for i := range cells {
		r := find(i)
		id, ok := roots[r]
		if !ok {
			id = len(roots)
			roots[r] = id
		}
		cells[i].Piece = id
	}
	return len(roots)
}

// shareEdge reports whether two convex polygons share a boundary segment of
// length above regionEdgeTol·diam: an edge of p and an edge of q lie on one
// line and overlap.
func shareEdge(p, q [][2]float64, diam float64) bool {
	tol := regionEdgeTol * diam
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		dx, dy := b[0]-a[0], b[1]-a[1]
		L := math.Hypot(dx, dy)
		if L <= tol {
			continue
		}
		ux, uy := dx/L, dy/L
		for j := range q {
			c, d := q[j], q[(j+1)%len(q)]
			// distance of c and d from line ab
			if math.Abs((c[0]-a[0])*uy-(c[1]-a[1])*ux) > tol || math.Abs((d[0]-a[0])*uy-(d[1]-a[1])*ux) > tol {
				continue
			}
			s0 := (c[0]-a[0])*ux + (c[1]-a[1])*uy
			s1 := (d[0]-a[0])*ux + (d[1]-a[1])*uy
			lo, hi := min(s0, s1), max(s0, s1)
			if min(hi, L)-max(lo, 0) > tol {
				return true
			}
		}
	}
	return false
}
