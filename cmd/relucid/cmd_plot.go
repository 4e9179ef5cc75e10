package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relucid/relucid/bench/gd"
	"github.com/relucid/relucid/bound"
	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/plot"
	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// Drawing constants of the figures drawn here (plot's own are unexported).
const (
	plotFont = 12 // label size in pixels, as plot's axes use
	// reachRelTol is how close (relative, at least absolute for |opt| < 1)
	// a restart's objective must come to the certified optimum to count as
	// reaching it; the same 1e-6 as plot.TrainingPlot uses, far above the
	// rounding of a float64 sum of a few thousand losses (~1e-13 relative)
	// and far below the gaps between distinct local minima one cares about.
	reachRelTol = 1e-6
	// belowRelTol is how far below the certified optimum a restart may end
	// before it is reported as contradicting the certificate: erm.VerifyTol,
	// the solvers' tolerance on the optimum.
	belowRelTol = 1e-7
	// measureMaxPieces limits the hard-family members whose pieces the
	// depth chart measures with the exact engine: 4096 pieces take a few
	// tens of milliseconds in rational arithmetic.
	measureMaxPieces = 4096
	// maxChartDepth bounds --kmax so w^k stays far inside int64 and float64.
	maxChartDepth = 40
)

func cmdPlot() command {
	return command{
		name: "plot",
		args: "NET.json|NET.onnx -o F.svg|F.png [--domain A:B] [--through X0 --dir D] [--output J]\n" +
			"       relucid plot --train DATA.csv --cert CERT.json -o F.svg|F.png [--restarts R] [--seed S]\n" +
			"       relucid plot --chart depth -o F.svg|F.png [--w W] [--kmax K]",
		summary: "draw a net's exact 1-D function, a training result or a depth chart (SVG/PNG)",
		help: `Draws a picture as SVG or PNG, chosen by the extension of -o; the file is
written atomically (nothing is left behind on an error).

Function (NET.json or NET.onnx): the exact continuous piecewise linear
function of an R→R net, computed by package pwl (certified float64 with
exact rational fallback; never by sampling). Between breakpoints the
function is affine, so the drawn polyline through the breakpoints is the
exact graph. Every breakpoint is marked and the title gives the number of
pieces. Without --domain the window shows every breakpoint of the whole
real line (their span widened by a quarter each side). A net with n > 1
inputs is drawn on the line X0 + t·D (--through, --dir); a net with several
outputs needs --output J.

Training (--train DATA.csv --cert CERT.json, the certificate written by
"relucid train --cert"): R gradient-descent restarts (package bench/gd,
Adam from PyTorch's default initialisation, seeded) are run on the same
problem, and their objectives are drawn against the certified optimum. For
1-D data the data points and the optimal net's exact function are drawn
beside them; for data with more inputs only the objective comparison.
The certificate must belong to DATA.csv (its sha256 is checked) and have no
weight decay (the baseline minimises the plain loss).

Depth chart (--chart depth): pieces against depth k (hidden layers) on a
log scale for the hard sawtooth family H_k of width W: its pieces from the
formula of Lemma B.1 (W^k teeth, W^k + 1 or W^k + 2 pieces), the same
counted by the exact engine for members with at most 4096 pieces, the
Lemma D.5 bound 2^(k-1)(W+1)W^(k-1) for its widths, and the least width
p-1 of a one-hidden-layer net computing it (Theorem 2.2; H has a piece of
slope 0, so p-1 units suffice).

example:
  echo '{"layers": [{"weight": [[1], [1]], "bias": [0, -0.5]}, {"weight": [[2, -4]]}]}' > zigzag.json
  relucid plot zigzag.json -o zigzag.svg --domain -0.5:1.5
  relucid plot net2d.onnx -o slice.png --through 0,0 --dir 1,1
  printf 'x,y\n-1,1\n0,0\n1,1\n' > v.csv
  relucid train v.csv --width 1 -o net.json --cert v.cert.json
  relucid plot --train v.csv --cert v.cert.json -o train.svg --restarts 30
  relucid plot --chart depth -o depth.png --w 3 --kmax 8`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			out := fs.String("o", "", "output `file`, .svg or .png (required)")
			domain := fs.String("domain", "", "function: draw on `A:B` (A < B) only")
			through := fs.String("through", "", "function, n-D nets: the point `X0` (comma separated) of the line")
			dir := fs.String("dir", "", "function, n-D nets: the direction `D` (comma separated) of the line")
			output := fs.Int("output", -1, "function, nets with several outputs: the output `J` (0-based)")
			train := fs.String("train", "", "training plot: the data `DATA.csv`")
			cert := fs.String("cert", "", "training plot: the certificate `CERT.json` of relucid train --cert")
			restarts := fs.Int("restarts", 20, "training plot: gradient-descent restarts `R`")
			seed := fs.Uint64("seed", 1, "training plot: seed of the restarts")
			chart := fs.String("chart", "", "draw a chart: `depth` (pieces against depth)")
			w := fs.Int("w", 2, "depth chart: width `W` ≥ 2 of every hidden layer")
			kmax := fs.Int("kmax", 10, "depth chart: largest depth `K`")
			return func(e *env, args []string) error {
				if *out == "" {
					return usagef("missing -o F.svg or -o F.png")
				}
				format, err := plotFormat(*out)
				if err != nil {
					return err
				}
				var c *plot.Canvas
				var summary string
				switch {
				case *chart != "":
					if len(args) > 0 || *train != "" || *cert != "" {
						return usagef("--chart takes no NET.json, --train or --cert")
					}
					if *chart != "depth" {
						return usagef("--chart %q: the only chart is \"depth\"", *chart)
					}
					c, summary, err = depthChart(e.ctx, *w, *kmax)
				case *train != "" || *cert != "":
					if *train == "" || *cert == "" {
						return usagef("a training plot needs both --train DATA.csv and --cert CERT.json")
					}
					if len(args) > 0 {
						return usagef("unexpected argument %q with --train", args[0])
					}
					if *restarts < 1 {
						return usagef("--restarts %d: need R ≥ 1", *restarts)
					}
					c, summary, err = trainingFigure(e.ctx, *train, *cert, *restarts, *seed)
				default:
					if err := needArgs(args, 1, "NET.json (or --train, --chart)"); err != nil {
						return err
					}
					var fig *functionFig
					fig, err = netFunctionFigure(e.ctx, args[0], *domain, *through, *dir, *output)
					if err == nil {
						c = fig.canvas
						summary = fmt.Sprintf("%d pieces, %d breakpoints marked", fig.pieces, len(fig.breakpoints))
					}
				}
				if err != nil {
					return err
				}
				data, err := encodeCanvas(c, format)
				if err != nil {
					return fmt.Errorf("%s: %w", *out, err)
				}
				if err := relu.WriteFileAtomic(*out, data); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %s: %s\n", *out, summary)
				return nil
			}
		},
	}
}

// plotFormat returns "svg" or "png" from the output file's extension.
func plotFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg":
		return "svg", nil
	case ".png":
		return "png", nil
	default:
		return "", usagef("-o %s: the output must end in .svg or .png", path)
	}
}

func encodeCanvas(c *plot.Canvas, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = c.WritePNG(&b)
	} else {
		err = c.WriteSVG(&b)
	}
	return b.Bytes(), err
}

// functionFig is a drawn 1-D function with what was marked on it.
type functionFig struct {
	canvas      *plot.Canvas
	frame       *plot.Frame
	pieces      int
	breakpoints []float64 // the marked breakpoints, ascending
	lo, hi      float64   // the window drawn
}

// netFunctionFigure loads a net, restricts it to a line and an output as
// asked, and draws its exact function.
func netFunctionFigure(ctx context.Context, path, domain, through, dir string, output int) (*functionFig, error) {
	net, err := loadNet(path)
	if err != nil {
		return nil, err
	}
	var opt pwl.Options
	if domain != "" {
		a, b, err := parseDomain(domain)
		if err != nil {
			return nil, err
		}
		opt.Domain = true
		opt.ARat, opt.BRat = a, b
		opt.A, _ = a.Float64()
		opt.B, _ = b.Float64()
	}
	sliced := through != "" || dir != ""
	if net, err = restrictNet(net, path, through, dir, output); err != nil {
		return nil, err
	}
	f, info, err := pwl.Extract(ctx, net, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	title := shortName(path)
	xlabel, ylabel := "x", "f(x)"
	if sliced {
		title += " on a line"
		x0 := through
		if x0 == "" {
			x0 = "0"
		}
		xlabel, ylabel = fmt.Sprintf("t, on x0 + t·d with x0 = (%s), d = (%s)", x0, dir), "f(x0 + t·d)"
	}
	return functionFigure(f, info.Pieces, opt.Domain, opt.A, opt.B, title, xlabel, ylabel)
}

// functionFigure draws f, whose knots are exactly its breakpoints when it
// has more than one piece (as pwl.Extract returns it), on [a, b] when
// hasDomain and otherwise on a window holding every breakpoint.
//
// It draws the graph itself rather than with plot.FunctionPlot, which
// re-derives breakpoints by comparing float64 slopes of adjacent knots and
// could merge two pieces whose slopes differ by less than a rounding: here
// the marks and the count are pwl's certified ones.
func functionFigure(f *pwl.Func, pieces int, hasDomain bool, a, b float64, title, xlabel, ylabel string) (*functionFig, error) {
	var bps []float64
	if pieces > 1 {
		if len(f.X) != pieces-1 {
			return nil, fmt.Errorf("internal error: %d pieces but %d knots", pieces, len(f.X))
		}
		bps = f.X
	}
	lo, hi := a, b
	if !hasDomain {
		switch len(bps) {
		case 0:
			lo, hi = f.X[0]-1, f.X[0]+1
		case 1:
			lo, hi = bps[0]-1, bps[0]+1
		default:
			span := bps[len(bps)-1] - bps[0]
			lo, hi = bps[0]-span/4, bps[len(bps)-1]+span/4
		}
	}
	// The vertices of the graph: the window's ends and the knots inside.
	xs := []float64{lo}
	for _, x := range bps {
		if x > lo && x < hi {
			xs = append(xs, x)
		}
	}
	xs = append(xs, hi)
	ys := make([]float64, len(xs))
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for i, x := range xs {
		ys[i] = f.Eval(x)
		ymin, ymax = math.Min(ymin, ys[i]), math.Max(ymax, ys[i])
	}
	ylo, yhi := padded(ymin, ymax, 0.08)
	where := "R"
	if hasDomain {
		where = fmt.Sprintf("[%s, %s]", plot.FormatTick(a, false), plot.FormatTick(b, false))
	}
	noun := "pieces"
	if pieces == 1 {
		noun = "piece"
	}
	c := plot.NewCanvas(720, 440)
	fr, err := plot.NewFrame(c, 0, 0, 720, 440, plot.Axis{Min: lo, Max: hi, Label: xlabel},
		plot.Axis{Min: ylo, Max: yhi, Label: ylabel}, fmt.Sprintf("%s: %d %s on %s", title, pieces, noun, where))
	if err != nil {
		return nil, err
	}
	pts := make([]float64, 0, 2*len(xs))
	for i := range xs {
		pts = append(pts, fr.Px(xs[i]), fr.Py(ys[i]))
	}
	c.Line(plot.Style{Stroke: plot.Blue, Width: 2}, pts...)
	// Shrink the marks when there are many, so the curve stays visible.
	r := 3.5
	switch n := len(bps); {
	case n > 2000:
		r = 1.2
	case n > 200:
		r = 2
	}
	for _, x := range bps {
		c.Circle(plot.Style{Stroke: plot.Red, Fill: plot.White, Width: 1.5}, fr.Px(x), fr.Py(f.Eval(x)), r)
	}
	c.Text(plot.Black, fr.Left+8, fr.Top+plotFont+4, plotFont, plot.Start,
		fmt.Sprintf("%d breakpoints (exact, marked)", len(bps)))
	return &functionFig{canvas: c, frame: fr, pieces: pieces, breakpoints: bps, lo: lo, hi: hi}, nil
}

// padded widens [lo, hi] by frac of its length each side, or opens a
// degenerate range around its value.
func padded(lo, hi, frac float64) (float64, float64) {
	if d := hi - lo; d > 0 {
		return lo - frac*d, hi + frac*d
	}
	d := math.Max(math.Abs(lo)*0.1, 1)
	return lo - d, hi + d
}

// trainingFigure draws a certified training result against R restarts of
// gradient descent on the same problem.
func trainingFigure(ctx context.Context, dataPath, certPath string, restarts int, seed uint64) (*plot.Canvas, string, error) {
	X, Y, sum, err := loadData(dataPath)
	if err != nil {
		return nil, "", err
	}
	d, err := readDoc(certPath)
	if err != nil {
		return nil, "", err
	}
	if d.Objective == nil || len(d.Net) == 0 {
		return nil, "", fmt.Errorf("%s: certificate holds no net (a shard without work? merge the shards first)", certPath)
	}
	if d.DataSHA256 != "" && d.DataSHA256 != sum {
		return nil, "", fmt.Errorf("%s is not the data %s was made for (sha256 differs)", dataPath, certPath)
	}
	if d.Inputs != 0 && d.Inputs != len(X[0]) {
		return nil, "", fmt.Errorf("%s: certificate is for %d inputs, %s has %d", certPath, d.Inputs, dataPath, len(X[0]))
	}
	if d.WeightDecay != 0 {
		return nil, "", fmt.Errorf("%s: weight decay %g: the gradient-descent baseline minimises the plain loss, so the objectives are not comparable", certPath, d.WeightDecay)
	}
	net, err := relu.Decode(bytes.NewReader(d.Net))
	if err != nil {
		return nil, "", fmt.Errorf("%s: net: %w", certPath, err)
	}
	if net.InputDim() != len(X[0]) || net.OutputDim() != 1 {
		return nil, "", fmt.Errorf("%s: the net maps R^%d to R^%d, the data has %d inputs", certPath, net.InputDim(), net.OutputDim(), len(X[0]))
	}
	loss, err := gd.ParseLoss(d.LossFunction)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", certPath, err)
	}
	if !d.Certified {
		return nil, "", fmt.Errorf("%s: the certificate says it is not certified (interrupted or a single shard); its objective is no optimum", certPath)
	}
	res, err := gd.Fit(ctx, &gd.Problem{X: X, Y: Y, Width: d.Width, Loss: loss, OutputBias: d.OutputBias},
		gd.Options{Restarts: restarts, Seed: seed})
	if err != nil {
		return nil, "", fmt.Errorf("gradient-descent restarts: %w", err)
	}
	opt := *d.Objective
	objs := res.Objectives
	for r, v := range objs {
		if v < opt-belowRelTol*math.Max(1, math.Abs(opt)) {
			return nil, "", fmt.Errorf("%s: restart %d reached objective %.17g below the certified optimum %.17g: the certificate is wrong", certPath, r, v, opt)
		}
	}
	hits := 0
	for _, v := range objs {
		if v <= opt+reachRelTol*math.Max(1, math.Abs(opt)) {
			hits++
		}
	}
	summary := fmt.Sprintf("optimum %.10g; %d of %d gradient-descent restarts reach it (best restart %.10g)", opt, hits, len(objs), res.Objective)
	title := fmt.Sprintf("%s: width %d, %s loss", shortName(dataPath), d.Width, d.LossFunction)
	if len(X[0]) == 1 {
		f, err := pwl.FromNet(ctx, net)
		if err != nil {
			return nil, "", fmt.Errorf("%s: net: %w", certPath, err)
		}
		xs := make([]float64, len(X))
		for i := range X {
			xs[i] = X[i][0]
		}
		c, err := plot.TrainingPlot(plot.Training{X: xs, Y: Y, Fit: plot.Function{X: f.X, Y: f.Y, SL: f.SL, SR: f.SR},
			Optimum: opt, Restarts: objs}, plot.Options{Title: title})
		if err != nil {
			return nil, "", err
		}
		return c, summary, nil
	}
	c, err := objectiveChart(objs, opt, fmt.Sprintf("%s (%d inputs)", title, len(X[0])))
	if err != nil {
		return nil, "", err
	}
	return c, summary, nil
}

// shortName is a file's base name, shortened to fit a title.
func shortName(path string) string {
	const max = 28
	b := []rune(filepath.Base(path))
	if len(b) > max {
		return string(b[:max-3]) + "..."
	}
	return string(b)
}

// sig rounds v to 6 significant digits for a title.
func sig(v float64) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	p := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// objectiveChart draws the restart objectives, sorted, as dots against the
// optimum as a dashed line: green dots reached it, orange ones stalled.
func objectiveChart(objs []float64, opt float64, title string) (*plot.Canvas, error) {
	s := append([]float64(nil), objs...)
	sort.Float64s(s)
	lo, hi := opt, opt
	for _, v := range s {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	lo, hi = padded(lo, hi, 0.1)
	c := plot.NewCanvas(720, 440)
	fr, err := plot.NewFrame(c, 0, 0, 720, 440, plot.Axis{Min: 0.5, Max: float64(len(s)) + 0.5, Label: "restart (sorted by objective)"},
		plot.Axis{Min: lo, Max: hi, Label: "objective"}, title)
	if err != nil {
		return nil, err
	}
	py := fr.Py(opt)
	c.Line(plot.Style{Stroke: plot.Green, Width: 2, Dash: 6}, fr.Left, py, fr.Left+fr.Width, py)
	hits := 0
	for i, v := range s {
		col := plot.Orange
		if v <= opt+reachRelTol*math.Max(1, math.Abs(opt)) {
			col, hits = plot.Green, hits+1
		}
		c.Circle(plot.Style{Fill: col}, fr.Px(float64(i+1)), fr.Py(v), 3.5)
	}
	c.Text(plot.Black, fr.Left+8, fr.Top+plotFont+4, plotFont, plot.Start,
		fmt.Sprintf("certified optimum (dashed) %s; %d of %d restarts reach it", plot.FormatTick(sig(opt), false), hits, len(s)))
	return c, nil
}

// depthSeries holds the values of the depth chart, k = 1..kmax.
type depthSeries struct {
	K        []float64
	Pieces   []float64 // H_k, Lemma B.1
	Bound    []float64 // Lemma D.5 for widths (w, …, w)
	Shallow  []float64 // p − 1, Theorem 2.2
	MeasK    []float64 // the k measured
	Measured []float64 // pieces counted by pwl's exact engine
}

// depthData computes the depth chart's values; members of H with at most
// measureMaxPieces pieces are counted by the exact engine and must agree
// with Lemma B.1.
func depthData(ctx context.Context, w, kmax int) (*depthSeries, error) {
	if w < 2 || w > 1000 {
		return nil, usagef("--w %d: need 2 ≤ W ≤ 1000", w)
	}
	if kmax < 1 || kmax > maxChartDepth {
		return nil, usagef("--kmax %d: need 1 ≤ K ≤ %d", kmax, maxChartDepth)
	}
	if float64(kmax)*math.Log10(float64(w)) > 15 {
		return nil, usagef("--w %d --kmax %d: W^K exceeds 1e15; choose a smaller K", w, kmax)
	}
	var s depthSeries
	for k := 1; k <= kmax; k++ {
		h, err := hard.Sawtooth(k, w)
		if err != nil {
			return nil, err
		}
		p, err := h.Pieces()
		if err != nil {
			return nil, err
		}
		b, err := bound.LemmaD5(h.Widths())
		if err != nil {
			return nil, err
		}
		s.K = append(s.K, float64(k))
		s.Pieces = append(s.Pieces, float64(p))
		s.Bound = append(s.Bound, b.Value)
		s.Shallow = append(s.Shallow, float64(p-1))
		if p <= measureMaxPieces {
			r, err := pwl.FromNetRat(ctx, h.Net())
			if err != nil {
				return nil, fmt.Errorf("measuring H_%d: %w", k, err)
			}
			m := r.NumPieces()
			if int64(m) != p {
				return nil, fmt.Errorf("H_%d (width %d): the exact engine counts %d pieces, Lemma B.1 says %d", k, w, m, p)
			}
			s.MeasK = append(s.MeasK, float64(k))
			s.Measured = append(s.Measured, float64(m))
		}
	}
	return &s, nil
}

func depthChart(ctx context.Context, w, kmax int) (*plot.Canvas, string, error) {
	s, err := depthData(ctx, w, kmax)
	if err != nil {
		return nil, "", err
	}
	series := []plot.Series{
		{Name: "Lemma D.5 bound 2^(k-1)(w+1)w^(k-1)", X: s.K, Y: s.Bound},
		{Name: "H_k pieces, Lemma B.1 (w^k + 1 or + 2)", X: s.K, Y: s.Pieces},
		{Name: "min. 1-hidden-layer width p-1 (Thm 2.2)", X: s.K, Y: s.Shallow},
	}
	if len(s.MeasK) > 0 {
		series = append(series, plot.Series{Name: "H_k pieces counted exactly (pwl)", X: s.MeasK, Y: s.Measured})
	}
	c, err := plot.LineChart(series, plot.ChartOptions{
		Options: plot.Options{Title: fmt.Sprintf("pieces against depth, sawtooth width w = %d", w), XLabel: "depth k (hidden layers)",
			YLabel: "pieces", Width: 720, Height: 440},
		LogY: true,
	})
	if err != nil {
		return nil, "", err
	}
	return c, fmt.Sprintf("depth 1..%d, width %d; %d members counted exactly", kmax, w, len(s.MeasK)), nil
}
