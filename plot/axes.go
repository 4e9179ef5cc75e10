package plot

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Axis is the range and labelling of one axis.
type Axis struct {
	Min, Max float64
	Log      bool   // base-10 logarithmic scale; Min must be > 0
	Label    string // axis title
}

// Frame is a rectangle of a canvas that shows data coordinates: it maps
// data to pixels and draws the axes, ticks and labels.
type Frame struct {
	C          *Canvas
	X, Y       Axis
	Left, Top  float64 // plot area, pixels
	Width, Hgt float64
}

// Font sizes and margins of the plots, in pixels.
const (
	fontSize   = 12
	titleSize  = 14
	tickLen    = 5
	marginL    = 64
	marginR    = 20
	marginT    = 32
	marginB    = 48
	markerSize = 3.5
)

// ErrRange is returned for an axis range that cannot be drawn.
var ErrRange = errors.New("plot: empty or non-finite axis range")

// padRange widens [lo, hi] by a fraction of its length on each side, and
// opens up a degenerate range (a constant function) around its value.
func padRange(lo, hi, frac float64) (float64, float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Max(1, math.Abs(lo)*0.1)
		return lo - d, hi + d
	}
	d := (hi - lo) * frac
	return lo - d, hi + d
}

func (a Axis) check() error {
	if math.IsNaN(a.Min) || math.IsNaN(a.Max) || math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) || !(a.Max > a.Min) {
		return fmt.Errorf("%w: [%v, %v]", ErrRange, a.Min, a.Max)
	}
	if a.Log && a.Min <= 0 {
		return fmt.Errorf("%w: log axis from %v", ErrRange, a.Min)
	}
	return nil
}

// NewFrame draws axes with ticks and labels in the rectangle (left, top,
// w, h) of c, with the plot area inset by the margins, and a title above.
func NewFrame(c *Canvas, left, top, w, h float64, x, y Axis, title string) (*Frame, error) {
	if err := x.check(); err != nil {
		return nil, err
	}
	if err := y.check(); err != nil {
		return nil, err
	}
	f := &Frame{C: c, X: x, Y: y, Left: left + marginL, Top: top + marginT, Width: w - marginL - marginR, Hgt: h - marginT - marginB}
	if f.Width < 10 || f.Hgt < 10 {
		return nil, fmt.Errorf("plot: frame %gx%g too small", w, h)
	}
	axisStyle := Style{Stroke: Black}
	gridStyle := Style{Stroke: Light}
	for _, t := range Ticks(x) {
		px := f.Px(t)
		c.Line(gridStyle, px, f.Top, px, f.Top+f.Hgt)
		c.Line(axisStyle, px, f.Top+f.Hgt, px, f.Top+f.Hgt+tickLen)
		c.Text(Black, px, f.Top+f.Hgt+tickLen+fontSize+1, fontSize, Middle, FormatTick(t, x.Log))
	}
	for _, t := range Ticks(y) {
		py := f.Py(t)
		c.Line(gridStyle, f.Left, py, f.Left+f.Width, py)
		c.Line(axisStyle, f.Left-tickLen, py, f.Left, py)
		c.Text(Black, f.Left-tickLen-3, py+fontSize/2-2, fontSize, End, FormatTick(t, y.Log))
	}
	c.Rect(Style{Stroke: Black}, f.Left, f.Top, f.Width, f.Hgt)
	if x.Label != "" {
		c.Text(Black, f.Left+f.Width/2, top+h-8, fontSize, Middle, x.Label)
	}
	if y.Label != "" {
		c.TextUp(Black, left+16, f.Top+f.Hgt/2, fontSize, Middle, y.Label)
	}
	if title != "" {
		c.Text(Black, f.Left+f.Width/2, top+marginT-12, titleSize, Middle, title)
	}
	return f, nil
}

func (a Axis) frac(v float64) float64 {
	if a.Log {
		return (math.Log10(v) - math.Log10(a.Min)) / (math.Log10(a.Max) - math.Log10(a.Min))
	}
	return (v - a.Min) / (a.Max - a.Min)
}

// Px maps a data x to a pixel column.
func (f *Frame) Px(x float64) float64 { return f.Left + f.X.frac(x)*f.Width }

// Py maps a data y to a pixel row (y grows upwards in data, downwards on
// the canvas).
func (f *Frame) Py(y float64) float64 { return f.Top + (1-f.Y.frac(y))*f.Hgt }

// Inside reports whether the data point lies in the frame's ranges.
func (f *Frame) Inside(x, y float64) bool {
	return x >= f.X.Min && x <= f.X.Max && y >= f.Y.Min && y <= f.Y.Max
}

// Ticks returns tick positions for an axis: on a linear axis, the
// multiples of a "nice" step (1, 2 or 5 times a power of ten) inside the
// range, about five of them; on a log axis, the powers of ten inside the
// range (every k-th power for wide ranges), or 1, 2 and 5 times powers of
// ten when the range holds fewer than two powers, or linear ticks when even
// those are too few.
func Ticks(a Axis) []float64 {
	if a.Log {
		lo, hi := math.Ceil(math.Log10(a.Min)-1e-9), math.Floor(math.Log10(a.Max)+1e-9)
		if hi-lo >= 1 {
			step := math.Max(1, math.Ceil((hi-lo+1)/8))
			var t []float64
			for e := lo; e <= hi; e += step {
				t = append(t, math.Pow(10, e))
			}
			return t
		}
		// One power of ten or none: 1, 2 and 5 times powers of ten.
		var t []float64
		for e := lo - 1; e <= hi; e++ {
			for _, m := range []float64{1, 2, 5} {
				if v := m * math.Pow(10, e); v >= a.Min*(1-1e-9) && v <= a.Max*(1+1e-9) {
					t = append(t, v)
				}
			}
		}
		if len(t) >= 2 {
			return t
		}
	}
	step := niceStep((a.Max - a.Min) / 5)
	first := math.Ceil(a.Min/step - 1e-9)
	var t []float64
	for k := first; k*step <= a.Max+step*1e-9; k++ {
		v := k * step
		if v == 0 {
			v = 0 // no negative zero
		}
		t = append(t, v)
	}
	return t
}

// niceStep rounds s up to 1, 2 or 5 times a power of ten.
func niceStep(s float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(s)))
	switch m := s / p; {
	case m <= 1:
		return p
	case m <= 2:
		return 2 * p
	case m <= 5:
		return 5 * p
	}
	return 10 * p
}

// FormatTick writes a tick value briefly: 0.5, 20, 1e+06; on a log axis
// powers of ten up to 10^4 in full, larger ones as 1e5.
func FormatTick(v float64, log bool) string {
	if log && v >= 1e5 {
		return "1e" + strconv.Itoa(int(math.Round(math.Log10(v))))
	}
	if v != 0 && (math.Abs(v) >= 1e6 || math.Abs(v) < 1e-3) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	// Round away binary noise such as 0.30000000000000004.
	return strconv.FormatFloat(roundSig(v), 'f', -1, 64)
}

// roundSig rounds v to 10 significant digits.
func roundSig(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	return f
}
