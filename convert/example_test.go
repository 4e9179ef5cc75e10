package convert_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/relucid/relucid/convert"
	"github.com/relucid/relucid/relu"
)

// A hat function on the four triangles around the origin becomes a net with
// ⌈log₂ 3⌉ = 2 hidden layers, proven equal to the mesh function.
func ExampleConvert() {
	in, err := convert.Decode(strings.NewReader(`{"kind": "triangulation", "n": 2,
		"vertices": [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]],
		"simplices": [[0, 1, 2], [0, 2, 3], [0, 3, 4], [0, 4, 1]],
		"values": [1, 0, 0, 0, 0]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := convert.Convert(context.Background(), in, convert.Options{Verify: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary
	fmt.Println("hidden layers", s.HiddenLayers, "of at most", s.DepthBound)
	fmt.Println("terms", s.Terms, "largest max over", s.MaxArity)
	fmt.Println("proven equal:", s.Verification.Proven)
	x := []*big.Rat{big.NewRat(1, 4), big.NewRat(1, 4)}
	fmt.Println("f(1/4, 1/4) =", res.Net.EvalRat(x)[0].RatString())
	// Output:
	// hidden layers 2 of at most 2
	// terms 3 largest max over 3
	// proven equal: true
	// f(1/4, 1/4) = 1/2
}

// The max–min form max(min(x, 1), min(−x, 1)) = min(|x|, 1) with n = 1 is
// rewritten through its exact breakpoints as a sum of 2-argument maxima.
func ExampleLatticeToMaxSum() {
	r := func(a int64) *big.Rat { return big.NewRat(a, 1) }
	l := &convert.Lattice{N: 1,
		Affine: []convert.Affine{{W: []*big.Rat{r(1)}, B: r(0)}, {W: []*big.Rat{r(-1)}, B: r(0)}, {W: []*big.Rat{r(0)}, B: r(1)}},
		Sets:   [][]int{{0, 2}, {1, 2}}}
	p := convert.PWL1FromLattice(l)
	fmt.Println("pieces", p.Pieces())
	ms := convert.HingeForm(p)
	fmt.Println("terms", len(ms.Terms), "arity", ms.MaxArity())
	for _, x := range []int64{-3, 0, 1, 2} {
		fmt.Print(ms.Eval([]*big.Rat{r(x)}).RatString(), " ")
	}
	fmt.Println()
	// Output:
	// pieces 4
	// terms 3 arity 2
	// 1 0 1 1
}

// max(0, x, y, z) as a deep max-tree net becomes a Wang–Sun form with one
// 4-argument term (Koutschan et al.: no fewer arguments can do) by the
// spatial construction, exact on all of R³.
func ExampleSpatialMaxSum() {
	r := func(a int64) *big.Rat { return big.NewRat(a, 1) }
	net, err := relu.MaxAffine([][]*big.Rat{{r(0), r(0), r(0)}, {r(1), r(0), r(0)}, {r(0), r(1), r(0)}, {r(0), r(0), r(1)}},
		[]*big.Rat{r(0), r(0), r(0), r(0)})
	if err != nil {
		fmt.Println(err)
		return
	}
	ms, err := convert.SpatialMaxSum(context.Background(), net, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("largest max over", ms.MaxArity())
	x := []*big.Rat{big.NewRat(-1, 2), big.NewRat(3, 4), big.NewRat(1, 3)}
	fmt.Println("at (−1/2, 3/4, 1/3):", ms.Eval(x).RatString())
	// Output:
	// largest max over 4
	// at (−1/2, 3/4, 1/3): 3/4
}
