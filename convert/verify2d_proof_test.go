package convert

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// randNet2 returns a net with two inputs, the given hidden widths and one
// output, with small rational weights (many ties and parallel kinks).
func randNet2(rng *rand.Rand, hidden ...int) *relu.Net {
	return randRatNet(rng, 2, 1, append(append([]int{2}, hidden...), 1)...)
}

// planeInputs returns n = 2 inputs of every form: signed sums of maxima,
// lattice forms, triangulations (vertex values and corner values),
// nets on a box and nets on all of R², and named degenerate cases.
func planeInputs(t testing.TB, rng *rand.Rand) []struct {
	name string
	in   *Input
} {
	t.Helper()
	type named = struct {
		name string
		in   *Input
	}
	var out []named
	for k := 0; k < 3; k++ {
		ms := randMaxSum(rng, 2)
		out = append(out, named{fmt.Sprintf("maxsum %d", k), &Input{Kind: KindMaxSum, MaxSum: ms}})
		out = append(out, named{fmt.Sprintf("lattice %d", k), &Input{Kind: KindLattice, Lattice: randLattice(rng, 2, 3+rng.IntN(3), 1+rng.IntN(3))}})
	}
	aff := func(b int64, w ...int64) Affine {
		a := Affine{B: rat(b, 1)}
		for _, x := range w {
			a.W = append(a.W, rat(x, 1))
		}
		return a
	}
	out = append(out,
		named{"degenerate: pieces meet at a point", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{aff(0, 1, 0), aff(0, 0, 1), aff(0, -1, -1)}, Terms: []Term{{Sign: 1, Args: []int{0, 1, 2}}}}}},
		named{"degenerate: parallel kinks only", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{aff(0, 1, 1), aff(3, 0, 0), aff(-2, 1, 1), aff(5, 0, 0)},
			Terms:  []Term{{Sign: 1, Args: []int{0, 1}}, {Sign: -1, Args: []int{2, 3}}}}}},
		named{"degenerate: affine", &Input{Kind: KindMaxSum, MaxSum: &MaxSum{N: 2,
			Affine: []Affine{aff(7, 2, -3)}, Terms: []Term{{Sign: 1, Args: []int{0}}}}}},
	)
	out = append(out, named{"triangulation 2×2", &Input{Kind: KindTriangulation, Triangulation: randTriangulation(rng, 2, 2)}})
	hv, hs := kuhn(2, 2)
	hat := &Triangulation{N: 2, Vertices: hv, Simplices: hs}
	for _, v := range hv {
		val := rat(0, 1)
		if v[0].Cmp(rat(1, 1)) == 0 && v[1].Cmp(rat(1, 1)) == 0 {
			val = rat(1, 1)
		}
		hat.Values = append(hat.Values, val)
	}
	out = append(out, named{"hat", &Input{Kind: KindTriangulation, Triangulation: hat}})
	// The same function given by corner values, on a random fan around an
	// interior point (non-grid geometry).
	fan := &Triangulation{N: 2, Vertices: [][]*big.Rat{{rat(1, 3), rat(1, 5)}}}
	ring := [][2]int64{{3, 0}, {2, 2}, {0, 3}, {-2, 2}, {-3, 0}, {-2, -2}, {0, -3}, {2, -2}}
	for _, p := range ring {
		fan.Vertices = append(fan.Vertices, []*big.Rat{rat(p[0], 1), rat(p[1], 1)})
	}
	vals := []*big.Rat{randRat(rng, 3)}
	for range ring {
		vals = append(vals, randRat(rng, 3))
	}
	for i := range ring {
		s := []int{0, 1 + i, 1 + (i+1)%len(ring)}
		fan.Simplices = append(fan.Simplices, s)
		fan.SimplexValues = append(fan.SimplexValues, []*big.Rat{vals[s[0]], vals[s[1]], vals[s[2]]})
	}
	out = append(out, named{"fan with corner values", &Input{Kind: KindTriangulation, Triangulation: fan}})
	box, err := region.BoxRat([]*big.Rat{rat(-2, 1), rat(-1, 1)}, []*big.Rat{rat(3, 2), rat(2, 1)})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out,
		named{"net on a box", &Input{Kind: KindNet, Net: randNet2(rng, 3, 2), Domain: &box}},
		named{"net on R²", &Input{Kind: KindNet, Net: randNet2(rng, 3)}},
	)
	return out
}

// oracleValue evaluates the input exactly at x, in any dimension and
// independently of the provers: by barycentric location for a
// triangulation (nil outside its domain), directly for the other forms (nil
// outside a net's box).
func oracleValue(t testing.TB, in *Input, x []*big.Rat) *big.Rat {
	t.Helper()
	switch in.Kind {
	case KindTriangulation:
		c, err := in.Triangulation.Validate()
		if err != nil {
			t.Fatal(err)
		}
		for s, simp := range c.Simplices {
			if inClosedSimplex(c.Vertices, simp, x) {
				return c.Pieces[s].Eval(x)
			}
		}
		return nil
	case KindNet:
		if d := in.Domain; d != nil {
			for j := range x {
				if x[j].Cmp(d.LoR[j]) < 0 || x[j].Cmp(d.HiR[j]) > 0 {
					return nil
				}
			}
		}
		return in.Net.EvalRat(x)[0]
	}
	return inputEval(in)(x)
}

// farPoint returns a random rational point at scale 1, 10³ or 10⁶.
func farPoint(rng *rand.Rand, k int) []*big.Rat {
	scale := []int64{1, 1000, 1_000_000}[k%3]
	return []*big.Rat{big.NewRat((rng.Int64N(2001)-1000)*scale, 997), big.NewRat((rng.Int64N(2001)-1000)*scale, 991)}
}

// TestPlaneProofAllForms: every n = 2 input form, with every construction
// method, is verified by the exact proof of the final net ("proof"), and
// the net agrees with the input at random rational points near and very
// far from the origin (independent oracle: exact evaluation).
func TestPlaneProofAllForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 71))
	ctx := context.Background()
	for _, tc := range planeInputs(t, rng) {
		for _, m := range []Method{WangSun, Auto, LatticeNet} {
			if (m == LatticeNet && tc.in.Kind == KindMaxSum) || (m == Auto && tc.in.Kind == KindTriangulation) {
				continue // no lattice method for sums; auto only picks one of the two
			}
			t.Run(tc.name+"/"+string(m), func(t *testing.T) {
				res, err := Convert(ctx, tc.in, Options{Method: m, Verify: true, Budget: 300_000})
				if err != nil {
					t.Fatal(err)
				}
				v := res.Summary.Verification
				want := "arrangement"
				if tc.in.Kind == KindTriangulation || tc.in.Domain != nil {
					want = "cells"
				}
				if res.Summary.Verified != "proof" || !v.Proven || !v.Equal || v.Method != want || v.Regions == 0 || v.Fallback != "" {
					t.Fatalf("not proven: %s %+v", res.Summary.Verified, v)
				}
				for k := 0; k < 60; k++ {
					x := farPoint(rng, k)
					if k%2 == 0 {
						x = randPoint(rng, 2)
					}
					want := oracleValue(t, tc.in, x)
					if want == nil {
						continue
					}
					if got := res.Net.EvalRat(x)[0]; got.Cmp(want) != 0 {
						t.Fatalf("at %s: net %s, input %s", fmtPoint(x), got.RatString(), want.RatString())
					}
				}
			})
		}
	}
}

// farNet returns a net with two hidden layers computing relu(x₀ − 10⁴):
// zero on any box the tests use, nonzero far away.
func farNet() *relu.Net {
	return relu.MustFromFloats([][][]float64{{{1, 0}}, {{1}}, {{1}}}, [][]float64{{-10000}, {0}, {0}})
}

// TestPlaneProofRejectsWrongNet moves one hidden bias of a correct net by
// 1/64, unit after unit, and expects the proof path to reject at least one
// such net per input with a witness where the wrong net and the input
// really differ (exact evaluation). A perturbed net the prover accepts
// (a dead unit can absorb the change) must agree with the input at random
// points. A net that differs from the input only beyond 10⁴ is rejected on
// R² and accepted on a triangulation's domain.
func TestPlaneProofRejectsWrongNet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 17))
	ctx := context.Background()
	for _, tc := range planeInputs(t, rng) {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			res, err := Convert(ctx, in, Options{Budget: 300_000})
			if err != nil {
				t.Fatal(err)
			}
			var cells []cellPoly
			switch in.Kind {
			case KindTriangulation:
				cells = triangulationCells(t, in.Triangulation)
			case KindNet:
				if in.Domain != nil {
					_, cells, err = netToLattice(ctx, in.Net, *in.Domain)
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			check := func(bad *relu.Net) (rejected bool) {
				t.Helper()
				v, err := verify(ctx, in, cells, nil, res.Form, bad, Options{Samples: 4})
				if err != nil {
					t.Fatal(err)
				}
				if v.Equal {
					if !v.Proven {
						t.Fatalf("perturbed net not proven either way: %+v", v)
					}
					for k := 0; k < 40; k++ {
						x := randPoint(rng, 2)
						if want := oracleValue(t, in, x); want != nil && bad.EvalRat(x)[0].Cmp(want) != 0 {
							t.Fatalf("proof accepted a net that differs at %s", fmtPoint(x))
						}
					}
					return false
				}
				if v.Proven || v.Fallback != "" || v.witness == nil {
					t.Fatalf("rejected outside the proof path or without a witness: %+v", v)
				}
				want := oracleValue(t, in, v.witness)
				if got := bad.EvalRat(v.witness)[0]; want == nil || got.Cmp(want) == 0 {
					t.Fatalf("witness %s does not separate: net %v, input %v (%s)", fmtPoint(v.witness), got, want, v.Detail)
				}
				return true
			}
			rejected := 0
			for l := 0; l < len(res.Net.Layers)-1; l++ {
				// At most 8 units per layer, spread over it, to keep the
				// test fast on the larger nets.
				out := res.Net.Layers[l].Out
				for u := 0; u < out; u += max(1, out/8) {
					bad := res.Net.Clone()
					L := &bad.Layers[l]
					L.SetBiasRat(u, new(big.Rat).Add(L.BR[u], rat(1, 64)))
					if check(bad) {
						rejected++
					}
				}
			}
			if rejected == 0 {
				t.Errorf("no perturbed net was rejected")
			}
			far, err := relu.Sum(res.Net, farNet())
			if err != nil {
				t.Fatal(err)
			}
			onR2 := in.Kind != KindTriangulation && in.Domain == nil
			if got := check(far); got != onR2 {
				t.Errorf("net differing beyond 10⁴: rejected %v, want %v", got, onR2)
			}
		})
	}
}

// TestPlaneEnumOracle checks the exact activation cells of random nets on
// R² against exact evaluation: every random rational point (up to 10⁶ from
// the origin) lies in some leaf cone, and the net's map there, divided by
// the integer scale, is the net's value at the point. Nets with float
// weights (large power-of-two denominators) exercise the integer scaling.
func TestPlaneEnumOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	ctx := context.Background()
	nets := []*relu.Net{randNet2(rng, 3), randNet2(rng, 4, 3), randNet2(rng, 2, 2, 2),
		relu.MustFromFloats([][][]float64{{{0.1, -0.3}, {0.7, 0.25}, {-1e-3, 2}}, {{1.5, -0.5, 0.125}}}, [][]float64{{0.3, -1.1, 0}, {0.01}})}
	type leaf struct {
		poly []*ivec
		g    *ivec
	}
	for ni, net := range nets {
		var leaves []leaf
		e := &planeEnum{ctx: ctx, net: newIntNet(net), limit: 1 << 40}
		e.visit = func(poly []*ivec, g *ivec) ([]*big.Rat, error) {
			leaves = append(leaves, leaf{poly, g})
			return nil, nil
		}
		for _, q := range quadrants() {
			if w, err := e.run(q); err != nil || w != nil {
				t.Fatal(w, err)
			}
		}
		scale := new(big.Rat).SetInt(e.net.scale)
		for k := 0; k < 300; k++ {
			x := farPoint(rng, k)
			p := pointI(x)
			found := false
			for _, lf := range leaves {
				if !inCone(lf.poly, p) {
					continue
				}
				found = true
				got := new(big.Rat).SetFrac(lf.g.dot(p), p.c[2])
				got.Quo(got, scale)
				if want := net.EvalRat(x)[0]; got.Cmp(want) != 0 {
					t.Fatalf("net %d at %s: leaf map %s, net %s", ni, fmtPoint(x), got.RatString(), want.RatString())
				}
			}
			if !found {
				t.Fatalf("net %d: %s in no leaf", ni, fmtPoint(x))
			}
		}
	}
}

// inCone reports whether p lies in the cone with corners poly (cyclic
// order): every consecutive pair of corners and p have determinants of one
// sign (or zero).
func inCone(poly []*ivec, p *ivec) bool {
	pos, neg := false, false
	for i := range poly {
		a, b := poly[i].c, poly[(i+1)%len(poly)].c
		m := [][]*big.Rat{
			{new(big.Rat).SetInt(a[0]), new(big.Rat).SetInt(a[1]), new(big.Rat).SetInt(a[2])},
			{new(big.Rat).SetInt(b[0]), new(big.Rat).SetInt(b[1]), new(big.Rat).SetInt(b[2])},
			{new(big.Rat).SetInt(p.c[0]), new(big.Rat).SetInt(p.c[1]), new(big.Rat).SetInt(p.c[2])},
		}
		switch det(m).Sign() {
		case 1:
			pos = true
		case -1:
			neg = true
		}
	}
	return !(pos && neg)
}

// TestIvecSign: the float-filtered sign agrees with the exact sign on
// near-cancelling, huge and tiny integer operands.
func TestIvecSign(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	big1 := new(big.Int).Lsh(big.NewInt(1), 600) // beyond float64 range
	for k := 0; k < 2000; k++ {
		r := func() *big.Int {
			v := big.NewInt(rng.Int64N(1<<40) - 1<<39)
			switch k % 4 {
			case 1:
				v.Mul(v, big1)
			case 2:
				v.Lsh(v, 60) // large, still finite
			}
			return v
		}
		a, b, c := r(), r(), r()
		x, y := r(), r()
		// w chosen so that a·x + b·y + c·w is within ±1 of 0 when c ≠ 0.
		w := new(big.Int)
		if c.Sign() != 0 {
			s := new(big.Int).Mul(a, x)
			s.Add(s, new(big.Int).Mul(b, y))
			w.Quo(s.Neg(s), c)
		}
		l, p := newIvec(a, b, c), newIvec(x, y, w)
		if got, want := l.sign(p), l.dot(p).Sign(); got != want {
			t.Fatalf("sign %d, exact %d for %v·%v", got, want, l.c, p.c)
		}
	}
}

// TestConvexOrder: points of a convex polygon given in any order come out
// counter-clockwise (every turn is a left turn), without duplicates.
func TestConvexOrder(t *testing.T) {
	pts := [][]*big.Rat{{rat(1, 1), rat(0, 1)}, {rat(-1, 1), rat(0, 1)}, {rat(0, 1), rat(1, 1)}, {rat(0, 1), rat(-1, 1)},
		{rat(1, 1), rat(0, 1)}, {rat(2, 3), rat(2, 3)}}
	got := convexOrder(pts)
	if len(got) != 5 {
		t.Fatalf("%d points, want 5", len(got))
	}
	for i := range got {
		a, b, c := got[i], got[(i+1)%len(got)], got[(i+2)%len(got)]
		cr := new(big.Rat).Mul(new(big.Rat).Sub(b[0], a[0]), new(big.Rat).Sub(c[1], a[1]))
		cr.Sub(cr, new(big.Rat).Mul(new(big.Rat).Sub(b[1], a[1]), new(big.Rat).Sub(c[0], a[0])))
		if cr.Sign() <= 0 {
			t.Fatalf("not counter-clockwise at %d: %v", i, got)
		}
	}
}

// BenchmarkVerifyProof2D measures the exact n = 2 proof of the final net
// (verify with the plane prover) on the inputs of TestPlaneProofAllForms
// and on larger ones: a random max–min form with q = 10 functions (C1's
// generator) and a 3×3 random triangulation.
func BenchmarkVerifyProof2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 71))
	ctx := context.Background()
	ins := planeInputs(b, rng)
	type named = struct {
		name string
		in   *Input
	}
	ins = append(ins, named{"lattice q=10", c1Inputs(2, 10, 5, 3)[4]},
		named{"triangulation 3×3", &Input{Kind: KindTriangulation, Triangulation: randTriangulation(rand.New(rand.NewPCG(1, 2)), 2, 3)}})
	for _, tc := range ins {
		in := tc.in
		res, err := Convert(ctx, in, Options{Budget: 10_000_000})
		if err != nil {
			b.Fatal(err)
		}
		var cells []cellPoly
		switch {
		case in.Kind == KindTriangulation:
			cells = triangulationCells(b, in.Triangulation)
		case in.Kind == KindNet && in.Domain != nil:
			if _, cells, err = netToLattice(ctx, in.Net, *in.Domain); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("%s/size=%d", tc.name, res.Net.Size()), func(b *testing.B) {
			var cellsN int
			for b.Loop() {
				v, err := verify(ctx, in, cells, nil, res.Form, res.Net, Options{Samples: 8})
				if err != nil || !v.Proven {
					b.Fatalf("%+v %v", v, err)
				}
				cellsN = v.Regions
			}
			b.ReportMetric(float64(cellsN), "cells")
		})
	}
}

// TestProofNDFarDifference: for n = 3 max forms the proof of the net on
// all of R^n goes through the perspective, so a net that equals the input
// on any reasonable box and differs only beyond x₀ = 10⁴ is rejected, with
// a witness where it really differs (exact evaluation); the right net is
// proven.
func TestProofNDFarDifference(t *testing.T) {
	ctx := context.Background()
	far := relu.MustFromFloats([][][]float64{{{1, 0, 0}}, {{1}}, {{1}}}, [][]float64{{-10000}, {0}, {0}})
	ins := ndInputs(t, rand.New(rand.NewPCG(71, 72)))
	for _, in := range ins[2:] { // the lattice and the signed sum of maxima
		res, err := Convert(ctx, in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := verify(ctx, in, nil, nil, res.Form, res.Net, Options{Samples: 4})
		if err != nil || !v.Proven || v.Method != "region-complex" {
			t.Fatalf("%s: right net not proven: %+v %v", in.Kind, v, err)
		}
		bad, err := relu.Sum(res.Net, far)
		if err != nil {
			t.Fatal(err)
		}
		v, err = verify(ctx, in, nil, nil, res.Form, bad, Options{Samples: 4})
		if err != nil {
			t.Fatal(err)
		}
		if v.Equal || v.Proven || v.witness == nil {
			t.Fatalf("%s: far difference not refuted by the proof: %+v", in.Kind, v)
		}
		if got, want := bad.EvalRat(v.witness)[0], inputEval(in)(v.witness); got.Cmp(want) == 0 {
			t.Fatalf("%s: witness %s does not separate", in.Kind, fmtPoint(v.witness))
		}
	}
}
