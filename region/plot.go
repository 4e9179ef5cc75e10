package region

import (
	"errors"
	"io"
)

// PlotOptions controls WriteSVG and WritePNG.
type PlotOptions struct {
	// Width and Height of the picture in pixels (default 800 × 800 scaled
	// to the domain's aspect ratio).
	Width, Height int
	// Output is the output whose map colours the regions and whose zero
	// level set is drawn.
	Output int
	// RasterAbove is the number of regions above which WriteSVG embeds a
	// raster image instead of one polygon per region (default 5000).
	RasterAbove int
}

// WriteSVG draws a 2-D complex.
func (c *Complex) WriteSVG(w io.Writer, opt PlotOptions) error { return errors.New("not yet") }

// WritePNG draws a 2-D complex as a PNG image.
func (c *Complex) WritePNG(w io.Writer, opt PlotOptions) error { return errors.New("not yet") }
