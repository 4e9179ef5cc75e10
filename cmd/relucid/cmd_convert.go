package main

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/relucid/relucid/convert"
	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

func cmdConvert() command {
	return command{
		name:    "convert",
		args:    "IN.json|NET.onnx -o OUT.json [--box A:B,C:D,...] [--json] [--verify=false] [--method auto|wangsun|hybrid|planar|spatial|lattice]",
		summary: "PWL function or net → net with ⌈log₂(n+1)⌉ hidden layers",
		help: `Writes a ReLU net computing exactly the same function as IN with at most
⌈log₂(n+1)⌉ hidden layers (Theorem 2.1), through the Wang–Sun form
f = Σ_j s_j·max_{i∈S_j} ℓ_i with every |S_j| ≤ n+1, max-gadget trees
(Lemma D.3) and a parallel sum (Lemma D.2). The net has no output bias.
--method planar (n = 2: a net directly, a description through its max–min
net; auto tries it first) builds the Wang–Sun form from the kink lines with one term per extra line through a multiple
vertex and one per line: polynomial, where the general construction is
exponential. --method spatial (n ≥ 3, likewise; auto tries it for n = 3 and
for nets with 4 or 5 inputs) adds, at every vertex, the (n+1)-argument
maxima of a triangulation of the convexified germ there, then the same
along flats of every lower codimension, one ridge per kink hyperplane.
--method hybrid groups the min-terms of a max–min form, expands each group
by inclusion–exclusion and takes a max tree over the groups, within the same
depth and often at polynomial cost. --method auto (the default) builds the
max–min net, the hybrid net and the Wang–Sun net (the last two within
--budget) and keeps the smallest with at most ⌈log₂(n+1)⌉ hidden layers;
when none has, it keeps the deeper max–min net and the summary's
"method_note" says so — except for a net input, where a result deeper than
⌈log₂(n+1)⌉ is no compression: auto then fails with the sizes found, and
--method lattice writes that net anyway.

IN is one of (numbers as in network JSON: "1/3" is exact):
  {"kind": "maxsum", "n": N, "affine": [{"w": [...], "b": B}, ...],
   "terms": [{"sign": 1, "args": [0, 1]}, ...]}          signed sum of maxes
  {"kind": "lattice", "n": N, "affine": [...], "sets": [[0, 1], [2]]}
                                                        max_i min_{j∈S_i} ℓ_j
  {"kind": "triangulation", "n": N, "vertices": [[...], ...],
   "simplices": [[0, 1, 2], ...], "values": [...]}      linear finite elements
   (or "simplex_values": n+1 values per simplex; the domain must be convex)
  a network (JSON or ONNX): depth compression. With one input, through its
   exact breakpoints, on all of R. With n ≥ 2 inputs, through the certified
   region complex (package region) of the net's perspective
   F(x, t) = t·f(x/t) on [−1,1]^n × [0,1], whose cones are exactly the
   net's regions on all of R^n: the output equals the net everywhere. With
   --box, on that box only (the output may differ outside it).

The summary gives the depth, size, number of terms, the largest arity and
the bounds compared: ⌈log₂(n+1)⌉ hidden layers, spec §2.1's size
P·4(2^L−1), the max–min net's depth and size, and for a triangulation the
⌈log₂ k_h⌉+1 hidden layers of He, Li, Xu and Zheng (2018). --verify (on by
default) compares the net with the input in exact arithmetic: for n = 1 the
exact PWL forms of input and net (a proof); for n = 2 a proof from the
produced net's exact activation cells (on each simplex, or on all of R² as
cones in homogeneous coordinates), whose maps must be the input's pieces;
for n ≥ 3 a proof through the exact region complex (package region) when
affordable: every region of the net over every simplex has the simplex's
interpolant as its exact map, or every region of net − input (the input
built directly as a net) has the zero map, on all of R^n (through the
perspective of net − input; max forms up to n = 4) or on the --box of a
net; completeness is certified by exact volumes. Above a size limit it
falls back to exact checks at corners and random rational points. The
summary's "verified" field says "proof" or "points". Meshes are validated
exactly in any dimension: any two simplices must meet in a common face,
the union must be convex, the values continuous.

examples:
  relucid convert testdata/convert/hat2d.json -o hat.json --json
  relucid convert testdata/zigzag.json -o z.json
  relucid convert net2d.json -o shallow.json --json
  relucid convert net2d.json --box -1:1,-1:1 -o small.json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			out := fs.String("o", "", "output net `OUT.json` (required)")
			asJSON := fs.Bool("json", false, "print the summary as JSON")
			verify := fs.Bool("verify", true, "check the result against the input exactly")
			method := fs.String("method", "auto", "construction: wangsun or hybrid (⌈log₂(n+1)⌉ hidden layers, exact work within --budget), planar (n = 2, polynomial), spatial (n ≥ 3, polynomial for fixed n), lattice (max–min net, may be deeper), or auto (the smallest within ⌈log₂(n+1)⌉ hidden layers)")
			gadget := fs.Int("gadget", 4, "units per max gadget: 4 (the paper's) or 3")
			budget := fs.Int("budget", convert.DefaultBudget, "work bound of the exact Wang–Sun and hybrid constructions")
			box := fs.String("box", "", "convert a net with n ≥ 2 inputs on the box `A:B,C:D,...` only (default: all of R^n)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "IN"); err != nil {
					return err
				}
				if *out == "" {
					return usagef("missing -o OUT.json")
				}
				if *gadget != 3 && *gadget != 4 {
					return usagef("--gadget must be 3 or 4, not %d", *gadget)
				}
				m := convert.Method(*method)
				if m != convert.WangSun && m != convert.LatticeNet && m != convert.Hybrid && m != convert.Planar && m != convert.Spatial && m != convert.Auto {
					return usagef("--method must be auto, wangsun, hybrid, planar, spatial or lattice, not %q", *method)
				}
				path := args[0]
				var in *convert.Input
				if strings.EqualFold(filepath.Ext(path), ".onnx") {
					net, err := loadNet(path)
					if err != nil {
						return err
					}
					in = &convert.Input{Kind: convert.KindNet, Net: net}
				} else {
					var err error
					if in, err = convert.ReadFile(path); err != nil {
						return err
					}
				}
				if *box != "" {
					if in.Kind != convert.KindNet {
						return usagef("--box applies to nets only; a PWL description has its own domain")
					}
					lo, hi, err := parseBox(*box)
					if err != nil {
						return err
					}
					if len(lo) != in.Net.InputDim() {
						return usagef("--box has %d intervals but the net takes %d inputs", len(lo), in.Net.InputDim())
					}
					dom, err := region.BoxRat(lo, hi)
					if err != nil {
						return usagef("--box: %v", err)
					}
					in.Domain = &dom
				}
				res, err := convert.Convert(e.ctx, in, convert.Options{
					Method: m, Gadget: relu.Gadget(*gadget), Budget: *budget, Verify: *verify, Compare: true})
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				var buf bytes.Buffer
				if err := res.Net.Encode(&buf); err != nil {
					return err
				}
				if err := relu.WriteFileAtomic(*out, buf.Bytes()); err != nil {
					return err
				}
				if *asJSON {
					return writeJSON(e.stdout, res.Summary)
				}
				printConvertSummary(e, res.Summary, *out)
				return nil
			}
		},
	}
}

func printConvertSummary(e *env, s convert.Summary, out string) {
	w := e.stdout
	fmt.Fprintf(w, "input: %s, n = %d", s.Input, s.N)
	if s.Pieces > 0 {
		fmt.Fprintf(w, ", %s", plural(s.Pieces, "piece"))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "method: %s: %s, largest max over %s\n", s.Method, plural(s.Terms, "term"), plural(s.MaxArity, "affine function"))
	if len(s.Groups) > 0 {
		fmt.Fprintf(w, "hybrid: %s of min-terms, hidden layers and units per group:", plural(len(s.Groups), "group"))
		for i, g := range s.Groups {
			if i == 8 {
				fmt.Fprintf(w, " … (%d more)", len(s.Groups)-i)
				break
			}
			fmt.Fprintf(w, " %d/%d/%d", len(g.MinTerms), g.Hidden, g.Size)
		}
		fmt.Fprintln(w)
	}
	if s.MethodNote != "" {
		fmt.Fprintf(w, "note: %s\n", s.MethodNote)
	}
	fmt.Fprintf(w, "wrote %s: depth %d (%s; Theorem 2.1 bound %d), size %d\n",
		out, s.Depth, plural(s.HiddenLayers, "hidden layer"), s.DepthBound, s.Size)
	if s.SpecSizeBound > 0 {
		fmt.Fprintf(w, "size bound of spec §2.1 (P·4(2^L−1)): %d\n", s.SpecSizeBound)
	}
	if s.LatticeHidden > 0 {
		fmt.Fprintf(w, "max–min net of the same function: %s, size %d\n", plural(s.LatticeHidden, "hidden layer"), s.LatticeSize)
	}
	if s.HeHidden > 0 {
		fmt.Fprintf(w, "He, Li, Xu, Zheng (2018) finite-element net: %s\n", plural(s.HeHidden, "hidden layer"))
	}
	if v := s.Verification; v != nil {
		status := "equal at every checked point"
		if v.Proven {
			status = "equal everywhere (proven)"
		}
		fmt.Fprintf(w, "verified (%s, %d points): %s", v.Method, v.Points, status)
		if v.Fallback != "" {
			fmt.Fprintf(w, "; no proof: %s", v.Fallback)
		}
		if v.ProofDomain != "" {
			fmt.Fprintf(w, "; proven on %s over %d exact regions", v.ProofDomain, v.Regions)
		}
		switch {
		case v.Proven && v.CellsProven > 0:
			fmt.Fprintf(w, "; cells proven %d", v.CellsProven)
		case !v.Proven && v.CellsProven+v.CellsSampled > 0:
			// Fallback: the Wang–Sun form may be proven, the net is not.
			fmt.Fprintf(w, "; Wang–Sun form proven on %d cells, the net checked at points", v.CellsProven)
		}
		fmt.Fprintln(w)
	}
}

// plural writes "1 term", "2 terms".
func plural(k int, noun string) string {
	if k == 1 {
		return fmt.Sprintf("%d %s", k, noun)
	}
	return fmt.Sprintf("%d %ss", k, noun)
}
