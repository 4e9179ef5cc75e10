package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEvalONNX runs "relucid eval model.onnx" on the PyTorch-exported
// fixture and compares with PyTorch's float64 outputs recorded by
// onnx/testdata/gen.py.
func TestEvalONNX(t *testing.T) {
	data, err := os.ReadFile("../../onnx/testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			Model     string      `json:"model"`
			Inputs    [][]float64 `json:"inputs"`
			Outputs64 [][]float64 `json:"outputs64"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, c := range f.Cases {
		if c.Model != "r2r.onnx" && c.Model != "external.onnx" {
			continue
		}
		tested++
		var in strings.Builder
		for _, x := range c.Inputs {
			for j, v := range x {
				if j > 0 {
					in.WriteByte(',')
				}
				in.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
			in.WriteByte('\n')
		}
		code, out, errOut := runCLI(t, in.String(), "eval", "../../onnx/testdata/"+c.Model)
		if code != 0 {
			t.Fatalf("eval %s: exit %d: %s", c.Model, code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(c.Outputs64) {
			t.Fatalf("%s: %d output rows, want %d", c.Model, len(lines), len(c.Outputs64))
		}
		for i, line := range lines {
			for j, s := range strings.Split(line, ",") {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatal(err)
				}
				// float64 evaluation of float32-exact weights: both sides
				// compute the same sums, up to summation order (1e-12).
				if w := c.Outputs64[i][j]; math.Abs(v-w) > 1e-12*math.Max(1, math.Abs(w)) {
					t.Errorf("%s point %d: got %v, PyTorch float64 %v", c.Model, i, v, w)
				}
			}
		}
	}
	if tested != 2 {
		t.Fatalf("tested %d fixtures, want 2", tested)
	}
}

// TestExportRoundTrip exports the zigzag net and evaluates the ONNX file:
// the outputs must be those of the JSON net, digit for digit.
func TestExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "z.onnx")
	code, stdout, errOut := runCLI(t, "", "export", "../../testdata/zigzag.json", "-o", out, "--json")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	var sum struct {
		Params  int `json:"params"`
		Rounded int `json:"rounded"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum.Params != 7 || sum.Rounded != 0 {
		t.Fatalf("summary %q (%v)", stdout, err)
	}
	pts := "0\n0.1\n0.25\n0.3333333333333333\n0.5\n0.7\n1\n-2\n3\n"
	_, want, _ := runCLI(t, pts, "eval", "../../testdata/zigzag.json")
	code, got, errOut := runCLI(t, pts, "eval", out)
	if code != 0 || got != want {
		t.Fatalf("eval of export: exit %d (%s)\n%s\nwant\n%s", code, errOut, got, want)
	}
	// float32 export of a net whose weights are float32 values is exact too.
	code, _, errOut = runCLI(t, "", "export", "../../testdata/zigzag.json", "-o", out, "--float32")
	if code != 0 || errOut != "" {
		t.Fatalf("export --float32: exit %d: %q", code, errOut)
	}
	if _, got, _ = runCLI(t, pts, "eval", out); got != want {
		t.Fatalf("float32 export evaluates to\n%s\nwant\n%s", got, want)
	}
}

// TestExportRounding checks that rounding an exact rational is reported.
func TestExportRounding(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "third.json")
	if err := os.WriteFile(in, []byte(`{"layers": [{"weight": [["1/3"]], "bias": [0]}, {"weight": [[1]]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "", "export", in, "-o", filepath.Join(dir, "t.onnx"))
	if code != 0 || !strings.Contains(errOut, "1 of 4 weights rounded to float64") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestONNXErrors checks bad models and bad calls: clear message naming the
// file (and the node), non-zero exit, no output file.
func TestONNXErrors(t *testing.T) {
	dir := t.TempDir()
	trunc := filepath.Join(dir, "trunc.onnx")
	good, err := os.ReadFile("../../onnx/testdata/gemm_f32.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(trunc, good[:len(good)-40], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.onnx")
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"eval", "../../onnx/testdata/conv.onnx"}, 1, []string{"conv.onnx", "Conv", "/conv/Conv", "Gemm, MatMul"}},
		{[]string{"eval", "../../onnx/testdata/skip.onnx"}, 1, []string{"skip.onnx", "skip connection"}},
		{[]string{"eval", trunc}, 1, []string{"trunc.onnx", "truncated"}},
		{[]string{"eval", filepath.Join(dir, "missing.onnx")}, 1, []string{"missing.onnx"}},
		{[]string{"export", "../../onnx/testdata/conv.onnx", "-o", out}, 1, []string{"Conv"}},
		{[]string{"export", "../../testdata/zigzag.json"}, 2, []string{"missing -o"}},
		{[]string{"export", "-o", out}, 2, []string{"missing NET.json"}},
	} {
		code, _, errOut := runCLI(t, "0\n", tc.args...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q does not contain %q", tc.args, errOut, w)
			}
		}
		if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: panic trace: %s", tc.args, errOut)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("failed export left %s behind", out)
	}
}
