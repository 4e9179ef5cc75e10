package hard

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/big"
	"sort"

	"github.com/relucid/relucid/relu"
)

// Curve is one polyline of a line plot: the knots of a PWL function (exact
// breakpoints converted to float64 for drawing) joined by straight lines.
type Curve struct {
	Label string
	X, Y  []float64
}

// PlotSVG draws curves side by side, one panel each, on [x0, x1] (Figure 2
// style: h_{a^1}, h_{a^2} and their composition). Knots outside the window
// are clipped by linear interpolation; the plain SVG needs no library.
func PlotSVG(curves []Curve, x0, x1 float64) []byte {
	const pw, ph, pad = 300.0, 220.0, 30.0
	var b bytes.Buffer
	W := float64(len(curves))*(pw+pad) + pad
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", W, ph+2*pad+20)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for i, c := range curves {
		ox := pad + float64(i)*(pw+pad)
		oy := pad
		pts := clip(c.X, c.Y, x0, x1)
		ymin, ymax := 0.0, 0.0
		for _, q := range pts {
			ymin, ymax = math.Min(ymin, q[1]), math.Max(ymax, q[1])
		}
		if ymax == ymin {
			ymax = ymin + 1
		}
		sx := func(x float64) float64 { return ox + (x-x0)/(x1-x0)*pw }
		sy := func(y float64) float64 { return oy + ph - (y-ymin)/(ymax-ymin)*ph }
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`+"\n", ox, oy, pw, ph)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ccc"/>`+"\n", ox, sy(0), ox+pw, sy(0))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", ox, oy+ph+18, escape(c.Label))
		fmt.Fprintf(&b, `<polyline fill="none" stroke="#1f5fbf" stroke-width="1.5" points="`)
		for _, p := range pts {
			fmt.Fprintf(&b, "%.2f,%.2f ", sx(p[0]), sy(p[1]))
		}
		b.WriteString(`"/>` + "\n")
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// clip returns the polyline through the knots restricted to [x0, x1]; the
// knots are ascending and the function is affine between and beyond them
// (extended with the end slopes implied by the outermost knot pairs).
func clip(xs, ys []float64, x0, x1 float64) [][2]float64 {
	at := func(x float64) float64 {
		n := len(xs)
		if n == 1 {
			return ys[0]
		}
		i := sort.SearchFloat64s(xs, x)
		switch {
		case i == 0:
			i = 1
		case i >= n:
			i = n - 1
		}
		t := (x - xs[i-1]) / (xs[i] - xs[i-1])
		return ys[i-1] + t*(ys[i]-ys[i-1])
	}
	out := [][2]float64{{x0, at(x0)}}
	for i, x := range xs {
		if x > x0 && x < x1 {
			out = append(out, [2]float64{x, ys[i]})
		}
	}
	return append(out, [2]float64{x1, at(x1)})
}

func escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HeatMapSVG draws f = H∘γ_Z on the square [−r, r]² as a heat map of
// cells×cells pixels (float64 evaluation of the net, for colour only,
// embedded as a PNG so the file stays small) with
// the exact piece boundaries on top: the lines ⟨x, b^i⟩ = 0 separating the
// normal cones, and the level polygons γ_Z = t at the breakpoints t of H in
// (0, M] (Figure 1 style).
func HeatMapSVG(f *ZonotopeFunc, r float64, cells int, title string) ([]byte, error) {
	if f.Z.N != 2 {
		return nil, fmt.Errorf("heat map needs generators in R², got R^%d", f.Z.N)
	}
	net := f.Net()
	const size, pad = 420.0, 30.0
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", size+2*pad, size+2*pad+20)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	M, _ := f.H.M.Float64()
	ev := relu.NewEvaluator(net)
	img := image.NewRGBA(image.Rect(0, 0, cells, cells))
	out := make([]float64, 1)
	in := make([]float64, 2)
	for i := 0; i < cells; i++ {
		for j := 0; j < cells; j++ {
			in[0] = -r + (float64(i)+0.5)*2*r/float64(cells)
			in[1] = r - (float64(j)+0.5)*2*r/float64(cells)
			img.Set(i, j, colour(ev.Eval(out, in)[0]/M))
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, `<image x="%.1f" y="%.1f" width="%.1f" height="%.1f" preserveAspectRatio="none" href="data:image/png;base64,%s"/>`+"\n",
		pad, pad, size, size, base64.StdEncoding.EncodeToString(pngBuf.Bytes()))
	sx := func(x float64) float64 { return pad + (x+r)/(2*r)*size }
	sy := func(y float64) float64 { return pad + (r-y)/(2*r)*size }
	// directions of the cone boundaries: d ⊥ b^i, both signs.
	type dir struct{ x, y, ang float64 }
	var dirs []dir
	for _, g := range f.Z.Gens {
		gx, _ := g[0].Float64()
		gy, _ := g[1].Float64()
		if gx == 0 && gy == 0 {
			continue
		}
		for _, s := range []float64{1, -1} {
			d := dir{x: -gy * s, y: gx * s}
			d.ang = math.Atan2(d.y, d.x)
			dirs = append(dirs, d)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].ang < dirs[j].ang })
	gamma := func(x, y float64) float64 {
		s := 0.0
		for _, g := range f.Z.Gens {
			gx, _ := g[0].Float64()
			gy, _ := g[1].Float64()
			s += math.Abs(gx*x + gy*y)
		}
		return s
	}
	// cone boundaries: out to γ = M when H vanishes beyond M, else to the frame.
	for _, d := range dirs {
		t := M / gamma(d.x, d.y)
		if !f.H.ZeroBeyondM() {
			t = 4 * r / math.Hypot(d.x, d.y)
		}
		x, y := clampRay(d.x*t, d.y*t, r)
		fmt.Fprintf(&b, `<line x1="%.2f" y1="%.2f" x2="%.2f" y2="%.2f" stroke="black" stroke-width="0.8"/>`+"\n", sx(0), sy(0), sx(x), sy(y))
	}
	bps, err := f.H.Breakpoints(2000)
	if err != nil {
		return nil, err
	}
	levels := append(append([]*big.Rat{}, bps...), f.H.M)
	for _, lv := range levels {
		t, _ := lv.Float64()
		b.WriteString(`<polygon fill="none" stroke="black" stroke-width="0.8" points="`)
		for _, d := range dirs {
			s := t / gamma(d.x, d.y)
			fmt.Fprintf(&b, "%.2f,%.2f ", sx(d.x*s), sy(d.y*s))
		}
		b.WriteString(`"/>` + "\n")
	}
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#666"/>`+"\n", pad, pad, size, size)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", pad, size+2*pad+10, escape(title))
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// clampRay shortens (x, y) to lie within the square [−r, r]².
func clampRay(x, y, r float64) (float64, float64) {
	s := 1.0
	if ax := math.Abs(x); ax > r {
		s = math.Min(s, r/ax)
	}
	if ay := math.Abs(y); ay > r {
		s = math.Min(s, r/ay)
	}
	return x * s, y * s
}

// colour maps t ∈ [0, 1] to a blue–yellow ramp (values outside are clamped).
func colour(t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	return color.RGBA{R: uint8(30 + 225*t), G: uint8(60 + 170*t), B: uint8(140 - 110*t), A: 255}
}

// PlotRadius returns a half-width for HeatMapSVG that shows the set
// {γ_Z ≤ M} with a margin of 15%: the largest coordinate of the level
// polygon γ_Z = M, whose vertices lie on the cone boundaries.
func (f *ZonotopeFunc) PlotRadius() float64 {
	M, _ := f.H.M.Float64()
	r := 0.0
	for _, g := range f.Z.Gens {
		gx, _ := g[0].Float64()
		gy, _ := g[1].Float64()
		dx, dy := -gy, gx
		s := 0.0
		for _, h := range f.Z.Gens {
			hx, _ := h[0].Float64()
			hy, _ := h[1].Float64()
			s += math.Abs(hx*dx + hy*dy)
		}
		if s > 0 {
			r = math.Max(r, M/s*math.Max(math.Abs(dx), math.Abs(dy)))
		}
	}
	if r == 0 {
		r = 1
	}
	return 1.15 * r
}
