// Package web is relucid's local web view: a page, served by the standard
// library's net/http with its assets embedded, on which one opens a ReLU net
// (a file below a configured directory, or an upload), looks at its 1-D
// slices with their breakpoints and, for nets R² → R, at its region map, builds
// members of the hard families of Arora et al. (ICLR 2018) with sliders, and
// runs exact training on a small CSV with live progress.
//
// The maths drawn is that of package relu: a net is a continuous piecewise
// linear function. Along a line t ↦ x0 + t·d it is a piecewise linear
// function of t whose breakpoints are the zero crossings of unit
// pre-activations at which the slope really changes. Over a box in R² it
// induces a polyhedral complex: the activation regions (points with one
// activation pattern, each a convex polygon), the maximal connected pieces on
// which the function is affine (regions with one affine map glued along
// shared edges) and the distinct affine maps; the page shows the three
// counts, regions ≥ pieces ≥ affine maps.
//
// The computations sit behind Engines: DefaultEngines computes slices exactly
// in rational arithmetic (package pwl), certifies region maps (package
// region), builds the families with exact rational weights (package hard)
// and trains exactly (package erm); exact=0 on a request selects float64
// variants for live previews. The API is JSON over HTTP:
//
//	POST /api/net[?path=REL]          open a net (body or form field "net"; or REL below Config.Root)
//	GET  /api/net/{id}[/json]         its summary, or the net itself
//	GET  /api/slice1d?net=ID&domain=A:B[&x0=..&d=..&out=J][&exact=0]
//	GET  /api/regions?net=ID&box=A:B,C:D[&out=J][&exact=0]
//	GET  /api/families                hard families and their parameters
//	POST /api/build                   {"family": NAME, "params": {...}}
//	POST /api/train?width=W&loss=L[&output_bias=1]   CSV body or form field "data"
//	GET  /api/train/{id}[/events]     job status, or a Server-Sent Events stream of it
//	POST /api/train/{id}/cancel
//
// Errors are 4xx answers with a JSON body {"error": message}: 400 for bad
// input (the decoder's message for a malformed net), 404 for unknown ids,
// 413 for uploads over Config.MaxUpload, 409 for a second training job, 422
// when an engine gives up (too many regions). The server is meant for
// loopback and has no authentication: CheckAddr refuses other listening
// addresses, and unless Config.AllowRemote the handler answers only requests
// addressed to localhost or a loopback IP (defeating DNS rebinding) and
// refuses state-changing requests from pages of another origin (403).
package web
