package web

import (
	"fmt"
	"math"

	"github.com/relucid/relucid/relu"
)

// Slice1D is a net restricted to the segment t ↦ x0 + t·d, t ∈ [Lo, Hi],
// as a continuous piecewise-linear function of t.
type Slice1D struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Knots are ascending t values from Lo to Hi; the function is affine
	// between consecutive knots. Values are f at the knots.
	Knots  []float64 `json:"knots"`
	Values []float64 `json:"knot_values"`
	// Breakpoints are the interior knots where the slope really changes;
	// BreakValues are f there. Slopes has Pieces entries, one per piece.
	Breakpoints []float64 `json:"breakpoints"`
	BreakValues []float64 `json:"values"`
	Slopes      []float64 `json:"slopes"`
	Pieces      int       `json:"pieces"`
	// Exact reports whether the breakpoints come from an exact engine.
	Exact bool `json:"exact"`
}

func checkSliceArgs(n *relu.Net, out int, x0, d []float64, lo, hi float64) error {
	if len(x0) != n.InputDim() || len(d) != n.InputDim() {
		return fmt.Errorf("point and direction need %d coordinates (got %d and %d)", n.InputDim(), len(x0), len(d))
	}
	if out < 0 || out >= n.OutputDim() {
		return fmt.Errorf("output %d out of range: net has %d outputs", out, n.OutputDim())
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("domain [%v, %v] is not a finite interval with lo < hi", lo, hi)
	}
	zero := true
	for _, v := range d {
		if v != 0 {
			zero = false
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("direction has a non-finite coordinate")
		}
	}
	for _, v := range x0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("point has a non-finite coordinate")
		}
	}
	if zero {
		return fmt.Errorf("direction is zero")
	}
	return nil
}
