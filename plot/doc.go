// Package plot draws the pictures relucid's results call for, as SVG and
// as PNG, with the standard library only.
//
// A Canvas records primitives — lines, rectangles, circles, polygons and
// text — in pixel coordinates and renders the same list either as an SVG
// document (WriteSVG) or as a raster image (Image, WritePNG) drawn with
// anti-aliasing by pixel coverage and a built-in 5×7 bitmap font (lower
// case is drawn as small capitals). A Frame maps data coordinates to a
// rectangle of the canvas and draws axes with "nice" ticks (1, 2 or 5 times
// a power of ten; powers of ten on a logarithmic axis).
//
// The plots:
//
//   - FunctionPlot: a continuous piecewise linear function R→R given by
//     knots, values and end slopes (the fields of pwl.Func), over a domain,
//     with its breakpoints marked. Between knots the function is linear, so
//     the drawn polyline through the knots is the exact graph.
//   - TrainingPlot: data points with the fitted function, beside a strip
//     chart of the objectives gradient-descent restarts reached against the
//     global optimum.
//   - LineChart: series against a parameter, optionally on a logarithmic y
//     axis — the number of pieces against depth, where constructions grow
//     exponentially and bounds are compared.
//
// 2-D region maps of a net are drawn by package region with this package's
// Canvas.
package plot
