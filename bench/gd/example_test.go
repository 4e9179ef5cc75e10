package gd_test

import (
	"context"
	"fmt"

	"github.com/relucid/relucid/bench/gd"
)

// Fit the three points (−1, 1), (0, 0), (1, 1) with one ReLU unit under the
// squared loss. The certified optimum is 2/3 (paper-spec §5 item 12), a
// constant ⅔; every restart ends at or above it.
func ExampleFit() {
	p := &gd.Problem{X: [][]float64{{-1}, {0}, {1}}, Y: []float64{1, 0, 1}, Width: 1, Loss: gd.Squared}
	res, err := gd.Fit(context.Background(), p, gd.Options{Restarts: 10, Iters: 2000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("best objective %.4f over %d restarts\n", res.Objective, len(res.Objectives))
	// Output: best objective 0.6667 over 10 restarts
}
