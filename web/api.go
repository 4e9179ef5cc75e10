package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/relucid/relucid/relu"
)

// apiError is the body of every 4xx/5xx answer of the API.
type apiError struct {
	Error string `json:"error"`
}

func httpError(w http.ResponseWriter, code int, format string, a ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(apiError{Error: fmt.Sprintf(format, a...)})
}

func writeOK(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// bodyError turns a failed body read into 413 (too large) or 400.
func (s *Server) bodyError(w http.ResponseWriter, what string, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		httpError(w, http.StatusRequestEntityTooLarge, "%s is larger than the upload limit of %d bytes", what, s.cfg.MaxUpload)
		return
	}
	httpError(w, http.StatusBadRequest, "reading %s: %v", what, err)
}

// readUpload returns the uploaded file: the part named field of a multipart
// form, or else the whole body. name is the file name when known.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, field string) (data []byte, name string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, "", err
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil, "", fmt.Errorf("multipart form has no %q file", field)
			}
			if err != nil {
				return nil, "", err
			}
			if p.FormName() == field {
				data, err := io.ReadAll(p)
				return data, p.FileName(), err
			}
		}
	}
	data, err = io.ReadAll(r.Body)
	return data, r.URL.Query().Get("name"), err
}

// View is the page's default view of a net: the interval of its 1-D slice
// and, for R² nets, the box of its region map.
type View struct {
	Domain [2]float64 `json:"domain"`
}

// NetInfo describes a net the server holds.
type NetInfo struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Inputs       int    `json:"inputs"`
	Outputs      int    `json:"outputs"`
	Depth        int    `json:"depth"`
	HiddenWidths []int  `json:"hidden_widths"`
	Size         int    `json:"size"`
	OutputBias   bool   `json:"output_bias"`
	View         View   `json:"view"`
}

func (e *netEntry) info() NetInfo {
	return NetInfo{ID: e.id, Name: e.name, Inputs: e.net.InputDim(), Outputs: e.net.OutputDim(),
		Depth: e.net.Depth(), HiddenWidths: e.net.HiddenWidths(), Size: e.net.Size(),
		OutputBias: e.net.HasOutputBias(), View: *e.view}
}

// addNet stores n and returns its entry, forgetting the oldest net when
// maxNets are held.
func (s *Server) addNet(name string, n *relu.Net, v *View) *netEntry {
	if v == nil {
		v = &View{Domain: [2]float64{-1, 1}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	e := &netEntry{id: "n" + strconv.Itoa(s.nextID), name: name, net: n, view: v}
	s.nets[e.id] = e
	s.order = append(s.order, e.id)
	if len(s.order) > maxNets {
		delete(s.nets, s.order[0])
		s.order = s.order[1:]
	}
	return e
}

func (s *Server) lookup(w http.ResponseWriter, id string) *netEntry {
	if id == "" {
		httpError(w, http.StatusBadRequest, "missing net id (parameter net)")
		return nil
	}
	s.mu.Lock()
	e := s.nets[id]
	s.mu.Unlock()
	if e == nil {
		httpError(w, http.StatusNotFound, "no net with id %q (open or build one first)", id)
	}
	return e
}

// handleNet opens a net: POST /api/net?path=REL opens a file under the net
// directory; otherwise the body (raw or multipart field "net") is the file.
func (s *Server) handleNet(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Query().Get("path"); p != "" {
		s.openPath(w, p)
		return
	}
	data, name, err := s.readUpload(w, r, "net")
	if err != nil {
		s.bodyError(w, "network file", err)
		return
	}
	if len(data) == 0 {
		httpError(w, http.StatusBadRequest, "empty upload: send a network JSON file as the body or as form field \"net\"")
		return
	}
	if name == "" {
		name = "upload.json"
	}
	n, err := s.cfg.Decode(name, bytes.NewReader(data))
	if err != nil {
		httpError(w, http.StatusBadRequest, "%s: %v", name, err)
		return
	}
	writeOK(w, s.addNet(name, n, nil).info())
}

// openPath opens a net below the configured root. The root is an os.Root,
// which refuses paths (and symbolic links) that leave it.
func (s *Server) openPath(w http.ResponseWriter, p string) {
	if s.root == nil {
		httpError(w, http.StatusForbidden, "opening nets by path is disabled (start the server with --root DIR)")
		return
	}
	clean := path.Clean(strings.TrimPrefix(p, "/"))
	if !fs.ValidPath(clean) || clean == "." {
		httpError(w, http.StatusBadRequest, "path %q is not a file path inside the net directory", p)
		return
	}
	f, err := s.root.Open(clean)
	if err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, fs.ErrNotExist) {
			code = http.StatusNotFound
		}
		httpError(w, code, "%s: %v", p, unwrapPathError(err))
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			httpError(w, http.StatusBadRequest, "%s is a directory", p)
			return
		}
		if st.Size() > s.cfg.MaxUpload {
			httpError(w, http.StatusRequestEntityTooLarge, "%s is larger than the upload limit of %d bytes", p, s.cfg.MaxUpload)
			return
		}
	}
	n, err := s.cfg.Decode(clean, io.LimitReader(f, s.cfg.MaxUpload))
	if err != nil {
		httpError(w, http.StatusBadRequest, "%s: %v", p, err)
		return
	}
	writeOK(w, s.addNet(clean, n, nil).info())
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func openRoot(dir string) (fs.FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return r.FS(), nil
}

func (s *Server) handleNetGet(w http.ResponseWriter, r *http.Request) {
	if e := s.lookup(w, r.PathValue("id")); e != nil {
		writeOK(w, e.info())
	}
}

func (s *Server) handleNetJSON(w http.ResponseWriter, r *http.Request) {
	e := s.lookup(w, r.PathValue("id"))
	if e == nil {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": path.Base(strings.TrimSuffix(e.name, path.Ext(e.name))) + ".json"}))
	if err := e.net.Encode(w); err != nil {
		s.logf("encoding net %s: %v", e.id, err)
	}
}

// parseFloats parses a comma-separated list of n finite numbers.
func parseFloats(s string, n int, what string) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("%s needs %d comma-separated numbers, got %q", what, n, s)
	}
	v := make([]float64, n)
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: %q is not a finite number", what, p)
		}
		v[i] = f
	}
	return v, nil
}

// parseInterval parses "A:B" with A < B.
func parseInterval(s, what string) ([2]float64, error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return [2]float64{}, fmt.Errorf("%s %q: want A:B", what, s)
	}
	v, err := parseFloats(a+","+b, 2, what)
	if err != nil {
		return [2]float64{}, err
	}
	if !(v[0] < v[1]) {
		return [2]float64{}, fmt.Errorf("%s %q: need A < B", what, s)
	}
	return [2]float64{v[0], v[1]}, nil
}

func parseOut(r *http.Request, n *relu.Net) (int, error) {
	s := r.URL.Query().Get("out")
	if s == "" {
		return 0, nil
	}
	o, err := strconv.Atoi(s)
	if err != nil || o < 0 || o >= n.OutputDim() {
		return 0, fmt.Errorf("out %q: want an output index in 0..%d", s, n.OutputDim()-1)
	}
	return o, nil
}

// handleSlice: GET /api/slice1d?net=ID[&domain=A:B][&x0=..][&d=..][&out=J][&exact=0].
// The default line is the first coordinate axis through the origin; exact=0
// asks for the quicker float64 engine.
func (s *Server) handleSlice(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e := s.lookup(w, q.Get("net"))
	if e == nil {
		return
	}
	n := e.net.InputDim()
	dom := e.view.Domain
	var err error
	if v := q.Get("domain"); v != "" {
		if dom, err = parseInterval(v, "domain"); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	x0, d := make([]float64, n), make([]float64, n)
	d[0] = 1
	if v := q.Get("x0"); v != "" {
		if x0, err = parseFloats(v, n, "x0"); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	if v := q.Get("d"); v != "" {
		if d, err = parseFloats(v, n, "d"); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	out, err := parseOut(r, e.net)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	slice := s.cfg.Engines.Slice
	if q.Get("exact") == "0" {
		slice = s.cfg.Engines.FastSlice
	}
	sl, err := slice(r.Context(), e.net, out, x0, d, dom[0], dom[1])
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	writeOK(w, sl)
}

// handleRegions: GET /api/regions?net=ID[&box=A:B,C:D][&out=J][&exact=0]
// [&x0=..&u=..&v=..]. A net with more than two inputs (or any net given a
// plane) is mapped on the plane (s, t) ↦ x0 + s·u + t·v, by default the plane
// of the first two coordinates.
func (s *Server) handleRegions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e := s.lookup(w, q.Get("net"))
	if e == nil {
		return
	}
	dim := e.net.InputDim()
	if dim < 2 {
		httpError(w, http.StatusBadRequest, "region map needs a net with at least 2 inputs (%s has %d); use the 1-D slice", e.name, dim)
		return
	}
	netOnPlane := e.net
	var plane *Plane
	if dim > 2 || q.Get("x0") != "" || q.Get("u") != "" || q.Get("v") != "" {
		plane = &Plane{X0: make([]float64, dim), U: make([]float64, dim), V: make([]float64, dim)}
		plane.U[0], plane.V[1] = 1, 1
		for _, f := range []struct {
			name string
			dst  *[]float64
		}{{"x0", &plane.X0}, {"u", &plane.U}, {"v", &plane.V}} {
			if v := q.Get(f.name); v != "" {
				vals, err := parseFloats(v, dim, f.name)
				if err != nil {
					httpError(w, http.StatusBadRequest, "%v", err)
					return
				}
				*f.dst = vals
			}
		}
		var err error
		if netOnPlane, err = planeNet(e.net, plane); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	box := [2][2]float64{e.view.Domain, e.view.Domain}
	if v := q.Get("box"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 2 {
			httpError(w, http.StatusBadRequest, "box %q: want A:B,C:D", v)
			return
		}
		for i, p := range parts {
			iv, err := parseInterval(p, "box")
			if err != nil {
				httpError(w, http.StatusBadRequest, "%v", err)
				return
			}
			box[i] = iv
		}
	}
	out, err := parseOut(r, e.net)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	regions := s.cfg.Engines.Regions
	if q.Get("exact") == "0" {
		regions = s.cfg.Engines.FastRegions
	}
	rm, err := regions(r.Context(), netOnPlane, out, box)
	if err != nil {
		httpError(w, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	rm.Plane = plane
	writeOK(w, rm)
}

func (s *Server) handleFamilies(w http.ResponseWriter, r *http.Request) {
	writeOK(w, s.cfg.Engines.Families)
}

// BuildRequest is the body of POST /api/build.
type BuildRequest struct {
	Family string             `json:"family"`
	Params map[string]float64 `json:"params"`
}

func (s *Server) handleBuild(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	var req BuildRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpError(w, http.StatusRequestEntityTooLarge, "build request larger than %d bytes", mbe.Limit)
			return
		}
		httpError(w, http.StatusBadRequest, "build request: %v (want {\"family\": NAME, \"params\": {...}})", err)
		return
	}
	var fam *Family
	for i := range s.cfg.Engines.Families {
		if s.cfg.Engines.Families[i].Name == req.Family {
			fam = &s.cfg.Engines.Families[i]
		}
	}
	if fam == nil {
		names := make([]string, len(s.cfg.Engines.Families))
		for i, f := range s.cfg.Engines.Families {
			names[i] = f.Name
		}
		httpError(w, http.StatusBadRequest, "unknown family %q (known: %s)", req.Family, strings.Join(names, ", "))
		return
	}
	n, err := s.cfg.Engines.Build(req.Family, req.Params)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	name := req.Family
	for _, p := range fam.Params {
		if v, ok := req.Params[p.Name]; ok {
			name += fmt.Sprintf(" %s=%g", p.Name, v)
		}
	}
	writeOK(w, s.addNet(name, n, &View{Domain: fam.Domain}).info())
}
