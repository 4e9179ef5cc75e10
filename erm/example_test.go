package erm_test

import (
	"context"
	"fmt"

	"github.com/relucid/relucid/erm"
	"github.com/relucid/relucid/relu"
)

// The data of paper-spec §5 item 12: the best single unit is the constant
// 2/3; two units fit |x| exactly.
func ExampleTrain() {
	p := erm.Problem{
		X:     [][]float64{{-1}, {0}, {1}},
		Y:     []float64{1, 0, 1},
		Width: 1,
		Loss:  erm.Squared,
	}
	r, err := erm.Train(context.Background(), p, erm.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("w=1: %.6f certified=%v\n", r.Objective, r.Certificate.Certified)
	p.Width = 2
	r, _ = erm.Train(context.Background(), p, erm.Options{})
	fmt.Printf("w=2: %.6f\n", r.Objective+0) // +0 avoids printing -0
	// Output:
	// w=1: 0.666667 certified=true
	// w=2: 0.000000
}

// Four points in general position in the plane have Cover's 14 dichotomies.
func ExampleDichotomies() {
	X := [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1.5}}
	d, _ := erm.Dichotomies(context.Background(), X)
	fmt.Println(len(d), erm.CoverCount(4, 2))
	// Output: 14 14
}

// The objective of a net in exact rational arithmetic: with targets
// (1, 0, 1) the net f(x) = relu(x) + relu(−x) = |x| has absolute loss 0,
// and weight decay λ = 1/4 adds λ·(1·(1+0) + 1·(1+0)) = 1/2.
func ExampleProblem_ExactObjective() {
	net := relu.MustFromFloats([][][]float64{{{1}, {-1}}, {{1, 1}}}, [][]float64{{0, 0}, {0}})
	p := erm.Problem{X: [][]float64{{-1}, {0}, {1}}, Y: []float64{1, 0, 1}, Width: 2,
		Loss: erm.Absolute, WeightDecay: 0.25}
	v, err := p.ExactObjective(net)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.RatString())
	// Output: 1/2
}

// Collinear points in the plane: only the 2·5 threshold splits along the
// line are dichotomies, found exactly by the n = 2 sweep.
func ExampleDichotomies_degenerate() {
	X := [][]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {5, 5}}
	d, _ := erm.Dichotomies(context.Background(), X)
	fmt.Println(len(d))
	// Output: 10
}
