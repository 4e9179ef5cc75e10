package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relucid/relucid/bound"
	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/internal/progress"
	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/zonotope"
)

func cmdPaper() command {
	return command{
		name:    "paper",
		args:    "[--out DIR] [--json] [--long] [--seed S]",
		summary: "reproduce the paper's claims, one row per check",
		help: `Reproduces the claims of Sections 2–3 of Arora, Basu, Mianjy, Mukherjee
(ICLR 2018) on parameter grids and prints one row per check: claim,
parameters, predicted value, measured value, PASS or FAIL. The exit status
is 0 only if every check passes.

Measured 1-D piece counts come from the exact 1-D engine (package pwl: the
rational engine, and the certified float engine beside it); the minimal
one-hidden-layer twins from pwl's Theorem 2.2 construction (as relucid
shallow); piece counts of R^n → R zonotope functions from the exact n-D
region engine (package region, rational certification) on a box that
contains {γ_Z ≤ M}, cross-checked in 2-D by a sampling oracle with exact
affine keys; zonotope vertices by exact enumeration of the arrangement's
regions. The random members use --seed.

With --out DIR the figures are written as SVG files into DIR (created if
needed): figure2.svg (h_{a^1}, h_{a^2}, H = h_{a^2}∘h_{a^1}),
figure1-left.svg and figure1-right.svg (the two zonotope functions of
Figure 1 as heat maps with their exact piece boundaries), sawtooth.svg.
Without --out no file is written.

Example:
  relucid paper --out figs`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			out := fs.String("out", "", "write the SVG figures into this directory")
			asJSON := fs.Bool("json", false, "print the rows as JSON")
			long := fs.Bool("long", false, "larger parameter grids (slower)")
			seed := fs.Uint64("seed", 1, "seed of the random family members")
			verbose := fs.Bool("v", false, "report the run time of every group of checks on stderr")
			return func(e *env, args []string) error {
				if err := needArgs(args, 0, ""); err != nil {
					return err
				}
				p := &paperRun{ctx: e.ctx, rng: rand.New(rand.NewPCG(*seed, 2018)), long: *long}
				if *verbose {
					p.timing = e.stderr
				}
				start := time.Now()
				// A bar on a terminal; in batch logs only the long run, whose
				// checks take minutes, reports every 30 s.
				if *long || progress.IsTerminal(e.stderr) {
					p.rep = progress.Start(e.ctx, e.stderr, "paper", int64(len(p.groups())), nil)
				}
				p.all()
				if p.rep != nil {
					p.rep.Finish(e.ctx.Err())
				}
				if *out != "" {
					if err := p.figures(*out); err != nil {
						return err
					}
				}
				fails := 0
				for _, r := range p.rows {
					if !r.Pass {
						fails++
					}
				}
				if *asJSON {
					if err := writeJSON(e.stdout, map[string]any{"checks": p.rows, "failed": fails, "passed": len(p.rows) - fails}); err != nil {
						return err
					}
				} else {
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "claim\tparameters\tpredicted\tmeasured\tresult")
					for _, r := range p.rows {
						res := "PASS"
						if !r.Pass {
							res = "FAIL"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Claim, r.Params, r.Predicted, r.Measured, res)
					}
					tw.Flush()
					fmt.Fprintf(e.stdout, "\n%d checks, %d passed, %d failed (%.1f s)\n", len(p.rows), len(p.rows)-fails, fails, time.Since(start).Seconds())
					if *out != "" {
						fmt.Fprintf(e.stdout, "figures written to %s\n", *out)
					}
				}
				if err := e.ctx.Err(); err != nil {
					return fmt.Errorf("interrupted after %d checks; results are partial: %w", len(p.rows), err)
				}
				if fails > 0 {
					return fmt.Errorf("%d of %d checks failed", fails, len(p.rows))
				}
				return nil
			}
		},
	}
}

// checkRow is one line of the report.
type checkRow struct {
	Claim     string `json:"claim"`
	Params    string `json:"parameters"`
	Predicted string `json:"predicted"`
	Measured  string `json:"measured"`
	Pass      bool   `json:"pass"`
	Via       string `json:"via,omitempty"` // the engine that measured
}

type paperRun struct {
	ctx  context.Context
	rng  *rand.Rand
	long bool
	rows []checkRow
	// timing, when set, receives the run time of every group of checks.
	timing io.Writer
	// rep, when set, reports finished groups of checks on long runs.
	rep *progress.Reporter
}

func (p *paperRun) add(claim, params, predicted, measured string, pass bool, via string) {
	p.rows = append(p.rows, checkRow{claim, params, predicted, measured, pass, via})
}

func (p *paperRun) fail(claim, params, predicted string, err error) {
	p.add(claim, params, predicted, "error: "+err.Error(), false, "")
}

// groups lists the groups of checks in the order they run.
func (p *paperRun) groups() []struct {
	name string
	run  func()
} {
	return []struct {
		name string
		run  func()
	}{
		{"zigzag nets", p.zigzagNets},
		{"composition grid", p.compositionGrid},
		{"mixed widths", p.mixedWidths},
		{"appendix gadgets", p.appendixGadgets},
		{"float vs exact", p.floatVersusExact},
		{"depth separation", p.depthSeparation},
		{"corollary 3.4", p.corollary34},
		{"theorem 3.5", p.theorem35},
		{"vertex counts", p.vertexCounts},
		{"zonotope pieces", p.zonotopePieces},
		{"line restriction", p.lineRestriction},
		{"bound tables", p.boundTables},
	}
}

func (p *paperRun) all() {
	for _, s := range p.groups() {
		if p.ctx.Err() != nil {
			p.fail("cancelled", s.name, "", p.ctx.Err())
			return
		}
		start := time.Now()
		s.run()
		if p.rep != nil {
			p.rep.Add(1)
		}
		if p.timing != nil {
			fmt.Fprintf(p.timing, "paper: %-18s %6.2f s\n", s.name, time.Since(start).Seconds())
		}
	}
}

// measure1D returns the exact PWL function of an R→R net.
func (p *paperRun) measure1D(net *relu.Net) (*pwl.Rat, error) { return pwl.FromNetRat(p.ctx, net) }

func ratsOf(ss ...string) []*big.Rat {
	out := make([]*big.Rat, len(ss))
	for i, s := range ss {
		out[i], _ = new(big.Rat).SetString(s)
	}
	return out
}

func fmtRats(rs []*big.Rat) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.RatString()
	}
	return strings.Join(s, ",")
}

// zigzagNets: spec §5 item 1 — the explicit nets of h_a. The predicted
// slopes are the running sums of the spec's printed coefficients.
func (p *paperRun) zigzagNets() {
	for _, c := range []struct {
		m     string
		a     []string
		coefs []string // from spec §5 item 1
	}{
		{"1", []string{"1/2"}, []string{"2", "-4"}},
		{"1", []string{"1/3", "1/2"}, []string{"3", "-9", "8"}},
		{"2", []string{"1/5", "2/5", "3/5"}, []string{"10", "-20", "20", "-80/7"}},
		{"1", []string{"1/4", "1/2", "3/4"}, []string{"4", "-8", "8", "-8"}},
	} {
		claim := "Def 8: h_a = Σ c_i σ(x−a_i), w units"
		params := fmt.Sprintf("M=%s a=(%s)", c.m, strings.Join(c.a, ","))
		run := new(big.Rat)
		pred := []*big.Rat{new(big.Rat)}
		for _, s := range ratsOf(c.coefs...) {
			run = new(big.Rat).Add(run, s)
			pred = append(pred, run)
		}
		predicted := fmt.Sprintf("%d units; slopes %s", len(c.a)+1, fmtRats(pred))
		z, err := hard.NewZigzag(ratsOf(c.m)[0], ratsOf(c.a...))
		if err != nil {
			p.fail(claim, params, predicted, err)
			continue
		}
		net := z.Net()
		f, err := p.measure1D(net)
		if err != nil {
			p.fail(claim, params, predicted, err)
			continue
		}
		f = f.Simplify()
		sl := f.Slopes()
		measured := fmt.Sprintf("%d units; slopes %s", net.Size(), fmtRats(sl))
		ok := net.Size() == len(c.a)+1 && len(sl) == len(pred)
		for i := range sl {
			ok = ok && sl[i].Cmp(pred[i]) == 0
		}
		// breakpoints: 0 and the a_i (the last tooth continues past M)
		bp := f.Breakpoints()
		wantBP := append([]*big.Rat{new(big.Rat)}, ratsOf(c.a...)...)
		ok = ok && len(bp) == len(wantBP)
		for i := range bp {
			ok = ok && i < len(wantBP) && bp[i].Cmp(wantBP[i]) == 0
		}
		p.add(claim, params, predicted, measured, ok, "pwl exact")
	}
}

// appendixGadgets: Corollary A.1 on every h_a (spec §5 item 5), the max
// gadget of Lemma D.3 (item 6) and the composition of Lemma D.1 that builds H.
func (p *paperRun) appendixGadgets() {
	for _, a := range []string{"1/2", "1/3,1/2", "1/5,2/5,3/5", "1/7,2/7,1/2,5/6", "1/3,2/3"} {
		z, _ := hard.NewZigzag(big.NewRat(1, 1), ratsOf(strings.Split(a, ",")...))
		f, err := p.measure1D(z.Net())
		if err != nil {
			p.fail("Cor A.1", a, "", err)
			continue
		}
		twin, rep, err := pwl.ShallowNet(f, false)
		if err != nil {
			p.fail("Cor A.1", a, "", err)
			continue
		}
		g, err := p.measure1D(twin)
		if err != nil {
			p.fail("Cor A.1", a, "", err)
			continue
		}
		w := z.Teeth()
		p.add("Cor A.1: h_a (w+1 pieces, left slope 0) needs exactly w units", "a=("+a+")",
			fmt.Sprintf("%d pieces, %d units, no output bias", w+1, w),
			fmt.Sprintf("%d pieces, %d units (minimal %v), output bias %v, equal %v", f.NumPieces(), rep.Units, rep.Minimal, twin.HasOutputBias(), g.Equal(f)),
			f.NumPieces() == w+1 && rep.Units == w && !twin.HasOutputBias() && g.Equal(f), "pwl shallow")
	}
	gad := relu.MaxTree(2, 1, relu.Gadget4)
	v := gad.EvalRat(ratsOf("3", "-2"))[0]
	p.add("Lemma D.3 max gadget ½σ(u+v)−½σ(−u−v)+½σ(u−v)+½σ(v−u)", "max(3, −2)", "3; 4 units, 1 hidden layer",
		fmt.Sprintf("%s; %d units, %d hidden layer", v.RatString(), gad.Size(), gad.Depth()-1), v.Cmp(big.NewRat(3, 1)) == 0 && gad.Size() == 4 && gad.Depth() == 2, "relu exact")
	for n := 1; n <= 7; n++ {
		t := relu.MaxTree(n+1, 1, relu.Gadget4)
		want := int(math.Ceil(math.Log2(float64(n + 1))))
		ok := t.Depth()-1 == want
		// exact max at random rational points
		for i := 0; i < 20 && ok; i++ {
			x := make([]*big.Rat, n+1)
			best := (*big.Rat)(nil)
			for j := range x {
				x[j] = big.NewRat(int64(p.rng.IntN(2001)-1000), int64(1+p.rng.IntN(50)))
				if best == nil || x[j].Cmp(best) > 0 {
					best = x[j]
				}
			}
			ok = t.EvalRat(x)[0].Cmp(best) == 0
		}
		p.add("Lemma D.3: max of n+1 values in ⌈log₂(n+1)⌉ hidden layers", fmt.Sprintf("n=%d", n), fmt.Sprintf("%d layers, exact max", want),
			fmt.Sprintf("%d layers, size %d", t.Depth()-1, t.Size()), ok, "relu exact")
	}
	l, _ := hard.ParseLayers("1/4,3/5;2/5;1/3,2/3")
	h, _ := hard.NewComposition(big.NewRat(1, 1), l)
	inner, _ := hard.NewComposition(big.NewRat(1, 1), l[:1])
	outer, _ := hard.NewComposition(big.NewRat(1, 1), l[1:])
	c, err := relu.Compose(outer.Net(), inner.Net())
	if err != nil {
		p.fail("Lemma D.1", "", "", err)
		return
	}
	f1, err1 := p.measure1D(c)
	f2, err2 := p.measure1D(h.Net())
	if err1 != nil || err2 != nil {
		p.fail("Lemma D.1", "", "", fmt.Errorf("%v %v", err1, err2))
		return
	}
	p.add("Lemma D.1: composition adds depths and sizes", "h_{a^3}∘h_{a^2} after h_{a^1}, a = 1/4,3/5;2/5;1/3,2/3",
		"depth 4, size 3+5 = 8, same function as H", fmt.Sprintf("depth %d, size %d, equal %v", c.Depth(), c.Size(), f1.Equal(f2)),
		c.Depth() == 4 && c.Size() == 8 && f1.Equal(f2), "relu + pwl exact")
}

// member builds one member of the hard family for the grid.
func (p *paperRun) member(kind string, k, w int) (*hard.Composition, error) {
	switch kind {
	case "sawtooth":
		return hard.Sawtooth(k, w)
	case "random":
		return hard.Random(p.rng, k, w)
	default: // "thirds": first breakpoint 1/(3w), slopes not float64 values
		layers := make([][]*big.Rat, k)
		for i := range layers {
			layers[i] = hard.EqualTeeth(w, big.NewRat(1, 1))
			layers[i][0] = big.NewRat(1, int64(3*w))
		}
		return hard.NewComposition(big.NewRat(1, 1), layers)
	}
}

// compositionGrid: Lemma B.1 / Theorem 3.2 / spec §5 items 2–3, on a grid
// of (w, k) with three members each.
func (p *paperRun) compositionGrid() {
	maxTeeth := int64(4096)
	if p.long {
		maxTeeth = 1 << 16
	}
	for w := 2; w <= 6; w++ {
		for k := 1; ; k++ {
			t := int64(math.Pow(float64(w), float64(k)))
			if t > maxTeeth {
				break
			}
			params := fmt.Sprintf("w=%d k=%d: sawtooth, random, thirds", w, k)
			extra := int64(1)
			if w%2 == 0 && k >= 2 {
				extra = 2
			}
			predicted := fmt.Sprintf("%d on R, %d on [0,M], %d bps in (0,M); depth %d size %d", t+extra, t, t-1, k+1, w*k)
			var got []string
			ok := true
			for _, kind := range []string{"sawtooth", "random", "thirds"} {
				h, err := p.member(kind, k, w)
				if err != nil {
					p.fail("Lemma B.1/Thm 3.2 pieces", params, predicted, err)
					ok = false
					break
				}
				net := h.Net()
				f, err := p.measure1D(net)
				if err != nil {
					p.fail("Lemma B.1/Thm 3.2 pieces", params, predicted, err)
					ok = false
					break
				}
				onR := f.NumPieces()
				onM := f.Restrict(new(big.Rat), h.M).NumPieces()
				inside := 0
				for _, x := range f.Simplify().Breakpoints() {
					if x.Sign() > 0 && x.Cmp(h.M) < 0 {
						inside++
					}
				}
				m := fmt.Sprintf("%d/%d/%d", onR, onM, inside)
				if len(got) == 0 || got[len(got)-1] != m {
					got = append(got, m)
				}
				ok = ok && int64(onR) == t+extra && int64(onM) == t && int64(inside) == t-1 &&
					net.Depth() == k+1 && net.Size() == w*k && net.Width() == w && !net.HasOutputBias()
				// Lemma D.5 for this architecture bounds the measured count
				d5, _ := bound.LemmaD5(net.HiddenWidths())
				ok = ok && d5.Value >= float64(onR)
			}
			if ok || len(got) > 0 {
				p.add("Lemma B.1/Thm 3.2 pieces", params, predicted,
					fmt.Sprintf("%s (R/[0,M]/inside)", strings.Join(got, " ")), ok, "pwl exact")
			}
		}
	}
}

// mixedWidths: layers of different lengths (|Ai|+1 units each).
func (p *paperRun) mixedWidths() {
	for _, a := range []string{"1/3,2/3;1/2", "1/2;1/3,2/3", "1/7,1/3,1/2,5/6;1/4;2/9,1/2,8/9", "1/3,2/3;1/5,2/5,3/5,4/5;1/2"} {
		l, _ := hard.ParseLayers(a)
		h, err := hard.NewComposition(big.NewRat(1, 1), l)
		if err != nil {
			p.fail("H with mixed widths", a, "", err)
			continue
		}
		pred, _ := h.Pieces()
		widths := h.Widths()
		predicted := fmt.Sprintf("%d pieces, widths %v", pred, widths)
		net := h.Net()
		f, err := p.measure1D(net)
		if err != nil {
			p.fail("H with mixed widths", a, predicted, err)
			continue
		}
		got := fmt.Sprintf("%d pieces, widths %v", f.NumPieces(), net.HiddenWidths())
		p.add("H with mixed widths (Π w_i teeth)", "a="+a, predicted, got, got == predicted, "pwl exact")
	}
}

// floatVersusExact: the float engine must agree with the exact one on
// parameters that are not float64 values (a = (1/3, 2/3), slopes 3, 6).
func (p *paperRun) floatVersusExact() {
	for _, a := range []string{"1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3", "1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3;1/3,2/3", "1/10,3/10,7/10;1/7,2/7;1/3,2/3"} {
		l, _ := hard.ParseLayers(a)
		h, err := hard.NewComposition(big.NewRat(1, 1), l)
		if err != nil {
			p.fail("float path = exact path", a, "", err)
			continue
		}
		pred, _ := h.Pieces()
		net := h.Net()
		fr, err := pwl.FromNetRat(p.ctx, net)
		if err != nil {
			p.fail("float path = exact path", a, fmt.Sprint(pred), err)
			continue
		}
		ff, info, err := pwl.Extract(p.ctx, net, pwl.Options{})
		if err != nil {
			p.fail("float path = exact path", a, fmt.Sprint(pred), err)
			continue
		}
		via := "float certified"
		if info.Rational {
			via = "float → exact fallback"
		}
		p.add("float path = exact path (rational params)", "a="+a, fmt.Sprintf("%d pieces", pred),
			fmt.Sprintf("exact %d, float %d (%s)", fr.NumPieces(), ff.NumPieces(), via),
			int64(fr.NumPieces()) == pred && int64(ff.NumPieces()) == pred, "pwl")
	}
}

// depthSeparation: Theorem 3.1 / 2.2 — the minimal one-hidden-layer twin of
// f_{k,w} needs ≥ w^k − 1 units where the deep net uses wk.
func (p *paperRun) depthSeparation() {
	// The twin check re-extracts the one-hidden-layer twin exactly, whose
	// cost grows with the square of its width; 300 teeth keep it ~1 s.
	maxT := 300.0
	if p.long {
		maxT = 1100
	}
	for _, w := range []int{2, 3, 4} {
		for k := 1; math.Pow(float64(w), float64(k)) <= maxT; k++ {
			h, _ := hard.Sawtooth(k, w)
			net := h.Net()
			params := fmt.Sprintf("f_{%d,%d}: deep depth %d size %d", k, w, k+1, w*k)
			t := int64(math.Pow(float64(w), float64(k)))
			predicted := fmt.Sprintf("shallow ≥ %d units", t-1)
			f, err := p.measure1D(net)
			if err != nil {
				p.fail("Thm 3.1 depth separation", params, predicted, err)
				continue
			}
			twin, rep, err := pwl.ShallowNet(f, false)
			if err != nil {
				p.fail("Thm 3.1 depth separation", params, predicted, err)
				continue
			}
			g, err := p.measure1D(twin)
			if err != nil {
				p.fail("Thm 3.1 depth separation", params, predicted, err)
				continue
			}
			same := g.Equal(f)
			th, _ := bound.Theorem31(k, w, 1)
			ok := same && twin.Depth() == 2 && int64(rep.Units) >= t-1 && int64(rep.LowerBound) >= t-1 && float64(rep.Units) >= th.Value
			p.add("Thm 3.1 depth separation (twin via shallow)", params, predicted,
				fmt.Sprintf("minimal twin %d units (lower bound %d, equal: %v)", rep.Units, rep.LowerBound, same), ok, "pwl shallow")
		}
	}
}

// corollary34: depth k²+1, size k³ members whose pieces force ≥ ½k^{k+1}−1
// units at depth k+1.
func (p *paperRun) corollary34() {
	for _, k := range []int{2, 3} {
		for _, rnd := range []bool{false, true} {
			var rng *rand.Rand
			kind := "equal teeth"
			if rnd {
				rng, kind = p.rng, "random member"
			}
			h, err := hard.Corollary(rng, k, 1)
			if err != nil {
				p.fail("Cor 3.4", fmt.Sprint(k), "", err)
				continue
			}
			net := h.Net()
			b, _ := bound.Corollary34(k)
			t := math.Pow(float64(k), float64(k*k))
			predicted := fmt.Sprintf("depth %d size %d, ≥ %.0f pieces on [0,M] ⇒ size ≥ %s at depth %d", k*k+1, k*k*k, t, bound.FormatFloat(b.Value), k+1)
			f, err := p.measure1D(net)
			if err != nil {
				p.fail("Cor 3.4", fmt.Sprintf("k=%d %s", k, kind), predicted, err)
				continue
			}
			onM := f.Restrict(new(big.Rat), h.M).NumPieces()
			d6, _ := bound.LemmaD6Size(int64(onM), k)
			ok := net.Depth() == k*k+1 && net.Size() == k*k*k && float64(onM) >= t && d6.Value >= b.Value*(1-bound.RelTol)
			p.add("Cor 3.4 (ε = 1)", fmt.Sprintf("k=%d, %s", k, kind), predicted,
				fmt.Sprintf("depth %d size %d, %d pieces ⇒ D.6 size ≥ %s", net.Depth(), net.Size(), onM, bound.FormatFloat(d6.Value)), ok, "pwl exact")
		}
	}
}

// theorem35: the tent fact behind Theorem 3.5 (∫_T |f − ½| = 1/(2w^k) on
// each of the ⌊w^k/2⌋ triangles, so no affine piece does better than ½·1/w^k
// per triangle), measured exactly from the PWL function, and the spec's
// threshold values.
func (p *paperRun) theorem35() {
	for _, c := range [][2]int{{1, 2}, {2, 3}, {3, 2}, {2, 5}} {
		k, w := c[0], c[1]
		h, _ := hard.Sawtooth(k, w)
		f, err := p.measure1D(h.Net())
		if err != nil {
			p.fail("Thm 3.5 tent L1 error", "", "", err)
			continue
		}
		q := int64(math.Pow(float64(w), float64(k)))
		want := big.NewRat(1, 2*q)
		// every triangle [2j/q, (2j+2)/q]
		ok := true
		var got *big.Rat
		for j := int64(0); j < q/2; j++ {
			v := l1Distance(f, big.NewRat(1, 2), big.NewRat(2*j, q), big.NewRat(2*j+2, q))
			if got == nil {
				got = v
			}
			ok = ok && v.Cmp(want) == 0
		}
		p.add("Thm 3.5: ∫_T|f_{k,w} − ½| per triangle", fmt.Sprintf("k=%d w=%d (%d triangles)", k, w, q/2),
			want.RatString(), got.RatString()+" on every triangle", ok, "pwl exact + exact integral")
	}
	for _, c := range []struct {
		k, w, kp int
		d        float64
		want     float64
	}{{3, 2, 1, 0.1, 1.2}, {3, 2, 3, 0.1, 2.008299}, {4, 3, 2, 0.05, 5.6921}, {9, 3, 3, 0.01, 31.710428}} {
		r, err := bound.Theorem35(c.k, c.w, c.kp, c.d)
		if err != nil {
			p.fail("Thm 3.5 size threshold", "", "", err)
			continue
		}
		// the proof's step: a net below the threshold has ≤ w^k(1−4δ)/2 pieces
		// Lemma D.6's converse at the threshold size s: (2s/k′)^k′ pieces
		conv := math.Pow(2*r.Value/float64(c.kp), float64(c.kp))
		lim := math.Pow(float64(c.w), float64(c.k)) * (1 - 4*c.d) / 2
		p.add("Thm 3.5 size threshold", fmt.Sprintf("k=%d w=%d k′=%d δ=%v", c.k, c.w, c.kp, c.d), bound.FormatFloat(c.want),
			fmt.Sprintf("%s; (2s/k′)^k′ = %s ≤ w^k(1−4δ)/2 = %s", bound.FormatFloat(r.Value), bound.FormatFloat(conv), bound.FormatFloat(lim)),
			math.Abs(r.Value-c.want) <= 1e-4*c.want && conv <= lim*(1+bound.RelTol), "bound")
	}
}

// l1Distance returns ∫_a^b |f(x) − c| dx exactly.
func l1Distance(f *pwl.Rat, c, a, b *big.Rat) *big.Rat {
	pts := []*big.Rat{a}
	for _, x := range f.Breakpoints() {
		if x.Cmp(a) > 0 && x.Cmp(b) < 0 {
			pts = append(pts, x)
		}
	}
	pts = append(pts, b)
	sum := new(big.Rat)
	for i := 0; i+1 < len(pts); i++ {
		x0, x1 := pts[i], pts[i+1]
		y0 := new(big.Rat).Sub(f.Eval(x0), c)
		y1 := new(big.Rat).Sub(f.Eval(x1), c)
		dx := new(big.Rat).Sub(x1, x0)
		if y0.Sign()*y1.Sign() >= 0 {
			s := new(big.Rat).Add(y0, y1)
			s.Abs(s)
			s.Mul(s, dx)
			sum.Add(sum, s.Quo(s, big.NewRat(2, 1)))
			continue
		}
		// crosses zero: |y0|·t/2 + |y1|·(1−t)/2 with t = |y0|/(|y0|+|y1|)
		a0, a1 := new(big.Rat).Abs(y0), new(big.Rat).Abs(y1)
		tot := new(big.Rat).Add(a0, a1)
		s := new(big.Rat).Add(new(big.Rat).Mul(a0, a0), new(big.Rat).Mul(a1, a1))
		s.Quo(s, tot)
		s.Mul(s, dx)
		sum.Add(sum, s.Quo(s, big.NewRat(2, 1)))
	}
	return sum
}

// vertexCounts: spec §5 item 7 — the formula 2Σ_{i<n}C(m−1,i) against exact
// vertex enumeration of random generic generators, and the named cases.
func (p *paperRun) vertexCounts() {
	for _, c := range [][3]int{{2, 2, 4}, {2, 3, 6}, {2, 5, 10}, {3, 3, 8}, {3, 4, 14}, {3, 5, 22}, {3, 6, 32}, {4, 5, 30}, {5, 8, 198}} {
		n, m := c[0], c[1]
		z, err := hard.RandomGenerators(p.rng, n, m)
		if err != nil {
			p.fail("Thm 3.6(1) vertex count", "", "", err)
			continue
		}
		vs, err := z.Vertices(p.ctx)
		if err != nil {
			p.fail("Thm 3.6(1) vertex count", "", "", err)
			continue
		}
		f := zonotope.GenericCount(n, m)
		p.add("Thm 3.6(1) zonotope vertices (general position)", fmt.Sprintf("n=%d m=%d random generic", n, m),
			fmt.Sprintf("%s (spec %d)", f, c[2]), fmt.Sprintf("%d", len(vs)), f.Int64() == int64(c[2]) && len(vs) == c[2], "exact enumeration")
	}
	for _, c := range []struct {
		name, gens string
		want       int
		generic    bool
	}{
		{"cube diagonals (rhombic dodecahedron)", "1,1,1;1,1,-1;1,-1,1;-1,1,1", 14, true},
		{"A3 roots (truncated octahedron)", "1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1", 24, false},
		{"Figure 1 right generators", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", 8, true},
		{"repeated generator", "1,0;0,1;2,0", 4, false},
	} {
		z, err := zonotope.Parse(c.gens)
		if err != nil {
			p.fail("zonotope vertices", c.name, "", err)
			continue
		}
		vs, err := z.Vertices(p.ctx)
		if err != nil {
			p.fail("zonotope vertices", c.name, "", err)
			continue
		}
		gp, _ := z.GeneralPosition()
		p.add("zonotope vertices, named case", c.name, fmt.Sprintf("%d, generic %v (formula %s)", c.want, c.generic, zonotope.GenericCount(z.N, z.M())),
			fmt.Sprintf("%d, generic %v", len(vs), gp), len(vs) == c.want && gp == c.generic, "exact enumeration")
	}
}

// zonotopePieces: spec §5 item 9 and Theorem 3.9(i) — pieces of H∘γ_Z in
// R^n from the exact region engine, with the 2-D sampling oracle beside.
func (p *paperRun) zonotopePieces() {
	type zc struct {
		name, gens, a string
		want          int64 // spec's number (item 9) or formula + exterior
	}
	cases := []zc{
		{"Fig 1 left H_{½,½}∘ℓ1", "1,0;0,1", "1/2;1/2", 17},
		{"Fig 1 right, 4 generators", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "1/2;1/2", 33},
		{"H_{½}∘ℓ1", "1,0;0,1", "1/2", 8},
		{"H_{⅓⅔,⅓⅔}∘ℓ1", "1,0;0,1", "1/3,2/3;1/3,2/3", 36},
		{"hexagon, w=3 k=1", "1,0;0,1;1,1", "1/3,2/3", 18},
		{"(n,k,w,m)=(2,1,3,3) random", "", "1/4,5/7", 18},
		{"(n,k,w,m)=(3,2,2,4) cube diagonals", "1,1,1;1,1,-1;1,-1,1;-1,1,1", "1/2;1/3", 57},
		{"(n,k,w,m)=(3,1,2,6) A3 roots, not generic", "1,-1,0;1,0,-1;0,1,-1;1,1,0;1,0,1;0,1,1", "2/5", 48},
	}
	if p.long {
		cases = append(cases, zc{"(n,k,w,m)=(3,2,3,5) random", "3d", "1/3,1/2;1/4,3/4", 22 * 9})
	}
	for _, c := range cases {
		var z *zonotope.Zonotope
		var err error
		switch c.gens {
		case "":
			z, err = hard.RandomGenerators(p.rng, 2, 3)
		case "3d":
			z, err = hard.RandomGenerators(p.rng, 3, 5)
		default:
			z, err = zonotope.Parse(c.gens)
		}
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, "", err)
			continue
		}
		l, _ := hard.ParseLayers(c.a)
		h, _ := hard.NewComposition(big.NewRat(1, 1), l)
		f := &hard.ZonotopeFunc{Z: z, H: h}
		pc, err := f.Pieces(p.ctx)
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, "", err)
			continue
		}
		net := f.Net()
		t, _ := h.Teeth()
		predicted := fmt.Sprintf("%d (formula %d·%d", c.want, pc.Vertices, t)
		if pc.Exterior > 0 {
			predicted += fmt.Sprintf(" + %d exterior", pc.Exterior)
		}
		predicted += fmt.Sprintf("); depth %d size %d", h.K()+2, 2*z.M()+int(sumInts(h.Widths())))
		R, err := f.Window()
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
			continue
		}
		lo := make([]*big.Rat, z.N)
		hi := make([]*big.Rat, z.N)
		for i := range lo {
			lo[i], hi[i] = new(big.Rat).Neg(R), R
		}
		dom, err := region.BoxRat(lo, hi)
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
			continue
		}
		cx, err := region.Enumerate(p.ctx, net, dom, region.Options{Exact: true})
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
			continue
		}
		got := int64(cx.Counts[0].Pieces)
		// The same count on all of R^n, with no window: the exterior
		// pieces are unbounded and the window must not have cut any.
		whole, err := region.Whole(z.N)
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
			continue
		}
		cw, err := region.Enumerate(p.ctx, net, whole, region.Options{Exact: true})
		if err != nil {
			p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
			continue
		}
		gotW := int64(cw.Counts[0].Pieces)
		measured := fmt.Sprintf("%d (region, exact %v); on all of R^%d %d (complete %v)", got, cx.Exact, z.N, gotW, cw.CompleteCertified)
		ok := got == c.want && gotW == c.want && cw.CompleteCertified && pc.Pieces == c.want && cx.Exact &&
			net.Depth() == h.K()+2 && int64(net.Size()) == int64(2*z.M())+sumInts(h.Widths())
		// the sampling oracle cross-checks the spec's named 2-D cases; random
		// generators can make cones narrower than its resolution.
		if z.N == 2 && c.gens != "" {
			g, err := hard.GridPieces2D(p.ctx, net, new(big.Rat).Neg(R), R, 240)
			if err != nil {
				p.fail("Thm 3.9(i) pieces", c.name, predicted, err)
				continue
			}
			measured += fmt.Sprintf("; grid oracle %d", g)
			ok = ok && int64(g) == c.want
		}
		p.add("Thm 3.9(i) ZONOTOPE pieces", c.name+fmt.Sprintf(" on [−%s,%s]^%d", R.FloatString(2), R.FloatString(2), z.N), predicted, measured, ok, "region exact")
	}
}

func sumInts(a []int) int64 {
	s := int64(0)
	for _, x := range a {
		s += int64(x)
	}
	return s
}

// lineRestriction: the premise of the valid lower bound for Theorem 3.9(ii):
// on a generic line through 0, H∘γ_Z has 2·Π w_i pieces inside {γ_Z < M}
// (measured by the 1-D engine on the restricted net).
func (p *paperRun) lineRestriction() {
	for _, c := range [][3]string{{"1,0;0,1", "1/2;1/2", "3,1"}, {"1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "1/3,2/3;1/2", "2,-5"}, {"1,1,1;1,1,-1;1,-1,1;-1,1,1", "1/2;1/2;1/2", "1,2,7"}} {
		z, _ := zonotope.Parse(c[0])
		l, _ := hard.ParseLayers(c[1])
		h, _ := hard.NewComposition(big.NewRat(1, 1), l)
		f := &hard.ZonotopeFunc{Z: z, H: h}
		dir := ratsOf(strings.Split(c[2], ",")...)
		net := f.Net().Clone()
		// restrict: x = t·dir, so layer 1 becomes W·dir (one input).
		l1 := net.Layers[0]
		nl := relu.NewLayer(l1.Out, 1)
		for i := 0; i < l1.Out; i++ {
			s := new(big.Rat)
			for j := 0; j < l1.In; j++ {
				s.Add(s, new(big.Rat).Mul(l1.RatAt(i, j), dir[j]))
			}
			nl.SetRat(i, 0, s)
			nl.SetBiasRat(i, l1.BR[i])
		}
		net.Layers[0] = nl
		g, err := p.measure1D(net)
		if err != nil {
			p.fail("Thm 3.9(ii) line restriction", c[0], "", err)
			continue
		}
		t, _ := h.Teeth()
		want := 2 * t
		if h.ZeroBeyondM() {
			want += 2
		}
		lb, _ := bound.ZonotopeLowerBounds(z.N, h.K(), h.Widths()[0], z.M(), 1)
		p.add("Thm 3.9(ii) premise: line through 0 has ≥ 2w^k pieces", fmt.Sprintf("gens %s a=%s dir (%s)", c[0], c[1], c[2]),
			fmt.Sprintf("%d ⇒ depth-2 size ≥ %s", want, bound.FormatFloat(lb[0].Value)), fmt.Sprintf("%d", g.NumPieces()), int64(g.NumPieces()) == want, "pwl exact")
	}
}

// boundTables: the derived numeric instances of spec §4.
func (p *paperRun) boundTables() {
	for _, c := range []struct {
		k, w, kp int
		want     float64
	}{{4, 3, 1, 39.5}, {4, 3, 2, 8}, {4, 3, 4, 5}, {4, 2, 2, 3}, {16, 4, 4, 511}} {
		r, err := bound.Theorem31(c.k, c.w, c.kp)
		p.add("Thm 3.1 bound ½k′w^{k/k′}−1", fmt.Sprintf("k=%d w=%d k′=%d", c.k, c.w, c.kp), bound.FormatFloat(c.want),
			bound.FormatFloat(r.Value), err == nil && math.Abs(r.Value-c.want) < 1e-9*math.Max(1, c.want), "bound")
	}
	for _, c := range []struct {
		k    int
		want float64
	}{{2, 3}, {3, 39.5}} {
		r, err := bound.Corollary34(c.k)
		p.add("Cor 3.4 bound ½k^{k+1}−1", fmt.Sprintf("k=%d", c.k), bound.FormatFloat(c.want), bound.FormatFloat(r.Value), err == nil && r.Value == c.want, "bound")
	}
	for _, c := range []struct {
		n, k, w, m int
		want       int64
	}{{2, 2, 2, 2, 16}, {2, 2, 2, 4, 32}, {2, 1, 3, 3, 18}, {3, 2, 2, 4, 56}, {3, 3, 4, 6, 2048}, {4, 2, 3, 5, 270}, {5, 1, 2, 10, 1024}} {
		_, v, err := bound.ZonotopePieces(c.n, c.k, c.w, c.m)
		p.add("Thm 3.9(i) formula 2ΣC(m−1,i)w^k", fmt.Sprintf("n=%d k=%d w=%d m=%d", c.n, c.k, c.w, c.m), fmt.Sprint(c.want), fmt.Sprint(v), err == nil && v.Int64() == c.want, "bound")
	}
	rows, err := bound.Comparison(4, 6, 3, 2, 5)
	want := [][3]string{{"57", "48", "36"}, {"57", "288", "216"}, {"57", "1728", "1296"}, {"57", "10368", "7776"}}
	for i, r := range rows {
		got := [3]string{r.Montufar, r.Zonotope, r.Telgarsky}
		p.add("§4 comparison: Montúfar / zonotope / w^k", fmt.Sprintf("n=4 w=6 m=3 k=%d", r.K), strings.Join(want[i][:], " / "), strings.Join(got[:], " / "), err == nil && got == want[i], "bound")
	}
	// Lemma D.6 (spec §5 item 10)
	r1, _ := bound.LemmaD6Size(100, 2)
	r2, _ := bound.LemmaD6Pieces(10, 2)
	p.add("Lemma D.6 both directions", "p=100 k=2; s=10 k=2", "size ≥ 9; pieces ≤ 100", fmt.Sprintf("size ≥ %s; pieces ≤ %s", bound.FormatFloat(r1.Value), bound.FormatFloat(r2.Value)), r1.Value == 9 && r2.Value == 100, "bound")
	// Cover (spec §5 item 11) equals the vertex count of the lifted zonotope
	for _, c := range [][3]int{{4, 2, 14}, {5, 2, 22}, {6, 2, 32}, {7, 2, 44}, {5, 3, 30}} {
		_, v, _ := bound.Cover(c[0], c[1])
		z, _ := liftedPoints(p.rng, c[0], c[1])
		vs, err := z.Vertices(p.ctx)
		ok := err == nil && v.Int64() == int64(c[2]) && len(vs) == c[2]
		p.add("Cover's dichotomy count = regions of lifted arrangement", fmt.Sprintf("D=%d n=%d", c[0], c[1]), fmt.Sprint(c[2]), fmt.Sprintf("%s (enumerated %d)", v, len(vs)), ok, "bound + exact enumeration")
	}
}

// liftedPoints returns D random points x_j ∈ R^n in general position lifted
// to (x_j, 1) ∈ R^{n+1}; the regions of their central arrangement are the
// affine dichotomies of the points.
func liftedPoints(rng *rand.Rand, d, n int) (*zonotope.Zonotope, error) {
	for {
		g := make([][]*big.Rat, d)
		for i := range g {
			g[i] = make([]*big.Rat, n+1)
			for j := 0; j < n; j++ {
				g[i][j] = big.NewRat(int64(rng.IntN(2001)-1000), 997)
			}
			g[i][n] = big.NewRat(1, 1)
		}
		z, err := zonotope.New(g)
		if err != nil {
			return nil, err
		}
		if ok, _ := z.GeneralPosition(); ok {
			return z, nil
		}
	}
}

// figures writes the SVG figures into dir.
func (p *paperRun) figures(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		return relu.WriteFileAtomic(filepath.Join(dir, name), data)
	}
	one := big.NewRat(1, 1)
	a1, a2 := ratsOf("1/4", "3/5"), ratsOf("2/5")
	h1, _ := hard.NewComposition(one, [][]*big.Rat{a1})
	h2, _ := hard.NewComposition(one, [][]*big.Rat{a2})
	H, _ := hard.NewComposition(one, [][]*big.Rat{a1, a2})
	var curves []hard.Curve
	for _, c := range []struct {
		label string
		h     *hard.Composition
	}{{"h_{a1}, a1 = (1/4, 3/5): 3 teeth", h1}, {"h_{a2}, a2 = (2/5): 2 teeth", h2}, {"H = h_{a2}∘h_{a1}: 6 teeth", H}} {
		f, err := p.measure1D(c.h.Net())
		if err != nil {
			return err
		}
		curves = append(curves, curveOf(c.label, f))
	}
	if err := write("figure2.svg", hard.PlotSVG(curves, -0.1, 1.03)); err != nil {
		return err
	}
	saw, _ := hard.Sawtooth(3, 2)
	f, err := p.measure1D(saw.Net())
	if err != nil {
		return err
	}
	if err := write("sawtooth.svg", hard.PlotSVG([]hard.Curve{curveOf("f_{3,2}: 8 equal teeth (Thm 3.5)", f)}, -0.1, 1.1)); err != nil {
		return err
	}
	for _, c := range []struct{ name, gens, title string }{
		{"figure1-left.svg", "0,1;1,0", "H_{(1/2),(1/2)}∘γ_Z with γ_Z = ‖·‖₁ (generators (0,1), (1,0)): 17 pieces"},
		{"figure1-right.svg", "1/4,1/2;-1/2,0;0,-1/4;-1/4,-1/4", "H_{(1/2),(1/2)}∘γ_Z, four generators (octagon): 33 pieces"},
	} {
		z, _ := zonotope.Parse(c.gens)
		l, _ := hard.ParseLayers("1/2;1/2")
		h, _ := hard.NewComposition(one, l)
		zf := &hard.ZonotopeFunc{Z: z, H: h}
		svg, err := hard.HeatMapSVG(zf, zf.PlotRadius(), 400, c.title)
		if err != nil {
			return err
		}
		if err := write(c.name, svg); err != nil {
			return err
		}
	}
	return nil
}

func curveOf(label string, f *pwl.Rat) hard.Curve {
	g := f.Clone().Simplify()
	c := hard.Curve{Label: label}
	for _, x := range g.Breakpoints() {
		xf, _ := x.Float64()
		yf, _ := g.Eval(x).Float64()
		c.X = append(c.X, xf)
		c.Y = append(c.Y, yf)
	}
	// outer points so clipping extends with the end slopes
	if len(c.X) > 0 {
		for _, x := range []*big.Rat{big.NewRat(-10, 1), big.NewRat(10, 1)} {
			xf, _ := x.Float64()
			yf, _ := g.Eval(x).Float64()
			if xf < c.X[0] {
				c.X = append([]float64{xf}, c.X...)
				c.Y = append([]float64{yf}, c.Y...)
			} else if xf > c.X[len(c.X)-1] {
				c.X = append(c.X, xf)
				c.Y = append(c.Y, yf)
			}
		}
	}
	return c
}
