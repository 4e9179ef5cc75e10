package erm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relucid/relucid/relu"
)

// BoundName describes the lower bound used for pruning.
const BoundName = "convex program on the points whose side is forced in every completion of the node (a prefix of a fixed random order, plus every later point that all the node's dichotomies put on one side), with the prefix's constraints"

// ErrTooLarge is wrapped by Train when the brute-force count exceeds the limit.
var ErrTooLarge = errors.New("search too large")

// item is a (sign, trie group) pair of one unit.
type item struct {
	sign  int8 // 0: −1, 1: +1
	group int32
}

// gdMinPrograms is the brute-force program count below which the default
// search starts without a gradient-descent incumbent. Since the roots are
// expanded best bound first, the first leaves reached give an incumbent as
// good as descent's: on the T1, T2 and T5 workloads (brute-force counts
// 39 to 4.9·10⁶) skipping descent changed the number of programs solved by
// at most 5 %, while four restarts cost 5–45 ms, more than a third of most
// of those searches. Descent is kept for large searches, where it gives an
// interrupted run (Ctrl-C during the root phase, which yields no leaf) a net
// to report.
const gdMinPrograms = 1e6

func lessItem(a, b item) bool {
	if a.sign != b.sign {
		return a.sign < b.sign
	}
	return a.group < b.group
}

// trie holds the dichotomies sorted, grouped by prefixes of growing length.
type trie struct {
	fam    []Dichotomy
	levels []int     // prefix lengths L_0 < … < L_T = D
	start  [][]int32 // start[t][g]: first dichotomy of group g at level t; len = groups+1
	child  [][]int32 // child[t][g]: first group at level t+1 inside group g; len = groups+1
	empty  int32     // index of P+ = ∅ in fam (always first: sorted, all bits absent)
	// known[t][g*words:(g+1)*words]: the points on the same side in every
	// dichotomy of group g at level t (t below the last level).
	known [][]uint64
	words int
}

// knownAt returns the forced-side mask of group g at level t.
func (tr *trie) knownAt(t int, g int32) Dichotomy {
	return tr.known[t][int(g)*tr.words : int(g+1)*tr.words]
}

func buildTrie(fam []Dichotomy, levels []int) *trie {
	tr := &trie{fam: fam, levels: levels}
	for _, L := range levels {
		var st []int32
		for i := range fam {
			if i == 0 || !samePrefix(fam[i-1], fam[i], L) {
				st = append(st, int32(i))
			}
		}
		st = append(st, int32(len(fam)))
		tr.start = append(tr.start, st)
	}
	if len(fam) > 0 {
		tr.words = len(fam[0])
	}
	for t := 0; t+1 < len(levels); t++ {
		G := len(tr.start[t]) - 1
		kn := make([]uint64, G*tr.words)
		for g := 0; g < G; g++ {
			k := kn[g*tr.words : (g+1)*tr.words]
			first := fam[tr.start[t][g]]
			for i := range k {
				k[i] = ^uint64(0) // same as the first so far
			}
			for f := tr.start[t][g] + 1; f < tr.start[t][g+1]; f++ {
				for i, v := range fam[f] {
					k[i] &^= v ^ first[i]
				}
			}
		}
		tr.known = append(tr.known, kn)
	}
	for t := 0; t+1 < len(levels); t++ {
		ch := make([]int32, len(tr.start[t]))
		next := tr.start[t+1]
		k := 0
		for g := range tr.start[t] {
			for k < len(next)-1 && next[k] < tr.start[t][g] {
				k++
			}
			ch[g] = int32(k)
		}
		tr.child = append(tr.child, ch)
	}
	return tr
}

func samePrefix(a, b Dichotomy, L int) bool {
	full := L / 64
	for k := 0; k < full; k++ {
		if a[k] != b[k] {
			return false
		}
	}
	if r := uint(L) & 63; r != 0 {
		mask := uint64(1)<<r - 1
		return (a[full]^b[full])&mask == 0
	}
	return true
}

func (tr *trie) groups(t int) int { return len(tr.start[t]) - 1 }

// shared is the state all workers see.
type shared struct {
	mu       sync.Mutex
	bestBits atomic.Uint64
	bestTh   []float64
	bestSg   []float64
	bestKKT  float64
	bestSet  bool
	solved   atomic.Int64
	enum     atomic.Int64
	pruned   atomic.Int64
	leaves   atomic.Int64
	rootDone atomic.Int64
	lbMu     sync.Mutex
	lb       float64
	err      error
}

func (sh *shared) best() float64 { return math.Float64frombits(sh.bestBits.Load()) }

func (sh *shared) noteLB(v float64) {
	sh.lbMu.Lock()
	if v < sh.lb {
		sh.lb = v
	}
	sh.lbMu.Unlock()
}

// offer records a leaf solution if it improves the incumbent.
func (sh *shared) offer(val float64, th, signs []float64, kkt float64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if val < sh.best() {
		sh.bestBits.Store(math.Float64bits(val))
		sh.bestTh = append(sh.bestTh[:0], th...)
		sh.bestSg = append(sh.bestSg[:0], signs...)
		sh.bestKKT = kkt
		sh.bestSet = true
	}
}

// BruteForceCount returns the number of leaf programs Algorithm 1 solves
// with symmetry: multisets of w items from 2·K − 1 (sign, dichotomy) pairs
// (P+ = ∅ needs one sign only), C(2K − 2 + w, w).
func BruteForceCount(K, w int) float64 {
	items := float64(2*K - 1)
	c := 1.0
	for i := 0; i < w; i++ {
		c *= (items + float64(i)) / float64(i+1)
	}
	return c
}

// Train finds a global minimiser of the problem (see the package
// documentation) and a certificate of optimality.
func Train(ctx context.Context, p Problem, o Options) (*Result, error) {
	t0 := time.Now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if o.Shards <= 0 {
		o.Shards = 1
	}
	if o.Shard < 0 || o.Shard >= o.Shards {
		return nil, fmt.Errorf("shard %d of %d out of range", o.Shard, o.Shards)
	}
	D, n, w := len(p.X), len(p.X[0]), p.Width
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	perm := rng.Perm(D)
	pr := &prepared{Problem: p, n: n, w: w, X: make([][]float64, D), Y: make([]float64, D)}
	for k, j := range perm {
		pr.X[k], pr.Y[k] = p.X[j], p.Y[j]
	}
	// estimate first (Cover's count bounds the family in general position)
	est := 2 * float64(D)
	if n > 1 {
		est, _ = CoverCount(D, n).Float64()
	}
	limit := o.MaxSubproblems
	if limit <= 0 {
		limit = DefaultMaxSubproblems
	}
	if bf := BruteForceCount(int(math.Min(est, 1e15)), w); bf > limit && !o.Force {
		return nil, fmt.Errorf("%w: about %.3g convex programs for brute force (D=%d, n=%d, w=%d; limit %.3g); use Force (--force) to run anyway", ErrTooLarge, bf, D, n, w, limit)
	}
	fam, err := Dichotomies(ctx, pr.X)
	if err != nil {
		return nil, err
	}
	cert := Certificate{Dichotomies: len(fam), BruteForce: BruteForceCount(len(fam), w),
		Bound: BoundName, Shard: o.Shard, Shards: o.Shards}
	if o.NoPrune {
		cert.Bound = "none (brute force)"
	}
	levels := chooseLevels(D, n, w, o.NoPrune)
	tr := buildTrie(fam, levels)

	sh := &shared{lb: math.Inf(1)}
	sh.bestBits.Store(math.Float64bits(math.Inf(1)))
	if o.Incumbent != nil {
		if th, sg, ok := netToTheta(o.Incumbent, n, w, p.OutputBias); ok {
			v, _, _, err := p.Objective(o.Incumbent)
			if err == nil {
				sh.offer(v, th, sg, -1)
			}
		}
	}
	// By default a search below gdMinPrograms skips the gradient-descent
	// incumbent: the best-first root order finds as good an incumbent for
	// less than descent costs.
	if o.GDRestarts > 0 || (o.GDRestarts == 0 && !o.NoPrune && cert.BruteForce >= gdMinPrograms) {
		r := o.GDRestarts
		if r == 0 {
			r = 4
		}
		if net := gradientDescent(ctx, &p, r, o.Seed); net != nil {
			if th, sg, ok := netToTheta(net, n, w, p.OutputBias); ok {
				if v, _, _, err := p.Objective(net); err == nil {
					sh.offer(v, th, sg, -1)
				}
			}
		}
	}

	// roots: canonical tuples at level 0, filtered by shard
	G0 := tr.groups(0)
	var roots [][]item
	tuple := make([]item, w)
	idx := 0
	var gen func(u int, min item)
	gen = func(u int, min item) {
		if u == w {
			if idx%o.Shards == o.Shard {
				roots = append(roots, append([]item(nil), tuple...))
			}
			idx++
			return
		}
		for s := int8(0); s < 2; s++ {
			for g := int32(0); g < int32(G0); g++ {
				it := item{s, g}
				if lessItem(it, min) {
					continue
				}
				if s == 0 && g == 0 && G0 > 0 && tr.start[0][1]-tr.start[0][0] == 1 && levels[0] == D {
					continue // P+ = ∅ with sign −1 duplicates sign +1
				}
				tuple[u] = it
				gen(u+1, it)
			}
		}
	}
	gen(0, item{0, 0})

	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go func() {
		defer close(progressDone)
		if o.Progress == nil {
			<-stopProgress
			return
		}
		every := o.ProgressEvery
		if every <= 0 {
			every = 30 * time.Second
		}
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-tk.C:
				o.Progress(Progress{Elapsed: time.Since(t0), Done: int(sh.rootDone.Load()), Total: len(roots),
					Solved: sh.solved.Load(), Pruned: sh.pruned.Load(), Best: sh.best()})
			}
		}
	}()
	// Two phases over the roots. First every root program is solved (each
	// must be solved anyway, to be pruned or expanded); then the roots are
	// expanded best bound first, so that the incumbent is good early and
	// more of the later roots and their subtrees are pruned.
	wks := make([]*worker, workers)
	for k := range wks {
		wks[k] = newWorker(pr, tr, sh)
		wks[k].s.cold = o.lpCold
		wks[k].cold = o.lpCold
	}
	runPhase := func(order []int, f func(wk *worker, i int) error) {
		jobs := make(chan int)
		var wg sync.WaitGroup
		for _, wk := range wks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					if ctx.Err() != nil {
						continue
					}
					if err := f(wk, i); err != nil {
						sh.mu.Lock()
						if sh.err == nil {
							sh.err = err
						}
						sh.mu.Unlock()
						cancel()
					}
				}
			}()
		}
	feed:
		for _, i := range order {
			select {
			case jobs <- i:
			case <-ctx.Done():
				break feed
			}
		}
		close(jobs)
		wg.Wait()
	}
	order := make([]int, len(roots))
	for i := range order {
		order[i] = i
	}
	rootVal := make([]float64, len(roots))
	single := len(tr.levels) == 1
	runPhase(order, func(wk *worker, i int) error {
		wk.sh.enum.Add(1)
		v, err := wk.eval(0, roots[i])
		if err != nil {
			return err
		}
		rootVal[i] = v
		if single {
			wk.leaf(v)
			sh.rootDone.Add(1)
		}
		return nil
	})
	if !single && ctx.Err() == nil && !o.rootsInOrder {
		sort.SliceStable(order, func(a, b int) bool { return rootVal[order[a]] < rootVal[order[b]] })
	}
	if !single && ctx.Err() == nil {
		runPhase(order, func(wk *worker, i int) error {
			defer sh.rootDone.Add(1)
			if rootVal[i] >= wk.sh.best() {
				wk.sh.pruned.Add(1)
				wk.sh.noteLB(rootVal[i])
				return nil
			}
			return wk.expand(ctx, 0, roots[i])
		})
	}
	close(stopProgress)
	<-progressDone
	if sh.err != nil && !errors.Is(sh.err, context.Canceled) {
		return nil, sh.err
	}
	interrupted := ctx.Err() != nil && sh.err == nil || sh.err != nil
	if !sh.bestSet {
		if interrupted {
			return nil, fmt.Errorf("interrupted before any solution: %w", context.Canceled)
		}
		// empty shard: nothing searched here
		cert.Certified = true
		cert.LowerBound = math.Inf(1)
		cert.Objective = math.Inf(1)
		cert.Seconds = time.Since(t0).Seconds()
		return &Result{Objective: math.Inf(1), Certificate: cert}, nil
	}
	if sh.bestKKT < 0 {
		// The winner is the starting incumbent (no program beat it): polish
		// it by solving the program of its own activation pattern, which
		// also yields a KKT residual.
		if th, sg, kkt, ok := polish(pr, sh.bestTh, sh.bestSg); ok {
			sh.bestTh, sh.bestSg, sh.bestKKT = th, sg, kkt
		}
	}
	net := thetaToNet(sh.bestTh, sh.bestSg, n, w, p.OutputBias)
	obj, loss, pen, err := p.Objective(net)
	if err != nil {
		return nil, err
	}
	cert.Objective, cert.Loss, cert.Penalty = obj, loss, pen
	exactRecheck(&p, net, &cert)
	cert.Enumerated = sh.enum.Load()
	cert.Solved = sh.solved.Load()
	cert.Pruned = sh.pruned.Load()
	cert.LeavesSolved = sh.leaves.Load()
	cert.KKTResidual = sh.bestKKT
	cert.Interrupted = interrupted
	cert.Certified = !interrupted
	if interrupted {
		cert.LowerBound = 0 // every loss is ≥ 0
	} else {
		cert.LowerBound = math.Min(sh.lb, sh.best())
	}
	cert.Seconds = time.Since(t0).Seconds()
	return &Result{Net: net, Objective: obj, Certificate: cert}, nil
}

// chooseLevels picks the prefix lengths of the branch and bound: the first
// level small enough to have few groups, then growing geometrically.
func chooseLevels(D, n, w int, noPrune bool) []int {
	if noPrune || D <= n+3 {
		return []int{D}
	}
	var lv []int
	L := n + 3
	for L < D {
		lv = append(lv, L)
		L = int(math.Ceil(float64(L) * 1.6))
	}
	return append(lv, D)
}

// worker runs the depth-first branch and bound below root tuples.
type worker struct {
	pr     *prepared
	tr     *trie
	sh     *shared
	s      solver
	q      guess
	known  []Dichotomy
	noPrun bool
	cold   bool // Options.lpCold
}

func newWorker(pr *prepared, tr *trie, sh *shared) *worker {
	wk := &worker{pr: pr, tr: tr, sh: sh}
	wk.s.pr = pr
	wk.q.signs = make([]float64, pr.w)
	wk.q.pos = make([]Dichotomy, pr.w)
	wk.known = make([]Dichotomy, pr.w)
	wk.noPrun = len(tr.levels) == 1
	return wk
}

// eval solves the program of tuple at level t.
func (wk *worker) eval(t int, tup []item) (float64, error) {
	wk.q.L = wk.tr.levels[t]
	wk.q.known = nil
	if t+1 < len(wk.tr.levels) {
		wk.q.known = wk.known
	}
	for i, it := range tup {
		wk.q.signs[i] = float64(2*int(it.sign) - 1)
		wk.q.pos[i] = wk.tr.fam[wk.tr.start[t][it.group]]
		if wk.q.known != nil {
			wk.known[i] = wk.tr.knownAt(t, it.group)
		}
	}
	wk.sh.solved.Add(1)
	return wk.s.solve(&wk.q)
}

func (wk *worker) leaf(val float64) {
	wk.sh.leaves.Add(1)
	if val < wk.sh.best() && wk.s.lp.WarmUsed {
		// A candidate incumbent is re-solved from the cold start, so that
		// the reported net (and its exact rational objective) depends only
		// on the winning program, not on the order of the solves before it:
		// shards and a single run then report the same net.
		wk.s.cold = true
		v, err := wk.s.solve(&wk.q)
		wk.s.cold = wk.cold
		if err == nil {
			val = v
		} else if v, err = wk.s.solve(&wk.q); err == nil {
			val = v // the cold start failed: keep the warm solution
		} else {
			wk.sh.noteLB(val) // no solution to offer (both solves failed)
			return
		}
	}
	wk.sh.noteLB(val)
	if val < wk.sh.best() {
		wk.sh.offer(val, wk.s.th[:wk.s.nv], wk.q.signs, wk.s.kkt)
	}
}

func (wk *worker) root(ctx context.Context, tup []item) error {
	wk.sh.enum.Add(1)
	val, err := wk.eval(0, tup)
	if err != nil {
		return err
	}
	if len(wk.tr.levels) == 1 {
		wk.leaf(val)
		return nil
	}
	if val >= wk.sh.best() {
		wk.sh.pruned.Add(1)
		wk.sh.noteLB(val)
		return nil
	}
	return wk.expand(ctx, 0, tup)
}

type child struct {
	tup []item
	val float64
}

// expand solves the children of tup (at level t) at level t+1 and recurses
// best-first, pruning by the incumbent.
func (wk *worker) expand(ctx context.Context, t int, tup []item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tr := wk.tr
	w := len(tup)
	last := t+1 == len(tr.levels)-1
	var kids []child
	cur := make([]item, w)
	var err error
	var gen func(u int, min item)
	gen = func(u int, min item) {
		if err != nil {
			return
		}
		if u == w {
			wk.sh.enum.Add(1)
			var v float64
			v, err = wk.eval(t+1, cur)
			if err != nil {
				return
			}
			if last {
				wk.leaf(v)
				return
			}
			if v >= wk.sh.best() {
				wk.sh.pruned.Add(1)
				wk.sh.noteLB(v)
				return
			}
			kids = append(kids, child{append([]item(nil), cur...), v})
			return
		}
		g := tup[u].group
		for c := tr.child[t][g]; c < tr.child[t][g+1]; c++ {
			it := item{tup[u].sign, c}
			if lessItem(it, min) {
				continue
			}
			if last && it.sign == 0 && tr.start[t+1][c] == tr.empty && tr.start[t+1][c+1]-tr.start[t+1][c] == 1 {
				continue // P+ = ∅ with sign −1 duplicates sign +1
			}
			cur[u] = it
			gen(u+1, it)
		}
	}
	gen(0, item{0, 0})
	if err != nil {
		return err
	}
	sort.Slice(kids, func(a, b int) bool { return kids[a].val < kids[b].val })
	for _, k := range kids {
		if k.val >= wk.sh.best() {
			wk.sh.pruned.Add(1)
			wk.sh.noteLB(k.val)
			continue
		}
		if err := wk.expand(ctx, t+1, k.tup); err != nil {
			return err
		}
	}
	return nil
}

// thetaToNet builds f(x) = Σ s_i σ(θ_i·(x,1)) [+ c].
func thetaToNet(th, signs []float64, n, w int, bias bool) *relu.Net {
	W := make([][]float64, w)
	B := make([]float64, w)
	for i := 0; i < w; i++ {
		W[i] = append([]float64(nil), th[i*(n+1):i*(n+1)+n]...)
		B[i] = th[i*(n+1)+n]
	}
	outB := []float64{0}
	if bias {
		outB[0] = th[(n+1)*w]
	}
	return relu.MustFromFloats([][][]float64{W, {append([]float64(nil), signs...)}}, [][]float64{B, outB})
}

// netToTheta rescales a one-hidden-layer net to output weights ±1.
func netToTheta(net *relu.Net, n, w int, bias bool) (th, signs []float64, ok bool) {
	if net.Depth() != 2 || net.InputDim() != n || net.OutputDim() != 1 || net.Layers[0].Out != w {
		return nil, nil, false
	}
	if !bias && net.Layers[1].B[0] != 0 {
		return nil, nil, false
	}
	h, o := &net.Layers[0], &net.Layers[1]
	th = make([]float64, (n+1)*w+b2i(bias))
	signs = make([]float64, w)
	for i := 0; i < w; i++ {
		a := o.W[i]
		signs[i] = 1
		if a < 0 {
			signs[i] = -1
		}
		for k := 0; k < n; k++ {
			th[i*(n+1)+k] = math.Abs(a) * h.W[i*n+k]
		}
		th[i*(n+1)+n] = math.Abs(a) * h.B[i]
	}
	if bias {
		th[(n+1)*w] = o.B[0]
	}
	return th, signs, true
}

// patternGuess returns the guess fixed by the activation pattern of θ (w
// hidden units on n inputs) on the points X: unit i is on at x_j when
// a_i·x_j + b_i > 0. Polishing a search result and verifying a certificate
// both re-solve the program of exactly this pattern, so they share it.
func patternGuess(X [][]float64, th, signs []float64, n, w int) guess {
	D := len(X)
	q := guess{L: D, signs: signs, pos: make([]Dichotomy, w)}
	for i := 0; i < w; i++ {
		d := make(Dichotomy, (D+63)/64)
		for j, x := range X {
			s := th[i*(n+1)+n]
			for k, v := range x {
				s += th[i*(n+1)+k] * v
			}
			if s > 0 {
				d.set(j)
			}
		}
		q.pos[i] = d
	}
	return q
}

// polish solves the program of the activation pattern of θ on all points
// and returns its solution if it is at least as good as θ.
func polish(pr *prepared, th, signs []float64) ([]float64, []float64, float64, bool) {
	n, w := pr.n, pr.w
	q := patternGuess(pr.X, th, signs, n, w)
	old := thetaToNet(th, signs, n, w, pr.OutputBias)
	v0, _, _, err := pr.Problem.Objective(old)
	if err != nil {
		return nil, nil, 0, false
	}
	var s solver
	s.pr = pr
	v, err := s.solve(&q)
	if err != nil || v > v0 {
		return nil, nil, 0, false
	}
	return append([]float64(nil), s.th[:s.nv]...), signs, s.kkt, true
}
