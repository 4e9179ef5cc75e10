package relu

import (
	"errors"
	"fmt"
	"math/big"
)

// This file holds the closure operations of Appendix D of Arora et al.:
// composition (Lemma D.1), parallel sums and stacking (Lemma D.2), maxima
// through gadget trees (Lemma D.3), affine maps as nets (Lemma D.4) and
// identity padding. Every operation works on the exact weights WR/BR and
// derives the float weights from them, so the result computes exactly the
// intended function in rational arithmetic; the float weights are the
// roundings of the exact ones.

// ErrDimension reports operands whose input or output dimensions do not fit
// together.
var ErrDimension = errors.New("relu: dimensions do not match")

// ratOne and ratHalf are read-only constants.
var (
	ratOne     = big.NewRat(1, 1)
	ratMinus1  = big.NewRat(-1, 1)
	ratHalf    = big.NewRat(1, 2)
	ratMinHalf = big.NewRat(-1, 2)
)

// setW sets W[i][j] of l to v exactly, skipping zeros (a new layer is zero).
func setW(l *Layer, i, j int, v *big.Rat) {
	if v.Sign() != 0 {
		l.SetRat(i, j, v)
	}
}

// Compose returns the net computing outer∘inner (inner is applied first).
// Following Lemma D.1, the output map of inner and the first map of outer are
// merged into one affine map, so if inner has k₁ hidden layers and size s₁
// and outer has k₂ hidden layers and size s₂, the result has k₁+k₂ hidden
// layers (depth k₁+k₂+1) and size s₁+s₂. The merged weights are computed
// exactly.
func Compose(outer, inner *Net) (*Net, error) {
	if err := inner.Validate(); err != nil {
		return nil, fmt.Errorf("inner net: %w", err)
	}
	if err := outer.Validate(); err != nil {
		return nil, fmt.Errorf("outer net: %w", err)
	}
	if inner.OutputDim() != outer.InputDim() {
		return nil, fmt.Errorf("%w: inner net has %d outputs, outer net takes %d inputs", ErrDimension, inner.OutputDim(), outer.InputDim())
	}
	k1 := len(inner.Layers) - 1
	if err := checkParams("Compose", [2]int{outer.Layers[0].Out, inner.Layers[k1].In}); err != nil {
		return nil, err
	}
	res := &Net{Layers: make([]Layer, 0, k1+len(outer.Layers))}
	for k := 0; k < k1; k++ {
		res.Layers = append(res.Layers, inner.Layers[k].Clone())
	}
	res.Layers = append(res.Layers, mergeAffine(&outer.Layers[0], &inner.Layers[k1]))
	for k := 1; k < len(outer.Layers); k++ {
		res.Layers = append(res.Layers, outer.Layers[k].Clone())
	}
	return res, nil
}

// mergeAffine returns the layer computing a∘b (b first), exactly:
// W = W_a·W_b, c = W_a·c_b + c_a.
func mergeAffine(a, b *Layer) Layer {
	l := NewLayer(a.Out, b.In)
	var s, t big.Rat
	for i := 0; i < a.Out; i++ {
		for j := 0; j < b.In; j++ {
			s.SetInt64(0)
			for h := 0; h < a.In; h++ {
				x, y := a.WR[i*a.In+h], b.WR[h*b.In+j]
				if x.Sign() == 0 || y.Sign() == 0 {
					continue
				}
				s.Add(&s, t.Mul(x, y))
			}
			setW(&l, i, j, &s)
		}
		s.Set(a.BR[i])
		for h := 0; h < a.In; h++ {
			x, y := a.WR[i*a.In+h], b.BR[h]
			if x.Sign() == 0 || y.Sign() == 0 {
				continue
			}
			s.Add(&s, t.Mul(x, y))
		}
		l.SetBiasRat(i, &s)
	}
	return l
}

// PadCost returns the number of hidden units PadIdentity adds to n to reach
// the given depth: 2·min(n, m) per added layer, where n and m are the input
// and output dimensions.
func PadCost(n *Net, depth int) int {
	if depth <= n.Depth() {
		return 0
	}
	return 2 * min(n.InputDim(), n.OutputDim()) * (depth - n.Depth())
}

// PadIdentity returns a net computing the same function as n with exactly
// depth layers (depth−1 hidden layers); n itself is returned, cloned, when it
// is already that deep. The added layers carry scalars through ReLUs with the
// identity u = σ(u) − σ(−u), two units per scalar per layer. They are placed
// on the input side when the input dimension is smaller than the output
// dimension and on the output side otherwise, so the size grows by exactly
// PadCost(n, depth). It is an error to ask for fewer layers than n has.
func PadIdentity(n *Net, depth int) (*Net, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if depth < n.Depth() {
		return nil, fmt.Errorf("relu: cannot pad a net of depth %d to depth %d", n.Depth(), depth)
	}
	p := depth - n.Depth()
	if p == 0 {
		return n.Clone(), nil
	}
	if n.InputDim() < n.OutputDim() {
		// Identity net of p hidden layers on the input, then n.
		return Compose(n, identityNet(n.InputDim(), p))
	}
	return Compose(identityNet(n.OutputDim(), p), n)
}

// identityNet returns the net R^d → R^d computing x with p ≥ 1 hidden layers
// of 2d units each: [I; −I], then p−1 times [I −I; −I I], then [I −I].
func identityNet(d, p int) *Net {
	net := &Net{Layers: make([]Layer, 0, p+1)}
	first := NewLayer(2*d, d)
	for i := 0; i < d; i++ {
		first.SetRat(i, i, ratOne)
		first.SetRat(d+i, i, ratMinus1)
	}
	net.Layers = append(net.Layers, first)
	for k := 1; k < p; k++ {
		mid := NewLayer(2*d, 2*d)
		for i := 0; i < d; i++ {
			mid.SetRat(i, i, ratOne)
			mid.SetRat(i, d+i, ratMinus1)
			mid.SetRat(d+i, i, ratMinus1)
			mid.SetRat(d+i, d+i, ratOne)
		}
		net.Layers = append(net.Layers, mid)
	}
	last := NewLayer(d, 2*d)
	for i := 0; i < d; i++ {
		last.SetRat(i, i, ratOne)
		last.SetRat(i, d+i, ratMinus1)
	}
	net.Layers = append(net.Layers, last)
	return net
}

// Parallel returns the net x ↦ (f₁(x), f₂(x), …) that stacks the outputs of
// nets sharing one input (Lemma D.2). Nets of unequal depth are first padded
// with PadIdentity to the largest depth; the hidden layers are then placed
// side by side with block-diagonal weights. The size is the sum of the padded
// sizes and the depth is the largest depth.
func Parallel(nets ...*Net) (*Net, error) {
	if len(nets) == 0 {
		return nil, errors.New("relu: Parallel needs at least one net")
	}
	depth := 0
	for i, n := range nets {
		if err := n.Validate(); err != nil {
			return nil, fmt.Errorf("net %d: %w", i, err)
		}
		if n.InputDim() != nets[0].InputDim() {
			return nil, fmt.Errorf("%w: net %d takes %d inputs, net 0 takes %d", ErrDimension, i, n.InputDim(), nets[0].InputDim())
		}
		depth = max(depth, n.Depth())
	}
	padded := make([]*Net, len(nets))
	for i, n := range nets {
		if n.Depth() == depth {
			padded[i] = n
			continue
		}
		p, err := PadIdentity(n, depth)
		if err != nil {
			return nil, err
		}
		padded[i] = p
	}
	shapes := make([][2]int, depth)
	for k := range shapes {
		in, out := 0, 0
		for _, n := range padded {
			in += n.Layers[k].In
			out += n.Layers[k].Out
		}
		if k == 0 {
			in = nets[0].InputDim()
		}
		shapes[k] = [2]int{out, in}
	}
	if err := checkParams("Parallel", shapes...); err != nil {
		return nil, err
	}
	res := &Net{Layers: make([]Layer, depth)}
	for k := 0; k < depth; k++ {
		out, in := shapes[k][0], shapes[k][1]
		l := NewLayer(out, in)
		r0, c0 := 0, 0
		for _, n := range padded {
			src := &n.Layers[k]
			for i := 0; i < src.Out; i++ {
				for j := 0; j < src.In; j++ {
					setW(&l, r0+i, c0+j, src.WR[i*src.In+j])
				}
				l.SetBiasRat(r0+i, src.BR[i])
			}
			r0 += src.Out
			if k > 0 {
				c0 += src.In
			}
		}
		res.Layers[k] = l
	}
	return res, nil
}

// Sum returns the net computing f₁ + f₂ + … (Lemma D.2): the nets run in
// parallel (see Parallel) and the output map adds their outputs. All nets
// must have the same input and output dimensions. The depth is the largest
// depth and the size the sum of the sizes after identity padding.
func Sum(nets ...*Net) (*Net, error) {
	coef := make([]*big.Rat, len(nets))
	for i := range coef {
		coef[i] = ratOne
	}
	return LinearCombination(coef, nets...)
}

// sameOutputs checks that nets is non-empty, every net has layers and all
// share one output dimension, which it returns.
func sameOutputs(op string, nets []*Net) (int, error) {
	if len(nets) == 0 {
		return 0, fmt.Errorf("relu: %s needs at least one net", op)
	}
	m := nets[0].OutputDim()
	for i, n := range nets {
		if n == nil || len(n.Layers) == 0 {
			return 0, fmt.Errorf("net %d: %w", i, ErrNoLayers)
		}
		if n.OutputDim() != m {
			return 0, fmt.Errorf("%w: net %d has %d outputs, net 0 has %d", ErrDimension, i, n.OutputDim(), m)
		}
	}
	return m, nil
}

// LinearCombination returns the net computing Σ cᵢ·fᵢ, with the depth and
// size of Sum.
func LinearCombination(coef []*big.Rat, nets ...*Net) (*Net, error) {
	if len(coef) != len(nets) {
		return nil, fmt.Errorf("relu: %d coefficients for %d nets", len(coef), len(nets))
	}
	m, err := sameOutputs("Sum", nets)
	if err != nil {
		return nil, err
	}
	par, err := Parallel(nets...)
	if err != nil {
		return nil, err
	}
	// Replace the stacked output map by the combination of its blocks.
	last := &par.Layers[len(par.Layers)-1]
	l := NewLayer(m, last.In)
	var t big.Rat
	for i := 0; i < m; i++ {
		var b big.Rat
		for q, c := range coef {
			r := q*m + i
			for j := 0; j < last.In; j++ {
				w := last.WR[r*last.In+j]
				if w.Sign() == 0 || c.Sign() == 0 {
					continue
				}
				t.Mul(c, w)
				t.Add(&t, l.WR[i*l.In+j])
				l.SetRat(i, j, &t)
			}
			b.Add(&b, t.Mul(c, last.BR[r]))
		}
		l.SetBiasRat(i, &b)
	}
	par.Layers[len(par.Layers)-1] = l
	return par, nil
}

// Scale returns the net computing c·f: the output map is multiplied by c.
// Depth and size are those of n.
func Scale(n *Net, c *big.Rat) *Net {
	res := n.Clone()
	l := &res.Layers[len(res.Layers)-1]
	var t big.Rat
	for i := range l.WR {
		l.SetRat(i/l.In, i%l.In, t.Mul(l.WR[i], c))
	}
	for i := range l.BR {
		l.SetBiasRat(i, t.Mul(l.BR[i], c))
	}
	return res
}

// Negate returns the net computing −f, with the depth and size of n.
func Negate(n *Net) *Net { return Scale(n, ratMinus1) }

// AffineLayer returns the one-layer net (no hidden layer) x ↦ W·x + b, with
// W given by rows. A nil b means zero.
func AffineLayer(w [][]*big.Rat, b []*big.Rat) (*Net, error) {
	if len(w) == 0 || len(w[0]) == 0 {
		return nil, errors.New("relu: affine map needs a non-empty weight matrix")
	}
	l := NewLayer(len(w), len(w[0]))
	for i, row := range w {
		if len(row) != l.In {
			return nil, fmt.Errorf("%w: row %d has %d entries, row 0 has %d", ErrDimension, i, len(row), l.In)
		}
		for j, v := range row {
			if v == nil {
				return nil, fmt.Errorf("relu: weight[%d][%d] is nil", i, j)
			}
			setW(&l, i, j, v)
		}
	}
	if b != nil {
		if len(b) != l.Out {
			return nil, fmt.Errorf("%w: bias has %d entries, weight has %d rows", ErrDimension, len(b), l.Out)
		}
		for i, v := range b {
			if v == nil {
				return nil, fmt.Errorf("relu: bias[%d] is nil", i)
			}
			l.SetBiasRat(i, v)
		}
	}
	return &Net{Layers: []Layer{l}}, nil
}

// Affine returns a net with one hidden layer computing T(x) = W·x + b
// (Lemma D.4): T(x) = σ(T(x)) − σ(−T(x)), 2m hidden units for m outputs, and
// no output bias. Use AffineLayer for the one-layer net.
func Affine(w [][]*big.Rat, b []*big.Rat) (*Net, error) {
	a, err := AffineLayer(w, b)
	if err != nil {
		return nil, err
	}
	return Compose(identityNet(a.OutputDim(), 1), a)
}

// Gadget selects the two-input max gadget of a max tree.
type Gadget int

const (
	// Gadget4 is the paper's gadget (Lemma D.3), four units:
	// max{u,v} = ½σ(u+v) − ½σ(−u−v) + ½σ(u−v) + ½σ(v−u).
	Gadget4 Gadget = 4
	// Gadget3 uses three units: max{u,v} = σ(u−v) + σ(v) − σ(−v).
	Gadget3 Gadget = 3
)

// MaxTreeDepth returns ⌈log₂ q⌉, the number of hidden layers of a balanced
// max tree over q ≥ 1 arguments.
func MaxTreeDepth(q int) int {
	d := 0
	for r := q; r > 1; r = (r + 1) / 2 {
		d++
	}
	return d
}

// MaxTreeSize returns the number of hidden units of the max tree over q ≥ 1
// scalar arguments built with gadget g: at a level with r values there are
// ⌊r/2⌋ gadgets and, if r is odd, one value carried through by the identity
// gadget u = σ(u) − σ(−u) (2 units). For q a power of two this is
// g·(q−1); in every case it is at most the 4(2q−1) of Lemma D.3 for Gadget4.
func MaxTreeSize(q int, g Gadget) int {
	s := 0
	for r := q; r > 1; r = (r + 1) / 2 {
		s += levelSize(r, g)
	}
	return s
}

// MaxTree returns the net R^{q·m} → R^m whose i-th output is the maximum of
// inputs i, m+i, 2m+i, …: the elementwise max of q vectors of length m laid
// side by side. It has MaxTreeDepth(q) hidden layers and m·MaxTreeSize(q, g)
// units. For q = 1 it is the one-layer identity.
func MaxTree(q, m int, g Gadget) *Net {
	if q < 1 || m < 1 {
		panic("relu: MaxTree needs q ≥ 1 and m ≥ 1")
	}
	if g != Gadget4 && g != Gadget3 {
		panic("relu: unknown gadget")
	}
	// vals[c] lists, for coordinate c, the current values as sparse linear
	// combinations (unit index → coefficient) of the previous layer.
	type term struct {
		unit int
		c    *big.Rat
	}
	vals := make([][][]term, m)
	for c := range vals {
		vals[c] = make([][]term, q)
		for i := range vals[c] {
			vals[c][i] = []term{{i*m + c, ratOne}}
		}
	}
	prev := q * m
	net := &Net{}
	for r := q; r > 1; r = (r + 1) / 2 {
		width := m * levelSize(r, g)
		l := NewLayer(width, prev)
		unit := 0
		var t big.Rat
		// row writes Σ coef·val into unit's row.
		row := func(u int, coef *big.Rat, v []term) {
			for _, tm := range v {
				t.Mul(coef, tm.c)
				t.Add(&t, l.WR[u*l.In+tm.unit])
				l.SetRat(u, tm.unit, &t)
			}
		}
		next := make([][][]term, m)
		for c := 0; c < m; c++ {
			vs := vals[c]
			for i := 0; i+1 < len(vs); i += 2 {
				u, v := vs[i], vs[i+1]
				switch g {
				case Gadget4:
					row(unit, ratOne, u)
					row(unit, ratOne, v)
					row(unit+1, ratMinus1, u)
					row(unit+1, ratMinus1, v)
					row(unit+2, ratOne, u)
					row(unit+2, ratMinus1, v)
					row(unit+3, ratMinus1, u)
					row(unit+3, ratOne, v)
					next[c] = append(next[c], []term{{unit, ratHalf}, {unit + 1, ratMinHalf}, {unit + 2, ratHalf}, {unit + 3, ratHalf}})
					unit += 4
				case Gadget3:
					row(unit, ratOne, u)
					row(unit, ratMinus1, v)
					row(unit+1, ratOne, v)
					row(unit+2, ratMinus1, v)
					next[c] = append(next[c], []term{{unit, ratOne}, {unit + 1, ratOne}, {unit + 2, ratMinus1}})
					unit += 3
				}
			}
			if len(vs)%2 == 1 {
				u := vs[len(vs)-1]
				row(unit, ratOne, u)
				row(unit+1, ratMinus1, u)
				next[c] = append(next[c], []term{{unit, ratOne}, {unit + 1, ratMinus1}})
				unit += 2
			}
		}
		net.Layers = append(net.Layers, l)
		vals = next
		prev = width
	}
	out := NewLayer(m, prev)
	for c := 0; c < m; c++ {
		for _, tm := range vals[c][0] {
			out.SetRat(c, tm.unit, tm.c)
		}
	}
	net.Layers = append(net.Layers, out)
	return net
}

// levelSize returns the units of one tree level over r values.
func levelSize(r int, g Gadget) int { return int(g)*(r/2) + 2*(r%2) }

// Max returns the net computing the elementwise maximum max{f₁, …, f_q}
// (Lemma D.3) with the paper's 4-unit gadget; see MaxWith.
func Max(nets ...*Net) (*Net, error) { return MaxWith(Gadget4, nets...) }

// MaxWith returns the net computing the elementwise maximum of nets that
// share input and output dimensions, using gadget g. The nets run in
// parallel (Parallel, with identity padding to the largest number K of
// hidden layers) and a balanced max tree (MaxTree) follows, composed by
// Lemma D.1. The result has K + ⌈log₂ q⌉ hidden layers and size
// Σ sᵢ + Σ PadCost(fᵢ, K+1) + m·MaxTreeSize(q, g) — for Gadget4 within
// Lemma D.3's Σ sᵢ + 4(2q−1) when the nets have equal depth and m = 1.
func MaxWith(g Gadget, nets ...*Net) (*Net, error) {
	m, err := sameOutputs("Max", nets)
	if err != nil {
		return nil, err
	}
	par, err := Parallel(nets...)
	if err != nil {
		return nil, err
	}
	return Compose(MaxTree(len(nets), m, g), par)
}

// MaxAffine returns the net computing x ↦ maxᵢ (aᵢ·x + bᵢ), the maximum of
// the q affine functions given by the rows of a and the entries of b (nil
// means zero), with ⌈log₂ q⌉ hidden layers and MaxTreeSize(q, Gadget4)
// units: the affine functions are absorbed into the first layer.
func MaxAffine(a [][]*big.Rat, b []*big.Rat) (*Net, error) {
	return MaxAffineWith(Gadget4, a, b)
}

// MaxAffineWith is MaxAffine with the gadget g.
func MaxAffineWith(g Gadget, a [][]*big.Rat, b []*big.Rat) (*Net, error) {
	lin, err := AffineLayer(a, b)
	if err != nil {
		return nil, err
	}
	return Compose(MaxTree(len(a), 1, g), lin)
}
