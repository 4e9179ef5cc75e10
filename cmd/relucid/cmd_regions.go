package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relucid/relucid/internal/progress"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

func cmdRegions() command {
	return command{
		name:    "regions",
		args:    "NET.json (--box A:B,C:D[,...] | --polytope FILE | --slice P;U;V [--box S0:S1,T0:T1] | --whole) [--exact] [--json] [--stream] [--max-regions N] [--engine auto|skeleton|cells] [--repeat N] [--svg out.svg] [--png out.png]",
		summary: "exact activation regions, pieces and affine maps over a box or all of R^n",
		help: `Enumerates every full-dimensional activation region of an R^n → R^m net over
a domain and prints three counts per output: activation regions; pieces
(maximal connected sets on which the output is affine: adjacent regions with
the same affine map merged); distinct affine maps.

The domain is a box (--box, one interval A:B per input; bounds may be
rationals such as 1/3), an H-polytope (--polytope FILE holding
{"A": [[...]], "b": [...]} meaning A x ≤ b; it must be bounded and
full-dimensional), or a 2-D slice (--slice "P;U;V": the plane through point
P along directions U and V, comma-separated coordinates; the window in slice
coordinates is --box, default -1:1,-1:1), or all of R^n (--whole: every
region of the unbounded input space, exactly, with no box to guess; it is
the complex of the net's perspective F(x, t) = t·f(x/t) over
[−1,1]^n × [0,1], whose cones are the net's regions; regions are then
listed without vertices, as they may be unbounded).

--exact certifies every region with a rational interior point and merges
pieces by exact equality of affine maps, and checks that the exact region
areas (2-D) or volumes (n-D, rebuilt as exact polytopes; when affordable)
add up to the domain's, which proves no region was missed
(complete_certified). Without --exact the float path counts the sign
decisions that fell within its tolerance of zero (near_zero_decisions); a
complex with such decisions is certified in rationals automatically, in
any dimension, when that is affordable (auto_certified); if the float
complex fails that certificate it is enumerated again in exact arithmetic
(exact_rerun). --stream writes one region per
line as JSON Lines, then the summary line. --max-regions stops early; the
counts are then marked partial and the exit status is 1. --svg and --png
draw a 2-D complex: regions coloured by affine map, piece boundaries dark,
the zero level set of the output in red.

With --json the summary is {"regions": R, "pieces": P, "affine_maps": K, ...};
for several outputs the top-level pieces and affine_maps are those of the
vector-valued map and "per_output" lists every output's counts.

From 3-D on, a box or polytope whose arrangement is in general position is
computed by the skeleton engine (the vertices and edges of the whole
complex, cut unit by unit); any degeneracy hands it to the cell engine,
which splits cells and handles every case. "engine" in the summary says
which answered ("vertices": the skeleton's vertex count). --engine cells
or --engine skeleton forces one (the second fails on a degenerate
arrangement); the two must agree, which makes each the other's check.

--repeat N enumerates N times in the same process and reports the median
time ("seconds"; "seconds_min" and "repeats" are added to the JSON): after
the first, the runs are warm, as the repeats of a benchmark loop are.

Example:
  relucid regions testdata/zigzag.json --box -3:3 --json
  relucid regions net.json --box -1:1,-1:1 --exact
  relucid regions net.json --whole --json
  relucid regions net.json --slice "0,0,0;1,0,0;0,1,0" --box -2:2,-2:2 --png map.png`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			box := fs.String("box", "", "box A:B,C:D,... (one interval per input; for --slice the window in slice coordinates)")
			poly := fs.String("polytope", "", "H-polytope file {\"A\": [[...]], \"b\": [...]} meaning A x ≤ b")
			slice := fs.String("slice", "", "2-D slice \"P;U;V\": point and two directions, comma-separated")
			whole := fs.Bool("whole", false, "all of R^n: every region of the unbounded input space")
			exact := fs.Bool("exact", false, "certify every region and merge in rational arithmetic")
			asJSON := fs.Bool("json", false, "print the summary as JSON")
			stream := fs.Bool("stream", false, "write every region as a JSON line, then the summary")
			maxR := fs.Int("max-regions", 0, "stop after N regions (counts marked partial)")
			svg := fs.String("svg", "", "write a region map (2-D domains only) as SVG")
			png := fs.String("png", "", "write a region map (2-D domains only) as PNG")
			workers := fs.Int("workers", 0, "goroutines (0: all cores)")
			engine := fs.String("engine", "auto", "auto, skeleton or cells (see above)")
			repeat := fs.Int("repeat", 1, "enumerate N times and report the median time")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NET.json"); err != nil {
					return err
				}
				if *maxR < 0 {
					return usagef("--max-regions must be non-negative")
				}
				if *repeat < 1 || *repeat > 1000 {
					return usagef("--repeat must be between 1 and 1000, got %d", *repeat)
				}
				if *repeat > 1 && *stream {
					return usagef("--repeat times the enumeration; it cannot be combined with --stream")
				}
				net, err := loadNet(args[0])
				if err != nil {
					return err
				}
				dom, err := regionDomain(*box, *poly, *slice, *whole, net.InputDim())
				if err != nil {
					return err
				}
				if (*svg != "" || *png != "") && *stream {
					return usagef("--svg/--png need the whole complex; they cannot be combined with --stream")
				}
				if (*svg != "" || *png != "") && dom.Kind == region.KindWhole {
					return usagef("--svg/--png draw a bounded 2-D domain; give --box instead of --whole")
				}
				if (*svg != "" || *png != "") && dom.Dim() != 2 {
					return usagef("--svg/--png need a 2-D domain (a 2-D box or a --slice), got dimension %d", dom.Dim())
				}
				// The summary needs the counts only; region maps and the
				// stream need the regions themselves.
				opt := region.Options{Exact: *exact, MaxRegions: *maxR, Workers: *workers, CountsOnly: *svg == "" && *png == ""}
				switch *engine {
				case "auto":
				case "skeleton":
					opt.Engine = region.EngineSkeleton
				case "cells":
					opt.Engine = region.EngineCells
				default:
					return usagef("--engine: want auto, skeleton or cells, got %q", *engine)
				}
				// Long runs report progress on stderr (a bar on a terminal,
				// a line every 30 s in logs), starting after a few seconds
				// so that quick runs stay quiet.
				var mu sync.Mutex
				var rep *progress.Reporter
				var found atomic.Int64
				phase, total := "regions", int64(0)
				// report moves the line to a phase (a new line when it
				// changes) and sets its count; the caller holds mu.
				report := func(name string, done, tot int64) {
					if name != phase {
						phase, total = name, tot
						if rep != nil {
							rep.Finish(nil)
							rep = progress.Start(e.ctx, e.stderr, phase, total, nil)
						}
					}
					found.Store(done)
					if rep != nil {
						rep.Set(done)
					}
				}
				opt.Progress = func(n int64) {
					mu.Lock()
					defer mu.Unlock()
					report("regions", n, 0)
				}
				// The skeleton engine reports the units cut while it
				// builds the complex (before any region is known), and
				// the exact certificate (and re-enumeration) is a later
				// phase: each has its own line.
				opt.BuildProgress = func(done, tot int64) {
					mu.Lock()
					defer mu.Unlock()
					report("skeleton (units cut)", done, tot)
				}
				opt.CertifyProgress = func(done, tot int64) {
					mu.Lock()
					defer mu.Unlock()
					name := "certifying"
					if tot == 0 {
						name = "exact re-enumeration"
					}
					report(name, done, tot)
				}
				timer := time.AfterFunc(progressDelay, func() {
					mu.Lock()
					rep = progress.Start(e.ctx, e.stderr, phase, total, nil)
					rep.Set(found.Load())
					mu.Unlock()
				})
				finish := func(err error) {
					timer.Stop()
					mu.Lock()
					if rep != nil {
						rep.Finish(err)
					}
					mu.Unlock()
				}
				var cx *region.Complex
				var times []time.Duration
				for range *repeat - 1 {
					start := time.Now()
					if _, err := region.Enumerate(e.ctx, net, dom, opt); err != nil && !errors.Is(err, region.ErrMaxRegions) {
						finish(err)
						return fmt.Errorf("%s: %w", args[0], err)
					}
					times = append(times, time.Since(start))
				}
				start := time.Now()
				if *stream {
					bw := bufio.NewWriter(e.stdout)
					enc := json.NewEncoder(bw)
					cx, err = region.Stream(e.ctx, net, dom, opt, func(r *region.Region) error {
						return enc.Encode(regionLine(r, net.HiddenWidths(), *exact))
					})
					if ferr := bw.Flush(); err == nil && ferr != nil {
						err = ferr
					}
				} else {
					cx, err = region.Enumerate(e.ctx, net, dom, opt)
				}
				finish(err)
				partial := errors.Is(err, region.ErrMaxRegions)
				if err != nil && !partial {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				times = append(times, time.Since(start))
				slices.Sort(times)
				elapsed := (times[(len(times)-1)/2] + times[len(times)/2]) / 2 // the median
				if !*stream && (*svg != "" || *png != "") {
					if err := writeRegionMaps(cx, *svg, *png); err != nil {
						return err
					}
				}
				sum := regionSummary(cx, elapsed)
				if *repeat > 1 {
					sum.Repeats, sum.SecondsMin = *repeat, times[0].Seconds()
				}
				switch {
				case *asJSON || *stream:
					if *stream {
						b, _ := json.Marshal(sum)
						fmt.Fprintf(e.stdout, "%s\n", b)
					} else if err := writeJSON(e.stdout, sum); err != nil {
						return err
					}
				default:
					printRegionSummary(e.stdout, cx, elapsed)
				}
				if partial {
					return fmt.Errorf("%s: stopped at --max-regions %d; the counts printed are partial (lower bounds)", args[0], *maxR)
				}
				return nil
			}
		},
	}
}

func regionDomain(box, poly, slice string, whole bool, n int) (region.Domain, error) {
	set := 0
	for _, s := range []string{poly, slice} {
		if s != "" {
			set++
		}
	}
	if set > 1 {
		return region.Domain{}, usagef("give at most one of --polytope and --slice")
	}
	if whole {
		if set > 0 || box != "" {
			return region.Domain{}, usagef("--whole is all of R^n: it excludes --box, --polytope and --slice")
		}
		return region.Whole(n)
	}
	switch {
	case poly != "":
		if box != "" {
			return region.Domain{}, usagef("--box and --polytope exclude each other")
		}
		return readPolytope(poly)
	case slice != "":
		lo, hi := []*big.Rat{big.NewRat(-1, 1), big.NewRat(-1, 1)}, []*big.Rat{big.NewRat(1, 1), big.NewRat(1, 1)}
		if box != "" {
			var err error
			lo, hi, err = parseBox(box)
			if err != nil {
				return region.Domain{}, err
			}
			if len(lo) != 2 {
				return region.Domain{}, usagef("--box: a slice window needs 2 intervals, got %d", len(lo))
			}
		}
		parts := strings.Split(slice, ";")
		if len(parts) != 3 {
			return region.Domain{}, usagef("--slice: want \"P;U;V\" (point and two directions), got %d parts", len(parts))
		}
		var vs [3][]*big.Rat
		for i, p := range parts {
			v, err := parseRats(p)
			if err != nil {
				return region.Domain{}, usagef("--slice: %v", err)
			}
			if len(v) != n {
				return region.Domain{}, usagef("--slice: %s has %d coordinates but the net takes %d inputs", []string{"point", "U", "V"}[i], len(v), n)
			}
			vs[i] = v
		}
		d, err := region.SliceRat(vs[0], vs[1], vs[2], lo, hi)
		if err != nil {
			return d, usagef("--slice: %v", err)
		}
		return d, nil
	case box != "":
		lo, hi, err := parseBox(box)
		if err != nil {
			return region.Domain{}, err
		}
		if len(lo) != n {
			return region.Domain{}, usagef("--box has %d intervals but the net takes %d inputs", len(lo), n)
		}
		d, err := region.BoxRat(lo, hi)
		if err != nil {
			return d, usagef("--box: %v", err)
		}
		return d, nil
	}
	return region.Domain{}, usagef("missing domain: give --box, --polytope, --slice or --whole")
}

func parseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	if !ok || s == "" {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	if f, _ := r.Float64(); f > 1e300 || f < -1e300 {
		return nil, fmt.Errorf("%q is out of range", s)
	}
	return r, nil
}

func parseRats(s string) ([]*big.Rat, error) {
	var out []*big.Rat
	for _, f := range strings.Split(s, ",") {
		r, err := parseRat(f)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// parseBox parses "A:B,C:D,...".
func parseBox(s string) (lo, hi []*big.Rat, err error) {
	for i, iv := range strings.Split(s, ",") {
		ab := strings.Split(iv, ":")
		if len(ab) != 2 {
			return nil, nil, usagef("--box: interval %d %q is not A:B", i+1, iv)
		}
		a, err := parseRat(ab[0])
		if err != nil {
			return nil, nil, usagef("--box: interval %d: %v", i+1, err)
		}
		b, err := parseRat(ab[1])
		if err != nil {
			return nil, nil, usagef("--box: interval %d: %v", i+1, err)
		}
		if a.Cmp(b) >= 0 {
			return nil, nil, usagef("--box: interval %d %q is empty or inverted (need A < B)", i+1, iv)
		}
		lo, hi = append(lo, a), append(hi, b)
	}
	return lo, hi, nil
}

// readPolytope reads {"A": [[...]], "b": [...]}.
func readPolytope(path string) (region.Domain, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return region.Domain{}, err
	}
	d, err := parsePolytope(data)
	if err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// parsePolytope decodes {"A": [[...]], "b": [...]}; entries are JSON numbers
// or strings holding exact rationals.
func parsePolytope(data []byte) (region.Domain, error) {
	var raw struct {
		A [][]json.RawMessage `json:"A"`
		B []json.RawMessage   `json:"b"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return region.Domain{}, fmt.Errorf("not a polytope file {\"A\": [[...]], \"b\": [...]}: %v", err)
	}
	return polytopeFromRaw(raw.A, raw.B)
}

func polytopeFromRaw(A [][]json.RawMessage, b []json.RawMessage) (region.Domain, error) {
	AR := make([][]*big.Rat, len(A))
	for i, row := range A {
		AR[i] = make([]*big.Rat, len(row))
		for j, v := range row {
			_, r, err := relu.ParseValue(v)
			if err != nil {
				return region.Domain{}, fmt.Errorf("A[%d][%d]: %v", i, j, err)
			}
			AR[i][j] = r
		}
	}
	BR := make([]*big.Rat, len(b))
	for i, v := range b {
		_, r, err := relu.ParseValue(v)
		if err != nil {
			return region.Domain{}, fmt.Errorf("b[%d]: %v", i, err)
		}
		BR[i] = r
	}
	return region.PolytopeRat(AR, BR)
}

type regionsJSON struct {
	Regions       int             `json:"regions"`
	Pieces        int             `json:"pieces"`
	AffineMaps    int             `json:"affine_maps"`
	Dim           int             `json:"dim"`
	Outputs       int             `json:"outputs"`
	PerOutput     []region.Counts `json:"per_output"`
	PiecesPerOut  []int           `json:"pieces_per_output"`
	MapsPerOut    []int           `json:"affine_maps_per_output"`
	Partial       bool            `json:"partial"`
	Exact         bool            `json:"exact"`
	NearZero      int64           `json:"near_zero_decisions"`
	AutoCertified bool            `json:"auto_certified"`
	Complete      bool            `json:"complete_certified"`
	ExactRerun    bool            `json:"exact_rerun"`
	Engine        string          `json:"engine"`
	Vertices      int             `json:"vertices,omitempty"`
	Seconds       float64         `json:"seconds"`
	RegionsPerSec float64         `json:"regions_per_second"`
	Repeats       int             `json:"repeats,omitempty"`     // --repeat: Seconds is the median
	SecondsMin    float64         `json:"seconds_min,omitempty"` // --repeat: the fastest run
}

func regionSummary(cx *region.Complex, el time.Duration) regionsJSON {
	s := regionsJSON{Regions: cx.Joint.Regions, Pieces: cx.Joint.Pieces, AffineMaps: cx.Joint.AffineMaps,
		Dim: cx.Dim, Outputs: cx.Outputs, PerOutput: cx.Counts, Partial: cx.Partial, Exact: cx.Exact, NearZero: cx.Stats.NearZero, AutoCertified: cx.Stats.AutoCertified,
		Complete: cx.CompleteCertified, ExactRerun: cx.Stats.ExactRerun,
		Engine: engineName(cx), Vertices: cx.Stats.Vertices,
		Seconds: el.Seconds()}
	for _, c := range cx.Counts {
		s.PiecesPerOut = append(s.PiecesPerOut, c.Pieces)
		s.MapsPerOut = append(s.MapsPerOut, c.AffineMaps)
	}
	if el > 0 {
		s.RegionsPerSec = float64(cx.Joint.Regions) / el.Seconds()
	}
	return s
}

// engineName names the engine that computed cx (see region.Stats.Skeleton).
func engineName(cx *region.Complex) string {
	if cx.Stats.Skeleton {
		return "skeleton"
	}
	return "cells"
}

func printRegionSummary(w io.Writer, cx *region.Complex, el time.Duration) {
	tag := ""
	if cx.Partial {
		tag = " (partial: stopped at --max-regions)"
	}
	fmt.Fprintf(w, "regions:     %d%s\n", cx.Joint.Regions, tag)
	fmt.Fprintf(w, "pieces:      %d\n", cx.Joint.Pieces)
	fmt.Fprintf(w, "affine maps: %d\n", cx.Joint.AffineMaps)
	if cx.Outputs > 1 {
		for o, c := range cx.Counts {
			fmt.Fprintf(w, "output %d:    %d pieces, %d affine maps\n", o, c.Pieces, c.AffineMaps)
		}
	}
	mode := "float64, every sign decision well separated from zero"
	if cx.Stats.NearZero > 0 {
		mode = fmt.Sprintf("float64, %d sign decisions within the tolerance (taken as 0); --exact certifies", cx.Stats.NearZero)
	}
	if cx.Exact {
		mode = "exact (every region and merge certified in rationals; the regions tile the domain exactly)"
		if !cx.CompleteCertified {
			mode = "exact per region (rational interior point, exact maps and merges); completeness not certified (complex above the exact-volume budget)"
		}
	}
	if cx.Stats.AutoCertified {
		mode = fmt.Sprintf("exact: %d float sign decisions were within the tolerance, so every region was certified in rationals and the regions tile the domain exactly", cx.Stats.NearZero)
	}
	if cx.Stats.ExactRerun {
		mode = fmt.Sprintf("exact: %d float sign decisions were within the tolerance and the float complex failed its exact certificate, so it was enumerated again in exact arithmetic", cx.Stats.NearZero)
	}
	fmt.Fprintf(w, "arithmetic:  %s\n", mode)
	fmt.Fprintf(w, "engine:      %s", engineName(cx))
	if cx.Stats.Vertices > 0 {
		fmt.Fprintf(w, " (%d vertices)", cx.Stats.Vertices)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "time:        %.3f s (%.0f regions/s)\n", el.Seconds(), float64(cx.Joint.Regions)/max(el.Seconds(), 1e-9))
}

type regionLineJSON struct {
	Index     int         `json:"region"`
	Pattern   []string    `json:"pattern"`
	Interior  []float64   `json:"interior"`
	Interior2 []string    `json:"interior_exact,omitempty"`
	Vertices  [][]float64 `json:"vertices,omitempty"`
	Facets    []facetJSON `json:"facets"`
	Maps      []mapJSON   `json:"maps"`
}

type facetJSON struct {
	Normal []float64 `json:"normal"`
	Offset float64   `json:"offset"`
	Layer  int       `json:"layer"`
	Unit   int       `json:"unit"`
}

type mapJSON struct {
	Grad       []float64 `json:"grad"`
	Const      float64   `json:"const"`
	GradExact  []string  `json:"grad_exact,omitempty"`
	ConstExact string    `json:"const_exact,omitempty"`
}

func regionLine(r *region.Region, widths []int, exact bool) regionLineJSON {
	l := regionLineJSON{Index: r.Index, Interior: r.Interior, Vertices: r.Vertices}
	l.Pattern = region.PatternStrings(r.Pattern, widths)
	for _, q := range r.InteriorRat {
		l.Interior2 = append(l.Interior2, q.RatString())
	}
	for _, f := range r.Facets {
		l.Facets = append(l.Facets, facetJSON{Normal: f.Normal, Offset: f.Offset, Layer: f.Source.Layer, Unit: f.Source.Unit})
	}
	for k, m := range r.Maps {
		mj := mapJSON{Grad: m.Grad, Const: m.Const}
		if exact && k < len(r.MapsRat) {
			for _, g := range r.MapsRat[k].Grad {
				mj.GradExact = append(mj.GradExact, g.RatString())
			}
			mj.ConstExact = r.MapsRat[k].Const.RatString()
		}
		l.Maps = append(l.Maps, mj)
	}
	return l
}

// writeRegionMaps draws the complex to the requested files, atomically.
func writeRegionMaps(cx *region.Complex, svg, png string) error {
	for _, f := range []struct {
		path string
		draw func(io.Writer, region.PlotOptions) error
	}{{svg, cx.WriteSVG}, {png, cx.WritePNG}} {
		if f.path == "" {
			continue
		}
		var b bytes.Buffer
		if err := f.draw(&b, region.PlotOptions{}); err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		if err := relu.WriteFileAtomic(f.path, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// progressDelay is how long a regions run goes before it reports progress.
const progressDelay = 5 * time.Second
