package plot_test

import (
	"fmt"
	"os"

	"github.com/relucid/relucid/plot"
)

// The zigzag h∘h of the paper's Section 3 on [−0.25, 1.25]: five
// breakpoints, six pieces.
func ExampleFunctionPlot() {
	f := plot.Function{X: []float64{0, 0.25, 0.5, 0.75, 1}, Y: []float64{0, 1, 0, 1, 0}}
	fmt.Println(f.Breakpoints())
	c, err := plot.FunctionPlot(f, -0.25, 1.25, plot.Options{Title: "h∘h"})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := os.CreateTemp("", "zigzag-*.svg")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(out.Name())
	defer out.Close()
	fmt.Println(c.WriteSVG(out))
	// Output:
	// [0 0.25 0.5 0.75 1]
	// <nil>
}

// Pieces of the compositions of the zigzag against depth, on a log scale.
func ExampleLineChart() {
	depth := []float64{1, 2, 3, 4, 5}
	pieces := []float64{3, 5, 9, 17, 33}
	c, err := plot.LineChart([]plot.Series{{Name: "h^k", X: depth, Y: pieces}},
		plot.ChartOptions{Options: plot.Options{XLabel: "depth", YLabel: "pieces"}, LogY: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.W, c.H, plot.Ticks(plot.Axis{Min: 2, Max: 50, Log: true}))
	// Output: 640 400 [2 5 10 20 50]
}
