package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPaper(t *testing.T) {
	if testing.Short() {
		t.Skip("paper runs every check (~10 s)")
	}
	dir := filepath.Join(t.TempDir(), "figs")
	code, out, errOut := runCLI(t, "", "paper", "--json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	var res struct {
		Checks []checkRow
		Failed int
		Passed int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Failed != 0 || res.Passed < 100 {
		t.Errorf("passed %d, failed %d", res.Passed, res.Failed)
	}
	for _, want := range []string{"Thm 3.1 depth separation", "Thm 3.9(i) ZONOTOPE pieces", "Lemma B.1/Thm 3.2 pieces", "zonotope vertices, named case", "§4 comparison"} {
		found := false
		for _, c := range res.Checks {
			found = found || strings.HasPrefix(c.Claim, want)
		}
		if !found {
			t.Errorf("no check %q", want)
		}
	}
	for _, f := range []string{"figure1-left.svg", "figure1-right.svg", "figure2.svg", "sawtooth.svg"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.HasPrefix(string(data), "<svg") || !strings.HasSuffix(string(data), "</svg>\n") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestPaperWritesNothingWithoutOut(t *testing.T) {
	// the manual documents that figures are written only with --out
	code, out, _ := runCLI(t, "", "paper", "-h")
	if code != 0 || !strings.Contains(out, "Without --out no file is written") {
		t.Errorf("manual: %s", out)
	}
}

// BenchmarkPaper times every check of relucid paper (no figures).
func BenchmarkPaper(b *testing.B) {
	for b.Loop() {
		p := &paperRun{ctx: context.Background(), rng: rand.New(rand.NewPCG(1, 2018))}
		p.all()
		for _, r := range p.rows {
			if !r.Pass {
				b.Fatalf("%s %s: %s", r.Claim, r.Params, r.Measured)
			}
		}
	}
}
