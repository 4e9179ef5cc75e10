package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"path/filepath"
	"strings"

	"github.com/relucid/relucid/onnx"
	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/web"
)

func cmdServe() command {
	return command{
		name:    "serve",
		args:    "[--addr 127.0.0.1:8080] [--root DIR] [--max-upload BYTES] [--allow-remote]",
		summary: "local web view: slices, region maps, hard families, exact training",
		help: `Serves a local web page on which you open a net (a file below --root, or an
upload of at most --max-upload bytes), look at its 1-D slices with their
breakpoints and, for nets R² → R, at its region map with the counts of regions,
pieces and affine maps (hover a region for its activation pattern and affine
map), build members of the hard families with sliders, and run exact training
on a small CSV with live progress.

The page has no authentication, so it listens on a loopback address only;
--allow-remote lifts that. Ctrl-C stops the server gracefully.

Example:
  relucid serve --addr 127.0.0.1:8080 --root testdata
  # then open http://127.0.0.1:8080/ and type zigzag.json into "Open"`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on (loopback unless --allow-remote)")
			root := fs.String("root", ".", "`directory` below which nets may be opened by path")
			maxUp := fs.Int64("max-upload", web.DefaultMaxUpload, "largest accepted upload in `bytes`")
			remote := fs.Bool("allow-remote", false, "allow a non-loopback address (the page has no authentication)")
			return func(e *env, args []string) error {
				if err := needArgs(args, 0, ""); err != nil {
					return err
				}
				if *maxUp <= 0 {
					return usagef("--max-upload must be positive")
				}
				if err := web.CheckAddr(*addr, *remote); err != nil {
					return usagef("%v", err)
				}
				srv, err := web.New(web.Config{
					Root:        *root,
					MaxUpload:   *maxUp,
					Engines:     serveEngines(),
					Decode:      decodeNamed,
					Log:         log.New(e.stderr, "relucid serve: ", log.LstdFlags),
					AllowRemote: *remote,
				})
				if err != nil {
					return err
				}
				ln, err := net.Listen("tcp", *addr)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "relucid serve: serving nets below %s on http://%s/ (Ctrl-C stops)\n", *root, ln.Addr())
				return srv.Serve(e.ctx, ln)
			}
		},
	}
}

// decodeNamed reads a net from r, as ONNX when name ends in .onnx and as
// network JSON otherwise. Uploaded ONNX models must keep their weights
// inline: the external data file of an upload is not available.
func decodeNamed(name string, r io.Reader) (*relu.Net, error) {
	if strings.EqualFold(filepath.Ext(name), ".onnx") {
		return onnx.Read(r, nil)
	}
	return relu.Decode(r)
}

// serveEngines returns the engines of the web view.
func serveEngines() web.Engines {
	return web.DefaultEngines()
}
