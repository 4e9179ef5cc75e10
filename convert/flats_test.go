package convert

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/relu"
)

// checkFlats compares the form of FlatsMaxSum with the net at exact random
// points, near and far.
func checkFlats(t *testing.T, name string, net *relu.Net, rng *rand.Rand) *MaxSum {
	t.Helper()
	return checkPolyForm(t, name, net, rng, FlatsMaxSum)
}

func TestFlatsAllDimensions(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 37))
	for _, n := range []int{2, 3, 4} {
		for c := 0; c < 6; c++ {
			net := randRatNet(rng, 2, 1, n, 2+c%2, 2+(c/2)%2, 1)
			ms := checkFlats(t, "random", net, rng)
			t.Logf("n=%d c=%d terms %d arity %d", n, c, len(ms.Terms), ms.MaxArity())
		}
	}
}

// maxNet returns max(0, x_1, …, x_n) as a max-tree net.
func maxNet(t *testing.T, n int) *relu.Net {
	t.Helper()
	a := make([][]*big.Rat, n+1)
	b := make([]*big.Rat, n+1)
	for i := range a {
		a[i] = make([]*big.Rat, n)
		for j := range a[i] {
			a[i][j] = new(big.Rat)
		}
		if i > 0 {
			a[i][i-1].SetInt64(1)
		}
		b[i] = new(big.Rat)
	}
	net, err := relu.MaxAffine(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestFlatsNamed(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 43))
	for _, n := range []int{2, 3, 4} {
		// max(0, x_1, …, x_n) needs a term with n+1 arguments.
		if ms := checkFlats(t, "max of n+1", maxNet(t, n), rng); ms.MaxArity() != n+1 {
			t.Errorf("n = %d: max(0, x_1, …, x_n) got arity %d", n, ms.MaxArity())
		}
	}
	// In R⁴, max(0, x_1, x_2, x_3) + max(0, x_4 − x_1): a 4-argument germ
	// along a line (codimension 3), crossed by one more hyperplane.
	checkFlats(t, "codimension-3 germ", withRidge(t, maxNet(t, 3)), rng)
	// Deeper nets in four dimensions.
	for c := 0; c < 4; c++ {
		checkFlats(t, "deep 4-D", randRatNet(rng, 2, 1, 4, 2, 2, 2, 1), rng)
	}
}

// withRidge returns x ↦ m(x_1, x_2, x_3) + max(0, x_4 − x_1) on R⁴ for a
// net m on R³: m's layers widened by one unit that the hidden layers carry
// (relu(u) = u for u ≥ 0).
func withRidge(t *testing.T, m *relu.Net) *relu.Net {
	t.Helper()
	one := big.NewRat(1, 1)
	out := &relu.Net{}
	last := len(m.Layers) - 1
	for k, l := range m.Layers {
		in := l.In + 1
		if k == 0 {
			in = 4
		}
		rows := l.Out + 1
		if k == last {
			rows = l.Out
		}
		w := relu.NewLayer(rows, in)
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				w.SetRat(i, j, l.RatAt(i, j))
			}
			w.SetBiasRat(i, l.BR[i])
		}
		switch {
		case k == 0:
			w.SetRat(l.Out, 3, one)
			w.SetRat(l.Out, 0, big.NewRat(-1, 1))
		case k == last:
			w.SetRat(0, l.In, one)
		default:
			w.SetRat(l.Out, l.In, one)
		}
		out.Layers = append(out.Layers, w)
	}
	if err := out.Validate(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFlatsConvert: depth compression of nets with four inputs, by
// --method spatial (the recursion over flats) and by auto, ends within
// ⌈log₂ 5⌉ = 3 hidden layers and is verified.
func TestFlatsConvert(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 53))
	net := randRatNet(rng, 2, 1, 4, 3, 2, 1)
	for _, m := range []Method{Spatial, Auto} {
		res, err := Convert(context.Background(), &Input{Kind: KindNet, Net: net}, Options{Method: m, Verify: true})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		if s.HiddenLayers > 3 || s.Verification == nil || !s.Verification.Equal || (m == Spatial && s.Method != Spatial) {
			t.Errorf("%s: summary %+v", m, s)
		}
		t.Logf("%s: method %s, %d hidden layers, size %d, verified %s", m, s.Method, s.HiddenLayers, s.Size, s.Verified)
	}
}
