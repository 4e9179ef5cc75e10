package plot

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
)

// Style says how a shape is drawn. A zero colour (alpha 0) means none.
type Style struct {
	Stroke color.RGBA
	Fill   color.RGBA
	Width  float64 // stroke width in pixels; 0 means 1
	Dash   float64 // dash length in pixels; 0 means solid
}

// Anchor places text relative to its point.
type Anchor int

// Text anchors: the point is at the start, middle or end of the text.
const (
	Start Anchor = iota
	Middle
	End
)

// Colours used by the plots: a colour-blind-safe palette (Okabe–Ito).
var (
	Black  = color.RGBA{0, 0, 0, 255}
	White  = color.RGBA{255, 255, 255, 255}
	Grey   = color.RGBA{160, 160, 160, 255}
	Light  = color.RGBA{225, 225, 225, 255}
	Blue   = color.RGBA{0, 114, 178, 255}
	Orange = color.RGBA{230, 159, 0, 255}
	Green  = color.RGBA{0, 158, 115, 255}
	Red    = color.RGBA{213, 94, 0, 255}
	Purple = color.RGBA{204, 121, 167, 255}
	Sky    = color.RGBA{86, 180, 233, 255}
)

// Palette is the order in which series get colours.
var Palette = []color.RGBA{Blue, Orange, Green, Red, Purple, Sky}

type kind int

const (
	kLine kind = iota
	kRect
	kCircle
	kPolygon
	kText
)

// item is one drawing primitive in pixel coordinates (y down).
type item struct {
	kind   kind
	pts    []float64 // x0,y0,x1,y1,… (line/polyline/polygon), x,y,w,h (rect), x,y,r (circle), x,y (text)
	style  Style
	text   string
	anchor Anchor
	size   float64 // font size in pixels
	rotate bool    // text rotated 90° counter-clockwise
}

// Canvas records drawing primitives and renders them as SVG or PNG; both
// renderings come from the same list, so they show the same picture.
// The origin is the top-left corner, y grows downwards.
type Canvas struct {
	W, H  int
	items []item
}

// NewCanvas returns an empty w×h canvas with a white background.
func NewCanvas(w, h int) *Canvas {
	if w < 1 || h < 1 {
		panic("plot: canvas dimensions must be positive")
	}
	return &Canvas{W: w, H: h}
}

// Line draws a polyline through the points (x0, y0), (x1, y1), ….
func (c *Canvas) Line(s Style, xy ...float64) {
	if len(xy) < 4 || len(xy)%2 != 0 {
		panic("plot: Line needs at least two points")
	}
	c.items = append(c.items, item{kind: kLine, pts: append([]float64(nil), xy...), style: s})
}

// Rect draws the rectangle with top-left corner (x, y).
func (c *Canvas) Rect(s Style, x, y, w, h float64) {
	c.items = append(c.items, item{kind: kRect, pts: []float64{x, y, w, h}, style: s})
}

// Circle draws a circle of radius r about (x, y).
func (c *Canvas) Circle(s Style, x, y, r float64) {
	c.items = append(c.items, item{kind: kCircle, pts: []float64{x, y, r}, style: s})
}

// Polygon draws the closed polygon through the points (even-odd fill).
func (c *Canvas) Polygon(s Style, xy ...float64) {
	if len(xy) < 6 || len(xy)%2 != 0 {
		panic("plot: Polygon needs at least three points")
	}
	c.items = append(c.items, item{kind: kPolygon, pts: append([]float64(nil), xy...), style: s})
}

// Text draws s with its baseline at y, anchored at x; size is the font
// height in pixels.
func (c *Canvas) Text(col color.RGBA, x, y, size float64, a Anchor, s string) {
	c.items = append(c.items, item{kind: kText, pts: []float64{x, y}, style: Style{Fill: col}, text: s, anchor: a, size: size})
}

// TextUp draws s rotated 90° counter-clockwise (reading upwards), anchored
// at (x, y), as for a y-axis label.
func (c *Canvas) TextUp(col color.RGBA, x, y, size float64, a Anchor, s string) {
	c.items = append(c.items, item{kind: kText, pts: []float64{x, y}, style: Style{Fill: col}, text: s, anchor: a, size: size, rotate: true})
}

// num formats a coordinate with two decimals, trimming zeros, so SVG
// output is short and byte-for-byte reproducible.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func svgColor(c color.RGBA) string {
	if c.A == 0 {
		return "none"
	}
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

func svgStyle(s Style) string {
	var b strings.Builder
	fmt.Fprintf(&b, `fill="%s" stroke="%s"`, svgColor(s.Fill), svgColor(s.Stroke))
	if s.Stroke.A != 0 && s.Width != 0 && s.Width != 1 {
		fmt.Fprintf(&b, ` stroke-width="%s"`, num(s.Width))
	}
	if s.Dash > 0 {
		fmt.Fprintf(&b, ` stroke-dasharray="%s"`, num(s.Dash))
	}
	if s.Fill.A != 0 && s.Fill.A != 255 {
		fmt.Fprintf(&b, ` fill-opacity="%s"`, num(float64(s.Fill.A)/255))
	}
	return b.String()
}

func escape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// WriteSVG writes the canvas as a standalone SVG document.
func (c *Canvas) WriteSVG(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n", c.W, c.H, c.W, c.H)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", c.W, c.H)
	for _, it := range c.items {
		p := it.pts
		switch it.kind {
		case kLine:
			if len(p) == 4 {
				fmt.Fprintf(bw, `<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`+"\n", num(p[0]), num(p[1]), num(p[2]), num(p[3]), svgStyle(it.style))
				continue
			}
			fmt.Fprintf(bw, `<polyline points="%s" %s/>`+"\n", points(p), svgStyle(it.style))
		case kRect:
			fmt.Fprintf(bw, `<rect x="%s" y="%s" width="%s" height="%s" %s/>`+"\n", num(p[0]), num(p[1]), num(p[2]), num(p[3]), svgStyle(it.style))
		case kCircle:
			fmt.Fprintf(bw, `<circle cx="%s" cy="%s" r="%s" %s/>`+"\n", num(p[0]), num(p[1]), num(p[2]), svgStyle(it.style))
		case kPolygon:
			fmt.Fprintf(bw, `<polygon points="%s" %s/>`+"\n", points(p), svgStyle(it.style))
		case kText:
			anchor := [...]string{"start", "middle", "end"}[it.anchor]
			rot := ""
			if it.rotate {
				rot = fmt.Sprintf(` transform="rotate(-90 %s %s)"`, num(p[0]), num(p[1]))
			}
			fmt.Fprintf(bw, `<text x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"%s>%s</text>`+"\n",
				num(p[0]), num(p[1]), num(it.size), anchor, svgColor(it.style.Fill), rot, escape(it.text))
		}
	}
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}

func points(p []float64) string {
	var b strings.Builder
	for i := 0; i < len(p); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p[i]))
		b.WriteByte(',')
		b.WriteString(num(p[i+1]))
	}
	return b.String()
}

// WritePNG rasterises the canvas and writes it as PNG.
func (c *Canvas) WritePNG(w io.Writer) error {
	return png.Encode(w, c.Image())
}

// Image rasterises the canvas: shapes are anti-aliased by pixel coverage
// estimated from the distance to the shape's edge, text uses the built-in
// 5×7 bitmap font scaled to the requested size.
func (c *Canvas) Image() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.W, c.H))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	r := raster{img: img}
	for _, it := range c.items {
		p := it.pts
		s := it.style
		width := s.Width
		if width == 0 {
			width = 1
		}
		switch it.kind {
		case kLine:
			if s.Stroke.A != 0 {
				r.polyline(p, width, s.Dash, s.Stroke)
			}
		case kRect:
			if s.Fill.A != 0 {
				r.fillRect(p[0], p[1], p[2], p[3], s.Fill)
			}
			if s.Stroke.A != 0 {
				x0, y0, x1, y1 := p[0], p[1], p[0]+p[2], p[1]+p[3]
				r.polyline([]float64{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}, width, s.Dash, s.Stroke)
			}
		case kCircle:
			r.circle(p[0], p[1], p[2], width, s)
		case kPolygon:
			if s.Fill.A != 0 {
				r.fillPolygon(p, s.Fill)
			}
			if s.Stroke.A != 0 {
				closed := append(append([]float64(nil), p...), p[0], p[1])
				r.polyline(closed, width, s.Dash, s.Stroke)
			}
		case kText:
			r.text(it)
		}
	}
	return img
}

// raster draws on an RGBA image.
type raster struct{ img *image.RGBA }

// blend paints colour col at (x, y) with coverage a ∈ [0, 1].
func (r raster) blend(x, y int, col color.RGBA, a float64) {
	if a <= 0 || !(image.Point{x, y}.In(r.img.Rect)) {
		return
	}
	a = math.Min(a, 1) * float64(col.A) / 255
	i := r.img.PixOffset(x, y)
	pix := r.img.Pix[i : i+4 : i+4]
	pix[0] = uint8(float64(pix[0])*(1-a) + float64(col.R)*a + 0.5)
	pix[1] = uint8(float64(pix[1])*(1-a) + float64(col.G)*a + 0.5)
	pix[2] = uint8(float64(pix[2])*(1-a) + float64(col.B)*a + 0.5)
	pix[3] = 255
}

func (r raster) polyline(p []float64, width, dash float64, col color.RGBA) {
	if dash <= 0 {
		p = decimate(p)
		for i := 0; i+3 < len(p); i += 2 {
			r.segment(p[i], p[i+1], p[i+2], p[i+3], width, col)
		}
		return
	}
	// Dashes continue across vertices, as in SVG.
	on, left := true, dash
	for i := 0; i+3 < len(p); i += 2 {
		x0, y0, x1, y1 := p[i], p[i+1], p[i+2], p[i+3]
		l := math.Hypot(x1-x0, y1-y0)
		for t := 0.0; t < l; {
			step := math.Min(left, l-t)
			if on {
				a, b := t/l, (t+step)/l
				r.segment(x0+a*(x1-x0), y0+a*(y1-y0), x0+b*(x1-x0), y0+b*(y1-y0), width, col)
			}
			t += step
			left -= step
			if left <= 0 {
				on, left = !on, dash
			}
		}
	}
}

// segment draws a line segment of the given width with round caps; the
// coverage of a pixel is estimated from the distance of its centre to the
// segment.
func (r raster) segment(x0, y0, x1, y1, width float64, col color.RGBA) {
	h := width / 2
	minX, maxX := int(math.Floor(math.Min(x0, x1)-h-1)), int(math.Ceil(math.Max(x0, x1)+h+1))
	minY, maxY := int(math.Floor(math.Min(y0, y1)-h-1)), int(math.Ceil(math.Max(y0, y1)+h+1))
	b := r.img.Rect
	minX, maxX = max(minX, b.Min.X), min(maxX, b.Max.X-1)
	minY, maxY = max(minY, b.Min.Y), min(maxY, b.Max.Y-1)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	reach2 := (h + 0.5) * (h + 0.5) // pixels farther than this get no ink
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			d2 := ex*ex + ey*ey
			if d2 >= reach2 {
				continue
			}
			r.blend(x, y, col, h+0.5-math.Sqrt(d2))
		}
	}
}

// decimate thins an x-monotone polyline with many points per pixel column
// (a function with 10^5 pieces on a 700-pixel plot) to at most four points
// per column: the first, the lowest, the highest and the last. The ink drawn
// in each column is the same, since a continuous graph within a column covers
// exactly the vertical span between its extremes. Other polylines are
// returned unchanged.
func decimate(p []float64) []float64 {
	n := len(p) / 2
	if n < 4096 {
		return p
	}
	for i := 2; i+1 < len(p); i += 2 {
		if p[i] < p[i-2] {
			return p // not x-monotone
		}
	}
	out := make([]float64, 0, 1024)
	i := 0
	for i < n {
		col := math.Floor(p[2*i])
		j := i
		lo, hi := i, i
		for j+1 < n && math.Floor(p[2*(j+1)]) == col {
			j++
			if p[2*j+1] < p[2*lo+1] {
				lo = j
			}
			if p[2*j+1] > p[2*hi+1] {
				hi = j
			}
		}
		a, b := min(lo, hi), max(lo, hi)
		for _, k := range []int{i, a, b, j} {
			if m := len(out); m >= 2 && out[m-2] == p[2*k] && out[m-1] == p[2*k+1] {
				continue
			}
			out = append(out, p[2*k], p[2*k+1])
		}
		// The segment from this column's last point to the next column's
		// first point is kept by starting the next column at j+1.
		i = j + 1
	}
	return out
}

func (r raster) fillRect(x, y, w, h float64, col color.RGBA) {
	for py := int(math.Floor(y)); float64(py) < y+h; py++ {
		for px := int(math.Floor(x)); float64(px) < x+w; px++ {
			// Coverage of the pixel square by the rectangle.
			cx := math.Min(float64(px+1), x+w) - math.Max(float64(px), x)
			cy := math.Min(float64(py+1), y+h) - math.Max(float64(py), y)
			if cx > 0 && cy > 0 {
				r.blend(px, py, col, cx*cy)
			}
		}
	}
}

func (r raster) circle(cx, cy, rad, width float64, s Style) {
	h := width / 2
	if s.Stroke.A == 0 {
		h = 0
	}
	ext := rad + h + 1
	for y := int(math.Floor(cy - ext)); y <= int(math.Ceil(cy+ext)); y++ {
		for x := int(math.Floor(cx - ext)); x <= int(math.Ceil(cx+ext)); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			if s.Fill.A != 0 {
				r.blend(x, y, s.Fill, rad+0.5-d)
			}
			if s.Stroke.A != 0 {
				r.blend(x, y, s.Stroke, h+0.5-math.Abs(d-rad))
			}
		}
	}
}

// fillPolygon fills by the even-odd rule, sampling each pixel at 4×4
// sub-pixel points for anti-aliasing.
func (r raster) fillPolygon(p []float64, col color.RGBA) {
	minY, maxY := math.Inf(1), math.Inf(-1)
	minX, maxX := math.Inf(1), math.Inf(-1)
	for i := 0; i < len(p); i += 2 {
		minX, maxX = math.Min(minX, p[i]), math.Max(maxX, p[i])
		minY, maxY = math.Min(minY, p[i+1]), math.Max(maxY, p[i+1])
	}
	const sub = 4
	b := r.img.Rect
	y0, y1 := max(int(math.Floor(minY)), b.Min.Y), min(int(math.Ceil(maxY)), b.Max.Y-1)
	x0, x1 := max(int(math.Floor(minX)), b.Min.X), min(int(math.Ceil(maxX)), b.Max.X-1)
	if x1 < x0 {
		return
	}
	cover := make([]int, x1-x0+1)
	var xs []float64
	for y := y0; y <= y1; y++ {
		clear(cover)
		for sy := 0; sy < sub; sy++ {
			yy := float64(y) + (float64(sy)+0.5)/sub
			xs = xs[:0]
			n := len(p) / 2
			for i := 0; i < n; i++ {
				ax, ay := p[2*i], p[2*i+1]
				bx, by := p[2*((i+1)%n)], p[2*((i+1)%n)+1]
				if (ay <= yy) != (by <= yy) {
					xs = append(xs, ax+(yy-ay)*(bx-ax)/(by-ay))
				}
			}
			sortFloats(xs)
			for k := 0; k+1 < len(xs); k += 2 {
				for sx := 0; sx < sub*(x1-x0+1); sx++ {
					xx := float64(x0) + (float64(sx)+0.5)/sub
					if xx >= xs[k] && xx < xs[k+1] {
						cover[sx/sub]++
					}
				}
			}
		}
		for i, cv := range cover {
			if cv > 0 {
				r.blend(x0+i, y, col, float64(cv)/(sub*sub))
			}
		}
	}
}

func sortFloats(a []float64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// textWidth is the width in pixels of s in the bitmap font at the given
// size; SVG text is close to it for a sans-serif font.
func textWidth(s string, size float64) float64 {
	return float64(len([]rune(s))) * (glyphW + 1) * pixelScale(size)
}

// pixelScale is the bitmap font's pixel size for a font of the given
// height: a 7-pixel glyph with one pixel of leading fills size·0.8.
func pixelScale(size float64) float64 {
	return math.Max(1, math.Round(size*0.8/glyphH))
}

func (r raster) text(it item) {
	sc := pixelScale(it.size)
	w := textWidth(it.text, it.size)
	off := 0.0
	switch it.anchor {
	case Middle:
		off = -w / 2
	case End:
		off = -w
	}
	x, y := it.pts[0], it.pts[1]
	col := it.style.Fill
	i := 0
	for _, ch := range it.text {
		g := glyph(ch)
		for row := 0; row < glyphH; row++ {
			for c := 0; c < glyphW; c++ {
				if g[row][c] != '#' {
					continue
				}
				// Glyph pixel (c, row) relative to the text origin, with
				// the baseline below the last row.
				u := off + (float64(i)*(glyphW+1)+float64(c))*sc
				v := -float64(glyphH-row) * sc
				px, py := x+u, y+v
				if it.rotate {
					px, py = x+v, y-u-sc
				}
				r.fillRect(math.Round(px), math.Round(py), sc, sc, col)
			}
		}
		i++
	}
}
