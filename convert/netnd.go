package convert

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// tightTol decides which facets of a region are tight at a float vertex
// reported by the region engine: a residual below tightTol times the scale
// |offset| + ‖normal‖·‖v‖ + 1. The engine's vertices carry relative rounding
// errors of order 1e-13 (a few solves of n×n systems in float64); 1e-7
// leaves six orders of margin while staying far below the gap to any facet
// not tight at the vertex for the modest nets this path serves. Every
// vertex so identified is then recomputed and checked exactly.
const tightTol = 1e-7

// MaxNetRegions bounds the activation regions of a net that depth
// compression accepts: the max–min form has one min-term per region, each
// decided against every affine piece at the region's vertices, so the work
// grows with the square of the count (4,000 regions: about a minute).
const MaxNetRegions = 4000

// cellPoly is one region of a net's complex with exact data.
type cellPoly struct {
	piece    Affine
	vertices [][]*big.Rat // exact; counter-clockwise in 2-D
	interior []*big.Rat
}

// certifiedComplex enumerates the exact complex of net over dom (Options.Exact
// on top of opt), refusing nets with more than MaxNetRegions regions after
// a float count, which finds them in a fraction of the time the exact
// enumeration would take to get there.
func certifiedComplex(ctx context.Context, net *relu.Net, dom region.Domain, opt region.Options) (*region.Complex, error) {
	_, err := region.Enumerate(ctx, net, dom, region.Options{NoAutoExact: true, Vertices: region.VerticesNever, MaxRegions: MaxNetRegions})
	var cx *region.Complex
	if err == nil {
		opt.Exact, opt.MaxRegions = true, MaxNetRegions
		cx, err = region.Enumerate(ctx, net, dom, opt)
	}
	if errors.Is(err, region.ErrMaxRegions) {
		return nil, fmt.Errorf("%w: the net has more than %d activation regions on the domain, and its max–min form needs one min-term per region (Ovchinnikov); convert a smaller net or a smaller --box", ErrTooLarge, MaxNetRegions)
	}
	if err != nil {
		return nil, fmt.Errorf("region engine: %w", err)
	}
	if !cx.Exact {
		return nil, errors.New("convert: the region engine could not certify the complex exactly")
	}
	return cx, nil
}

// netCells enumerates the certified complex of net over dom with the region
// engine and recovers every region's exact vertices.
func netCells(ctx context.Context, net *relu.Net, dom region.Domain) ([]cellPoly, error) {
	if dom.Kind == region.KindSlice {
		return nil, errors.New("convert: a slice is not a domain of the net's input space; use a box or polytope")
	}
	cx, err := certifiedComplex(ctx, net, dom, region.Options{Vertices: region.VerticesAlways, Workers: 1})
	if err != nil {
		return nil, err
	}
	n := net.InputDim()
	domA, domB := dom.Constraints()
	cells := make([]cellPoly, 0, len(cx.Regions))
	for ri := range cx.Regions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := &cx.Regions[ri]
		pre := preActivations(net, cx, r)
		// Exact facet inequalities a·x ≤ c.
		type ineq struct {
			a []*big.Rat
			c *big.Rat
		}
		facets := make([]ineq, len(r.Facets))
		for k, f := range r.Facets {
			if f.Source.Layer < 0 {
				facets[k] = ineq{domA[f.Source.Unit], domB[f.Source.Unit]}
				continue
			}
			p := pre[f.Source.Layer][f.Source.Unit] // P = p[0..n−1]·x + p[n]
			// Orient P ≤ 0 or −P ≤ 0 like the float normal.
			dot := 0.0
			for j := 0; j < n; j++ {
				v, _ := p[j].Float64()
				dot += v * f.Normal[j]
			}
			sgn := big.NewRat(1, 1)
			if dot < 0 {
				sgn.SetInt64(-1)
			}
			a := make([]*big.Rat, n)
			for j := range a {
				a[j] = new(big.Rat).Mul(sgn, p[j])
			}
			facets[k] = ineq{a, new(big.Rat).Neg(new(big.Rat).Mul(sgn, p[n]))}
		}
		c := cellPoly{interior: r.InteriorRat}
		m := r.MapsRat[0]
		c.piece = Affine{W: m.Grad, B: m.Const}
		for _, v := range r.Vertices {
			var tight []int
			for k, f := range r.Facets {
				res, scale := -f.Offset, math.Abs(f.Offset)+1
				norm, vn := 0.0, 0.0
				for j := 0; j < n; j++ {
					res += f.Normal[j] * v[j]
					norm += f.Normal[j] * f.Normal[j]
					vn += v[j] * v[j]
				}
				scale += math.Sqrt(norm * vn)
				if math.Abs(res) <= tightTol*scale {
					tight = append(tight, k)
				}
			}
			// n tight facets with independent exact normals.
			var rows [][]*big.Rat
			var rhs []*big.Rat
			for _, k := range tight {
				cand := append(append([][]*big.Rat(nil), rows...), facets[k].a)
				if len(pivotColumns(cand, n)) == len(cand) {
					rows = cand
					rhs = append(rhs, facets[k].c)
					if len(rows) == n {
						break
					}
				}
			}
			if len(rows) < n {
				return nil, fmt.Errorf("convert: region %d: cannot recover an exact vertex near %v", ri, v)
			}
			x, ok := solve(rows, rhs)
			if !ok {
				return nil, fmt.Errorf("convert: region %d: singular vertex system", ri)
			}
			for k, f := range facets {
				s := new(big.Rat).Neg(f.c)
				for j := 0; j < n; j++ {
					s.Add(s, new(big.Rat).Mul(f.a[j], x[j]))
				}
				if s.Sign() > 0 {
					return nil, fmt.Errorf("convert: region %d: recovered vertex %s violates facet %d", ri, fmtPoint(x), k)
				}
			}
			c.vertices = append(c.vertices, x)
		}
		cells = append(cells, c)
	}
	return cells, nil
}

// preActivations returns, for every hidden unit, its exact pre-activation
// on region r as an affine map of the input: pre[l][i] = (w_0..w_{n−1}, c).
func preActivations(net *relu.Net, cx *region.Complex, r *region.Region) [][][]*big.Rat {
	n := net.InputDim()
	// cur[u] is the affine map of the current layer's input u.
	cur := make([][]*big.Rat, n)
	for j := range cur {
		cur[j] = make([]*big.Rat, n+1)
		for k := range cur[j] {
			cur[j][k] = new(big.Rat)
		}
		cur[j][j].SetInt64(1)
	}
	var out [][][]*big.Rat
	var t big.Rat
	for l := 0; l < len(net.Layers)-1; l++ {
		L := &net.Layers[l]
		pre := make([][]*big.Rat, L.Out)
		for i := 0; i < L.Out; i++ {
			p := make([]*big.Rat, n+1)
			for k := range p {
				p[k] = new(big.Rat)
			}
			p[n].Set(L.BR[i])
			for j := 0; j < L.In; j++ {
				w := L.WR[i*L.In+j]
				if w.Sign() == 0 || cur[j] == nil {
					continue
				}
				for k := 0; k <= n; k++ {
					p[k].Add(p[k], t.Mul(w, cur[j][k]))
				}
			}
			pre[i] = p
		}
		out = append(out, pre)
		next := make([][]*big.Rat, L.Out)
		for i := range next {
			if cx.Active(r, l, i) {
				next[i] = pre[i]
			}
		}
		cur = next
	}
	return out
}

// NetToLattice returns the max–min form of a net on a convex domain (box or
// polytope) from its certified region complex, by Ovchinnikov's theorem
// with the sets decided at the exact vertices of every region. It equals
// the net on the domain.
func NetToLattice(ctx context.Context, net *relu.Net, dom region.Domain) (*Lattice, error) {
	l, _, err := netToLattice(ctx, net, dom)
	return l, err
}

func netToLattice(ctx context.Context, net *relu.Net, dom region.Domain) (*Lattice, []cellPoly, error) {
	cells, err := netCells(ctx, net, dom)
	if err != nil {
		return nil, nil, err
	}
	pieces := make([]Affine, len(cells))
	for ci, c := range cells {
		pieces[ci] = c.piece
	}
	l := &Lattice{N: net.InputDim()}
	var pieceOf []int
	l.Affine, pieceOf = distinctAffine(pieces)
	l.Sets = ovchinnikovSets(len(l.Affine), pieceOf, func(ci, j, g int) bool {
		for _, v := range cells[ci].vertices {
			if l.Affine[j].Eval(v).Cmp(l.Affine[g].Eval(v)) < 0 {
				return false
			}
		}
		return true
	})
	return l, cells, nil
}
