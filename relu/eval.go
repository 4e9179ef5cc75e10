package relu

import (
	"fmt"
	"math/big"
)

// Evaluator evaluates a net in float64 with reusable buffers, so repeated
// calls allocate nothing. An Evaluator is not safe for concurrent use; make
// one per goroutine.
type Evaluator struct {
	net      *Net
	cur, nxt []float64
}

// NewEvaluator returns an Evaluator for n.
func NewEvaluator(n *Net) *Evaluator {
	w := n.InputDim()
	for _, l := range n.Layers {
		w = max(w, l.Out)
	}
	return &Evaluator{net: n, cur: make([]float64, w), nxt: make([]float64, w)}
}

// Eval writes f(x) into dst (len OutputDim) and returns dst; a nil dst is
// allocated.
func (e *Evaluator) Eval(dst, x []float64) []float64 {
	n := e.net
	if len(x) != n.InputDim() {
		panic(fmt.Sprintf("relu: input has %d coordinates, net takes %d", len(x), n.InputDim()))
	}
	if dst == nil {
		dst = make([]float64, n.OutputDim())
	}
	cur := e.cur[:len(x)]
	copy(cur, x)
	last := len(n.Layers) - 1
	for k := range n.Layers {
		l := &n.Layers[k]
		out := e.nxt[:l.Out]
		if k == last {
			out = dst[:l.Out]
		}
		for i := 0; i < l.Out; i++ {
			row := l.W[i*l.In : (i+1)*l.In]
			s := l.B[i]
			for j, w := range row {
				s += w * cur[j]
			}
			if k != last && s < 0 {
				s = 0
			}
			out[i] = s
		}
		if k != last {
			e.cur, e.nxt = e.nxt, e.cur
			cur = e.cur[:l.Out]
		}
	}
	return dst
}

// Eval returns f(x) in float64. For many points use an Evaluator.
func (n *Net) Eval(x []float64) []float64 {
	return NewEvaluator(n).Eval(nil, x)
}

// EvalBatch returns f(x) for every row of xs.
func (n *Net) EvalBatch(xs [][]float64) [][]float64 {
	e := NewEvaluator(n)
	out := make([][]float64, len(xs))
	flat := make([]float64, len(xs)*n.OutputDim())
	for i, x := range xs {
		out[i] = e.Eval(flat[i*n.OutputDim():(i+1)*n.OutputDim()], x)
	}
	return out
}

// EvalRat returns f(x) computed exactly in rational arithmetic.
func (n *Net) EvalRat(x []*big.Rat) []*big.Rat {
	if len(x) != n.InputDim() {
		panic(fmt.Sprintf("relu: input has %d coordinates, net takes %d", len(x), n.InputDim()))
	}
	cur := x
	var t big.Rat
	last := len(n.Layers) - 1
	for k := range n.Layers {
		l := &n.Layers[k]
		out := make([]*big.Rat, l.Out)
		for i := 0; i < l.Out; i++ {
			s := new(big.Rat).Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				w := l.WR[i*l.In+j]
				if w.Sign() == 0 || cur[j].Sign() == 0 {
					continue
				}
				s.Add(s, t.Mul(w, cur[j]))
			}
			if k != last && s.Sign() < 0 {
				s.SetInt64(0)
			}
			out[i] = s
		}
		cur = out
	}
	return cur
}

// Pattern writes the activation pattern of x into dst: dst[k][i] is true when
// unit i of hidden layer k has a positive pre-activation. It returns dst,
// allocating it when nil.
func (n *Net) Pattern(dst [][]bool, x []float64) [][]bool {
	if dst == nil {
		dst = make([][]bool, len(n.Layers)-1)
		for k := range dst {
			dst[k] = make([]bool, n.Layers[k].Out)
		}
	}
	cur := append([]float64(nil), x...)
	for k := 0; k < len(n.Layers)-1; k++ {
		l := &n.Layers[k]
		nxt := make([]float64, l.Out)
		for i := 0; i < l.Out; i++ {
			s := l.B[i]
			for j := 0; j < l.In; j++ {
				s += l.W[i*l.In+j] * cur[j]
			}
			dst[k][i] = s > 0
			nxt[i] = max(s, 0)
		}
		cur = nxt
	}
	return dst
}
