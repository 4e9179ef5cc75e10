package onnx

import (
	"flag"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

var update = flag.Bool("update", false, "rewrite golden files")

func strReader(s string) io.Reader { return strings.NewReader(s) }

// randomNet returns a net with the given widths and random float64 weights
// spread over many binades, so float32 rounding is visible.
func randomNet(rng *rand.Rand, widths ...int) *relu.Net {
	n := &relu.Net{}
	for k := 0; k+1 < len(widths); k++ {
		l := relu.NewLayer(widths[k+1], widths[k])
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				l.Set(i, j, rng.NormFloat64()*float64(int(1)<<rng.IntN(8)))
			}
			l.SetBias(i, rng.NormFloat64())
		}
		n.Layers = append(n.Layers, l)
	}
	return n
}

// TestRoundTripFloat64 checks export→import is the identity on exact
// weights, for several shapes including the degenerate 1→1 affine net and a
// net with a zero layer.
func TestRoundTripFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zero := randomNet(rng, 2, 3, 1)
	for i := range zero.Layers[0].W {
		zero.Layers[0].Set(i/2, i%2, 0)
	}
	for name, net := range map[string]*relu.Net{
		"affine 1→1": randomNet(rng, 1, 1),
		"1→8→8→1":    randomNet(rng, 1, 8, 8, 1),
		"5→7→3→4":    randomNet(rng, 5, 7, 3, 4),
		"zero layer": zero,
	} {
		b, rep, err := Marshal(net, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rounded != 0 {
			t.Errorf("%s: %d weights rounded in float64 export", name, rep.Rounded)
		}
		back, err := Decode(b, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameNet(net, back) {
			t.Errorf("%s: round trip changed the net", name)
		}
	}
}

// TestRoundTripRational checks that exact rationals that are not float64
// values are rounded on export and counted.
func TestRoundTripRational(t *testing.T) {
	net, err := relu.Decode(strReader(`{"layers": [{"weight": [["1/3"], [1]], "bias": ["-1/10", 0]}, {"weight": [[2, "-4"]]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, rep, err := Marshal(net, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rounded != 2 || rep.Params != 7 {
		t.Errorf("report %+v, want 2 of 7 rounded", rep)
	}
	back, err := Decode(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Layers[0].W[0]; got != 1.0/3 {
		t.Errorf("1/3 exported as %v", got)
	}
}

// TestRoundTripFloat32 checks float32 export writes the nearest float32 of
// every weight, counts the rounded ones, and agrees on random inputs to the
// float32 tolerance.
func TestRoundTripFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	net := randomNet(rng, 3, 6, 6, 2)
	net.Layers[0].Set(0, 0, 0.5) // a float32 value: not counted
	b, rep, err := Marshal(net, &WriteOptions{Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for k := range net.Layers {
		for i, w := range net.Layers[k].W {
			if back.Layers[k].W[i] != float64(float32(w)) {
				t.Fatalf("layer %d weight %d: %v exported as %v", k, i, w, back.Layers[k].W[i])
			}
			if float64(float32(w)) != w {
				want++
			}
		}
		for _, v := range net.Layers[k].B {
			if float64(float32(v)) != v {
				want++
			}
		}
	}
	if rep.Rounded != want {
		t.Errorf("report counts %d rounded, want %d", rep.Rounded, want)
	}
	// Rounding each weight and bias to float32 changes it by at most
	// u = 2^-24 relatively. To first order the output moves by at most
	// depth·u·B, where B is the output of the net with every weight and
	// bias replaced by its absolute value, evaluated at |x| without ReLU
	// (a bound on every partial sum); twice that covers the float64
	// evaluation error and second-order terms.
	const u = 0x1p-24
	abs := &relu.Net{}
	for _, l := range net.Layers {
		a := relu.NewLayer(l.Out, l.In)
		for i, w := range l.W {
			a.W[i] = math.Abs(w)
		}
		for i, b := range l.B {
			a.B[i] = math.Abs(b)
		}
		abs.Layers = append(abs.Layers, a)
	}
	e1, e2 := relu.NewEvaluator(net), relu.NewEvaluator(back)
	x := make([]float64, 3)
	ax := make([]float64, 3)
	for range 200 {
		for i := range x {
			x[i] = rng.NormFloat64()
			ax[i] = math.Abs(x[i])
		}
		y1, y2 := e1.Eval(nil, x), e2.Eval(nil, x)
		bound := abs.Eval(ax) // ReLU of non-negative values is the identity
		for j := range y1 {
			tol := 2 * float64(len(net.Layers)) * u * bound[j]
			if math.Abs(y2[j]-y1[j]) > tol {
				t.Errorf("x=%v output %d: float32 net %v, float64 net %v, bound %v", x, j, y2[j], y1[j], tol)
			}
		}
	}
}

// TestWriteFileAtomic checks an invalid net leaves no file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.onnx")
	if _, err := WriteFile(p, &relu.Net{}, nil); err == nil {
		t.Fatal("wrote a net without layers")
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("file left behind: %v", err)
	}
	net := relu.MustFromFloats([][][]float64{{{1}, {1}}, {{2, -4}}}, [][]float64{{0, -0.5}, {0}})
	if _, err := WriteFile(p, net, nil); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !sameNet(net, back) {
		t.Fatal("file round trip changed the net")
	}
	// Exact rational check on a point: f(1/3) of the zigzag.
	x := []*big.Rat{big.NewRat(1, 3)}
	if back.EvalRat(x)[0].Cmp(net.EvalRat(x)[0]) != 0 {
		t.Fatal("rational evaluation differs")
	}
}

// TestExportFixture keeps testdata/export_zigzag.onnx, which was checked
// with onnx.checker and run in onnxruntime (see testdata/ort_check.js), the
// byte-for-byte output of Marshal.
func TestExportFixture(t *testing.T) {
	// The zigzag of the repository's testdata/zigzag.json.
	net := relu.MustFromFloats([][][]float64{{{1}, {1}}, {{2, -4}}}, [][]float64{{0, -0.5}, {0}})
	b, _, err := Marshal(net, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := "testdata/export_zigzag.onnx"
	if *update {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(b) {
		t.Errorf("Marshal output differs from %s (run go test -update if intended)", p)
	}
}

// TestRatIs checks the fast float-equality test against big.Rat.Cmp.
func TestRatIs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := []float64{0, 1, -1, -4, 0.5, 3, 1 << 52, 1<<53 + 2, 0x1p62, -0x1p63, 0x1p70, 1e300, 5e-324, -0x1p-1074, 0x1p-1022, 1.0 / 3, 0.1}
	for range 2000 {
		vals = append(vals, rng.NormFloat64()*math.Ldexp(1, rng.IntN(200)-100), float64(rng.Int64N(1<<40)-1<<39))
	}
	var tmp, r big.Rat
	for _, v := range vals {
		xs := []*big.Rat{new(big.Rat).SetFloat64(v), big.NewRat(1, 3), big.NewRat(int64(v*3)+1, 3)}
		next := math.Nextafter(v, math.Inf(1))
		xs = append(xs, new(big.Rat).SetFloat64(next))
		// A rational strictly between v and its successor.
		mid := new(big.Rat).Add(new(big.Rat).SetFloat64(v), new(big.Rat).SetFloat64(next))
		xs = append(xs, mid.Quo(mid, big.NewRat(2, 1)))
		for _, x := range xs {
			want := x.Cmp(r.SetFloat64(v)) == 0
			if got := ratIs(x, v, &tmp); got != want {
				t.Fatalf("ratIs(%v, %v) = %v, want %v", x, v, got, want)
			}
		}
	}
}
