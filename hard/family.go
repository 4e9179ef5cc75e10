package hard

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sort"

	"github.com/relucid/relucid/relu"
)

// MaxLayers and MaxTeeth bound the families built here so that a typo cannot
// ask for a net with billions of parameters; the bounds are far beyond what
// any exact check can process (w^k pieces).
const (
	MaxLayers = 10_000
	MaxTeeth  = 100_000
)

func checkKW(k, w int) error {
	if k < 1 {
		return fmt.Errorf("k = %d: need k ≥ 1 layers", k)
	}
	if w < 2 {
		return fmt.Errorf("w = %d: need w ≥ 2 teeth per layer", w)
	}
	if k > MaxLayers || w > MaxTeeth || int64(k)*int64(w)*int64(w+1) > relu.MaxParams {
		return fmt.Errorf("k = %d, w = %d too large (limits %d layers, %d teeth, %d parameters)", k, w, MaxLayers, MaxTeeth, relu.MaxParams)
	}
	return nil
}

// EqualTeeth returns a = (M/w, 2M/w, …, (w−1)M/w) ∈ Δ^{w−1}_M.
func EqualTeeth(w int, m *big.Rat) []*big.Rat {
	a := make([]*big.Rat, w-1)
	for i := range a {
		a[i] = new(big.Rat).Mul(m, big.NewRat(int64(i+1), int64(w)))
	}
	return a
}

// Sawtooth returns f_{k,w} of Theorem 3.5: H_{a,…,a} with M = 1 and
// a = (1/w, …, (w−1)/w), a sawtooth of w^k equal teeth on [0, 1].
func Sawtooth(k, w int) (*Composition, error) {
	if err := checkKW(k, w); err != nil {
		return nil, err
	}
	one := big.NewRat(1, 1)
	layers := make([][]*big.Rat, k)
	for i := range layers {
		layers[i] = EqualTeeth(w, one)
	}
	return NewComposition(one, layers)
}

// RandomDelta returns a random point of Δ^{w−1}_M with rational coordinates of
// small random denominators, so that members are generally not float64
// values (like 1/3) and teeth have unequal widths.
func RandomDelta(rng *rand.Rand, w int, m *big.Rat) []*big.Rat {
	seen := map[string]bool{}
	a := make([]*big.Rat, 0, w-1)
	for len(a) < w-1 {
		// denominators up to 4w+7 leave room for w−1 distinct values.
		q := int64(2 + rng.IntN(4*w+6))
		p := int64(1 + rng.IntN(int(q-1)))
		r := new(big.Rat).Mul(m, big.NewRat(p, q))
		if key := r.RatString(); !seen[key] {
			seen[key] = true
			a = append(a, r)
		}
	}
	sort.Slice(a, func(i, j int) bool { return a[i].Cmp(a[j]) < 0 })
	return a
}

// Random returns a random member of the hard family with k layers of w teeth
// (Theorem 3.2): random M ∈ {1, 2, 1/2, 3/2, …} and random a^i ∈ Δ^{w−1}_M.
func Random(rng *rand.Rand, k, w int) (*Composition, error) {
	if err := checkKW(k, w); err != nil {
		return nil, err
	}
	m := big.NewRat(int64(1+rng.IntN(4)), int64(1+rng.IntN(2)))
	layers := make([][]*big.Rat, k)
	for i := range layers {
		layers[i] = RandomDelta(rng, w, m)
	}
	return NewComposition(m, layers)
}

// CorollaryLayers returns the number of zigzag layers of the Corollary 3.3
// family for k and ε: ⌈k^{1+ε}⌉ (spec A15: the paper needs k^{1+ε} ∈ N and
// otherwise we round the depth up). Each layer has width k, so the net has
// depth layers+1 and size k·layers (k^{2+ε} when k^{1+ε} is an integer).
func CorollaryLayers(k int, eps float64) (int, error) {
	if k < 2 {
		return 0, fmt.Errorf("k = %d: Corollary 3.3 needs k ≥ 2 (width k zigzags)", k)
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, fmt.Errorf("ε = %v: need ε > 0", eps)
	}
	// exact for integer ε via integer powers; otherwise round up, after
	// forgiving a relative rounding error of 1e-12 so 8^{1.5}·… style exact
	// values are not pushed up by one.
	if eps == math.Trunc(eps) && eps < 64 {
		l := 1
		for i := 0; i < int(eps)+1; i++ {
			if l > MaxLayers {
				break
			}
			l *= k
		}
		if l > MaxLayers {
			return 0, fmt.Errorf("k^{1+ε} = %d^%v exceeds %d layers", k, 1+eps, MaxLayers)
		}
		return l, nil
	}
	v := math.Pow(float64(k), 1+eps)
	l := math.Ceil(v * (1 - 1e-12))
	if l > MaxLayers {
		return 0, fmt.Errorf("k^{1+ε} = %.4g exceeds %d layers", v, MaxLayers)
	}
	return int(l), nil
}

// Corollary returns a member of the Corollary 3.3 family (Corollary 3.4 for
// ε = 1): ⌈k^{1+ε}⌉ zigzag layers of width k. With rng nil the member is the
// equal-teeth one (M = 1); otherwise it is random.
func Corollary(rng *rand.Rand, k int, eps float64) (*Composition, error) {
	l, err := CorollaryLayers(k, eps)
	if err != nil {
		return nil, err
	}
	if rng != nil {
		return Random(rng, l, k)
	}
	return Sawtooth(l, k)
}
