package main

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

func TestBuildHardExactRationals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "H.json")
	code, stdout, stderr := runCLI(t, "", "build", "hard", "--a", "1/3,2/3;1/2", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "depth 3, size 5") || !strings.Contains(stdout, "7 pieces on R") {
		t.Errorf("summary: %s", stdout)
	}
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), `"-1/3"`) {
		t.Errorf("exact rational bias not stored as a string: %s", data)
	}
	net, err := relu.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if w := net.HiddenWidths(); len(w) != 2 || w[0] != 3 || w[1] != 2 {
		t.Errorf("widths %v, want [3 2] (|Ai|+1 units)", w)
	}
	// H(1/6) = h_{1/2}(h_{1/3,2/3}(1/6)) = h_{1/2}(1/2) = 1, exactly.
	if v := net.EvalRat([]*big.Rat{big.NewRat(1, 6)})[0]; v.Cmp(big.NewRat(1, 1)) != 0 {
		t.Errorf("H(1/6) = %s", v.RatString())
	}
}

func TestBuildFamilies(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args  []string
		depth int
		size  int
		want  string
	}{
		{[]string{"sawtooth", "--k", "3", "--w", "2"}, 4, 6, `"pieces": 10`},
		{[]string{"cor34", "--k", "3"}, 10, 27, `"teeth": 19683`},
		{[]string{"cor34", "--k", "2", "--seed", "5"}, 5, 8, `"teeth": 16`},
		{[]string{"cor33", "--k", "4", "--eps", "0.5"}, 9, 32, `"teeth": 65536`},
		{[]string{"hard", "--seed", "7", "--k", "2", "--w", "3"}, 3, 6, `"pieces": 10`},
		{[]string{"zonotope", "--gens", "1,0;0,1", "--a", "1/2;1/2"}, 4, 8, `"pieces": 17`},
		{[]string{"zonotope", "--gens", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "--a", "1/2;1/2"}, 4, 12, `"pieces": 33`},
		{[]string{"zonotope", "--seed", "3", "--n", "3", "--m", "4", "--k", "2", "--w", "3"}, 4, 14, `"pieces": 126`},
		{[]string{"zonotope", "--gens", "1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1", "--a", "1/2"}, 3, 14, `"general_position": false`},
	} {
		out := filepath.Join(dir, "n.json")
		args := append(append([]string{"build"}, c.args...), "-o", out, "--json")
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
			continue
		}
		if !strings.Contains(stdout, c.want) {
			t.Errorf("%v: summary lacks %s: %s", c.args, c.want, stdout)
		}
		net, err := relu.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if net.Depth() != c.depth || net.Size() != c.size {
			t.Errorf("%v: depth %d size %d, want %d %d", c.args, net.Depth(), net.Size(), c.depth, c.size)
		}
	}
}

func TestBuildToStdout(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "build", "hard", "--a", "1/2")
	if code != 0 || !strings.HasPrefix(stdout, `{"layers"`) {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

func TestBuildBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bad.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"hard", "--a", "1/2,1/3"}, "not strictly increasing"},
		{[]string{"hard", "--a", "0,1/2"}, "not strictly inside (0, 1)"},
		{[]string{"hard", "--a", "1/2,1"}, "not strictly inside (0, 1)"},
		{[]string{"hard", "--a", "3", "--M", "2"}, "not strictly inside (0, 2)"},
		{[]string{"hard", "--a", "1/2;;1/3"}, "layer 2 is empty"},
		{[]string{"hard", "--a", "1/2", "--M", "0"}, "M must be positive"},
		{[]string{"hard"}, "give --a"},
		{[]string{"sawtooth", "--k", "0", "--w", "2"}, "k ≥ 1"},
		{[]string{"sawtooth", "--k", "2", "--w", "1"}, "w ≥ 2"},
		{[]string{"zonotope", "--seed", "1", "--n", "2", "--m", "0", "--a", "1/2"}, "m ≥ 1"},
		{[]string{"zonotope", "--gens", "1,0;1", "--a", "1/2"}, "dimension"},
		{[]string{"zonotope", "--gens", "0,0;0,0", "--a", "1/2"}, "all 2 generators are zero"},
		{[]string{"zonotope", "--gens", "1,0", "--a", ""}, "give --a"},
		{[]string{"nosuch"}, "unknown family"},
		{nil, "missing FAMILY"},
	} {
		args := append(append([]string{"build"}, c.args...), "-o", out)
		code, _, stderr := runCLI(t, "", args...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: output file written despite the error", c.args)
		}
	}
}
