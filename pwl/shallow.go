package pwl

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/relucid/relucid/relu"
)

// MaxSubsetSearch is the largest number of breakpoints for which
// ShallowNet searches exhaustively (meet in the middle, 2·2^{m/2} partial
// sums) for a flap orientation that saves a unit. Beyond it ShallowNet
// still finds the savings that a zero-slope piece gives (Corollary A.1)
// but does not claim minimality.
const MaxSubsetSearch = 32

// maxSubsetSearchPerPoint bounds the breakpoints for the per-breakpoint
// searches of the no-output-bias case, which run one search per breakpoint.
const maxSubsetSearchPerPoint = 20

// ShallowReport describes the one-hidden-layer net ShallowNet built.
type ShallowReport struct {
	Pieces     int    // p, pieces of f
	Units      int    // hidden units used
	LowerBound int    // p − 1 (Theorem 2.2), or the proven minimum when larger
	Minimal    bool   // Units is proven to be the minimum for this output-bias setting
	OutputBias bool   // the net has an output bias
	Note       string // how the size was obtained and why it is (or may not be) minimal
}

// unit is a hidden unit c·σ(w·x + b).
type unit struct{ w, b, c *big.Rat }

// Shallow returns a net with one hidden layer of minimal size (see
// ShallowNet) computing f exactly.
func Shallow(f *Rat, outputBias bool) (*relu.Net, error) {
	n, _, err := ShallowNet(f, outputBias)
	return n, err
}

// ShallowNet builds a one-hidden-layer net computing f exactly (Theorem 2.2,
// Corollary A.1 of Arora et al.), and reports its size.
//
// With f having p pieces, breakpoints a_1 < … < a_{p−1}, slope changes
// Δ_j and left slope s_L, every unit of a one-hidden-layer net is a flap
// c·σ(±(x − a)) or a constant, each breakpoint needs a flap, and
//
//	f(x) = ρ_L·x + κ_L + Σ_{j∉L} Δ_j σ(x − a_j) + Σ_{j∈L} Δ_j σ(a_j − x)
//
// for any set L of breakpoints given left flaps, where ρ_L = s_L + Σ_{j∈L} Δ_j
// and κ_L = f(a_1) − a_1·s_L − Σ_{j∈L} Δ_j a_j. With an output bias, p − 1
// units suffice iff some L has ρ_L = 0 (a zero-slope piece gives one: the
// prefix up to it; this is Corollary A.1), else p units are needed and
// suffice (Theorem 2.2). Without an output bias (Definition 1) the constant
// κ must come from units too: p − 1 iff some L has ρ_L = κ_L = 0; p iff some
// L has ρ_L = 0 (a constant unit κ·σ(1)) or has ρ_L·x + κ_L vanishing at a
// breakpoint (a second unit there); p + 1 always suffices (a pair of units
// at the root of the remainder). For p = 1 a non-constant f needs 2 units
// and a constant needs 0 (1 without output bias, spec A1, A10). A function
// with no hidden unit is returned as a net with a single affine layer.
func ShallowNet(f *Rat, outputBias bool) (*relu.Net, ShallowReport, error) {
	if err := f.Check(); err != nil {
		return nil, ShallowReport{}, err
	}
	g := f.Clone().Simplify()
	a := g.Breakpoints()
	m := len(a)
	rep := ShallowReport{Pieces: m + 1, LowerBound: max(m, 0), OutputBias: outputBias}
	sl := g.Slopes()
	// After Simplify the knots are the breakpoints (or one anchor).
	delta := make([]*big.Rat, m)
	for j := 0; j < m; j++ {
		delta[j] = new(big.Rat).Sub(sl[j+1], sl[j])
	}
	sL := g.SL
	// κ_0: intercept of the affine extension of the left piece.
	x0, y0 := g.X[0], g.Y[0]
	kappa0 := new(big.Rat).Mul(x0, sL)
	kappa0.Sub(y0, kappa0)

	rhoKappa := func(L []bool) (*big.Rat, *big.Rat) {
		rho := new(big.Rat).Set(sL)
		kap := new(big.Rat).Set(kappa0)
		var t big.Rat
		for j, in := range L {
			if in {
				rho.Add(rho, delta[j])
				kap.Sub(kap, t.Mul(delta[j], a[j]))
			}
		}
		return rho, kap
	}
	flaps := func(L []bool) []unit {
		us := make([]unit, 0, m+2)
		for j := 0; j < m; j++ {
			if L != nil && L[j] {
				us = append(us, unit{big.NewRat(-1, 1), new(big.Rat).Set(a[j]), delta[j]})
			} else {
				us = append(us, unit{big.NewRat(1, 1), new(big.Rat).Neg(a[j]), delta[j]})
			}
		}
		return us
	}
	// pair returns units computing ρ·(x − r): ρσ(x − r) − ρσ(r − x).
	pair := func(rho, r *big.Rat) []unit {
		return []unit{
			{big.NewRat(1, 1), new(big.Rat).Neg(r), new(big.Rat).Set(rho)},
			{big.NewRat(-1, 1), new(big.Rat).Set(r), new(big.Rat).Neg(rho)},
		}
	}
	searchable := m <= MaxSubsetSearch
	// vectors for the subset searches
	dVec := make([][]*big.Rat, m)
	dkVec := make([][]*big.Rat, m)
	for j := 0; j < m; j++ {
		dVec[j] = []*big.Rat{delta[j]}
		dkVec[j] = []*big.Rat{delta[j], new(big.Rat).Mul(delta[j], a[j])}
	}
	negSL := new(big.Rat).Neg(sL)
	// findRho0 finds L with ρ_L = 0: first the prefixes (zero-slope pieces),
	// then, when small enough, exhaustively.
	findRho0 := func() ([]bool, bool) {
		for k := 0; k <= m; k++ {
			if sl[k].Sign() == 0 {
				L := make([]bool, m)
				for j := 0; j < k; j++ {
					L[j] = true
				}
				return L, true
			}
		}
		if searchable {
			return subsetSum(dVec, []*big.Rat{negSL})
		}
		return nil, false
	}
	var us []unit
	bias := new(big.Rat)
	switch {
	case m == 0 && sL.Sign() == 0:
		// constant κ_0
		if outputBias || kappa0.Sign() == 0 {
			bias.Set(kappa0)
			rep.Note = "f is constant: no hidden unit"
			rep.Minimal = true
		} else {
			us = []unit{{new(big.Rat), big.NewRat(1, 1), new(big.Rat).Set(kappa0)}}
			rep.Note = "f is a nonzero constant and there is no output bias: one unit κ·σ(1) (spec A1)"
			rep.LowerBound, rep.Minimal = 1, true
		}
	case m == 0:
		// x ↦ s·x + κ: two units, every flap has a kink (spec A10).
		if outputBias {
			us = pair(sL, new(big.Rat))
			bias.Set(kappa0)
		} else {
			r := new(big.Rat).Quo(kappa0, sL)
			us = pair(sL, r.Neg(r))
		}
		rep.LowerBound, rep.Minimal = 2, true
		rep.Note = "f is affine and not constant: 2 units, since a single unit has a kink (spec A10)"
	case outputBias:
		L, ok := findRho0()
		if ok {
			rho, kap := rhoKappa(L)
			_ = rho
			us = flaps(L)
			bias.Set(kap)
			rep.Minimal = true
			rep.Note = "a set of flaps matches both end slopes: p − 1 units (Corollary A.1 and its generalisation)"
		} else {
			// Theorem 2.2: all right flaps plus ρ·x as a pair at a_1,
			// whose right unit merges with the flap at a_1.
			rho, kap := rhoKappa(nil)
			us = flaps(nil)
			us[0].c = new(big.Rat).Add(delta[0], rho)
			us = append(us, unit{big.NewRat(-1, 1), new(big.Rat).Set(a[0]), new(big.Rat).Neg(rho)})
			bias.Mul(rho, a[0])
			bias.Add(bias, kap)
			if searchable {
				rep.Minimal = true
				rep.LowerBound = m + 1
				rep.Note = "no set of slope changes sums to −s_L, so p − 1 units are impossible: p units (Theorem 2.2)"
			} else {
				rep.Note = fmt.Sprintf("p units (Theorem 2.2); p − 1 would need a set of slope changes summing to −s_L, not searched beyond %d breakpoints", MaxSubsetSearch)
			}
		}
	default:
		us, rep = shallowNoBias(m, a, delta, sL, kappa0, dVec, dkVec, findRho0, rhoKappa, flaps, pair, rep)
	}
	us = mergeUnits(us)
	rep.Units = len(us)
	if rep.Units < rep.LowerBound {
		return nil, rep, errors.New("pwl: internal error: construction beats the lower bound")
	}
	net, err := unitsNet(us, bias)
	return net, rep, err
}

func shallowNoBias(m int, a, delta []*big.Rat, sL, kappa0 *big.Rat, dVec, dkVec [][]*big.Rat,
	findRho0 func() ([]bool, bool), rhoKappa func([]bool) (*big.Rat, *big.Rat),
	flaps func([]bool) []unit, pair func(rho, r *big.Rat) []unit, rep ShallowReport) ([]unit, ShallowReport) {
	searchable := m <= MaxSubsetSearch
	// p − 1: ρ_L = 0 and κ_L = 0.
	if searchable {
		if L, ok := subsetSum(dkVec, []*big.Rat{new(big.Rat).Neg(sL), kappa0}); ok {
			rep.Minimal = true
			rep.Note = "a set of flaps matches both end slopes and the constant: p − 1 units without output bias"
			return flaps(L), rep
		}
	}
	// p: ρ_L = 0 and a constant unit.
	if L, ok := findRho0(); ok {
		_, kap := rhoKappa(L)
		us := flaps(L)
		if kap.Sign() != 0 {
			us = append(us, unit{new(big.Rat), big.NewRat(1, 1), kap})
		}
		rep.Minimal = searchable || kap.Sign() == 0
		if searchable {
			rep.LowerBound = m + 1
		}
		rep.Note = "no output bias: the constant needs one unit κ·σ(1) (spec A1)"
		return us, rep
	}
	// p: the remainder vanishes at a breakpoint a_q (two units there).
	if m <= maxSubsetSearchPerPoint {
		for q := 0; q < m; q++ {
			// Σ_L Δ_j (a_q − a_j) = −(s_L a_q + κ_0)
			vec := make([][]*big.Rat, m)
			for j := range vec {
				d := new(big.Rat).Sub(a[q], a[j])
				vec[j] = []*big.Rat{d.Mul(d, delta[j])}
			}
			tgt := new(big.Rat).Mul(sL, a[q])
			tgt.Add(tgt, kappa0)
			if L, ok := subsetSum(vec, []*big.Rat{tgt.Neg(tgt)}); ok {
				rho, _ := rhoKappa(L)
				us := append(flaps(L), pair(rho, a[q])...)
				rep.Minimal = true
				rep.LowerBound = m + 1
				rep.Note = "no output bias: the leftover linear part vanishes at a breakpoint, one extra unit there"
				return us, rep
			}
		}
	}
	// p + 1: pair at the root of the remainder (ρ ≠ 0 here since no L has ρ_L = 0).
	rho, kap := rhoKappa(nil)
	r := new(big.Rat).Quo(kap, rho)
	us := append(flaps(nil), pair(rho, r.Neg(r))...)
	if searchable && m <= maxSubsetSearchPerPoint {
		rep.Minimal = true
		rep.LowerBound = m + 2
		rep.Note = "no output bias and no flap set absorbs the linear part: p + 1 units (spec A1, e.g. |x| + 1)"
	} else {
		rep.Note = fmt.Sprintf("no output bias: p + 1 units; fewer would need a subset-sum solution, not searched beyond %d breakpoints", maxSubsetSearchPerPoint)
	}
	return us, rep
}

// mergeUnits adds the coefficients of units with the same input weight and
// bias, and drops units whose coefficient is zero (a flap merged with a
// pair can vanish).
func mergeUnits(us []unit) []unit {
	idx := map[string]int{}
	var out []unit
	for _, u := range us {
		k := u.w.RatString() + "|" + u.b.RatString()
		if i, ok := idx[k]; ok {
			out[i].c = new(big.Rat).Add(out[i].c, u.c)
			continue
		}
		idx[k] = len(out)
		out = append(out, unit{u.w, u.b, new(big.Rat).Set(u.c)})
	}
	k := 0
	for _, u := range out {
		if u.c.Sign() != 0 {
			out[k] = u
			k++
		}
	}
	return out[:k]
}

// unitsNet builds x ↦ Σ c_i σ(w_i x + b_i) + bias.
func unitsNet(us []unit, bias *big.Rat) (*relu.Net, error) {
	if len(us) == 0 {
		l := relu.NewLayer(1, 1)
		l.SetBiasRat(0, bias)
		n := &relu.Net{Layers: []relu.Layer{l}}
		return n, n.Validate()
	}
	h := relu.NewLayer(len(us), 1)
	o := relu.NewLayer(1, len(us))
	for i, u := range us {
		h.SetRat(i, 0, u.w)
		h.SetBiasRat(i, u.b)
		o.SetRat(0, i, u.c)
	}
	o.SetBiasRat(0, bias)
	n := &relu.Net{Layers: []relu.Layer{h, o}}
	return n, n.Validate()
}

// subsetSum finds L ⊆ {0..m−1} with Σ_{j∈L} vec[j] = target (vectors of
// rationals) by meeting in the middle.
func subsetSum(vec [][]*big.Rat, target []*big.Rat) ([]bool, bool) {
	m := len(vec)
	h := m / 2
	d := len(target)
	key := func(s []*big.Rat) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteString(r.RatString())
			b.WriteByte(';')
		}
		return b.String()
	}
	sums := func(items [][]*big.Rat, f func(mask int, s []*big.Rat) bool) bool {
		n := len(items)
		cur := make([][]*big.Rat, 1<<n)
		cur[0] = make([]*big.Rat, d)
		for i := range cur[0] {
			cur[0][i] = new(big.Rat)
		}
		if f(0, cur[0]) {
			return true
		}
		for mask := 1; mask < 1<<n; mask++ {
			low := mask & -mask
			bit := 0
			for 1<<bit != low {
				bit++
			}
			prev := cur[mask^low]
			s := make([]*big.Rat, d)
			for i := range s {
				s[i] = new(big.Rat).Add(prev[i], items[bit][i])
			}
			cur[mask] = s
			if f(mask, s) {
				return true
			}
		}
		return false
	}
	left := map[string]int{}
	sums(vec[:h], func(mask int, s []*big.Rat) bool {
		k := key(s)
		if _, ok := left[k]; !ok {
			left[k] = mask
		}
		return false
	})
	var found []bool
	rest := make([]*big.Rat, d)
	for i := range rest {
		rest[i] = new(big.Rat)
	}
	ok := sums(vec[h:], func(mask int, s []*big.Rat) bool {
		for i := range rest {
			rest[i].Sub(target[i], s[i])
		}
		if lm, ok := left[key(rest)]; ok {
			found = make([]bool, m)
			for j := 0; j < h; j++ {
				found[j] = lm>>j&1 == 1
			}
			for j := h; j < m; j++ {
				found[j] = mask>>(j-h)&1 == 1
			}
			return true
		}
		return false
	})
	return found, ok
}
