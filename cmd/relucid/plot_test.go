package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/pwl"
)

// The -update flag rewrites the golden files under testdata/plot. It is
// registered in init, after every package-level variable, so that another
// test file of this package may declare the same flag without a clash.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenFile compares got with testdata/plot/name (rewritten with -update).
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "plot", name)
	if updateGolden() {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -run Plot -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -run Plot -update if the change is intended)", p)
	}
}

// plotRun runs "relucid plot args..." expecting success and returns the
// written file.
func plotRun(t *testing.T, out string, args ...string) []byte {
	t.Helper()
	code, stdout, stderr := runP(t, append([]string{"plot", "-o", out}, args...)...)
	if code != 0 {
		t.Fatalf("plot %v: exit %d: %s", args, code, stderr)
	}
	if !strings.HasPrefix(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trainCert trains a tiny data set with relucid train and returns the
// paths of the data and the certificate.
func trainCert(t *testing.T, csv string, width int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(data, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cert := filepath.Join(dir, "cert.json")
	code, _, stderr := runP(t, "train", data, "--width", strconv.Itoa(width), "--cert", cert)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	return data, cert
}

// tinyCSV is four points no width-1 net without output bias fits exactly.
const tinyCSV = "x,y\n-1,1\n0,0\n1,1\n2,3\n"

func TestPlotGolden(t *testing.T) {
	dir := t.TempDir()
	data, cert := trainCert(t, tinyCSV, 1)
	cases := []struct {
		name string
		args []string
	}{
		{"function.svg", []string{filepath.Join("..", "..", "testdata", "zigzag.json"), "--domain", "-0.5:1.5"}},
		{"training.svg", []string{"--train", data, "--cert", cert, "--restarts", "12"}},
		{"chart.svg", []string{"--chart", "depth", "--w", "2", "--kmax", "5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := plotRun(t, filepath.Join(dir, c.name), c.args...)
			// The data file's temporary path must not leak into the picture.
			if bytes.Contains(got, []byte(dir)) {
				t.Errorf("picture names the temporary directory")
			}
			goldenFile(t, c.name, got)
		})
	}
}

// circle matches the breakpoint marks: red stroke, white fill.
var markRE = regexp.MustCompile(`<circle cx="([-0-9.e+]+)" cy="([-0-9.e+]+)" r="[0-9.]+" fill="#ffffff" stroke="#d55e00"`)

// TestPlotBreakpointsArePWLs checks that the marked breakpoints are the
// exact breakpoints: the rational engine's (an independent computation
// from the float engine the plot uses), rounded to float64, and for the
// sawtooth also the family's own preimage recursion (package hard); the
// SVG holds exactly one mark per breakpoint, at its pixel position.
func TestPlotBreakpointsArePWLs(t *testing.T) {
	saw, err := hard.Sawtooth(3, 3) // breakpoints j/27, not float64 values
	if err != nil {
		t.Fatal(err)
	}
	sawPath := filepath.Join(t.TempDir(), "saw3.json")
	if err := saw.Net().WriteFile(sawPath); err != nil {
		t.Fatal(err)
	}
	third := tempFile(t, "third.json", `{"layers": [{"weight": [["1"], ["3"]], "bias": ["-1/3", "-2"]}, {"weight": [["1", "-1"]]}]}`)
	oneUnit := tempFile(t, "one.json", `{"layers": [{"weight": [[1]], "bias": [1]}, {"weight": [[2]], "bias": [-1]}]}`)
	// relu(x) − relu(−x) = x: two kinks at 0 that cancel, an affine function.
	affine := tempFile(t, "affine.json", `{"layers": [{"weight": [[1], [-1]], "bias": [0, 0]}, {"weight": [[1, -1]]}]}`)
	dead := tempFile(t, "dead.json", `{"layers": [{"weight": [[0]], "bias": [-1]}, {"weight": [[2]], "bias": [0.5]}]}`)
	// Two units kink at the same point 1/2 and cancel: no breakpoint there.
	cancel := tempFile(t, "cancel.json", `{"layers": [{"weight": [[1], [2], [1]], "bias": [-0.5, -1, 1]}, {"weight": [[2, -1, 1]]}]}`)
	// R² → R: |x| + |y| on the line (0, 0.25) + t(1, 1): kinks at t = 0, −1/4.
	net2 := tempFile(t, "net2.json", `{"layers": [{"weight": [[1, 0], [-1, 0], [0, 1], [0, -1]], "bias": [0, 0, 0, 0]}, {"weight": [[1, 1, 1, 1]]}]}`)
	zig := filepath.Join("..", "..", "testdata", "zigzag.json")
	cases := []struct {
		name, path, domain, through, dir string
		want                             int // breakpoints expected in the window (-1: skip)
	}{
		{"zigzag", zig, "", "", "", 2},
		{"zigzag on a domain holding one kink", zig, "0.25:2", "", "", 1},
		{"zigzag kink at the domain's end", zig, "0.5:2", "", "", 0},
		{"sawtooth 3x3", sawPath, "", "", "", -1},
		{"kink at 1/3", third, "", "", "", 2},
		{"one unit", oneUnit, "", "", "", 1},
		{"affine", affine, "", "", "", 0},
		{"affine on a domain", affine, "-2:-1", "", "", 0},
		{"dead unit", dead, "", "", "", 0},
		{"cancelling kinks", cancel, "", "", "", 1},
		{"2-D net on a line", net2, "", "0,0.25", "1,1", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fig, err := netFunctionFigure(context.Background(), c.path, c.domain, c.through, c.dir, -1)
			if err != nil {
				t.Fatal(err)
			}
			// Oracle: the rational engine on the same net and line.
			net, err := loadNet(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if net, err = restrictNet(net, c.path, c.through, c.dir, -1); err != nil {
				t.Fatal(err)
			}
			var r *pwl.Rat
			if c.domain != "" {
				a, b, _ := parseDomain(c.domain)
				r, err = pwl.FromNetRatOn(context.Background(), net, a, b)
			} else {
				r, err = pwl.FromNetRat(context.Background(), net)
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			for _, x := range r.Breakpoints() {
				f, _ := x.Float64()
				want = append(want, f)
			}
			if !eqF(fig.breakpoints, want) && !(len(fig.breakpoints) == 0 && len(want) == 0) {
				t.Fatalf("marked %v, exact breakpoints %v", fig.breakpoints, want)
			}
			if c.want >= 0 && len(want) != c.want {
				t.Fatalf("%d exact breakpoints, expected %d", len(want), c.want)
			}
			if fig.pieces != len(want)+1 {
				t.Errorf("title counts %d pieces for %d breakpoints", fig.pieces, len(want))
			}
			var svg bytes.Buffer
			if err := fig.canvas.WriteSVG(&svg); err != nil {
				t.Fatal(err)
			}
			marks := markRE.FindAllStringSubmatch(svg.String(), -1)
			if len(marks) != len(want) {
				t.Fatalf("%d marks in the SVG, %d breakpoints", len(marks), len(want))
			}
			for i, m := range marks {
				cx, _ := strconv.ParseFloat(m[1], 64)
				cy, _ := strconv.ParseFloat(m[2], 64)
				y, _ := r.Eval(new(big.Rat).SetFloat64(want[i])).Float64()
				// The SVG rounds coordinates to 0.01 px.
				if math.Abs(cx-fig.frame.Px(want[i])) > 0.006 || math.Abs(cy-fig.frame.Py(y)) > 0.006 {
					t.Errorf("mark %d at (%v, %v), breakpoint (%v, %v) is at pixel (%v, %v)", i, cx, cy, want[i], y, fig.frame.Px(want[i]), fig.frame.Py(y))
				}
			}
			if !strings.Contains(svg.String(), fmt.Sprintf(": %d piece", len(want)+1)) {
				t.Errorf("the title does not give the piece count %d", len(want)+1)
			}
		})
	}
	// The sawtooth's breakpoints from the family's own recursion: 0, the
	// w^k − 1 inside (0, 1), and 1 when H vanishes beyond 1 (not for w = 3).
	fig, err := netFunctionFigure(context.Background(), sawPath, "", "", "", -1)
	if err != nil {
		t.Fatal(err)
	}
	hb, err := saw.Breakpoints(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	hb = append([]*big.Rat{new(big.Rat)}, hb...)
	if saw.ZeroBeyondM() {
		hb = append(hb, big.NewRat(1, 1))
	}
	if len(hb) != len(fig.breakpoints) {
		t.Fatalf("hard: %d breakpoints, plot %d", len(hb), len(fig.breakpoints))
	}
	for i, x := range hb {
		if f, _ := x.Float64(); f != fig.breakpoints[i] {
			t.Errorf("breakpoint %d: hard %v, plot %v", i, x, fig.breakpoints[i])
		}
	}
}

// TestPlotONNX plots the same net from JSON and from ONNX (via export):
// the pictures are identical apart from the file name in the title.
func TestPlotONNX(t *testing.T) {
	dir := t.TempDir()
	zig := filepath.Join("..", "..", "testdata", "zigzag.json")
	onnxPath := filepath.Join(dir, "zigzag.onnx")
	if code, _, stderr := runP(t, "export", zig, "-o", onnxPath); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	a := plotRun(t, filepath.Join(dir, "a.svg"), zig)
	b := plotRun(t, filepath.Join(dir, "b.svg"), onnxPath)
	a = bytes.ReplaceAll(a, []byte("zigzag.json"), []byte("NET"))
	b = bytes.ReplaceAll(b, []byte("zigzag.onnx"), []byte("NET"))
	if !bytes.Equal(a, b) {
		t.Error("JSON and ONNX give different pictures")
	}
}

func TestPlotPNG(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{filepath.Join("..", "..", "testdata", "zigzag.json")},
		{"--chart", "depth", "--kmax", "3"},
	} {
		b := plotRun(t, filepath.Join(dir, "f.png"), args...)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if s := img.Bounds().Size(); s.X != 720 || s.Y != 440 {
			t.Errorf("%v: size %v", args, s)
		}
		// Not blank: some pixels are the curve's blue or the marks' red.
		coloured := 0
		for y := 0; y < 440; y++ {
			for x := 0; x < 720; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r != g || g != b {
					coloured++
				}
			}
		}
		if coloured < 200 {
			t.Errorf("%v: only %d coloured pixels", args, coloured)
		}
	}
}

// TestPlotTraining2D: data with two inputs get the objective comparison
// only, one dot per restart, none below the certified optimum.
func TestPlotTraining2D(t *testing.T) {
	data, cert := trainCert(t, "a,b,y\n0,0,0\n1,0,1\n0,1,1\n1,1,0\n0.5,0.5,2\n", 1)
	out := filepath.Join(t.TempDir(), "t.svg")
	svg := string(plotRun(t, out, "--train", data, "--cert", cert, "--restarts", "7"))
	if !strings.Contains(svg, "(2 inputs)") {
		t.Error("no 2-D title")
	}
	dots := regexp.MustCompile(`<circle [^>]*fill="#(009e73|e69f00)"`).FindAllString(svg, -1)
	if len(dots) != 7 {
		t.Errorf("%d restart dots, want 7", len(dots))
	}
	if strings.Contains(svg, "data and fitted") || strings.Contains(svg, `fill="#a0a0a0"`) {
		t.Error("a data panel was drawn for 2-D data")
	}
}

// depthOracle counts the pieces of the sawtooth H_k of width w on R by
// exact evaluation on a grid: its breakpoints are multiples of 1/w^k in
// [0, 1], so on the grid of step 1/(2w^k) over [−1, 2] the function is
// affine on every cell, and pieces = 1 + #(slope changes between cells).
func depthOracle(t *testing.T, k, w int) int {
	h, err := hard.Sawtooth(k, w)
	if err != nil {
		t.Fatal(err)
	}
	net := h.Net()
	n := int64(2)
	for i := 0; i < k; i++ {
		n *= int64(w)
	}
	step := big.NewRat(1, n)
	x := big.NewRat(-1, 1)
	eval := func(x *big.Rat) *big.Rat { return net.EvalRat([]*big.Rat{x})[0] }
	prev := eval(x)
	var prevSlope *big.Rat
	pieces := 1
	for i := int64(0); i < 3*n; i++ {
		nx := new(big.Rat).Add(x, step)
		v := eval(nx)
		s := new(big.Rat).Sub(v, prev)
		if prevSlope != nil && s.Cmp(prevSlope) != 0 {
			pieces++
		}
		x, prev, prevSlope = nx, v, s
	}
	return pieces
}

func TestPlotDepthData(t *testing.T) {
	for _, w := range []int{2, 3} {
		s, err := depthData(context.Background(), w, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.K) != 4 || len(s.Measured) != 4 {
			t.Fatalf("w=%d: %d depths, %d measured", w, len(s.K), len(s.Measured))
		}
		for i := range s.K {
			k := i + 1
			want := depthOracle(t, k, w)
			if int(s.Pieces[i]) != want || int(s.Measured[i]) != want {
				t.Errorf("w=%d k=%d: pieces %v, measured %v, grid oracle %d", w, k, s.Pieces[i], s.Measured[i], want)
			}
			if int(s.Shallow[i]) != want-1 {
				t.Errorf("w=%d k=%d: shallow width %v, want %d", w, k, s.Shallow[i], want-1)
			}
			// Lemma D.5 for widths (w, …, w): 2^(k−1)(w+1)w^(k−1), by integer products.
			b := w + 1
			for j := 1; j < k; j++ {
				b *= 2 * w
			}
			if s.Bound[i] != float64(b) {
				t.Errorf("w=%d k=%d: bound %v, want %d", w, k, s.Bound[i], b)
			}
			if s.Pieces[i] > s.Bound[i] {
				t.Errorf("w=%d k=%d: pieces exceed the bound", w, k)
			}
		}
	}
	// Members above measureMaxPieces are not measured.
	s, err := depthData(context.Background(), 2, 14)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Measured) != 11 { // 2^11 + 2 ≤ 4096 < 2^12 + 2
		t.Errorf("measured %d members, want 11", len(s.Measured))
	}
}

// TestPlotErrors: bad input exits non-zero with a message naming the
// problem, and leaves no file (nor a temporary one) behind.
func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	zig := filepath.Join("..", "..", "testdata", "zigzag.json")
	broken := tempFile(t, "broken.json", `{"layers": [{"weight": [[1, 2]]`)
	net2 := tempFile(t, "net2.json", `{"layers": [{"weight": [[1, 0]], "bias": [0]}, {"weight": [[1]]}]}`)
	data, cert := trainCert(t, tinyCSV, 1)
	other := tempFile(t, "other.csv", "x,y\n0,1\n1,2\n")
	wide := tempFile(t, "wide.csv", "a,b,y\n0,0,1\n1,1,2\n")
	raw, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	uncert := tempFile(t, "uncert.json", strings.Replace(string(raw), `"certified": true`, `"certified": false`, 1))
	decay := tempFile(t, "decay.json", strings.Replace(string(raw), `"weight_decay": 0`, `"weight_decay": 0.5`, 1))
	notCert := tempFile(t, "notcert.json", `{"layers": []}`)
	out := filepath.Join(dir, "out.svg")
	cases := []struct {
		name string
		code int
		msg  string
		args []string
	}{
		{"no -o", 2, "missing -o", []string{"plot", zig}},
		{"bad extension", 2, "must end in .svg or .png", []string{"plot", zig, "-o", filepath.Join(dir, "out.jpg")}},
		{"no net", 2, "missing NET.json", []string{"plot", "-o", out}},
		{"missing net", 1, "nope.json", []string{"plot", filepath.Join(dir, "nope.json"), "-o", out}},
		{"broken net", 1, "broken.json", []string{"plot", broken, "-o", out}},
		{"bad domain", 2, "need A < B", []string{"plot", zig, "-o", out, "--domain", "1:0"}},
		{"2-D net without a line", 1, "--through", []string{"plot", net2, "-o", out}},
		{"train without cert", 2, "both --train", []string{"plot", "--train", data, "-o", out}},
		{"train with a net", 2, "unexpected argument", []string{"plot", zig, "--train", data, "--cert", cert, "-o", out}},
		{"zero restarts", 2, "--restarts 0", []string{"plot", "--train", data, "--cert", cert, "-o", out, "--restarts", "0"}},
		{"other data", 1, "sha256 differs", []string{"plot", "--train", other, "--cert", cert, "-o", out}},
		{"other data with 2 inputs", 1, "sha256", []string{"plot", "--train", wide, "--cert", cert, "-o", out}},
		{"uncertified", 1, "not certified", []string{"plot", "--train", data, "--cert", uncert, "-o", out}},
		{"weight decay", 1, "weight decay", []string{"plot", "--train", data, "--cert", decay, "-o", out}},
		{"not a certificate", 1, "not a train certificate", []string{"plot", "--train", data, "--cert", notCert, "-o", out}},
		{"unknown chart", 2, `"depth"`, []string{"plot", "--chart", "width", "-o", out}},
		{"chart with a net", 2, "--chart takes no", []string{"plot", zig, "--chart", "depth", "-o", out}},
		{"bad kmax", 2, "--kmax 0", []string{"plot", "--chart", "depth", "--kmax", "0", "-o", out}},
		{"bad w", 2, "--w 1", []string{"plot", "--chart", "depth", "--w", "1", "-o", out}},
		{"too large", 2, "exceeds", []string{"plot", "--chart", "depth", "--w", "1000", "--kmax", "6", "-o", out}},
		{"unwritable", 1, "nodir", []string{"plot", zig, "-o", filepath.Join(dir, "nodir", "f.svg")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runP(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, want %d; stderr %q should mention %q", code, c.code, stderr, c.msg)
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != 0 {
				t.Errorf("files left behind: %v", ents)
			}
		})
	}
}

// TestPlotHelp: the manual has an example of every mode.
func TestPlotHelp(t *testing.T) {
	code, out, _ := runP(t, "help", "plot")
	if code != 0 {
		t.Fatal(code)
	}
	for _, s := range []string{"example:", "relucid plot zigzag.json", "--train", "--chart depth", "--restarts"} {
		if !strings.Contains(out, s) {
			t.Errorf("help lacks %q", s)
		}
	}
}

// BenchmarkPlotFunction draws the sawtooth H_12 of width 2 (4098 pieces):
// exact extraction, drawing and encoding.
func BenchmarkPlotFunction(b *testing.B) {
	h, err := hard.Sawtooth(12, 2)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "saw12.json")
	if err := h.Net().WriteFile(path); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"svg", "png"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				fig, err := netFunctionFigure(context.Background(), path, "", "", "", -1)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := encodeCanvas(fig.canvas, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
