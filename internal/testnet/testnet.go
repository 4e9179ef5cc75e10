// Package testnet holds random and hand-built nets for tests and benchmarks:
// PyTorch-initialised random nets drawn in one fixed order, and the exact
// rational literals hand-built nets are written with, so that packages
// testing the same kind of net build it the same way.
package testnet

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"

	"github.com/relucid/relucid/relu"
)

// Rat parses an exact rational literal ("1/3", "-0.5", "7"), the way tests
// write the weights of hand-built nets. It panics if s does not parse: a bad
// literal is a bug in the test, not an input to handle.
func Rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(fmt.Sprintf("testnet: bad rational %q", s))
	}
	return r
}

// Rats parses each literal with Rat.
func Rats(ss ...string) []*big.Rat {
	r := make([]*big.Rat, len(ss))
	for i, s := range ss {
		r[i] = Rat(s)
	}
	return r
}

// Torch returns a net with layer widths widths[0] → widths[1] → … →
// widths[len(widths)−1] drawn as PyTorch's default nn.Linear initialisation
// draws it: every weight and bias of a layer with fan-in k is uniform on
// [−1/√k, 1/√k). The values come from rng layer by layer and, within a
// layer, row by row, each row's weights before its bias; tests that pin a
// seed rely on this order, so it must not change. It panics if fewer than
// two widths are given or a width is not positive.
func Torch(rng *rand.Rand, widths ...int) *relu.Net {
	if len(widths) < 2 {
		panic("testnet: Torch needs an input and an output width")
	}
	n := &relu.Net{}
	for k := 0; k+1 < len(widths); k++ {
		l := relu.NewLayer(widths[k+1], widths[k])
		bound := 1 / math.Sqrt(float64(widths[k]))
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				l.Set(i, j, (2*rng.Float64()-1)*bound)
			}
			l.SetBias(i, (2*rng.Float64()-1)*bound)
		}
		n.Layers = append(n.Layers, l)
	}
	return n
}
