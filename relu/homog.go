package relu

// Homogenize returns the perspective of n: the net F: R^{n+1} → R^m with
//
//	F(x, t) = t·n(x/t)   for t > 0,
//
// which is positively homogeneous (it has no biases) and satisfies
// F(x, 1) = n(x). Because relu(λz) = λ·relu(z) for λ ≥ 0, F is n with every
// bias moved onto the extra input t: each hidden layer gets one more unit,
// relu(t) = t on t ≥ 0, that carries t to the next layer, and each affine map
// W·y + b becomes [W | b]·(y, t). F is exact (rational weights copied) and
// valid on the half-space t ≥ 0 only; for t < 0 the carrying units read 0.
//
// Every activation region of n over all of R^n is the section at t = 1 of a
// polyhedral cone of F with its interior in t > 0, and every such cone meets
// the bounded set [−1, 1]^n × [0, 1] in a full-dimensional set. So the
// regions of n over the whole (unbounded) input space are those of F over
// that box — a bounded domain — and equal affine maps of F correspond to
// equal affine maps of n (the coefficient of t is the constant term).
// Hidden unit j of layer l of n is unit j of layer l of F; the carrying unit
// is the last unit of each hidden layer.
func Homogenize(n *Net) (*Net, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	h := &Net{Layers: make([]Layer, len(n.Layers))}
	last := len(n.Layers) - 1
	for l := range n.Layers {
		src := &n.Layers[l]
		out := src.Out
		if l < last {
			out++ // the unit that carries t
		}
		dst := NewLayer(out, src.In+1)
		for i := 0; i < src.Out; i++ {
			for j := 0; j < src.In; j++ {
				setW(&dst, i, j, src.RatAt(i, j))
			}
			setW(&dst, i, src.In, src.BR[i])
		}
		if l < last {
			dst.SetRat(src.Out, src.In, ratOne)
		}
		h.Layers[l] = dst
	}
	return h, nil
}
