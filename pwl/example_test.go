package pwl_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// The zigzag h(x) = 2σ(x) − 4σ(x − ½) composed with itself has 6 pieces on
// the real line, 4 of them in [0, 1].
func ExampleFromNet() {
	net := relu.MustFromFloats(
		[][][]float64{{{1}, {1}}, {{2, -4}, {2, -4}}, {{2, -4}}},
		[][]float64{{0, -0.5}, {0, -0.5}, {0}})
	f, err := pwl.FromNet(context.Background(), net)
	if err != nil {
		panic(err)
	}
	fmt.Println("pieces:", f.NumPieces(), "bound:", pwl.LemmaD5(net.HiddenWidths()))
	fmt.Println("breakpoints:", f.X)
	fmt.Println("slopes:", f.Slopes())
	fmt.Println("pieces in [0, 1]:", f.Restrict(0, 1).NumPieces())
	// Output:
	// pieces: 6 bound: 12
	// breakpoints: [0 0.25 0.5 0.75 1]
	// slopes: [0 4 -4 4 -4 0]
	// pieces in [0, 1]: 4
}

// Theorem 2.2 on the example of paper-spec §5 item 4: 4 pieces, 4 units.
func ExampleShallow() {
	f, err := pwl.DecodeDescription(strings.NewReader(
		`{"breakpoints": [-1, 0, 2], "values": [0, 2, 0], "slope_left": 1, "slope_right": 3}`))
	if err != nil {
		panic(err)
	}
	net, rep, err := pwl.ShallowNet(f, true)
	if err != nil {
		panic(err)
	}
	fmt.Println("pieces:", rep.Pieces, "units:", net.Size(), "minimal:", rep.Minimal)
	for _, x := range []int64{-2, -1, 0, 2, 3} {
		y := net.EvalRat([]*big.Rat{big.NewRat(x, 1)})[0]
		fmt.Printf("f(%d) = %s\n", x, y.RatString())
	}
	// Output:
	// pieces: 4 units: 4 minimal: true
	// f(-2) = -1
	// f(-1) = 0
	// f(0) = 2
	// f(2) = 0
	// f(3) = 3
}

// A net on R² examined on the line (0, 0) + t·(1, 1).
func ExampleSlice() {
	// f(x, y) = σ(x) + σ(y − 1)
	net := relu.MustFromFloats([][][]float64{{{1, 0}, {0, 1}}, {{1, 1}}}, [][]float64{{0, -1}, {0}})
	line, err := pwl.Slice(net, []float64{0, 0}, []float64{1, 1})
	if err != nil {
		panic(err)
	}
	f, err := pwl.FromNet(context.Background(), line)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.NumPieces(), f.X, f.Slopes())
	// Output:
	// 3 [0 1] [0 1 2]
}
