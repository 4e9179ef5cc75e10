package erm

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/relucid/relucid/internal/wordset"
)

// Geometric tolerances of the enumerator. Coordinates are first centred
// and rotated into an orthonormal basis of the data's affine hull, so all
// quantities below are relative to the data scale S = max |coordinate|.
const (
	// hullTol: a point whose distance from the affine span of the points
	// chosen so far is ≤ hullTol·S adds no dimension. Rounding in the
	// Gram–Schmidt residuals is a few ulps of S per step, far below 1e-10.
	// Points closer than this are treated as duplicates.
	hullTol = 1e-10
	// zeroTol: a lifted point z is on the hyperplane ⟨v, z⟩ = 0 of a unit
	// normal v when |⟨v, z⟩| ≤ zeroTol·(1+S). It must be generous: calling a
	// point "on" the hyperplane only adds candidates (harmless), calling an
	// on-point "off" would lose them. The normal is computed by elimination
	// on d ≤ n+1 coordinates, error ≲ 1e-13·(1+S) for sane conditioning.
	zeroTol = 1e-9
)

// CoverCount returns 2·Σ_{k=0}^{n} C(D−1, k), the number of affine
// dichotomies of D ≥ 1 points in general position in R^n (Cover 1965).
func CoverCount(D, n int) *big.Int {
	sum := new(big.Int)
	c := big.NewInt(1)
	for k := 0; k <= n && k <= D-1; k++ {
		if k > 0 {
			c.Mul(c, big.NewInt(int64(D-k)))
			c.Quo(c, big.NewInt(int64(k)))
		}
		sum.Add(sum, c)
	}
	return sum.Lsh(sum, 1)
}

// Dichotomies returns every 2-partition of the points X that an affine
// hyperplane induces, as the positive sides P+ (each P+ listed once; P+ = ∅
// and P+ = all are included). Precisely: for every (a, b) ∈ R^n × R there is
// a returned P+ with a·x_j + b ≥ 0 for j ∈ P+ and ≤ 0 for j ∉ P+; and every
// returned P+ is cut by some hyperplane up to the tolerances above. The
// result is sorted (bit 0 first, lexicographically). Degenerate data is
// handled: duplicate points, points in a lower-dimensional affine subspace,
// and many points on one hyperplane.
func Dichotomies(ctx context.Context, X [][]float64) ([]Dichotomy, error) {
	if len(X) == 0 {
		return nil, ErrNoData
	}
	n := len(X[0])
	for j, x := range X {
		if len(x) != n {
			return nil, fmt.Errorf("point %d has %d coordinates, expected %d", j+1, len(x), n)
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("point %d is not finite", j+1)
			}
		}
	}
	switch n {
	case 1:
		return dichotomies1(X), nil
	case 2:
		return dichotomies2(ctx, X)
	}
	return dichotomiesGeneral(ctx, X)
}

// dichotomiesGeneral is the enumerator for any n (extreme rays of the
// lifted arrangement, recursion on degenerate rays). It is the oracle the
// fast n = 1 and n = 2 paths are tested against.
func dichotomiesGeneral(ctx context.Context, X [][]float64) ([]Dichotomy, error) {
	e := &enumerator{ctx: ctx}
	st := e.enum(X)
	if e.err != nil {
		return nil, e.err
	}
	return sortedFamily(st.Flat(), (len(X)+63)/64, st.Len()), nil
}

type keyIdx struct {
	key uint64
	idx int32
}

// sortedFamily returns the n sets stored back to back in flat (words
// each) as Dichotomies sorted lexicographically by point 0, 1, … (absent <
// present), in a new contiguous array. Bit-reversed words compare like the
// bit strings, bit 0 first: the sets are radix-sorted on their reversed
// first word, and runs with an equal first word are sorted by the
// remaining words (chunks of whole runs on all cores for large families).
// Indices are sorted, not slice headers, which keeps the garbage
// collector's write barriers out of the loop.
func sortedFamily(flat []uint64, words, n int) []Dichotomy {
	keys := make([]uint64, n)
	idx := make([]int32, n)
	for i := range keys {
		keys[i] = bits.Reverse64(flat[i*words])
		idx[i] = int32(i)
	}
	tmpK := make([]uint64, n)
	tmpI := make([]int32, n)
	var cnt [256]int
	for shift := uint(0); shift < 64 && n > 1; shift += 8 {
		cnt = [256]int{}
		for _, k := range keys {
			cnt[k>>shift&255]++
		}
		if cnt[keys[0]>>shift&255] == n {
			continue // all equal in this byte
		}
		sum := 0
		for b := range cnt {
			sum, cnt[b] = sum+cnt[b], sum
		}
		for i, k := range keys {
			b := k >> shift & 255
			tmpK[cnt[b]] = k
			tmpI[cnt[b]] = idx[i]
			cnt[b]++
		}
		keys, tmpK = tmpK, keys
		idx, tmpI = tmpI, idx
	}
	sorted := make([]uint64, n*words)
	// Chunks of whole runs (equal first words) for the workers.
	workers := 1
	if n >= 1<<14 {
		workers = runtime.GOMAXPROCS(0)
	}
	var bounds []int
	for i, step := 0, max(1, n/(4*workers)); i < n; {
		bounds = append(bounds, i)
		j := min(n, i+step)
		for j < n && keys[j] == keys[j-1] {
			j++
		}
		i = j
	}
	bounds = append(bounds, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pairs []keyIdx
			var refine func(idx []int32, keys []uint64, w int)
			// refine sorts each run of equal keys by word w (MSD order).
			refine = func(idx []int32, keys []uint64, w int) {
				for i := 0; i < len(idx); {
					j := i + 1
					for j < len(idx) && keys[j] == keys[i] {
						j++
					}
					if j-i > 1 && w < words {
						pairs = pairs[:0]
						for _, k := range idx[i:j] {
							pairs = append(pairs, keyIdx{bits.Reverse64(flat[int(k)*words+w]), k})
						}
						slices.SortFunc(pairs, func(a, b keyIdx) int { return cmp.Compare(a.key, b.key) })
						sub := keys[i:j]
						for t, pr := range pairs {
							idx[i+t], sub[t] = pr.idx, pr.key
						}
						refine(idx[i:j], sub, w+1)
					}
					i = j
				}
			}
			for {
				c := int(next.Add(1) - 1)
				if c+1 >= len(bounds) {
					return
				}
				lo, hi := bounds[c], bounds[c+1]
				if words > 1 {
					refine(idx[lo:hi], keys[lo:hi], 1)
				}
				for i := lo; i < hi; i++ {
					copy(sorted[i*words:(i+1)*words], flat[int(idx[i])*words:int(idx[i]+1)*words])
				}
			}
		}()
	}
	wg.Wait()
	out := make([]Dichotomy, n)
	for i := range out {
		out[i] = sorted[i*words : (i+1)*words : (i+1)*words]
	}
	return out
}

type enumerator struct {
	ctx   context.Context
	err   error
	steps int
}

func (e *enumerator) cancelled() bool {
	if e.err != nil {
		return true
	}
	e.steps++
	if e.steps&1023 == 0 {
		if err := e.ctx.Err(); err != nil {
			e.err = err
			return true
		}
	}
	return false
}

// affineHull returns the coordinates of the points in an orthonormal basis
// of their affine hull, centred at their mean (dimension = len(row)).
func affineHull(P [][]float64) [][]float64 {
	k := len(P)
	m := len(P[0])
	mean := make([]float64, m)
	for _, p := range P {
		for i, v := range p {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(k)
	}
	R := make([][]float64, k) // residuals
	S := 0.0
	for j, p := range P {
		R[j] = make([]float64, m)
		for i, v := range p {
			R[j][i] = v - mean[i]
			S = math.Max(S, math.Abs(R[j][i]))
		}
	}
	var basis [][]float64
	tol := hullTol * S
	for len(basis) < m {
		best, bn := -1, 0.0
		for j := range R {
			if nr := norm(R[j]); nr > bn {
				best, bn = j, nr
			}
		}
		if best < 0 || bn <= tol || bn == 0 {
			break
		}
		b := make([]float64, m)
		for i := range b {
			b[i] = R[best][i] / bn
		}
		// Re-orthogonalise against earlier basis vectors once (MGS twice is enough).
		for _, q := range basis {
			d := dot(b, q)
			for i := range b {
				b[i] -= d * q[i]
			}
		}
		if nb := norm(b); nb > 0 {
			for i := range b {
				b[i] /= nb
			}
		}
		basis = append(basis, b)
		for j := range R {
			d := dot(R[j], b)
			for i := range R[j] {
				R[j][i] -= d * b[i]
			}
		}
	}
	out := make([][]float64, k)
	for j, p := range P {
		c := make([]float64, len(basis))
		for t, q := range basis {
			s := 0.0
			for i, v := range p {
				s += (v - mean[i]) * q[i]
			}
			c[t] = s
		}
		out[j] = c
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// enum returns the deduplicated positive sides over the local indices of P.
func (e *enumerator) enum(P [][]float64) *wordset.Set {
	k := len(P)
	words := (k + 63) / 64
	st := wordset.New(words, 64)
	buf := make([]uint64, words)
	st.Add(buf) // ∅
	for j := 0; j < k; j++ {
		Dichotomy(buf).set(j)
	}
	st.Add(buf) // all
	if k <= 1 {
		return st
	}
	Q := affineHull(P)
	d := len(Q[0])
	switch d {
	case 0:
		return st
	case 1:
		e.enum1(Q, st, buf)
		return st
	}
	e.enumGeneral(Q, d, st, buf)
	return st
}

// enum1 adds the threshold partitions of points on a line.
func (e *enumerator) enum1(Q [][]float64, st *wordset.Set, buf []uint64) {
	k := len(Q)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return Q[idx[a]][0] < Q[idx[b]][0] })
	S := math.Abs(Q[idx[0]][0])
	S = math.Max(S, math.Abs(Q[idx[k-1]][0]))
	tol := hullTol * S
	// Cut after position i (between idx[i] and idx[i+1]) if the values differ.
	lo := make([]uint64, len(buf)) // points at or left of the cut
	for i := 0; i < k-1; i++ {
		Dichotomy(lo).set(idx[i])
		if Q[idx[i+1]][0]-Q[idx[i]][0] <= tol {
			continue
		}
		st.Add(lo)
		for w := range buf {
			buf[w] = ^lo[w]
		}
		clearTail(buf, k)
		st.Add(buf)
	}
}

func clearTail(b []uint64, k int) {
	if r := uint(k) & 63; r != 0 {
		b[len(b)-1] &= 1<<r - 1
	}
}

// enumGeneral handles points spanning R^d, d ≥ 2 (lifted vectors span R^{d+1}).
func (e *enumerator) enumGeneral(Q [][]float64, d int, st *wordset.Set, buf []uint64) {
	k := len(Q)
	S := 0.0
	for _, q := range Q {
		for _, v := range q {
			S = math.Max(S, math.Abs(v))
		}
	}
	ztol := zeroTol * (1 + S)
	vals := make([]float64, k)
	v := make([]float64, d+1)
	T := make([]int, d)
	for i := range T {
		T[i] = i
	}
	mat := make([][]float64, d)
	for i := range mat {
		mat[i] = make([]float64, d+1)
	}
	var z0 []int
	sub := make([]uint64, len(buf))
	rays := wordset.New(len(buf), 64) // Z0 sets already expanded
	zbuf := make([]uint64, len(buf))
	for {
		if e.cancelled() {
			return
		}
		if nullVector(Q, T, v, mat, S) {
			z0 = z0[:0]
			for j, q := range Q {
				s := v[d]
				for t := 0; t < d; t++ {
					s += v[t] * q[t]
				}
				vals[j] = s
				if math.Abs(s) <= ztol {
					z0 = append(z0, j)
				}
			}
			if len(z0) == d {
				// General position on this ray: all 2^d patterns on T.
				for sgn := 0; sgn < 2; sgn++ {
					base(buf, vals, z0, sgn, k)
					for m := 0; m < 1<<d; m++ {
						copy(sub, buf)
						for t := 0; t < d; t++ {
							if m>>t&1 != 0 {
								Dichotomy(sub).set(z0[t])
							}
						}
						st.Add(sub)
					}
				}
			} else if seenZ0(rays, z0, zbuf) {
				// Degenerate ray: patterns on Z0 are those of the arrangement
				// restricted to the hyperplane, one dimension down.
				Z := projectHyperplane(Q, z0, v, d)
				inner := e.enum(Z)
				for sgn := 0; sgn < 2; sgn++ {
					base(buf, vals, z0, sgn, k)
					for i := 0; i < inner.Len(); i++ {
						copy(sub, buf)
						p := Dichotomy(inner.At(i))
						for t, j := range z0 {
							if p.Has(t) {
								Dichotomy(sub).set(j)
							}
						}
						st.Add(sub)
					}
				}
			}
		}
		// next d-subset
		i := d - 1
		for i >= 0 && T[i] == k-d+i {
			i--
		}
		if i < 0 {
			return
		}
		T[i]++
		for t := i + 1; t < d; t++ {
			T[t] = T[t-1] + 1
		}
	}
}

// base sets buf to the points strictly on the positive side of ±v (sgn 0: +).
func base(buf []uint64, vals []float64, z0 []int, sgn, k int) {
	for w := range buf {
		buf[w] = 0
	}
	for j, s := range vals {
		if sgn == 1 {
			s = -s
		}
		if s > 0 {
			Dichotomy(buf).set(j)
		}
	}
	for _, j := range z0 {
		buf[j>>6] &^= 1 << (uint(j) & 63)
	}
}

// nullVector computes a unit v ∈ R^{d+1} with ⟨v, (q_t, 1)⟩ = 0 for t ∈ T,
// returning false if the lifted points of T are (numerically) dependent.
func nullVector(Q [][]float64, T []int, v []float64, M [][]float64, S float64) bool {
	d := len(T)
	if d == 2 {
		a, b := Q[T[0]], Q[T[1]]
		// cross product of (a0,a1,1) and (b0,b1,1)
		v[0] = a[1] - b[1]
		v[1] = b[0] - a[0]
		v[2] = a[0]*b[1] - a[1]*b[0]
		if math.Hypot(v[0], v[1]) <= hullTol*(1+S) {
			return false // coincident points
		}
		nv := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])
		for i := range v {
			v[i] /= nv
		}
		return true
	}
	for r, t := range T {
		copy(M[r], Q[t])
		M[r][d] = 1
	}
	// Gaussian elimination with full pivoting; the free column gives v.
	perm := make([]int, d+1)
	for i := range perm {
		perm[i] = i
	}
	for r := 0; r < d; r++ {
		pr, pc, pv := -1, -1, 0.0
		for i := r; i < d; i++ {
			for c := r; c <= d; c++ {
				if a := math.Abs(M[i][perm[c]]); a > pv {
					pr, pc, pv = i, c, a
				}
			}
		}
		if pv <= hullTol*(1+S) {
			return false
		}
		M[r], M[pr] = M[pr], M[r]
		perm[r], perm[pc] = perm[pc], perm[r]
		for i := r + 1; i < d; i++ {
			f := M[i][perm[r]] / M[r][perm[r]]
			for c := r; c <= d; c++ {
				M[i][perm[c]] -= f * M[r][perm[c]]
			}
		}
	}
	free := perm[d]
	for i := range v {
		v[i] = 0
	}
	v[free] = 1
	for r := d - 1; r >= 0; r-- {
		s := M[r][free]
		for c := r + 1; c < d; c++ {
			s += M[r][perm[c]] * v[perm[c]]
		}
		v[perm[r]] = -s / M[r][perm[r]]
	}
	nv := norm(v)
	for i := range v {
		v[i] /= nv
	}
	return true
}

// seenZ0 records the set z0 and reports whether it is new: a degenerate ray
// is cut out by many d-subsets of its Z0, and is expanded only once.
func seenZ0(rays *wordset.Set, z0 []int, zbuf []uint64) bool {
	for w := range zbuf {
		zbuf[w] = 0
	}
	for _, j := range z0 {
		Dichotomy(zbuf).set(j)
	}
	_, added := rays.Add(zbuf)
	return added
}

// projectHyperplane maps the points z0 (on the affine hyperplane
// {x : v[:d]·x + v[d] = 0}) to coordinates in R^{d−1} of that hyperplane.
func projectHyperplane(Q [][]float64, z0 []int, v []float64, d int) [][]float64 {
	a := make([]float64, d)
	copy(a, v[:d])
	na := norm(a)
	for i := range a {
		a[i] /= na
	}
	// Householder H = I − 2uuᵀ with H·a = e_0 (up to sign); rows 1..d−1 of
	// H span a^⊥.
	u := make([]float64, d)
	copy(u, a)
	if a[0] >= 0 {
		u[0] += 1
	} else {
		u[0] -= 1
	}
	nu := norm(u)
	for i := range u {
		u[i] /= nu
	}
	out := make([][]float64, len(z0))
	for t, j := range z0 {
		q := Q[j]
		uq := dot(u, q)
		c := make([]float64, d-1)
		for i := 1; i < d; i++ {
			c[i-1] = q[i] - 2*u[i]*uq
		}
		out[t] = c
	}
	return out
}
