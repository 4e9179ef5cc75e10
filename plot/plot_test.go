package plot

import (
	"bytes"
	"errors"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares c's SVG with testdata/name.svg (rewritten with -update).
func golden(t *testing.T, name string, c *Canvas) {
	t.Helper()
	var b bytes.Buffer
	if err := c.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join("testdata", name+".svg")
	if *update {
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs from the golden file (run go test -update if the change is intended)", p)
	}
}

// zigzag is h∘h for the tent map h of the paper's Section 3: four teeth on
// [0, 1], flat outside.
var zigzag = Function{X: []float64{0, 0.25, 0.5, 0.75, 1}, Y: []float64{0, 1, 0, 1, 0}}

func TestGolden(t *testing.T) {
	c, err := FunctionPlot(zigzag, -0.25, 1.25, Options{Title: "h∘h"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "function", c)
	c, err = TrainingPlot(Training{
		X: []float64{0, 1, 2, 3, 4, 5}, Y: []float64{0, 1, 0.5, 2, 1, 3},
		Fit:      Function{X: []float64{1, 2.5}, Y: []float64{0.5, 1.2}, SL: 0.4, SR: 0.7},
		Optimum:  1.75,
		Restarts: []float64{1.75, 2.3, 1.75, 4, 3.1, 2.2},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "training", c)
	c, err = LineChart([]Series{
		{Name: "2^k", X: []float64{1, 2, 3, 4, 5}, Y: []float64{2, 4, 8, 16, 32}},
		{Name: "3^k", X: []float64{1, 2, 3, 4, 5}, Y: []float64{3, 9, 27, 81, 243}},
	}, ChartOptions{Options: Options{Title: "pieces against depth", XLabel: "depth", YLabel: "pieces"}, LogY: true})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "chart", c)
}

// curve returns the vertices of the first thick blue polyline of c.
func curve(c *Canvas) []float64 {
	for _, it := range c.items {
		if it.kind == kLine && it.style.Stroke == Blue && it.style.Width == 2 {
			return it.pts
		}
	}
	return nil
}

func markers(c *Canvas) [][]float64 {
	var m [][]float64
	for _, it := range c.items {
		if it.kind == kCircle && it.style.Stroke == Red {
			m = append(m, it.pts)
		}
	}
	return m
}

// tent is the zigzag evaluated from its definition, independently of
// Function.At: h(h(x)) with h(x) = 2x on [0, 1/2], 2 − 2x on [1/2, 1], 0
// outside.
func tent(x float64) float64 {
	h := func(x float64) float64 {
		switch {
		case x < 0 || x > 1:
			return 0
		case x <= 0.5:
			return 2 * x
		}
		return 2 - 2*x
	}
	return h(h(x))
}

// TestFunctionPlotGeometry maps the drawn curve and markers back to data
// coordinates and checks them against the function's definition.
func TestFunctionPlotGeometry(t *testing.T) {
	lo, hi := -0.3, 1.1
	c, err := FunctionPlot(zigzag, lo, hi, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Recover the frame the plot used.
	fr := &Frame{X: Axis{Min: lo, Max: hi}, Left: marginL, Top: marginT, Width: float64(c.W) - marginL - marginR, Hgt: float64(c.H) - marginT - marginB}
	ys := []float64{}
	pts := curve(c)
	for i := 0; i < len(pts); i += 2 {
		x := lo + (pts[i]-fr.Left)/fr.Width*(hi-lo)
		ys = append(ys, tent(x))
	}
	ylo, yhi := padRange(0, 1, 0.08)
	fr.Y = Axis{Min: ylo, Max: yhi}
	for i := 0; i < len(pts); i += 2 {
		if math.Abs(pts[i+1]-fr.Py(ys[i/2])) > 1e-9 {
			t.Errorf("vertex %d at row %v, f gives row %v", i/2, pts[i+1], fr.Py(ys[i/2]))
		}
	}
	// Vertices: the two ends and the five knots inside.
	if len(pts) != 2*7 {
		t.Errorf("%d vertices, want 7", len(pts)/2)
	}
	if m := markers(c); len(m) != 5 {
		t.Errorf("%d breakpoint markers, want 5", len(m))
	}
}

// TestBreakpointsDegenerate names the degenerate inputs.
func TestBreakpointsDegenerate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		f       Function
		lo, hi  float64
		markers int
	}{
		{"constant", Function{X: []float64{0}, Y: []float64{2}}, -1, 1, 0},
		{"affine one knot", Function{X: []float64{3}, Y: []float64{1}, SL: 2, SR: 2}, 0, 0, 0},
		{"collinear knot is not a breakpoint", Function{X: []float64{0, 1, 2}, Y: []float64{0, 1, 2}, SL: 1, SR: 0}, -1, 3, 1},
		{"breakpoint on the domain end", Function{X: []float64{0}, Y: []float64{0}, SL: 0, SR: 1}, 0, 1, 0},
		{"domain left of all knots", zigzag, -5, -1, 0},
		{"single ReLU, default domain", Function{X: []float64{0}, Y: []float64{0}, SL: 0, SR: 1}, 0, 0, 1},
	} {
		c, err := FunctionPlot(tc.f, tc.lo, tc.hi, Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if m := markers(c); len(m) != tc.markers {
			t.Errorf("%s: %d markers, want %d", tc.name, len(m), tc.markers)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  func() error
	}{
		{"no knots", func() error { _, err := FunctionPlot(Function{}, 0, 1, Options{}); return err }},
		{"unsorted", func() error {
			_, err := FunctionPlot(Function{X: []float64{1, 0}, Y: []float64{0, 0}}, 0, 1, Options{})
			return err
		}},
		{"NaN", func() error {
			_, err := FunctionPlot(Function{X: []float64{0}, Y: []float64{math.NaN()}}, 0, 1, Options{})
			return err
		}},
		{"empty domain", func() error { _, err := FunctionPlot(zigzag, 1, 1, Options{}); return err }},
		{"log of zero", func() error {
			_, err := LineChart([]Series{{X: []float64{1}, Y: []float64{0}}}, ChartOptions{LogY: true})
			return err
		}},
		{"no series", func() error { _, err := LineChart(nil, ChartOptions{}); return err }},
		{"mismatched data", func() error {
			_, err := TrainingPlot(Training{X: []float64{1}, Fit: zigzag}, Options{})
			return err
		}},
		{"tiny canvas", func() error { _, err := FunctionPlot(zigzag, 0, 1, Options{Width: 50, Height: 50}); return err }},
	} {
		if tc.err() == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	_, err := FunctionPlot(zigzag, 2, 1, Options{})
	if !errors.Is(err, ErrRange) {
		t.Errorf("reversed domain: %v, want ErrRange", err)
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		a    Axis
		want []float64
	}{
		{Axis{Min: 0, Max: 1}, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{Axis{Min: -0.25, Max: 1.25}, []float64{0, 0.5, 1}},
		{Axis{Min: -3, Max: 7}, []float64{-2, 0, 2, 4, 6}},
		{Axis{Min: 1, Max: 1000, Log: true}, []float64{1, 10, 100, 1000}},
		{Axis{Min: 0.5, Max: 5e3, Log: true}, []float64{1, 10, 100, 1000}},
		{Axis{Min: 1, Max: 1e20, Log: true}, []float64{1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18}},
		// Fewer than two powers of ten: 1-2-5 ticks, or linear ones.
		{Axis{Min: 2, Max: 50, Log: true}, []float64{2, 5, 10, 20, 50}},
		{Axis{Min: 2, Max: 8, Log: true}, []float64{2, 5}},
		{Axis{Min: 2.1, Max: 4.9, Log: true}, []float64{3, 4}},
	} {
		got := Ticks(tc.a)
		if len(got) != len(tc.want) {
			t.Errorf("%+v: ticks %v, want %v", tc.a, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9*math.Max(1, tc.want[i]) {
				t.Errorf("%+v: ticks %v, want %v", tc.a, got, tc.want)
				break
			}
		}
	}
	// Property: linear ticks are inside the range, evenly spaced, 3 to 11.
	for _, r := range [][2]float64{{0, 1e-7}, {-1e9, 3e9}, {0.1, 0.3}, {99, 101}, {-5, -4.999}} {
		ts := Ticks(Axis{Min: r[0], Max: r[1]})
		if len(ts) < 2 || len(ts) > 11 {
			t.Errorf("%v: %d ticks", r, len(ts))
		}
		for _, v := range ts {
			if v < r[0]-1e-9*math.Abs(r[0]) || v > r[1]+1e-9*math.Abs(r[1]) {
				t.Errorf("%v: tick %v outside", r, v)
			}
		}
	}
}

func TestFormatTick(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		log  bool
		want string
	}{
		{0.30000000000000004, false, "0.3"}, {0, false, "0"}, {-2.5, false, "-2.5"},
		{1e6, true, "1e6"}, {1000, true, "1000"}, {2e7, false, "2e+07"},
	} {
		if got := FormatTick(tc.v, tc.log); got != tc.want {
			t.Errorf("FormatTick(%v, %v) = %q, want %q", tc.v, tc.log, got, tc.want)
		}
	}
}

// TestRasterAreas checks the rasteriser's coverage against exact areas:
// the ink of a filled shape (sum of darkness) equals its area to within
// its perimeter's worth of anti-aliasing error.
func TestRasterAreas(t *testing.T) {
	ink := func(c *Canvas) float64 {
		img := c.Image()
		s := 0.0
		for i := 0; i < len(img.Pix); i += 4 {
			s += 1 - float64(img.Pix[i])/255 // black ink: red channel
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		draw  func(c *Canvas)
		area  float64
		perim float64
	}{
		{"rect", func(c *Canvas) { c.Rect(Style{Fill: Black}, 10.5, 20.25, 30, 17.5) }, 30 * 17.5, 95},
		{"circle", func(c *Canvas) { c.Circle(Style{Fill: Black}, 50, 50, 20) }, math.Pi * 400, 2 * math.Pi * 20},
		// A concave polygon; area by the shoelace formula.
		{"polygon", func(c *Canvas) { c.Polygon(Style{Fill: Black}, concave...) }, shoelace(concave), 320},
		// A line of width 3 and length 80 with round caps.
		{"line", func(c *Canvas) { c.Line(Style{Stroke: Black, Width: 3}, 10, 10, 90, 70) }, 3*100 + math.Pi*2.25, 206},
	} {
		c := NewCanvas(100, 100)
		tc.draw(c)
		got := ink(c)
		if math.Abs(got-tc.area) > 0.1*tc.perim {
			t.Errorf("%s: ink %.1f, area %.1f", tc.name, got, tc.area)
		}
	}
}

var concave = []float64{10, 10, 90, 10, 90, 70, 50, 30, 10, 70}

// shoelace is the area of a simple polygon.
func shoelace(p []float64) float64 {
	s := 0.0
	n := len(p) / 2
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		s += p[2*i]*p[2*j+1] - p[2*j]*p[2*i+1]
	}
	return math.Abs(s) / 2
}

// TestPNG rasterises a plot, decodes the PNG and checks that the curve and
// a breakpoint marker are where the SVG puts them.
func TestPNG(t *testing.T) {
	c, err := FunctionPlot(zigzag, -0.25, 1.25, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WritePNG(&b); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != c.W || img.Bounds().Dy() != c.H {
		t.Fatalf("PNG is %v, canvas %dx%d", img.Bounds(), c.W, c.H)
	}
	// Midpoint of the first rising segment (0, 0)–(0.25, 1): blue.
	pts := curve(c)
	mx, my := (pts[2]+pts[4])/2, (pts[3]+pts[5])/2
	r, g, bl, _ := img.At(int(mx), int(my)).RGBA()
	if !(bl > r && bl > g) {
		t.Errorf("curve pixel at (%.0f, %.0f) is %d,%d,%d, not blue", mx, my, r>>8, g>>8, bl>>8)
	}
	// A marker's ring is red-dominant one radius from its centre.
	m := markers(c)[1]
	r, g, bl, _ = img.At(int(m[0]+markerSize), int(m[1])).RGBA()
	if !(r > g && r > bl) {
		t.Errorf("marker ring is %d,%d,%d, not red", r>>8, g>>8, bl>>8)
	}
	// Text is inked: the title area of a titled plot has dark pixels.
	c, _ = FunctionPlot(zigzag, 0, 1, Options{Title: "ZIGZAG"})
	im := c.Image()
	dark := 0
	for y := 0; y < marginT; y++ {
		for x := 0; x < c.W; x++ {
			if im.RGBAAt(x, y).R < 100 {
				dark++
			}
		}
	}
	if dark < 50 {
		t.Errorf("title has %d dark pixels", dark)
	}
}

func TestSVGEscapes(t *testing.T) {
	c := NewCanvas(10, 10)
	c.Text(Black, 1, 1, 12, Start, `a<b & "c"`)
	var b bytes.Buffer
	if err := c.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "a&lt;b &amp; &quot;c&quot;") {
		t.Errorf("text not escaped: %s", b.String())
	}
}
