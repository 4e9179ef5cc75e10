package region

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
)

// PlotOptions controls WriteSVG and WritePNG. The zero value is usable.
type PlotOptions struct {
	// Width is the picture width in pixels (default: 800 for vector
	// output; for raster output it grows with the number of regions so
	// that a region keeps about 40 pixels, up to 4000). The height follows
	// the aspect ratio of the domain.
	Width int
	// Output is the output whose map colours the regions and whose zero
	// level set is drawn.
	Output int
	// RasterAbove is the number of regions above which WriteSVG embeds a
	// PNG raster instead of one polygon per region (default 5000).
	RasterAbove int
}

// ErrNotPlottable is returned for complexes that are not 2-D or carry no
// vertices (e.g. produced by Stream).
var ErrNotPlottable = errors.New("region map needs a 2-D complex with vertices")

type plotData struct {
	cx             *Complex
	x0, y0, x1, y1 float64
	W, H           int
	colors         []color.RGBA
	piece          []int32
	o              int
}

func (c *Complex) plotSetup(opt PlotOptions, raster bool) (*plotData, error) {
	if c.Dim != 2 || (len(c.Regions) > 0 && len(c.Regions[0].Vertices) == 0) {
		return nil, ErrNotPlottable
	}
	if opt.Output < 0 || opt.Output >= c.Outputs {
		return nil, fmt.Errorf("output %d out of range [0, %d)", opt.Output, c.Outputs)
	}
	p := &plotData{cx: c, o: opt.Output}
	p.x0, p.y0 = math.Inf(1), math.Inf(1)
	p.x1, p.y1 = math.Inf(-1), math.Inf(-1)
	for _, r := range c.Regions {
		for _, v := range r.Vertices {
			p.x0, p.x1 = math.Min(p.x0, v[0]), math.Max(p.x1, v[0])
			p.y0, p.y1 = math.Min(p.y0, v[1]), math.Max(p.y1, v[1])
		}
	}
	if !(p.x1 > p.x0 && p.y1 > p.y0) {
		return nil, ErrNotPlottable
	}
	W := opt.Width
	if W <= 0 {
		W = 800
		if raster {
			W = int(math.Min(4000, math.Max(800, 6.5*math.Sqrt(float64(len(c.Regions))))))
		}
	}
	p.W = W
	p.H = max(1, int(math.Round(float64(W)*(p.y1-p.y0)/(p.x1-p.x0))))
	// Pieces of the chosen output: union across facets with equal maps.
	u := newUF(len(c.Regions))
	for i := range c.Regions {
		for _, f := range c.Regions[i].Facets {
			if j := f.Neighbor; j > i && mapsEqual(affVec(c.Regions[i].Maps[p.o]), affVec(c.Regions[j].Maps[p.o])) {
				u.union(int32(i), int32(j))
			}
		}
	}
	p.piece = make([]int32, len(c.Regions))
	p.colors = make([]color.RGBA, len(c.Regions))
	scale := 0.0
	for _, r := range c.Regions {
		for _, v := range affVec(r.Maps[p.o]) {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	for i, r := range c.Regions {
		p.piece[i] = u.find(int32(i))
		p.colors[i] = mapColor(affVec(r.Maps[p.o]), scale)
	}
	return p, nil
}

func affVec(a Affine) []float64 {
	return append(append(make([]float64, 0, len(a.Grad)+1), a.Grad...), a.Const)
}

// mapColor gives equal maps equal colours: a hash of the map rounded on the
// grid of mapQuant picks a hue; saturation and value vary a little too.
func mapColor(m []float64, scale float64) color.RGBA {
	q := mapQuant * scale
	if q == 0 {
		q = 1
	}
	h := uint64(1469598103934665603)
	for _, v := range m {
		h = (h ^ uint64(int64(math.Round(v/q)))) * 1099511628211
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	hue := float64(h%3600) / 10
	sat := 0.35 + 0.3*float64(h>>12%100)/100
	val := 0.8 + 0.18*float64(h>>20%100)/100
	return hsv(hue, sat, val)
}

func hsv(h, s, v float64) color.RGBA {
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := v - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	return color.RGBA{uint8(255 * (r + m)), uint8(255 * (g + m)), uint8(255 * (b + m)), 255}
}

func (p *plotData) px(v []float64) (float64, float64) {
	return (v[0] - p.x0) / (p.x1 - p.x0) * float64(p.W), (p.y1 - v[1]) / (p.y1 - p.y0) * float64(p.H)
}

// zeroSegment returns the part of region r where the output map vanishes,
// when it is a segment.
func (p *plotData) zeroSegment(r *Region) (a, b []float64, ok bool) {
	m := r.Maps[p.o]
	n := len(r.Vertices)
	val := func(v []float64) float64 { return m.Grad[0]*v[0] + m.Grad[1]*v[1] + m.Const }
	scale := math.Abs(m.Grad[0]) + math.Abs(m.Grad[1])
	if scale == 0 {
		return nil, nil, false
	}
	var pts [][]float64
	for i := 0; i < n; i++ {
		u, w := r.Vertices[i], r.Vertices[(i+1)%n]
		fu, fw := val(u), val(w)
		if fu == 0 {
			pts = append(pts, u)
		}
		if fu*fw < 0 {
			t := fu / (fu - fw)
			pts = append(pts, []float64{u[0] + t*(w[0]-u[0]), u[1] + t*(w[1]-u[1])})
		}
	}
	if len(pts) < 2 {
		return nil, nil, false
	}
	return pts[0], pts[len(pts)-1], true
}

// pieceEdge reports whether facet edge (u, w) of region i separates two
// pieces (or lies on the domain boundary).
func (p *plotData) pieceEdge(i int, u, w []float64) bool {
	r := &p.cx.Regions[i]
	mx, my := (u[0]+w[0])/2, (u[1]+w[1])/2
	best, bf := math.Inf(1), -1
	for k, f := range r.Facets {
		s := math.Abs(f.Normal[0]*mx+f.Normal[1]*my-f.Offset) / math.Hypot(f.Normal[0], f.Normal[1])
		if s < best {
			best, bf = s, k
		}
	}
	if bf < 0 {
		return true
	}
	nb := r.Facets[bf].Neighbor
	return nb < 0 || p.piece[nb] != p.piece[i]
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// WriteSVG draws a 2-D complex: regions filled with a colour per affine map
// of opt.Output, region boundaries thin, boundaries between pieces dark,
// the zero level set of the output red. Above opt.RasterAbove regions the
// picture is a PNG raster embedded in the SVG, so that 100,000 regions stay
// legible and the file small.
func (c *Complex) WriteSVG(w io.Writer, opt PlotOptions) error {
	if opt.RasterAbove <= 0 {
		opt.RasterAbove = 5000
	}
	raster := len(c.Regions) > opt.RasterAbove
	p, err := c.plotSetup(opt, raster)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", p.W, p.H, p.W, p.H)
	fmt.Fprintf(&b, "<title>%d regions, %d pieces, %d affine maps (output %d)</title>\n",
		c.Counts[p.o].Regions, c.Counts[p.o].Pieces, c.Counts[p.o].AffineMaps, p.o)
	if raster {
		img := p.raster()
		var pb bytes.Buffer
		if err := png.Encode(&pb, img); err != nil {
			return err
		}
		fmt.Fprintf(&b, "<image width=\"%d\" height=\"%d\" href=\"data:image/png;base64,%s\"/>\n", p.W, p.H, base64.StdEncoding.EncodeToString(pb.Bytes()))
	} else {
		b.WriteString("<g stroke-width=\"0.5\" stroke-linejoin=\"round\">\n")
		for i := range c.Regions {
			r := &c.Regions[i]
			col := p.colors[i]
			dark := darker(col)
			b.WriteString("<polygon points=\"")
			for k, v := range r.Vertices {
				x, y := p.px(v)
				if k > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%.2f,%.2f", x, y)
			}
			fmt.Fprintf(&b, "\" fill=\"%s\" stroke=\"%s\"/>\n", hex(col), hex(dark))
		}
		b.WriteString("</g>\n<g stroke=\"#202020\" stroke-width=\"1.6\" stroke-linecap=\"round\">\n")
		for i := range c.Regions {
			r := &c.Regions[i]
			for k := range r.Vertices {
				u, v := r.Vertices[k], r.Vertices[(k+1)%len(r.Vertices)]
				if p.pieceEdge(i, u, v) {
					x0, y0 := p.px(u)
					x1, y1 := p.px(v)
					fmt.Fprintf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", x0, y0, x1, y1)
				}
			}
		}
		b.WriteString("</g>\n<g stroke=\"#e00000\" stroke-width=\"1.2\">\n")
		for i := range c.Regions {
			if a, e, ok := p.zeroSegment(&c.Regions[i]); ok {
				x0, y0 := p.px(a)
				x1, y1 := p.px(e)
				fmt.Fprintf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", x0, y0, x1, y1)
			}
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// WritePNG draws the same picture as WriteSVG as a PNG image.
func (c *Complex) WritePNG(w io.Writer, opt PlotOptions) error {
	p, err := c.plotSetup(opt, true)
	if err != nil {
		return err
	}
	return png.Encode(w, p.raster())
}

// raster fills every region by scanlines (convex polygons: one interval per
// pixel row), then draws region edges when regions are large enough to
// show them, piece boundaries, and the zero level set.
func (p *plotData) raster() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.W, p.H))
	cx := p.cx
	xs := make([]float64, 0, 16)
	for i := range cx.Regions {
		r := &cx.Regions[i]
		col := p.colors[i]
		ymin, ymax := math.Inf(1), math.Inf(-1)
		pts := make([][2]float64, len(r.Vertices))
		for k, v := range r.Vertices {
			x, y := p.px(v)
			pts[k] = [2]float64{x, y}
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
		for py := max(0, int(math.Ceil(ymin-0.5))); py < p.H && float64(py)+0.5 <= ymax; py++ {
			yc := float64(py) + 0.5
			xs = xs[:0]
			for k := range pts {
				a, b := pts[k], pts[(k+1)%len(pts)]
				if (a[1] <= yc && b[1] > yc) || (b[1] <= yc && a[1] > yc) {
					xs = append(xs, a[0]+(yc-a[1])/(b[1]-a[1])*(b[0]-a[0]))
				}
			}
			if len(xs) < 2 {
				continue
			}
			lo, hi := math.Min(xs[0], xs[1]), math.Max(xs[0], xs[1])
			for _, x := range xs[2:] {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
			for px := max(0, int(math.Ceil(lo-0.5))); px < p.W && float64(px)+0.5 <= hi; px++ {
				img.SetRGBA(px, py, col)
			}
		}
	}
	area := float64(p.W*p.H) / float64(max(1, len(cx.Regions)))
	for i := range cx.Regions {
		r := &cx.Regions[i]
		for k := range r.Vertices {
			u, v := r.Vertices[k], r.Vertices[(k+1)%len(r.Vertices)]
			if p.pieceEdge(i, u, v) {
				p.line(img, u, v, color.RGBA{32, 32, 32, 255}, 0.9)
			} else if area > 200 {
				c := p.colors[i]
				p.line(img, u, v, darker(c), 0.6)
			}
		}
	}
	for i := range cx.Regions {
		if a, b, ok := p.zeroSegment(&cx.Regions[i]); ok {
			p.line(img, a, b, color.RGBA{224, 0, 0, 255}, 1)
		}
	}
	return img
}

// line draws a segment with alpha blending (a simple DDA).
func (p *plotData) line(img *image.RGBA, u, v []float64, c color.RGBA, alpha float64) {
	x0, y0 := p.px(u)
	x1, y1 := p.px(v)
	n := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0)))) + 1
	for s := 0; s <= n; s++ {
		t := float64(s) / float64(n)
		x := int(x0 + t*(x1-x0))
		y := int(y0 + t*(y1-y0))
		if x < 0 || y < 0 || x >= p.W || y >= p.H {
			continue
		}
		o := img.RGBAAt(x, y)
		img.SetRGBA(x, y, color.RGBA{
			uint8(float64(o.R)*(1-alpha) + float64(c.R)*alpha),
			uint8(float64(o.G)*(1-alpha) + float64(c.G)*alpha),
			uint8(float64(o.B)*(1-alpha) + float64(c.B)*alpha), 255})
	}
}

func darker(c color.RGBA) color.RGBA {
	return color.RGBA{uint8(int(c.R) * 4 / 5), uint8(int(c.G) * 4 / 5), uint8(int(c.B) * 4 / 5), 255}
}
