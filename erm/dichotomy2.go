package erm

import (
	"context"
	"math"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Fast enumerators for n = 1 and n = 2. Both are exact: they decide every
// geometric question (equal coordinates, the orientation of three points)
// without tolerance, so they treat points as duplicates only if their
// coordinates are equal, and collinear only if they are exactly collinear.
//
// A dichotomy here is a strict one: P+ is the set {j : a·x_j + b > 0} of a
// line (a, b) with no data point on it. Every non-strict pattern (points on
// the line assigned to either side, as in Dichotomies' contract) is a strict
// one too, since moving the line slightly keeps the strict sides and pushes
// the points on the line to one side. Conversely the strict dichotomies are
// exactly the cells of the arrangement of the lifted points, so this is the
// same family as the general enumerator's (tests compare the two).

// dichotomies1 returns the threshold sets of points on a line: with m
// distinct values v_1 < … < v_m, the sets {x ≤ v_k} and {x ≥ v_k+1} for
// k = 1..m−1, and ∅ and all, 2m in total.
func dichotomies1(X [][]float64) []Dichotomy {
	D := len(X)
	words := (D + 63) / 64
	idx := make([]int, D)
	for j := range idx {
		idx[j] = j
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case X[a][0] < X[b][0]:
			return -1
		case X[a][0] > X[b][0]:
			return 1
		}
		return 0
	})
	m := 1
	for k := 1; k < D; k++ {
		if X[idx[k]][0] != X[idx[k-1]][0] {
			m++
		}
	}
	flat := make([]uint64, 2*m*words)
	out := make([]Dichotomy, 0, 2*m)
	next := func() Dichotomy {
		d := Dichotomy(flat[len(out)*words : (len(out)+1)*words])
		out = append(out, d)
		return d
	}
	next() // ∅
	all := next()
	for j := 0; j < D; j++ {
		all.set(j)
	}
	lo := make(Dichotomy, words) // points ≤ the current value
	for k := 0; k < D-1; k++ {
		lo.set(idx[k])
		if X[idx[k+1]][0] == X[idx[k]][0] {
			continue
		}
		copy(next(), lo)
		hi := next()
		for w := range hi {
			hi[w] = all[w] &^ lo[w]
		}
	}
	return sortedFamily(flat, words, len(out))
}

// ccwErrBound bounds the rounding error of the float orientation
// determinant: with ε = 2⁻⁵³, the computed (ax−px)(by−py) − (ay−py)(bx−px)
// differs from the exact one by at most (3 + 16ε)·ε·(|left| + |right|)
// (Shewchuk 1997, orient2d's first filter), so a value beyond that has the
// exact sign.
const ccwErrBound = (3 + 16*0x1p-53) * 0x1p-53

// orientMinSum: below this magnitude of |left| + |right| the products may
// have underflowed and the bound above does not hold; decide exactly.
const orientMinSum = 0x1p-960

// orienter decides the sign of the orientation of three points exactly:
// a float filter, and big.Rat arithmetic when the filter is inconclusive.
type orienter struct {
	r [6]big.Rat
}

// orient returns the sign of (a−p)×(b−p): +1 if p, a, b turn
// counter-clockwise, −1 clockwise, 0 collinear.
func (o *orienter) orient(p, a, b []float64) int {
	// A product with an exactly zero factor (equal coordinates) is zero, and
	// the sign of the other product follows from coordinate comparisons.
	if a[0] == p[0] || b[1] == p[1] {
		return -cmpF(a[1], p[1]) * cmpF(b[0], p[0])
	}
	if a[1] == p[1] || b[0] == p[0] {
		return cmpF(a[0], p[0]) * cmpF(b[1], p[1])
	}
	l := (a[0] - p[0]) * (b[1] - p[1])
	r := (a[1] - p[1]) * (b[0] - p[0])
	det := l - r
	if sum := math.Abs(l) + math.Abs(r); sum > orientMinSum {
		if e := ccwErrBound * sum; det > e {
			return 1
		} else if det < -e {
			return -1
		}
	}
	return o.exact(p, a, b)
}

func (o *orienter) exact(p, a, b []float64) int {
	t := &o.r
	t[0].SetFloat64(a[0])
	t[1].SetFloat64(p[0])
	t[0].Sub(&t[0], &t[1]) // ax − px
	t[2].SetFloat64(b[1])
	t[3].SetFloat64(p[1])
	t[2].Sub(&t[2], &t[3]) // by − py
	t[0].Mul(&t[0], &t[2])
	t[4].SetFloat64(a[1])
	t[4].Sub(&t[4], &t[3]) // ay − py
	t[5].SetFloat64(b[0])
	t[5].Sub(&t[5], &t[1]) // bx − px
	t[4].Mul(&t[4], &t[5])
	return t[0].Cmp(&t[4])
}

// sweepEvent is the moment a directed line rotating counter-clockwise
// about the pivot p passes the direction ±(q − p): with sign +1 the point q
// leaves the line's left side, with −1 it enters it.
type sweepEvent struct {
	key  float64 // pseudo-angle of the (rounded) direction, for a first sort
	q    int32   // index of q among the distinct points
	sign int8    // +1: direction q − p (q leaves), −1: p − q (q enters)
}

// keyIDBits: the low bits of a packed sort word hold the event's index; the
// key keeps 52 − keyIDBits mantissa bits, ample for a first sort that the
// exact insertion sort then repairs.
const keyIDBits = 21

// sweeper enumerates the dichotomies of distinct points in the plane.
type sweeper struct {
	P            [][]float64 // distinct points
	dups         [][]int32   // original indices of each distinct point
	o            orienter
	ev           []sweepEvent
	evTmp        []sweepEvent // second buffer for the packed sort
	packed       []uint64
	gid          []int32 // group of each event after sorting
	enter, leave []int32 // group of q's events

	words int
	cur   []uint64 // current set over the original indices
	flat  []uint64 // emitted sets, words each
}

// half returns 0 if the direction s·(q − p) lies in the upper half plane
// [0, π) and 1 otherwise, decided exactly from coordinate comparisons.
func half(p, q []float64, s int8) int {
	sy := cmpF(q[1], p[1]) * int(s)
	sx := cmpF(q[0], p[0]) * int(s)
	if sy > 0 || sy == 0 && sx > 0 {
		return 0
	}
	return 1
}

func cmpF(a, b float64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// cmpEvent orders two events of pivot p by the exact angle of their
// directions in [0, 2π).
func (sw *sweeper) cmpEvent(p []float64, a, b *sweepEvent) int {
	qa, qb := sw.P[a.q], sw.P[b.q]
	ha, hb := half(p, qa, a.sign), half(p, qb, b.sign)
	if ha != hb {
		return ha - hb
	}
	// b after a iff (s_a(qa−p)) × (s_b(qb−p)) > 0
	return -int(a.sign) * int(b.sign) * sw.o.orient(p, qa, qb)
}

// pseudoAngle is a monotone stand-in for atan2(dy, dx) in [0, 4).
func pseudoAngle(dx, dy float64) float64 {
	s := math.Abs(dx) + math.Abs(dy)
	if s == 0 {
		return 0
	}
	t := dy / s // in [−1, 1]
	if dx >= 0 {
		if dy >= 0 {
			return t // [0, 1]
		}
		return 4 + t // (3, 4)
	}
	return 2 - t // (1, 3)
}

// dichotomies2 enumerates the strict dichotomies of points in the plane by
// a rotational sweep, each exactly once.
//
// For a set ∅ ≠ S ≠ all, the normals of the lines that cut S off form an
// open arc of directions (the image of an open convex cone). At the start
// φ0 of the arc the limiting line touches S and its complement; let p be
// the point of S on it that is furthest ahead along the line's direction.
// Rotating a directed line about p, S = {p} ∪ L with L the left side, for
// directions just after φ0; and at φ0 a point q ∉ S ahead of p is on the
// line (it leaves L there). Conversely, if {p} ∪ L is emitted just after an
// event direction of p at which some point q leaves L, then no line of a
// slightly smaller direction separates the set (q, ahead of p, would be on
// its positive side), so that direction is the start of the set's arc and
// p is determined by it. So: for every pivot p, sort the 2(m−1) directions
// ±(q − p) by exact angle, group equal ones, sweep updating L by the
// group's points, and emit {p} ∪ L after each group that contains a
// leaving point. Duplicate points move together; ∅ and all are added.
func dichotomies2(ctx context.Context, X [][]float64) ([]Dichotomy, error) {
	D := len(X)
	sw := &sweeper{words: (D + 63) / 64}
	// distinct points, exactly
	order := make([]int32, D)
	for j := range order {
		order[j] = int32(j)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmpF(X[a][0], X[b][0]); c != 0 {
			return c
		}
		return cmpF(X[a][1], X[b][1])
	})
	for k, j := range order {
		if k > 0 && X[j][0] == X[order[k-1]][0] && X[j][1] == X[order[k-1]][1] {
			sw.dups[len(sw.dups)-1] = append(sw.dups[len(sw.dups)-1], j)
			continue
		}
		sw.P = append(sw.P, X[j])
		sw.dups = append(sw.dups, []int32{j})
	}
	m := len(sw.P)
	sw.cur = make([]uint64, sw.words)
	sw.emit() // ∅
	for q := 0; q < m; q++ {
		sw.toggle(q)
	}
	sw.emit() // all points
	if m == 1 {
		return sortedFamily(sw.flat, sw.words, 2), nil
	}
	// Pivots are independent: all cores, each with its own buffers.
	workers := min(runtime.GOMAXPROCS(0), max(1, m/32))
	parts := make([]*sweeper, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range parts {
		w := &sweeper{P: sw.P, dups: sw.dups, words: sw.words,
			ev: make([]sweepEvent, 0, 2*(m-1)), evTmp: make([]sweepEvent, 2*(m-1)),
			packed: make([]uint64, 0, 2*(m-1)), gid: make([]int32, 2*(m-1)),
			enter: make([]int32, m), leave: make([]int32, m),
			cur: make([]uint64, sw.words), flat: make([]uint64, 0, (m*m/workers+m)*sw.words)}
		parts[k] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p := int(next.Add(1) - 1)
				if p >= m || ctx.Err() != nil {
					return
				}
				w.pivot(p)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := len(sw.flat)
	for _, w := range parts {
		total += len(w.flat)
	}
	flat := make([]uint64, 0, total)
	flat = append(flat, sw.flat...)
	for _, w := range parts {
		flat = append(flat, w.flat...)
		w.flat = nil
	}
	return sortedFamily(flat, sw.words, total/sw.words), nil
}

// toggle flips the distinct point q (all its duplicates) in cur.
func (sw *sweeper) toggle(q int) {
	for _, j := range sw.dups[q] {
		sw.cur[j>>6] ^= 1 << (uint(j) & 63)
	}
}

// emit appends cur to the result.
func (sw *sweeper) emit() { sw.flat = append(sw.flat, sw.cur...) }

// pivot emits {p} ∪ L for every angular interval of the lines through p.
func (sw *sweeper) pivot(p int) {
	P := sw.P
	pp := P[p]
	ev := sw.ev[:0]
	for q := range P {
		if q == p {
			continue
		}
		dx, dy := P[q][0]-pp[0], P[q][1]-pp[1]
		ev = append(ev,
			sweepEvent{key: pseudoAngle(dx, dy), q: int32(q), sign: 1},
			sweepEvent{key: pseudoAngle(-dx, -dy), q: int32(q), sign: -1})
	}
	sw.ev = ev
	if len(ev) <= 1<<keyIDBits {
		// Sort packed (truncated key, index) words: no comparison callback.
		// pseudo-angles are ≥ 0, so their float bits are monotone.
		pk := sw.packed[:0]
		for i := range ev {
			pk = append(pk, math.Float64bits(ev[i].key)&^(1<<keyIDBits-1)|uint64(i))
		}
		slices.Sort(pk)
		tmp := sw.evTmp[:len(ev)]
		for i, w := range pk {
			tmp[i] = ev[w&(1<<keyIDBits-1)]
		}
		sw.ev, sw.evTmp = tmp, ev
		ev = tmp
		sw.packed = pk
	} else {
		slices.SortFunc(ev, func(a, b sweepEvent) int { return cmpF(a.key, b.key) })
	}
	// The float keys are almost sorted; insertion sort with the exact
	// comparator repairs the order (cost: one comparison per event plus one
	// per inversion, which only near-collinear points produce).
	for i := 1; i < len(ev); i++ {
		for k := i; k > 0 && sw.cmpEvent(pp, &ev[k-1], &ev[k]) > 0; k-- {
			ev[k-1], ev[k] = ev[k], ev[k-1]
		}
	}
	g := int32(0)
	for i := range ev {
		if i > 0 && sw.cmpEvent(pp, &ev[i-1], &ev[i]) != 0 {
			g++
		}
		sw.gid[i] = g
		if ev[i].sign > 0 {
			sw.leave[ev[i].q] = g
		} else {
			sw.enter[ev[i].q] = g
		}
	}
	G := g + 1
	// cur := {p} ∪ L for the interval just after group 0: q is on the left
	// iff the cyclic distance from its enter group to 0 is less than that
	// to its leave group.
	clear(sw.cur)
	sw.toggle(p)
	for q := range P {
		if q == p {
			continue
		}
		e, l := sw.enter[q], sw.leave[q]
		if (G-e)%G < (l-e+G)%G {
			sw.toggle(q)
		}
	}
	i := 0
	for {
		gi := sw.gid[i]
		if i > 0 {
			for j := i; j < len(ev) && sw.gid[j] == gi; j++ {
				sw.toggle(int(ev[j].q))
			}
		}
		// Emit only where the set's arc of separating directions starts:
		// the group holds a point leaving the left side (see dichotomies2).
		leaves := false
		for ; i < len(ev) && sw.gid[i] == gi; i++ {
			leaves = leaves || ev[i].sign > 0
		}
		if leaves {
			sw.emit()
		}
		if i == len(ev) {
			return
		}
	}
}
