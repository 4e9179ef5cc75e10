package convert

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/relucid/relucid/internal/sorted"
)

// ErrTooLarge reports that an exact construction (the Wang–Sun reduction
// or the hybrid expansion) would exceed its work budget (see
// Options.Budget). The returned errors wrap it with the input's sizes.
var ErrTooLarge = errors.New("convert: input too large for the work budget")

// DefaultBudget bounds the elementary steps (candidate simplices tested,
// lattice expansion steps) of one conversion. It keeps a pathological input
// from running for hours; about 10⁶ steps take a few seconds.
const DefaultBudget = 2_000_000

// budget counts work and fails once the limit is passed; it is safe for
// concurrent use.
type budget struct {
	mu   sync.Mutex
	left int
}

func (b *budget) spend(k int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left -= k
	if b.left < 0 {
		return ErrTooLarge
	}
	return nil
}

// face is a signed max term over a subset of a list of affine functions.
type face struct {
	args []int
	coef int
}

// reduceMax rewrites max_i h_i (i over all of hs) as Σ coef·max_{i∈args} h_i
// with every |args| ≤ d+1, where d ≤ n is the dimension of the affine hull of
// the gradients. It uses the valuation identity over a regular triangulation
// (see doc.go): if T is a triangulation of the gradient configuration that
// refines the regular subdivision induced by the constants (heights) and
// ∂ its relative boundary, then
//
//	max_i h_i = Σ_{τ ∈ T, τ ⊄ ∂} (−1)^{d − dim τ} max_{i∈τ} h_i.
//
// T is the lexicographically perturbed (placing) refinement, which is a
// triangulation whatever the degeneracy. Candidate cells are enumerated
// exhaustively, so the cost is C(k, d+1)·k·d² and bounded by b.
func reduceMax(hs []Affine, b *budget) ([]face, error) {
	k := len(hs)
	if k == 0 {
		return nil, errors.New("convert: max of no functions")
	}
	n := len(hs[0].W)
	// Coordinates of the gradients in their affine hull.
	diffs := make([][]*big.Rat, k-1)
	for i := 1; i < k; i++ {
		diffs[i-1] = make([]*big.Rat, n)
		for j := 0; j < n; j++ {
			diffs[i-1][j] = new(big.Rat).Sub(hs[i].W[j], hs[0].W[j])
		}
	}
	piv := pivotColumns(diffs, n)
	d := len(piv)
	if k <= d+1 {
		return []face{{args: seq(k), coef: 1}}, nil
	}
	y := make([][]*big.Rat, k)
	for i := range y {
		y[i] = make([]*big.Rat, d)
		for c, p := range piv {
			y[i][c] = new(big.Rat).Sub(hs[i].W[p], hs[0].W[p])
		}
	}
	if d == 0 {
		// Equal gradients: the largest constant wins (lowest index on ties).
		best := 0
		for i := 1; i < k; i++ {
			if hs[i].B.Cmp(hs[best].B) > 0 {
				best = i
			}
		}
		return []face{{args: []int{best}, coef: 1}}, nil
	}
	var cells [][]int
	sigma := seq(d + 1)
	mat := make([][]*big.Rat, d+1)
	rhs := make([]*big.Rat, d+1)
	for {
		if err := b.spend(k); err != nil {
			return nil, err
		}
		if upperCell(hs, y, sigma, mat, rhs) {
			cells = append(cells, append([]int(nil), sigma...))
		}
		if !nextComb(sigma, k) {
			break
		}
	}
	if len(cells) == 0 {
		return nil, errors.New("convert: internal error: regular triangulation has no cell")
	}
	// Facets contained in exactly one cell form the boundary.
	facetCount := map[string]int{}
	for _, c := range cells {
		for drop := range c {
			facetCount[setKey(without(c, drop))]++
		}
	}
	var boundary [][]int
	for _, c := range cells {
		for drop := range c {
			f := without(c, drop)
			if facetCount[setKey(f)] == 1 {
				boundary = append(boundary, f)
			}
		}
	}
	seen := map[string]bool{}
	var out []face
	for _, c := range cells {
		if err := b.spend(1 << uint(len(c))); err != nil {
			return nil, err
		}
		for mask := 1; mask < 1<<uint(len(c)); mask++ {
			var tau []int
			for i, v := range c {
				if mask&(1<<uint(i)) != 0 {
					tau = append(tau, v)
				}
			}
			key := setKey(tau)
			if seen[key] {
				continue
			}
			seen[key] = true
			if onBoundary(tau, boundary) {
				continue
			}
			coef := 1
			if (d-(len(tau)-1))%2 == 1 {
				coef = -1
			}
			out = append(out, face{args: tau, coef: coef})
		}
	}
	return out, nil
}

// upperCell reports whether the lifted simplex σ is a facet of the upper hull
// of the points (y_i, b_i + ε_i) with ε_0 ≫ ε_1 ≫ … > 0 infinitesimal. The
// hyperplane h through the lifted σ is solved for once; a point j is below
// it when h(y_j) − b_j > 0, and only ties need the barycentric coordinates
// of y_j (which decide the sign of the perturbation terms).
func upperCell(hs []Affine, y [][]*big.Rat, sigma []int, mat [][]*big.Rat, rhs []*big.Rat) bool {
	d := len(sigma) - 1
	for r, i := range sigma {
		mat[r] = make([]*big.Rat, d+1)
		copy(mat[r], y[i])
		mat[r][d] = big.NewRat(1, 1)
		rhs[r] = hs[i].B
	}
	h, ok := solve(mat, rhs)
	if !ok {
		return false // σ is affinely dependent
	}
	inSigma := func(j int) bool {
		for _, i := range sigma {
			if i == j {
				return true
			}
		}
		return false
	}
	var phi, t big.Rat
	for j := range hs {
		if inSigma(j) {
			continue
		}
		phi.Set(h[d])
		for c := 0; c < d; c++ {
			phi.Add(&phi, t.Mul(h[c], y[j][c]))
		}
		phi.Sub(&phi, hs[j].B)
		switch phi.Sign() {
		case 1:
			continue
		case -1:
			return false
		}
		// Tie: φ(ε) = Σ λ_i ε_i − ε_j with y_j = Σ λ_i y_i, Σ λ_i = 1; its
		// sign is that of the first perturbation that enters, in index order.
		tr := make([][]*big.Rat, d+1)
		for r := 0; r <= d; r++ {
			tr[r] = make([]*big.Rat, d+1)
			for c := range sigma {
				tr[r][c] = mat[c][r]
			}
		}
		col := make([]*big.Rat, d+1)
		copy(col, y[j])
		col[d] = big.NewRat(1, 1)
		lam, _ := solve(tr, col)
		sign := 0
		for idx := 0; idx < len(hs) && sign == 0; idx++ {
			if idx == j {
				sign = -1
				break
			}
			for c, i := range sigma {
				if i == idx {
					sign = lam[c].Sign()
				}
			}
		}
		if sign <= 0 {
			return false
		}
	}
	return true
}

func onBoundary(tau []int, boundary [][]int) bool {
	for _, f := range boundary {
		if subset(tau, f) {
			return true
		}
	}
	return false
}

// subset reports whether sorted a ⊆ sorted b.
func subset(a, b []int) bool {
	j := 0
	for _, v := range a {
		for j < len(b) && b[j] < v {
			j++
		}
		if j == len(b) || b[j] != v {
			return false
		}
	}
	return true
}

func seq(k int) []int {
	s := make([]int, k)
	for i := range s {
		s[i] = i
	}
	return s
}

func without(s []int, drop int) []int {
	r := make([]int, 0, len(s)-1)
	r = append(r, s[:drop]...)
	return append(r, s[drop+1:]...)
}

// nextComb advances the sorted combination c of {0..k−1}.
func nextComb(c []int, k int) bool {
	m := len(c)
	i := m - 1
	for i >= 0 && c[i] == k-m+i {
		i--
	}
	if i < 0 {
		return false
	}
	c[i]++
	for j := i + 1; j < m; j++ {
		c[j] = c[j-1] + 1
	}
	return true
}

func setKey(s []int) string {
	var b strings.Builder
	for i, v := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// sumBuilder accumulates Σ coef·max_{args} ℓ over a growing list of distinct
// affine functions, plus an affine remainder.
type sumBuilder struct {
	n      int
	fns    []Affine
	index  map[string]int
	terms  map[string]*face
	order  []string
	affine Affine
}

func newSumBuilder(n int) *sumBuilder {
	return &sumBuilder{n: n, index: map[string]int{}, terms: map[string]*face{}, affine: zeroAffine(n)}
}

func (s *sumBuilder) fn(a Affine) int {
	k := a.key()
	if i, ok := s.index[k]; ok {
		return i
	}
	s.fns = append(s.fns, a)
	s.index[k] = len(s.fns) - 1
	return len(s.fns) - 1
}

// add adds coef·max_{i∈args} fns[i]; a single argument goes to the affine
// remainder.
func (s *sumBuilder) add(args []int, coef int) {
	if coef == 0 {
		return
	}
	a := append([]int(nil), args...)
	sort.Ints(a)
	a = dedupInts(a)
	if len(a) == 1 {
		s.affine = s.affine.plus(big.NewRat(int64(coef), 1), s.fns[a[0]])
		return
	}
	k := setKey(a)
	if f, ok := s.terms[k]; ok {
		f.coef += coef
		return
	}
	s.terms[k] = &face{args: a, coef: coef}
	s.order = append(s.order, k)
}

// addMax adds coef·max over the given affine functions, reduced to arity
// ≤ n+1 when needed.
func (s *sumBuilder) addMax(fs []Affine, coef int, b *budget) error {
	idx := make([]int, len(fs))
	for i, f := range fs {
		idx[i] = s.fn(f)
	}
	idx = dedupKeepOrder(idx)
	if len(idx) <= s.n+1 {
		s.add(idx, coef)
		return nil
	}
	sub := make([]Affine, len(idx))
	for i, j := range idx {
		sub[i] = s.fns[j]
	}
	faces, err := reduceMax(sub, b)
	if err != nil {
		return err
	}
	for _, f := range faces {
		args := make([]int, len(f.args))
		for i, a := range f.args {
			args[i] = idx[a]
		}
		s.add(args, coef*f.coef)
	}
	return nil
}

// result returns the Wang–Sun form: terms with coefficient c become
// sign(c)·max(|c|·ℓ), and the affine remainder is folded into the first
// term (max(u, v) + L = max(u+L, v+L)).
func (s *sumBuilder) result() *MaxSum {
	ms := &MaxSum{N: s.n}
	for _, k := range s.order {
		f := s.terms[k]
		if f.coef == 0 {
			continue
		}
		c := big.NewRat(int64(abs(f.coef)), 1)
		sign := 1
		if f.coef < 0 {
			sign = -1
		}
		t := Term{Sign: sign}
		for _, a := range f.args {
			ms.Affine = append(ms.Affine, s.fns[a].scaled(c))
			t.Args = append(t.Args, len(ms.Affine)-1)
		}
		ms.Terms = append(ms.Terms, t)
	}
	if len(ms.Terms) == 0 {
		ms.Affine = append(ms.Affine, s.affine)
		ms.Terms = append(ms.Terms, Term{Sign: 1, Args: []int{0}})
		return ms
	}
	if !isZero(s.affine) {
		t := ms.Terms[0]
		c := big.NewRat(int64(t.Sign), 1) // s·max(u_i) + L = s·max(u_i + s·L)
		for _, a := range t.Args {
			ms.Affine[a] = ms.Affine[a].plus(c, s.affine)
		}
	}
	return ms
}

func isZero(a Affine) bool {
	if a.B.Sign() != 0 {
		return false
	}
	for _, w := range a.W {
		if w.Sign() != 0 {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func dedupInts(a []int) []int {
	out := a[:0]
	for i, v := range a {
		if i == 0 || v != a[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func dedupKeepOrder(a []int) []int {
	seen := map[int]bool{}
	out := a[:0]
	for _, v := range a {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// LatticeToMaxSum rewrites a max–min form as a Wang–Sun form with every max
// over at most n+1 affine functions. min_U ℓ is −max_U(−ℓ); the max of the
// min-terms is expanded by inclusion–exclusion over unions of the index sets,
// max(A, B) = A + B − min(A, B), after lattice absorption (a min-term whose
// set contains another's is dominated and dropped); oversized maxes are
// reduced by reduceMax. The work is bounded by budget steps (0 means
// DefaultBudget); beyond it ErrTooLarge is returned.
func LatticeToMaxSum(l *Lattice, budgetSteps int) (*MaxSum, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if budgetSteps <= 0 {
		budgetSteps = DefaultBudget
	}
	ms, err := latticeToMaxSum(l, budgetSteps)
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%w: the Wang–Sun expansion of a max–min form with %d min-terms over %d affine functions (n = %d) exceeds the budget of %d steps",
			ErrTooLarge, len(absorb(l.Sets)), len(l.Affine), l.N, budgetSteps)
	}
	return ms, err
}

func latticeToMaxSum(l *Lattice, budgetSteps int) (*MaxSum, error) {
	b := &budget{left: budgetSteps}
	sets := absorb(l.Sets)
	sb := newSumBuilder(l.N)
	// Convex case: every min-term is a single function.
	allSingle := true
	for _, s := range sets {
		if len(s) != 1 {
			allSingle = false
		}
	}
	if allSingle {
		fs := make([]Affine, len(sets))
		for i, s := range sets {
			fs[i] = l.Affine[s[0]]
		}
		if err := sb.addMax(fs, 1, b); err != nil {
			return nil, err
		}
		return sb.result(), nil
	}
	coef, err := expandMaxOfMins(sets, b)
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(coef))
	for _, k := range keys {
		c := coef[k]
		if c == 0 {
			continue
		}
		u := parseKey(k)
		// Building the term costs |U|·n rationals, and the net that many
		// weights: charge it, which also bounds the output's size.
		if err := b.spend(len(u) * l.N); err != nil {
			return nil, err
		}
		neg := make([]Affine, len(u))
		for i, j := range u {
			neg[i] = l.Affine[j].scaled(big.NewRat(-1, 1))
		}
		// c·min_U ℓ = −c·max_U(−ℓ)
		if err := sb.addMax(neg, -c, b); err != nil {
			return nil, err
		}
	}
	return sb.result(), nil
}

func parseKey(k string) []int {
	if k == "" {
		return nil
	}
	parts := strings.Split(k, ",")
	out := make([]int, len(parts))
	for i, p := range parts {
		out[i], _ = strconv.Atoi(p)
	}
	return out
}

// absorb sorts each set, removes duplicates and drops every set that
// contains another (its min is dominated inside the max).
func absorb(in [][]int) [][]int {
	sets := make([][]int, 0, len(in))
	for _, s := range in {
		c := append([]int(nil), s...)
		sort.Ints(c)
		sets = append(sets, dedupInts(c))
	}
	sort.Slice(sets, func(i, j int) bool {
		if len(sets[i]) != len(sets[j]) {
			return len(sets[i]) < len(sets[j])
		}
		return setKey(sets[i]) < setKey(sets[j])
	})
	var out [][]int
	for _, s := range sets {
		dominated := false
		for _, t := range out {
			if subset(t, s) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, s)
		}
	}
	return out
}

// expandMaxOfMins returns coefficients c_U with max_i min_{S_i} = Σ c_U min_U,
// using max(F, m) = F + m − min(F, m) and min(max_i min_{S_i}, min_T) =
// max_i min_{S_i ∪ T}, memoised on the absorbed list of sets.
func expandMaxOfMins(sets [][]int, b *budget) (map[string]int, error) {
	memo := map[string]map[string]int{}
	var rec func(sets [][]int) (map[string]int, error)
	rec = func(sets [][]int) (map[string]int, error) {
		// absorb and the union step cost O(m²·|S|) for m sets, memo hit or
		// not; charge that.
		if err := b.spend(len(sets) * len(sets)); err != nil {
			return nil, err
		}
		sets = absorb(sets)
		keys := make([]string, len(sets))
		for i, s := range sets {
			keys[i] = setKey(s)
		}
		mk := strings.Join(keys, ";")
		if r, ok := memo[mk]; ok {
			return r, nil
		}
		out := map[string]int{}
		if len(sets) == 1 {
			out[keys[0]] = 1
			memo[mk] = out
			return out, nil
		}
		last := sets[len(sets)-1]
		head, err := rec(sets[:len(sets)-1])
		if err != nil {
			return nil, err
		}
		for k, c := range head {
			out[k] += c
		}
		out[keys[len(keys)-1]]++
		unions := make([][]int, len(sets)-1)
		for i, s := range sets[:len(sets)-1] {
			unions[i] = sorted.UnionFunc(s, last, cmp.Compare[int])
		}
		inter, err := rec(unions)
		if err != nil {
			return nil, err
		}
		for k, c := range inter {
			out[k] -= c
		}
		for k, c := range out {
			if c == 0 {
				delete(out, k)
			}
		}
		memo[mk] = out
		return out, nil
	}
	return rec(sets)
}

// ReduceMaxSum rewrites m so that every max has at most n+1 arguments,
// reducing oversized terms with reduceMax (regular triangulation).
func ReduceMaxSum(m *MaxSum, budgetSteps int) (*MaxSum, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if budgetSteps <= 0 {
		budgetSteps = DefaultBudget
	}
	b := &budget{left: budgetSteps}
	sb := newSumBuilder(m.N)
	for j, t := range m.Terms {
		if err := b.spend(len(t.Args) * m.N); err != nil {
			return nil, fmt.Errorf("%w: a signed sum of %d maxima (n = %d) exceeds the budget of %d steps", err, len(m.Terms), m.N, budgetSteps)
		}
		fs := make([]Affine, len(t.Args))
		for i, a := range t.Args {
			fs[i] = m.Affine[a]
		}
		if err := sb.addMax(fs, t.Sign, b); err != nil {
			if errors.Is(err, ErrTooLarge) {
				return nil, fmt.Errorf("%w: reducing term %d (a max of %d affine functions, n = %d) exceeds the budget of %d steps", err, j, len(fs), m.N, budgetSteps)
			}
			return nil, fmt.Errorf("term %d: %w", j, err)
		}
	}
	return sb.result(), nil
}
