package plot

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Function is a continuous piecewise linear function R→R given by its
// knots X (strictly ascending, at least one), the values Y at the knots and
// the slopes SL, SR left of the first and right of the last knot — the
// fields of pwl.Func, as plain slices so this package depends on nothing.
// An affine function has one knot and SL == SR.
type Function struct {
	X, Y   []float64
	SL, SR float64
}

// validate checks the knots ascend and the lengths match.
func (f Function) validate() error {
	if len(f.X) == 0 {
		return errors.New("plot: function has no knots")
	}
	if len(f.Y) != len(f.X) {
		return fmt.Errorf("plot: %d knots but %d values", len(f.X), len(f.Y))
	}
	for i := range f.X {
		if err := finite(f.X[i], f.Y[i]); err != nil {
			return err
		}
		if i > 0 && !(f.X[i] > f.X[i-1]) {
			return fmt.Errorf("plot: knots not strictly ascending at %d (%v after %v)", i, f.X[i], f.X[i-1])
		}
	}
	return finite(f.SL, f.SR)
}

// slopes returns the slopes of f left and right of knot i.
func (f Function) slopes(i int) (l, r float64) {
	l, r = f.SL, f.SR
	if i > 0 {
		l = (f.Y[i] - f.Y[i-1]) / (f.X[i] - f.X[i-1])
	}
	if i+1 < len(f.X) {
		r = (f.Y[i+1] - f.Y[i]) / (f.X[i+1] - f.X[i])
	}
	return l, r
}

// Breakpoints returns the knots where the slope changes (compared in
// float64: pass a simplified function, such as pwl's Simplify returns).
func (f Function) Breakpoints() []float64 {
	var b []float64
	for i, x := range f.X {
		if l, r := f.slopes(i); l != r {
			b = append(b, x)
		}
	}
	return b
}

func finite(vs ...float64) error {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("plot: non-finite value %v", v)
		}
	}
	return nil
}

// At evaluates f at x.
func (f Function) At(x float64) float64 {
	n := len(f.X)
	switch {
	case x <= f.X[0]:
		return f.Y[0] + f.SL*(x-f.X[0])
	case x >= f.X[n-1]:
		return f.Y[n-1] + f.SR*(x-f.X[n-1])
	}
	i := sort.SearchFloat64s(f.X, x) // f.X[i-1] < x ≤ f.X[i]
	t := (x - f.X[i-1]) / (f.X[i] - f.X[i-1])
	return f.Y[i-1] + t*(f.Y[i]-f.Y[i-1])
}

// path returns the vertices of f's graph over [lo, hi]: the ends and the
// knots between them. Drawing straight lines between them is exact.
func (f Function) path(lo, hi float64) (xs, ys []float64) {
	xs = append(xs, lo)
	for _, k := range f.X {
		if k > lo && k < hi {
			xs = append(xs, k)
		}
	}
	xs = append(xs, hi)
	ys = make([]float64, len(xs))
	for i, x := range xs {
		ys[i] = f.At(x)
	}
	return xs, ys
}

// Options sets titles and size. Zero values get defaults.
type Options struct {
	Title, XLabel, YLabel string
	Width, Height         int // pixels; default 640×400
}

func (o Options) size(w, h int) (int, int) {
	if o.Width > 0 {
		w = o.Width
	}
	if o.Height > 0 {
		h = o.Height
	}
	return w, h
}

// FunctionPlot draws f over [lo, hi] with its breakpoints inside the domain
// marked by circles, and the count of pieces on the domain in the corner.
// When lo and hi are both 0 the domain is the knots' span widened by a
// quarter on each side (or [x−1, x+1] about a single knot).
func FunctionPlot(f Function, lo, hi float64, o Options) (*Canvas, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	if lo == 0 && hi == 0 {
		lo, hi = padRange(f.X[0], f.X[len(f.X)-1], 0.25)
	}
	if err := (Axis{Min: lo, Max: hi}).check(); err != nil {
		return nil, err
	}
	xs, ys := f.path(lo, hi)
	ymin, ymax := minMax(ys)
	ylo, yhi := padRange(ymin, ymax, 0.08)
	w, h := o.size(640, 400)
	c := NewCanvas(w, h)
	fr, err := NewFrame(c, 0, 0, float64(w), float64(h), Axis{Min: lo, Max: hi, Label: nonEmpty(o.XLabel, "x")},
		Axis{Min: ylo, Max: yhi, Label: nonEmpty(o.YLabel, "f(x)")}, o.Title)
	if err != nil {
		return nil, err
	}
	pts := make([]float64, 0, 2*len(xs))
	for i := range xs {
		pts = append(pts, fr.Px(xs[i]), fr.Py(ys[i]))
	}
	c.Line(Style{Stroke: Blue, Width: 2}, pts...)
	inside := 0
	for _, b := range f.Breakpoints() {
		if b > lo && b < hi {
			c.Circle(Style{Stroke: Red, Fill: White, Width: 1.5}, fr.Px(b), fr.Py(f.At(b)), markerSize)
			inside++
		}
	}
	c.Text(Black, fr.Left+8, fr.Top+fontSize+4, fontSize, Start,
		fmt.Sprintf("%d breakpoints, %d pieces on [%s, %s]", inside, inside+1, FormatTick(lo, false), FormatTick(hi, false)))
	return c, nil
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// Training is the result of fitting a one-input net to data: the data, the
// fitted function, the global optimum of the objective and the objectives
// reached by gradient-descent restarts, for comparison.
type Training struct {
	X, Y     []float64 // data points
	Fit      Function  // the fitted net as a PWL function
	Optimum  float64   // exact global optimum of the objective
	Restarts []float64 // objectives reached by gradient-descent restarts
}

// TrainingPlot draws two panels: the data with the fitted function, and a
// strip chart of the restart objectives (dots, sorted) against the
// optimum (a line), so one sees how often descent finds the optimum.
func TrainingPlot(t Training, o Options) (*Canvas, error) {
	if len(t.X) == 0 || len(t.X) != len(t.Y) {
		return nil, fmt.Errorf("plot: %d x values and %d y values", len(t.X), len(t.Y))
	}
	if err := t.Fit.validate(); err != nil {
		return nil, err
	}
	if err := finite(append(append(append([]float64{t.Optimum}, t.X...), t.Y...), t.Restarts...)...); err != nil {
		return nil, err
	}
	w, h := o.size(960, 400)
	c := NewCanvas(w, h)
	left := float64(w) * 0.6
	xlo, xhi := minMax(t.X)
	xlo, xhi = padRange(xlo, xhi, 0.08)
	xs, ys := t.Fit.path(xlo, xhi)
	ylo, yhi := minMax(append(append([]float64(nil), t.Y...), ys...))
	ylo, yhi = padRange(ylo, yhi, 0.08)
	title := o.Title
	if title == "" {
		title = "data and fitted net"
	}
	fr, err := NewFrame(c, 0, 0, left, float64(h), Axis{Min: xlo, Max: xhi, Label: nonEmpty(o.XLabel, "x")}, Axis{Min: ylo, Max: yhi, Label: nonEmpty(o.YLabel, "y")}, title)
	if err != nil {
		return nil, err
	}
	for i := range t.X {
		c.Circle(Style{Fill: Grey}, fr.Px(t.X[i]), fr.Py(t.Y[i]), markerSize)
	}
	pts := make([]float64, 0, 2*len(xs))
	for i := range xs {
		pts = append(pts, fr.Px(xs[i]), fr.Py(ys[i]))
	}
	c.Line(Style{Stroke: Blue, Width: 2}, pts...)

	// Right panel: restart k against its objective.
	objs := append([]float64(nil), t.Restarts...)
	sort.Float64s(objs)
	olo, ohi := minMax(append(append([]float64(nil), objs...), t.Optimum))
	olo, ohi = padRange(olo, ohi, 0.1)
	n := float64(max(len(objs), 1))
	fr2, err := NewFrame(c, left, 0, float64(w)-left, float64(h), Axis{Min: 0.5, Max: n + 0.5, Label: "restart (sorted)"},
		Axis{Min: olo, Max: ohi, Label: "objective"}, "restarts vs optimum")
	if err != nil {
		return nil, err
	}
	hits := 0
	for i, v := range objs {
		col := Orange
		// A restart counts as reaching the optimum within a relative
		// 1e-6, well above the rounding of a float64 objective sum.
		if v <= t.Optimum+1e-6*math.Max(1, math.Abs(t.Optimum)) {
			col, hits = Green, hits+1
		}
		c.Circle(Style{Fill: col}, fr2.Px(float64(i+1)), fr2.Py(v), markerSize)
	}
	py := fr2.Py(t.Optimum)
	c.Line(Style{Stroke: Green, Width: 2, Dash: 6}, fr2.Left, py, fr2.Left+fr2.Width, py)
	c.Text(Black, fr2.Left+6, fr2.Top+fontSize+4, fontSize, Start, fmt.Sprintf("optimum %s; %d of %d restarts reach it", FormatTick(roundSig(t.Optimum), false), hits, len(objs)))
	return c, nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Series is one named line of a chart.
type Series struct {
	Name string
	X, Y []float64
}

// ChartOptions configures a line chart.
type ChartOptions struct {
	Options
	LogY bool // logarithmic y axis (e.g. pieces against depth)
}

// LineChart draws series as lines with point markers and a legend, on a
// logarithmic y axis when asked — e.g. the number of pieces of the hard
// families against depth, where the growth is exponential.
func LineChart(series []Series, o ChartOptions) (*Canvas, error) {
	if len(series) == 0 {
		return nil, errors.New("plot: no series")
	}
	var allX, allY []float64
	for _, s := range series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return nil, fmt.Errorf("plot: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		if err := finite(append(append([]float64(nil), s.X...), s.Y...)...); err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Name, err)
		}
		for _, y := range s.Y {
			if o.LogY && y <= 0 {
				return nil, fmt.Errorf("plot: series %q has value %v on a log axis", s.Name, y)
			}
		}
		allX = append(allX, s.X...)
		allY = append(allY, s.Y...)
	}
	xlo, xhi := minMax(allX)
	xlo, xhi = padRange(xlo, xhi, 0.05)
	ylo, yhi := minMax(allY)
	if o.LogY {
		// Pad by a fraction of a decade and extend to whole decades when
		// that keeps at least one tick.
		ylo, yhi = ylo/1.5, yhi*1.5
		if ylo == yhi {
			ylo, yhi = ylo/10, yhi*10
		}
	} else {
		ylo, yhi = padRange(ylo, yhi, 0.08)
	}
	w, h := o.size(640, 400)
	c := NewCanvas(w, h)
	fr, err := NewFrame(c, 0, 0, float64(w), float64(h), Axis{Min: xlo, Max: xhi, Label: o.XLabel}, Axis{Min: ylo, Max: yhi, Log: o.LogY, Label: o.YLabel}, o.Title)
	if err != nil {
		return nil, err
	}
	for k, s := range series {
		col := Palette[k%len(Palette)]
		pts := make([]float64, 0, 2*len(s.X))
		for i := range s.X {
			pts = append(pts, fr.Px(s.X[i]), fr.Py(s.Y[i]))
		}
		if len(s.X) > 1 {
			c.Line(Style{Stroke: col, Width: 2}, pts...)
		}
		for i := 0; i < len(pts); i += 2 {
			c.Circle(Style{Fill: col}, pts[i], pts[i+1], markerSize)
		}
		// Legend, top left.
		ly := fr.Top + 14 + float64(k)*(fontSize+6)
		c.Line(Style{Stroke: col, Width: 2}, fr.Left+8, ly-4, fr.Left+28, ly-4)
		c.Text(Black, fr.Left+34, ly, fontSize, Start, s.Name)
	}
	return c, nil
}
