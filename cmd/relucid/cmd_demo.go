package main

import (
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"time"

	"github.com/relucid/relucid/convert"
	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/zonotope"
)

func cmdDemo() command {
	return command{
		name:    "demo",
		args:    "[--depth K]",
		summary: "a short tour of relucid",
		help: `A short tour (well under 2 s): builds the sawtooth net of depth K (K hidden
layers of width 2, each the zigzag h(x) = 2σ(x) − 4σ(x − 1/2) of the paper,
§3), prints its pieces and breakpoints exactly together with Lemma D.5's
bound, builds its minimal one-hidden-layer twin (Theorem 2.2 / Corollary
A.1) and verifies that both compute the same function exactly; then counts
the exact regions, pieces and affine maps of the ZONOTOPE net of Figure 1
(left) on a box and on all of R²; finally compresses a net with three
inputs and three hidden layers to ⌈log₂ 4⌉ = 2 hidden layers (Theorem 2.1,
the spatial construction) and checks it at exact points.

example:
  relucid demo
  relucid demo --depth 5`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			depth := fs.Int("depth", 3, "number `K` of zigzag layers (1..12)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 0, ""); err != nil {
					return err
				}
				if *depth < 1 || *depth > 12 {
					return usagef("--depth %d: want 1..12", *depth)
				}
				return runDemo(e, *depth)
			}
		},
	}
}

func runDemo(e *env, k int) error {
	w := e.stdout
	start := time.Now()
	saw, err := hard.Sawtooth(k, 2) // h∘…∘h, h(x) = 2σ(x) − 4σ(x − ½)
	if err != nil {
		return err
	}
	net := saw.Net()
	fmt.Fprintf(w, "1. A deep net: the sawtooth h∘…∘h with k = %d zigzags h(x) = 2σ(x) − 4σ(x − 1/2)\n", k)
	fmt.Fprintf(w, "   depth %d, hidden widths %v, size %d\n\n", net.Depth(), net.HiddenWidths(), net.Size())

	f, info, err := pwl.Extract(e.ctx, net, pwl.Options{})
	if err != nil {
		return err
	}
	r, err := pwl.FromNetRat(e.ctx, net)
	if err != nil {
		return err
	}
	how := "float64 engine with certified error bounds"
	switch {
	case info.Rational:
		how = "rational engine"
	case info.Exact:
		how = "float64 engine, error-free: all error bounds 0"
	}
	fmt.Fprintf(w, "2. Its exact piecewise linear function (%s):\n", how)
	fmt.Fprintf(w, "   %d pieces on R (%d breakpoints, first at %v); Lemma D.5 bound 2^(k-1)(w1+1)w2...wk = %s\n",
		info.Pieces, info.Pieces-1, f.X[0], pwl.LemmaD5(net.HiddenWidths()))
	fmt.Fprintf(w, "   the exact rational engine agrees: %d pieces\n", r.NumPieces())
	if r.NumPieces() != info.Pieces {
		return fmt.Errorf("internal error: float and exact engines disagree")
	}
	bp := r.Breakpoints()
	fmt.Fprintf(w, "   breakpoints:")
	for i, x := range bp {
		if i == 12 {
			fmt.Fprintf(w, " … (%d more)", len(bp)-i)
			break
		}
		fmt.Fprintf(w, " %s", x.RatString())
	}
	fmt.Fprintf(w, "\n   slopes left to right:")
	for i, s := range r.Slopes() {
		if i == 13 {
			fmt.Fprint(w, " …")
			break
		}
		fmt.Fprintf(w, " %s", s.RatString())
	}
	fmt.Fprint(w, "\n\n")

	twin, rep, err := pwl.ShallowNet(r, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "3. Its minimal one-hidden-layer twin (Theorem 2.2, Corollary A.1):\n")
	fmt.Fprintf(w, "   p = %d pieces → %d units (lower bound p − 1 = %d; %s)\n", rep.Pieces, rep.Units, rep.Pieces-1, rep.Note)
	fmt.Fprintf(w, "   deep: %d units in %d layers; shallow: %d units in 1 layer\n\n", net.Size(), k, twin.Size())

	g, err := pwl.FromNetRat(e.ctx, twin)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "4. Verification: exact PWL forms equal: %v", g.Equal(r))
	x := big.NewRat(3, 7)
	fmt.Fprintf(w, "; at x = 3/7 both give %s and %s\n", net.EvalRat([]*big.Rat{x})[0].RatString(), twin.EvalRat([]*big.Rat{x})[0].RatString())
	if !g.Equal(r) {
		return fmt.Errorf("internal error: the twin differs from the deep net")
	}
	if err := demoRegions(e); err != nil {
		return err
	}
	if err := demoCompress(e); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDone in %v. Next: relucid pieces NET.json --domain 0:1, relucid shallow NET.json -o OUT.json,\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(w, "relucid regions NET.json --whole, relucid convert NET.json -o OUT.json --json\n")
	return nil
}

// demoRegions shows the n-D engine on the ZONOTOPE net of Figure 1 (left):
// its three counts on a box and on all of R², exactly.
func demoRegions(e *env) error {
	w := e.stdout
	z, err := zonotope.Parse("1,0;0,1")
	if err != nil {
		return err
	}
	l, err := hard.ParseLayers("1/2;1/2")
	if err != nil {
		return err
	}
	h, err := hard.NewComposition(big.NewRat(1, 1), l)
	if err != nil {
		return err
	}
	net := (&hard.ZonotopeFunc{Z: z, H: h}).Net()
	fmt.Fprintf(w, "\n5. In two dimensions: the net H∘γ_Z of Figure 1 (left), γ_Z(x) = |x1| + |x2|, H = h_{1/2}∘h_{1/2}\n")
	fmt.Fprintf(w, "   depth %d, hidden widths %v; exact activation regions, pieces and affine maps:\n", net.Depth(), net.HiddenWidths())
	box, err := region.Box([]float64{-1, -1}, []float64{1, 1})
	if err != nil {
		return err
	}
	whole, err := region.Whole(2)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		dom  region.Domain
	}{{"on [−1, 1]² ", box}, {"on all of R²", whole}} {
		cx, err := region.Enumerate(e.ctx, net, c.dom, region.Options{Exact: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   %s %3d regions, %3d pieces, %3d maps (complete: %v)\n", c.name,
			cx.Counts[0].Regions, cx.Counts[0].Pieces, cx.Counts[0].AffineMaps, cx.CompleteCertified)
	}
	fmt.Fprintf(w, "   on the box the outer piece {γ_Z ≥ 1} falls apart into its 4 corners; on R² it is one piece:\n")
	fmt.Fprintf(w, "   the paper's 17 = 4 cones × 4 teeth + 1\n")
	return nil
}

// demoCompress shows Theorem 2.1 made constructive: a net R³ → R with three
// hidden layers, relu(relu(x+y−1) + relu(y+z−1) − 1/2), rewritten with
// ⌈log₂ 4⌉ = 2 hidden layers by the spatial construction, and compared with
// it at exact random rational points.
func demoCompress(e *env) error {
	w := e.stdout
	net, err := relu.FromFloats(
		[][][]float64{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {{1, 1, 0}, {0, 1, 1}}, {{1, 1}}, {{1}}},
		[][]float64{{0, 0, 0}, {-1, -1}, {-0.5}, {0}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n6. Depth compression (Theorem 2.1): the net relu(relu(x+y−1) + relu(y+z−1) − 1/2) on R³\n")
	fmt.Fprintf(w, "   %d hidden layers, widths %v →", net.Depth()-1, net.HiddenWidths())
	res, err := convert.Convert(e.ctx, &convert.Input{Kind: convert.KindNet, Net: net}, convert.Options{Method: convert.Spatial})
	if err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(w, " %d hidden layers (bound ⌈log₂ 4⌉ = %d), %d units, %d Wang–Sun terms of at most %d arguments\n",
		s.HiddenLayers, s.DepthBound, s.Size, s.Terms, s.MaxArity)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		x := make([]*big.Rat, 3)
		for j := range x {
			x[j] = big.NewRat(rng.Int64N(401)-200, 1+rng.Int64N(40))
		}
		if net.EvalRat(x)[0].Cmp(res.Net.EvalRat(x)[0]) != 0 {
			return fmt.Errorf("internal error: the compressed net differs at %v", x)
		}
	}
	fmt.Fprintf(w, "   equal at 200 exact random points (relucid convert --json proves it on all of R³)\n")
	return nil
}
