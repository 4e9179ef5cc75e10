package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/relucid/relucid/erm"
	"github.com/relucid/relucid/internal/csvio"
	"github.com/relucid/relucid/relu"
)

// trainDoc is the certificate document printed by train --json, written by
// --cert and read by merge and --verify.
type trainDoc struct {
	Objective *float64 `json:"objective"` // null for a shard that held no work
	erm.Certificate
	Data         string          `json:"data"`
	DataSHA256   string          `json:"data_sha256"`
	Points       int             `json:"points"`
	Inputs       int             `json:"inputs"`
	Width        int             `json:"width"`
	LossFunction string          `json:"loss_function"`
	OutputBias   bool            `json:"output_bias"`
	WeightDecay  float64         `json:"weight_decay"`
	Net          json.RawMessage `json:"net,omitempty"`
	Merged       []int           `json:"merged_shards,omitempty"`
}

// loadData reads DATA.csv: inputs in all columns but the last, target last.
func loadData(path string) (X [][]float64, Y []float64, sum string, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, "", err
	}
	if X, Y, err = parseData(path, raw); err != nil {
		return nil, nil, "", err
	}
	h := sha256.Sum256(raw)
	return X, Y, hex.EncodeToString(h[:]), nil
}

// parseData parses the contents of a training CSV named name: every row
// has the same number (≥ 2) of finite numbers, inputs first, target last.
// Errors name the file.
func parseData(name string, raw []byte) (X [][]float64, Y []float64, err error) {
	rows, _, err := csvio.Read(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("%s: no data rows", name)
	}
	if len(rows[0]) < 2 {
		return nil, nil, fmt.Errorf("%s: need at least 2 columns (inputs, then the target), found %d", name, len(rows[0]))
	}
	for _, r := range rows {
		X = append(X, r[:len(r)-1:len(r)-1])
		Y = append(Y, r[len(r)-1])
	}
	return X, Y, nil
}

// parseShard parses "i/N".
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, usagef("--shard %q: want i/N with 0 ≤ i < N", s)
	}
	return i, n, nil
}

// shardFromEnv returns the shard of a Slurm job array or a Kubernetes
// Indexed Job, if the environment names one.
func shardFromEnv() (i, n int, ok bool) {
	if id, cnt := os.Getenv("SLURM_ARRAY_TASK_ID"), os.Getenv("SLURM_ARRAY_TASK_COUNT"); id != "" && cnt != "" {
		a, e1 := strconv.Atoi(id)
		b, e2 := strconv.Atoi(cnt)
		if min := os.Getenv("SLURM_ARRAY_TASK_MIN"); min != "" {
			if m, err := strconv.Atoi(min); err == nil {
				a -= m
			}
		}
		if e1 == nil && e2 == nil && b >= 1 && a >= 0 && a < b {
			return a, b, true
		}
	}
	if id := os.Getenv("JOB_COMPLETION_INDEX"); id != "" {
		cnt := os.Getenv("RELUCID_SHARDS")
		if cnt == "" {
			cnt = os.Getenv("JOB_COMPLETIONS")
		}
		a, e1 := strconv.Atoi(id)
		b, e2 := strconv.Atoi(cnt)
		if e1 == nil && e2 == nil && b >= 1 && a >= 0 && a < b {
			return a, b, true
		}
	}
	return 0, 1, false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func cmdTrain() command {
	return command{
		name:    "train",
		args:    "DATA.csv --width W [--loss squared|absolute|hinge|logistic] [--output-bias] [--weight-decay λ] -o NET.json [--json] | DATA.csv --verify CERT.json",
		summary: "globally optimal one-hidden-layer training (Algorithm 1)",
		help: `Finds a global minimiser of  Σ_j loss(f(x_j), y_j) [+ λ·R(f)]  over all nets
f(x) = Σ_i a_i·relu(a^i·x + b_i) [+ c] with W hidden units (paper Section 4,
Algorithm 1): output-weight signs × hyperplane dichotomies of the data × one
convex program each (QP for squared, LP for absolute and hinge, Newton for
logistic), with symmetry, branch and bound and all cores. DATA.csv: inputs
in all columns but the last, the target last; an optional header row. Hinge
and logistic need targets -1 or +1.

--weight-decay λ penalises R(f) = Σ_i a_i²·(‖a^i‖² + b_i²), the squared norm of
the hidden weights after rescaling every output weight to ±1 (invariant
under that rescaling); "objective" is then loss + λ·R, "loss" the data
loss alone. Every loss supports it (absolute and hinge: each program
becomes a QP in epigraph form).

The JSON output (--json, or --cert FILE) is a certificate: objective
(recomputed from the returned net), certified, lower_bound, the number of
subproblems enumerated, solved and pruned against the brute-force count,
the bound used, the winning program's KKT residual, exact_objective (the
objective recomputed in rational arithmetic from the net's exact weights,
"p/q"; not for logistic loss) and the net.
--verify CERT.json re-checks a certificate against DATA.csv: it recomputes
the objective from the net (in float64 and exactly), re-solves the program of the net's own
activation pattern, and re-runs the search when it is small.

Large searches: the brute-force count is estimated first and the run is
refused above --max (default 1e10) unless --force. --shard i/N runs a
deterministic part (default from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT,
or JOB_COMPLETION_INDEX with RELUCID_SHARDS or JOB_COMPLETIONS); combine the
--cert files with "relucid merge". Progress goes to stderr (a bar on a
terminal, a line every 30 s otherwise). Ctrl-C stops and reports the best
net so far, marked "certified": false (exit status 1).

example:
  printf 'x,y\n-1,1\n0,0\n1,1\n' > v.csv
  relucid train v.csv --width 1 --loss squared -o net.json --json   # objective 2/3`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			width := fs.Int("width", 0, "hidden units W ≥ 1 (required)")
			lossName := fs.String("loss", "squared", "loss: squared, absolute, hinge or logistic")
			bias := fs.Bool("output-bias", false, "allow a free output bias")
			decay := fs.Float64("weight-decay", 0, "λ ≥ 0: add λ·Σ_i a_i²(‖a^i‖²+b_i²)")
			out := fs.String("o", "", "write the optimal net to this JSON file")
			asJSON := fs.Bool("json", false, "print the certificate as JSON")
			certOut := fs.String("cert", "", "write the certificate (with the net) to this JSON file")
			verify := fs.String("verify", "", "re-check the certificate CERT.json against DATA.csv")
			force := fs.Bool("force", false, "run even if the estimated subproblem count exceeds --max")
			maxSub := fs.Float64("max", erm.DefaultMaxSubproblems, "refuse searches with more brute-force subproblems than this")
			shard := fs.String("shard", "", "run shard i of N (i/N)")
			workers := fs.Int("workers", 0, "goroutines (default: all cores)")
			seed := fs.Int64("seed", 1, "seed for the point order and the gradient-descent incumbent")
			noPrune := fs.Bool("no-prune", false, "brute force: solve every leaf program (for comparison)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "DATA.csv"); err != nil {
					return err
				}
				X, Y, sum, err := loadData(args[0])
				if err != nil {
					return err
				}
				if *verify != "" {
					return verifyCert(e, args[0], X, Y, sum, *verify, *asJSON)
				}
				if *width < 1 {
					return usagef("--width %d: need W ≥ 1", *width)
				}
				loss, err := erm.ParseLoss(*lossName)
				if err != nil {
					return usagef("--loss: %v", err)
				}
				p := erm.Problem{X: X, Y: Y, Width: *width, Loss: loss, OutputBias: *bias, WeightDecay: *decay}
				if err := p.Validate(); err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				o := erm.Options{Force: *force, MaxSubproblems: *maxSub, Workers: *workers, Seed: *seed, NoPrune: *noPrune}
				if *shard != "" {
					if o.Shard, o.Shards, err = parseShard(*shard); err != nil {
						return err
					}
				} else if i, n, ok := shardFromEnv(); ok {
					o.Shard, o.Shards = i, n
				}
				if *out == "" && *certOut == "" && !*asJSON {
					return usagef("nothing to output: give -o NET.json, --cert FILE or --json")
				}
				term := isTerminal(e.stderr)
				if term {
					o.ProgressEvery = time.Second
				}
				o.Progress = func(pg erm.Progress) {
					if term {
						frac := float64(pg.Done) / math.Max(1, float64(pg.Total))
						bar := strings.Repeat("#", int(30*frac)) + strings.Repeat(".", 30-int(30*frac))
						fmt.Fprintf(e.stderr, "\r[%s] %d/%d roots, %d programs, %d pruned, best %.6g, %s ",
							bar, pg.Done, pg.Total, pg.Solved, pg.Pruned, pg.Best, pg.Elapsed.Round(time.Second))
						return
					}
					fmt.Fprintf(e.stderr, "relucid train: %s: %d/%d roots, %d programs solved, %d pruned, best %.10g\n",
						pg.Elapsed.Round(time.Second), pg.Done, pg.Total, pg.Solved, pg.Pruned, pg.Best)
				}
				res, err := erm.Train(e.ctx, p, o)
				if term {
					fmt.Fprint(e.stderr, "\r\033[K")
				}
				if err != nil {
					if errors.Is(err, erm.ErrTooLarge) {
						return fmt.Errorf("%s: %w", args[0], err)
					}
					return fmt.Errorf("%s: %w", args[0], err)
				}
				doc := trainDoc{Certificate: res.Certificate, Data: args[0], DataSHA256: sum,
					Points: len(X), Inputs: len(X[0]), Width: *width, LossFunction: loss.String(),
					OutputBias: *bias, WeightDecay: *decay}
				if res.Net != nil {
					v := res.Objective
					doc.Objective = &v
					var b bytes.Buffer
					if err := res.Net.Encode(&b); err != nil {
						return err
					}
					doc.Net = json.RawMessage(bytes.TrimSpace(b.Bytes()))
				} else {
					doc.Certificate.Objective, doc.Certificate.LowerBound = 0, 0
				}
				if err := emit(e, doc, res.Net, *out, *certOut, *asJSON); err != nil {
					return err
				}
				if res.Certificate.Interrupted {
					return fmt.Errorf("interrupted: best net so far written, not certified")
				}
				return nil
			}
		},
	}
}

// emit writes the net (-o), the certificate file (--cert) and the JSON on stdout.
func emit(e *env, doc trainDoc, net *relu.Net, out, certOut string, asJSON bool) error {
	if out != "" {
		if net == nil {
			return fmt.Errorf("%s: this shard held no part of the search; no net to write (use --cert)", out)
		}
		if err := net.WriteFile(out); err != nil {
			return err
		}
	}
	if certOut != "" {
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		if err := relu.WriteFileAtomic(certOut, append(b, '\n')); err != nil {
			return err
		}
	}
	if asJSON {
		return writeJSON(e.stdout, doc)
	}
	if doc.Objective != nil {
		fmt.Fprintf(e.stdout, "objective %.17g (certified %v, lower bound %.17g)\n", *doc.Objective, doc.Certified, doc.LowerBound)
	}
	return nil
}

func readDoc(path string) (*trainDoc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d trainDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: not a train certificate: %w", path, err)
	}
	if d.Width < 1 || d.LossFunction == "" {
		return nil, fmt.Errorf("%s: not a train certificate (no width or loss_function)", path)
	}
	return &d, nil
}

func verifyCert(e *env, dataPath string, X [][]float64, Y []float64, sum, certPath string, asJSON bool) error {
	d, err := readDoc(certPath)
	if err != nil {
		return err
	}
	if d.Objective == nil || len(d.Net) == 0 {
		return fmt.Errorf("%s: certificate holds no net", certPath)
	}
	net, err := relu.Decode(bytes.NewReader(d.Net))
	if err != nil {
		return fmt.Errorf("%s: net: %w", certPath, err)
	}
	loss, err := erm.ParseLoss(d.LossFunction)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	p := erm.Problem{X: X, Y: Y, Width: d.Width, Loss: loss, OutputBias: d.OutputBias, WeightDecay: d.WeightDecay}
	var problems []string
	if d.DataSHA256 != "" && d.DataSHA256 != sum {
		problems = append(problems, fmt.Sprintf("%s is not the data the certificate was made for (sha256 differs)", dataPath))
	}
	v, err := erm.Verify(e.ctx, p, net, *d.Objective, 1e6)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	if !d.Certified {
		problems = append(problems, "the certificate itself says it is not certified (interrupted or incomplete)")
	}
	if d.LowerBound > *d.Objective+erm.VerifyTol*(1+math.Abs(*d.Objective)) {
		problems = append(problems, "lower bound exceeds the objective")
	}
	v.Problems = append(problems, v.Problems...)
	v.OK = v.OK && len(problems) == 0
	if asJSON {
		if err := writeJSON(e.stdout, v); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "objective %.17g, own-pattern optimum %.17g, KKT residual %.3g, rerun %v %.17g\n",
			v.Objective, v.PieceOptimum, v.KKTResidual, v.Rerun, v.RerunOptimum)
	}
	if !v.OK {
		return fmt.Errorf("%s: verification failed: %s", certPath, strings.Join(v.Problems, "; "))
	}
	if !asJSON {
		fmt.Fprintln(e.stdout, "ok")
	}
	return nil
}
