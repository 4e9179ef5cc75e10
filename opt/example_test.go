package opt_test

import (
	"fmt"

	"github.com/relucid/relucid/opt"
)

// Project the unconstrained minimiser (1, 1) of ½‖x‖² − x₀ − x₁ onto the
// half-plane x₀ + x₁ ≤ 1, written as −x₀ − x₁ ≥ −1.
func ExampleQP_Solve() {
	var w opt.QP
	x := make([]float64, 2)
	lambda := make([]float64, 1)
	G := []float64{1, 0, 0, 1}
	g := []float64{-1, -1}
	A := []float64{-1, -1}
	b := []float64{-1}
	val, err := w.Solve(x, G, g, A, b, lambda)
	if err != nil {
		panic(err)
	}
	fmt.Printf("x = (%.3g, %.3g), value %.3g, multiplier %.3g\n", x[0], x[1], val, lambda[0])
	// Output: x = (0.5, 0.5), value -0.75, multiplier 0.5
}

// Maximise v₀ subject to v₀ = v₁, 0 ≤ v₀ ≤ 2, 0 ≤ v₁ ≤ 1.
func ExampleLP_Solve() {
	var w opt.LP
	v := make([]float64, 2)
	y := make([]float64, 1)
	c := []float64{-1, 0}
	N := []float64{1, -1}
	l := []float64{0, 0}
	h := []float64{2, 1}
	val, err := w.Solve(v, y, c, N, l, h)
	if err != nil {
		panic(err)
	}
	fmt.Printf("v = (%g, %g), value %g\n", v[0], v[1], val)
	// Output: v = (1, 1), value -1
}
