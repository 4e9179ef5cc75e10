package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runP runs the CLI and returns exit code, stdout and stderr.
func runP(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("panic trace: %s", errb.String())
	}
	return code, out.String(), errb.String()
}

func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const zigzagNet = `{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0, -0.5]},
            {"weight": [[2.0, -4.0]], "bias": [0.0]}]}`

// sawtoothJSON writes the sawtooth of depth k (hidden widths 2).
func sawtoothJSON(t *testing.T, k int) string {
	var b strings.Builder
	b.WriteString(`{"layers": [{"weight": [[1], [1]], "bias": [0, -0.5]}`)
	for i := 1; i < k; i++ {
		b.WriteString(`, {"weight": [[2, -4], [2, -4]], "bias": [0, -0.5]}`)
	}
	b.WriteString(`, {"weight": [[2, -4]]}]}`)
	return tempFile(t, "saw.json", b.String())
}

type piecesOut struct {
	Pieces           int       `json:"pieces"`
	Breakpoints      []float64 `json:"breakpoints"`
	Slopes           []float64 `json:"slopes"`
	Values           []float64 `json:"values"`
	LemmaD5Bound     int64     `json:"lemma_d5_bound"`
	Exact            bool      `json:"exact"`
	Engine           string    `json:"engine"`
	Fallback         string    `json:"fallback"`
	BreakpointsExact []string  `json:"breakpoints_exact"`
}

func piecesJSONOf(t *testing.T, args ...string) piecesOut {
	t.Helper()
	code, out, errs := runP(t, append([]string{"pieces", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p piecesOut
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(p.Slopes) != p.Pieces || len(p.Breakpoints) != p.Pieces-1 || len(p.Values) != p.Pieces-1 {
		t.Fatalf("inconsistent lengths: %+v", p)
	}
	return p
}

func eqF(a, b []float64) bool {
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

func TestPiecesZigzag(t *testing.T) {
	net := tempFile(t, "zigzag.json", zigzagNet)
	for _, mode := range []string{"", "--exact", "--rational"} {
		args := []string{net}
		if mode != "" {
			args = append(args, mode)
		}
		engine := "float64"
		if mode == "--rational" {
			engine = "rational"
		}
		p := piecesJSONOf(t, args...)
		// dyadic weights: the float run is error-free, so exact in every mode
		if p.Pieces != 3 || !eqF(p.Breakpoints, []float64{0, 0.5}) || !eqF(p.Values, []float64{0, 1}) ||
			!eqF(p.Slopes, []float64{0, 2, -2}) || p.LemmaD5Bound != 3 || !p.Exact || p.Engine != engine {
			t.Errorf("%q: %+v", mode, p)
		}
		d := piecesJSONOf(t, append(args, "--domain", "0:1")...)
		if d.Pieces != 2 || !eqF(d.Breakpoints, []float64{0.5}) || !eqF(d.Slopes, []float64{2, -2}) {
			t.Errorf("%q on [0,1]: %+v", mode, d)
		}
		d = piecesJSONOf(t, append(args, "--domain", "-1/3:1/3")...)
		if d.Pieces != 2 || !eqF(d.Breakpoints, []float64{0}) {
			t.Errorf("%q on [-1/3,1/3]: %+v", mode, d)
		}
	}
	// σ(x/3 + 1/3): the float count is certified but its numbers are not
	// exact; --exact hands over to the rational engine and says why.
	third := tempFile(t, "third.json", `{"layers": [{"weight": [["1/3"]], "bias": ["1/3"]}, {"weight": [[1]]}]}`)
	p := piecesJSONOf(t, third)
	if p.Pieces != 2 || p.Exact || p.Engine != "float64" {
		t.Errorf("third: %+v", p)
	}
	p = piecesJSONOf(t, third, "--exact")
	if p.Pieces != 2 || !p.Exact || p.Engine != "rational" || p.Fallback == "" || p.BreakpointsExact[0] != "-1" {
		t.Errorf("third --exact: %+v", p)
	}
	code, out, _ := runP(t, "pieces", net)
	if code != 0 || !strings.Contains(out, "3 pieces") || !strings.Contains(out, "Lemma D.5 bound") {
		t.Errorf("text output: %s", out)
	}
}

func TestPiecesSawtooth(t *testing.T) {
	// R1 at depth 10: 2^10 pieces on [0, 1]; float and exact agree.
	net := sawtoothJSON(t, 10)
	f := piecesJSONOf(t, net, "--domain", "0:1")
	e := piecesJSONOf(t, net, "--domain", "0:1", "--rational")
	if f.Pieces != 1024 || e.Pieces != 1024 || !eqF(f.Breakpoints, e.Breakpoints) || !eqF(f.Values, e.Values) {
		t.Fatalf("float %d, exact %d pieces", f.Pieces, e.Pieces)
	}
	if e.BreakpointsExact[0] != "1/1024" {
		t.Errorf("first exact breakpoint %s", e.BreakpointsExact[0])
	}
	if w := piecesJSONOf(t, net); w.Pieces != 1026 {
		t.Errorf("whole line: %d pieces, want 2^10 + 2", w.Pieces)
	}
}

func TestPiecesSlice(t *testing.T) {
	// f(x, y) = σ(x) + σ(y − 1), outputs (f, x − y)
	net := tempFile(t, "two.json", `{"layers": [{"weight": [[1, 0], [0, 1]], "bias": [0, -1]}, {"weight": [[1, 1], [1, -1]]}]}`)
	code, _, errs := runP(t, "pieces", net)
	if code == 0 || !strings.Contains(errs, "--through") || !strings.Contains(errs, "2 inputs") {
		t.Fatalf("2-D net: exit %d, %s", code, errs)
	}
	code, _, errs = runP(t, "pieces", net, "--dir", "1,1")
	if code == 0 || !strings.Contains(errs, "--output") {
		t.Fatalf("2 outputs: exit %d, %s", code, errs)
	}
	p := piecesJSONOf(t, net, "--through", "0,0", "--dir", "1,1", "--output", "0")
	if p.Pieces != 3 || !eqF(p.Breakpoints, []float64{0, 1}) || !eqF(p.Slopes, []float64{0, 1, 2}) {
		t.Errorf("slice: %+v", p)
	}
	code, _, errs = runP(t, "pieces", net, "--dir", "1,1,1", "--output", "0")
	if code == 0 || !strings.Contains(errs, "coordinates") {
		t.Errorf("wrong direction length: exit %d, %s", code, errs)
	}
}

func TestPiecesBadInput(t *testing.T) {
	good := tempFile(t, "zigzag.json", zigzagNet)
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"domain A = B", []string{"pieces", good, "--domain", "1:1"}, 2, "need A < B"},
		{"domain A > B", []string{"pieces", good, "--domain", "2:-1"}, 2, "need A < B"},
		{"domain not numbers", []string{"pieces", good, "--domain", "a:b"}, 2, "numbers"},
		{"domain without colon", []string{"pieces", good, "--domain", "3"}, 2, "A:B"},
		{"no file", []string{"pieces"}, 2, "missing"},
		{"missing file", []string{"pieces", filepath.Join(t.TempDir(), "nope.json")}, 1, "nope.json"},
		{"truncated JSON", []string{"pieces", tempFile(t, "trunc.json", `{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0`)}, 1, "trunc.json"},
		{"NaN weight", []string{"pieces", tempFile(t, "nan.json", `{"layers": [{"weight": [["NaN"]]}]}`)}, 1, "nan.json"},
		{"no layers", []string{"pieces", tempFile(t, "empty.json", `{"layers": []}`)}, 1, "empty.json"},
		{"bad --dir", []string{"pieces", good, "--dir", "x"}, 2, "--dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runP(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.message) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q), stdout %q", code, tc.code, errs, tc.message, out)
			}
		})
	}
}

func TestPiecesHelp(t *testing.T) {
	code, out, _ := runP(t, "help", "pieces")
	if code != 0 || !strings.Contains(out, "example") || !strings.Contains(out, "--domain") {
		t.Fatalf("help: %s", out)
	}
}
