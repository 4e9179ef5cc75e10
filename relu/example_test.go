package relu_test

import (
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/relucid/relucid/relu"
)

// The zigzag h(x) = 2σ(x) − 4σ(x − ½) of spec §5 item 1.
func zigzag() *relu.Net {
	return relu.MustFromFloats(
		[][][]float64{{{1}, {1}}, {{2, -4}}},
		[][]float64{{0, -0.5}, {0}})
}

func ExampleNewLayer() {
	// A layer R^2 → R^1 computing x₀/3 − x₁ + ½, set exactly.
	l := relu.NewLayer(1, 2)
	l.SetRat(0, 0, big.NewRat(1, 3))
	l.Set(0, 1, -1)
	l.SetBias(0, 0.5)
	net := &relu.Net{Layers: []relu.Layer{l}}
	fmt.Println(net.EvalRat([]*big.Rat{big.NewRat(1, 1), big.NewRat(0, 1)})[0].RatString())
	// Output: 5/6
}

func ExampleFromFloats() {
	net, err := relu.FromFloats(
		[][][]float64{{{1}, {1}}, {{2, -4}}},
		[][]float64{{0, -0.5}, nil})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("depth", net.Depth(), "size", net.Size(), "widths", net.HiddenWidths())
	// Output: depth 2 size 2 widths [2]
}

func ExampleNet_Eval() {
	net := zigzag()
	for _, x := range []float64{0.25, 0.5, 0.75, 1, 2} {
		fmt.Println(x, net.Eval([]float64{x})[0])
	}
	// Output:
	// 0.25 0.5
	// 0.5 1
	// 0.75 0.5
	// 1 0
	// 2 -2
}

func ExampleNet_EvalRat() {
	// Exact evaluation at x = 1/3, which float64 cannot represent.
	y := zigzag().EvalRat([]*big.Rat{big.NewRat(1, 3)})
	fmt.Println(y[0].RatString())
	// Output: 2/3
}

func ExampleDecode() {
	net, err := relu.Decode(strings.NewReader(
		`{"layers": [{"weight": [["1/3"]], "bias": [0]}, {"weight": [[3]]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net.EvalRat([]*big.Rat{big.NewRat(7, 1)})[0].RatString())
	net.Encode(os.Stdout)
	// Output:
	// 7
	// {"layers": [
	//   {"weight": [["1/3"]], "bias": [0]},
	//   {"weight": [[3]], "bias": [0]}
	// ]}
}

func ExampleCompose() {
	// h∘h has 2² teeth on [0, 1]: depth 2+2−1 = 3, size 2+2 = 4 (Lemma D.1).
	h := zigzag()
	hh, err := relu.Compose(h, h)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("depth", hh.Depth(), "size", hh.Size())
	for _, x := range []string{"1/8", "1/4", "3/8", "1/2"} {
		r, _ := new(big.Rat).SetString(x)
		fmt.Print(hh.EvalRat([]*big.Rat{r})[0].RatString(), " ")
	}
	fmt.Println()
	// Output:
	// depth 3 size 4
	// 1/2 1 1/2 0
}

func ExampleMax() {
	// max{x, −x, ½} = max{|x|, ½} through one 4-unit gadget per pair.
	id := relu.MustFromFloats([][][]float64{{{1}}}, nil)
	neg := relu.Negate(id)
	half := relu.MustFromFloats([][][]float64{{{0}}}, [][]float64{{0.5}})
	m, err := relu.Max(id, neg, half)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("hidden layers", m.Depth()-1, "size", m.Size())
	for _, x := range []float64{-2, 0.25, 3} {
		fmt.Println(x, m.Eval([]float64{x})[0])
	}
	// Output:
	// hidden layers 2 size 10
	// -2 2
	// 0.25 0.5
	// 3 3
}

func ExampleMaxAffine() {
	// The max of n+1 = 3 affine functions of R^2 needs ⌈log₂ 3⌉ = 2 hidden layers.
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	net, err := relu.MaxAffine(
		[][]*big.Rat{{r(1, 1), r(0, 1)}, {r(0, 1), r(1, 1)}, {r(-1, 1), r(-1, 1)}},
		[]*big.Rat{r(0, 1), r(0, 1), r(1, 3)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("hidden layers", net.Depth()-1, "size", net.Size())
	fmt.Println(net.EvalRat([]*big.Rat{r(-1, 1), r(-1, 2)})[0].RatString())
	// Output:
	// hidden layers 2 size 10
	// 11/6
}
