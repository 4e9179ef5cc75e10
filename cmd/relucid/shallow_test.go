package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type shallowOut struct {
	Pieces     int  `json:"pieces"`
	Size       int  `json:"size"`
	LowerBound int  `json:"lower_bound"`
	Minimal    bool `json:"minimal"`
	OutputBias bool `json:"output_bias"`
	Verified   bool `json:"verified"`
}

func TestShallow(t *testing.T) {
	dir := t.TempDir()
	spec := tempFile(t, "f.json", `{"breakpoints": [-1, 0, 2], "values": [0, 2, 0], "slope_left": 1, "slope_right": 3}`)
	absx1 := tempFile(t, "abs.json", `{"breakpoints": [0], "values": [1], "slope_left": -1, "slope_right": 1}`)
	saw := sawtoothJSON(t, 3)
	tests := []struct {
		name  string
		args  []string
		want  shallowOut
		check float64 // a point to evaluate
	}{
		{"spec §5 item 4", []string{spec}, shallowOut{4, 4, 3, true, true, true}, 0},
		{"sawtooth k=3: Corollary A.1", []string{saw}, shallowOut{10, 9, 9, true, true, true}, 0},
		{"|x|+1 with bias", []string{absx1}, shallowOut{2, 2, 1, true, true, true}, 0},
		{"|x|+1 without bias (A1)", []string{absx1, "--no-output-bias"}, shallowOut{2, 3, 1, true, false, true}, 0},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out"+string(rune('a'+i))+".json")
			code, stdout, errs := runP(t, append([]string{"shallow", "-o", out, "--json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var got shallowOut
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			// The written net has one hidden layer and the same pieces
			// (independently recomputed by relucid pieces).
			p := piecesJSONOf(t, out, "--exact")
			if p.Pieces != tc.want.Pieces {
				t.Fatalf("written net has %d pieces", p.Pieces)
			}
			net, err := loadNet(out)
			if err != nil {
				t.Fatal(err)
			}
			if net.Depth() > 2 || net.Size() != tc.want.Size {
				t.Fatalf("written net: depth %d size %d", net.Depth(), net.Size())
			}
			if !tc.want.OutputBias && net.HasOutputBias() {
				t.Fatal("output bias written")
			}
		})
	}
	// a 2-D net sliced along a line
	two := tempFile(t, "two.json", `{"layers": [{"weight": [[1, 0], [0, 1]], "bias": [0, -1]}, {"weight": [[1, 1]]}]}`)
	code, stdout, errs := runP(t, "shallow", two, "--dir", "1,1", "-o", filepath.Join(dir, "s.json"), "--json")
	var got shallowOut
	if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil || got.Pieces != 3 || got.Size != 2 {
		t.Fatalf("sliced: exit %d %s %s", code, stdout, errs)
	}
	// text output
	code, stdout, _ = runP(t, "shallow", saw, "-o", filepath.Join(dir, "t.json"))
	if code != 0 || !strings.Contains(stdout, "9 units (minimal)") || !strings.Contains(stdout, "p-1 = 9") {
		t.Fatalf("text: %s", stdout)
	}
}

func TestShallowBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"missing -o", []string{"shallow", tempFile(t, "z.json", zigzagNet)}, 2, "-o"},
		{"values mismatch", []string{"shallow", "-o", out, tempFile(t, "bad.json", `{"breakpoints": [0, 1], "values": [0], "slope_left": 0, "slope_right": 0}`)}, 1, "bad.json"},
		{"descending breakpoints", []string{"shallow", "-o", out, tempFile(t, "desc.json", `{"breakpoints": [1, 0], "values": [0, 0], "slope_left": 0, "slope_right": 0}`)}, 1, "ascending"},
		{"NaN in description", []string{"shallow", "-o", out, tempFile(t, "nan.json", `{"breakpoints": [0], "values": ["NaN"], "slope_left": 0, "slope_right": 0}`)}, 1, "nan.json"},
		{"truncated", []string{"shallow", "-o", out, tempFile(t, "trunc.json", `{"breakpoints": [0], "values": [0]`)}, 1, "trunc.json"},
		{"2-D net", []string{"shallow", "-o", out, tempFile(t, "two.json", `{"layers": [{"weight": [[1, 1]]}]}`)}, 1, "--through"},
		{"unreadable", []string{"shallow", "-o", out, filepath.Join(dir, "none.json")}, 1, "none.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runP(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.message) {
				t.Fatalf("exit %d (want %d): %q (want %q)", code, tc.code, errs, tc.message)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("output file written on error")
			}
		})
	}
}

func TestDemo(t *testing.T) {
	start := time.Now()
	code, out, errs := runP(t, "demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"10 pieces", "bound", "9 units", "equal: true", "the exact rational engine agrees: 10 pieces",
		"on all of R²  20 regions,  17 pieces,  17 maps (complete: true)",
		"→ 2 hidden layers (bound ⌈log₂ 4⌉ = 2)", "equal at 200 exact random points"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("demo took %v", d)
	}
	if code, _, _ := runP(t, "demo", "--depth", "99"); code != 2 {
		t.Errorf("--depth 99: exit %d", code)
	}
	if code, out, _ := runP(t, "demo", "--depth", "8"); code != 0 || !strings.Contains(out, "258 pieces") {
		t.Errorf("--depth 8: exit %d\n%s", code, out)
	}
}
