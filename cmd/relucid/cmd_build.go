package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/zonotope"
)

func cmdBuild() command {
	return command{
		name:    "build",
		args:    "FAMILY [flags] [-o NET.json]",
		summary: "build hard function families (zigzags, sawtooths, zonotopes)",
		help: `Builds a member of one of the paper's hard function families as a network
with exact rational parameters (weights such as 10/3 are stored as strings).

Families:
  hard       H = h_{a^k} ∘ … ∘ h_{a^1} (Definition 8, Theorem 3.2; alias random): --a "A1;...;Ak",
             each Ai a comma-separated strictly increasing list in (0, M), or a random
             member with --seed, --k and --w. Hidden layer i has exactly |Ai|+1 units.
  sawtooth   f_{k,w} of Theorem 3.5: --k K --w W (M = 1, a = (1/w, …, (w−1)/w)).
  cor33      Corollary 3.3: --k K --eps E: ⌈k^{1+ε}⌉ zigzag layers of width k
             (equal teeth, or a random member with --seed).
  cor34      Corollary 3.4 (ε = 1): k² layers of width k, size k³.
  zonotope   ZONOTOPE = H ∘ γ_Z (Section 3.2): --gens "x,y;x,y;..." and --a as for hard;
             without --gens, --seed draws m generic generators in R^n (--n, --m); without
             --a, --seed draws k layers of w teeth. Depth k+2, size 2m + Σ(|Ai|+1).

The net goes to -o NET.json (atomically), or to stdout without -o. With -o a
summary (depth, size, predicted pieces) is printed; --json prints it as JSON.

Example:
  relucid build hard --a "1/3,2/3;1/2" -o H.json
  relucid build zonotope --gens "1,0;0,1" --a "1/2;1/2" -o Z.json
  relucid build sawtooth --k 3 --w 2 -o saw.json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			a := fs.String("a", "", "breakpoints \"A1;A2;...\" (exact rationals, e.g. \"1/3,2/3;1/2\")")
			mStr := fs.String("M", "1", "tooth height M > 0 (exact rational)")
			gens := fs.String("gens", "", "zonotope generators \"x,y;x,y;...\" (exact rationals)")
			k := fs.Int("k", 0, "number of zigzag layers k (sawtooth, cor33, cor34, random members)")
			w := fs.Int("w", 0, "teeth per layer w (sawtooth, random members)")
			n := fs.Int("n", 2, "input dimension of random zonotope generators")
			m := fs.Int("m", 0, "number of random zonotope generators")
			eps := fs.Float64("eps", 1, "ε of Corollary 3.3")
			seed := fs.Int64("seed", -1, "draw a random member with this seed (≥ 0)")
			out := fs.String("o", "", "output NET.json (default: stdout)")
			asJSON := fs.Bool("json", false, "print the summary as JSON")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "FAMILY (hard, sawtooth, cor33, cor34 or zonotope)"); err != nil {
					return err
				}
				var rng *rand.Rand
				if *seed >= 0 {
					rng = rand.New(rand.NewPCG(uint64(*seed), 0x9e3779b97f4a7c15))
				}
				mm, err := hard.ParseRat(*mStr)
				if err != nil {
					return usagef("--M: %v", err)
				}
				if mm.Sign() <= 0 {
					return usagef("--M = %s: M must be positive", mm.RatString())
				}
				comp := func() (*hard.Composition, error) {
					if *a != "" {
						l, err := hard.ParseLayers(*a)
						if err != nil {
							return nil, usagef("--a: %v", err)
						}
						h, err := hard.NewComposition(mm, l)
						if err != nil {
							return nil, usagef("--a: %v", err)
						}
						return h, nil
					}
					if rng == nil {
						return nil, usagef("give --a \"A1;A2;...\" or --seed S with --k and --w")
					}
					h, err := hard.Random(rng, *k, *w)
					if err != nil {
						return nil, usagef("%v", err)
					}
					return h, nil
				}
				var (
					net *relu.Net
					sum buildSummary
				)
				switch fam := args[0]; fam {
				case "hard", "random":
					h, err := comp()
					if err != nil {
						return err
					}
					net, sum = h.Net(), summarize1D(fam, h)
				case "sawtooth":
					h, err := hard.Sawtooth(*k, *w)
					if err != nil {
						return usagef("%v", err)
					}
					net, sum = h.Net(), summarize1D(fam, h)
				case "cor33", "cor34":
					e := *eps
					if fam == "cor34" {
						e = 1
					}
					h, err := hard.Corollary(rng, *k, e)
					if err != nil {
						return usagef("%v", err)
					}
					net, sum = h.Net(), summarize1D(fam, h)
				case "zonotope":
					var z *zonotope.Zonotope
					if *gens != "" {
						z, err = zonotope.Parse(*gens)
						if err != nil {
							return usagef("--gens: %v", err)
						}
					} else if rng != nil {
						z, err = hard.RandomGenerators(rng, *n, *m)
						if err != nil {
							return usagef("%v", err)
						}
					} else {
						return usagef("give --gens \"x,y;x,y;...\" or --seed S with --n and --m")
					}
					h, err := comp()
					if err != nil {
						return err
					}
					f := &hard.ZonotopeFunc{Z: z, H: h}
					pc, err := f.Pieces(e.ctx)
					if err != nil {
						return err
					}
					net, sum = f.Net(), summarize1D(fam, h)
					sum.Generators = z.String()
					sum.N = z.N
					sum.Vertices = pc.Vertices
					sum.GeneralPosition = &pc.Generic
					sum.Pieces = pc.Pieces
					sum.BreakpointsInside = nil
					sum.PiecesNote = pc.ExtReason
				default:
					return usagef("unknown family %q (want hard, sawtooth, cor33, cor34 or zonotope)", fam)
				}
				sum.Depth, sum.Size, sum.Widths = net.Depth(), net.Size(), net.HiddenWidths()
				if err := net.Validate(); err != nil {
					return fmt.Errorf("internal error: built net invalid: %w", err)
				}
				if *out == "" {
					return net.Encode(e.stdout)
				}
				var b bytes.Buffer
				if err := net.Encode(&b); err != nil {
					return err
				}
				if err := relu.WriteFileAtomic(*out, b.Bytes()); err != nil {
					return err
				}
				sum.File = *out
				if *asJSON {
					return writeJSON(e.stdout, sum)
				}
				printSummary(e, sum)
				return nil
			}
		},
	}
}

// buildSummary describes a built net.
type buildSummary struct {
	Family            string `json:"family"`
	File              string `json:"file,omitempty"`
	M                 string `json:"M"`
	A                 string `json:"a"`
	Generators        string `json:"generators,omitempty"`
	N                 int    `json:"n"`
	Depth             int    `json:"depth"`
	Size              int    `json:"size"`
	Widths            []int  `json:"widths"`
	Teeth             int64  `json:"teeth"`
	BreakpointsInside *int64 `json:"breakpoints_inside,omitempty"`
	Vertices          int    `json:"vertices,omitempty"`
	GeneralPosition   *bool  `json:"general_position,omitempty"`
	Pieces            int64  `json:"pieces"`
	PiecesNote        string `json:"pieces_note"`
}

func summarize1D(fam string, h *hard.Composition) buildSummary {
	t, _ := h.Teeth()
	p, _ := h.Pieces()
	in := t - 1
	layers := make([][]*big.Rat, len(h.Layers))
	for i, z := range h.Layers {
		layers[i] = z.A
	}
	note := "Π w_i teeth on [0, M], a flat piece on (−∞, 0], the last tooth continues beyond M"
	if h.ZeroBeyondM() {
		note = "Π w_i teeth on [0, M], flat on (−∞, 0] and ≡ 0 on [M, ∞) (an inner layer has an even tooth count)"
	}
	return buildSummary{Family: fam, M: h.M.RatString(), A: hard.FormatLayers(layers), N: 1,
		Teeth: t, BreakpointsInside: &in, Pieces: p, PiecesNote: note}
}

func printSummary(e *env, s buildSummary) {
	fmt.Fprintf(e.stdout, "wrote %s: %s family, depth %d, size %d, hidden widths %v\n", s.File, s.Family, s.Depth, s.Size, s.Widths)
	fmt.Fprintf(e.stdout, "  M = %s, a = %s\n", s.M, s.A)
	if s.Generators != "" {
		fmt.Fprintf(e.stdout, "  generators %s in R^%d: %d vertices (general position: %v)\n", s.Generators, s.N, s.Vertices, *s.GeneralPosition)
	}
	if s.BreakpointsInside != nil {
		fmt.Fprintf(e.stdout, "  predicted: %d teeth on [0, M], %d breakpoints inside (0, M), %d pieces on R\n", s.Teeth, *s.BreakpointsInside, s.Pieces)
	} else {
		fmt.Fprintf(e.stdout, "  predicted: %d pieces on R^%d (%d vertices × %d teeth)\n", s.Pieces, s.N, s.Vertices, s.Teeth)
	}
	fmt.Fprintf(e.stdout, "  (%s)\n", s.PiecesNote)
}
