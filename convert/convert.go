package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// Kind names an input form.
type Kind string

// The input forms.
const (
	KindMaxSum        Kind = "maxsum"        // (a) Σ s_j max_{S_j} ℓ_i, spec (2.1)
	KindLattice       Kind = "lattice"       // (b) max_i min_{S_i} ℓ_j
	KindTriangulation Kind = "triangulation" // (c) linear finite elements
	KindNet           Kind = "net"           // (d) a ReLU net
	KindPWL1          Kind = "pwl"           // a 1-D PWL function (breakpoints, values, end slopes)
)

// Input is one PWL function in one of the input forms; exactly the field
// matching Kind is set.
type Input struct {
	Kind          Kind
	MaxSum        *MaxSum
	Lattice       *Lattice
	Triangulation *Triangulation
	Net           *relu.Net
	PWL1          *PWL1
	// Domain is the box or polytope on which a net with n ≥ 2 inputs is
	// converted (the output equals the net there).
	Domain *region.Domain
}

// Dim returns the input dimension n.
func (in *Input) Dim() int {
	switch in.Kind {
	case KindMaxSum:
		return in.MaxSum.N
	case KindLattice:
		return in.Lattice.N
	case KindTriangulation:
		return in.Triangulation.N
	case KindNet:
		return in.Net.InputDim()
	case KindPWL1:
		return 1
	}
	return 0
}

// Method selects the construction.
type Method string

const (
	// WangSun builds Σ s_j max_{S_j} ℓ_i with |S_j| ≤ n+1 and a net with
	// ⌈log₂(n+1)⌉ hidden layers (Theorem 2.1).
	WangSun Method = "wangsun"
	// LatticeNet builds the max–min form directly: max over m min-terms of
	// at most s functions, ⌈log₂ s⌉ + ⌈log₂ m⌉ hidden layers; polynomial
	// work, but deeper than Theorem 2.1 allows in general.
	LatticeNet Method = "lattice"
	// Hybrid groups the min-terms of a max–min form, expands each group by
	// inclusion–exclusion and takes the maximum over the groups
	// (LatticeToHybrid): at most ⌈log₂(n+1)⌉ hidden layers, polynomial work
	// when small groups suffice.
	Hybrid Method = "hybrid"
	// Auto builds the max–min net, the hybrid net and the Wang–Sun net
	// (the last two within the budget) and keeps the smallest with at most
	// ⌈log₂(n+1)⌉ hidden layers; when none qualifies it keeps the max–min
	// net and says so in Summary.MethodNote. Inputs without a max–min form
	// (signed sums of maxima, and n = 1) use WangSun.
	Auto Method = "auto"
)

// Options controls Convert. The zero value is usable.
type Options struct {
	Method Method      // WangSun if empty
	Gadget relu.Gadget // relu.Gadget4 if zero
	Budget int         // work bound of the exact reduction, DefaultBudget if 0
	// Verify compares the net with the input exactly (see Verification).
	Verify bool
	// Samples is the number of random rational points per simplex (or in
	// total for forms without cells) used by the verification; 0 means 8.
	Samples int
	// Seed makes the sample points reproducible.
	Seed uint64
	// Compare also builds the max–min net of a lattice or triangulation
	// input to report its depth and size in the summary.
	Compare bool
}

// Result is a converted net with its summary.
type Result struct {
	Net     *relu.Net
	Form    *MaxSum // the Wang–Sun form the net realises (nil for LatticeNet)
	Summary Summary
}

// Summary reports the conversion; JSON field names are the CLI's.
type Summary struct {
	Input        Kind   `json:"input"`
	Method       Method `json:"method"`
	N            int    `json:"n"`
	Depth        int    `json:"depth"`
	HiddenLayers int    `json:"hidden_layers"`
	Size         int    `json:"size"`
	Terms        int    `json:"terms"`
	MaxArity     int    `json:"max_arity"`
	AffineFns    int    `json:"affine_functions"`
	Pieces       int    `json:"pieces,omitempty"` // exact piece count (n = 1) or distinct pieces of the input
	// DepthBound is ⌈log₂(n+1)⌉, Theorem 2.1's bound on hidden layers.
	DepthBound int `json:"depth_bound_hidden"`
	// SpecSizeBound is P·4(2^{L*}−1), spec §2.1 item 4 (repetition padding).
	SpecSizeBound int `json:"spec_size_bound"`
	// LatticeHidden and LatticeSize describe the max–min net of the same
	// input (the construction Chen, Garudadri and Rao 2022 refine), when
	// the input has a lattice form.
	LatticeHidden int `json:"lattice_hidden_layers,omitempty"`
	LatticeSize   int `json:"lattice_size,omitempty"`
	// HeHidden is ⌈log₂ k_h⌉ + 1, the hidden-layer count of He, Li, Xu and
	// Zheng (2018) for a linear finite-element function whose largest vertex
	// star has k_h simplices.
	HeHidden int `json:"he2018_hidden_layers,omitempty"`
	// Groups describes the groups of min-terms of the hybrid construction.
	Groups []HybridGroup `json:"groups,omitempty"`
	// MethodNote explains a choice of method Auto that exceeds the depth
	// bound.
	MethodNote   string        `json:"method_note,omitempty"`
	Verification *Verification `json:"verification,omitempty"`
	// Verified is "proof" when equality of the net and the input is
	// proven (Verification.Proven) and "points" when it was checked at
	// exact points only; empty without verification.
	Verified string `json:"verified,omitempty"`
}

// Convert turns in into a ReLU net computing the same function (on the
// domain, for a triangulation).
func Convert(ctx context.Context, in *Input, opt Options) (*Result, error) {
	if opt.Method == "" {
		opt.Method = WangSun
	}
	if opt.Gadget == 0 {
		opt.Gadget = relu.Gadget4
	}
	if opt.Samples <= 0 {
		opt.Samples = 8
	}
	n := in.Dim()
	if n < 1 {
		return nil, fmt.Errorf("input dimension n = %d, want ≥ 1", n)
	}
	sum := Summary{Input: in.Kind, Method: opt.Method, N: n, DepthBound: relu.MaxTreeDepth(n + 1)}
	var (
		pwl     *PWL1
		lat     *Lattice
		ms      *MaxSum
		checked *Checked
		cells   []cellPoly
		err     error
	)
	switch in.Kind {
	case KindMaxSum:
		if err := in.MaxSum.Validate(); err != nil {
			return nil, err
		}
		if n == 1 {
			pwl = PWL1FromMaxSum(in.MaxSum)
		}
	case KindLattice:
		if err := in.Lattice.Validate(); err != nil {
			return nil, err
		}
		lat = in.Lattice
		if n == 1 {
			pwl = PWL1FromLattice(lat)
		}
	case KindTriangulation:
		checked, err = in.Triangulation.Validate()
		if err != nil {
			return nil, err
		}
		sum.HeHidden = relu.MaxTreeDepth(checked.StarSize()) + 1
		for si, simp := range checked.Simplices {
			c := cellPoly{piece: checked.Pieces[si]}
			for _, v := range simp {
				c.vertices = append(c.vertices, checked.Vertices[v])
			}
			cells = append(cells, c)
		}
		if n == 1 {
			pwl = checked.PWL1()
		}
		if n > 1 || opt.Method == LatticeNet || opt.Method == Hybrid || opt.Compare {
			lat = checked.Lattice()
		}
	case KindPWL1:
		if err := in.PWL1.check(); err != nil {
			return nil, err
		}
		pwl = in.PWL1.Simplify()
	case KindNet:
		if err := in.Net.Validate(); err != nil {
			return nil, err
		}
		if in.Net.OutputDim() != 1 {
			return nil, fmt.Errorf("convert: the net has %d outputs; convert handles scalar functions", in.Net.OutputDim())
		}
		if n == 1 {
			pwl, err = PWL1FromNet(ctx, in.Net)
			if err != nil {
				return nil, err
			}
			break
		}
		if (n == 2 && opt.Method == Planar || n >= 3 && opt.Method == Spatial) && in.Domain == nil {
			break // the planar and spatial constructions read the net's complex themselves
		}
		if in.Domain == nil {
			// All of R^n, through the net's perspective (whole.go).
			lat, _, err = netToLatticeWhole(ctx, in.Net)
		} else {
			lat, cells, err = netToLattice(ctx, in.Net, *in.Domain)
		}
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown input kind %q", in.Kind)
	}
	if lat != nil {
		sum.Pieces = len(lat.Affine)
	}
	if lat != nil && opt.Compare {
		// A comparison only: a max–min net too large to build is left out.
		ln, err := NetFromLattice(lat, opt.Gadget)
		switch {
		case err == nil:
			sum.LatticeHidden, sum.LatticeSize = ln.Depth()-1, ln.Size()
		case !isTooLarge(err):
			return nil, err
		}
	}
	if pwl != nil {
		sum.Pieces = pwl.Pieces()
	}
	res := &Result{}
	var hyb *HybridNet
	if opt.Method == Auto {
		c, err := chooseMethod(ctx, in, pwl, lat, opt, sum.DepthBound)
		if err != nil {
			return nil, err
		}
		if in.Kind == KindNet && c.note != "" {
			// Depth compression that ends deeper than asked is no
			// compression: refuse rather than write the max–min net.
			return nil, fmt.Errorf("%w: depth compression of this net: %s; --method lattice writes that deeper net", ErrTooLarge,
				strings.Replace(c.note, "; fell back to the", "; the smallest net found is the", 1))
		}
		opt.Method, sum.Method, sum.MethodNote = c.method, c.method, c.note
		res.Net, res.Form, hyb = c.net, c.form, c.hybrid
	}
	switch opt.Method {
	case WangSun, Planar, Spatial:
		if opt.Method == Planar && n != 2 {
			return nil, fmt.Errorf("the planar method needs a function of two inputs, not n = %d", n)
		}
		if opt.Method == Spatial && n < 3 {
			return nil, fmt.Errorf("the spatial method needs a function of three or more inputs, not n = %d", n)
		}
		if res.Net == nil {
			if opt.Method != WangSun {
				var ref *relu.Net
				if ref, err = planarReference(in, lat, opt.Gadget); err == nil {
					_, build, _ := polynomialMethod(n)
					res.Form, err = build(ctx, ref, opt.Budget)
				}
			} else {
				res.Form, err = wangSunForm(in, pwl, lat, opt)
			}
			if err != nil {
				return nil, err
			}
			res.Net, err = NetFromMaxSum(res.Form, opt.Gadget)
			if err != nil {
				return nil, err
			}
		}
		ms = res.Form
		if ms.MaxArity() > n+1 {
			return nil, fmt.Errorf("convert: internal error: Wang–Sun term of arity %d > n+1", ms.MaxArity())
		}
		sum.Terms = len(ms.Terms)
		sum.MaxArity = ms.MaxArity()
		sum.AffineFns = len(ms.Affine)
		// The same max-tree accounting holds for every Wang–Sun form.
		lstar := max(1, relu.MaxTreeDepth(ms.MaxArity()))
		sum.SpecSizeBound = len(ms.Terms) * 4 * (1<<uint(lstar) - 1)
	case LatticeNet:
		if lat == nil {
			return nil, fmt.Errorf("the lattice method needs a lattice or triangulation input, not %s", in.Kind)
		}
		if res.Net == nil {
			res.Net, err = NetFromLattice(lat, opt.Gadget)
			if err != nil {
				return nil, err
			}
		}
		sum.Terms = len(absorb(lat.Sets))
		sum.AffineFns = len(lat.Affine)
		for _, s := range lat.Sets {
			sum.MaxArity = max(sum.MaxArity, len(s))
		}
	case Hybrid:
		if lat == nil {
			return nil, fmt.Errorf("the hybrid method needs a lattice, triangulation or net input, not %s", in.Kind)
		}
		if hyb == nil {
			hyb, err = LatticeToHybrid(ctx, lat, sum.DepthBound, opt.Gadget, opt.Budget)
			if err != nil {
				return nil, err
			}
		}
		res.Net = hyb.Net
		sum.Terms, sum.MaxArity, sum.Groups = hyb.Terms, hyb.MaxArity, hyb.Groups
		sum.AffineFns = len(lat.Affine)
	default:
		return nil, fmt.Errorf("unknown method %q", opt.Method)
	}
	sum.Depth = res.Net.Depth()
	sum.HiddenLayers = res.Net.Depth() - 1
	sum.Size = res.Net.Size()
	if opt.Verify {
		v, err := verify(ctx, in, cells, pwl, ms, res.Net, opt)
		if err != nil {
			return nil, err
		}
		sum.Verification = v
		sum.Verified = "points"
		if v.Proven {
			sum.Verified = "proof"
		}
		if !v.Equal {
			return nil, fmt.Errorf("convert: verification failed: %s", v.Detail)
		}
	}
	res.Summary = sum
	return res, nil
}

// wangSunForm returns the Wang–Sun form of the input, every max over at
// most n+1 affine functions.
func wangSunForm(in *Input, pwl *PWL1, lat *Lattice, opt Options) (*MaxSum, error) {
	switch {
	case pwl != nil:
		return HingeForm(pwl), nil
	case in.Kind == KindMaxSum:
		return ReduceMaxSum(in.MaxSum, opt.Budget)
	default:
		return LatticeToMaxSum(lat, opt.Budget)
	}
}

// chosen is the construction picked by Method Auto, with what it built.
type chosen struct {
	method Method
	net    *relu.Net
	form   *MaxSum
	hybrid *HybridNet
	note   string
}

// chooseMethod implements Method Auto: among the max–min net, the hybrid
// net and the Wang–Sun net (each of the last two within its own budget of
// opt.Budget steps), the smallest with at most bound hidden layers; the
// max–min net with a note when none has. Without a max–min form (or for
// n = 1, where the breakpoint form is optimal) it is WangSun, built by the
// caller.
func chooseMethod(ctx context.Context, in *Input, pwl *PWL1, lat *Lattice, opt Options, bound int) (*chosen, error) {
	if lat == nil || pwl != nil {
		return &chosen{method: WangSun}, nil
	}
	var over []string
	var plain, best *chosen
	consider := func(c *chosen) {
		if c.net.Depth()-1 <= bound && (best == nil || c.net.Size() < best.net.Size()) {
			best = c
		}
	}
	// tryForm builds a Wang–Sun form and its net; a construction over its
	// budget or the size limit is noted in over, not fatal.
	tryForm := func(m Method, build func() (*MaxSum, error)) (*chosen, error) {
		f, err := build()
		var net *relu.Net
		if err == nil {
			net, err = NetFromMaxSum(f, opt.Gadget)
		}
		switch {
		case isTooLarge(err):
			over = append(over, string(m))
			return nil, nil
		case err != nil:
			return nil, err
		}
		c := &chosen{method: m, net: net, form: f}
		consider(c)
		return c, nil
	}
	ln, err := NetFromLattice(lat, opt.Gadget)
	switch {
	case isTooLarge(err):
		over = append(over, "max–min")
	case err != nil:
		return nil, err
	default:
		plain = &chosen{method: LatticeNet, net: ln}
		consider(plain)
	}
	if pm, build, ok := polynomialMethod(in.Dim()); ok && (in.Kind == KindNet || plain != nil) &&
		(in.Dim() <= 3 || in.Kind == KindNet && in.Dim() <= autoFlatsMaxDim) {
		// Polynomial in the kink lines (planes) and vertices of the
		// function (a net's own, or the max–min net's for a description):
		// try it first, and skip the exponential constructions when it
		// succeeds on more than a handful of pieces.
		ref := in.Net
		if in.Kind != KindNet {
			ref = ln
		}
		c, err := tryForm(pm, func() (*MaxSum, error) { return build(ctx, ref, opt.Budget) })
		if err != nil {
			return nil, err
		}
		if c != nil && best != nil && len(lat.Affine) > planarAlone {
			return best, nil
		}
	}
	hy, err := LatticeToHybrid(ctx, lat, bound, opt.Gadget, opt.Budget)
	switch {
	case isTooLarge(err):
		over = append(over, "hybrid")
	case err != nil:
		return nil, err
	default:
		consider(&chosen{method: Hybrid, net: hy.Net, hybrid: hy})
	}
	if _, err := tryForm(WangSun, func() (*MaxSum, error) { return wangSunForm(in, pwl, lat, opt) }); err != nil {
		return nil, err
	}
	if best != nil {
		return best, nil
	}
	budget := opt.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	if plain == nil {
		return nil, fmt.Errorf("%w: every construction (%s) exceeded the budget of %d steps or relu.MaxParams = %d parameters; the function has %d pieces and %d min-terms",
			ErrTooLarge, strings.Join(over, ", "), budget, relu.MaxParams, len(lat.Affine), len(lat.Sets))
	}
	plain.note = fmt.Sprintf("no net with at most %d hidden layers: the %s construction exceeded the budget of %d steps; fell back to the max–min net with %d hidden layers",
		bound, strings.Join(over, " and "), budget, ln.Depth()-1)
	return plain, nil
}

// maxProofParams is the largest net (weights and biases, dense) that the
// exact provers take on; larger nets are checked at exact points.
const maxProofParams = 1_000_000

// netParams is the number of weights and biases of n.
func netParams(n *relu.Net) int {
	p := 0
	for _, l := range n.Layers {
		p += l.Out*l.In + l.Out
	}
	return p
}

// proofTimeout bounds each exact proof attempt of the verification; the
// work limits bound most proofs far below it, but deep and wide nets make
// many intermediate cells they do not count. On timeout the verification
// falls back to exact point checks and says why.
const proofTimeout = 30 * time.Second

// proofTimedOut turns a proof attempt that ran out of its own time (not
// the caller's) into a fallback reason.
func proofTimedOut(ctx context.Context, why string, err error) (string, error) {
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Sprintf("the exact proof took longer than %v", proofTimeout), nil
	}
	return why, err
}

// planarReference returns a net computing the input on all of R² (on its
// domain, for a triangulation: Ovchinnikov's max–min extension elsewhere)
// for the planar construction.
func planarReference(in *Input, lat *Lattice, g relu.Gadget) (*relu.Net, error) {
	switch {
	case in.Kind == KindNet:
		return in.Net, nil
	case lat != nil:
		return NetFromLattice(lat, g)
	case in.Kind == KindMaxSum:
		return NetFromMaxSum(in.MaxSum, g)
	}
	return nil, fmt.Errorf("the planar method does not take %s inputs", in.Kind)
}

// autoFlatsMaxDim is the largest input dimension for which Auto tries the
// recursion over flats (FlatsMaxSum), and only on nets: it reads the net's
// complex in n + 1 dimensions and visits flats of every codimension, which
// beyond that costs more than the exponential constructions it competes
// with; --method spatial runs it in any dimension.
const autoFlatsMaxDim = 5

// polynomialMethod returns the polynomial construction for functions with
// n inputs, if there is one.
func polynomialMethod(n int) (m Method, build func(context.Context, *relu.Net, int) (*MaxSum, error), ok bool) {
	switch n {
	case 2:
		return Planar, PlanarMaxSum, true
	case 3:
		return Spatial, SpatialMaxSum, true
	}
	if n >= 4 {
		return Spatial, FlatsMaxSum, true
	}
	return "", nil, false
}

// planarAlone is the number of pieces above which Auto keeps the planar
// construction without trying the exponential ones as well.
const planarAlone = 8

// isTooLarge reports whether err says that a construction exceeded its
// work budget or the parameter limit of relu.
func isTooLarge(err error) bool {
	return errors.Is(err, ErrTooLarge) || errors.Is(err, relu.ErrTooLarge)
}

// NetFromMaxSum returns a net computing Σ s_j max_{S_j} ℓ_i: one max tree per
// term (relu.MaxAffineWith, ⌈log₂|S_j|⌉ hidden layers with the affine maps
// absorbed into the first layer), negated for s_j = −1, summed in parallel
// (relu.Sum) with identity padding to L* = max(1, max_j ⌈log₂|S_j|⌉) hidden
// layers. The size is Σ_j [MaxTreeSize(|S_j|) + 2(L* − ⌈log₂|S_j|⌉)] and
// the net has no output bias (Definition 1).
func NetFromMaxSum(ms *MaxSum, g relu.Gadget) (*relu.Net, error) {
	if err := ms.Validate(); err != nil {
		return nil, err
	}
	nets := make([]*relu.Net, len(ms.Terms))
	for j, t := range ms.Terms {
		w := make([][]*big.Rat, len(t.Args))
		b := make([]*big.Rat, len(t.Args))
		for i, a := range t.Args {
			w[i], b[i] = ms.Affine[a].W, ms.Affine[a].B
		}
		net, err := relu.MaxAffineWith(g, w, b)
		if err != nil {
			return nil, fmt.Errorf("term %d: %w", j, err)
		}
		if t.Sign < 0 {
			net = relu.Negate(net)
		}
		nets[j] = net
	}
	net, err := relu.Sum(nets...)
	if err != nil {
		return nil, err
	}
	if net.Depth() < 2 {
		return relu.PadIdentity(net, 2)
	}
	return net, nil
}

// NetFromLattice returns a net computing max_i min_{S_i} ℓ_j: each min is
// −max(−ℓ) through a max tree, and a max tree over the m min-terms follows
// (relu.MaxWith). It has max_i ⌈log₂|S_i|⌉ + ⌈log₂ m⌉ hidden layers (at
// least one) and no output bias.
func NetFromLattice(l *Lattice, g relu.Gadget) (*relu.Net, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	sets := absorb(l.Sets)
	nets := make([]*relu.Net, len(sets))
	neg := big.NewRat(-1, 1)
	for i, s := range sets {
		w := make([][]*big.Rat, len(s))
		b := make([]*big.Rat, len(s))
		for k, j := range s {
			a := l.Affine[j].scaled(neg)
			w[k], b[k] = a.W, a.B
		}
		net, err := relu.MaxAffineWith(g, w, b)
		if err != nil {
			return nil, err
		}
		nets[i] = relu.Negate(net)
	}
	net, err := relu.MaxWith(g, nets...)
	if err != nil {
		return nil, err
	}
	if net.Depth() < 2 {
		return relu.PadIdentity(net, 2)
	}
	return net, nil
}

// Verification reports how the produced net was compared with the input.
type Verification struct {
	// Equal is true when no difference was found.
	Equal bool `json:"equal"`
	// Proven is true when equality of the net and the input is proven
	// everywhere on the domain, not only at the checked points.
	Proven bool `json:"proven"`
	// FormProven is true when, in a point-check fallback, the Wang–Sun
	// form (not the net) is proven equal to the input on every cell.
	FormProven bool `json:"form_proven,omitempty"`
	// Method says how: "exact-1d" compares exact PWL forms of the input and
	// of the net (computed from the net's weights by the 1-D engine).
	// "cells" treats every simplex (or region of a net input on its
	// domain) separately and "arrangement" (n = 2) all of the plane. For
	// n = 2 both are proofs of the net itself when Proven is set
	// (verify2d.go): the net's exact activation complex is built inside the
	// cell, or over all of R² as cones in homogeneous coordinates, and its
	// map on every cell must be the input's piece (for a max form, on every
	// cell of the form's kink arrangement inside; for a net input, net −
	// input must be 0). Above the proof's work limit they are point-check
	// fallbacks in which only the Wang–Sun form may be proven (FormProven):
	// "cells" checks the net on every cell exactly at its corners and
	// interior points, and proves the Wang–Sun form on it where every term
	// is affine on it or, in the plane, over the kink-line arrangement;
	// "arrangement" proves the Wang–Sun form equal to the input on every
	// cell of the arrangement of both functions' kink lines inside a box
	// meeting every cell, and checks the net at sample points. "sampled"
	// evaluates both exactly at random rational points.
	//
	// For n ≥ 3, "region-complex" is a proof through the exact region
	// engine (verifynd.go): for a triangulation, every region of the net
	// over every simplex has exactly the simplex's interpolant as its map;
	// for the other forms, every region of the difference net
	// (net − reference net of the input) has the zero map, over a given
	// domain or, on all of R^n, over its perspective on [−1,1]^n × [0,1].
	// Completeness is certified by exact volumes in both cases.
	Method string `json:"method"`
	// ProofDomain says where a proof of the net holds.
	ProofDomain string `json:"proof_domain,omitempty"`
	// Regions is the number of exact regions the prover enumerated (for
	// n = 2, the cells of the net's complex).
	Regions int `json:"regions,omitempty"`
	Points  int `json:"points"`
	// CellsProven counts the input's cells (simplices, regions) proven:
	// for the net in a proof, for the Wang–Sun form in a fallback.
	CellsProven  int    `json:"cells_proven,omitempty"`
	CellsSampled int    `json:"cells_sampled,omitempty"`
	Detail       string `json:"detail,omitempty"`
	// Fallback says why a proof (n ≥ 2) was not attempted or abandoned,
	// when the verification fell back to point checks.
	Fallback string `json:"fallback,omitempty"`
	// witness is a rational point where the net and the input differ,
	// when a proof (n ≥ 2) was refuted there.
	witness []*big.Rat
}

// proofCells bounds the number of arrangement cells the planar prover
// visits; beyond it the verification falls back to exact sampling.
const proofCells = 200_000

func verify(ctx context.Context, in *Input, cells []cellPoly, pwl *PWL1, ms *MaxSum, net *relu.Net, opt Options) (*Verification, error) {
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	if pwl != nil && in.Dim() == 1 {
		got, err := PWL1FromNet(ctx, net)
		if err != nil {
			return nil, err
		}
		v := &Verification{Method: "exact-1d", Proven: true, Points: len(got.X)}
		if d := diffPWL1(pwl.Simplify(), got); d != "" {
			v.Detail = d
			return v, nil
		}
		v.Equal = true
		return v, nil
	}
	fallback := ""
	if p := netParams(net); p > maxProofParams {
		// The exact provers work per cell over dense layers; a net this
		// large would keep them busy for minutes. Point checks only.
		fallback = fmt.Sprintf("the net has %d parameters, above the proof limit %d", p, maxProofParams)
	} else if in.Dim() == 2 {
		// The final net, exactly, in the plane (verify2d.go).
		pctx, cancel := context.WithTimeout(ctx, proofTimeout)
		pv, why, err := prove2D(pctx, in, cells, net)
		cancel()
		if why, err = proofTimedOut(ctx, why, err); err != nil || pv != nil {
			return pv, err
		}
		fallback = why
	}
	if fallback == "" && in.Kind == KindNet && in.Domain == nil && in.Dim() >= 2 {
		pctx, cancel := context.WithTimeout(ctx, proofTimeout)
		pv, why, err := proveWhole(pctx, net, in.Net)
		cancel()
		if why, err = proofTimedOut(ctx, why, err); err != nil || pv != nil {
			return pv, err
		}
		fallback = why
	}
	if in.Dim() >= 3 && netParams(net) <= maxProofParams && (in.Kind != KindTriangulation || cells != nil) && (in.Kind != KindNet || in.Domain != nil) {
		pctx, cancel := context.WithTimeout(ctx, proofTimeout)
		pv, why, err := proveND(pctx, in, cells, ms, net)
		cancel()
		if why, err = proofTimedOut(ctx, why, err); err != nil {
			return nil, err
		}
		if pv != nil {
			return pv, nil
		}
		fallback = why
	}
	f := inputEval(in)
	v := &Verification{Equal: true, Fallback: fallback}
	check := func(x []*big.Rat, want *big.Rat) bool {
		v.Points++
		got := net.EvalRat(x)[0]
		if want == nil {
			want = f(x)
		}
		if got.Cmp(want) != 0 {
			v.Equal = false
			v.Detail = fmt.Sprintf("at %s the net gives %s, the input %s", fmtPoint(x), got.RatString(), want.RatString())
			return false
		}
		if ms != nil {
			if w := ms.Eval(x); w.Cmp(want) != 0 {
				v.Equal = false
				v.Detail = fmt.Sprintf("at %s the Wang–Sun form gives %s, the input %s", fmtPoint(x), w.RatString(), want.RatString())
				return false
			}
		}
		return true
	}
	// Past this point the net itself is only checked at points. In the
	// plane, equality of the Wang–Sun form with the input is still proven
	// over the arrangement of their kink lines (verify2d.go), and reported
	// as FormProven.
	var lines []line
	planar := in.Dim() == 2 && ms != nil
	if planar {
		lines = kinkLines(termGroups(ms))
	}
	ncells, limit := 0, proofCells
	if cells != nil {
		v.Method = "cells"
		for _, c := range cells {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			piece := c.piece
			for _, x := range c.vertices {
				if !check(x, piece.Eval(x)) {
					return v, nil
				}
			}
			if c.interior != nil && !check(c.interior, piece.Eval(c.interior)) {
				return v, nil
			}
			for k := 0; k <= opt.Samples; k++ {
				x := interiorPoint(c.vertices, rng, k == 0)
				if !check(x, piece.Eval(x)) {
					return v, nil
				}
			}
			switch {
			case ms != nil && affineOn(ms, c.vertices):
				v.CellsProven++
			case planar:
				x, ok, err := provePolygon(c.vertices, lines, piece.Eval, ms.Eval, &ncells, limit)
				switch {
				case errors.Is(err, errProofBudget):
					v.CellsSampled++
				case err != nil:
					return nil, err
				case !ok:
					v.refute(x)
					return v, nil
				default:
					v.CellsProven++
				}
			default:
				v.CellsSampled++
			}
		}
		v.FormProven = ms != nil && v.CellsSampled == 0
		return v, nil
	}
	v.Method = "sampled"
	if planar && in.Kind != KindNet {
		var groups [][]Affine
		if in.Kind == KindMaxSum {
			groups = termGroups(in.MaxSum)
		} else {
			groups = [][]Affine{in.Lattice.Affine}
		}
		all := append(kinkLines(groups), lines...)
		x, ok, err := provePolygon(boundingBox(all), all, f, ms.Eval, &ncells, limit)
		switch {
		case errors.Is(err, errProofBudget):
		case err != nil:
			return nil, err
		case !ok:
			v.refute(x)
			return v, nil
		default:
			v.Method = "arrangement"
			v.FormProven = true
			v.CellsProven = ncells
		}
	}
	n := in.Dim()
	for k := 0; k < opt.Samples*16; k++ {
		x := make([]*big.Rat, n)
		for i := range x {
			x[i] = big.NewRat(int64(rng.IntN(2001)-1000), int64(rng.IntN(97)+1))
		}
		if !check(x, nil) {
			return v, nil
		}
	}
	return v, nil
}

// affineOn reports whether every term of ms has one argument that dominates
// the others on the whole simplex (checked at its corners, since
// differences of affine functions are affine). Then ms is affine on the
// simplex, and equality at the n+1 corners proves equality on it.
func affineOn(ms *MaxSum, corners [][]*big.Rat) bool {
	vals := make([][]*big.Rat, len(ms.Affine))
	for _, t := range ms.Terms {
		if len(t.Args) == 1 {
			continue
		}
		for _, a := range t.Args {
			if vals[a] == nil {
				vals[a] = make([]*big.Rat, len(corners))
				for c, v := range corners {
					vals[a][c] = ms.Affine[a].Eval(v)
				}
			}
		}
		found := false
		for _, a := range t.Args {
			dom := true
			for _, b := range t.Args {
				for c := range corners {
					if vals[a][c].Cmp(vals[b][c]) < 0 {
						dom = false
						break
					}
				}
				if !dom {
					break
				}
			}
			if dom {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// interiorPoint returns the vertex average (first) or a random convex
// combination with positive weights of the corners of a full-dimensional
// polytope: a point of its interior.
func interiorPoint(corners [][]*big.Rat, rng *rand.Rand, center bool) []*big.Rat {
	n := len(corners[0])
	w := make([]*big.Rat, len(corners))
	total := new(big.Rat)
	for i := range w {
		if center {
			w[i] = big.NewRat(1, 1)
		} else {
			w[i] = big.NewRat(int64(rng.IntN(97)+1), 1)
		}
		total.Add(total, w[i])
	}
	x := make([]*big.Rat, n)
	var t big.Rat
	for j := range x {
		x[j] = new(big.Rat)
		for i, v := range corners {
			x[j].Add(x[j], t.Mul(w[i], v[j]))
		}
		x[j].Quo(x[j], total)
	}
	return x
}

func inputEval(in *Input) func(x []*big.Rat) *big.Rat {
	switch in.Kind {
	case KindMaxSum:
		return in.MaxSum.Eval
	case KindLattice:
		return in.Lattice.Eval
	case KindNet:
		return func(x []*big.Rat) *big.Rat { return in.Net.EvalRat(x)[0] }
	}
	return nil
}

func diffPWL1(a, b *PWL1) string {
	if len(a.X) != len(b.X) {
		return fmt.Sprintf("the input has %d breakpoints, the net %d", len(a.X), len(b.X))
	}
	for i := range a.X {
		if a.X[i].Cmp(b.X[i]) != 0 || a.Y[i].Cmp(b.Y[i]) != 0 {
			return fmt.Sprintf("knot %d: input (%s, %s), net (%s, %s)", i, a.X[i].RatString(), a.Y[i].RatString(), b.X[i].RatString(), b.Y[i].RatString())
		}
	}
	if a.Left.Cmp(b.Left) != 0 || a.Right.Cmp(b.Right) != 0 {
		return fmt.Sprintf("end slopes: input %s, %s; net %s, %s", a.Left.RatString(), a.Right.RatString(), b.Left.RatString(), b.Right.RatString())
	}
	return ""
}

// refute records that the arrangement proof over a polygon found x, a
// point where the Wang–Sun form and the input differ; the per-cell and the
// whole-plane proofs report a counterexample in the same words.
func (v *Verification) refute(x []*big.Rat) {
	v.Equal = false
	v.Detail = fmt.Sprintf("at %s the Wang–Sun form differs from the input", fmtPoint(x))
}

func fmtPoint(x []*big.Rat) string {
	s := "("
	for i, v := range x {
		if i > 0 {
			s += ", "
		}
		s += v.RatString()
	}
	return s + ")"
}
