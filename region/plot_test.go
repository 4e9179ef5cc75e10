package region

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relucid/relucid/relu"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestPlotGolden draws Figure 1 (left) of the paper — H_(½),(½) ∘ ‖·‖₁ on
// [−3, 3]² — and compares the SVG with the golden file.
func TestPlotGolden(t *testing.T) {
	net, err := relu.ReadFile("testdata/fig1left.json")
	if err != nil {
		t.Fatal(err)
	}
	cx := enumerate2(t, net, box2(t, -3, 3), Options{})
	var b bytes.Buffer
	if err := cx.WriteSVG(&b, PlotOptions{Width: 400}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "fig1left.svg")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("SVG differs from %s (run go test -run PlotGolden -update after checking the picture)", golden)
	}
	s := b.String()
	// 20 polygons; 17 pieces so the 3 internal boundaries of the exterior
	// piece are not emphasised; a red zero level set.
	if n := strings.Count(s, "<polygon"); n != 20 {
		t.Errorf("%d polygons, want 20", n)
	}
	if !strings.Contains(s, "#e00000") {
		t.Error("no zero level set")
	}
	var pb bytes.Buffer
	if err := cx.WritePNG(&pb, PlotOptions{Width: 200}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&pb)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 200 || img.Bounds().Dy() != 200 {
		t.Errorf("PNG is %v, want 200×200", img.Bounds())
	}
}

// TestPlotRaster: above the threshold the SVG embeds a raster.
func TestPlotRaster(t *testing.T) {
	cx := enumerate2(t, randomNet(2, 2, 16, 16, 1), box2(t, -1, 1), Options{})
	var b bytes.Buffer
	if err := cx.WriteSVG(&b, PlotOptions{RasterAbove: 10}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "data:image/png;base64,") || strings.Contains(b.String(), "<polygon") {
		t.Error("expected an embedded raster and no polygons")
	}
	if os.Getenv("RELUCID_PLOT_DIR") != "" {
		var pb bytes.Buffer
		cx.WritePNG(&pb, PlotOptions{})
		os.WriteFile(filepath.Join(os.Getenv("RELUCID_PLOT_DIR"), "random16.png"), pb.Bytes(), 0o644)
	}
}

func TestPlotErrors(t *testing.T) {
	b3, _ := Box([]float64{-1, -1, -1}, []float64{1, 1, 1})
	cx := enumerate2(t, randomNet(2, 3, 4, 1), b3, Options{})
	if err := cx.WriteSVG(&bytes.Buffer{}, PlotOptions{}); err == nil {
		t.Error("3-D complex plotted")
	}
}
