package erm

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/relucid/relucid/relu"
)

// Loss is a loss ℓ(f, y) convex in the prediction f.
type Loss int

// The supported losses.
const (
	Squared  Loss = iota // (f − y)²
	Absolute             // |f − y|
	Hinge                // max(0, 1 − y·f), y ∈ {−1, +1}
	Logistic             // log(1 + exp(−y·f)), y ∈ {−1, +1}
)

var lossNames = [...]string{"squared", "absolute", "hinge", "logistic"}

// String returns the loss's name as used on the command line.
func (l Loss) String() string {
	if l < 0 || int(l) >= len(lossNames) {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// ParseLoss parses a loss name ("squared", "absolute", "hinge", "logistic").
func ParseLoss(s string) (Loss, error) {
	for i, n := range lossNames {
		if strings.EqualFold(s, n) {
			return Loss(i), nil
		}
	}
	return 0, fmt.Errorf("unknown loss %q (want squared, absolute, hinge or logistic)", s)
}

// Eval returns ℓ(f, y).
func (l Loss) Eval(f, y float64) float64 {
	switch l {
	case Squared:
		return (f - y) * (f - y)
	case Absolute:
		return math.Abs(f - y)
	case Hinge:
		return math.Max(0, 1-y*f)
	case Logistic:
		m := -y * f // log(1+e^m), computed without overflow
		if m > 0 {
			return m + math.Log1p(math.Exp(-m))
		}
		return math.Log1p(math.Exp(m))
	}
	panic("erm: unknown loss")
}

// needsLabels reports whether the loss needs y ∈ {−1, +1}.
func (l Loss) needsLabels() bool { return l == Hinge || l == Logistic }

// Problem is one ERM instance: data, width, loss.
type Problem struct {
	X           [][]float64 // D points in R^n
	Y           []float64   // D targets (±1 for Hinge and Logistic)
	Width       int         // hidden units w ≥ 1
	Loss        Loss
	OutputBias  bool    // allow a free output bias c
	WeightDecay float64 // λ ≥ 0; see the package documentation for what is penalised
}

// Errors returned by Validate.
var (
	ErrNoData = errors.New("no data rows")
)

// Validate checks the problem: at least one point, consistent dimensions,
// finite values, w ≥ 1, λ ≥ 0 and finite, labels ±1 for Hinge and Logistic.
func (p *Problem) Validate() error {
	if len(p.X) == 0 {
		return ErrNoData
	}
	if len(p.Y) != len(p.X) {
		return fmt.Errorf("%d points but %d targets", len(p.X), len(p.Y))
	}
	n := len(p.X[0])
	if n < 1 {
		return errors.New("points have no coordinates (need at least one input column and the target column)")
	}
	for j, x := range p.X {
		if len(x) != n {
			return fmt.Errorf("row %d has %d inputs, expected %d", j+1, len(x), n)
		}
		for k, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("row %d, input %d is not finite", j+1, k+1)
			}
		}
		y := p.Y[j]
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("row %d: target is not finite", j+1)
		}
		if p.Loss.needsLabels() && y != 1 && y != -1 {
			return fmt.Errorf("row %d: label %v; %s loss needs labels -1 or +1", j+1, y, p.Loss)
		}
	}
	if p.Width < 1 {
		return fmt.Errorf("width %d; need at least 1", p.Width)
	}
	if p.Loss < Squared || p.Loss > Logistic {
		return fmt.Errorf("unknown loss %d", int(p.Loss))
	}
	if math.IsNaN(p.WeightDecay) || math.IsInf(p.WeightDecay, 0) || p.WeightDecay < 0 {
		return fmt.Errorf("weight decay %v; need a finite λ ≥ 0", p.WeightDecay)
	}
	return nil
}

// Objective returns Σ_j ℓ(net(x_j), y_j) + λ·R(net) for a net with one hidden
// layer, computed from the net itself, and separately the loss and the
// penalty R (see the package documentation).
func (p *Problem) Objective(net *relu.Net) (objective, loss, penalty float64, err error) {
	if net.Depth() != 2 || net.OutputDim() != 1 || net.InputDim() != len(p.X[0]) {
		return 0, 0, 0, fmt.Errorf("net is not a one-hidden-layer R^%d → R net", len(p.X[0]))
	}
	ev := relu.NewEvaluator(net)
	out := make([]float64, 1)
	for j, x := range p.X {
		ev.Eval(out, x)
		loss += p.Loss.Eval(out[0], p.Y[j])
	}
	h, o := &net.Layers[0], &net.Layers[1]
	for i := 0; i < h.Out; i++ {
		s := h.B[i] * h.B[i]
		for k := 0; k < h.In; k++ {
			s += h.W[i*h.In+k] * h.W[i*h.In+k]
		}
		penalty += o.W[i] * o.W[i] * s
	}
	return loss + p.WeightDecay*penalty, loss, penalty, nil
}
