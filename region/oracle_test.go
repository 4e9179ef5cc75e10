package region

import (
	"math/big"
	"strings"

	"github.com/relucid/relucid/relu"
)

// This file is an independent exact oracle for 2-D complexes: a plain
// rational polygon-splitting enumeration (no tight sets, no split tree, no
// tolerance), with pieces found by testing every pair of regions for a
// shared boundary segment of positive length.

type qpt [2]*big.Rat

type oracleRegion struct {
	poly []qpt
	maps []string // exact output maps
	mapv [][3]*big.Rat
}

// oracleSplit returns the parts of the convex polygon where g ≥ 0 and g ≤ 0
// (g = a x + b y + c), each nil when it has no interior.
func oracleSplit(poly []qpt, g [3]*big.Rat) (pos, neg []qpt) {
	n := len(poly)
	vals := make([]*big.Rat, n)
	anyPos, anyNeg := false, false
	for i, p := range poly {
		v := new(big.Rat).Mul(g[0], p[0])
		v.Add(v, new(big.Rat).Mul(g[1], p[1]))
		v.Add(v, g[2])
		vals[i] = v
		anyPos = anyPos || v.Sign() > 0
		anyNeg = anyNeg || v.Sign() < 0
	}
	if !anyNeg {
		return poly, nil
	}
	if !anyPos {
		return nil, poly
	}
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		if vals[i].Sign() >= 0 {
			pos = append(pos, poly[i])
		}
		if vals[i].Sign() <= 0 {
			neg = append(neg, poly[i])
		}
		if vals[i].Sign()*vals[j].Sign() < 0 {
			s := new(big.Rat).Sub(vals[i], vals[j])
			s.Quo(vals[i], s)
			var p qpt
			for k := 0; k < 2; k++ {
				p[k] = new(big.Rat).Sub(poly[j][k], poly[i][k])
				p[k].Mul(p[k], s)
				p[k].Add(p[k], poly[i][k])
			}
			pos = append(pos, p)
			neg = append(neg, p)
		}
	}
	return pos, neg
}

// oracleEnumerate enumerates the regions of a 2-input net on a rational box.
func oracleEnumerate(net *relu.Net, lo, hi [2]*big.Rat) []oracleRegion {
	box := []qpt{{lo[0], lo[1]}, {hi[0], lo[1]}, {hi[0], hi[1]}, {lo[0], hi[1]}}
	type state struct {
		poly []qpt
		pre  [][3]*big.Rat // current layer pre-activations on the cell
	}
	l0 := &net.Layers[0]
	first := make([][3]*big.Rat, l0.Out)
	for i := range first {
		first[i] = [3]*big.Rat{l0.RatAt(i, 0), l0.RatAt(i, 1), l0.BR[i]}
	}
	cells := []state{{box, first}}
	H := len(net.Layers) - 1
	for l := 0; l < H; l++ {
		var done []state
		for _, c := range cells {
			// Split c by every unit; track the on-set per sub-cell.
			type sub struct {
				poly []qpt
				on   []bool
			}
			subs := []sub{{c.poly, nil}}
			for _, g := range c.pre {
				var nxt []sub
				for _, s := range subs {
					p, n := oracleSplit(s.poly, g)
					if p != nil {
						nxt = append(nxt, sub{p, append(append([]bool(nil), s.on...), true)})
					}
					if n != nil {
						nxt = append(nxt, sub{n, append(append([]bool(nil), s.on...), false)})
					}
				}
				subs = nxt
			}
			lay := &net.Layers[l+1]
			for _, s := range subs {
				pre := make([][3]*big.Rat, lay.Out)
				for i := range pre {
					a := [3]*big.Rat{new(big.Rat), new(big.Rat), new(big.Rat).Set(lay.BR[i])}
					for j, on := range s.on {
						if !on {
							continue
						}
						for k := 0; k < 3; k++ {
							a[k].Add(a[k], new(big.Rat).Mul(lay.RatAt(i, j), c.pre[j][k]))
						}
					}
					pre[i] = a
				}
				done = append(done, state{s.poly, pre})
			}
		}
		cells = done
	}
	out := make([]oracleRegion, len(cells))
	for i, c := range cells {
		out[i].poly = c.poly
		for _, a := range c.pre {
			out[i].maps = append(out[i].maps, a[0].RatString()+","+a[1].RatString()+","+a[2].RatString())
			out[i].mapv = append(out[i].mapv, a)
		}
	}
	return out
}

// shareSegment reports whether two convex polygons share a boundary segment
// of positive length.
func shareSegment(p, q []qpt) bool {
	cross := func(o, a, b qpt) *big.Rat {
		x := new(big.Rat).Sub(a[0], o[0])
		x.Mul(x, new(big.Rat).Sub(b[1], o[1]))
		y := new(big.Rat).Sub(a[1], o[1])
		y.Mul(y, new(big.Rat).Sub(b[0], o[0]))
		return x.Sub(x, y)
	}
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		if a[0].Cmp(b[0]) == 0 && a[1].Cmp(b[1]) == 0 {
			continue
		}
		for j := range q {
			c, d := q[j], q[(j+1)%len(q)]
			if cross(a, b, c).Sign() != 0 || cross(a, b, d).Sign() != 0 {
				continue
			}
			// Collinear: project on the direction b − a and test overlap.
			dir := [2]*big.Rat{new(big.Rat).Sub(b[0], a[0]), new(big.Rat).Sub(b[1], a[1])}
			proj := func(x qpt) *big.Rat {
				s := new(big.Rat).Mul(new(big.Rat).Sub(x[0], a[0]), dir[0])
				return s.Add(s, new(big.Rat).Mul(new(big.Rat).Sub(x[1], a[1]), dir[1]))
			}
			lo1, hi1 := big.NewRat(0, 1), proj(b)
			lo2, hi2 := proj(c), proj(d)
			if lo2.Cmp(hi2) > 0 {
				lo2, hi2 = hi2, lo2
			}
			lo := lo1
			if lo2.Cmp(lo) > 0 {
				lo = lo2
			}
			hi := hi1
			if hi2.Cmp(hi) < 0 {
				hi = hi2
			}
			if hi.Cmp(lo) > 0 {
				return true
			}
		}
	}
	return false
}

// oracleCounts returns regions, pieces and distinct maps of output o.
func oracleCounts(rs []oracleRegion, o int) Counts {
	u := newUF(len(rs))
	pieces := len(rs)
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].maps[o] == rs[j].maps[o] && u.find(int32(i)) != u.find(int32(j)) && shareSegment(rs[i].poly, rs[j].poly) {
				u.union(int32(i), int32(j))
				pieces--
			}
		}
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.maps[o]] = true
	}
	return Counts{Regions: len(rs), Pieces: pieces, AffineMaps: len(seen)}
}

var _ = strings.Join
