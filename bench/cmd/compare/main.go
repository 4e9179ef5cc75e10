// Command compare runs relucid's exact trainer and the baselines on the same
// instances, on the same machine in the same run, and prints a Markdown
// table (and optionally the raw numbers as JSON).
//
// Usage (bench/run_baselines.sh wraps it):
//
//	go run ./bench/cmd/compare -relucid ./relucid [-suite baselines|goals|check|all]
//	    [-data bench/data] [-python /usr/bin/python3] [-restarts 20] [-iters 3000]
//	    [-reps 1] [-timeout 10m] [-json out.json]
//
// Suites:
//
//	baselines  T1, T2 (squared loss) and T5 (absolute loss): the exact optimum of
//	           `relucid train`, Go and PyTorch gradient descent with R restarts, and
//	           (T5) the big-M MILP solved by HiGHS. Reports time to the certified
//	           optimum against HiGHS, the fraction of restarts ending above the
//	           optimum (relative gap > AboveRel) and their gaps.
//	goals      the speed goals of issue #5 item 7: relucid train on T1/T2 against
//	           the time limits, and dichotomy enumeration rate on T6.
//	t5         the T5 (MILP) rows of baselines only, e.g. with -reps 3 -no-torch
//	check      a tiny consistency run (used by bench/check_baselines.sh); exits
//	           non-zero if a baseline beats the exact optimum or HiGHS disagrees.
//
// With -exact lib the exact trainer is called in-process (erm.Train) instead
// of through the relucid binary.
//
// Times: relucid is timed as a whole process (wall clock, start-up included);
// Go GD in-process; the Python scripts report their own solve time, excluding
// interpreter start-up and imports (which would only flatter relucid).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/relucid/relucid/bench/datagen"
	"github.com/relucid/relucid/bench/gd"
	"github.com/relucid/relucid/erm"
	"github.com/relucid/relucid/internal/csvio"
)

// AboveRel is the relative gap above which a restart counts as ending above
// the optimum. Measured on T1, T2 and T5 (bench/run_baselines.sh, -json): the
// restarts that reach the optimum's basin end within 1e-8 relative of it for
// the squared loss and within 1e-3 for the absolute loss (non-smooth, so
// Adam's decayed steps still rattle around the kink). 1e-2 (1 %) is above
// that noise; the restarts counted ended at a different, worse point or had
// not converged after the iteration budget.
const AboveRel = 1e-2

// BelowTol: an objective of any real net below the certified optimum by more
// than this (relative, with the same absolute floor) means a bug in relucid
// or a baseline. Both objectives are float64 sums of D ≤ 200 terms, each
// rounded at ~1e-16 relative; 1e-9 leaves a wide margin.
const BelowTol = 1e-9

// AgreeRel is the tolerance for HiGHS and relucid to count as reaching the
// same optimum. HiGHS stops at relative gap 1e-6 (-gap of milp_highs.py) and
// its integrality tolerance 1e-6 lets h_ij ≤ M_j·z_ij leak up to 1e-6·M_j per
// unit and point; with M_j ≈ 10 and D·w ≤ 60 terms that is ≤ 6e-4 before the
// net is re-evaluated. The script re-evaluates the net itself, so the residual
// disagreement is the gap; 1e-5 relative leaves a margin over 1e-6.
const AgreeRel = 1e-5

// objFloor is the absolute floor for relative comparisons (optimum 0).
const objFloor = 1e-9

// Case is one instance.
type Case struct {
	Name    string // e.g. "T1 D=200"
	File    string // under -data
	Width   int
	Loss    string
	Bias    bool
	RunMILP bool // run HiGHS too (absolute or hinge loss only)
	Limit   float64
}

func suite(name string) []Case {
	var cs []Case
	switch name {
	case "check":
		cs = []Case{
			{Name: "T5 n=1 D=10", File: "t5_n1_d10_s1.csv", Width: 1, Loss: "absolute", RunMILP: true},
			{Name: "T5 n=1 D=10", File: "t5_n1_d10_s1.csv", Width: 2, Loss: "absolute", RunMILP: true},
			{Name: "T5 n=2 D=10", File: "t5_n2_d10_s1.csv", Width: 1, Loss: "absolute", RunMILP: true},
			{Name: "T5 n=1 D=10", File: "t5_n1_d10_s1.csv", Width: 1, Loss: "absolute", Bias: true, RunMILP: true},
			{Name: "T1 D=20", File: "t1_d20_s1.csv", Width: 2, Loss: "squared"},
		}
	case "baselines":
		for _, w := range []int{1, 2} {
			cs = append(cs, Case{Name: "T1 D=20", File: "t1_d20_s1.csv", Width: w, Loss: "squared"})
		}
		cs = append(cs,
			Case{Name: "T1 D=50", File: "t1_d50_s1.csv", Width: 2, Loss: "squared"},
			Case{Name: "T1 D=200", File: "t1_d200_s1.csv", Width: 2, Loss: "squared"},
			Case{Name: "T1 D=50", File: "t1_d50_s1.csv", Width: 2, Loss: "absolute"},
			Case{Name: "T2 D=25", File: "t2_d25_s1.csv", Width: 2, Loss: "squared"},
			Case{Name: "T2 D=40", File: "t2_d40_s1.csv", Width: 2, Loss: "squared"},
			Case{Name: "T2 D=100", File: "t2_d100_s1.csv", Width: 1, Loss: "squared"},
		)
		for _, n := range []int{1, 2} {
			for _, d := range []int{10, 15, 20} {
				for _, w := range []int{1, 2} {
					cs = append(cs, Case{Name: fmt.Sprintf("T5 n=%d D=%d", n, d),
						File: fmt.Sprintf("t5_n%d_d%d_s1.csv", n, d), Width: w, Loss: "absolute", RunMILP: true})
				}
			}
		}
		cs = append(cs, Case{Name: "T5 n=1 D=10", File: "t5_n1_d10_s1.csv", Width: 3, Loss: "absolute", RunMILP: true})
	case "t5":
		cs = slices.DeleteFunc(suite("baselines"), func(c Case) bool { return !c.RunMILP })
	case "goals":
		cs = []Case{
			{Name: "T1 D=200", File: "t1_d200_s1.csv", Width: 2, Loss: "squared", Limit: 10},
			{Name: "T1 D=50", File: "t1_d50_s1.csv", Width: 3, Loss: "squared", Limit: 60},
			{Name: "T2 D=40", File: "t2_d40_s1.csv", Width: 2, Loss: "squared", Limit: 60},
			{Name: "T2 D=100", File: "t2_d100_s1.csv", Width: 1, Loss: "squared", Limit: 5},
		}
	}
	return cs
}

type config struct {
	relucid, python, data, benchDir string
	restarts, iters, reps           int
	timeout                         time.Duration
	noTorch                         bool
	lib                             bool // call erm.Train in-process instead of the CLI
}

// Row is the measured outcome of one case.
type Row struct {
	Case
	D, N           int
	Exact          float64   `json:"exact"`
	ExactS         float64   `json:"exact_s"`
	ExactCPU       float64   `json:"exact_cpu_s"`
	ExactCertified bool      `json:"exact_certified"`
	ExactErr       string    `json:"exact_err,omitempty"`
	MILP           float64   `json:"milp"`
	MILPS          float64   `json:"milp_s"`
	MILPCPU        float64   `json:"milp_cpu_s"`
	MILPCertified  bool      `json:"milp_certified"`
	MILPBoundU     float64   `json:"milp_U"`
	MILPErr        string    `json:"milp_err,omitempty"`
	GoGD           []float64 `json:"go_gd"`
	GoGDS          float64   `json:"go_gd_s"`
	GoGDCPU        float64   `json:"go_gd_cpu_s"`
	Torch          []float64 `json:"torch"`
	TorchS         float64   `json:"torch_s"`
	TorchCPU       float64   `json:"torch_cpu_s"`
	TorchErr       string    `json:"torch_err,omitempty"`
	Problems       []string  `json:"problems,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.relucid, "relucid", "./relucid", "relucid binary")
	fs.StringVar(&c.python, "python", "/usr/bin/python3", "Python with torch and scipy")
	fs.StringVar(&c.data, "data", "bench/data", "directory of the committed CSVs")
	fs.StringVar(&c.benchDir, "bench", "bench", "directory holding gd_torch.py and milp_highs.py")
	fs.IntVar(&c.restarts, "restarts", 20, "gradient-descent restarts R")
	fs.IntVar(&c.iters, "iters", 3000, "iterations per restart")
	fs.IntVar(&c.reps, "reps", 1, "repetitions of each timed exact/MILP run (median reported)")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "limit per external run")
	fs.BoolVar(&c.noTorch, "no-torch", false, "skip the PyTorch baseline")
	exact := fs.String("exact", "cli", "how to run the exact trainer: cli (relucid train as a process) or lib (erm.Train in-process)")
	name := fs.String("suite", "baselines", "baselines, goals, t5, check or all")
	jsonOut := fs.String("json", "", "also write the raw rows as JSON here")
	from := fs.String("from", "", "print the baselines table of a JSON file written by -json, without running anything")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if *from != "" {
		b, err := os.ReadFile(*from)
		if err != nil {
			return 1, err
		}
		var rows []Row
		if err := json.Unmarshal(b, &rows); err != nil {
			return 1, fmt.Errorf("%s: %w", *from, err)
		}
		rows = slices.DeleteFunc(rows, func(r Row) bool { return r.Limit > 0 })
		printBaselines(stdout, rows, c)
		return 0, nil
	}
	switch *exact {
	case "cli":
	case "lib":
		c.lib = true
	default:
		return 2, fmt.Errorf("-exact %q: want cli or lib", *exact)
	}
	var suites []string
	switch *name {
	case "all":
		suites = []string{"baselines", "goals"}
	case "baselines", "goals", "check", "t5":
		suites = []string{*name}
	default:
		return 2, fmt.Errorf("unknown suite %q", *name)
	}
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs (GOMAXPROCS %d), %s; %s\n\n", runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), time.Now().UTC().Format(time.RFC3339))
	var all []Row
	bad := false
	for _, s := range suites {
		if s == "goals" {
			rows := goals(ctx, c, stdout, stderr)
			all = append(all, rows...)
			enumRates(ctx, c, stdout)
			continue
		}
		var rows []Row
		for _, cs := range suite(s) {
			if ctx.Err() != nil {
				return 1, ctx.Err()
			}
			r := measure(ctx, c, cs, stderr)
			if len(r.Problems) > 0 {
				bad = true
			}
			rows = append(rows, r)
		}
		printBaselines(stdout, rows, c)
		all = append(all, rows...)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(all, "", " ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return 1, err
		}
	}
	if bad {
		return 1, errors.New("consistency problems found (see the table)")
	}
	return 0, nil
}

func loadCSV(path string) (X [][]float64, Y []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, _, err := csvio.Read(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range rows {
		X = append(X, r[:len(r)-1])
		Y = append(Y, r[len(r)-1])
	}
	return X, Y, nil
}

// runJSON runs a command and decodes the JSON object it prints last.
func runJSON(ctx context.Context, timeout time.Duration, name string, args ...string) (map[string]any, float64, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	el := time.Since(start).Seconds()
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return nil, el, fmt.Errorf("%s: %v: %s", filepath.Base(name), err, msg)
	}
	var m map[string]any
	dec := json.NewDecoder(&out)
	for {
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			break
		}
		m = v
	}
	if m == nil {
		return nil, el, fmt.Errorf("%s printed no JSON object", filepath.Base(name))
	}
	// CPU time of the child, all threads: on a loaded machine the stabler figure.
	m[cpuKey] = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	return m, el, nil
}

// cpuKey is where runJSON stores the child's CPU seconds.
const cpuKey = "_process_cpu_s"

// selfCPU returns this process's CPU time (user + system, all threads).
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func num(m map[string]any, key string) (float64, bool) {
	v, ok := m[key].(float64)
	return v, ok
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func exactRun(ctx context.Context, c config, cs Case, reps int) (obj, secs, cpu float64, cert bool, err error) {
	obj, secs, cert, m, err := exactRunJSON(ctx, c, cs, reps)
	return obj, secs, certField(m, cpuKey), cert, err
}

// exactRunJSON runs relucid train reps times and returns the objective, the
// median wall time, whether it was certified and the last JSON printed, in
// which cpuKey holds the median CPU seconds.
func exactRunJSON(ctx context.Context, c config, cs Case, reps int) (obj, secs float64, cert bool, last map[string]any, err error) {
	if c.lib {
		return exactLib(ctx, c, cs, reps)
	}
	tmp, err := os.MkdirTemp("", "relucid-compare")
	if err != nil {
		return 0, 0, false, nil, err
	}
	defer os.RemoveAll(tmp)
	args := []string{"train", filepath.Join(c.data, cs.File), "--width", fmt.Sprint(cs.Width),
		"--loss", cs.Loss, "-o", filepath.Join(tmp, "net.json"), "--json"}
	if cs.Bias {
		args = append(args, "--output-bias")
	}
	var times, cpus []float64
	for range max(reps, 1) {
		m, el, err := runJSON(ctx, c.timeout, c.relucid, args...)
		if err != nil {
			return 0, el, false, nil, err
		}
		v, ok := num(m, "objective")
		if !ok {
			return 0, el, false, nil, errors.New("relucid printed no objective")
		}
		obj = v
		times = append(times, el)
		cpus = append(cpus, certField(m, cpuKey))
		cert = certified(m)
		last = m
	}
	last[cpuKey] = median(cpus)
	return obj, median(times), cert, last, nil
}

// exactLib is exactRunJSON through erm.Train in-process; the certificate is
// returned as a JSON-like map so both paths are read the same way.
func exactLib(ctx context.Context, c config, cs Case, reps int) (obj, secs float64, cert bool, last map[string]any, err error) {
	X, Y, err := loadCSV(filepath.Join(c.data, cs.File))
	if err != nil {
		return 0, 0, false, nil, err
	}
	loss, err := erm.ParseLoss(cs.Loss)
	if err != nil {
		return 0, 0, false, nil, err
	}
	p := erm.Problem{X: X, Y: Y, Width: cs.Width, Loss: loss, OutputBias: cs.Bias}
	var times, cpus []float64
	for range max(reps, 1) {
		tctx, cancel := context.WithTimeout(ctx, c.timeout)
		start, cpu0 := time.Now(), selfCPU()
		res, err := erm.Train(tctx, p, erm.Options{})
		el := time.Since(start).Seconds()
		cpus = append(cpus, selfCPU()-cpu0)
		cancel()
		if err != nil {
			return 0, el, false, nil, fmt.Errorf("erm.Train: %w", err)
		}
		times = append(times, el)
		obj, cert = res.Objective, res.Certificate.Certified
		b, _ := json.Marshal(res.Certificate)
		last = nil
		json.Unmarshal(b, &last)
	}
	last[cpuKey] = median(cpus)
	return obj, median(times), cert, last, nil
}

// certField finds a numeric field at the top level or inside "certificate".
func certField(m map[string]any, key string) float64 {
	if v, ok := num(m, key); ok {
		return v
	}
	if cm, ok := m["certificate"].(map[string]any); ok {
		if v, ok := num(cm, key); ok {
			return v
		}
	}
	return math.NaN()
}

// certified finds "certified" at the top level or inside "certificate".
func certified(m map[string]any) bool {
	if b, ok := m["certified"].(bool); ok {
		return b
	}
	if cm, ok := m["certificate"].(map[string]any); ok {
		if b, ok := cm["certified"].(bool); ok {
			return b
		}
	}
	return false
}

func measure(ctx context.Context, c config, cs Case, stderr io.Writer) Row {
	r := Row{Case: cs}
	path := filepath.Join(c.data, cs.File)
	X, Y, err := loadCSV(path)
	if err != nil {
		r.ExactErr = err.Error()
		r.Problems = append(r.Problems, err.Error())
		return r
	}
	r.D, r.N = len(X), len(X[0])
	fmt.Fprintf(stderr, "%s w=%d %s ...\n", cs.Name, cs.Width, cs.Loss)
	r.Exact, r.ExactS, r.ExactCPU, r.ExactCertified, err = exactRun(ctx, c, cs, c.reps)
	if err != nil {
		r.ExactErr = err.Error()
		r.Exact = math.NaN()
	}

	loss, _ := gd.ParseLoss(cs.Loss)
	p := &gd.Problem{X: X, Y: Y, Width: cs.Width, Loss: loss, OutputBias: cs.Bias}
	start, cpu0 := time.Now(), selfCPU()
	res, err := gd.Fit(ctx, p, gd.Options{Restarts: c.restarts, Iters: c.iters, Seed: 1})
	r.GoGDS, r.GoGDCPU = time.Since(start).Seconds(), selfCPU()-cpu0
	if err == nil {
		r.GoGD = res.Objectives
	}

	if !c.noTorch {
		args := []string{filepath.Join(c.benchDir, "gd_torch.py"), path, "--width", fmt.Sprint(cs.Width),
			"--loss", cs.Loss, "--restarts", fmt.Sprint(c.restarts), "--iters", fmt.Sprint(c.iters)}
		if cs.Bias {
			args = append(args, "--output-bias")
		}
		m, _, err := runJSON(ctx, c.timeout, c.python, args...)
		if err != nil {
			r.TorchErr = err.Error()
		} else {
			r.TorchS, _ = num(m, "time_s")
			r.TorchCPU, _ = num(m, "cpu_s")
			for _, v := range m["objectives"].([]any) {
				r.Torch = append(r.Torch, v.(float64))
			}
		}
	}

	if cs.RunMILP {
		args := []string{filepath.Join(c.benchDir, "milp_highs.py"), path, "--width", fmt.Sprint(cs.Width),
			"--loss", cs.Loss, "--time-limit", fmt.Sprint(c.timeout.Seconds())}
		if cs.Bias {
			args = append(args, "--output-bias")
		}
		var times, cpus []float64
		for range max(c.reps, 1) {
			m, _, err := runJSON(ctx, c.timeout+time.Minute, c.python, args...)
			if err != nil {
				r.MILPErr = err.Error()
				r.MILP = math.NaN()
				break
			}
			r.MILP, _ = num(m, "objective")
			t, _ := num(m, "time_s")
			times = append(times, t)
			t, _ = num(m, "cpu_s")
			cpus = append(cpus, t)
			r.MILPCertified, _ = m["certified"].(bool)
			r.MILPBoundU, _ = num(m, "U")
		}
		r.MILPS, r.MILPCPU = median(times), median(cpus)
	}
	r.Problems = append(r.Problems, consistency(&r)...)
	return r
}

// consistency lists contradictions between the exact optimum and the
// baselines: every baseline objective is the loss of a real net, so none may
// lie below a certified optimum; HiGHS must reach it.
func consistency(r *Row) []string {
	var ps []string
	if r.ExactErr != "" {
		return []string{"relucid: " + r.ExactErr}
	}
	below := func(v float64) bool { return v < r.Exact-BelowTol*math.Max(math.Abs(r.Exact), 1) }
	for name, vs := range map[string][]float64{"Go GD": r.GoGD, "torch GD": r.Torch} {
		for i, v := range vs {
			if below(v) {
				ps = append(ps, fmt.Sprintf("%s restart %d objective %.12g below relucid's optimum %.12g", name, i, v, r.Exact))
			}
		}
	}
	if r.MILP == r.MILP && r.MILPErr == "" && r.MILPCertified {
		if below(r.MILP) {
			ps = append(ps, fmt.Sprintf("HiGHS objective %.12g below relucid's optimum %.12g", r.MILP, r.Exact))
		}
		if math.Abs(r.MILP-r.Exact) > AgreeRel*math.Max(math.Abs(r.Exact), 1) {
			ps = append(ps, fmt.Sprintf("HiGHS objective %.12g differs from relucid's %.12g (box bound U = %g)", r.MILP, r.Exact, r.MILPBoundU))
		}
	}
	if !r.ExactCertified {
		ps = append(ps, "relucid did not report a certified optimum")
	}
	return ps
}

// gapStats returns the fraction of restarts above the optimum by more than
// AboveRel, and the median and maximum relative gap among those.
func gapStats(vs []float64, opt float64) (frac, med, mx float64) {
	if len(vs) == 0 || opt != opt {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var gaps []float64
	den := math.Max(math.Abs(opt), objFloor)
	for _, v := range vs {
		if g := (v - opt) / den; g > AboveRel {
			gaps = append(gaps, g)
		}
	}
	frac = float64(len(gaps)) / float64(len(vs))
	if len(gaps) == 0 {
		return frac, 0, 0
	}
	return frac, median(gaps), slices.Max(gaps)
}

func fmtS(v float64) string {
	switch {
	case v != v:
		return "—"
	case v < 0.01:
		return fmt.Sprintf("%.4f", v)
	case v < 10:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// timeCell is the time of a baseline, or a dash if it produced nothing.
func timeCell(secs, cpu float64, vs []float64) string {
	if len(vs) == 0 {
		return "—"
	}
	return wallCPU(secs, cpu)
}

// wallCPU formats "wall (cpu)" seconds.
func wallCPU(wall, cpu float64) string {
	if cpu != cpu || cpu == 0 {
		return fmtS(wall)
	}
	return fmtS(wall) + " (" + fmtS(cpu) + ")"
}

func fmtObj(v float64) string {
	if v != v {
		return "—"
	}
	return fmt.Sprintf("%.6g", v)
}

func fmtCount(v float64) string {
	if v != v {
		return "—"
	}
	if v >= 1e7 {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// aboveCell is "k/R" restarts above the optimum, with the median relative
// gap of those k.
func aboveCell(vs []float64, opt float64) string {
	f, med, _ := gapStats(vs, opt)
	if f != f {
		return "—"
	}
	k := int(math.Round(f * float64(len(vs))))
	if k == 0 {
		return fmt.Sprintf("0/%d", len(vs))
	}
	return fmt.Sprintf("%d/%d (%s)", k, len(vs), fmtPct(med))
}

// bestGap is the relative gap of the best restart.
func bestGap(vs []float64, opt float64) string {
	if len(vs) == 0 || opt != opt {
		return "—"
	}
	return fmtPct((slices.Min(vs) - opt) / math.Max(math.Abs(opt), objFloor))
}

func fmtPct(g float64) string {
	switch {
	case math.Abs(g) < 1e-4:
		return "<0.01%"
	case g < 0.1:
		return fmt.Sprintf("%.2f%%", 100*g)
	case g < 10:
		return fmt.Sprintf("%.0f%%", 100*g)
	}
	return fmt.Sprintf("%.3g×", g+1)
}

func printBaselines(w io.Writer, rows []Row, c config) {
	fmt.Fprintf(w, "| instance | loss | w | optimum (relucid) | relucid s (CPU) | HiGHS s (CPU) | HiGHS / relucid (CPU) | Go GD s (CPU) | Go best | Go above | torch s (CPU) | torch best | torch above |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		loss := r.Loss
		if r.Bias {
			loss += "+bias"
		}
		milpS, ratio := "—", "—"
		if r.RunMILP {
			milpS = wallCPU(r.MILPS, r.MILPCPU)
			switch {
			case r.MILPErr != "":
				milpS = "error"
			case !r.MILPCertified:
				milpS += " (not certified)"
			case r.ExactErr == "" && math.Abs(r.MILP-r.Exact) > AgreeRel*math.Max(math.Abs(r.Exact), 1):
				milpS += fmt.Sprintf(" (obj %s ≠)", fmtObj(r.MILP))
			}
			if r.ExactErr == "" && r.ExactS > 0 && r.MILPS == r.MILPS {
				ratio = fmt.Sprintf("%.1f×", r.MILPS/r.ExactS)
				if r.ExactCPU > 0 && r.MILPCPU > 0 {
					ratio += fmt.Sprintf(" (%.1f×)", r.MILPCPU/r.ExactCPU)
				}
			}
		}
		ex := fmtObj(r.Exact)
		if r.ExactErr != "" {
			ex = "error"
		} else if !r.ExactCertified {
			ex += " (not certified)"
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Name, loss, r.Width, ex, wallCPU(r.ExactS, r.ExactCPU), milpS, ratio,
			timeCell(r.GoGDS, r.GoGDCPU, r.GoGD), bestGap(r.GoGD, r.Exact), aboveCell(r.GoGD, r.Exact),
			timeCell(r.TorchS, r.TorchCPU, r.Torch), bestGap(r.Torch, r.Exact), aboveCell(r.Torch, r.Exact))
	}
	fmt.Fprintf(w, "\nGD: %d restarts × %d full-batch Adam iterations (lr 0.01, cosine decay to 1e-4), PyTorch default init. "+
		"Times are wall-clock seconds with process CPU seconds (all threads) in parentheses; relucid includes process start-up, the Python scripts exclude interpreter start-up and imports. "+
		"\"best\": relative gap of the best restart to the optimum; \"above\": restarts whose best objective exceeds the optimum by more than %g relative, "+
		"with their median relative gap. HiGHS s counts all w+1 sign multisets; its objective equals relucid's on every row unless marked ≠.\n",
		c.restarts, c.iters, AboveRel)
	var probs []string
	for _, r := range rows {
		for _, p := range r.Problems {
			probs = append(probs, fmt.Sprintf("%s w=%d %s: %s", r.Name, r.Width, r.Loss, p))
		}
		if r.TorchErr != "" {
			probs = append(probs, fmt.Sprintf("%s w=%d: torch: %s", r.Name, r.Width, r.TorchErr))
		}
	}
	if len(probs) > 0 {
		fmt.Fprintln(w, "\nProblems:")
		for _, p := range probs {
			fmt.Fprintln(w, "- "+p)
		}
	}
	fmt.Fprintln(w)
}

func goals(ctx context.Context, c config, w, stderr io.Writer) []Row {
	reps := max(c.reps, 3)
	fmt.Fprintf(w, "| goal | instance | w | relucid s, wall (CPU), median of %d | objective | certified | met | brute-force programs | programs solved | nodes pruned |\n|---|---|---|---|---|---|---|---|---|---|\n", reps)
	var rows []Row
	for _, cs := range suite("goals") {
		fmt.Fprintf(stderr, "goal %s w=%d ...\n", cs.Name, cs.Width)
		r := Row{Case: cs}
		var err error
		var m map[string]any
		r.Exact, r.ExactS, r.ExactCertified, m, err = exactRunJSON(ctx, c, cs, reps)
		met := "no"
		if err != nil {
			r.ExactErr = err.Error()
			met = "error: " + err.Error()
		} else if r.ExactS < cs.Limit && r.ExactCertified {
			met = "yes"
		}
		fmt.Fprintf(w, "| < %g s | %s | %d | %s | %s | %v | %s | %s | %s | %s |\n", cs.Limit, cs.Name, cs.Width,
			wallCPU(r.ExactS, certField(m, cpuKey)), fmtObj(r.Exact), r.ExactCertified, met,
			fmtCount(certField(m, "subproblems_bruteforce")), fmtCount(certField(m, "subproblems_solved")),
			fmtCount(certField(m, "subproblems_pruned")))
		rows = append(rows, r)
	}
	fmt.Fprintln(w)
	return rows
}

// enumRates times erm.Dichotomies on T6 (Gaussian points) and checks the
// count against Cover's formula.
func enumRates(ctx context.Context, c config, w io.Writer) {
	fmt.Fprintf(w, "| T6 | D | n | dichotomies | Cover's count | equal | time s (median of 5) | dichotomies / s |\n|---|---|---|---|---|---|---|---|\n")
	for _, in := range []struct{ d, n int }{{50, 2}, {200, 1}, {200, 2}, {400, 2}, {100, 3}, {50, 4}} {
		ds := datagen.T6(1, in.d, in.n)
		var times []float64
		var count int
		for range 5 {
			start := time.Now()
			dich, err := erm.Dichotomies(ctx, ds.X)
			if err != nil {
				fmt.Fprintf(w, "| T6 | %d | %d | error: %v |||||\n", in.d, in.n, err)
				break
			}
			times = append(times, time.Since(start).Seconds())
			count = len(dich)
		}
		if len(times) == 0 {
			continue
		}
		cov := erm.CoverCount(in.d, in.n)
		t := median(times)
		fmt.Fprintf(w, "| T6 | %d | %d | %d | %s | %v | %s | %.3g |\n", in.d, in.n, count, cov, cov.IsInt64() && cov.Int64() == int64(count), fmtS(t), float64(count)/t)
	}
	fmt.Fprintln(w)
}
