package onnx

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

// fixtureCase is one entry of testdata/cases.json, written by gen.py.
type fixtureCase struct {
	Model     string      `json:"model"`
	DType     string      `json:"dtype"`
	Inputs    [][]float64 `json:"inputs"`
	Outputs   [][]float64 `json:"outputs"`   // PyTorch, in the model's dtype
	Tol       float64     `json:"tol"`       // for Outputs
	Outputs64 [][]float64 `json:"outputs64"` // float64 evaluation of the same weights
	Tol64     float64     `json:"tol64"`
	Error     []string    `json:"error"` // words the import error must contain
}

func loadCases(t testing.TB) []fixtureCase {
	t.Helper()
	data, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []fixtureCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 10 {
		t.Fatalf("only %d cases in cases.json", len(f.Cases))
	}
	return f.Cases
}

// agree reports whether got and want agree to tol relative to max(1, |want|).
func agree(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestFixtures loads every model written by gen.py and compares the net's
// outputs with PyTorch's (or numpy's, for hand-built graphs).
func TestFixtures(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Model, func(t *testing.T) {
			net, err := ReadFile(filepath.Join("testdata", c.Model))
			if c.Error != nil {
				if err == nil {
					t.Fatalf("loaded a net, want an error containing %q", c.Error)
				}
				for _, w := range c.Error {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				if !strings.Contains(err.Error(), c.Model) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Inputs) == 0 {
				t.Fatal("case has no inputs")
			}
			ev := relu.NewEvaluator(net)
			for i, x := range c.Inputs {
				y := ev.Eval(nil, x)
				check := func(name string, want [][]float64, tol float64) {
					if want == nil {
						return
					}
					if len(want[i]) != len(y) {
						t.Fatalf("point %d: %d outputs, %s has %d", i, len(y), name, len(want[i]))
					}
					for j := range y {
						if !agree(y[j], want[i][j], tol) {
							t.Errorf("point %d output %d: got %.17g, %s %.17g (tol %g)", i, j, y[j], name, want[i][j], tol)
						}
					}
				}
				check("outputs", c.Outputs, c.Tol)
				check("outputs64", c.Outputs64, c.Tol64)
			}
		})
	}
}

// TestFloat32Exact checks that float32 weights keep their exact binary
// value: every weight's rational is a float32 value and equals the float.
func TestFloat32Exact(t *testing.T) {
	net, err := ReadFile("testdata/gemm_f32.onnx")
	if err != nil {
		t.Fatal(err)
	}
	var r big.Rat
	for k, l := range net.Layers {
		for i, w := range l.W {
			if float64(float32(w)) != w {
				t.Fatalf("layer %d weight %d = %v is not a float32 value", k, i, w)
			}
			if l.WR[i].Cmp(r.SetFloat64(w)) != 0 {
				t.Fatalf("layer %d weight %d: exact %v != float %v", k, i, l.WR[i], w)
			}
		}
	}
}

// TestStructure checks the shapes of imported nets against the PyTorch
// modules gen.py built.
func TestStructure(t *testing.T) {
	for _, tc := range []struct {
		model  string
		in     int
		widths []int
		out    int
	}{
		{"gemm_f32.onnx", 3, []int{5, 4}, 2},
		{"flatten.onnx", 6, []int{4, 3}, 1},
		{"matmul_transpose.onnx", 3, []int{4}, 2},
		{"matmul_folded.onnx", 3, []int{4}, 2},
		// Linear∘Linear composed into one 2→3 layer; the final ReLU gets an
		// identity output layer.
		{"linear_linear.onnx", 2, []int{3, 2}, 2},
		// ReLU on the input becomes an identity hidden layer.
		{"relu_first.onnx", 2, []int{2}, 2},
		{"external.onnx", 4, []int{8, 8}, 3},
	} {
		net, err := ReadFile(filepath.Join("testdata", tc.model))
		if err != nil {
			t.Fatal(err)
		}
		if net.InputDim() != tc.in || net.OutputDim() != tc.out || !equalInts(net.HiddenWidths(), tc.widths) {
			t.Errorf("%s: %d → %v → %d, want %d → %v → %d", tc.model, net.InputDim(), net.HiddenWidths(), net.OutputDim(), tc.in, tc.widths, tc.out)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestComposeExact checks the exact composition of two affine maps against
// evaluating them one after the other in rational arithmetic.
func TestComposeExact(t *testing.T) {
	a := relu.MustFromFloats([][][]float64{{{1.5, -2}, {0.1, 3}, {0, 1}}}, [][]float64{{1, 2, 3}}).Layers[0]
	b := relu.MustFromFloats([][][]float64{{{1e-20, 1, 7}}}, [][]float64{{0.3}}).Layers[0]
	c, err := compose(b, a)
	if err != nil {
		t.Fatal(err)
	}
	x := []*big.Rat{big.NewRat(1, 3), big.NewRat(-5, 7)}
	one := &relu.Net{Layers: []relu.Layer{a}}
	mid := one.EvalRat(x)
	want := (&relu.Net{Layers: []relu.Layer{b}}).EvalRat(mid)
	got := (&relu.Net{Layers: []relu.Layer{c}}).EvalRat(x)
	if got[0].Cmp(want[0]) != 0 {
		t.Fatalf("composed map gives %v, want %v", got[0], want[0])
	}
}

// TestBadInput checks corrupt, truncated and hostile files give errors.
func TestBadInput(t *testing.T) {
	good, err := os.ReadFile("testdata/gemm_f32.onnx")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"json", []byte(`{"layers": []}`), "not a valid ONNX model"},
		{"text", []byte("hello world"), "not a valid ONNX model"},
		{"no graph", []byte{0x08, 0x07}, "no graph"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"bad varint", []byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "not a valid ONNX model"},
	} {
		_, err := Decode(tc.data, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestTruncations cuts a model at every byte: each prefix must load to the
// same net (a cut at a field boundary after the graph) or fail cleanly.
func TestTruncations(t *testing.T) {
	for _, name := range []string{"gemm_f64.onnx", "typed_f64.onnx", "gemm_alpha_beta.onnx"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		full, err := Decode(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n++ {
			net, err := Decode(data[:n], nil)
			if err == nil && !sameNet(net, full) {
				t.Fatalf("%s cut at %d of %d bytes loads a different net", name, n, len(data))
			}
		}
	}
}

func sameNet(a, b *relu.Net) bool {
	if len(a.Layers) != len(b.Layers) {
		return false
	}
	for k := range a.Layers {
		la, lb := &a.Layers[k], &b.Layers[k]
		if la.In != lb.In || la.Out != lb.Out {
			return false
		}
		for i := range la.WR {
			if la.WR[i].Cmp(lb.WR[i]) != 0 {
				return false
			}
		}
		for i := range la.BR {
			if la.BR[i].Cmp(lb.BR[i]) != 0 {
				return false
			}
		}
	}
	return true
}

// TestExternalData covers the external-data cases: inline reading refuses
// it, a missing or short data file is an error naming it, and a symbolic
// link leading out of the directory is refused.
func TestExternalData(t *testing.T) {
	model, err := os.ReadFile("testdata/external.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(model, nil); err == nil || !strings.Contains(err.Error(), "external file") {
		t.Errorf("inline decode of external model: %v", err)
	}
	data, err := os.ReadFile("testdata/external.onnx.data")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("m.onnx", model)
	if _, err := ReadFile(filepath.Join(dir, "m.onnx")); err == nil || !strings.Contains(err.Error(), "external.onnx.data") {
		t.Errorf("missing data file: %v", err)
	}
	write("external.onnx.data", data[:len(data)-5])
	if _, err := ReadFile(filepath.Join(dir, "m.onnx")); err == nil || !strings.Contains(err.Error(), "has") {
		t.Errorf("short data file: %v", err)
	}
	write("external.onnx.data", data)
	if _, err := ReadFile(filepath.Join(dir, "m.onnx")); err != nil {
		t.Errorf("copied model: %v", err)
	}
	// A link inside the directory that points outside it.
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "external.onnx.data"))
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "external.onnx.data")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "m.onnx")); err == nil {
		t.Errorf("symlink out of the model directory was followed")
	}
	_, err = ReadFile("testdata/escape.onnx")
	if !errors.Is(err, ErrEscape) {
		t.Errorf("escape.onnx: %v, want ErrEscape", err)
	}
}

// TestUnsupportedError checks errors.As finds the operator and node.
func TestUnsupportedError(t *testing.T) {
	_, err := ReadFile("testdata/conv.onnx")
	var ue *UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("conv.onnx: %v is not an UnsupportedError", err)
	}
	if ue.OpType != "Conv" || ue.Node == "" {
		t.Errorf("UnsupportedError %+v", ue)
	}
}

// FuzzRead checks that no input makes the decoder panic or return an
// invalid net, and that what decodes survives an export round trip.
func FuzzRead(f *testing.F) {
	for _, c := range []string{"gemm_f32.onnx", "gemm_f64.onnx", "typed_f64.onnx", "gemm_alpha_beta.onnx",
		"flatten.onnx", "matmul_transpose.onnx", "conv.onnx", "skip.onnx", "branch.onnx"} {
		data, err := os.ReadFile(filepath.Join("testdata", c))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{})
	f.Add([]byte{0x3a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := Decode(data, nil)
		if err != nil {
			return
		}
		if err := net.Validate(); err != nil {
			t.Fatalf("decoded an invalid net: %v", err)
		}
		if net.Size() > 1<<16 {
			return
		}
		b, _, err := Marshal(net, nil)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Float64 export is exact when every exact weight is a float64 value.
		if exactFloats(net) && !sameNet(net, back) {
			t.Fatal("round trip changed the net")
		}
	})
}

// exactFloats reports whether every weight's exact value is its float64.
func exactFloats(n *relu.Net) bool {
	var r big.Rat
	for _, l := range n.Layers {
		for i, w := range l.W {
			if l.WR[i].Cmp(r.SetFloat64(w)) != 0 {
				return false
			}
		}
		for i, b := range l.B {
			if l.BR[i].Cmp(r.SetFloat64(b)) != 0 {
				return false
			}
		}
	}
	return true
}
