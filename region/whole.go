package region

import (
	"context"
	"fmt"
	"math/big"

	"github.com/relucid/relucid/relu"
)

// Whole returns the domain R^n: the complex of a net with n inputs over its
// whole, unbounded input space.
//
// It is computed exactly, with no bounding box to guess, through the net's
// perspective F(x, t) = t·f(x/t) (relu.Homogenize). F is positively
// homogeneous, so its regions are polyhedral cones, and the region of f
// with a given activation pattern is the section at t = 1 of the cone of F
// with that pattern. Every cone with interior in t > 0 meets the box
// Q = [−1, 1]^n × [0, 1] in a full-dimensional set, so the complex of F over
// Q — bounded, and certified like any other — lists every region of f over
// R^n exactly once. Two regions of f are adjacent iff their cones share a
// facet, and f's affine map a·x + c is read off F's linear map a·x + c·t;
// so the three counts carry over unchanged.
//
// Regions over R^n are reported by their patterns, affine maps, an interior
// point (x/t for an interior point (x, t) of the cone) and their
// H-representation in x (the facets on unit hyperplanes; the box Q only
// cuts the cones and is dropped). They may be unbounded, so no vertices are
// listed.
func Whole(n int) (Domain, error) {
	if n < 1 {
		return Domain{}, fmt.Errorf("%w: input dimension %d", ErrDomain, n)
	}
	return Domain{Kind: KindWhole, n: n}, nil
}

// PerspectiveBox returns the box Q = [−1, 1]^n × [0, 1] over which the
// complex of the perspective of a net with n inputs (relu.Homogenize) is
// that of the net on all of R^n (see Whole).
func PerspectiveBox(n int) (Domain, error) {
	lo := make([]*big.Rat, n+1)
	hi := make([]*big.Rat, n+1)
	for i := range lo {
		lo[i], hi[i] = big.NewRat(-1, 1), big.NewRat(1, 1)
	}
	lo[n] = new(big.Rat)
	return BoxRat(lo, hi)
}

// enumerateWhole is enumerate for KindWhole (see Whole).
func enumerateWhole(ctx context.Context, net *relu.Net, dom Domain, opt Options, fn func(*Region) error) (*Complex, error) {
	n := dom.n
	if net.InputDim() != n {
		return nil, fmt.Errorf("%w: domain R^%d but the net takes %d inputs", ErrDomain, n, net.InputDim())
	}
	F, err := relu.Homogenize(net)
	if err != nil {
		return nil, err
	}
	q, err := PerspectiveBox(n)
	if err != nil {
		return nil, err
	}
	widths := net.HiddenWidths()
	offs := make([]int, len(widths))
	fOffs := make([]int, len(widths))
	for l := 1; l < len(widths); l++ {
		offs[l] = offs[l-1] + widths[l-1]
		fOffs[l] = fOffs[l-1] + widths[l-1] + 1 // F has one carrying unit per layer
	}
	m := wholeMap{n: n, widths: widths, offs: offs, fOffs: fOffs, words: max(1, (net.Size()+63)/64)}
	opt.Vertices = VerticesNever // vertices of the sections by Q mean nothing for f
	// Every unit hyperplane of F and Q's facet t ≥ 0 (constraint 2n,
	// identity −(2n+1)) pass through the apex of the cones.
	opt.apex, opt.apexFacet = true, -int64(2*n+1)
	var wfn func(*Region) error
	if fn != nil {
		var r Region
		wfn = func(h *Region) error {
			m.region(&r, h)
			return fn(&r)
		}
	}
	cx, err := enumerate(ctx, F, q, opt, wfn)
	if cx == nil {
		return nil, err
	}
	for i := range cx.Regions {
		var r Region
		m.region(&r, &cx.Regions[i])
		cx.Regions[i] = r
	}
	cx.Dim, cx.Domain, cx.Widths, cx.Offsets = n, dom, widths, offs
	return cx, err
}

// wholeMap maps regions of the perspective F back to regions of f.
type wholeMap struct {
	n           int
	widths      []int
	offs, fOffs []int // pattern bit offsets of f's and F's hidden layers
	words       int   // pattern words of f
}

// region writes to dst the region of f whose cone is h. dst's slices are
// reused.
func (m *wholeMap) region(dst, h *Region) {
	n := m.n
	pat := dst.Pattern[:0]
	for range m.words {
		pat = append(pat, 0)
	}
	for l, w := range m.widths {
		for i := 0; i < w; i++ {
			b, fb := m.offs[l]+i, m.fOffs[l]+i
			if h.Pattern[fb/64]>>(fb%64)&1 == 1 {
				pat[b/64] |= 1 << uint(b%64)
			}
		}
	}
	t := h.Interior[n]
	in := dst.Interior[:0]
	for j := 0; j < n; j++ {
		in = append(in, h.Interior[j]/t)
	}
	var inR []*big.Rat
	if h.InteriorRat != nil {
		tr := h.InteriorRat[n]
		inR = make([]*big.Rat, n)
		for j := range inR {
			inR[j] = new(big.Rat).Quo(h.InteriorRat[j], tr)
		}
	}
	facets := dst.Facets[:0]
	for _, f := range h.Facets {
		if f.Source.Layer < 0 || f.Source.Unit >= m.widths[f.Source.Layer] {
			continue // Q's boundary or a carrying unit: not a facet of f's region
		}
		// Normal·(x, t) ≤ Offset at t = 1.
		off := f.Offset - f.Normal[n]
		if off == 0 {
			off = 0 // not −0
		}
		facets = append(facets, Facet{Normal: f.Normal[:n], Offset: off,
			Source: f.Source, Neighbor: f.Neighbor})
	}
	maps := dst.Maps[:0]
	for _, a := range h.Maps {
		maps = append(maps, Affine{Grad: a.Grad[:n], Const: a.Const + a.Grad[n]})
	}
	var mapsR []AffineRat
	for _, a := range h.MapsRat {
		mapsR = append(mapsR, AffineRat{Grad: a.Grad[:n], Const: new(big.Rat).Add(a.Const, a.Grad[n])})
	}
	*dst = Region{Index: h.Index, Pattern: pat, Interior: in, InteriorRat: inR,
		Facets: facets, Maps: maps, MapsRat: mapsR}
}
