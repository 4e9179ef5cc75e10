package convert

import (
	"context"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/relucid/relucid/region"
)

// ndInputs returns n = 3 inputs of every form with their expected proof
// domain.
func ndInputs(t testing.TB, rng *rand.Rand) []*Input {
	t.Helper()
	n := 3
	var ins []*Input
	ins = append(ins, &Input{Kind: KindTriangulation, Triangulation: randTriangulation(rng, n, 1)})
	// Hat function of the vertex (1,1,1) of a 2×2×2 Kuhn grid.
	verts, simps := kuhn(n, 2)
	hat := &Triangulation{N: n, Vertices: verts, Simplices: simps}
	for _, v := range verts {
		val := rat(0, 1)
		if v[0].Cmp(rat(1, 1)) == 0 && v[1].Cmp(rat(1, 1)) == 0 && v[2].Cmp(rat(1, 1)) == 0 {
			val = rat(1, 1)
		}
		hat.Values = append(hat.Values, val)
	}
	ins = append(ins, &Input{Kind: KindTriangulation, Triangulation: hat})
	ins = append(ins, &Input{Kind: KindLattice, Lattice: randLattice(rng, n, 4, 2)})
	// max of n+2 affine functions (reduced to arity ≤ n+1) minus a max of two.
	ms := &MaxSum{N: n, Affine: randAffine(rng, n, 7, 3),
		Terms: []Term{{Sign: 1, Args: []int{0, 1, 2, 3, 4}}, {Sign: -1, Args: []int{5, 6}}}}
	ins = append(ins, &Input{Kind: KindMaxSum, MaxSum: ms})
	return ins
}

// ndNet returns a random 3-input net and a box domain.
func ndNet(t testing.TB, rng *rand.Rand) *Input {
	t.Helper()
	net := randRatNet(rng, 2, 1, 3, 3, 2, 1)
	dom, err := region.BoxRat([]*big.Rat{rat(-1, 1), rat(-1, 1), rat(-1, 1)}, []*big.Rat{rat(1, 1), rat(1, 1), rat(1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	return &Input{Kind: KindNet, Net: net, Domain: &dom}
}

// TestProofND: for n = 3 every input form (triangulation, lattice, signed
// sum of maxima, net) is verified by an exact proof over the region
// complex, and the point checks of the fallback agree (independent oracle:
// exact evaluation at random points).
func TestProofND(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	ctx := context.Background()
	ins := ndInputs(t, rng)
	ins = append(ins[:1], ins[2:]...) // the hat is above the proof's size limit
	ins = append(ins, ndNet(t, rng))
	for _, in := range ins {
		t0 := time.Now()
		res, err := Convert(ctx, in, Options{Verify: true})
		if err != nil {
			t.Fatalf("%s: %v", in.Kind, err)
		}
		v := res.Summary.Verification
		if res.Summary.Verified != "proof" || !v.Proven || !v.Equal || v.Method != "region-complex" || v.Regions == 0 {
			t.Errorf("%s: not proven: %s %+v", in.Kind, res.Summary.Verified, v)
		}
		t.Logf("%s: size %d: %+v (%v)", in.Kind, res.Net.Size(), v, time.Since(t0))
		for p := 0; p < 20; p++ {
			x := randPoint(rng, 3)
			want := oracleValue(t, in, x)
			if want == nil {
				continue
			}
			if got := res.Net.EvalRat(x)[0]; got.Cmp(want) != 0 {
				t.Fatalf("%s at %v: net %v, input %v", in.Kind, x, got, want)
			}
		}
	}
}

// TestProofNDFallback: above the size limit (the hat function of a
// 2×2×2 Kuhn grid, a Wang–Sun net of about 1000 units on 48 simplices)
// the verification falls back to exact point checks and says so.
func TestProofNDFallback(t *testing.T) {
	ins := ndInputs(t, rand.New(rand.NewPCG(71, 72)))
	res, err := Convert(context.Background(), ins[1], Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	v := res.Summary.Verification
	if res.Summary.Verified != "points" || v.Proven || !v.Equal || v.Method != "cells" || v.Points == 0 || !strings.Contains(v.Fallback, "proof limit") {
		t.Errorf("hat: %s %+v", res.Summary.Verified, v)
	}
}

// triangulationCells returns the cells Convert builds for a triangulation.
func triangulationCells(t testing.TB, tr *Triangulation) []cellPoly {
	t.Helper()
	c, err := tr.Validate()
	if err != nil {
		t.Fatal(err)
	}
	var cells []cellPoly
	for s, simp := range c.Simplices {
		cp := cellPoly{piece: c.Pieces[s]}
		for _, v := range simp {
			cp.vertices = append(cp.vertices, c.Vertices[v])
		}
		cells = append(cells, cp)
	}
	return cells
}

// TestProofNDRejectsWrongNet: a net with one hidden bias moved by 1/64 is
// rejected by the proof, and the witness it returns is a point where the
// wrong net and the input really differ (exact evaluation).
func TestProofNDRejectsWrongNet(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	ctx := context.Background()
	ins := ndInputs(t, rng)
	ins = append(ins[:1], ins[2:]...)
	ins = append(ins, ndNet(t, rng))
	for _, in := range ins {
		res, err := Convert(ctx, in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var cells []cellPoly
		if in.Kind == KindTriangulation {
			cells = triangulationCells(t, in.Triangulation)
		}
		// Positive control: the right net is proven.
		v, err := verify(ctx, in, cells, nil, res.Form, res.Net, Options{Samples: 8})
		if err != nil || !v.Proven || !v.Equal {
			t.Fatalf("%s: right net: %+v %v", in.Kind, v, err)
		}
		rejected := 0
		for l := 0; l < len(res.Net.Layers)-1 && rejected == 0; l++ {
			for u := 0; u < res.Net.Layers[l].Out && rejected == 0; u++ {
				bad := res.Net.Clone()
				L := &bad.Layers[l]
				L.SetBiasRat(u, new(big.Rat).Add(L.BR[u], rat(1, 64)))
				v, err := verify(ctx, in, cells, nil, res.Form, bad, Options{Samples: 8})
				if err != nil {
					t.Fatal(err)
				}
				if v.Equal || v.Proven {
					// A dead unit can absorb the change; the witness check
					// below is what must never fail.
					continue
				}
				if v.Method != "region-complex" {
					continue // the point checks found it first
				}
				rejected++
				if v.witness == nil {
					t.Errorf("%s: refuted without a witness: %s", in.Kind, v.Detail)
					continue
				}
				want := oracleValue(t, in, v.witness)
				if got := bad.EvalRat(v.witness)[0]; want == nil || got.Cmp(want) == 0 {
					t.Errorf("%s: witness %v does not separate: net %v input %v", in.Kind, v.witness, got, want)
				}
			}
		}
		if rejected == 0 {
			t.Errorf("%s: no perturbed net was rejected by the proof", in.Kind)
		}
	}
}

// TestSimplexDomain: the H-polytope of a simplex holds every corner with
// exactly n tight inequalities, and holds the barycenter strictly; a point
// just outside a facet violates it (oracle: barycentric coordinates).
func TestSimplexDomain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	for n := 2; n <= 4; n++ {
		for trial := 0; trial < 5; trial++ {
			corners := make([][]*big.Rat, n+1)
			for i := range corners {
				corners[i] = randPoint(rng, n)
			}
			dom, err := simplexDomain(corners)
			if det := simplexDet(corners); det.Sign() == 0 {
				if err == nil {
					t.Errorf("n=%d degenerate simplex accepted", n)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			slack := func(x []*big.Rat) (tight, violated int) {
				for k, a := range dom.AR {
					s := new(big.Rat).Neg(dom.BR[k])
					for j := range a {
						s.Add(s, new(big.Rat).Mul(a[j], x[j]))
					}
					switch s.Sign() {
					case 0:
						tight++
					case 1:
						violated++
					}
				}
				return
			}
			for i, c := range corners {
				if tight, bad := slack(c); tight != n || bad != 0 {
					t.Errorf("n=%d corner %d: %d tight, %d violated", n, i, tight, bad)
				}
			}
			center := interiorPoint(corners, rng, true)
			if tight, bad := slack(center); tight != 0 || bad != 0 {
				t.Errorf("n=%d barycenter: %d tight, %d violated", n, tight, bad)
			}
			// Reflect the barycenter through corner 0: outside.
			out := make([]*big.Rat, n)
			for j := range out {
				out[j] = new(big.Rat).Sub(new(big.Rat).Mul(rat(2, 1), corners[0][j]), center[j])
			}
			if _, bad := slack(out); bad == 0 {
				t.Errorf("n=%d reflected point not rejected", n)
			}
		}
	}
	// Named degenerate case: a flat simplex.
	flat := [][]*big.Rat{{rat(0, 1), rat(0, 1), rat(0, 1)}, {rat(1, 1), rat(0, 1), rat(0, 1)}, {rat(0, 1), rat(1, 1), rat(0, 1)}, {rat(1, 1), rat(1, 1), rat(0, 1)}}
	if _, err := simplexDomain(flat); err == nil {
		t.Error("flat simplex accepted")
	}
}

func simplexDet(corners [][]*big.Rat) *big.Rat {
	n := len(corners) - 1
	m := make([][]*big.Rat, n)
	for i := range m {
		m[i] = make([]*big.Rat, n)
		for j := range m[i] {
			m[i][j] = new(big.Rat).Sub(corners[i+1][j], corners[0][j])
		}
	}
	return det(m)
}

// TestProofNDDegenerateArrangements: kink arrangements without vertices
// (parallel kink planes, a kink plane containing a line) and a form
// without kinks are still proven on all of R^n, because the coordinate
// planes make the arrangement essential.
func TestProofNDDegenerateArrangements(t *testing.T) {
	ctx := context.Background()
	aff := func(b int64, w ...int64) Affine {
		a := Affine{B: rat(b, 1)}
		for _, x := range w {
			a.W = append(a.W, rat(x, 1))
		}
		return a
	}
	cases := []struct {
		name string
		ms   *MaxSum
	}{
		{"parallel kink planes", &MaxSum{N: 3, Affine: []Affine{aff(0, 1, 0, 0), aff(1, 1, 0, 0), aff(0, 0, 0, 0), aff(3, 0, 0, 0)},
			Terms: []Term{{Sign: 1, Args: []int{0, 2}}, {Sign: -1, Args: []int{1, 3}}}}},
		{"one kink plane", &MaxSum{N: 3, Affine: []Affine{aff(0, 1, 1, 0), aff(2, 0, 0, 0)},
			Terms: []Term{{Sign: 1, Args: []int{0, 1}}}}},
		{"affine", &MaxSum{N: 3, Affine: []Affine{aff(5, 1, 2, 3)}, Terms: []Term{{Sign: 1, Args: []int{0}}}}},
		{"repeated argument", &MaxSum{N: 3, Affine: []Affine{aff(0, 1, 0, 0), aff(0, 1, 0, 0), aff(0, 0, 1, 0), aff(0, 0, 0, 1)},
			Terms: []Term{{Sign: 1, Args: []int{0, 1, 2, 3}}}}},
	}
	for _, c := range cases {
		res, err := Convert(ctx, &Input{Kind: KindMaxSum, MaxSum: c.ms}, Options{Verify: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if res.Summary.Verified != "proof" || res.Summary.Verification.Method != "region-complex" {
			t.Errorf("%s: %s %+v", c.name, res.Summary.Verified, res.Summary.Verification)
		}
	}
}
