package main

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

const fig1 = "testdata/regions/fig1left.json"

func TestRegionsJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"box", []string{fig1, "--box", "-3:3,-3:3", "--json"}},
		{"box exact", []string{fig1, "--box", "-3:3,-3:3", "--json", "--exact"}},
		{"rational box", []string{fig1, "--box", "-3:3,-9/3:3", "--json"}},
		{"polytope", []string{fig1, "--polytope", "testdata/regions/square.json", "--json"}},
		{"slice", []string{fig1, "--slice", "0,0;1,0;0,1", "--box", "-3:3,-3:3", "--json"}},
		{"flags first", []string{"--json", "--box", "-3:3,-3:3", fig1}},
		{"slice of a 3-input net", []string{"testdata/regions/net3.json", "--slice", "0,0,10;1,0,0;0,1,0", "--box", "-3:3,-3:3", "--json"}},
		// --repeat: the median time of 5 runs, the counts of one.
		{"repeat", []string{fig1, "--box", "-3:3,-3:3", "--json", "--repeat", "5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", append([]string{"regions"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var got struct {
				Regions, Pieces int
				AffineMaps      int     `json:"affine_maps"`
				Exact           bool    `json:"exact"`
				Repeats         int     `json:"repeats"`
				Seconds         float64 `json:"seconds"`
				SecondsMin      float64 `json:"seconds_min"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("bad JSON %q: %v", out, err)
			}
			if want := map[bool]int{true: 5}[tc.name == "repeat"]; got.Repeats != want || want > 0 && (got.SecondsMin <= 0 || got.SecondsMin > got.Seconds) {
				t.Errorf("repeats %d (want %d), seconds %g, seconds_min %g", got.Repeats, want, got.Seconds, got.SecondsMin)
			}
			if strings.Contains(tc.name, "3-input") {
				// x3 = 10 fixes units 3 and 4 active: f = σ(x) − σ(y) + 10 − 2(x + y + 9)
				// on the quadrants of σ(x), σ(y): 4 regions, 4 maps.
				if got.Regions != 4 || got.Pieces != 4 || got.AffineMaps != 4 {
					t.Errorf("got %+v, want 4, 4, 4", got)
				}
				return
			}
			// Figure 1 (left): 20 activation regions, 17 pieces (paper-spec §5 item 9).
			if got.Regions != 20 || got.Pieces != 17 || got.AffineMaps != 17 {
				t.Errorf("got %+v, want 20 regions, 17 pieces, 17 maps", got)
			}
		})
	}
}

func TestRegionsStream(t *testing.T) {
	code, out, errs := runCLI(t, "", "regions", fig1, "--box", "-3:3,-3:3", "--stream", "--exact")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 21 {
		t.Fatalf("%d lines, want 20 regions and a summary", len(lines))
	}
	for i, l := range lines[:20] {
		if int(l["region"].(float64)) != i || l["maps"] == nil || l["pattern"] == nil || l["interior_exact"] == nil {
			t.Errorf("line %d incomplete: %v", i, l)
		}
	}
	if lines[20]["pieces"].(float64) != 17 {
		t.Errorf("summary %v", lines[20])
	}
}

func TestRegionsMaps(t *testing.T) {
	dir := t.TempDir()
	svg, png := filepath.Join(dir, "m.svg"), filepath.Join(dir, "m.png")
	code, _, errs := runCLI(t, "", "regions", fig1, "--box", "-3:3,-3:3", "--svg", svg, "--png", png)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "<polygon") {
		t.Errorf("svg: %v", err)
	}
	if b, err := os.ReadFile(png); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("png: %v", err)
	}
}

func TestRegionsMaxRegions(t *testing.T) {
	code, out, errs := runCLI(t, "", "regions", fig1, "--box", "-3:3,-3:3", "--max-regions", "5", "--json")
	if code == 0 {
		t.Fatal("exit 0 at the region limit")
	}
	if !strings.Contains(errs, "max-regions") || !strings.Contains(errs, "partial") {
		t.Errorf("stderr %q", errs)
	}
	if !strings.Contains(out, `"partial": true`) || !strings.Contains(out, `"regions": 5`) {
		t.Errorf("stdout %q", out)
	}
}

func TestRegionsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no domain", []string{fig1}, "missing domain"},
		{"no net", []string{"--box", "0:1,0:1"}, "missing NET"},
		{"wrong dimension", []string{fig1, "--box", "0:1"}, "1 intervals but the net takes 2"},
		{"inverted", []string{fig1, "--box", "1:0,0:1"}, "empty or inverted"},
		{"empty interval", []string{fig1, "--box", "0:1,2:2"}, "empty or inverted"},
		{"not a number", []string{fig1, "--box", "a:1,0:1"}, "not a number"},
		{"not an interval", []string{fig1, "--box", "0,1"}, "not A:B"},
		{"unbounded polytope", []string{fig1, "--polytope", "testdata/regions/halfplane.json"}, "unbounded"},
		{"empty polytope", []string{fig1, "--polytope", "testdata/regions/empty.json"}, "empty"},
		{"broken polytope file", []string{fig1, "--polytope", "testdata/regions/broken.json"}, "broken.json"},
		{"missing polytope file", []string{fig1, "--polytope", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"zero slice direction", []string{fig1, "--slice", "0,0;0,0;0,1"}, "zero"},
		{"parallel slice directions", []string{fig1, "--slice", "0,0;1,1;-2,-2"}, "parallel"},
		{"slice of wrong dimension", []string{fig1, "--slice", "0,0,0;1,0,0;0,1,0"}, "takes 2 inputs"},
		{"box and polytope", []string{fig1, "--box", "0:1,0:1", "--polytope", "testdata/regions/square.json"}, "exclude"},
		{"repeat zero", []string{fig1, "--box", "0:1,0:1", "--repeat", "0"}, "--repeat must be between 1 and 1000"},
		{"repeat absurd", []string{fig1, "--box", "0:1,0:1", "--repeat", "100000"}, "--repeat must be between 1 and 1000"},
		{"repeat with stream", []string{fig1, "--box", "0:1,0:1", "--repeat", "3", "--stream"}, "cannot be combined with --stream"},
		{"negative limit", []string{fig1, "--box", "0:1,0:1", "--max-regions", "-1"}, "non-negative"},
		{"svg in 3-D", []string{"testdata/regions/net3.json", "--box", "0:1,0:1,0:1", "--svg", filepath.Join(dir, "x.svg")}, "2-D domain"},
		{"svg and stream", []string{fig1, "--box", "0:1,0:1", "--stream", "--svg", filepath.Join(dir, "x.svg")}, "--stream"},
		{"missing net", []string{filepath.Join(dir, "none.json"), "--box", "0:1,0:1"}, "none.json"},
		{"whole and box", []string{fig1, "--whole", "--box", "0:1,0:1"}, "excludes"},
		{"whole and slice", []string{fig1, "--whole", "--slice", "0,0;1,0;0,1"}, "excludes"},
		{"whole map", []string{fig1, "--whole", "--svg", filepath.Join(dir, "x.svg")}, "--box instead of --whole"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", append([]string{"regions"}, tc.args...)...)
			if code == 0 {
				t.Fatalf("exit 0, stdout %q", out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not mention %q", errs, tc.want)
			}
			if strings.Contains(errs, "goroutine") {
				t.Errorf("panic trace: %s", errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.svg")); err == nil {
		t.Error("output file written on error")
	}
}

// FuzzParseBox: parseBox never panics, and what it accepts is a valid box.
func FuzzParseBox(f *testing.F) {
	for _, s := range []string{"-1:1,-1:1", "0:1", "1/3:2/3,-1e3:1e3", ":", "1:0", "a:b", "1:2:3", ",", "0:1,,0:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lo, hi, err := parseBox(s)
		if err != nil {
			return
		}
		if _, err := region.BoxRat(lo, hi); err != nil {
			t.Fatalf("parseBox accepted %q but BoxRat rejects it: %v", s, err)
		}
	})
}

// FuzzPolytope: polytope files never panic the parser or the enumeration.
func FuzzPolytope(f *testing.F) {
	for _, s := range []string{
		`{"A": [[1, 0], [-1, 0], [0, 1], [0, -1]], "b": [1, 1, 1, 1]}`,
		`{"A": [[1, 0], [0, 1]], "b": [1, 1]}`,
		`{"A": [[1, 1], [-1, 0], [0, -1]], "b": ["1/3", 0, 0]}`,
		`{"A": [[0, 0]], "b": [-1]}`,
		`{"A": [], "b": []}`,
		`{"A": [[1]], "b": [1, 2]}`,
		`{"A": [["x"]], "b": [1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parsePolytope(data)
		if err != nil || d.Dim() > 3 || len(d.A) > 12 {
			return
		}
		w := make([][]float64, 1)
		w[0] = make([]float64, d.Dim())
		for i := range w[0] {
			w[0][i] = float64(i + 1)
		}
		net := relu.MustFromFloats([][][]float64{w}, nil)
		_, _ = region.Enumerate(context.Background(), net, d, region.Options{})
	})
}

// TestRegionsCompleteCertified3D: on a 3-input net --exact proves, by exact
// volumes, that the regions tile the box; the float run does not claim it.
func TestRegionsCompleteCertified3D(t *testing.T) {
	for _, exact := range []bool{false, true} {
		args := []string{"regions", "testdata/regions/net3.json", "--box", "-3:3,-3:3,-3:3", "--json"}
		if exact {
			args = append(args, "--exact")
		}
		code, out, errs := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var got struct {
			Regions  int  `json:"regions"`
			Exact    bool `json:"exact"`
			Complete bool `json:"complete_certified"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("bad JSON %q: %v", out, err)
		}
		if got.Complete != exact || got.Exact != exact || got.Regions == 0 {
			t.Errorf("exact=%v: got %+v", exact, got)
		}
	}
}

// TestRegionsAutoCertified3D: a 3-D net with planes through cube vertices,
// a coincident plane with weights ⅓ and a dead unit makes the float path
// meet a decision within its tolerance; the complex is then certified in
// rationals by itself (10 regions and 6 pieces, as TestDegenerateND of
// package region finds by brute force over all patterns).
func TestRegionsAutoCertified3D(t *testing.T) {
	code, out, errs := runCLI(t, "", "regions", "testdata/regions/degenerate3.json", "--box", "-1:1,-1:1,-1:1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Regions  int   `json:"regions"`
		Pieces   int   `json:"pieces"`
		Near     int64 `json:"near_zero_decisions"`
		Auto     bool  `json:"auto_certified"`
		Complete bool  `json:"complete_certified"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	if got.Regions != 10 || got.Pieces != 6 || got.Near == 0 || !got.Auto || !got.Complete {
		t.Errorf("got %+v", got)
	}
}

// TestRegionsExactRerun: a plane cutting a 1e-12 slab off the cube is
// within the float tolerance; the float complex fails its certificate and
// the command re-enumerates exactly: 4 regions (the float path alone sees 2).
func TestRegionsExactRerun(t *testing.T) {
	code, out, errs := runCLI(t, "", "regions", "testdata/regions/sliver3.json", "--box", "-1:1,-1:1,-1:1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Regions  int  `json:"regions"`
		Rerun    bool `json:"exact_rerun"`
		Complete bool `json:"complete_certified"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	if got.Regions != 4 || !got.Rerun || !got.Complete {
		t.Errorf("got %+v", got)
	}
}

// TestRegionsWhole checks --whole against a box large enough to hold every
// vertex of these nets, certifies it with --exact, and streams it.
func TestRegionsWhole(t *testing.T) {
	type counts struct {
		Regions, Pieces int
		AffineMaps      int  `json:"affine_maps"`
		Complete        bool `json:"complete_certified"`
	}
	get := func(args ...string) counts {
		t.Helper()
		code, out, errs := runCLI(t, "", append([]string{"regions", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var c counts
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("bad JSON %q: %v", out, err)
		}
		return c
	}
	for _, tc := range []struct{ net, big string }{
		{fig1, "-1000:1000,-1000:1000"},
		{"testdata/regions/net3.json", "-1000:1000,-1000:1000,-1000:1000"},
	} {
		whole := get(tc.net, "--whole")
		box := get(tc.net, "--box", tc.big)
		if whole.Regions != box.Regions || whole.Pieces != box.Pieces || whole.AffineMaps != box.AffineMaps {
			t.Errorf("%s: --whole %+v, box %s %+v", tc.net, whole, tc.big, box)
		}
		if ex := get(tc.net, "--whole", "--exact"); !ex.Complete || ex.Regions != whole.Regions {
			t.Errorf("%s: --whole --exact %+v", tc.net, ex)
		}
		code, out, errs := runCLI(t, "", "regions", tc.net, "--whole", "--stream")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != whole.Regions+1 {
			t.Fatalf("%d stream lines for %d regions", len(lines), whole.Regions)
		}
		var first struct {
			Interior []float64   `json:"interior"`
			Vertices [][]float64 `json:"vertices"`
		}
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
			t.Fatal(err)
		}
		if len(first.Vertices) != 0 || len(first.Interior) == 0 {
			t.Errorf("streamed region over R^n: %s", lines[0])
		}
	}
}

// TestRegionsEngine: a generic 3-input net is counted by the skeleton
// engine, with its vertex count, and the counts equal the library's with the
// cell engine's regions; a degenerate net is counted by the cell engine.
func TestRegionsEngine(t *testing.T) {
	net := testnet.Torch(rand.New(rand.NewPCG(3, 17)), 3, 10, 8, 1)
	path := filepath.Join(t.TempDir(), "net.json")
	if err := net.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Regions  int    `json:"regions"`
		Pieces   int    `json:"pieces"`
		Engine   string `json:"engine"`
		Vertices int    `json:"vertices"`
	}
	for _, tc := range []struct {
		file, engine string
	}{{path, "skeleton"}, {"testdata/regions/degenerate3.json", "cells"}} {
		code, out, errs := runCLI(t, "", "regions", tc.file, "--box", "-1:1,-1:1,-1:1", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var got summary
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("bad JSON %q: %v", out, err)
		}
		if got.Engine != tc.engine || (tc.engine == "skeleton") != (got.Vertices > 0) {
			t.Errorf("%s: %+v, want engine %s", tc.file, got, tc.engine)
		}
		if tc.engine == "skeleton" {
			dom, _ := region.Box([]float64{-1, -1, -1}, []float64{1, 1, 1})
			cx, err := region.Enumerate(context.Background(), net, dom, region.Options{})
			if err != nil || got.Regions != len(cx.Regions) || got.Pieces != cx.Joint.Pieces {
				t.Errorf("CLI %+v, library %d regions, %+v (%v)", got, len(cx.Regions), cx.Joint, err)
			}
		}
		code, out, _ = runCLI(t, "", "regions", tc.file, "--box", "-1:1,-1:1,-1:1")
		if code != 0 || !strings.Contains(out, "engine:      "+tc.engine) {
			t.Errorf("%s: text summary %q", tc.file, out)
		}
	}
}

// TestRegionsEngineFlag: --engine cells and --engine skeleton give the same
// counts on a generic net; --engine skeleton fails cleanly on a degenerate
// one; an unknown engine is a usage error.
func TestRegionsEngineFlag(t *testing.T) {
	net := testnet.Torch(rand.New(rand.NewPCG(4, 17)), 3, 8, 8, 1)
	path := filepath.Join(t.TempDir(), "net.json")
	if err := net.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, eng := range []string{"cells", "skeleton"} {
		code, out, errs := runCLI(t, "", "regions", path, "--box", "-1:1,-1:1,-1:1", "--json", "--engine", eng)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", eng, code, errs)
		}
		var got struct {
			Regions, Pieces int
			AffineMaps      int    `json:"affine_maps"`
			Engine          string `json:"engine"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.Engine != eng {
			t.Fatalf("%s: %q (%v)", eng, out, err)
		}
		outs = append(outs, strings.Join([]string{strconv.Itoa(got.Regions), strconv.Itoa(got.Pieces), strconv.Itoa(got.AffineMaps)}, ","))
	}
	if outs[0] != outs[1] {
		t.Errorf("cells %s, skeleton %s", outs[0], outs[1])
	}
	code, out, errs := runCLI(t, "", "regions", "testdata/regions/degenerate3.json", "--box", "-1:1,-1:1,-1:1", "--engine", "skeleton")
	if code == 0 || out != "" || !strings.Contains(errs, "general position") || strings.Contains(errs, "goroutine") {
		t.Errorf("degenerate, --engine skeleton: exit %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = runCLI(t, "", "regions", path, "--box", "-1:1,-1:1,-1:1", "--engine", "fast")
	if code != 2 || !strings.Contains(errs, "--engine") {
		t.Errorf("--engine fast: exit %d, %q", code, errs)
	}
}
