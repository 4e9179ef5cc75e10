package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/relucid/relucid/bound"
)

func cmdBounds() command {
	return command{
		name:    "bounds",
		args:    "NAME [flags]",
		summary: "the paper's bounds as a calculator",
		help: `Evaluates one bound and explains the answer: the claim, the formula, the
substitution and the integer consequence.

Names and their flags:
  d5         Lemma D.5, pieces of an R→R net:            --widths 3,3,3
  d6         Lemma D.6, size for p pieces at depth k+1:  --pieces P --k K
             or the converse, pieces for size s:          --size S --k K
  thm3.1     Theorem 3.1 depth separation:               --k K --w W --kp K′
  cor3.3     Corollary 3.3:                              --k K --eps E
  cor3.4     Corollary 3.4:                              --k K
  thm3.5     Theorem 3.5 size threshold for δ:           --k K --w W --kp K′ --delta D
  thm3.9     Theorem 3.9(i) pieces, and the valid lower
             bounds replacing 3.9(ii) with --kp:         --n N --k K --w W --m M [--kp K′]
  montufar   Montúfar et al. 2014 count:                 --n N --k K --w W
  serra      Serra et al. 2018 region bound:             --n N --widths 4,4,4
  cover      Cover's dichotomy count:                    --D D --n N
  table      the comparison table of spec §4:            [--n 4 --w 6 --m 3 --kmax 5]

Example:
  relucid bounds thm3.1 --k 4 --w 3 --kp 2
  relucid bounds table`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			k := fs.Int("k", 0, "k (hidden layers of the hard net; for d6 the depth parameter)")
			w := fs.Int("w", 0, "w (width / teeth per layer)")
			kp := fs.Int("kp", 0, "k′, hidden layers of the competing shallower net")
			n := fs.Int("n", 0, "input dimension n")
			m := fs.Int("m", 0, "number of zonotope generators m")
			d := fs.Int("D", 0, "number of data points D (cover)")
			widths := fs.String("widths", "", "hidden widths w_1,...,w_k")
			pieces := fs.Int64("pieces", 0, "number of pieces p (d6)")
			size := fs.Int64("size", 0, "network size s (d6 converse)")
			eps := fs.Float64("eps", 1, "ε (cor3.3)")
			delta := fs.Float64("delta", 0, "δ (thm3.5)")
			kmax := fs.Int("kmax", 5, "largest k of the comparison table")
			asJSON := fs.Bool("json", false, "print JSON")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NAME (see relucid help bounds)"); err != nil {
					return err
				}
				var rs []bound.Result
				add := func(r bound.Result, err error) error {
					if err != nil {
						return usagef("%v", err)
					}
					rs = append(rs, r)
					return nil
				}
				var err error
				switch args[0] {
				case "d5":
					ws, perr := parseInts(*widths)
					if perr != nil {
						return usagef("--widths: %v", perr)
					}
					err = add(bound.LemmaD5(ws))
				case "d6":
					switch {
					case *pieces > 0:
						err = add(bound.LemmaD6Size(*pieces, *k))
					case *size > 0:
						err = add(bound.LemmaD6Pieces(*size, *k))
					default:
						return usagef("d6 needs --pieces P or --size S, and --k K")
					}
				case "thm3.1":
					err = add(bound.Theorem31(*k, *w, *kp))
				case "cor3.3":
					err = add(bound.Corollary33(*k, *eps))
				case "cor3.4":
					err = add(bound.Corollary34(*k))
				case "thm3.5":
					err = add(bound.Theorem35(*k, *w, *kp, *delta))
				case "thm3.9":
					r, _, zerr := bound.ZonotopePieces(*n, *k, *w, *m)
					if err = add(r, zerr); err != nil {
						return err
					}
					if *kp > 0 {
						lb, lerr := bound.ZonotopeLowerBounds(*n, *k, *w, *m, *kp)
						if lerr != nil {
							return usagef("%v", lerr)
						}
						rs = append(rs, lb...)
					}
				case "montufar":
					r, _, merr := bound.Montufar(*n, *k, *w)
					err = add(r, merr)
				case "serra":
					ws, perr := parseInts(*widths)
					if perr != nil {
						return usagef("--widths: %v", perr)
					}
					r, _, serr := bound.Serra(*n, ws)
					err = add(r, serr)
				case "cover":
					r, _, cerr := bound.Cover(*d, *n)
					err = add(r, cerr)
				case "table":
					nn, ww, mm := *n, *w, *m
					if nn == 0 {
						nn = 4
					}
					if ww == 0 {
						ww = 6
					}
					if mm == 0 {
						mm = 3
					}
					rows, terr := bound.Comparison(nn, ww, mm, 2, *kmax)
					if terr != nil {
						return usagef("%v", terr)
					}
					if *asJSON {
						return writeJSON(e.stdout, rows)
					}
					fmt.Fprintf(e.stdout, "pieces at equal depth k+1, input dimension n = %d, width w = %d (zonotope: m = %d generators, k−1 zigzag layers)\n", nn, ww, mm)
					fmt.Fprintf(e.stdout, "%4s  %22s  %22s  %22s\n", "k", "Montúfar et al.", "zonotope (Thm 3.9)", "w^k (Telgarsky-style)")
					for _, r := range rows {
						fmt.Fprintf(e.stdout, "%4d  %22s  %22s  %22s\n", r.K, r.Montufar, r.Zonotope, r.Telgarsky)
					}
					return nil
				default:
					return usagef("unknown bound %q (see relucid help bounds)", args[0])
				}
				if err != nil {
					return err
				}
				if *asJSON {
					if len(rs) == 1 {
						return writeJSON(e.stdout, rs[0])
					}
					return writeJSON(e.stdout, rs)
				}
				for i, r := range rs {
					if i > 0 {
						fmt.Fprintln(e.stdout)
					}
					fmt.Fprint(e.stdout, r.String())
				}
				return nil
			}
		},
	}
}

func parseInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty list")
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, v)
	}
	return out, nil
}
