package relu

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

// randRat returns a random rational p/q with |p| ≤ 20 and q ∈ {1..6}, so
// that tests exercise non-dyadic values.
func randRat(rng *rand.Rand) *big.Rat {
	return big.NewRat(int64(rng.IntN(41)-20), int64(rng.IntN(6)+1))
}

// randNet returns a random net with the given widths (widths[0] inputs,
// last entry outputs) and exact rational weights.
func randNet(rng *rand.Rand, widths ...int) *Net {
	n := &Net{}
	for k := 1; k < len(widths); k++ {
		l := NewLayer(widths[k], widths[k-1])
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				l.SetRat(i, j, randRat(rng))
			}
			l.SetBiasRat(i, randRat(rng))
		}
		n.Layers = append(n.Layers, l)
	}
	return n
}

func randPoint(rng *rand.Rand, d int) []*big.Rat {
	x := make([]*big.Rat, d)
	for i := range x {
		x[i] = big.NewRat(int64(rng.IntN(201)-100), int64(rng.IntN(9)+1))
	}
	return x
}

func ratsEqual(a, b []*big.Rat) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Cmp(b[i]) != 0 {
			return false
		}
	}
	return true
}

// maxRats returns the elementwise maximum of the vectors.
func maxRats(vs ...[]*big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(vs[0]))
	for i := range out {
		out[i] = new(big.Rat).Set(vs[0][i])
		for _, v := range vs[1:] {
			if v[i].Cmp(out[i]) > 0 {
				out[i].Set(v[i])
			}
		}
	}
	return out
}

// checkFloatsInStep verifies the invariant that W/B are the roundings of
// WR/BR.
func checkFloatsInStep(t *testing.T, n *Net) {
	t.Helper()
	for k, l := range n.Layers {
		for i, r := range l.WR {
			if f, _ := r.Float64(); f != l.W[i] {
				t.Fatalf("layer %d weight %d: float %v, exact %v", k, i, l.W[i], r.RatString())
			}
		}
		for i, r := range l.BR {
			if f, _ := r.Float64(); f != l.B[i] {
				t.Fatalf("layer %d bias %d: float %v, exact %v", k, i, l.B[i], r.RatString())
			}
		}
	}
}

func TestOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randNet(rng, 3, 4, 5, 2)    // depth 3, size 9, R^3→R^2
	b := randNet(rng, 2, 3, 1)       // depth 2, size 3, R^2→R
	c := randNet(rng, 3, 2, 2, 2, 1) // depth 4, size 6, R^3→R
	d := randNet(rng, 3, 1)          // affine R^3→R, depth 1
	e := randNet(rng, 3, 3, 1)       // depth 2, size 3
	f := randNet(rng, 1, 2, 4)       // R→R^4: input side padding
	g := randNet(rng, 3, 3)          // affine R^3→R^3
	h := randNet(rng, 3, 4, 3)       // depth 2, size 4, R^3→R^3
	half := big.NewRat(-7, 3)
	ev := func(n *Net) func([]*big.Rat) []*big.Rat { return n.EvalRat }
	tests := []struct {
		name        string
		build       func() (*Net, error)
		want        func(x []*big.Rat) []*big.Rat
		depth, size int
	}{
		{"compose", func() (*Net, error) { return Compose(b, a) },
			func(x []*big.Rat) []*big.Rat { return b.EvalRat(a.EvalRat(x)) }, 4, 12},
		{"compose affine inner", func() (*Net, error) { return Compose(e, g) },
			func(x []*big.Rat) []*big.Rat { return e.EvalRat(g.EvalRat(x)) }, 2, 3},
		{"compose affine outer", func() (*Net, error) { return Compose(g, h) },
			func(x []*big.Rat) []*big.Rat { return g.EvalRat(h.EvalRat(x)) }, 2, 4},
		{"pad output side", func() (*Net, error) { return PadIdentity(c, 6) }, ev(c), 6, 6 + 2*2},
		{"pad input side", func() (*Net, error) { return PadIdentity(f, 4) }, ev(f), 4, 2 + 2*2},
		{"pad affine", func() (*Net, error) { return PadIdentity(d, 3) }, ev(d), 3, 4},
		{"pad nothing", func() (*Net, error) { return PadIdentity(c, 4) }, ev(c), 4, 6},
		{"parallel", func() (*Net, error) { return Parallel(a, c, d) },
			func(x []*big.Rat) []*big.Rat {
				return append(append(a.EvalRat(x), c.EvalRat(x)...), d.EvalRat(x)...)
			}, 4, 9 + 2*2 + 6 + 2*3},
		{"sum", func() (*Net, error) { return Sum(c, d, e) },
			func(x []*big.Rat) []*big.Rat {
				s := new(big.Rat).Add(c.EvalRat(x)[0], d.EvalRat(x)[0])
				return []*big.Rat{s.Add(s, e.EvalRat(x)[0])}
			}, 4, 6 + 2*3 + 3 + 2*2},
		{"sum one", func() (*Net, error) { return Sum(e) }, ev(e), 2, 3},
		{"linear combination", func() (*Net, error) {
			return LinearCombination([]*big.Rat{half, big.NewRat(0, 1), big.NewRat(5, 1)}, c, d, e)
		},
			func(x []*big.Rat) []*big.Rat {
				s := new(big.Rat).Mul(half, c.EvalRat(x)[0])
				return []*big.Rat{s.Add(s, new(big.Rat).Mul(big.NewRat(5, 1), e.EvalRat(x)[0]))}
			}, 4, 6 + 2*3 + 3 + 2*2},
		{"scale", func() (*Net, error) { return Scale(a, half), nil },
			func(x []*big.Rat) []*big.Rat {
				y := a.EvalRat(x)
				for _, v := range y {
					v.Mul(v, half)
				}
				return y
			}, 3, 9},
		{"negate", func() (*Net, error) { return Negate(c), nil },
			func(x []*big.Rat) []*big.Rat { y := c.EvalRat(x); y[0].Neg(y[0]); return y }, 4, 6},
		{"affine", func() (*Net, error) { return Affine(rowsOf(a.Layers[0]), a.Layers[0].BR) },
			func(x []*big.Rat) []*big.Rat { return (&Net{Layers: a.Layers[:1]}).EvalRat(x) }, 2, 8},
		{"max two", func() (*Net, error) { return Max(c, e) },
			func(x []*big.Rat) []*big.Rat { return maxRats(c.EvalRat(x), e.EvalRat(x)) }, 5, 6 + 3 + 2*2 + 4},
		{"max three mixed depths", func() (*Net, error) { return Max(c, d, e) },
			func(x []*big.Rat) []*big.Rat { return maxRats(c.EvalRat(x), d.EvalRat(x), e.EvalRat(x)) },
			4 + 2, 6 + 2*3 + 3 + 2*2 + MaxTreeSize(3, Gadget4)},
		{"max one", func() (*Net, error) { return Max(c) }, ev(c), 4, 6},
		{"max vector", func() (*Net, error) { return Max(a, Scale(a, half)) },
			func(x []*big.Rat) []*big.Rat {
				y := a.EvalRat(x)
				z := Scale(a, half).EvalRat(x)
				return maxRats(y, z)
			}, 4, 18 + 2*4},
		{"max gadget3 five", func() (*Net, error) { return MaxWith(Gadget3, c, d, e, c, e) },
			func(x []*big.Rat) []*big.Rat {
				return maxRats(c.EvalRat(x), d.EvalRat(x), e.EvalRat(x))
			}, 4 + 3, 6 + 6 + 3 + 2*2 + 6 + 3 + 2*2 + MaxTreeSize(5, Gadget3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Validate(); err != nil {
				t.Fatal(err)
			}
			checkFloatsInStep(t, got)
			if got.Depth() != tc.depth || got.Size() != tc.size {
				t.Errorf("depth %d size %d, want depth %d size %d", got.Depth(), got.Size(), tc.depth, tc.size)
			}
			for trial := 0; trial < 200; trial++ {
				x := randPoint(rng, got.InputDim())
				if y, w := got.EvalRat(x), tc.want(x); !ratsEqual(y, w) {
					t.Fatalf("at %v: got %v, want %v", x, y, w)
				}
			}
		})
	}
}

func rowsOf(l Layer) [][]*big.Rat {
	w := make([][]*big.Rat, l.Out)
	for i := range w {
		w[i] = l.WR[i*l.In : (i+1)*l.In]
	}
	return w
}

func TestMaxTreeSizes(t *testing.T) {
	// Spec §5 item 6: max of n+1 values uses ⌈log₂(n+1)⌉ hidden layers.
	wantDepth := map[int]int{1: 0, 2: 1, 3: 2, 4: 2, 5: 3, 8: 3, 9: 4, 16: 4, 17: 5}
	for q, d := range wantDepth {
		if got := MaxTreeDepth(q); got != d {
			t.Errorf("MaxTreeDepth(%d) = %d, want %d", q, got, d)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for q := 1; q <= 17; q++ {
		for _, g := range []Gadget{Gadget4, Gadget3} {
			net := MaxTree(q, 2, g)
			if net.Depth() != MaxTreeDepth(q)+1 || net.Size() != 2*MaxTreeSize(q, g) {
				t.Errorf("q=%d g=%d: depth %d size %d", q, g, net.Depth(), net.Size())
			}
			// Lemma D.3 (A6): size ≤ 4(2q−1) per coordinate.
			if MaxTreeSize(q, g) > 4*(2*q-1) {
				t.Errorf("q=%d: tree size %d exceeds 4(2q−1)", q, MaxTreeSize(q, g))
			}
			if q&(q-1) == 0 && MaxTreeSize(q, g) != int(g)*(q-1) {
				t.Errorf("q=%d power of two: size %d, want %d", q, MaxTreeSize(q, g), int(g)*(q-1))
			}
			for trial := 0; trial < 50; trial++ {
				x := randPoint(rng, 2*q)
				// Ties are a degenerate case worth hitting: copy coordinates.
				if trial%3 == 0 && q > 1 {
					x[2] = x[0]
				}
				w := make([][]*big.Rat, q)
				for i := range w {
					w[i] = x[2*i : 2*i+2]
				}
				if y := net.EvalRat(x); !ratsEqual(y, maxRats(w...)) {
					t.Fatalf("q=%d g=%d at %v: got %v", q, g, x, y)
				}
			}
		}
	}
}

func TestMaxGadgetSpecExample(t *testing.T) {
	// Spec §5 item 6: max(3, −2) = ½σ(1) − ½σ(−1) + ½σ(5) + ½σ(−5) = 3.
	net := MaxTree(2, 1, Gadget4)
	y := net.EvalRat([]*big.Rat{big.NewRat(3, 1), big.NewRat(-2, 1)})
	if y[0].Cmp(big.NewRat(3, 1)) != 0 {
		t.Fatalf("max(3,−2) = %v", y[0])
	}
	pre := net.Layers[0]
	want := []int64{1, -1, 5, -5}
	for i, w := range want {
		s := new(big.Rat).Mul(pre.WR[i*2], big.NewRat(3, 1))
		s.Add(s, new(big.Rat).Mul(pre.WR[i*2+1], big.NewRat(-2, 1)))
		if s.Cmp(big.NewRat(w, 1)) != 0 {
			t.Errorf("unit %d pre-activation %v, want %d", i, s, w)
		}
	}
}

func TestMaxAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for q := 1; q <= 9; q++ {
		for n := 1; n <= 3; n++ {
			a := make([][]*big.Rat, q)
			b := make([]*big.Rat, q)
			for i := range a {
				a[i] = make([]*big.Rat, n)
				for j := range a[i] {
					a[i][j] = randRat(rng)
				}
				b[i] = randRat(rng)
			}
			net, err := MaxAffine(a, b)
			if err != nil {
				t.Fatal(err)
			}
			if net.Depth() != MaxTreeDepth(q)+1 || net.Size() != MaxTreeSize(q, Gadget4) {
				t.Errorf("q=%d: depth %d size %d", q, net.Depth(), net.Size())
			}
			checkFloatsInStep(t, net)
			for trial := 0; trial < 50; trial++ {
				x := randPoint(rng, n)
				best := (*big.Rat)(nil)
				for i := range a {
					v := new(big.Rat).Set(b[i])
					for j := range x {
						v.Add(v, new(big.Rat).Mul(a[i][j], x[j]))
					}
					if best == nil || v.Cmp(best) > 0 {
						best = v
					}
				}
				if y := net.EvalRat(x); y[0].Cmp(best) != 0 {
					t.Fatalf("q=%d at %v: got %v want %v", q, x, y[0], best)
				}
			}
		}
	}
}

func TestOpsErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := randNet(rng, 3, 2, 2)
	b := randNet(rng, 2, 2, 1)
	c := randNet(rng, 3, 2, 1)
	if _, err := Compose(a, a); !errors.Is(err, ErrDimension) {
		t.Errorf("Compose mismatch: %v", err)
	}
	if _, err := Parallel(a, b); !errors.Is(err, ErrDimension) {
		t.Errorf("Parallel mismatch: %v", err)
	}
	if _, err := Sum(a, c); !errors.Is(err, ErrDimension) {
		t.Errorf("Sum output mismatch: %v", err)
	}
	if _, err := Max(a, c); !errors.Is(err, ErrDimension) {
		t.Errorf("Max output mismatch: %v", err)
	}
	if _, err := Sum(); err == nil {
		t.Error("Sum of nothing")
	}
	if _, err := Max(); err == nil {
		t.Error("Max of nothing")
	}
	if _, err := Parallel(); err == nil {
		t.Error("Parallel of nothing")
	}
	if _, err := PadIdentity(a, 1); err == nil {
		t.Error("PadIdentity to smaller depth")
	}
	if _, err := Compose(a, &Net{}); !errors.Is(err, ErrNoLayers) {
		t.Errorf("Compose empty: %v", err)
	}
	if _, err := Sum(c, nil); !errors.Is(err, ErrNoLayers) {
		t.Errorf("Sum nil: %v", err)
	}
	if _, err := AffineLayer(nil, nil); err == nil {
		t.Error("empty affine")
	}
	one := big.NewRat(1, 1)
	if _, err := AffineLayer([][]*big.Rat{{one, one}, {one}}, nil); !errors.Is(err, ErrDimension) {
		t.Errorf("ragged affine: %v", err)
	}
	if _, err := Affine([][]*big.Rat{{one}}, []*big.Rat{one, one}); !errors.Is(err, ErrDimension) {
		t.Errorf("bias length: %v", err)
	}
	if _, err := LinearCombination([]*big.Rat{one}, a, a); err == nil {
		t.Error("coefficient count")
	}
}

func TestOpsDoNotAliasOperands(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := randNet(rng, 2, 3, 1)
	before := a.Clone()
	s, _ := Sum(a, a)
	p, _ := PadIdentity(a, 3)
	for _, n := range []*Net{s, p, Scale(a, big.NewRat(2, 1))} {
		for k := range n.Layers {
			for i := range n.Layers[k].WR {
				n.Layers[k].WR[i].SetInt64(99)
			}
		}
	}
	x := randPoint(rng, 2)
	if !ratsEqual(a.EvalRat(x), before.EvalRat(x)) {
		t.Fatal("an operation aliased its operand's weights")
	}
}
