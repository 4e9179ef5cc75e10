package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// shallowJSON is the --json output of relucid shallow.
type shallowJSON struct {
	Pieces        int    `json:"pieces"`
	Size          int    `json:"size"`
	LowerBound    int    `json:"lower_bound"`
	ProvenMinimum int    `json:"proven_minimum,omitempty"`
	Minimal       bool   `json:"minimal"`
	OutputBias    bool   `json:"output_bias"`
	Verified      bool   `json:"verified"`
	Note          string `json:"note"`
	Output        string `json:"output"`
	InputDepth    int    `json:"input_depth,omitempty"`
	InputSize     int    `json:"input_size,omitempty"`
}

func cmdShallow() command {
	return command{
		name:    "shallow",
		args:    "NET.json|PWL.json -o OUT.json [--no-output-bias] [--json] [--through X0 --dir D] [--output J]",
		summary: "minimal one-hidden-layer twin of an R→R net",
		help: `Writes a net with one hidden layer of minimal size computing exactly the same
function as the R→R input: a net (any depth; JSON or ONNX) or a PWL
description {"breakpoints": [...], "values": [...], "slope_left": s,
"slope_right": s} (numbers or exact rational strings; recognised by its keys).

With p pieces, Theorem 2.2 gives at most p units and at least p-1; p-1
suffice exactly when the breakpoints can be given left or right flaps whose
slopes match both ends (always when a piece has slope 0, Corollary A.1). The
search for such flaps is exhaustive up to 32 breakpoints, so the size is
proven minimal there. Without an output bias (--no-output-bias, the linear
output layer of Definition 1) the constant must come from units too, which
may cost one or two more units (|x|+1 needs 3).

It reports p, the size used, the lower bound p-1 and whether the size is
proven minimal, and verifies the result by comparing the exact PWL forms of
input and output. A net with n > 1 inputs or several outputs is first
restricted to the line X0 + t*D and output J, as in relucid pieces.

example:
  relucid shallow deep.json -o twin.json
  echo '{"breakpoints":[-1,0,2],"values":[0,2,0],"slope_left":1,"slope_right":3}' > f.json
  relucid shallow f.json -o f_net.json --json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			outPath := fs.String("o", "", "write the net to `OUT.json` (required)")
			noBias := fs.Bool("no-output-bias", false, "build a net without output bias (Definition 1)")
			asJSON := fs.Bool("json", false, "print a JSON summary")
			through := fs.String("through", "", "for n-D nets: the point `X0` (comma separated) of the line")
			dir := fs.String("dir", "", "for n-D nets: the direction `D` (comma separated) of the line")
			output := fs.Int("output", -1, "for nets with several outputs: the output `J` (0-based)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NET.json or PWL.json"); err != nil {
					return err
				}
				if *outPath == "" {
					return usagef("missing -o OUT.json")
				}
				name := args[0]
				var f *pwl.Rat
				res := shallowJSON{Output: *outPath}
				data, err := os.ReadFile(name)
				if err != nil {
					return err
				}
				if pwl.IsDescription(data) {
					if f, err = pwl.DecodeDescription(bytes.NewReader(data)); err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
				} else {
					net, err := loadNet(name)
					if err != nil {
						return err
					}
					res.InputDepth, res.InputSize = net.Depth(), net.Size()
					if net, err = restrictNet(net, name, *through, *dir, *output); err != nil {
						return err
					}
					if f, err = pwl.FromNetRat(e.ctx, net); err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
				}
				twin, rep, err := pwl.ShallowNet(f, !*noBias)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				g, err := pwl.FromNetRat(e.ctx, twin)
				if err != nil {
					return fmt.Errorf("checking the result: %w", err)
				}
				if !g.Equal(f) {
					return fmt.Errorf("%s: internal error: the one-hidden-layer net does not reproduce the function; nothing written", name)
				}
				res.Verified = true
				res.Pieces, res.Size, res.LowerBound = rep.Pieces, rep.Units, rep.Pieces-1
				res.Minimal, res.OutputBias, res.Note = rep.Minimal, rep.OutputBias, rep.Note
				if rep.Minimal {
					res.ProvenMinimum = rep.Units
				}
				if err := twin.WriteFile(*outPath); err != nil {
					return err
				}
				if *asJSON {
					return writeJSON(e.stdout, res)
				}
				printShallow(e, name, &res, twin)
				return nil
			}
		},
	}
}

func printShallow(e *env, name string, r *shallowJSON, twin *relu.Net) {
	w := e.stdout
	fmt.Fprintf(w, "%s: %d pieces", name, r.Pieces)
	if r.InputDepth > 0 {
		fmt.Fprintf(w, " (input net: depth %d, size %d)", r.InputDepth, r.InputSize)
	}
	fmt.Fprintln(w)
	bias := "with output bias"
	if !r.OutputBias {
		bias = "without output bias"
	}
	min := "not proven minimal"
	if r.Minimal {
		min = "minimal"
	}
	fmt.Fprintf(w, "one hidden layer, %s: %d units (%s); Theorem 2.2 lower bound p-1 = %d\n", bias, r.Size, min, r.LowerBound)
	fmt.Fprintf(w, "why: %s\n", r.Note)
	fmt.Fprintf(w, "verified: exact PWL forms of input and output are equal\nwrote %s (depth %d)\n", r.Output, twin.Depth())
}
