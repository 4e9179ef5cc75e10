package pwl

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/relu"
)

// rat parses an exact rational ("1/3", "-0.5").
func rat(s string) *big.Rat { return testnet.Rat(s) }

// ratNet builds a net from exact rational strings: w[k][i][j], b[k][i].
func ratNet(w [][][]string, b [][]string) *relu.Net {
	n := &relu.Net{}
	for k := range w {
		l := relu.NewLayer(len(w[k]), len(w[k][0]))
		for i := range w[k] {
			for j := range w[k][i] {
				l.SetRat(i, j, rat(w[k][i][j]))
			}
			if b != nil && b[k] != nil {
				l.SetBiasRat(i, rat(b[k][i]))
			}
		}
		n.Layers = append(n.Layers, l)
	}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

// randDyadicNet returns a random 1→widths→1 net whose weights are multiples
// of 1/8 in [−2, 2] (exact in float64), with some zeros.
func randDyadicNet(rng *rand.Rand, widths []int) *relu.Net {
	dims := append(append([]int{1}, widths...), 1)
	n := &relu.Net{}
	for k := 0; k+1 < len(dims); k++ {
		l := relu.NewLayer(dims[k+1], dims[k])
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				if rng.IntN(6) > 0 {
					l.Set(i, j, float64(rng.IntN(33)-16)/8)
				}
			}
			if rng.IntN(4) > 0 {
				l.SetBias(i, float64(rng.IntN(33)-16)/8)
			}
		}
		n.Layers = append(n.Layers, l)
	}
	return n
}

// randTorchNet returns a 1→widths→1 net with PyTorch's default init
// U(±1/√fan_in) for weights and biases.
func randTorchNet(rng *rand.Rand, widths []int) *relu.Net {
	return testnet.Torch(rng, append(append([]int{1}, widths...), 1)...)
}

// sawtoothW returns the composition of k sawtooth zigzags of width w
// (h = wσ(x) + Σ_{i=1}^{w−1} 2(−1)^i w σ(x − i/w), spec §5 item 1) as a net
// with k hidden layers of width w, with exact rational biases i/w.
func sawtoothW(w, k int) *relu.Net {
	coef := make([]*big.Rat, w)
	for i := range coef {
		c := int64(2 * w)
		if i%2 == 1 {
			c = -c
		}
		if i == 0 {
			c = int64(w)
		}
		coef[i] = big.NewRat(c, 1)
	}
	n := &relu.Net{}
	for layer := 0; layer < k; layer++ {
		in := 1
		if layer > 0 {
			in = w
		}
		l := relu.NewLayer(w, in)
		for i := 0; i < w; i++ {
			for j := 0; j < in; j++ {
				if layer == 0 {
					l.SetRat(i, j, big.NewRat(1, 1))
				} else {
					l.SetRat(i, j, coef[j])
				}
			}
			l.SetBiasRat(i, big.NewRat(-int64(i), int64(w)))
		}
		n.Layers = append(n.Layers, l)
	}
	o := relu.NewLayer(1, w)
	for j := 0; j < w; j++ {
		o.SetRat(0, j, coef[j])
	}
	n.Layers = append(n.Layers, o)
	return n
}

// oracle composes the net unit by unit with the Rat algebra (Scale, Add,
// Compose with σ): an algorithm independent of the layer-grid engines.
func oracle(net *relu.Net) *Rat {
	sigma := &Rat{X: []*big.Rat{new(big.Rat)}, Y: []*big.Rat{new(big.Rat)}, SL: new(big.Rat), SR: big.NewRat(1, 1)}
	id := &Rat{X: []*big.Rat{new(big.Rat)}, Y: []*big.Rat{new(big.Rat)}, SL: big.NewRat(1, 1), SR: big.NewRat(1, 1)}
	cur := []*Rat{id}
	for k, l := range net.Layers {
		next := make([]*Rat, l.Out)
		for i := 0; i < l.Out; i++ {
			f := &Rat{X: []*big.Rat{new(big.Rat)}, Y: []*big.Rat{new(big.Rat).Set(l.BR[i])}, SL: new(big.Rat), SR: new(big.Rat)}
			for j := 0; j < l.In; j++ {
				f = f.Add(cur[j].Scale(l.WR[i*l.In+j])).Simplify()
			}
			if k < len(net.Layers)-1 {
				f = sigma.Compose(f).Simplify()
			}
			next[i] = f
		}
		cur = next
	}
	return cur[0]
}

// checkAgainstNet evaluates the net exactly at every breakpoint of f, at
// the midpoint of every piece and on both rays, and compares with f.
func checkAgainstNet(t *testing.T, net *relu.Net, f *Rat) {
	t.Helper()
	var pts []*big.Rat
	bp := f.Breakpoints()
	one := big.NewRat(1, 1)
	if len(bp) == 0 {
		pts = append(pts, new(big.Rat), big.NewRat(-7, 3), big.NewRat(5, 2))
	} else {
		pts = append(pts, new(big.Rat).Sub(bp[0], one), new(big.Rat).Sub(bp[0], big.NewRat(1000, 1)))
		for i, x := range bp {
			pts = append(pts, x)
			if i+1 < len(bp) {
				m := new(big.Rat).Add(x, bp[i+1])
				pts = append(pts, m.Quo(m, big.NewRat(2, 1)))
			}
		}
		last := bp[len(bp)-1]
		pts = append(pts, new(big.Rat).Add(last, one), new(big.Rat).Add(last, big.NewRat(1000, 1)))
	}
	for _, x := range pts {
		want := net.EvalRat([]*big.Rat{x})[0]
		if got := f.Eval(x); got.Cmp(want) != 0 {
			t.Fatalf("f(%s) = %s, net gives %s", x.RatString(), got.RatString(), want.RatString())
		}
	}
	// Every breakpoint is a real slope change of the net: compare the
	// slopes from exact evaluations on both sides.
	for i, x := range bp {
		lo := new(big.Rat).Sub(x, one)
		hi := new(big.Rat).Add(x, one)
		if i > 0 {
			lo.Add(bp[i-1], x).Quo(lo, big.NewRat(2, 1))
		}
		if i+1 < len(bp) {
			hi.Add(bp[i+1], x).Quo(hi, big.NewRat(2, 1))
		}
		fx := net.EvalRat([]*big.Rat{x})[0]
		sl := new(big.Rat).Sub(fx, net.EvalRat([]*big.Rat{lo})[0])
		sl.Quo(sl, new(big.Rat).Sub(x, lo))
		sr := new(big.Rat).Sub(net.EvalRat([]*big.Rat{hi})[0], fx)
		sr.Quo(sr, new(big.Rat).Sub(hi, x))
		if sl.Cmp(sr) == 0 {
			t.Fatalf("breakpoint %s: slope %s on both sides", x.RatString(), sl.RatString())
		}
	}
}

var bg = context.Background()

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(bg) }
