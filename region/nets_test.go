package region

import (
	"math/big"
	"math/rand/v2"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/relu"
)

// rat parses "p/q".
func rat(s string) *big.Rat { return testnet.Rat(s) }

// zonotopeNet builds ZONOTOPE^n_{k,w,m}[a, b] = H_{a^1..a^k} ∘ γ_Z(b) exactly
// as in paper-spec §2.3 (Proposition 3.8): hidden layer 1 holds ±b^i with
// zero biases; zigzag layer 1 reads γ = 1ᵀy; each zigzag h_a is
// Σ_i c_i σ(t − a_i) with a_0 = 0 and c the slope changes; the output is
// (c^k)ᵀ. gens are rows b^i; as[j] are the breakpoints a^j (rationals); M is
// the height.
func zonotopeNet(gens [][]*big.Rat, as [][]*big.Rat, M *big.Rat) *relu.Net {
	n := len(gens[0])
	m := len(gens)
	layers := []relu.Layer{}
	l1 := relu.NewLayer(2*m, n)
	for i, g := range gens {
		for j := range g {
			l1.SetRat(2*i, j, g[j])
			l1.SetRat(2*i+1, j, new(big.Rat).Neg(g[j]))
		}
	}
	layers = append(layers, l1)
	prevOut := 2 * m
	var prevC []*big.Rat // output weights of the previous zigzag (nil: γ = sum)
	for _, a := range as {
		w := len(a) + 1
		knots := append([]*big.Rat{new(big.Rat)}, a...) // a_0 = 0, a_1..a_{w-1}
		ends := append(append([]*big.Rat{}, knots...), M)
		slopes := make([]*big.Rat, w)
		for i := 1; i <= w; i++ {
			s := new(big.Rat).Quo(M, new(big.Rat).Sub(ends[i], ends[i-1]))
			if i%2 == 0 {
				s.Neg(s)
			}
			slopes[i-1] = s
		}
		c := make([]*big.Rat, w)
		c[0] = slopes[0]
		for i := 1; i < w; i++ {
			c[i] = new(big.Rat).Sub(slopes[i], slopes[i-1])
		}
		l := relu.NewLayer(w, prevOut)
		for i := 0; i < w; i++ {
			for j := 0; j < prevOut; j++ {
				if prevC == nil {
					l.SetRat(i, j, big.NewRat(1, 1))
				} else {
					l.SetRat(i, j, prevC[j])
				}
			}
			l.SetBiasRat(i, new(big.Rat).Neg(knots[i]))
		}
		layers = append(layers, l)
		prevOut, prevC = w, c
	}
	out := relu.NewLayer(1, prevOut)
	for j := 0; j < prevOut; j++ {
		if prevC == nil {
			out.SetRat(0, j, big.NewRat(1, 1))
		} else {
			out.SetRat(0, j, prevC[j])
		}
	}
	layers = append(layers, out)
	net := &relu.Net{Layers: layers}
	if err := net.Validate(); err != nil {
		panic(err)
	}
	return net
}

func rats(ss ...string) []*big.Rat { return testnet.Rats(ss...) }

// randomNet draws a net with PyTorch's default nn.Linear initialisation
// (weights and biases uniform in ±1/√fan_in) from PCG stream (seed, 17).
func randomNet(seed uint64, widths ...int) *relu.Net {
	return testnet.Torch(rand.New(rand.NewPCG(seed, 17)), widths...)
}
