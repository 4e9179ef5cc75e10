package hard

import (
	"fmt"
	"math/big"

	"github.com/relucid/relucid/relu"
)

// Zigzag is h_a for a ∈ Δ^p_M (Definition 8): w = p+1 teeth on [0, M].
type Zigzag struct {
	M *big.Rat   // height and right end of the teeth
	A []*big.Rat // interior breakpoints a_1 < … < a_p, strictly inside (0, M)
}

// NewZigzag returns h_a after checking a ∈ Δ^p_M. It copies its arguments.
func NewZigzag(m *big.Rat, a []*big.Rat) (*Zigzag, error) {
	if err := CheckDelta(a, m); err != nil {
		return nil, err
	}
	z := &Zigzag{M: new(big.Rat).Set(m), A: make([]*big.Rat, len(a))}
	for i, x := range a {
		z.A[i] = new(big.Rat).Set(x)
	}
	return z, nil
}

// Teeth is w = p+1, the number of teeth on [0, M] and the number of hidden
// units of the net of h_a.
func (z *Zigzag) Teeth() int { return len(z.A) + 1 }

// knot returns a_i with a_0 = 0 and a_w = M.
func (z *Zigzag) knot(i int) *big.Rat {
	switch {
	case i == 0:
		return new(big.Rat)
	case i == z.Teeth():
		return z.M
	}
	return z.A[i-1]
}

// Slopes returns the tooth slopes m_1..m_w, m_i = (−1)^{i+1} M/(a_i − a_{i−1}).
func (z *Zigzag) Slopes() []*big.Rat {
	w := z.Teeth()
	s := make([]*big.Rat, w)
	for i := 1; i <= w; i++ {
		d := new(big.Rat).Sub(z.knot(i), z.knot(i-1))
		m := new(big.Rat).Quo(z.M, d)
		if i%2 == 0 {
			m.Neg(m)
		}
		s[i-1] = m
	}
	return s
}

// Coefficients returns c_0..c_{w−1}, c_i = m_{i+1} − m_i with m_0 = 0, so
// that h_a(x) = Σ c_i σ(x − a_i).
func (z *Zigzag) Coefficients() []*big.Rat {
	s := z.Slopes()
	c := make([]*big.Rat, len(s))
	prev := new(big.Rat)
	for i, m := range s {
		c[i] = new(big.Rat).Sub(m, prev)
		prev = m
	}
	return c
}

// Eval returns h_a(x) exactly from the definition (tooth by tooth), not from
// the net, so it can serve as an independent check of the net.
func (z *Zigzag) Eval(x *big.Rat) *big.Rat {
	if x.Sign() <= 0 {
		return new(big.Rat)
	}
	w := z.Teeth()
	i := 1
	for i < w && x.Cmp(z.knot(i)) > 0 {
		i++
	}
	// x ∈ [a_{i−1}, a_i], or beyond M on the last tooth.
	lo, hi := z.knot(i-1), z.knot(i)
	t := new(big.Rat).Sub(x, lo)
	t.Mul(t, z.M)
	t.Quo(t, new(big.Rat).Sub(hi, lo))
	if i%2 == 0 {
		t.Sub(z.M, t)
	}
	return t
}

// Net returns the one-hidden-layer net of h_a with w units and no output bias.
func (z *Zigzag) Net() *relu.Net {
	h, _ := NewComposition(z.M, [][]*big.Rat{z.A})
	return h.Net()
}

// Composition is H = h_{a^k} ∘ … ∘ h_{a^1}, all zigzags with the same M.
type Composition struct {
	M      *big.Rat
	Layers []*Zigzag // Layers[0] is applied first
}

// NewComposition checks every a^i ∈ Δ_M (layers may differ in length) and
// returns H. It needs k ≥ 1 layers.
func NewComposition(m *big.Rat, layers [][]*big.Rat) (*Composition, error) {
	if len(layers) == 0 {
		return nil, fmt.Errorf("need at least one layer (k ≥ 1)")
	}
	if m == nil || m.Sign() <= 0 {
		return nil, fmt.Errorf("M must be positive")
	}
	// the net has Σ w_i·(w_{i−1}+1) parameters (w_0 = 1); refuse what relu
	// would refuse before allocating it.
	params, prev := 0, 1
	for _, a := range layers {
		w := len(a) + 1
		params += w * (prev + 1)
		if params > relu.MaxParams {
			return nil, fmt.Errorf("the net would have more than %d parameters", relu.MaxParams)
		}
		prev = w
	}
	h := &Composition{M: new(big.Rat).Set(m), Layers: make([]*Zigzag, len(layers))}
	for i, a := range layers {
		z, err := NewZigzag(m, a)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		h.Layers[i] = z
	}
	return h, nil
}

// K is the number of zigzag layers (hidden layers of the net).
func (h *Composition) K() int { return len(h.Layers) }

// Widths returns w_1..w_k.
func (h *Composition) Widths() []int {
	w := make([]int, len(h.Layers))
	for i, z := range h.Layers {
		w[i] = z.Teeth()
	}
	return w
}

// Teeth returns Π w_i, the number of teeth (pieces) of H on [0, M]
// (Lemma B.1). It returns an error on overflow of int64.
func (h *Composition) Teeth() (int64, error) { return product(h.Widths()) }

func product(ws []int) (int64, error) {
	p := int64(1)
	for _, w := range ws {
		if p > (1<<62)/int64(w) {
			return 0, fmt.Errorf("tooth count overflows int64")
		}
		p *= int64(w)
	}
	return p, nil
}

// ZeroBeyondM reports whether H ≡ 0 on [M, ∞): this happens exactly when some
// layer before the last has an even number of teeth, so that its last tooth
// falls below 0 beyond M and the next layer maps it to 0 (spec A3, A14).
func (h *Composition) ZeroBeyondM() bool {
	for _, z := range h.Layers[:len(h.Layers)-1] {
		if z.Teeth()%2 == 0 {
			return true
		}
	}
	return false
}

// Pieces returns the exact number of pieces of H on R: Π w_i + 1, or
// Π w_i + 2 when ZeroBeyondM.
func (h *Composition) Pieces() (int64, error) {
	t, err := h.Teeth()
	if err != nil {
		return 0, err
	}
	if h.ZeroBeyondM() {
		return t + 2, nil
	}
	return t + 1, nil
}

// Eval returns H(x) exactly by composing the definitions of the zigzags.
func (h *Composition) Eval(x *big.Rat) *big.Rat {
	y := new(big.Rat).Set(x)
	for _, z := range h.Layers {
		y = z.Eval(y)
	}
	return y
}

// Net returns the (k+1)-layer net of H with exactly w_i units in hidden layer
// i, no output bias, and exact rational parameters (spec §2.2).
func (h *Composition) Net() *relu.Net {
	return h.netAfter(nil)
}

// netAfter builds the zigzag layers; first, if non-nil, is a hidden layer
// whose units are summed to form the input of the first zigzag (used for
// γ_Z, whose output weights are all 1).
func (h *Composition) netAfter(first *relu.Layer) *relu.Net {
	n := &relu.Net{}
	in := 1
	var prevC []*big.Rat
	one := big.NewRat(1, 1)
	if first != nil {
		n.Layers = append(n.Layers, *first)
		in = first.Out
		prevC = make([]*big.Rat, in)
		for i := range prevC {
			prevC[i] = one
		}
	}
	for _, z := range h.Layers {
		w := z.Teeth()
		l := relu.NewLayer(w, in)
		for i := 0; i < w; i++ {
			for j := 0; j < in; j++ {
				if prevC == nil {
					l.SetRat(i, j, one)
				} else {
					l.SetRat(i, j, prevC[j])
				}
			}
			b := new(big.Rat).Neg(z.knot(i))
			l.SetBiasRat(i, b)
		}
		n.Layers = append(n.Layers, l)
		prevC = z.Coefficients()
		in = w
	}
	out := relu.NewLayer(1, in)
	for j, c := range prevC {
		out.SetRat(0, j, c)
	}
	n.Layers = append(n.Layers, out)
	return n
}

// Breakpoints returns the Π w_i − 1 breakpoints of H strictly inside (0, M),
// ascending, computed exactly by pulling the breakpoints of each outer zigzag
// back through the teeth of the inner composition. It returns an error when
// there would be more than limit of them (limit ≤ 0: no limit).
func (h *Composition) Breakpoints(limit int) ([]*big.Rat, error) {
	t, err := h.Teeth()
	if err != nil {
		return nil, err
	}
	if limit > 0 && t-1 > int64(limit) {
		return nil, fmt.Errorf("%d breakpoints exceed the limit %d", t-1, limit)
	}
	// ends holds the tooth ends 0 = e_0 < e_1 < … < e_T = M of the
	// composition so far; tooth j rises when j is even (0-based).
	ends := []*big.Rat{new(big.Rat), new(big.Rat).Set(h.M)}
	for _, z := range h.Layers {
		next := make([]*big.Rat, 0, (len(ends)-1)*z.Teeth()+1)
		for j := 0; j+1 < len(ends); j++ {
			lo, hi := ends[j], ends[j+1]
			next = append(next, lo)
			width := new(big.Rat).Sub(hi, lo)
			for i := range z.A {
				// preimage of a_i on this tooth: rising x = lo + a_i/M·width,
				// falling x = hi − a_i/M·width.
				idx := i
				if j%2 == 1 {
					idx = len(z.A) - 1 - i
				}
				f := new(big.Rat).Quo(z.A[idx], h.M)
				f.Mul(f, width)
				if j%2 == 0 {
					f.Add(lo, f)
				} else {
					f.Sub(hi, f)
				}
				next = append(next, f)
			}
		}
		next = append(next, ends[len(ends)-1])
		ends = next
	}
	return ends[1 : len(ends)-1], nil
}
