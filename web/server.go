package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/relucid/relucid/relu"
)

//go:embed static
var staticFS embed.FS

// DefaultMaxUpload is the default limit on the size of an uploaded net or
// CSV file. Nets the page can draw are far smaller; the limit keeps a stray
// upload from filling memory.
const DefaultMaxUpload = 8 << 20

// maxNets is how many nets the server keeps; opening more forgets the oldest.
const maxNets = 64

// shutdownGrace bounds how long a graceful shutdown waits for requests.
const shutdownGrace = 5 * time.Second

// Engines are the computations behind the page. DefaultEngines returns the
// built-in ones; a program may substitute exact engines.
type Engines struct {
	// Slice restricts output out of n to t ↦ x0 + t·d, t ∈ [lo, hi].
	Slice func(ctx context.Context, n *relu.Net, out int, x0, d []float64, lo, hi float64) (*Slice1D, error)
	// Regions computes the region map of output out of an R² net over box.
	Regions func(ctx context.Context, n *relu.Net, out int, box [2][2]float64) (*RegionMap, error)
	// FastSlice and FastRegions are quicker float64 variants for live
	// previews (requests with exact=0); nil means use Slice and Regions.
	FastSlice   func(ctx context.Context, n *relu.Net, out int, x0, d []float64, lo, hi float64) (*Slice1D, error)
	FastRegions func(ctx context.Context, n *relu.Net, out int, box [2][2]float64) (*RegionMap, error)
	// Families lists the hard families Build knows.
	Families []Family
	// Build builds a member of a family; params missing take defaults.
	Build func(family string, params map[string]float64) (*relu.Net, error)
	// Train runs exact training.
	Train func(ctx context.Context, req TrainRequest, progress func(TrainProgress)) (*TrainResult, error)
}

// DefaultEngines returns the built-in engines: exact 1-D slices (package
// pwl), exact region maps (package region), the hard families of package
// hard and exact training (package erm); for previews, float64 slices (pwl)
// and float64 region maps by polygon cutting.
func DefaultEngines() Engines {
	return Engines{Slice: sliceExact, Regions: regionsExact, FastSlice: sliceFast, FastRegions: regionsFast,
		Families: builtinFamilies, Build: buildFamily, Train: trainERM}
}

// Config configures a Server.
type Config struct {
	// Root is the directory below which nets may be opened by path; empty
	// disables opening by path.
	Root string
	// MaxUpload limits uploaded bodies in bytes (DefaultMaxUpload if 0).
	MaxUpload int64
	// Engines; zero fields take the defaults of DefaultEngines.
	Engines Engines
	// Decode reads a net file; name is the file name (to choose a format by
	// extension). Nil means relu.Decode for every name.
	Decode func(name string, r io.Reader) (*relu.Net, error)
	// Log receives one line per server error; nil discards.
	Log *log.Logger
	// AllowRemote accepts requests for any host name. Without it the
	// server answers only requests addressed to localhost or a loopback
	// IP, which defeats DNS rebinding: a web page elsewhere cannot make
	// the browser read this server under its own name.
	AllowRemote bool
}

// Server is the local web view. Create it with New.
type Server struct {
	cfg  Config
	root fs.FS // nil when opening by path is disabled

	mu     sync.Mutex
	nets   map[string]*netEntry
	order  []string // ids, oldest first
	nextID int
	jobs   map[string]*job
	nextJb int

	baseCtx context.Context // cancelled when the server shuts down
}

type netEntry struct {
	id   string
	name string
	net  *relu.Net
	view *View
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	def := DefaultEngines()
	// A caller's own Slice (Regions) also serves fast requests unless it
	// gives a fast variant too.
	if cfg.Engines.Slice == nil {
		cfg.Engines.Slice = def.Slice
		if cfg.Engines.FastSlice == nil {
			cfg.Engines.FastSlice = def.FastSlice
		}
	}
	if cfg.Engines.FastSlice == nil {
		cfg.Engines.FastSlice = cfg.Engines.Slice
	}
	if cfg.Engines.Regions == nil {
		cfg.Engines.Regions = def.Regions
		if cfg.Engines.FastRegions == nil {
			cfg.Engines.FastRegions = def.FastRegions
		}
	}
	if cfg.Engines.FastRegions == nil {
		cfg.Engines.FastRegions = cfg.Engines.Regions
	}
	if cfg.Engines.Train == nil {
		cfg.Engines.Train = def.Train
	}
	if cfg.Engines.Build == nil {
		cfg.Engines.Build, cfg.Engines.Families = def.Build, def.Families
	}
	if cfg.Decode == nil {
		cfg.Decode = func(_ string, r io.Reader) (*relu.Net, error) { return relu.Decode(r) }
	}
	s := &Server{cfg: cfg, nets: map[string]*netEntry{}, jobs: map[string]*job{}, baseCtx: context.Background()}
	if cfg.Root != "" {
		r, err := openRoot(cfg.Root)
		if err != nil {
			return nil, fmt.Errorf("net directory: %w", err)
		}
		s.root = r
	}
	return s, nil
}

// Handler returns the HTTP handler of the page and its API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(static)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("POST /api/net", s.handleNet)
	mux.HandleFunc("GET /api/net/{id}", s.handleNetGet)
	mux.HandleFunc("GET /api/net/{id}/json", s.handleNetJSON)
	mux.HandleFunc("GET /api/slice1d", s.handleSlice)
	mux.HandleFunc("GET /api/regions", s.handleRegions)
	mux.HandleFunc("GET /api/families", s.handleFamilies)
	mux.HandleFunc("POST /api/build", s.handleBuild)
	mux.HandleFunc("POST /api/train", s.handleTrain)
	mux.HandleFunc("GET /api/train/{id}", s.handleTrainGet)
	mux.HandleFunc("GET /api/train/{id}/events", s.handleTrainEvents)
	mux.HandleFunc("POST /api/train/{id}/cancel", s.handleTrainCancel)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpError(w, http.StatusNotFound, "no API endpoint %s %s", r.Method, r.URL.Path)
	})
	return s.guard(securityHeaders(mux))
}

// guard refuses requests addressed to a non-loopback host name (unless
// AllowRemote) and state-changing requests sent by pages of another origin.
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.AllowRemote && !loopbackHost(r.Host) {
			httpError(w, http.StatusForbidden, "host %q is not a loopback address; start the server with --allow-remote to serve other names", r.Host)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if o := r.Header.Get("Origin"); o != "" && o != "null" {
				u, err := url.Parse(o)
				if err != nil || u.Host != r.Host {
					httpError(w, http.StatusForbidden, "cross-origin request from %q refused", o)
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names localhost or a loopback
// IP address.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// securityHeaders keeps other sites from framing the page or sniffing
// content types; the page loads nothing from elsewhere.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
		h.ServeHTTP(w, r)
	})
}

// CheckAddr reports an error unless addr (host:port) names a loopback
// address, or allowRemote is set. An empty host means every interface and is
// refused too.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address; the web view has no authentication, so pass --allow-remote to serve other machines", addr)
	}
	return nil
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// running training jobs are cancelled and open requests get shutdownGrace
// to finish. It returns nil after a shutdown caused by ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.baseCtx = ctx
	s.mu.Unlock()
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          s.cfg.Log,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer scancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	<-errc
	return err
}

func (s *Server) logf(format string, a ...any) {
	if s.cfg.Log != nil {
		s.cfg.Log.Printf(format, a...)
	}
}
