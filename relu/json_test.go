package relu

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, in, want string // want: substring of the error
	}{
		{"empty input", ``, "malformed"},
		{"truncated", `{"layers": [{"weight": [[1, 2]], "bias": [0`, "malformed"},
		{"not an object", `[1, 2, 3]`, "malformed"},
		{"trailing garbage", `{"layers": [{"weight": [[1]]}]} x`, "malformed"},
		{"no layers key", `{}`, "no layers"},
		{"empty layers", `{"layers": []}`, "no layers"},
		{"null layers", `{"layers": null}`, "no layers"},
		{"missing weight", `{"layers": [{"bias": [1]}]}`, "weight is missing"},
		{"empty weight", `{"layers": [{"weight": []}]}`, "weight is missing"},
		{"empty row", `{"layers": [{"weight": [[]]}]}`, "weight is missing"},
		{"ragged rows", `{"layers": [{"weight": [[1, 2], [3]]}]}`, "row 1 has 1 entries"},
		{"bias length", `{"layers": [{"weight": [[1, 2]], "bias": [1, 2]}]}`, "bias has 2 entries"},
		{"chain mismatch", `{"layers": [{"weight": [[1], [2]]}, {"weight": [[1, 2, 3]]}]}`, "3 columns but layer 0 has 2 outputs"},
		{"NaN string", `{"layers": [{"weight": [["NaN"]]}]}`, "weight[0][0]"},
		{"Inf string", `{"layers": [{"weight": [["Inf"]]}]}`, "weight[0][0]"},
		{"minus Inf bias", `{"layers": [{"weight": [[1]], "bias": ["-Inf"]}]}`, "bias[0]"},
		{"overflowing number", `{"layers": [{"weight": [[1e400]]}]}`, "overflows"},
		{"overflowing rational", `{"layers": [{"weight": [["1e400/3"]]}]}`, "weight[0][0]"},
		{"bad rational", `{"layers": [{"weight": [["1/0"]]}]}`, "not a rational"},
		{"word", `{"layers": [{"weight": [["one"]]}]}`, "not a rational"},
		{"bool weight", `{"layers": [{"weight": [[true]]}]}`, "not a number"},
		{"null weight", `{"layers": [{"weight": [[null]]}]}`, "not a number"},
		{"object weight", `{"layers": [{"weight": [[{}]]}]}`, "not a number"},
		{"weight not matrix", `{"layers": [{"weight": [1, 2]}]}`, "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Decode(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Decode accepted %q: %d layers", tc.in, len(n.Layers))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	in := `{"layers": [{"weight": [["1/3"], [" -0.125 "], [2.5]], "bias": ["7/2", 0, -1e-300]},
	                  {"weight": [[1, "-22/7", 0.1]]}], "comment": "unknown keys are ignored"}`
	n, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	l := n.Layers[0]
	want := []*big.Rat{big.NewRat(1, 3), big.NewRat(-1, 8), big.NewRat(5, 2)}
	for i, w := range want {
		if l.WR[i].Cmp(w) != 0 {
			t.Errorf("weight %d = %v, want %v", i, l.WR[i], w)
		}
		if f, _ := w.Float64(); l.W[i] != f {
			t.Errorf("float weight %d = %v, want %v", i, l.W[i], f)
		}
	}
	// A JSON number denotes its float64 exactly: 0.1 is not 1/10.
	if n.Layers[1].WR[2].Cmp(big.NewRat(1, 10)) == 0 {
		t.Error("0.1 decoded as the rational 1/10, want the float64 value")
	}
	if got := new(big.Rat).SetFloat64(0.1); n.Layers[1].WR[2].Cmp(got) != 0 {
		t.Error("0.1 not decoded as its float64 value")
	}
	if n.HasOutputBias() {
		t.Error("omitted bias should be zero")
	}
	if n.Layers[0].B[2] != -1e-300 {
		t.Errorf("tiny bias %v", n.Layers[0].B[2])
	}
}

// TestEncodeDecodeRoundTrip checks that Encode followed by Decode
// reproduces every exact weight, for rationals that are and are not floats.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	specials := []float64{0, math.Copysign(0, -1), 0.1, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64,
		-math.MaxFloat64, 1e-310, 123456789012345680, 2.5e-8}
	for trial := 0; trial < 50; trial++ {
		n := randNet(rng, 2, 3, 3, 1)
		for i, f := range specials {
			k := i % 3
			l := &n.Layers[k]
			l.Set(0, 0, f)
			if trial%2 == 0 {
				l.SetBias(0, f)
			}
		}
		n.Layers[1].SetRat(1, 1, big.NewRat(int64(rng.IntN(1e9)), int64(rng.IntN(1e9)+1)))
		var buf bytes.Buffer
		if err := n.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		m, err := Decode(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		if len(m.Layers) != len(n.Layers) {
			t.Fatal("layer count changed")
		}
		for k := range n.Layers {
			a, b := &n.Layers[k], &m.Layers[k]
			for i := range a.WR {
				if a.WR[i].Cmp(b.WR[i]) != 0 || math.Float64bits(a.W[i]) != math.Float64bits(b.W[i]) && a.W[i] != 0 {
					t.Fatalf("layer %d weight %d: %v → %v", k, i, a.WR[i], b.WR[i])
				}
			}
			for i := range a.BR {
				if a.BR[i].Cmp(b.BR[i]) != 0 || a.B[i] != b.B[i] {
					t.Fatalf("layer %d bias %d: %v → %v", k, i, a.BR[i], b.BR[i])
				}
			}
		}
	}
}

func TestReadWriteFile(t *testing.T) {
	dir := t.TempDir()
	n := MustFromFloats([][][]float64{{{1}, {1}}, {{2, -4}}}, [][]float64{{0, -0.5}, {0}})
	path := filepath.Join(dir, "net.json")
	if err := n.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Eval([]float64{0.75}); got[0] != 0.5 {
		t.Fatalf("f(0.75) = %v, want 0.5", got[0])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"layers": [`), 0o644)
	if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("malformed file error does not name it: %v", err)
	}
	// A failed write leaves no partial file.
	if err := n.WriteFile(filepath.Join(dir, "no-such-dir", "x.json")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0, -0.5]}, {"weight": [[2.0, -4.0]], "bias": [0.0]}]}`,
		`{"layers": [{"weight": [["1/3", "-0.125"]], "bias": ["7/2"]}]}`,
		`{"layers": [{"weight": [[1, 2], [3]]}]}`,
		`{"layers": [{"weight": [["NaN"]]}]}`,
		`{"layers": []}`,
		`{"layers": [{"weight": [[1e400]]}]}`,
		`{"layers": [{"weight": [[1]]}, {"weight": [[1, 2]]}]}`,
		`{"layers": [{"weight": [[1]], "bias": [`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("Decode returned an invalid net: %v", err)
		}
		checkFloatsInStep(t, n)
		// Whatever decodes must survive a round trip exactly.
		var buf bytes.Buffer
		if err := n.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		m, err := Decode(&buf)
		if err != nil {
			t.Fatalf("re-decoding failed: %v\n%s", err, buf.String())
		}
		for k := range n.Layers {
			for i := range n.Layers[k].WR {
				if n.Layers[k].WR[i].Cmp(m.Layers[k].WR[i]) != 0 {
					t.Fatal("round trip changed a weight")
				}
			}
			for i := range n.Layers[k].BR {
				if n.Layers[k].BR[i].Cmp(m.Layers[k].BR[i]) != 0 {
					t.Fatal("round trip changed a bias")
				}
			}
		}
	})
}
