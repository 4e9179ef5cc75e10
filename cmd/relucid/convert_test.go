package main

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

func TestConvertCLI(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		in             string
		hidden, pieces int
		method         string
		// points and the exact values of the input function there
		pts  [][]*big.Rat
		want []*big.Rat
	}{
		{"../../testdata/convert/hat2d.json", 2, 7, "cells",
			[][]*big.Rat{{big.NewRat(1, 1), big.NewRat(1, 1)}, {big.NewRat(1, 2), big.NewRat(1, 2)}, {big.NewRat(3, 2), big.NewRat(1, 1)}, {big.NewRat(0, 1), big.NewRat(2, 1)}},
			[]*big.Rat{big.NewRat(1, 1), big.NewRat(1, 2), big.NewRat(1, 2), big.NewRat(0, 1)}},
		{"../../testdata/convert/maxsum.json", 2, 0, "arrangement",
			// max(x, y, 1/3−x−y, x+y−1) − max(x+y−1, x/2−2y): 1/3 at (0,0), 3 − 7/2 at (3,−1)
			[][]*big.Rat{{big.NewRat(0, 1), big.NewRat(0, 1)}, {big.NewRat(3, 1), big.NewRat(-1, 1)}},
			[]*big.Rat{big.NewRat(1, 3), big.NewRat(-1, 2)}},
		{"../../testdata/convert/lattice.json", 2, 4, "arrangement",
			// max(min(x, 1), min(y, 2−x), min(x, y)) at (0,0) = 0, at (5, 5) = 5
			[][]*big.Rat{{big.NewRat(0, 1), big.NewRat(0, 1)}, {big.NewRat(5, 1), big.NewRat(5, 1)}},
			[]*big.Rat{big.NewRat(0, 1), big.NewRat(5, 1)}},
		{"../../testdata/convert/maxsum3d.json", 2, 0, "region-complex",
			// max(x, y, z, 1−x−y−z, x+y−1) − max(z, 0): 1 at 0, 2 at (2, 1, −1)
			[][]*big.Rat{{big.NewRat(0, 1), big.NewRat(0, 1), big.NewRat(0, 1)}, {big.NewRat(2, 1), big.NewRat(1, 1), big.NewRat(-1, 1)}},
			[]*big.Rat{big.NewRat(1, 1), big.NewRat(2, 1)}},
		{"../../testdata/zigzag.json", 1, 3, "exact-1d",
			[][]*big.Rat{{big.NewRat(1, 4)}, {big.NewRat(1, 2)}, {big.NewRat(2, 1)}},
			[]*big.Rat{big.NewRat(1, 2), big.NewRat(1, 1), big.NewRat(-2, 1)}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.in), func(t *testing.T) {
			out := filepath.Join(dir, filepath.Base(tc.in)+".net.json")
			code, stdout, stderr := runCmd(t, "", "convert", tc.in, "-o", out, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var s struct {
				Depth, Size, Terms, Pieces int
				Hidden                     int `json:"hidden_layers"`
				Bound                      int `json:"depth_bound_hidden"`
				Verified                   string
				Verification               struct {
					Equal, Proven bool
					Method        string
				}
			}
			if err := json.Unmarshal([]byte(stdout), &s); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			if s.Hidden != tc.hidden || s.Depth != tc.hidden+1 || s.Hidden > s.Bound {
				t.Errorf("hidden %d depth %d bound %d", s.Hidden, s.Depth, s.Bound)
			}
			if tc.pieces > 0 && s.Pieces != tc.pieces {
				t.Errorf("pieces %d, want %d", s.Pieces, tc.pieces)
			}
			if !s.Verification.Equal || !s.Verification.Proven || s.Verification.Method != tc.method || s.Verified != "proof" {
				t.Errorf("verification %+v", s.Verification)
			}
			net, err := relu.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if net.Size() != s.Size || net.HasOutputBias() {
				t.Errorf("written net: size %d, output bias %v", net.Size(), net.HasOutputBias())
			}
			for i, x := range tc.pts {
				if got := net.EvalRat(x)[0]; got.Cmp(tc.want[i]) != 0 {
					t.Errorf("f%v = %v, want %v", x, got, tc.want[i])
				}
			}
		})
	}
	// A 2-D net on a box: max(x, y) + |x − y|/2 with a second layer.
	net2 := writeTemp(t, "n2.json", `{"layers": [{"weight": [[1, -1], [-1, 1], [1, 1]], "bias": [0, 0, "1/3"]},
		{"weight": [[1, 1, -1], [0, 1, 1]], "bias": [0, -1]}, {"weight": [[1, -2]]}]}`)
	out2 := filepath.Join(dir, "n2.out.json")
	code, stdout, stderr := runCmd(t, "", "convert", net2, "--box", "-2:2,-1:3", "-o", out2, "--json")
	if code != 0 {
		t.Fatalf("2-D net: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"proven": true`) {
		t.Errorf("2-D net not proven: %s", stdout)
	}
	orig, _ := relu.ReadFile(net2)
	conv, err := relu.ReadFile(out2)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Depth() > 3 {
		t.Errorf("depth %d", conv.Depth())
	}
	for _, x := range [][]*big.Rat{{big.NewRat(-2, 1), big.NewRat(3, 1)}, {big.NewRat(1, 3), big.NewRat(1, 7)}, {big.NewRat(2, 1), big.NewRat(-1, 1)}} {
		if a, b := conv.EvalRat(x)[0], orig.EvalRat(x)[0]; a.Cmp(b) != 0 {
			t.Errorf("at %v: converted %v, net %v", x, a, b)
		}
	}
	// The same net on all of R² (no --box): proven through the perspective,
	// and equal far outside any box.
	outW := filepath.Join(dir, "n2.whole.json")
	code, stdout, stderr = runCmd(t, "", "convert", net2, "-o", outW, "--json")
	if code != 0 {
		t.Fatalf("2-D net on R²: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"proven": true`) || !strings.Contains(stdout, `"proof_domain": "R^n`) {
		t.Errorf("2-D net on R² not proven: %s", stdout)
	}
	convW, err := relu.ReadFile(outW)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]*big.Rat{{big.NewRat(-2000, 1), big.NewRat(3, 1)}, {big.NewRat(1e6, 3), big.NewRat(-1e6, 7)}, {big.NewRat(1, 3), big.NewRat(1, 7)}} {
		if a, b := convW.EvalRat(x)[0], orig.EvalRat(x)[0]; a.Cmp(b) != 0 {
			t.Errorf("on R² at %v: converted %v, net %v", x, a, b)
		}
	}
	// Text summary and the lattice method.
	out := filepath.Join(dir, "lat.json")
	code, stdout, stderr = runCmd(t, "", "convert", "../../testdata/convert/hat2d.json", "-o", out, "--method", "lattice", "--gadget", "3")
	if code != 0 || !strings.Contains(stdout, "hidden layers") || !strings.Contains(stdout, "He, Li, Xu, Zheng") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
}

func TestConvertCLIErrors(t *testing.T) {
	dir := t.TempDir()
	w := func(name, content string) string { return writeTemp(t, name, content) }
	net2 := w("net2.json", `{"layers": [{"weight": [[1, 1]]}, {"weight": [[1]]}]}`)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing output", []string{"convert", "../../testdata/convert/hat2d.json"}, 2, []string{"-o"}},
		{"missing input", []string{"convert", "-o", "x.json"}, 2, []string{"missing IN"}},
		{"bad method", []string{"convert", "../../testdata/convert/hat2d.json", "-o", "x.json", "--method", "magic"}, 2, []string{"method"}},
		{"bad gadget", []string{"convert", "../../testdata/convert/hat2d.json", "-o", "x.json", "--gadget", "5"}, 2, []string{"gadget"}},
		{"unreadable", []string{"convert", filepath.Join(dir, "nope.json"), "-o", "x.json"}, 1, []string{"nope.json"}},
		{"malformed", []string{"convert", w("m.json", `{"kind": "lattice", `), "-o", "x.json"}, 1, []string{"m.json", "malformed"}},
		{"non-convex", []string{"convert", w("nc.json", `{"kind": "triangulation", "n": 2,
			"vertices": [[0,0],[2,0],[0,2],[2,2],[1,1]], "simplices": [[0,1,4],[0,2,4],[1,3,4]], "values": [0,0,0,0,1]}`), "-o", "x.json"}, 1, []string{"nc.json", "not convex"}},
		{"discontinuous", []string{"convert", w("dc.json", `{"kind": "triangulation", "n": 2,
			"vertices": [[0,0],[1,0],[0,1],[1,1]], "simplices": [[0,1,2],[1,3,2]],
			"simplex_values": [[0,1,2],[1,5,3]]}`), "-o", "x.json"}, 1, []string{"dc.json", "not continuous"}},
		{"not a complex", []string{"convert", w("ov.json", `{"kind": "triangulation", "n": 2,
			"vertices": [[0,0],[4,0],[0,4],[1,1]], "simplices": [[0,1,2],[1,2,3]], "values": [0,0,0,1]}`), "-o", "x.json"}, 1, []string{"ov.json", "simplicial complex"}},
		{"dimension mismatch", []string{"convert", w("dm.json", `{"kind": "maxsum", "n": 2,
			"affine": [{"w": [1], "b": 0}], "terms": [{"sign": 1, "args": [0]}]}`), "-o", "x.json"}, 1, []string{"dm.json", "coefficients"}},
		{"box of wrong dimension", []string{"convert", net2, "-o", "x.json", "--box", "0:1"}, 2, []string{"2 inputs"}},
		{"inverted box", []string{"convert", net2, "-o", "x.json", "--box", "1:0,0:1"}, 2, []string{"inverted"}},
		{"spatial needs three inputs", []string{"convert", "../../testdata/convert/hat2d.json", "-o", "x.json", "--method", "spatial"}, 1, []string{"three or more inputs"}},
		{"box for a description", []string{"convert", "../../testdata/convert/hat2d.json", "-o", "x.json", "--box", "0:1,0:1"}, 2, []string{"nets only"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, a := range tc.args {
				if a == "x.json" {
					tc.args[i] = filepath.Join(dir, "x.json")
				}
			}
			code, stdout, stderr := runCmd(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			if stdout != "" {
				t.Errorf("output on failure: %q", stdout)
			}
			for _, s := range tc.want {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q does not mention %q", stderr, s)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
				t.Error("output file written on failure")
			}
			if strings.Contains(stderr, "goroutine") {
				t.Error("panic trace")
			}
		})
	}
}

// TestConvertCLISpatial runs the spatial construction on a net with three
// inputs: two hidden layers, terms of arity ≤ 4, proven equal on R³.
func TestConvertCLISpatial(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o.json")
	code, stdout, stderr := runCmd(t, "", "convert", "../../testdata/convert/net3d.json", "-o", out, "--json", "--method", "spatial")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var s struct {
		Method   string
		Hidden   int `json:"hidden_layers"`
		Arity    int `json:"max_arity"`
		Verified string
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Method != "spatial" || s.Hidden != 2 || s.Arity != 4 || s.Verified != "proof" {
		t.Errorf("summary %+v", s)
	}
}
