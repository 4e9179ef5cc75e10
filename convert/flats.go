package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/relucid/relucid/relu"
)

// The spatial construction in any dimension (FlatsMaxSum): the recursion of
// spatial.go over the flats of the kink arrangement, codimension n, n−1, …,
// 2, then the hyperplanes. At a flat X of codimension k the remainder's germ
// (f minus the terms found at smaller flats inside X), made convex by
// ridges on the hyperplanes through X, is the max of its pieces; the
// k-simplices of a pulling triangulation of their gradients give terms of
// k+1 arguments, and everything else in the valuation identity is
// homogeneous at a larger flat. Which flats can carry such a germ: those
// of f's arrangement with at least k+1 hyperplanes, and those where k+1
// arguments of a term already found tie (its arguments are affinely
// independent, so each (k+1)-subset ties on a flat of codimension k); a
// term matters at X only if such a subset is at its max next to X.
//
// The cells around a flat are reached through rays: every cell of an
// essential central arrangement of rank r ≥ 2 has an extreme ray, where
// r−1 independent hyperplanes meet, and the cells next to that ray are the
// cells of the hyperplanes through it (cellDirs).

// nullSpace returns a basis of {d ∈ R^n : r·d = 0 for every row r}, one
// vector per free column of the reduced echelon form (so the basis depends
// only on the rows' span).
func nullSpace(rows [][]*big.Rat, n int) [][]*big.Rat {
	m, piv := rref(rows, n)
	isPiv := make([]bool, n)
	for _, c := range piv {
		isPiv[c] = true
	}
	var basis [][]*big.Rat
	for free := 0; free < n; free++ {
		if isPiv[free] {
			continue
		}
		v := make([]*big.Rat, n)
		for j := range v {
			v[j] = new(big.Rat)
		}
		v[free].SetInt64(1)
		for i, c := range piv {
			v[c].Neg(m[i][free])
		}
		basis = append(basis, v)
	}
	return basis
}

// rank returns the rank of rows.
func rank(rows [][]*big.Rat, n int) int { return len(pivotColumns(rows, n)) }

// cellDirs returns, for every open cell of the central arrangement of the
// hyperplanes with normals hs inside the subspace orthogonal to cons, a
// list of directions that leads a perturbed point into it (every cell at
// least once; the caller appends a full basis to settle everything else).
func cellDirs(hs, cons [][]*big.Rat, n int, b *budget) ([][][]*big.Rat, error) {
	N := nullSpace(cons, n)
	// The hyperplanes that cut the subspace, restricted to it.
	var cut [][]*big.Rat
	var restr [][]*big.Rat
	for _, h := range hs {
		r := make([]*big.Rat, len(N))
		nz := false
		for j, v := range N {
			r[j] = dot(h, v)
			nz = nz || r[j].Sign() != 0
		}
		if nz {
			cut = append(cut, h)
			restr = append(restr, r)
		}
	}
	if len(cut) == 0 {
		return [][][]*big.Rat{nil}, nil
	}
	rk := rank(restr, len(N))
	if err := b.spend(len(cut) * len(N)); err != nil {
		return nil, err
	}
	if rk == 1 {
		// One hyperplane inside the subspace: its two sides.
		for _, v := range N {
			if dot(cut[0], v).Sign() != 0 {
				return [][][]*big.Rat{{v}, {scaleVec(big.NewRat(-1, 1), v)}}, nil
			}
		}
	}
	// Rays: r−1 independent hyperplanes, one direction off the lineality.
	var out [][][]*big.Rat
	seen := map[string]bool{}
	consRank := rank(cons, n)
	var err error
	eachSubset(len(cut), rk-1, func(idx []int) {
		if err != nil {
			return
		}
		sub := append([][]*big.Rat(nil), cons...)
		for _, i := range idx {
			sub = append(sub, cut[i])
		}
		if rank(sub, n) != consRank+rk-1 {
			return // dependent within the subspace
		}
		for _, rho := range nullSpace(sub, n) {
			var tied [][]*big.Rat
			var key strings.Builder
			off := false
			for hi, h := range cut {
				if dot(h, rho).Sign() == 0 {
					tied = append(tied, h)
					fmt.Fprintf(&key, "%d,", hi)
				} else {
					off = true
				}
			}
			if !off {
				continue // inside the lineality: try another basis vector
			}
			if seen[key.String()] {
				return
			}
			seen[key.String()] = true
			var around [][][]*big.Rat
			if around, err = cellDirs(tied, cons, n, b); err != nil {
				return
			}
			for _, s := range []int64{1, -1} {
				ray := scaleVec(big.NewRat(s, 1), rho)
				for _, c := range around {
					out = append(out, append([][]*big.Rat{ray}, c...))
				}
			}
			return
		}
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("convert: internal error: an arrangement of rank ≥ 2 without a ray")
	}
	return out, nil
}

// stdBasis returns e_1, …, e_n.
func stdBasis(n int) [][]*big.Rat {
	out := make([][]*big.Rat, n)
	for i := range out {
		out[i] = make([]*big.Rat, n)
		for j := range out[i] {
			out[i][j] = new(big.Rat)
		}
		out[i][i].SetInt64(1)
	}
	return out
}

// convexGerm returns the pieces (minus the first) of G = g + Σ λ_H·max(0, ℓ_H)
// around the flat through base with direction basis along, where g is read
// through eval and the hyperplanes hs all contain the flat.
func convexGerm(eval lexEval, base []*big.Rat, along [][]*big.Rat, hs []Affine, b *budget) ([]Affine, error) {
	n := len(base)
	normals := make([][]*big.Rat, len(hs))
	for i, h := range hs {
		normals[i] = h.W
	}
	tail := stdBasis(n)
	probe := func(dirs ...[][]*big.Rat) [][]*big.Rat {
		var all [][]*big.Rat
		all = append(all, along...)
		for _, d := range dirs {
			all = append(all, d...)
		}
		return append(all, tail...)
	}
	// λ_H from the jumps on every facet of H around the flat.
	lambda := map[string]*big.Rat{}
	for i, h := range hs {
		others := append(append([][]*big.Rat(nil), normals[:i]...), normals[i+1:]...)
		facets, err := cellDirs(others, [][]*big.Rat{h.W}, n, b)
		if err != nil {
			return nil, err
		}
		lam := new(big.Rat)
		for _, fd := range facets {
			plus := eval(base, probe(fd, [][]*big.Rat{h.W})...)
			minus := eval(base, probe(fd, [][]*big.Rat{scaleVec(big.NewRat(-1, 1), h.W)})...)
			diff := plus.plus(big.NewRat(-1, 1), minus)
			j := new(big.Rat).Quo(dot(diff.W, h.W), dot(h.W, h.W))
			if diff.key() != h.scaled(j).key() {
				return nil, fmt.Errorf("convert: internal error: a kink of the function is not on hyperplane %s", fmtAffine(h))
			}
			if neg := new(big.Rat).Neg(j); neg.Cmp(lam) > 0 {
				lam = neg
			}
		}
		lambda[h.key()] = lam
	}
	cells, err := cellDirs(normals, nil, n, b)
	if err != nil {
		return nil, err
	}
	probes := make([][][]*big.Rat, len(cells))
	for i, c := range cells {
		probes[i] = probe(c)
	}
	return convexPieces(eval, base, probes, hs, lambda), nil
}

// topSimplices returns the terms max over the vertices of each
// full-dimensional simplex of a pulling triangulation of the gradients of
// pieces (in convex position, spanning dim dimensions; none if they span
// fewer).
func topSimplices(pieces []Affine, dim int, b *budget) ([]spTerm, error) {
	if len(pieces) < dim+1 {
		return nil, nil
	}
	n := len(pieces[0].W)
	pts := make([][]*big.Rat, len(pieces))
	for i, p := range pieces {
		pts[i] = addVec(p.W, scaleVec(big.NewRat(-1, 1), pieces[0].W))
	}
	if d := rank(pts, n); d < dim {
		return nil, nil
	} else if d > dim {
		return nil, fmt.Errorf("convert: internal error: gradients span %d dimensions, not %d", d, dim)
	}
	simplices, err := placing(pts, dim, b)
	if err != nil {
		return nil, err
	}
	out := make([]spTerm, len(simplices))
	for i, s := range simplices {
		args := make([]Affine, len(s))
		for j, id := range s {
			args[j] = pieces[id]
		}
		out[i] = spTerm{coef: big.NewRat(1, 1), args: args}
	}
	return out, nil
}

// placing returns a placing (beneath–beyond) triangulation of points in
// convex position spanning dim dimensions: a first simplex, then every
// further point coned to the boundary facets it sees strictly. In convex
// position every point lies outside the hull of the points before it, so
// it sees at least one facet.
func placing(pts [][]*big.Rat, dim int, b *budget) ([][]int, error) {
	n := len(pts[0])
	// Coordinates in the span of the points (pts[0] is the origin): the
	// pivot columns are injective on it.
	piv := pivotColumns(pts, n)
	if len(piv) != dim {
		return nil, fmt.Errorf("convert: internal error: %d pivot columns for dimension %d", len(piv), dim)
	}
	y := make([][]*big.Rat, len(pts))
	for i, p := range pts {
		y[i] = make([]*big.Rat, dim)
		for c, j := range piv {
			y[i][c] = p[j]
		}
	}
	// orient is the sign of det[y_f1 − y_f0, …, y_v − y_f0].
	orient := func(face []int, v int) int {
		m := make([][]*big.Rat, dim)
		for r := 1; r < len(face); r++ {
			m[r-1] = addVec(y[face[r]], scaleVec(big.NewRat(-1, 1), y[face[0]]))
		}
		m[dim-1] = addVec(y[v], scaleVec(big.NewRat(-1, 1), y[face[0]]))
		return det(m).Sign()
	}
	// The first simplex: points that raise the affine rank.
	var first []int
	var rows [][]*big.Rat
	for i := range y {
		if len(first) == dim+1 {
			break
		}
		if i == 0 {
			first = append(first, 0)
			continue
		}
		cand := append(append([][]*big.Rat(nil), rows...), y[i])
		if rank(cand, dim) == len(cand) {
			rows, first = cand, append(first, i)
		}
	}
	if len(first) != dim+1 {
		return nil, errors.New("convert: internal error: no full-dimensional simplex among the gradients")
	}
	type facet struct {
		ids  []int // sorted
		side int   // orient of the simplex's opposite vertex
	}
	boundary := map[string]facet{}
	toggle := func(ids []int, opp int) {
		f := append([]int(nil), ids...)
		sort.Ints(f)
		k := fmt.Sprint(f)
		if _, ok := boundary[k]; ok {
			delete(boundary, k)
			return
		}
		boundary[k] = facet{ids: f, side: orient(f, opp)}
	}
	addSimplex := func(s []int) {
		for drop := range s {
			toggle(without(s, drop), s[drop])
		}
	}
	out := [][]int{first}
	addSimplex(first)
	inFirst := map[int]bool{}
	for _, i := range first {
		inFirst[i] = true
	}
	for v := range y {
		if inFirst[v] {
			continue
		}
		if err := b.spend(len(boundary) * dim * dim); err != nil {
			return nil, err
		}
		var seen []facet
		for _, f := range boundary {
			if s := orient(f.ids, v); s != 0 && s == -f.side {
				seen = append(seen, f)
			}
		}
		if len(seen) == 0 {
			return nil, errors.New("convert: internal error: a gradient inside the hull of the others")
		}
		for _, f := range seen {
			s := append(append([]int(nil), f.ids...), v)
			out = append(out, s)
			// f becomes interior; the new simplex's other facets toggle.
			delete(boundary, fmt.Sprint(f.ids))
			for drop := 0; drop < len(f.ids); drop++ {
				toggle(without(s, drop), f.ids[drop])
			}
		}
	}
	return out, nil
}

// flat is an affine subspace of the arrangement with the hyperplanes
// through it and the terms that may be active next to it.
type flat struct {
	base   []*big.Rat
	along  [][]*big.Rat // a basis of its directions
	planes map[string]Affine
	terms  []int // indices into the terms found so far
	codim  int
}

// flatOf returns the flat where all of hs vanish (canonical key: the
// reduced echelon form of the augmented system), or ok = false when they
// do not meet in a flat of codimension codim.
func flatOf(hs []Affine, codim int) (key string, base []*big.Rat, along [][]*big.Rat, ok bool) {
	n := len(hs[0].W)
	rows := make([][]*big.Rat, len(hs))
	aug := make([][]*big.Rat, len(hs))
	for i, h := range hs {
		rows[i] = h.W
		aug[i] = append(append([]*big.Rat(nil), h.W...), h.B)
	}
	if rank(rows, n) != codim {
		return "", nil, nil, false
	}
	if rank(aug, n+1) != codim {
		return "", nil, nil, false // parallel: no common point
	}
	along = nullSpace(rows, n)
	// The point of the flat orthogonal to its directions.
	var sys [][]*big.Rat
	var rhs []*big.Rat
	for i, r := range rows {
		cand := append(append([][]*big.Rat(nil), sys...), r)
		if rank(cand, n) == len(cand) {
			sys = cand
			rhs = append(rhs, new(big.Rat).Neg(hs[i].B))
		}
	}
	for _, v := range along {
		sys = append(sys, v)
		rhs = append(rhs, new(big.Rat))
	}
	base, ok = solve(sys, rhs)
	if !ok {
		return "", nil, nil, false
	}
	// The flat is determined by its point orthogonal to the directions and
	// the directions' span; the null-space basis above is canonical for a
	// given span (reduced echelon form of the normals' row space).
	var k strings.Builder
	k.WriteString(pointKey(base))
	for _, v := range along {
		k.WriteString("|")
		k.WriteString(pointKey(v))
	}
	return k.String(), base, along, true
}

// FlatsMaxSum returns the Wang–Sun form of a net with n ≥ 2 inputs and one
// output by the recursion over flats (see above), valid on all of R^n.
func FlatsMaxSum(ctx context.Context, net *relu.Net, budgetSteps int) (*MaxSum, error) {
	n := net.InputDim()
	b, err := polyStart(net, n, "spatial", budgetSteps)
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, errors.New("convert: the spatial construction needs n ≥ 2 inputs")
	}
	hyper, verts, f, err := flatsSetup(ctx, net)
	if err != nil {
		return nil, err
	}
	// The hyperplanes through each vertex where they span R^n.
	var vertexPlanes [][]Affine
	for _, p := range verts {
		var through []Affine
		rows := [][]*big.Rat{}
		for _, h := range hyper {
			if h.Eval(p).Sign() == 0 {
				through = append(through, h)
				rows = append(rows, h.W)
			}
		}
		if err := b.spend(len(hyper)); err != nil {
			return nil, err
		}
		if rank(rows, n) == n {
			vertexPlanes = append(vertexPlanes, through)
		}
	}
	var terms []spTerm
	var arity [5]atomic.Int64
	for codim := n; codim >= 2; codim-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		flats := map[string]*flat{}
		var order []string
		get := func(key string, base []*big.Rat, along [][]*big.Rat) *flat {
			fl := flats[key]
			if fl == nil {
				fl = &flat{base: base, along: along, planes: map[string]Affine{}, codim: codim}
				flats[key] = fl
				order = append(order, key)
			}
			return fl
		}
		// Flats of f's arrangement that can carry a germ of f beyond lower
		// codimensions: affine hulls of faces of its complex, each spanned
		// by hyperplanes through a vertex of that face (codimension 2:
		// all pairs, cheap, which also covers faces without a vertex).
		addArr := func(hs []Affine) {
			if key, base, along, ok := flatOf(hs, codim); ok {
				get(key, base, along)
			}
		}
		pick := func(pool []Affine, idx []int) []Affine {
			hs := make([]Affine, len(idx))
			for i, j := range idx {
				hs[i] = pool[j]
			}
			return hs
		}
		switch {
		case codim == n:
			for _, through := range vertexPlanes {
				addArr(through)
			}
		case codim == 2 || len(vertexPlanes) == 0:
			eachSubset(len(hyper), codim, func(idx []int) { addArr(pick(hyper, idx)) })
		default:
			for _, through := range vertexPlanes {
				eachSubset(len(through), codim, func(idx []int) { addArr(pick(through, idx)) })
			}
		}
		// Flats where codim+1 arguments of a term tie.
		for ti, t := range terms {
			eachSubset(len(t.args), codim+1, func(sub []int) {
				diffs := make([]Affine, codim)
				for i := 1; i <= codim; i++ {
					diffs[i-1] = t.args[sub[0]].plus(big.NewRat(-1, 1), t.args[sub[i]])
				}
				if key, base, along, ok := flatOf(diffs, codim); ok {
					fl := get(key, base, along)
					fl.terms = append(fl.terms, ti)
				}
			})
		}
		// f's hyperplanes through every flat (found from f's faces or as a
		// tie of a term), then process them (independent of each other).
		list := make([]*flat, 0, len(order))
		for _, k := range order {
			fl := flats[k]
			if err := b.spend(len(hyper)); err != nil {
				return nil, err
			}
			for _, h := range hyper {
				if h.Eval(fl.base).Sign() == 0 && isZeroOn(h, fl.along) {
					fl.planes[h.key()] = h
				}
			}
			list = append(list, fl)
		}
		found, err := collectTerms(ctx, len(list), min(codim+1, 4), &arity, func(i int) ([]spTerm, error) {
			return flatTerms(f, list[i], terms, b)
		})
		if err != nil {
			return nil, err
		}
		for _, ts := range found {
			terms = append(terms, ts...)
		}
	}
	return hyperplaneStage(ctx, f, n, hyper, terms, b)
}

// isZeroOn reports whether h's gradient is orthogonal to every direction.
func isZeroOn(h Affine, along [][]*big.Rat) bool {
	for _, v := range along {
		if dot(h.W, v).Sign() != 0 {
			return false
		}
	}
	return true
}

// flatTerms returns the terms of arity codim+1 at the flat fl: the
// remainder (f minus the terms whose codim+1 tied arguments are at their
// max next to fl) made convex around fl, and the full-dimensional
// simplices of a pulling triangulation of its pieces' gradients.
func flatTerms(f lexEval, fl *flat, terms []spTerm, b *budget) ([]spTerm, error) {
	k := fl.codim
	var act []spTerm
	planes := map[string]Affine{}
	for key, h := range fl.planes {
		planes[key] = h
	}
	for _, ti := range dedupInts(fl.terms) {
		t := terms[ti]
		tied := tiedAtMaxAlong(t.args, fl.base, fl.along)
		if len(tied) < k+1 {
			continue
		}
		act = append(act, spTerm{coef: t.coef, args: tied})
		for _, h := range (spTerm{args: tied}).planes() {
			planes[h.key()] = h
		}
	}
	if len(planes) < k+1 {
		return nil, nil
	}
	hs := make([]Affine, 0, len(planes))
	for _, h := range planes {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].key() < hs[j].key() })
	if err := b.spend(len(hs) * (len(act) + 1)); err != nil {
		return nil, err
	}
	na := len(fl.along)
	r := func(p []*big.Rat, dirs ...[]*big.Rat) Affine {
		m := f(p, dirs...)
		for _, t := range act {
			m = m.plus(new(big.Rat).Neg(t.coef), maxAlong(t.args, dirs[na:]))
		}
		return m
	}
	pieces, err := convexGerm(r, fl.base, fl.along, hs, b)
	if err != nil {
		return nil, err
	}
	return topSimplices(pieces, k, b)
}

// tiedAtMaxAlong returns the members of fs that attain the max at
// p + ε·d1 + ε²·d2 + … for the directions along.
func tiedAtMaxAlong(fs []Affine, p []*big.Rat, along [][]*big.Rat) []Affine {
	top := newLexMap(maxMapAt(fs, p, along...), p, along...)
	var out []Affine
	for _, f := range fs {
		if newLexMap(f, p, along...).cmp(top) == 0 {
			out = append(out, f)
		}
	}
	return out
}

// hyperplaneStage adds to terms one ridge per hyperplane (the remainder's
// constant jump across it) and the affine remainder, and returns the form.
func hyperplaneStage(ctx context.Context, f lexEval, n int, hyper []Affine, terms []spTerm, b *budget) (*MaxSum, error) {
	minus1 := big.NewRat(-1, 1)
	byPlane := map[string][]int{}
	planeOf := map[string]Affine{}
	var order []string
	note := func(h Affine, t int) {
		k := h.key()
		if _, ok := planeOf[k]; !ok {
			planeOf[k] = h
			order = append(order, k)
		}
		if t >= 0 {
			byPlane[k] = append(byPlane[k], t)
		}
	}
	for _, h := range hyper {
		note(h, -1)
	}
	for ti, t := range terms {
		for _, h := range t.planes() {
			note(h, ti)
		}
	}
	zero := zeroAffine(n)
	var ridges []spTerm
	for _, k := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h := planeOf[k]
		ts := dedupInts(byPlane[k])
		if err := b.spend(len(ts) + 1); err != nil {
			return nil, err
		}
		nn := dot(h.W, h.W)
		base := scaleVec(new(big.Rat).Quo(new(big.Rat).Neg(h.B), nn), h.W)
		in := nullSpace([][]*big.Rat{h.W}, n)
		eval := func(side []*big.Rat) Affine {
			dirs := append(append([][]*big.Rat(nil), in...), side)
			m := f(base, dirs...)
			for _, ti := range ts {
				t := terms[ti]
				m = m.plus(new(big.Rat).Neg(t.coef), maxMapAt(t.args, base, dirs...))
			}
			return m
		}
		diff := eval(h.W).plus(minus1, eval(scaleVec(minus1, h.W)))
		j := new(big.Rat).Quo(dot(diff.W, h.W), nn)
		if diff.key() != h.scaled(j).key() {
			return nil, fmt.Errorf("convert: internal error: the remainder has a kink off hyperplane %s", fmtAffine(h))
		}
		if j.Sign() != 0 {
			ridges = append(ridges, spTerm{coef: j, args: []Affine{zero, h}})
		}
	}
	all := append(terms, ridges...)
	o := make([]*big.Rat, n)
	for i := range o {
		o[i] = new(big.Rat)
	}
	e := stdBasis(n)
	rem := f(o, e...)
	sb := newSumBuilder(n)
	for _, t := range all {
		rem = rem.plus(new(big.Rat).Neg(t.coef), maxMapAt(t.args, o, e...))
		abs := new(big.Rat).Abs(t.coef)
		ids := make([]int, len(t.args))
		for i, a := range t.args {
			ids[i] = sb.fn(a.scaled(abs))
		}
		sb.add(ids, t.coef.Sign())
	}
	sb.add([]int{sb.fn(rem)}, 1)
	ms := sb.result()
	if ms.MaxArity() > n+1 {
		return nil, fmt.Errorf("convert: internal error: a term has %d > n+1 arguments", ms.MaxArity())
	}
	return ms, nil
}

// binomCapped returns C(n, k), or limit if it is larger.
func binomCapped(n, k, limit int) int {
	c := 1
	for i := 0; i < k; i++ {
		c = c * (n - i) / (i + 1)
		if c > limit {
			return limit
		}
	}
	return c
}

// eachSubset calls fn with every k-subset of {0, …, n−1} in lexicographic
// order (none if k > n); fn must not keep the slice.
func eachSubset(n, k int, fn func(idx []int)) {
	if k > n {
		return
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	for {
		fn(idx)
		if !nextComb(idx, n) {
			return
		}
	}
}
