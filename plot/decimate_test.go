package plot

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// inked reports whether a pixel differs clearly from the white background.
func inked(img *image.RGBA, x, y int) bool {
	i := img.PixOffset(x, y)
	return img.Pix[i] < 128 || img.Pix[i+1] < 128 || img.Pix[i+2] < 128
}

// TestDecimateKeepsInk draws a dense sawtooth (many teeth per pixel column)
// with and without decimation; the inked pixels must agree.
func TestDecimateKeepsInk(t *testing.T) {
	const w, h, teeth = 300, 200, 20000
	pts := make([]float64, 0, 2*(teeth+1))
	for i := 0; i <= teeth; i++ {
		y := 20.0
		if i%2 == 1 {
			y = 180 - 60*math.Sin(float64(i)/3000) // varying tooth height
		}
		pts = append(pts, 10+280*float64(i)/teeth, y)
	}
	if got := len(decimate(pts)); got >= len(pts)/10 {
		t.Fatalf("decimate kept %d of %d coordinates", got, len(pts))
	}
	render := func(p []float64) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		r := raster{img}
		for i := 0; i+3 < len(p); i += 2 {
			r.segment(p[i], p[i+1], p[i+2], p[i+3], 1.5, color.RGBA{0, 0, 0, 255})
		}
		return img
	}
	full, thin := render(pts), render(decimate(pts))
	var ink, diff int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a, b := inked(full, x, y), inked(thin, x, y)
			if a {
				ink++
			}
			if a != b {
				diff++
			}
		}
	}
	if ink == 0 || float64(diff) > 0.01*float64(ink) {
		t.Errorf("decimation changed %d of %d inked pixels", diff, ink)
	}
}

func TestDecimateLeavesNonMonotone(t *testing.T) {
	p := make([]float64, 0, 10000)
	for i := 0; i < 5000; i++ {
		p = append(p, float64(i%7), float64(i))
	}
	if len(decimate(p)) != len(p) {
		t.Error("a polyline that is not x-monotone was decimated")
	}
}
