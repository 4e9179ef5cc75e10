package relu

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// Layer is one affine map y = W·x + b of a net. W is stored row-major with
// Out rows (outputs) and In columns, the layout of PyTorch's nn.Linear.
//
// W and B hold the float64 values; WR and BR hold the same values exactly.
// Code that changes a weight must keep the two in step, which the Set methods
// do.
type Layer struct {
	In, Out int
	W       []float64  // Out×In, row-major
	B       []float64  // Out
	WR      []*big.Rat // exact W, same layout
	BR      []*big.Rat // exact B
}

// NewLayer returns a zero layer mapping R^in → R^out.
func NewLayer(out, in int) Layer {
	if in < 1 || out < 1 {
		panic("relu: layer dimensions must be positive")
	}
	l := Layer{In: in, Out: out,
		W: make([]float64, out*in), B: make([]float64, out),
		WR: make([]*big.Rat, out*in), BR: make([]*big.Rat, out)}
	// One backing array for all exact values: a layer of a million weights
	// costs one allocation instead of a million.
	back := make([]big.Rat, out*in+out)
	for i := range l.WR {
		l.WR[i] = &back[i]
	}
	for i := range l.BR {
		l.BR[i] = &back[out*in+i]
	}
	return l
}

// Set sets W[i][j] to the float v (exact value: the binary value of v).
func (l *Layer) Set(i, j int, v float64) {
	l.W[i*l.In+j] = v
	l.WR[i*l.In+j].SetFloat64(v)
}

// SetRat sets W[i][j] to the exact rational v; the float value is its rounding.
func (l *Layer) SetRat(i, j int, v *big.Rat) {
	l.WR[i*l.In+j].Set(v)
	l.W[i*l.In+j], _ = v.Float64()
}

// SetBias sets b[i] to the float v.
func (l *Layer) SetBias(i int, v float64) {
	l.B[i] = v
	l.BR[i].SetFloat64(v)
}

// SetBiasRat sets b[i] to the exact rational v.
func (l *Layer) SetBiasRat(i int, v *big.Rat) {
	l.BR[i].Set(v)
	l.B[i], _ = v.Float64()
}

// At returns the float value of W[i][j].
func (l *Layer) At(i, j int) float64 { return l.W[i*l.In+j] }

// RatAt returns the exact value of W[i][j]; the caller must not modify it.
func (l *Layer) RatAt(i, j int) *big.Rat { return l.WR[i*l.In+j] }

// Clone returns a deep copy of l.
func (l *Layer) Clone() Layer {
	c := NewLayer(l.Out, l.In)
	copy(c.W, l.W)
	copy(c.B, l.B)
	for i, r := range l.WR {
		c.WR[i].Set(r)
	}
	for i, r := range l.BR {
		c.BR[i].Set(r)
	}
	return c
}

// Net is a ReLU network: ReLU follows every layer but the last.
// A net with L layers has L−1 hidden layers and depth L.
type Net struct {
	Layers []Layer
}

// InputDim is the input dimension w_0.
func (n *Net) InputDim() int { return n.Layers[0].In }

// OutputDim is the output dimension w_{k+1}.
func (n *Net) OutputDim() int { return n.Layers[len(n.Layers)-1].Out }

// Depth is the number of affine maps, k+1.
func (n *Net) Depth() int { return len(n.Layers) }

// HiddenWidths returns w_1, …, w_k.
func (n *Net) HiddenWidths() []int {
	w := make([]int, 0, len(n.Layers)-1)
	for _, l := range n.Layers[:len(n.Layers)-1] {
		w = append(w, l.Out)
	}
	return w
}

// Size is the number of hidden units w_1 + … + w_k.
func (n *Net) Size() int {
	s := 0
	for _, l := range n.Layers[:len(n.Layers)-1] {
		s += l.Out
	}
	return s
}

// Width is max w_i over hidden layers (0 for an affine net).
func (n *Net) Width() int {
	w := 0
	for _, l := range n.Layers[:len(n.Layers)-1] {
		w = max(w, l.Out)
	}
	return w
}

// HasOutputBias reports whether the output map has a nonzero bias, i.e.
// whether the net leaves Definition 1's linear-output class.
func (n *Net) HasOutputBias() bool {
	for _, b := range n.Layers[len(n.Layers)-1].BR {
		if b.Sign() != 0 {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := &Net{Layers: make([]Layer, len(n.Layers))}
	for i := range n.Layers {
		c.Layers[i] = n.Layers[i].Clone()
	}
	return c
}

// MaxParams bounds the number of weights and biases a net may have. It keeps
// absurd inputs from exhausting memory: each parameter costs a float and a
// rational.
const MaxParams = 50_000_000

// ErrTooLarge is wrapped by the errors of nets, and of constructions whose
// result would have, more than MaxParams parameters.
var ErrTooLarge = errors.New("net too large")

// checkParams returns an error wrapping ErrTooLarge when layers of the given
// (out, in) shapes would hold more than MaxParams weights and biases: the
// constructions check before allocating, so an absurd request fails
// cleanly instead of exhausting memory.
func checkParams(op string, shapes ...[2]int) error {
	total := 0
	for _, s := range shapes {
		total += s[0]*s[1] + s[0]
		if total > MaxParams {
			break
		}
	}
	if total > MaxParams {
		return fmt.Errorf("%w: %s would build layers with more than %d parameters (dense weights); the limit is %d", ErrTooLarge, op, total, MaxParams)
	}
	return nil
}

// ErrNoLayers is returned for a net without layers.
var ErrNoLayers = errors.New("net has no layers")

// Validate checks that the layers chain, every value is finite and the
// float and exact values agree.
func (n *Net) Validate() error {
	if n == nil || len(n.Layers) == 0 {
		return ErrNoLayers
	}
	params := 0
	for k, l := range n.Layers {
		if l.In < 1 || l.Out < 1 {
			return fmt.Errorf("layer %d: empty layer (%d outputs, %d inputs)", k, l.Out, l.In)
		}
		if len(l.W) != l.In*l.Out || len(l.WR) != l.In*l.Out || len(l.B) != l.Out || len(l.BR) != l.Out {
			return fmt.Errorf("layer %d: storage does not match %d×%d", k, l.Out, l.In)
		}
		if k > 0 && l.In != n.Layers[k-1].Out {
			return fmt.Errorf("layer %d: takes %d inputs but layer %d has %d outputs", k, l.In, k-1, n.Layers[k-1].Out)
		}
		params += l.In*l.Out + l.Out
		if params > MaxParams {
			return fmt.Errorf("%w: more than %d parameters", ErrTooLarge, MaxParams)
		}
		for i, v := range l.W {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("layer %d: weight[%d][%d] is %v", k, i/l.In, i%l.In, v)
			}
			if l.WR[i] == nil {
				return fmt.Errorf("layer %d: weight[%d][%d] has no exact value", k, i/l.In, i%l.In)
			}
		}
		for i, v := range l.B {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("layer %d: bias[%d] is %v", k, i, v)
			}
			if l.BR[i] == nil {
				return fmt.Errorf("layer %d: bias[%d] has no exact value", k, i)
			}
		}
	}
	return nil
}

// FromFloats builds a net from PyTorch-layout weights (weights[k][i][j] is the
// weight from input j to output i of layer k) and biases (nil for zeros).
func FromFloats(weights [][][]float64, biases [][]float64) (*Net, error) {
	if len(weights) == 0 {
		return nil, ErrNoLayers
	}
	n := &Net{Layers: make([]Layer, len(weights))}
	for k, w := range weights {
		if len(w) == 0 || len(w[0]) == 0 {
			return nil, fmt.Errorf("layer %d: empty weight matrix", k)
		}
		l := NewLayer(len(w), len(w[0]))
		for i, row := range w {
			if len(row) != l.In {
				return nil, fmt.Errorf("layer %d: weight row %d has %d entries, want %d", k, i, len(row), l.In)
			}
			for j, v := range row {
				l.Set(i, j, v)
			}
		}
		if biases != nil && biases[k] != nil {
			if len(biases[k]) != l.Out {
				return nil, fmt.Errorf("layer %d: bias has %d entries, want %d", k, len(biases[k]), l.Out)
			}
			for i, v := range biases[k] {
				l.SetBias(i, v)
			}
		}
		n.Layers[k] = l
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// MustFromFloats is FromFloats for literals in tests and examples; it panics
// on error.
func MustFromFloats(weights [][][]float64, biases [][]float64) *Net {
	n, err := FromFloats(weights, biases)
	if err != nil {
		panic("relu: " + err.Error())
	}
	return n
}
