package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGapStats(t *testing.T) {
	for _, c := range []struct {
		vs             []float64
		opt            float64
		frac, med, max float64
	}{
		{[]float64{1, 1.001, 2, 3}, 1, 0.5, 1.5, 2}, // 1.001 is within AboveRel
		{[]float64{1, 1}, 1, 0, 0, 0},
		{[]float64{0, 1e-12, 0.5}, 0, 1.0 / 3, 0.5 / objFloor, 0.5 / objFloor}, // optimum 0: absolute floor
	} {
		f, m, x := gapStats(c.vs, c.opt)
		if math.Abs(f-c.frac) > 1e-12 || math.Abs(m-c.med) > 1e-9*c.med || math.Abs(x-c.max) > 1e-9*c.max {
			t.Errorf("gapStats(%v, %v) = %v, %v, %v; want %v, %v, %v", c.vs, c.opt, f, m, x, c.frac, c.med, c.max)
		}
	}
}

func TestConsistency(t *testing.T) {
	ok := Row{Exact: 2, ExactCertified: true, GoGD: []float64{2, 3}, Torch: []float64{2.0000000000001},
		MILP: 2.000001, MILPCertified: true}
	ok.RunMILP = true
	if ps := consistency(&ok); len(ps) != 0 {
		t.Errorf("consistent row flagged: %v", ps)
	}
	for name, r := range map[string]Row{
		"GD below":       {Exact: 2, ExactCertified: true, GoGD: []float64{1.9}},
		"torch below":    {Exact: 2, ExactCertified: true, Torch: []float64{1.99}},
		"HiGHS differs":  {Exact: 2, ExactCertified: true, MILP: 2.1, MILPCertified: true},
		"HiGHS below":    {Exact: 2, ExactCertified: true, MILP: 1.5, MILPCertified: true},
		"not certified":  {Exact: 2},
		"relucid failed": {ExactErr: "boom"},
	} {
		if ps := consistency(&r); len(ps) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
}

// TestFrom renders a saved run; the table must contain the ratio and counts.
func TestFrom(t *testing.T) {
	rows := []Row{{Case: Case{Name: "T5 n=1 D=10", Width: 2, Loss: "absolute", RunMILP: true},
		Exact: 2, ExactS: 0.5, ExactCertified: true, MILP: 2, MILPS: 5, MILPCertified: true,
		GoGD: []float64{2, 4, 2.000001, 3}}}
	b, _ := json.Marshal(rows)
	path := filepath.Join(t.TempDir(), "rows.json")
	os.WriteFile(path, b, 0o644)
	var out bytes.Buffer
	if code, err := run(context.Background(), []string{"-from", path}, &out, &out); code != 0 || err != nil {
		t.Fatalf("exit %d: %v", code, err)
	}
	for _, want := range []string{"| T5 n=1 D=10 | absolute | 2 | 2 |", "10.0×", "2/4 (75%)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"-suite", "nope"}, {"-exact", "gpu"}, {"-from", "/nonexistent.json"}} {
		if code, _ := run(context.Background(), args, &out, &out); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
}
