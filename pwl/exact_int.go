package pwl

import (
	"context"
	"math/big"
	"slices"

	"github.com/relucid/relucid/relu"
)

// intEngine is the exact engine. It is the layer-grid propagation of
// ratEngine with the rationals of a knot stored as integer numerators over
// one common positive denominator per knot (values) or per interval
// (slopes), so that an affine layer costs integer multiply-adds only: with
// the layer written as (W, b) = (W̃, b̃)/L for integers W̃, b̃ and the least
// common denominator L, the value row N/D maps to (b̃·D + W̃·N)/(L·D). A zero
// crossing of unit i inserted from knot (N, D) along slopes (S, E) sits at
// t − N_i·E/(D·S_i), and there unit j is (N_j·S_i − S_j·N_i)/(D·S_i), again
// one integer row. Rows are reduced by their gcd only when the denominator
// exceeds normBits, which avoids a gcd per arithmetic operation.
type intEngine struct {
	bounded bool
	w, K    int
	t       []big.Rat // knots
	n       []big.Int // K×w value numerators
	d       []big.Int // K value denominators (> 0)
	sn      []big.Int // (K+1)×w slope numerators; row 0 and K are the rays
	sd      []big.Int // K+1 slope denominators (> 0)

	nt           []big.Rat
	nn, nd       []big.Int
	nsn, nsd     []big.Int
	wi, bi       []big.Int // integer layer W̃, b̃
	lcd          big.Int   // L
	one          bool      // L == 1
	tmp, tmp2, g big.Int
	cr           []icross
	crossAt      []int // group index of unit i's crossing in the interval, or −1
	sigL, sigR   []int8
	side         []int8
	rayL, rayR   []int8
}

type icross struct {
	t     *big.Rat
	unit  int
	group int
}

// normBits is the denominator size beyond which rows are reduced by their
// gcd: small enough that integers stay a few words long, large enough that
// most rows (dyadic nets, small rationals) never pay for a gcd.
const normBits = 192

func growInt(s []big.Int, n int) []big.Int {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([]big.Int, n-cap(s))...)
}

func growRat(s []big.Rat, n int) []big.Rat {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([]big.Rat, n-cap(s))...)
}

func fromNetInt(ctx context.Context, net *relu.Net, a, b *big.Rat) (*Rat, error) {
	if err := checkNet(net); err != nil {
		return nil, err
	}
	e := &intEngine{w: 1}
	if a != nil {
		e.bounded = true
		e.K = 2
		e.t = growRat(e.t, 2)
		e.t[0].Set(a)
		e.t[1].Set(b)
		e.n, e.d = growInt(e.n, 2), growInt(e.d, 2)
		// value x = t: numerator and denominator of each end
		e.n[0].Set(a.Num())
		e.d[0].Set(a.Denom())
		e.n[1].Set(b.Num())
		e.d[1].Set(b.Denom())
	} else {
		e.K = 1
		e.t = growRat(e.t, 1)
		e.n, e.d = growInt(e.n, 1), growInt(e.d, 1)
		e.d[0].SetInt64(1)
	}
	e.sn, e.sd = growInt(e.sn, e.K+1), growInt(e.sd, e.K+1)
	for r := 0; r <= e.K; r++ {
		e.sn[r].SetInt64(1)
		e.sd[r].SetInt64(1)
	}
	if err := propagate(ctx, e, net); err != nil {
		return nil, err
	}
	return e.result(), nil
}

// setLayer writes the layer as integers over their least common denominator.
func (e *intEngine) setLayer(l *relu.Layer) {
	e.lcd.SetInt64(1)
	lcm := func(d *big.Int) {
		if d.Cmp(&e.lcd) == 0 || d.IsInt64() && d.Int64() == 1 {
			return
		}
		e.g.GCD(nil, nil, &e.lcd, d)
		e.tmp.Quo(d, &e.g)
		e.lcd.Mul(&e.lcd, &e.tmp)
	}
	for _, r := range l.WR {
		lcm(r.Denom())
	}
	for _, r := range l.BR {
		lcm(r.Denom())
	}
	e.one = e.lcd.IsInt64() && e.lcd.Int64() == 1
	e.wi = growInt(e.wi, len(l.WR))
	e.bi = growInt(e.bi, len(l.BR))
	scale := func(dst *big.Int, r *big.Rat) {
		e.tmp.Quo(&e.lcd, r.Denom())
		dst.Mul(r.Num(), &e.tmp)
	}
	for i, r := range l.WR {
		scale(&e.wi[i], r)
	}
	for i, r := range l.BR {
		scale(&e.bi[i], r)
	}
}

// reduce divides the row (nums over den) by its gcd when den is large.
func (e *intEngine) reduce(nums []big.Int, den *big.Int) {
	if den.BitLen() <= normBits {
		return
	}
	e.g.Set(den)
	for i := range nums {
		if nums[i].Sign() == 0 {
			continue
		}
		e.g.GCD(nil, nil, &e.g, e.tmp.Abs(&nums[i]))
		if e.g.IsInt64() && e.g.Int64() == 1 {
			return
		}
	}
	den.Quo(den, &e.g)
	for i := range nums {
		nums[i].Quo(&nums[i], &e.g)
	}
}

func (e *intEngine) affine(l *relu.Layer) {
	e.setLayer(l)
	w, w2, K := e.w, l.Out, e.K
	e.nn, e.nd = growInt(e.nn, K*w2), growInt(e.nd, K)
	for k := 0; k < K; k++ {
		src, den := e.n[k*w:(k+1)*w], &e.d[k]
		dst := e.nn[k*w2 : (k+1)*w2]
		for i := 0; i < w2; i++ {
			acc := &dst[i]
			acc.Mul(&e.bi[i], den)
			row := e.wi[i*w : (i+1)*w]
			for j := range row {
				if row[j].Sign() == 0 || src[j].Sign() == 0 {
					continue
				}
				acc.Add(acc, e.tmp.Mul(&row[j], &src[j]))
			}
		}
		if e.one {
			e.nd[k].Set(den)
		} else {
			e.nd[k].Mul(den, &e.lcd)
		}
		e.reduce(dst, &e.nd[k])
	}
	e.n, e.nn = e.nn, e.n
	e.d, e.nd = e.nd, e.d
	e.nsn, e.nsd = growInt(e.nsn, (K+1)*w2), growInt(e.nsd, K+1)
	for r := 0; r <= K; r++ {
		src := e.sn[r*w : (r+1)*w]
		dst := e.nsn[r*w2 : (r+1)*w2]
		for i := 0; i < w2; i++ {
			acc := &dst[i]
			acc.SetInt64(0)
			row := e.wi[i*w : (i+1)*w]
			for j := range row {
				if row[j].Sign() == 0 || src[j].Sign() == 0 {
					continue
				}
				acc.Add(acc, e.tmp.Mul(&row[j], &src[j]))
			}
		}
		if e.one {
			e.nsd[r].Set(&e.sd[r])
		} else {
			e.nsd[r].Mul(&e.sd[r], &e.lcd)
		}
		e.reduce(dst, &e.nsd[r])
	}
	e.sn, e.nsn = e.nsn, e.sn
	e.sd, e.nsd = e.nsd, e.sd
	e.w = w2
}

func (e *intEngine) relu(ctx context.Context) error {
	w, K := e.w, e.K
	// Upper bound of the new knots, to reserve the buffers once.
	n := K + 2*w
	for x := 0; x+w < K*w; x++ {
		if e.n[x].Sign()*e.n[x+w].Sign() < 0 {
			n++
		}
	}
	if cap(e.nt) < n {
		e.nt = make([]big.Rat, 0, n)
	}
	if cap(e.nn) < n*w {
		e.nn = make([]big.Int, 0, n*w)
	}
	if cap(e.nd) < n {
		e.nd = make([]big.Int, 0, n)
	}
	if cap(e.nsn) < (n+1)*w {
		e.nsn = make([]big.Int, 0, (n+1)*w)
	}
	if cap(e.nsd) < n+1 {
		e.nsd = make([]big.Int, 0, n+1)
	}
	e.nt, e.nn, e.nd, e.nsn, e.nsd = e.nt[:0], e.nn[:0], e.nd[:0], e.nsn[:0], e.nsd[:0]
	e.sigL, e.sigR = growI8(e.sigL, w), growI8(e.sigR, w)
	e.rayL, e.rayR, e.side = growI8(e.rayL, w), growI8(e.rayR, w), growI8(e.side, w)
	e.crossAt = slices.Grow(e.crossAt[:0], w)[:w]
	for r := 0; r <= K; r++ {
		if r&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i := 0; i < w; i++ {
			switch {
			case r == 0:
				z := int8(e.n[i].Sign())
				s := int8(e.sn[i].Sign())
				e.sigR[i] = z
				if s != 0 && !e.bounded {
					e.sigL[i] = -s
				} else {
					e.sigL[i] = z
				}
			case r == K:
				z := int8(e.n[(K-1)*w+i].Sign())
				s := int8(e.sn[K*w+i].Sign())
				e.sigL[i] = z
				if s != 0 && !e.bounded {
					e.sigR[i] = s
				} else {
					e.sigR[i] = z
				}
			default:
				e.sigL[i] = int8(e.n[(r-1)*w+i].Sign())
				e.sigR[i] = int8(e.n[r*w+i].Sign())
			}
		}
		e.interval(r)
	}
	if e.bounded {
		for i := 0; i < w; i++ {
			e.nsn[i].Set(&e.nsn[w+i])
			e.nsn[len(e.nsn)-w+i].Set(&e.nsn[len(e.nsn)-2*w+i])
		}
		e.nsd[0].Set(&e.nsd[1])
		e.nsd[len(e.nsd)-1].Set(&e.nsd[len(e.nsd)-2])
	}
	e.K = len(e.nt)
	e.t, e.nt = e.nt, e.t
	e.n, e.nn = e.nn, e.n
	e.d, e.nd = e.nd, e.d
	e.sn, e.nsn = e.nsn, e.sn
	e.sd, e.nsd = e.nsd, e.sd
	return nil
}

// emitSlopes appends the slope row of interval r for units of sign side.
func (e *intEngine) emitSlopes(r int) {
	w := e.w
	m := len(e.nsn)
	e.nsn = e.nsn[:m+w]
	for i := 0; i < w; i++ {
		if e.side[i] > 0 {
			e.nsn[m+i].Set(&e.sn[r*w+i])
		} else {
			e.nsn[m+i].SetInt64(0)
		}
	}
	q := len(e.nsd)
	e.nsd = e.nsd[:q+1]
	e.nsd[q].Set(&e.sd[r])
}

// sideSigns sets e.side to the signs on the piece of interval r left of
// crossing group g (len(e.cr) groups for the last piece).
func (e *intEngine) sideSigns(g int) {
	for i := range e.side {
		c := e.crossAt[i]
		switch {
		case c >= 0:
			if g <= c {
				e.side[i] = e.sigL[i]
			} else {
				e.side[i] = e.sigR[i]
			}
		case e.sigL[i] != 0:
			e.side[i] = e.sigL[i]
		default:
			e.side[i] = e.sigR[i]
		}
	}
}

func (e *intEngine) interval(r int) {
	w, K := e.w, e.K
	ref := r - 1
	if r == 0 {
		ref = 0
	}
	e.cr = e.cr[:0]
	for i := 0; i < w; i++ {
		e.crossAt[i] = -1
		if e.sigL[i]*e.sigR[i] != -1 || (e.bounded && (r == 0 || r == K)) {
			continue
		}
		// t_c = t_ref − N_i·E/(D·S_i)
		num := new(big.Int).Mul(&e.n[ref*w+i], &e.sd[r])
		den := new(big.Int).Mul(&e.d[ref], &e.sn[r*w+i])
		t := new(big.Rat).SetFrac(num, den)
		t.Sub(&e.t[ref], t)
		e.cr = append(e.cr, icross{t: t, unit: i})
	}
	if len(e.cr) > 1 {
		slices.SortFunc(e.cr, func(a, b icross) int { return a.t.Cmp(b.t) })
	}
	groups := 0
	for q := range e.cr {
		if q > 0 && e.cr[q].t.Cmp(e.cr[q-1].t) != 0 {
			groups++
		}
		e.cr[q].group = groups
		e.crossAt[e.cr[q].unit] = groups
	}
	for q := 0; q < len(e.cr); q++ {
		if q > 0 && e.cr[q].group == e.cr[q-1].group {
			continue
		}
		c := e.cr[q]
		e.sideSigns(c.group)
		e.emitSlopes(r)
		// The knot row: (N_j·S_i − S_j·N_i)/(D·S_i), then σ.
		i := c.unit
		k := len(e.nt)
		e.nt = e.nt[:k+1]
		e.nt[k].Set(c.t)
		m := len(e.nn)
		e.nn = e.nn[:m+w]
		e.nd = e.nd[:k+1]
		si, ni := &e.sn[r*w+i], &e.n[ref*w+i]
		neg := si.Sign() < 0
		for j := 0; j < w; j++ {
			dst := &e.nn[m+j]
			dst.Mul(&e.n[ref*w+j], si)
			dst.Sub(dst, e.tmp.Mul(&e.sn[r*w+j], ni))
			if neg {
				dst.Neg(dst)
			}
			if dst.Sign() < 0 {
				dst.SetInt64(0)
			}
		}
		e.nd[k].Mul(&e.d[ref], si)
		if neg {
			e.nd[k].Neg(&e.nd[k])
		}
		e.reduce(e.nn[m:m+w], &e.nd[k])
	}
	e.sideSigns(len(e.cr) + 1) // the last piece: past every crossing
	e.emitSlopes(r)
	if r == K {
		return
	}
	k := len(e.nt)
	e.nt = e.nt[:k+1]
	e.nt[k].Set(&e.t[r])
	m := len(e.nn)
	e.nn = e.nn[:m+w]
	for j := 0; j < w; j++ {
		if src := &e.n[r*w+j]; src.Sign() > 0 {
			e.nn[m+j].Set(src)
		} else {
			e.nn[m+j].SetInt64(0)
		}
	}
	e.nd = e.nd[:k+1]
	e.nd[k].Set(&e.d[r])
}

// result keeps the knots where the output's slope changes.
func (e *intEngine) result() *Rat {
	K := e.K
	f := &Rat{}
	lo, hi := 0, K-1
	if e.bounded {
		lo, hi = 1, K-2
	}
	var a, b big.Int
	for k := lo; k <= hi; k++ {
		// slopes of rows k and k+1 differ?
		a.Mul(&e.sn[k], &e.sd[k+1])
		b.Mul(&e.sn[k+1], &e.sd[k])
		if a.Cmp(&b) == 0 {
			continue
		}
		f.X = append(f.X, new(big.Rat).Set(&e.t[k]))
		f.Y = append(f.Y, new(big.Rat).SetFrac(&e.n[k], &e.d[k]))
	}
	slope := func(r int) *big.Rat { return new(big.Rat).SetFrac(&e.sn[r], &e.sd[r]) }
	if e.bounded {
		f.SL, f.SR = slope(1), slope(K-1)
	} else {
		f.SL, f.SR = slope(0), slope(K)
	}
	if len(f.X) == 0 {
		f.X = []*big.Rat{new(big.Rat).Set(&e.t[0])}
		f.Y = []*big.Rat{new(big.Rat).SetFrac(&e.n[0], &e.d[0])}
	}
	return f
}
