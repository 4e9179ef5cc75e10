package convert

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/relucid/relucid/relu"
)

// The hybrid construction (method Hybrid) groups the min-terms of a lattice
// form, expands each group by inclusion–exclusion over unions of its sets
// only, and takes the maximum over the groups with a max-gadget tree whose
// leaves sit at different depths. See doc.go for the derivation and
// LatticeToHybrid for the interface.

// HybridGroup describes one group of the hybrid construction.
type HybridGroup struct {
	// MinTerms are the indices (into Lattice.Sets) of the group's
	// min-terms after absorption; a dominated or repeated min-term belongs
	// to no group.
	MinTerms []int `json:"min_terms"`
	// Hidden is the number of hidden layers of the group's sum of trees.
	Hidden int `json:"hidden_layers"`
	// Terms counts the min- (or max-) trees over two or more affine
	// functions in the group's expansion; Size is their hidden units.
	Terms int `json:"terms"`
	Size  int `json:"size"`
}

// HybridNet is a net built by LatticeToHybrid with its structure.
type HybridNet struct {
	Net    *relu.Net
	Groups []HybridGroup
	// Terms and MaxArity count the trees of all groups and their largest
	// number of arguments.
	Terms    int
	MaxArity int
	// TreeSize is the number of hidden units of the max tree over the
	// groups, identity carries included.
	TreeSize int
	// Candidates is the number of groupings whose expansion finished
	// within the budget; the smallest was kept.
	Candidates int
}

// LatticeToHybrid returns a net computing the lattice form l = max_i
// min_{S_i} ℓ with at most maxHidden hidden layers (at least one), built
// by the hybrid construction, or an error wrapping ErrTooLarge when no
// grouping could be expanded within budgetSteps elementary steps (0 means
// DefaultBudget).
//
// The min-terms are partitioned into groups G; each group's maximum is
// rewritten by inclusion–exclusion inside the group,
//
//	max_{i∈G} min_{S_i} ℓ = Σ_{∅≠I⊆G} (−1)^{|I|+1} min_{∪_{i∈I} S_i} ℓ,
//
// (with lattice absorption; a group of single functions stays one max),
// each min over a union U is a min tree of ⌈log₂|U|⌉ hidden layers or,
// when the gradients of U span an affine hull of dimension d with
// ⌈log₂(d+1)⌉ smaller, the valuation identity of reduceMax applied to −ℓ.
// A group of depth D_G then enters a max-gadget tree at tree depth t_G with
// D_G + t_G ≤ maxHidden; such a tree exists exactly when
// Σ_G 2^{D_G} ≤ 2^maxHidden (Kraft's inequality), and pairing the two
// shallowest values repeatedly builds it. One group is the full
// inclusion–exclusion of LatticeToMaxSum (with trees over up to
// 2^maxHidden functions where the Wang–Sun form stops at n+1); one group
// per min-term is the plain max–min net with a depth-optimal outer tree.
// Groupings in between are found greedily, merging the pair of groups that
// lowers Σ 2^{D_G} the most per unit of estimated size. One group per
// min-term and the greedy grouping are expanded (and one group for all,
// only when neither fits the budget), and the smallest net is kept; the
// dense layers' parameters count against the budget too.
//
// Inside a group the shallower trees' sums are added to every value of the
// deepest tree at the level where they are ready (max(u+s, v+s) =
// max(u, v) + s), so no identity padding is needed there; the group's size
// is the sum of its trees' MaxTreeSize. The net has no output bias.
func LatticeToHybrid(ctx context.Context, l *Lattice, maxHidden int, g relu.Gadget, budgetSteps int) (*HybridNet, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if maxHidden < 1 {
		return nil, fmt.Errorf("convert: hybrid construction needs at least one hidden layer, not %d", maxHidden)
	}
	if g != relu.Gadget3 && g != relu.Gadget4 {
		return nil, fmt.Errorf("convert: unknown max gadget %d", g)
	}
	if budgetSteps <= 0 {
		budgetSteps = DefaultBudget
	}
	p := newPlanner(ctx, l, maxHidden, g, &budget{left: budgetSteps})
	res, err := p.run()
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("%w: hybrid construction of a max–min form with %d min-terms over %d affine functions (n = %d, at most %d hidden layers) exceeds the budget of %d steps",
			ErrTooLarge, len(p.sets), len(p.fns), l.N, maxHidden, budgetSteps)
	}
	return res, err
}

// planner holds a lattice form in canonical shape: equal affine functions
// merged, sets sorted and absorbed (orig[k] is an index in Lattice.Sets of
// set k).
type planner struct {
	ctx  context.Context
	n, L int
	g    relu.Gadget
	b    *budget
	fns  []Affine
	sets [][]int
	orig []int
	bits []bitset
	// indep is true when the gradients of all functions are affinely
	// independent, so every subset is too and no rank is needed.
	indep bool
	modW  [][]uint64 // gradients mod rankPrime, nil when unusable
	ranks map[string]int
}

func newPlanner(ctx context.Context, l *Lattice, L int, g relu.Gadget, b *budget) *planner {
	p := &planner{ctx: ctx, n: l.N, L: L, g: g, b: b, ranks: map[string]int{}}
	var canon []int
	p.fns, canon = distinctAffine(l.Affine)
	type iset struct {
		s    []int
		orig int
	}
	all := make([]iset, len(l.Sets))
	for i, s := range l.Sets {
		c := make([]int, len(s))
		for k, j := range s {
			c[k] = canon[j]
		}
		sort.Ints(c)
		all[i] = iset{dedupInts(c), i}
	}
	sort.SliceStable(all, func(i, j int) bool { return len(all[i].s) < len(all[j].s) })
	for _, s := range all {
		dominated := false
		for _, t := range p.sets {
			if subset(t, s.s) {
				dominated = true
				break
			}
		}
		if !dominated {
			p.sets = append(p.sets, s.s)
			p.orig = append(p.orig, s.orig)
		}
	}
	p.bits = make([]bitset, len(p.sets))
	for i, s := range p.sets {
		p.bits[i] = newBitset(len(p.fns))
		for _, j := range s {
			p.bits[i].set(j)
		}
	}
	p.modW = gradientsMod(p.fns)
	allFns := newBitset(len(p.fns))
	for j := range p.fns {
		allFns.set(j)
	}
	p.indep = p.rank(allFns) == len(p.fns)-1
	return p
}

// depthOf returns the hidden layers of the cheapest-in-depth net for the
// min (or max) over the functions in u: a tree over all of them, or trees
// over at most d+1 of them by the valuation identity (d the dimension of
// the affine hull of their gradients).
func (p *planner) depthOf(u bitset) int {
	k := u.count()
	direct := relu.MaxTreeDepth(max(k, 1))
	if p.indep || direct == 0 {
		return direct
	}
	return min(direct, relu.MaxTreeDepth(p.rank(u)+1))
}

// rank returns the dimension of the affine hull of the gradients of the
// functions in u. A rank modulo a prime is a lower bound of the rational
// rank; when it is the largest possible it is exact, otherwise the rank is
// recomputed in rational arithmetic.
func (p *planner) rank(u bitset) int {
	idx := u.list()
	if len(idx) <= 1 {
		return 0
	}
	most := min(len(idx)-1, p.n)
	if p.modW != nil {
		rows := make([][]uint64, len(idx)-1)
		for r, i := range idx[1:] {
			rows[r] = make([]uint64, p.n)
			for c := range rows[r] {
				rows[r][c] = subMod(p.modW[i][c], p.modW[idx[0]][c])
			}
		}
		if rankMod(rows, p.n) == most {
			return most
		}
	}
	key := u.key()
	if r, ok := p.ranks[key]; ok {
		return r
	}
	diffs := make([][]*big.Rat, len(idx)-1)
	for r, i := range idx[1:] {
		diffs[r] = make([]*big.Rat, p.n)
		for c := range diffs[r] {
			diffs[r][c] = new(big.Rat).Sub(p.fns[i].W[c], p.fns[idx[0]].W[c])
		}
	}
	r := len(pivotColumns(diffs, p.n))
	p.ranks[key] = r
	return r
}

// pgroup is a group of min-terms during planning.
type pgroup struct {
	members []int // indices into planner.sets, sorted
	union   bitset
	depth   int
	single  bool // every member is a single function: the group is one max
	est     float64
}

func (p *planner) newGroup(members []int, union bitset) *pgroup {
	gr := &pgroup{members: members, union: union, depth: p.depthOf(union), single: true}
	for _, m := range members {
		if len(p.sets[m]) > 1 {
			gr.single = false
		}
	}
	// A rough size: inclusion–exclusion has up to 2^k − 1 unions, each a
	// tree of at most |∪G| arguments (about 4 units per argument).
	u := float64(union.count())
	if gr.single {
		gr.est = 4 * u
	} else {
		gr.est = (math.Exp2(float64(len(members))) - 1) * 4 * u
	}
	return gr
}

// kraft returns Σ 2^{D_G}; a tree of depth L over the groups exists iff it
// is at most 2^L.
func kraft(groups []*pgroup) float64 {
	w := 0.0
	for _, gr := range groups {
		w += math.Exp2(float64(gr.depth))
	}
	return w
}

// greedy merges groups, starting from one per min-term, until Kraft's
// inequality holds: at each step the pair whose merge lowers Σ 2^{D_G}
// the most per unit of estimated size (or, when no merge lowers it, raises
// it the least) is merged. It returns the feasible grouping.
func (p *planner) greedy() ([][]int, error) {
	groups := make([]*pgroup, len(p.sets))
	for i := range p.sets {
		groups[i] = p.newGroup([]int{i}, p.bits[i])
	}
	target := math.Exp2(float64(p.L))
	// pair[i][j] (i < j) caches the merged group of groups i and j.
	pair := map[[2]*pgroup]*pgroup{}
	merged := func(a, b *pgroup) (*pgroup, error) {
		if m, ok := pair[[2]*pgroup{a, b}]; ok {
			return m, nil
		}
		if err := p.b.spend(len(a.union) + 1); err != nil {
			return nil, err
		}
		members := append(append([]int(nil), a.members...), b.members...)
		sort.Ints(members)
		m := p.newGroup(members, a.union.or(b.union))
		pair[[2]*pgroup{a, b}] = m
		return m, nil
	}
	for kraft(groups) > target && len(groups) > 1 {
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
		if err := p.b.spend(len(groups) * len(groups)); err != nil {
			return nil, err
		}
		bi, bj := -1, -1
		var bestGain, bestCost float64
		for i := range groups {
			for j := i + 1; j < len(groups); j++ {
				a, b := groups[i], groups[j]
				m, err := merged(a, b)
				if err != nil {
					return nil, err
				}
				gain := math.Exp2(float64(a.depth)) + math.Exp2(float64(b.depth)) - math.Exp2(float64(m.depth))
				cost := max(m.est-a.est-b.est, 1)
				if bi < 0 || better(gain, cost, bestGain, bestCost) {
					bi, bj, bestGain, bestCost = i, j, gain, cost
				}
			}
		}
		m, _ := merged(groups[bi], groups[bj])
		groups[bi] = m
		groups = append(groups[:bj], groups[bj+1:]...)
	}
	out := make([][]int, len(groups))
	for i, gr := range groups {
		out[i] = gr.members
	}
	return out, nil
}

// better orders candidate merges: a positive gain per cost first, then the
// largest (least negative) gain at the smallest cost.
func better(gain, cost, bestGain, bestCost float64) bool {
	switch {
	case gain > 0 && bestGain > 0:
		return gain/cost > bestGain/bestCost
	case gain > 0 || bestGain > 0:
		return gain > 0
	case gain != bestGain:
		return gain > bestGain
	}
	return cost < bestCost
}

// hterm is coef·max_{args} ℓ, or coef·min_{args} ℓ when min is set, over
// canonical function indices (sorted, at least two).
type hterm struct {
	args []int
	min  bool
	coef int
}

// hgroup is an expanded group: Σ terms + affine.
type hgroup struct {
	members []int
	terms   []hterm
	affine  Affine
	depth   int // largest tree depth; 0 when the group is affine
	size    int // Σ MaxTreeSize over the terms
}

// expand rewrites the maximum over the group's min-terms as a signed sum
// of trees of depth at most target.
func (p *planner) expand(members []int, target int) (*hgroup, error) {
	hg := &hgroup{members: members, affine: zeroAffine(p.n)}
	coef := map[string]*hterm{}
	var order []string
	// add adds c·min_u ℓ (or max), splitting it by the valuation identity
	// when a tree over u would be deeper than target.
	var add func(u []int, isMin bool, c int) error
	add = func(u []int, isMin bool, c int) error {
		if c == 0 {
			return nil
		}
		if len(u) == 1 {
			hg.affine = hg.affine.plus(big.NewRat(int64(c), 1), p.fns[u[0]])
			return nil
		}
		if relu.MaxTreeDepth(len(u)) <= target {
			// Building the tree costs |u|·n weights: charge them, as
			// LatticeToMaxSum does.
			if err := p.b.spend(len(u) * p.n); err != nil {
				return err
			}
			k := setKey(u)
			if isMin {
				k = "m" + k
			}
			if t, ok := coef[k]; ok {
				t.coef += c
				return nil
			}
			coef[k] = &hterm{args: u, min: isMin, coef: c}
			order = append(order, k)
			return nil
		}
		hs := make([]Affine, len(u))
		for i, j := range u {
			hs[i] = p.fns[j]
			if isMin {
				hs[i] = hs[i].scaled(big.NewRat(-1, 1)) // min_u ℓ = −max_u(−ℓ)
			}
		}
		faces, err := reduceMax(hs, p.b)
		if err != nil {
			return err
		}
		for _, f := range faces {
			if relu.MaxTreeDepth(len(f.args)) > target {
				return fmt.Errorf("convert: internal error: hybrid group needs %d hidden layers, planned %d", relu.MaxTreeDepth(len(f.args)), target)
			}
			sub := make([]int, len(f.args))
			for i, a := range f.args {
				sub[i] = u[a]
			}
			sort.Ints(sub)
			if err := add(sub, isMin, c*f.coef); err != nil {
				return err
			}
		}
		return nil
	}
	single := true
	for _, m := range members {
		if len(p.sets[m]) > 1 {
			single = false
		}
	}
	if single {
		u := make([]int, len(members))
		for i, m := range members {
			u[i] = p.sets[m][0]
		}
		sort.Ints(u)
		if err := add(u, false, 1); err != nil {
			return nil, err
		}
	} else {
		sets := make([][]int, len(members))
		for i, m := range members {
			sets[i] = p.sets[m]
		}
		cs, err := expandMaxOfMins(sets, p.b)
		if err != nil {
			return nil, err
		}
		keys := slices.Sorted(maps.Keys(cs))
		for _, k := range keys {
			if err := p.ctx.Err(); err != nil {
				return nil, err
			}
			if err := add(parseKey(k), true, cs[k]); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range order {
		t := coef[k]
		if t.coef == 0 {
			continue
		}
		hg.terms = append(hg.terms, *t)
		hg.depth = max(hg.depth, relu.MaxTreeDepth(len(t.args)))
		hg.size += relu.MaxTreeSize(len(t.args), p.g)
	}
	return hg, nil
}

// candidate is an expanded grouping and the layout of its net.
type candidate struct {
	groups []*hgroup
	hidden int
	size   int
	tree   int   // units of the outer tree
	widths []int // hidden layer widths
	params int   // weights and biases of the dense layers
}

// layout returns the hidden widths of the net build lays out for groups
// of the given expansions: every term's balanced tree from level 0, then
// the outer tree pairing the two shallowest values.
func layout(groups []*hgroup, g relu.Gadget) (widths []int, tree int) {
	add := func(level, units int) {
		for len(widths) <= level {
			widths = append(widths, 0)
		}
		widths[level] += units
	}
	depths := make([]int, len(groups))
	for i, hg := range groups {
		for _, t := range hg.terms {
			h := 0
			for r := len(t.args); r > 1; r = (r + 1) / 2 {
				add(h, int(g)*(r/2)+2*(r%2))
				h++
			}
		}
		depths[i] = hg.depth
	}
	for len(depths) > 1 {
		sort.Ints(depths)
		a, b := depths[0], depths[1]
		for h := a; h < b; h++ {
			add(h, 2)
		}
		add(b, int(g))
		tree += int(g) + 2*(b-a)
		depths = append(depths[2:], b+1)
	}
	if depths[0] == 0 {
		add(0, 2)
		tree += 2
	}
	return widths, tree
}

// denseParams returns the weights and biases of a net R^n → R with the
// given hidden widths (relu.Net stores every layer densely).
func denseParams(n int, widths []int) int {
	p, in := 0, n
	for _, w := range widths {
		p += w * (in + 1)
		in = w
	}
	return p + in + 1
}

func (p *planner) evaluate(grouping [][]int) (*candidate, error) {
	gs := make([]*pgroup, len(grouping))
	for i, m := range grouping {
		u := newBitset(len(p.fns))
		for _, s := range m {
			u = u.or(p.bits[s])
		}
		gs[i] = p.newGroup(m, u)
	}
	if kraft(gs) > math.Exp2(float64(p.L)) {
		return nil, nil
	}
	targets := make([]int, len(gs))
	for i, gr := range gs {
		targets[i] = gr.depth
	}
	c, err := p.expandAll(gs, targets)
	if err != nil {
		return nil, err
	}
	// Spare depth: a group whose union is rank-deficient is planned
	// shallower than a tree over all its functions. When the total still
	// fits, also try such trees (usually smaller than the valuation
	// identity's, but not when it drops functions that are never
	// minimal), and keep the smaller net.
	w, raised := kraft(gs), false
	for i, gr := range gs {
		direct := relu.MaxTreeDepth(max(gr.union.count(), 1))
		for targets[i] < direct && w-math.Exp2(float64(targets[i]))+math.Exp2(float64(targets[i]+1)) <= math.Exp2(float64(p.L)) {
			w += math.Exp2(float64(targets[i]))
			targets[i]++
			raised = true
		}
	}
	if raised {
		c2, err := p.expandAll(gs, targets)
		if err != nil {
			return nil, err
		}
		if c2.size < c.size {
			c = c2
		}
	}
	return c, nil
}

// expandAll expands every group with its target depth and lays out the net.
func (p *planner) expandAll(gs []*pgroup, targets []int) (*candidate, error) {
	c := &candidate{}
	for i, gr := range gs {
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
		hg, err := p.expand(gr.members, targets[i])
		if err != nil {
			return nil, err
		}
		c.groups = append(c.groups, hg)
		c.size += hg.size
	}
	c.widths, c.tree = layout(c.groups, p.g)
	c.hidden = len(c.widths)
	c.size += c.tree
	c.params = denseParams(p.n, c.widths)
	// The net is stored densely: its parameters are work too.
	if c.params > relu.MaxParams {
		return nil, ErrTooLarge
	}
	if err := p.b.spend(c.params); err != nil {
		return nil, err
	}
	if c.hidden > p.L {
		return nil, fmt.Errorf("convert: internal error: hybrid net has %d hidden layers, planned at most %d", c.hidden, p.L)
	}
	return c, nil
}

// run plans, expands and builds.
func (p *planner) run() (*HybridNet, error) {
	var groupings [][][]int
	singles := make([][]int, len(p.sets))
	for i := range singles {
		singles[i] = []int{i}
	}
	groupings = append(groupings, singles)
	gr, err := p.greedy()
	if err != nil {
		return nil, err
	}
	groupings = append(groupings, gr)
	all := make([]int, len(p.sets))
	for i := range all {
		all[i] = i
	}
	groupings = append(groupings, [][]int{all})
	var best *candidate
	seen := map[string]bool{}
	tried := 0
	var lastErr error
	for _, gp := range groupings {
		k := groupingKey(gp)
		if seen[k] {
			continue
		}
		seen[k] = true
		if best != nil && len(gp) == 1 && len(groupings[1]) > 1 {
			// The full expansion is the most expensive grouping; it is
			// only needed when nothing finer fits.
			break
		}
		c, err := p.evaluate(gp)
		switch {
		case errors.Is(err, ErrTooLarge):
			lastErr = err
			continue
		case err != nil:
			return nil, err
		case c == nil:
			continue
		}
		tried++
		if best == nil || c.size < best.size {
			best = c
		}
	}
	if best == nil {
		if lastErr == nil {
			lastErr = ErrTooLarge
		}
		return nil, lastErr
	}
	net, err := p.build(best)
	if err != nil {
		return nil, err
	}
	res := &HybridNet{Net: net, TreeSize: best.tree, Candidates: tried}
	for _, hg := range best.groups {
		h := HybridGroup{Hidden: hg.depth, Terms: len(hg.terms), Size: hg.size}
		for _, m := range hg.members {
			h.MinTerms = append(h.MinTerms, p.orig[m])
		}
		sort.Ints(h.MinTerms)
		res.Groups = append(res.Groups, h)
		res.Terms += len(hg.terms)
		for _, t := range hg.terms {
			res.MaxArity = max(res.MaxArity, len(t.args))
		}
	}
	if got := net.HiddenWidths(); !slices.Equal(got, best.widths) || net.Size() != best.size {
		return nil, fmt.Errorf("convert: internal error: hybrid net has hidden widths %v, planned %v", got, best.widths)
	}
	return res, nil
}

func groupingKey(gp [][]int) string {
	parts := make([]string, len(gp))
	for i, m := range gp {
		parts[i] = setKey(m)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// build lays out the candidate as one net with the circuit builder.
func (p *planner) build(c *candidate) (*relu.Net, error) {
	cb := &circuit{n: p.n, g: p.g}
	vals := make([]lin, len(c.groups))
	for i, hg := range c.groups {
		v, err := cb.group(hg, p.fns)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	// Outer tree: pair the two shallowest values (as layout counts).
	for len(vals) > 1 {
		sort.SliceStable(vals, func(i, j int) bool { return vals[i].level < vals[j].level })
		a, b := vals[0], vals[1]
		for a.level < b.level {
			a = cb.carry(a)
		}
		vals = append(vals[2:], cb.max2(a, b))
	}
	out := vals[0]
	if out.level == 0 {
		out = cb.carry(out)
	}
	return cb.net(out)
}

// circuit lays out a ReLU net value by value. A lin is an affine
// combination of the units of one hidden layer (level ≥ 1) or of the inputs
// (level 0); a new unit takes a lin as its pre-activation and lives one
// level higher.
type circuit struct {
	n    int
	g    relu.Gadget
	rows [][]lin // rows[h] are the pre-activations of hidden layer h+1
}

type lin struct {
	level int
	idx   []int
	coef  []*big.Rat
	bias  *big.Rat
}

func affineLin(a Affine) lin {
	v := lin{bias: new(big.Rat).Set(a.B)}
	for j, w := range a.W {
		if w.Sign() != 0 {
			v.idx = append(v.idx, j)
			v.coef = append(v.coef, new(big.Rat).Set(w))
		}
	}
	return v
}

// comb returns Σ c_k·v_k for lins of one level.
func comb(cs []*big.Rat, vs []lin) lin {
	out := lin{level: vs[0].level, bias: new(big.Rat)}
	for k, v := range vs {
		if v.level != out.level {
			panic("convert: combining values of different levels")
		}
		out = addScaled(out, cs[k], v)
	}
	return out
}

// addScaled returns a + c·v by merging the sorted index lists; a's
// rationals are reused.
func addScaled(a lin, c *big.Rat, v lin) lin {
	out := lin{level: a.level, bias: a.bias}
	var t big.Rat
	out.bias.Add(out.bias, mulBy(&t, c, v.bias))
	out.idx = make([]int, 0, len(a.idx)+len(v.idx))
	out.coef = make([]*big.Rat, 0, len(a.idx)+len(v.idx))
	i, j := 0, 0
	for i < len(a.idx) || j < len(v.idx) {
		switch {
		case j == len(v.idx) || (i < len(a.idx) && a.idx[i] < v.idx[j]):
			out.idx = append(out.idx, a.idx[i])
			out.coef = append(out.coef, a.coef[i])
			i++
		case i == len(a.idx) || v.idx[j] < a.idx[i]:
			out.idx = append(out.idx, v.idx[j])
			out.coef = append(out.coef, mulBy(new(big.Rat), c, v.coef[j]))
			j++
		default:
			x := a.coef[i].Add(a.coef[i], mulBy(&t, c, v.coef[j]))
			if x.Sign() != 0 {
				out.idx = append(out.idx, a.idx[i])
				out.coef = append(out.coef, x)
			}
			i++
			j++
		}
	}
	return out
}

// mulBy sets dst = c·x, cheaply for c = ±1.
func mulBy(dst, c, x *big.Rat) *big.Rat {
	switch {
	case c == ratP1:
		return dst.Set(x)
	case c == ratM1:
		return dst.Neg(x)
	}
	return dst.Mul(c, x)
}

var (
	ratP1 = big.NewRat(1, 1)
	ratM1 = big.NewRat(-1, 1)
	ratPH = big.NewRat(1, 2)
	ratMH = big.NewRat(-1, 2)
)

// unit adds a ReLU unit with pre-activation v and returns it as a lin.
func (c *circuit) unit(v lin) lin {
	for len(c.rows) <= v.level {
		c.rows = append(c.rows, nil)
	}
	c.rows[v.level] = append(c.rows[v.level], v)
	return lin{level: v.level + 1, idx: []int{len(c.rows[v.level]) - 1}, coef: []*big.Rat{ratP1}, bias: new(big.Rat)}
}

// units returns Σ c_k·σ(v_k) for new units σ(v_k) of one layer.
func (c *circuit) units(cs []*big.Rat, pre []lin) lin {
	us := make([]lin, len(pre))
	for k, v := range pre {
		us[k] = c.unit(v)
	}
	return comb(cs, us)
}

// carry passes u one level up: u = σ(u) − σ(−u).
func (c *circuit) carry(u lin) lin {
	return c.units([]*big.Rat{ratP1, ratM1}, []lin{u, comb([]*big.Rat{ratM1}, []lin{u})})
}

// max2 returns max(u, v) one level up with the circuit's gadget (Lemma D.3).
func (c *circuit) max2(u, v lin) lin {
	if c.g == relu.Gadget3 {
		// max(u, v) = σ(u − v) + σ(v) − σ(−v)
		return c.units([]*big.Rat{ratP1, ratP1, ratM1}, []lin{
			comb([]*big.Rat{ratP1, ratM1}, []lin{u, v}), v, comb([]*big.Rat{ratM1}, []lin{v})})
	}
	// max(u, v) = ½σ(u+v) − ½σ(−u−v) + ½σ(u−v) + ½σ(v−u)
	return c.units([]*big.Rat{ratPH, ratMH, ratPH, ratPH}, []lin{
		comb([]*big.Rat{ratP1, ratP1}, []lin{u, v}),
		comb([]*big.Rat{ratM1, ratM1}, []lin{u, v}),
		comb([]*big.Rat{ratP1, ratM1}, []lin{u, v}),
		comb([]*big.Rat{ratM1, ratP1}, []lin{u, v})})
}

// maxTree returns the balanced max tree over vals (one level), pairing
// neighbours and carrying an odd last value as relu.MaxTree does; before
// each level h's gadgets, shift(h) (if any) is added to every value of the
// frontier, which adds it to the result.
func (c *circuit) maxTree(vals []lin, shift func(h int) *lin) lin {
	for len(vals) > 1 {
		if s := shift(vals[0].level); s != nil {
			for i := range vals {
				vals[i] = comb([]*big.Rat{ratP1, ratP1}, []lin{vals[i], *s})
			}
		}
		var next []lin
		for i := 0; i+1 < len(vals); i += 2 {
			next = append(next, c.max2(vals[i], vals[i+1]))
		}
		if len(vals)%2 == 1 {
			next = append(next, c.carry(vals[len(vals)-1]))
		}
		vals = next
	}
	return vals[0]
}

// group returns the value of Σ terms + affine. The terms shallower than
// the deepest one are summed per level and their sums added into the
// deepest tree at that level, so nothing is padded.
func (c *circuit) group(hg *hgroup, fns []Affine) (lin, error) {
	if len(hg.terms) == 0 {
		return affineLin(hg.affine), nil
	}
	deep := 0
	for i, t := range hg.terms {
		if relu.MaxTreeDepth(len(t.args)) > relu.MaxTreeDepth(len(hg.terms[deep].args)) {
			deep = i
		}
	}
	// A term c·min_u ℓ is −c·max_u(−ℓ): a max tree over the leaves times mult.
	leaves := func(t hterm) ([]lin, *big.Rat) {
		mult := big.NewRat(int64(t.coef), 1)
		vs := make([]lin, len(t.args))
		for i, a := range t.args {
			f := fns[a]
			if t.min {
				f = f.scaled(ratM1)
			}
			vs[i] = affineLin(f)
		}
		if t.min {
			mult.Neg(mult)
		}
		return vs, mult
	}
	partial := make([]*lin, hg.depth+1)
	addAt := func(v lin, m *big.Rat) {
		if partial[v.level] == nil {
			s := comb([]*big.Rat{m}, []lin{v})
			partial[v.level] = &s
			return
		}
		s := comb([]*big.Rat{ratP1, m}, []lin{*partial[v.level], v})
		partial[v.level] = &s
	}
	addAt(affineLin(hg.affine), ratP1)
	noShift := func(int) *lin { return nil }
	for i, t := range hg.terms {
		if i == deep {
			continue
		}
		vs, m := leaves(t)
		addAt(c.maxTree(vs, noShift), m)
	}
	vs, m := leaves(hg.terms[deep])
	inv := new(big.Rat).Inv(m)
	top := c.maxTree(vs, func(h int) *lin {
		if partial[h] == nil {
			return nil
		}
		s := comb([]*big.Rat{inv}, []lin{*partial[h]})
		return &s
	})
	if top.level != hg.depth {
		return lin{}, fmt.Errorf("convert: internal error: group tree of depth %d, want %d", top.level, hg.depth)
	}
	addAt(top, m)
	return *partial[hg.depth], nil
}

// net turns the laid-out rows into a relu.Net whose output is out.
func (c *circuit) net(out lin) (*relu.Net, error) {
	net := &relu.Net{}
	width := c.n
	for _, rows := range c.rows {
		l := relu.NewLayer(len(rows), width)
		for i, v := range rows {
			for k, j := range v.idx {
				l.SetRat(i, j, v.coef[k])
			}
			l.SetBiasRat(i, v.bias)
		}
		net.Layers = append(net.Layers, l)
		width = len(rows)
	}
	l := relu.NewLayer(1, width)
	for k, j := range out.idx {
		l.SetRat(0, j, out.coef[k])
	}
	l.SetBiasRat(0, out.bias)
	net.Layers = append(net.Layers, l)
	return net, nil
}

// bitset is a set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (s bitset) set(i int) { s[i/64] |= 1 << uint(i%64) }

func (s bitset) or(t bitset) bitset {
	r := make(bitset, len(s))
	for i := range s {
		r[i] = s[i] | t[i]
	}
	return r
}

func (s bitset) count() int {
	c := 0
	for _, w := range s {
		c += bits.OnesCount64(w)
	}
	return c
}

func (s bitset) list() []int {
	var out []int
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, i*64+b)
			w &^= 1 << uint(b)
		}
	}
	return out
}

func (s bitset) key() string {
	var b strings.Builder
	for _, w := range s {
		fmt.Fprintf(&b, "%x.", w)
	}
	return b.String()
}

// rankPrime is the Mersenne prime 2^61 − 1.
const rankPrime = 1<<61 - 1

func mulMod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	// a·b = hi·2^64 + lo, and 2^61 ≡ 1: fold the bits above 61.
	r := (hi<<3 | lo>>61) + (lo & rankPrime)
	for r >= rankPrime {
		r -= rankPrime
	}
	return r
}

func subMod(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + rankPrime - b
}

func powMod(a, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = mulMod(r, a)
		}
		a = mulMod(a, a)
	}
	return r
}

// gradientsMod returns the gradients modulo rankPrime, or nil when a
// denominator is divisible by it (then ranks are computed exactly).
func gradientsMod(fns []Affine) [][]uint64 {
	p := new(big.Int).SetUint64(rankPrime)
	out := make([][]uint64, len(fns))
	var num, den big.Int
	for i, f := range fns {
		out[i] = make([]uint64, len(f.W))
		for j, w := range f.W {
			num.Mod(w.Num(), p)
			den.Mod(w.Denom(), p)
			if den.Sign() == 0 {
				return nil
			}
			out[i][j] = mulMod(num.Uint64(), powMod(den.Uint64(), rankPrime-2))
		}
	}
	return out
}

// rankMod returns the rank of the rows modulo rankPrime (destroying them).
func rankMod(rows [][]uint64, ncols int) int {
	r := 0
	for c := 0; c < ncols && r < len(rows); c++ {
		piv := -1
		for i := r; i < len(rows); i++ {
			if rows[i][c] != 0 {
				piv = i
				break
			}
		}
		if piv < 0 {
			continue
		}
		rows[r], rows[piv] = rows[piv], rows[r]
		inv := powMod(rows[r][c], rankPrime-2)
		for i := r + 1; i < len(rows); i++ {
			if rows[i][c] == 0 {
				continue
			}
			f := mulMod(rows[i][c], inv)
			for j := c; j < ncols; j++ {
				rows[i][j] = subMod(rows[i][j], mulMod(f, rows[r][j]))
			}
		}
		r++
	}
	return r
}
