package plot

import (
	"io"
	"testing"
)

// BenchmarkFunctionPNG rasterises and encodes a 640×400 plot of a
// function with 1000 breakpoints.
func BenchmarkFunctionPNG(b *testing.B) {
	f := Function{}
	for i := range 1000 {
		f.X = append(f.X, float64(i))
		f.Y = append(f.Y, float64(i%2))
	}
	c, err := FunctionPlot(f, 0, 0, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WritePNG(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFunctionSVG writes the same plot as SVG.
func BenchmarkFunctionSVG(b *testing.B) {
	f := Function{}
	for i := range 1000 {
		f.X = append(f.X, float64(i))
		f.Y = append(f.Y, float64(i%2))
	}
	c, err := FunctionPlot(f, 0, 0, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteSVG(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
