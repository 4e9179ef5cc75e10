package main

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// piecesJSON is the --json output of relucid pieces. The first four fields
// are the interface contract.
type piecesJSON struct {
	Pieces           int       `json:"pieces"`
	Breakpoints      []float64 `json:"breakpoints"`
	Slopes           []float64 `json:"slopes"`
	Values           []float64 `json:"values"`
	LemmaD5Bound     *big.Int  `json:"lemma_d5_bound"`
	HiddenWidths     []int     `json:"hidden_widths"`
	Domain           []float64 `json:"domain,omitempty"`
	Exact            bool      `json:"exact"`
	Engine           string    `json:"engine"`
	Fallback         string    `json:"fallback,omitempty"`
	BreakpointsExact []string  `json:"breakpoints_exact,omitempty"`
	ValuesExact      []string  `json:"values_exact,omitempty"`
	SlopesExact      []string  `json:"slopes_exact,omitempty"`
}

// maxTextRows is how many breakpoints the text output lists.
const maxTextRows = 20

func cmdPieces() command {
	return command{
		name:    "pieces",
		args:    "NET.json [--domain A:B] [--exact|--rational] [--json] [--through X0 --dir D] [--output J]",
		summary: "exact 1-D pieces and breakpoints of an R→R net",
		help: `Computes the continuous piecewise linear function of an R→R net exactly:
its pieces (maximal intervals where it is affine), breakpoints (points where
the slope really changes), the values there and the slope of each piece,
left to right. Without --domain the whole real line is examined; with
--domain A:B only the pieces meeting (A, B) count. Beside the count it prints
Lemma D.5's bound 2^(k-1)(w1+1)w2...wk for the net's hidden widths.

The default engine runs in float64 with certified error bounds and falls
back to exact rational arithmetic when a decision is too close to call, so
the count is always exact. --exact makes every printed number exact too
(the *_exact JSON fields hold them as rationals): it accepts the float64
run when all its error bounds are 0 (an error-free run, e.g. dyadic
weights) and otherwise runs the rational engine; --rational runs the
rational engine throughout. "engine" and "fallback" in the JSON say which
engine answered and why the float engine handed over.

A net with n > 1 inputs is examined on the line X0 + t*D (--through, --dir;
t is the new input); a net with several outputs needs --output J (0-based).
A and B may be rationals ("1/3").

--json prints {"pieces", "breakpoints", "slopes", "values",
"lemma_d5_bound", "hidden_widths", "exact", ...}; slopes has pieces entries,
breakpoints and values pieces-1.

example:
  echo '{"layers": [{"weight": [[1], [1]], "bias": [0, -0.5]}, {"weight": [[2, -4]]}]}' > zigzag.json
  relucid pieces zigzag.json --domain 0:1
  relucid pieces net2d.json --through 0,0 --dir 1,1 --json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			domain := fs.String("domain", "", "examine only `A:B` (A < B)")
			exact := fs.Bool("exact", false, "exact breakpoints, values and slopes (an error-free float64 run or rational arithmetic)")
			rational := fs.Bool("rational", false, "use the rational engine throughout")
			asJSON := fs.Bool("json", false, "print JSON")
			through := fs.String("through", "", "for n-D nets: the point `X0` (comma separated) of the line")
			dir := fs.String("dir", "", "for n-D nets: the direction `D` (comma separated) of the line")
			output := fs.Int("output", -1, "for nets with several outputs: the output `J` (0-based)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NET.json"); err != nil {
					return err
				}
				net, err := loadNet(args[0])
				if err != nil {
					return err
				}
				var opt pwl.Options
				if *domain != "" {
					a, b, err := parseDomain(*domain)
					if err != nil {
						return err
					}
					opt.Domain = true
					opt.ARat, opt.BRat = a, b
					opt.A, _ = a.Float64()
					opt.B, _ = b.Float64()
				}
				opt.Exact = *exact
				net, err = restrictNet(net, args[0], *through, *dir, *output)
				if err != nil {
					return err
				}
				out := piecesJSON{HiddenWidths: net.HiddenWidths(), LemmaD5Bound: pwl.LemmaD5(net.HiddenWidths())}
				if opt.Domain {
					out.Domain = []float64{opt.A, opt.B}
				}
				if *exact || *rational {
					opt.Exact = *rational
					r, info, err := pwl.ExtractRat(e.ctx, net, opt)
					if err != nil {
						return fmt.Errorf("%s: %w", args[0], err)
					}
					fillInfo(&out, info)
					limit := maxTextRows
					if *asJSON {
						limit = len(r.X)
					}
					fillExact(&out, r, limit)
				} else {
					f, info, err := pwl.Extract(e.ctx, net, opt)
					if err != nil {
						return fmt.Errorf("%s: %w", args[0], err)
					}
					fillInfo(&out, info)
					fillFloat(&out, f, info.Pieces)
				}
				if *asJSON {
					return writeJSON(e.stdout, out)
				}
				printPieces(e, args[0], &out)
				return nil
			}
		},
	}
}

func fillInfo(out *piecesJSON, info pwl.Info) {
	out.Exact, out.Fallback = info.Exact, info.Fallback
	out.Engine = "float64"
	if info.Rational {
		out.Engine = "rational"
	}
}

// parseDomain parses "A:B" with A < B; A and B may be decimals or rationals.
func parseDomain(s string) (*big.Rat, *big.Rat, error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return nil, nil, usagef("--domain %q: want A:B, e.g. --domain -1:1", s)
	}
	a, okA := new(big.Rat).SetString(strings.TrimSpace(s[:i]))
	b, okB := new(big.Rat).SetString(strings.TrimSpace(s[i+1:]))
	if !okA || !okB {
		return nil, nil, usagef("--domain %q: A and B must be numbers", s)
	}
	if a.Cmp(b) >= 0 {
		return nil, nil, usagef("--domain %q: need A < B", s)
	}
	fa, _ := a.Float64()
	fb, _ := b.Float64()
	if math.IsInf(fa, 0) || math.IsInf(fb, 0) || !(fa < fb) {
		return nil, nil, usagef("--domain %q: ends too large or too close for float64", s)
	}
	return a, b, nil
}

// parseVec parses comma-separated numbers (decimals or rationals).
func parseVec(flagName, s string) ([]*big.Rat, error) {
	parts := strings.Split(s, ",")
	v := make([]*big.Rat, len(parts))
	for i, p := range parts {
		r, ok := new(big.Rat).SetString(strings.TrimSpace(p))
		if !ok {
			return nil, usagef("--%s %q: entry %d is not a number", flagName, s, i+1)
		}
		v[i] = r
	}
	return v, nil
}

// restrictNet slices an n-D net to a line and picks one output, as asked.
func restrictNet(net *relu.Net, name, through, dir string, output int) (*relu.Net, error) {
	n := net.InputDim()
	if through != "" || dir != "" {
		if dir == "" {
			return nil, usagef("--through needs --dir D, the direction of the line")
		}
		d, err := parseVec("dir", dir)
		if err != nil {
			return nil, err
		}
		x0 := make([]*big.Rat, len(d))
		for i := range x0 {
			x0[i] = new(big.Rat)
		}
		if through != "" {
			if x0, err = parseVec("through", through); err != nil {
				return nil, err
			}
		}
		if net, err = pwl.SliceRat(net, x0, d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else if n != 1 {
		z := strings.TrimSuffix(strings.Repeat("0,", n), ",")
		return nil, fmt.Errorf("%s: the net has %d inputs, not 1; examine it on a line with --through X0 --dir D, e.g. --through %s --dir 1%s",
			name, n, z, strings.Repeat(",0", n-1))
	}
	if m := net.OutputDim(); m != 1 || output >= 0 {
		if output < 0 {
			return nil, fmt.Errorf("%s: the net has %d outputs; pick one with --output J (0..%d)", name, m, m-1)
		}
		var err error
		if net, err = pwl.SelectOutput(net, output); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return net, nil
}

// fillFloat fills out from an extracted function, whose knots are exactly
// its certified breakpoints (a single anchor knot when pieces == 1).
func fillFloat(out *piecesJSON, f *pwl.Func, pieces int) {
	out.Pieces = pieces
	if pieces == 1 {
		out.Breakpoints, out.Values, out.Slopes = []float64{}, []float64{}, []float64{f.SL}
		return
	}
	out.Breakpoints, out.Values = f.X, f.Y
	out.Slopes = f.Slopes()
}

// fillExact fills out from an exact function whose knots are exactly its
// breakpoints (a single anchor knot when it is affine), converting at most
// limit breakpoints (and limit+1 slopes): the text output shows only a few,
// and a million rationals cost seconds and hundreds of megabytes.
func fillExact(out *piecesJSON, r *pwl.Rat, limit int) {
	bp, vals := r.X, r.Y
	if len(r.X) == 1 && r.SL.Cmp(r.SR) == 0 {
		bp, vals = nil, nil
	}
	out.Pieces = len(bp) + 1
	n := min(len(bp), limit)
	out.Breakpoints = make([]float64, n)
	out.Values = make([]float64, n)
	out.BreakpointsExact = make([]string, n)
	out.ValuesExact = make([]string, n)
	for i, x := range bp[:n] {
		out.Breakpoints[i], _ = x.Float64()
		out.Values[i], _ = vals[i].Float64()
		out.BreakpointsExact[i] = x.RatString()
		out.ValuesExact[i] = vals[i].RatString()
	}
	slope := func(i int) *big.Rat { // slope of piece i (0: left of the first breakpoint)
		switch {
		case i == 0:
			return r.SL
		case i == len(bp):
			return r.SR
		}
		d := new(big.Rat).Sub(vals[i], vals[i-1])
		return d.Quo(d, new(big.Rat).Sub(bp[i], bp[i-1]))
	}
	m := min(len(bp)+1, limit+1)
	out.Slopes = make([]float64, m)
	out.SlopesExact = make([]string, m)
	for i := 0; i < m; i++ {
		s := slope(i)
		out.Slopes[i], _ = s.Float64()
		out.SlopesExact[i] = s.RatString()
	}
}

func printPieces(e *env, name string, out *piecesJSON) {
	w := e.stdout
	where := "on the real line"
	if out.Domain != nil {
		where = fmt.Sprintf("on [%v, %v]", out.Domain[0], out.Domain[1])
	}
	how := "float64 engine, count certified"
	switch {
	case out.Engine == "rational":
		how = "rational engine"
		if out.Fallback != "" {
			how += "; the float engine handed over: " + out.Fallback
		}
	case out.Exact:
		how = "float64 engine, every number exact (all error bounds 0)"
	}
	fmt.Fprintf(w, "%s: %d pieces %s (%s)\n", name, out.Pieces, where, how)
	fmt.Fprintf(w, "Lemma D.5 bound for hidden widths %v: %s pieces\n", out.HiddenWidths, out.LemmaD5Bound)
	fmt.Fprintf(w, "%-24s %-24s %s\n", "breakpoint", "value", "slope to the right")
	start := "-inf"
	if out.Domain != nil {
		start = fmt.Sprint(out.Domain[0])
	}
	fmt.Fprintf(w, "%-24s %-24s %v\n", start, "", out.Slopes[0])
	for i, x := range out.Breakpoints {
		if i == maxTextRows {
			break
		}
		bx, vy := fmt.Sprint(x), fmt.Sprint(out.Values[i])
		if out.BreakpointsExact != nil {
			bx, vy = out.BreakpointsExact[i], out.ValuesExact[i]
		}
		fmt.Fprintf(w, "%-24s %-24s %v\n", bx, vy, out.Slopes[i+1])
	}
	if more := out.Pieces - 1 - maxTextRows; more > 0 {
		fmt.Fprintf(w, "... %d more breakpoints (use --json for all)\n", more)
	}
}
