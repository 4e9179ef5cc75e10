package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// The planar construction (method Planar): a Wang–Sun form of a net
// R² → R whose number of terms is linear in the number of kink lines and of
// vertices where three or more of them meet, instead of exponential.
//
// f is affine on every cell of the arrangement of the full lines through its
// kink edges. Across a line ℓ (oriented by its gradient g) the jump of f is
// J·ℓ, with J constant along ℓ except at the vertices where other lines
// meet it; going once around a vertex v the jumps must add up to zero, two
// linear conditions on the steps of J at v. So at a vertex with lines
// a, b, c_3, …, c_k through it the steps span a (k − 2)-dimensional space,
// and the functions
//
//	φ_j = max(0, s_j·a, c_j)   with c_j = s_j·a + t_j·b (as affine maps; all vanish at v)
//
// have kinks on one ray each of a, b and c_j only, with a nonzero step on c_j:
// γ_j = step_f(c_j) / step_{φ_j}(c_j) removes f's step on c_j, and then the
// steps on a and b vanish too. After every vertex, J is constant along each
// line: its value on any edge is the coefficient of the ridge max(0, ℓ). What
// is left is affine. Every term is a max of at most 3 = n + 1 affine maps.
//
// Jumps and steps are read off exact affine maps evaluated at infinitesimal
// displacements (lexicographic order of value and directional derivatives),
// so no point of the arrangement needs to be located.

// Planar is the method of the planar construction (nets with two inputs).
const Planar Method = "planar"

// lexMap is an affine map on R^n with its lexicographic value at a perturbed
// point p + ε·d1 + ε²·d2 + …: the value at p, then the derivatives along
// d1, d2, ….
type lexMap struct {
	a   Affine
	key []*big.Rat
}

func newLexMap(a Affine, p []*big.Rat, dirs ...[]*big.Rat) lexMap {
	key := make([]*big.Rat, 1, 1+len(dirs))
	key[0] = a.Eval(p)
	for _, d := range dirs {
		key = append(key, dot(a.W, d))
	}
	return lexMap{a: a, key: key}
}

// dot returns the exact inner product of a and b.
func dot(a, b []*big.Rat) *big.Rat {
	s := new(big.Rat)
	var t big.Rat
	for i := range a {
		if a[i].Sign() != 0 && b[i].Sign() != 0 {
			s.Add(s, t.Mul(a[i], b[i]))
		}
	}
	return s
}

func (m lexMap) cmp(o lexMap) int {
	for i := range m.key {
		if c := m.key[i].Cmp(o.key[i]); c != 0 {
			return c
		}
	}
	return 0
}

// lexSign is the sign of a at p + ε·d1 + ε²·d2 + … for infinitesimal ε > 0.
func lexSign(a Affine, p []*big.Rat, dirs ...[]*big.Rat) int {
	if s := a.Eval(p).Sign(); s != 0 {
		return s
	}
	for _, d := range dirs {
		if s := dot(a.W, d).Sign(); s != 0 {
			return s
		}
	}
	return 0
}

// netMapAt returns the exact affine map of net (one output) on the region
// containing p + ε·d1 + ε²·d2 + … for infinitesimal ε > 0; with d1, d2, …
// a basis of R^n that region is full-dimensional.
func netMapAt(net *relu.Net, p []*big.Rat, dirs ...[]*big.Rat) Affine {
	n := len(p)
	cur := make([]Affine, n)
	for i := range cur {
		cur[i] = zeroAffine(n)
		cur[i].W[i] = big.NewRat(1, 1)
	}
	last := len(net.Layers) - 1
	for k := range net.Layers {
		l := &net.Layers[k]
		next := make([]Affine, l.Out)
		for i := 0; i < l.Out; i++ {
			acc := Affine{W: zeroAffine(n).W, B: new(big.Rat).Set(l.BR[i])}
			for j := 0; j < l.In; j++ {
				if w := l.WR[i*l.In+j]; w.Sign() != 0 {
					acc = acc.plus(w, cur[j])
				}
			}
			if k != last && lexSign(acc, p, dirs...) <= 0 {
				acc = zeroAffine(n)
			}
			next[i] = acc
		}
		cur = next
	}
	return cur[0]
}

// maxMapAt returns the argument of max_i fs[i] active at
// p + ε·d1 + ε²·d2 + ….
func maxMapAt(fs []Affine, p []*big.Rat, dirs ...[]*big.Rat) Affine {
	best := newLexMap(fs[0], p, dirs...)
	for _, f := range fs[1:] {
		if m := newLexMap(f, p, dirs...); m.cmp(best) > 0 {
			best = m
		}
	}
	return best.a
}

// kinkLine is a line {x : ℓ(x) = 0} carrying kinks, with a direction u
// along it.
type kinkLine struct {
	l Affine
	u []*big.Rat
}

// jumpAt returns J with f₊ − f₋ = J·ℓ across line ℓ at the point
// p + ε·along (on the line), where f₊ is the side ℓ > 0; eval gives the map
// of the function at a perturbed point. It fails when the two maps do not
// differ by a multiple of ℓ (a kink off the line).
func jumpAt(eval func(p, d1, d2 []*big.Rat) Affine, ln kinkLine, p, along []*big.Rat) (*big.Rat, error) {
	g := ln.l.W
	neg := []*big.Rat{new(big.Rat).Neg(g[0]), new(big.Rat).Neg(g[1])}
	// Along the line first, then off it: the point just past p on ℓ.
	plus := eval(p, along, g)
	minus := eval(p, along, neg)
	diff := plus.plus(big.NewRat(-1, 1), minus)
	nn := new(big.Rat).Mul(g[0], g[0])
	nn.Add(nn, new(big.Rat).Mul(g[1], g[1]))
	j := new(big.Rat).Mul(diff.W[0], g[0])
	j.Add(j, new(big.Rat).Mul(diff.W[1], g[1]))
	j.Quo(j, nn)
	if diff.key() != ln.l.scaled(j).key() {
		return nil, fmt.Errorf("convert: internal error: a kink of the function is not on line %s", fmtAffine(ln.l))
	}
	return j, nil
}

// jumpStep is the change of eval's jump across ln at p, from just before p
// along ln to just after it.
func jumpStep(eval func(p, d1, d2 []*big.Rat) Affine, ln kinkLine, p []*big.Rat) (*big.Rat, error) {
	back := []*big.Rat{new(big.Rat).Neg(ln.u[0]), new(big.Rat).Neg(ln.u[1])}
	after, err := jumpAt(eval, ln, p, ln.u)
	if err != nil {
		return nil, err
	}
	before, err := jumpAt(eval, ln, p, back)
	if err != nil {
		return nil, err
	}
	return after.Sub(after, before), nil
}

// normLine scales an affine map so that its first nonzero gradient entry is
// 1 (a canonical form of its zero line).
func normLine(a Affine) Affine {
	for _, w := range a.W {
		if w.Sign() != 0 {
			return a.scaled(new(big.Rat).Inv(w))
		}
	}
	return a
}

// planarKinkLines returns the exact kink lines of a net with two inputs
// (kinkHyperplanes), each with a direction along it.
func planarKinkLines(ctx context.Context, net *relu.Net) ([]kinkLine, int, error) {
	hs, nreg, err := kinkHyperplanes(ctx, net)
	if err != nil {
		return nil, 0, err
	}
	lines := make([]kinkLine, len(hs))
	for i, d := range hs {
		lines[i] = kinkLine{l: d, u: []*big.Rat{new(big.Rat).Neg(d.W[1]), new(big.Rat).Set(d.W[0])}}
	}
	return lines, nreg, nil
}

// kinkHyperplanes returns the exact kink hyperplanes of a net with one
// output, normalized (normLine) and sorted: the zero sets of M − M' for
// every pair of regions (of its complex on all of R^n) that share a facet
// and carry different maps M, M'. It also returns the number of regions.
func kinkHyperplanes(ctx context.Context, net *relu.Net) ([]Affine, int, error) {
	n := net.InputDim()
	whole, err := region.Whole(n)
	if err != nil {
		return nil, 0, err
	}
	cx, err := certifiedComplex(ctx, net, whole, region.Options{Vertices: region.VerticesNever})
	if err != nil {
		return nil, 0, err
	}
	if !cx.CompleteCertified {
		return nil, 0, fmt.Errorf("convert: the complex of the net on R^%d could not be certified", n)
	}
	seen := map[string]bool{}
	var hs []Affine
	for i := range cx.Regions {
		r := &cx.Regions[i]
		for _, f := range r.Facets {
			j := f.Neighbor
			if j <= i {
				continue
			}
			a, b := r.MapsRat[0], cx.Regions[j].MapsRat[0]
			d := Affine{W: make([]*big.Rat, n), B: new(big.Rat).Sub(a.Const, b.Const)}
			zero := true
			for k := range d.W {
				d.W[k] = new(big.Rat).Sub(a.Grad[k], b.Grad[k])
				zero = zero && d.W[k].Sign() == 0
			}
			if zero {
				continue // same map (or, for a continuous f, the same function)
			}
			d = normLine(d)
			if k := d.key(); !seen[k] {
				seen[k] = true
				hs = append(hs, d)
			}
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].key() < hs[j].key() })
	return hs, len(cx.Regions), nil
}

// polyStart checks the net given to a polynomial construction (n inputs,
// one output) and returns its work budget.
func polyStart(net *relu.Net, n int, name string, budgetSteps int) (*budget, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if net.InputDim() != n || net.OutputDim() != 1 {
		return nil, fmt.Errorf("convert: the %s construction needs a net R%s → R, not R^%d → R^%d", name, superscript(n), net.InputDim(), net.OutputDim())
	}
	if budgetSteps <= 0 {
		budgetSteps = DefaultBudget
	}
	return &budget{left: budgetSteps}, nil
}

// superscript writes a small non-negative integer with superscript digits.
func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	sup := []rune(digits)
	var out []rune
	for _, c := range fmt.Sprint(n) {
		out = append(out, sup[c-'0'])
	}
	return string(out)
}

// PlanarMaxSum returns the Wang–Sun form of a net with two inputs and one
// output by the planar construction (see above), valid on all of R².
func PlanarMaxSum(ctx context.Context, net *relu.Net, budgetSteps int) (*MaxSum, error) {
	b, err := polyStart(net, 2, "planar", budgetSteps)
	if err != nil {
		return nil, err
	}
	lines, _, err := planarKinkLines(ctx, net)
	if err != nil {
		return nil, err
	}
	nl := newNetLex(net)
	f := func(p, d1, d2 []*big.Rat) Affine { return nl.mapAt(p, d1, d2) }
	// Vertices: exact intersections of non-parallel kink lines, with the
	// lines through each.
	type vertex struct {
		p     []*big.Rat
		lines []int
	}
	var verts []*vertex
	at := map[string]*vertex{}
	for i := range lines {
		for j := i + 1; j < len(lines); j++ {
			if err := b.spend(1); err != nil {
				return nil, err
			}
			a, c := lines[i].l, lines[j].l
			p, ok := solve([][]*big.Rat{{a.W[0], a.W[1]}, {c.W[0], c.W[1]}},
				[]*big.Rat{new(big.Rat).Neg(a.B), new(big.Rat).Neg(c.B)})
			if !ok {
				continue // parallel
			}
			k := p[0].RatString() + "," + p[1].RatString()
			v := at[k]
			if v == nil {
				v = &vertex{p: p}
				at[k] = v
				verts = append(verts, v)
			}
			for _, l := range []int{i, j} {
				if !contains(v.lines, l) {
					v.lines = append(v.lines, l)
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sb := newSumBuilder(2)
	zero := zeroAffine(2)
	// Vertex functions, and their contributions to every line's jump at its
	// reference point (refJ below).
	type vfun struct {
		coef *big.Rat
		args []Affine
		on   []int // lines through its vertex
	}
	var vfs []vfun
	for _, v := range verts {
		if len(v.lines) < 3 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := b.spend(len(v.lines) * len(v.lines)); err != nil {
			return nil, err
		}
		la, lb := lines[v.lines[0]], lines[v.lines[1]]
		for _, ci := range v.lines[2:] {
			lc := lines[ci]
			st, ok := solve([][]*big.Rat{{la.l.W[0], lb.l.W[0]}, {la.l.W[1], lb.l.W[1]}}, []*big.Rat{lc.l.W[0], lc.l.W[1]})
			if !ok {
				return nil, errors.New("convert: internal error: two kink lines through a vertex are parallel")
			}
			phi := []Affine{zero, la.l.scaled(st[0]), lc.l}
			pf := func(p, d1, d2 []*big.Rat) Affine { return maxMapAt(phi, p, d1, d2) }
			stepF, err := jumpStep(f, lc, v.p)
			if err != nil {
				return nil, err
			}
			stepP, err := jumpStep(pf, lc, v.p)
			if err != nil {
				return nil, err
			}
			if stepP.Sign() == 0 {
				return nil, errors.New("convert: internal error: a vertex function has no step on its line")
			}
			if stepF.Sign() == 0 {
				continue
			}
			vfs = append(vfs, vfun{coef: new(big.Rat).Quo(stepF, stepP), args: phi, on: v.lines})
		}
	}
	// Ridges: J of f minus the vertex functions at a reference point of
	// every line (any point: J of the remainder is constant along it).
	ridge := make([]*big.Rat, len(lines))
	for i, ln := range lines {
		if err := b.spend(len(vfs) + 1); err != nil {
			return nil, err
		}
		// The foot of the perpendicular from the origin, just past it.
		nn := new(big.Rat).Mul(ln.l.W[0], ln.l.W[0])
		nn.Add(nn, new(big.Rat).Mul(ln.l.W[1], ln.l.W[1]))
		t := new(big.Rat).Quo(new(big.Rat).Neg(ln.l.B), nn)
		p := []*big.Rat{new(big.Rat).Mul(t, ln.l.W[0]), new(big.Rat).Mul(t, ln.l.W[1])}
		j, err := jumpAt(f, ln, p, ln.u)
		if err != nil {
			return nil, err
		}
		for _, vf := range vfs {
			if !contains(vf.on, i) {
				continue
			}
			args := vf.args
			jp, err := jumpAt(func(p, d1, d2 []*big.Rat) Affine { return maxMapAt(args, p, d1, d2) }, ln, p, ln.u)
			if err != nil {
				return nil, err
			}
			j.Sub(j, new(big.Rat).Mul(vf.coef, jp))
		}
		ridge[i] = j
	}
	// The affine remainder at a generic perturbed origin.
	o := []*big.Rat{new(big.Rat), new(big.Rat)}
	e1 := []*big.Rat{big.NewRat(1, 1), new(big.Rat)}
	e2 := []*big.Rat{new(big.Rat), big.NewRat(1, 1)}
	rem := f(o, e1, e2)
	addTerm := func(c *big.Rat, args []Affine) {
		if c.Sign() == 0 {
			return
		}
		abs := new(big.Rat).Abs(c)
		scaled := make([]Affine, len(args))
		for k, a := range args {
			scaled[k] = a.scaled(abs)
		}
		var ids []int
		for _, a := range scaled {
			ids = append(ids, sb.fn(a))
		}
		sb.add(ids, c.Sign())
		rem = rem.plus(new(big.Rat).Neg(c), maxMapAt(args, o, e1, e2))
	}
	for _, vf := range vfs {
		addTerm(vf.coef, vf.args)
	}
	for i, ln := range lines {
		addTerm(ridge[i], []Affine{zero, ln.l})
	}
	sb.add([]int{sb.fn(rem)}, 1)
	return sb.result(), nil
}
