package sorted

import (
	"cmp"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestUnionFunc(t *testing.T) {
	tests := []struct{ a, b, want []int }{
		{nil, nil, []int{}},
		{[]int{1, 3}, nil, []int{1, 3}},
		{nil, []int{2}, []int{2}},
		{[]int{1, 3, 5}, []int{2, 3, 6, 7}, []int{1, 2, 3, 5, 6, 7}},
		{[]int{4}, []int{4}, []int{4}},
	}
	for _, tc := range tests {
		if got := UnionFunc(tc.a, tc.b, cmp.Compare[int]); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("UnionFunc(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestUnionFuncOracle compares with sort-and-compact on random sets.
func TestUnionFuncOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		a, b := randSet(rng), randSet(rng)
		want := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(a), b...))))
		if got := UnionFunc(a, b, cmp.Compare[float64]); !slices.Equal(got, want) {
			t.Fatalf("UnionFunc(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
}

func TestUnionFuncRat(t *testing.T) {
	r := func(s string) *big.Rat { x, _ := new(big.Rat).SetString(s); return x }
	got := UnionFunc([]*big.Rat{r("1/3"), r("1/2")}, []*big.Rat{r("2/6"), r("2/3")}, (*big.Rat).Cmp)
	if len(got) != 3 || got[0].Cmp(r("1/3")) != 0 || got[2].Cmp(r("2/3")) != 0 {
		t.Errorf("got %v", got)
	}
}

func randSet(rng *rand.Rand) []float64 {
	s := make([]float64, rng.IntN(8))
	for i := range s {
		s[i] = float64(rng.IntN(10))
	}
	return slices.Compact(slices.Sorted(slices.Values(s)))
}
