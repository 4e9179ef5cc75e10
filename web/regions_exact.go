package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// regionsExact is the built-in region engine: package region's enumeration
// with every region certified in rational arithmetic. Its counts are the
// counts of design.md §3; the per-cell map and piece numbers, which only
// colour the drawing, are derived from its exact maps and facet adjacency.
func regionsExact(ctx context.Context, n *relu.Net, out int, box [2][2]float64) (*RegionMap, error) {
	return regionsEnumerate(ctx, n, out, box, true)
}

// regionsFast is the live-preview engine: the same enumeration in float64
// only.
func regionsFast(ctx context.Context, n *relu.Net, out int, box [2][2]float64) (*RegionMap, error) {
	return regionsEnumerate(ctx, n, out, box, false)
}

func regionsEnumerate(ctx context.Context, n *relu.Net, out int, box [2][2]float64, exact bool) (*RegionMap, error) {
	if n.InputDim() != 2 {
		return nil, fmt.Errorf("region map needs a net with 2 inputs (this net has %d)", n.InputDim())
	}
	if out < 0 || out >= n.OutputDim() {
		return nil, fmt.Errorf("output %d out of range: net has %d outputs", out, n.OutputDim())
	}
	dom, err := region.Box([]float64{box[0][0], box[1][0]}, []float64{box[0][1], box[1][1]})
	if err != nil {
		return nil, err
	}
	// The float preview skips the automatic exact certification, which the
	// exact request that follows it provides.
	c, err := region.Enumerate(ctx, n, dom, region.Options{Exact: exact, NoAutoExact: !exact, MaxRegions: maxCells, Adjacency: true})
	if err != nil {
		if errors.Is(err, region.ErrMaxRegions) {
			return nil, fmt.Errorf("more than %d regions: choose a smaller box or a smaller net", maxCells)
		}
		return nil, err
	}
	rm := &RegionMap{Box: box, Exact: c.Exact, Cells: make([]Cell, len(c.Regions)),
		Regions: c.Counts[out].Regions, Pieces: c.Counts[out].Pieces, AffineMaps: c.Counts[out].AffineMaps}
	if exact {
		// The same counts with no box: every region of the plane. A net
		// with too many regions there just goes without.
		whole, err := region.Whole(2)
		if err != nil {
			return nil, err
		}
		cw, err := region.Enumerate(ctx, n, whole, region.Options{Exact: true, MaxRegions: maxCells})
		switch {
		case err == nil && cw.CompleteCertified:
			counts := cw.Counts[out]
			rm.Whole = &counts
		case err != nil && !errors.Is(err, region.ErrMaxRegions) && ctx.Err() == nil:
			return nil, err
		}
	}
	ids := map[string]int{}
	for i := range c.Regions {
		r := &c.Regions[i]
		poly := make([][2]float64, len(r.Vertices))
		for j, v := range r.Vertices {
			poly[j] = [2]float64{v[0], v[1]}
		}
		pat := make([]string, len(c.Widths))
		for l, w := range c.Widths {
			var b strings.Builder
			for u := 0; u < w; u++ {
				b.WriteByte("01"[boolInt(c.Active(r, l, u))])
			}
			pat[l] = b.String()
		}
		m := r.Maps[out]
		var key string
		if c.Exact {
			mr := r.MapsRat[out]
			key = mr.Grad[0].RatString() + " " + mr.Grad[1].RatString() + " " + mr.Const.RatString()
		} else {
			key = mapKey([3]float64{m.Grad[0], m.Grad[1], m.Const})
		}
		id, ok := ids[key]
		if !ok {
			id = len(ids)
			ids[key] = id
		}
		rm.Cells[i] = Cell{Polygon: poly, Pattern: pat, Grad: [2]float64{m.Grad[0], m.Grad[1]}, Offset: m.Const, Map: id}
	}
	// Pieces: union of facet-adjacent regions with the same map.
	parent := make([]int, len(rm.Cells))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, a := range c.Adjacent {
		if rm.Cells[a[0]].Map == rm.Cells[a[1]].Map {
			parent[find(a[0])] = find(a[1])
		}
	}
	roots := map[int]int{}
	for i := range rm.Cells {
		r := find(i)
		if _, ok := roots[r]; !ok {
			roots[r] = len(roots)
		}
		rm.Cells[i].Piece = roots[r]
	}
	return rm, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
