package region_test

import (
	"context"
	"fmt"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// The function |x| + |y| − 1 (the ℓ1 norm, γ_Z for generators e1, e2, minus
// one) on [−2, 2]²: four activation regions, four pieces, four maps.
func ExampleEnumerate() {
	net := relu.MustFromFloats(
		[][][]float64{{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, {{1, 1, 1, 1}}},
		[][]float64{nil, {-1}})
	dom, err := region.Box([]float64{-2, -2}, []float64{2, 2})
	if err != nil {
		panic(err)
	}
	cx, err := region.Enumerate(context.Background(), net, dom, region.Options{Exact: true})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v exact=%v\n", cx.Counts[0], cx.Exact)
	r := cx.Regions[0]
	fmt.Println("pattern", region.PatternStrings(r.Pattern, cx.Widths), "map", r.Maps[0].Grad, r.Maps[0].Const)
	// Output:
	// {Regions:4 Pieces:4 AffineMaps:4} exact=true
	// pattern [1010] map [1 1] -1
}

// Stream hands out regions one at a time.
func ExampleStream() {
	net := relu.MustFromFloats([][][]float64{{{1, 0}, {0, 1}}, {{1, -1}}}, nil)
	dom, _ := region.Box([]float64{-1, -1}, []float64{1, 1})
	cx, _ := region.Stream(context.Background(), net, dom, region.Options{}, func(r *region.Region) error {
		fmt.Println(r.Index, r.Interior, r.Maps[0].Grad)
		return nil
	})
	fmt.Println(cx.Counts[0].Pieces, "pieces")
	// Output:
	// 0 [0.5 0.5] [1 -1]
	// 1 [0.5 -0.5] [1 0]
	// 2 [-0.5 0.5] [0 -1]
	// 3 [-0.5 -0.5] [0 0]
	// 4 pieces
}

// A 2-D slice of a 3-input net through (0, 0, 1) along e1 and e2.
func ExampleSlice() {
	net := relu.MustFromFloats([][][]float64{{{1, 1, -1}}, {{1}}}, nil)
	dom, _ := region.Slice([]float64{0, 0, 1}, []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{-2, -2}, []float64{2, 2})
	cx, _ := region.Enumerate(context.Background(), net, dom, region.Options{})
	fmt.Println(cx.Counts[0].Regions, "regions in the plane x3 = 1")
	// Output: 2 regions in the plane x3 = 1
}

// Three planes in general position cut the cube [−1, 1]³ into 8 regions;
// the skeleton engine counts them from the vertices and edges of the
// complex, and CountsOnly skips building the Region values.
func ExampleOptions_countsOnly() {
	net := relu.MustFromFloats([][][]float64{{{1, 0.1, 0}, {0, 1, 0.2}, {0.3, 0, 1}}, {{1, 2, 3}}}, [][]float64{{0.1, -0.2, 0.3}, nil})
	dom, _ := region.Box([]float64{-1, -1, -1}, []float64{1, 1, 1})
	cx, _ := region.Enumerate(context.Background(), net, dom, region.Options{CountsOnly: true})
	fmt.Printf("%+v skeleton=%v vertices=%d regions listed=%d\n", cx.Counts[0], cx.Stats.Skeleton, cx.Stats.Vertices, len(cx.Regions))
	// Output: {Regions:8 Pieces:8 AffineMaps:8} skeleton=true vertices=27 regions listed=0
}
