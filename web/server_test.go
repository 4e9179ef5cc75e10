package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

const zigzagJSON = `{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0, -0.5]},
            {"weight": [[2.0, -4.0]], "bias": [0.0]}]}`

// newTest starts a test server with a net directory holding zigzag.json.
func newTest(t *testing.T, cfg Config) (*httptest.Server, *Server) {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
		if err := os.WriteFile(filepath.Join(cfg.Root, "zigzag.json"), []byte(zigzagJSON), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, s
}

// call does a request and decodes the JSON answer into out (if non-nil). It
// returns the status code and, for errors, the message.
func call(t *testing.T, method, url, ctype string, body io.Reader, out any) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 400 {
		var e apiError
		if err := json.Unmarshal(data, &e); err != nil || e.Error == "" {
			t.Fatalf("%s %s: status %d without a JSON error message: %q", method, url, res.StatusCode, data)
		}
		return res.StatusCode, e.Error
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %q", method, url, err, data)
		}
	}
	return res.StatusCode, ""
}

func upload(t *testing.T, ts *httptest.Server, body string) NetInfo {
	t.Helper()
	var info NetInfo
	if code, msg := call(t, "POST", ts.URL+"/api/net", "application/json", strings.NewReader(body), &info); code != 200 {
		t.Fatalf("upload: %d %s", code, msg)
	}
	return info
}

func multipartBody(t *testing.T, field, name, content string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType(), &b
}

func TestNetUpload(t *testing.T) {
	ts, _ := newTest(t, Config{MaxUpload: 4096})
	info := upload(t, ts, zigzagJSON)
	want := NetInfo{ID: info.ID, Name: "upload.json", Inputs: 1, Outputs: 1, Depth: 2, HiddenWidths: []int{2}, Size: 2,
		View: View{Domain: [2]float64{-1, 1}}}
	if fmt.Sprint(info) != fmt.Sprint(want) {
		t.Errorf("info = %+v, want %+v", info, want)
	}
	ct, body := multipartBody(t, "net", "z.json", zigzagJSON)
	var mi NetInfo
	if code, msg := call(t, "POST", ts.URL+"/api/net", ct, body, &mi); code != 200 || mi.Name != "z.json" || mi.ID == info.ID {
		t.Errorf("multipart upload: %d %s %+v", code, msg, mi)
	}
	var got NetInfo
	if code, msg := call(t, "GET", ts.URL+"/api/net/"+info.ID, "", nil, &got); code != 200 || got.ID != info.ID {
		t.Errorf("GET net: %d %s %+v", code, msg, got)
	}
	// The net round-trips through /json.
	res, err := http.Get(ts.URL + "/api/net/" + info.ID + "/json")
	if err != nil {
		t.Fatal(err)
	}
	n, err := relu.Decode(res.Body)
	res.Body.Close()
	if err != nil || n.Layers[1].W[1] != -4 {
		t.Errorf("net JSON: %v %+v", err, n)
	}

	big := `{"layers": [{"weight": [[1.0]], "bias": [0.0]}], "pad": "` + strings.Repeat("x", 5000) + `"}`
	ctBig, bodyBig := multipartBody(t, "net", "big.json", big)
	for _, tc := range []struct {
		name, ctype string
		body        io.Reader
		code        int
		msg         string
	}{
		{"malformed", "application/json", strings.NewReader(`{"layers": [`), 400, "upload.json: malformed network JSON"},
		{"no layers", "application/json", strings.NewReader(`{}`), 400, "no layers"},
		{"ragged", "application/json", strings.NewReader(`{"layers":[{"weight":[[1,2],[3]]}]}`), 400, "weight row 1 has 1 entries"},
		{"empty", "application/json", strings.NewReader(``), 400, "empty upload"},
		{"too large", "application/json", strings.NewReader(big), 413, "larger than the upload limit of 4096 bytes"},
		{"too large multipart", ctBig, bodyBig, 413, "larger than the upload limit of 4096 bytes"},
		{"multipart without field", ct, strings.NewReader("--x--"), 400, "reading network file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := call(t, "POST", ts.URL+"/api/net", tc.ctype, tc.body, nil)
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", code, msg, tc.code, tc.msg)
			}
		})
	}
	for _, tc := range []struct{ url, msg string }{
		{"/api/net/n999", "no net with id"},
		{"/api/net/n999/json", "no net with id"},
	} {
		if code, msg := call(t, "GET", ts.URL+tc.url, "", nil, nil); code != 404 || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %d %q", tc.url, code, msg)
		}
	}
}

func TestNetOpenPath(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "nets")
	os.MkdirAll(filepath.Join(root, "sub"), 0o755)
	os.WriteFile(filepath.Join(root, "sub", "z.json"), []byte(zigzagJSON), 0o644)
	os.WriteFile(filepath.Join(root, "bad.json"), []byte(`{"layers": 3}`), 0o644)
	os.WriteFile(filepath.Join(root, "huge.json"), bytes.Repeat([]byte(" "), 5000), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.json"), []byte(zigzagJSON), 0o644)
	// A symbolic link that leaves the root must not be followed.
	if err := os.Symlink(filepath.Join(dir, "secret.json"), filepath.Join(root, "link.json")); err != nil {
		t.Fatal(err)
	}
	ts, _ := newTest(t, Config{Root: root, MaxUpload: 4096})
	var info NetInfo
	if code, msg := call(t, "POST", ts.URL+"/api/net?path=sub/z.json", "", nil, &info); code != 200 || info.Name != "sub/z.json" || info.Size != 2 {
		t.Fatalf("open: %d %s %+v", code, msg, info)
	}
	for _, tc := range []struct {
		path string
		code int
		msg  string
	}{
		{"../secret.json", 400, "not a file path inside the net directory"},
		{"sub/../../secret.json", 400, "not a file path inside the net directory"},
		{"/etc/passwd", 404, "no such file"},
		{"link.json", 400, "escapes"},
		{"missing.json", 404, "no such file"},
		{"sub", 400, "is a directory"},
		{"bad.json", 400, "bad.json: malformed network JSON"},
		{"huge.json", 413, "larger than the upload limit"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, msg := call(t, "POST", ts.URL+"/api/net?path="+tc.path, "", nil, nil)
			if code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", code, msg, tc.code, tc.msg)
			}
		})
	}

	// Without a root, opening by path is refused.
	s, _ := New(Config{})
	ts2 := httptest.NewServer(s.Handler())
	defer ts2.Close()
	if code, msg := call(t, "POST", ts2.URL+"/api/net?path=z.json", "", nil, nil); code != 403 || !strings.Contains(msg, "disabled") {
		t.Errorf("no root: %d %q", code, msg)
	}
	if _, err := New(Config{Root: filepath.Join(dir, "nope")}); err == nil {
		t.Error("New with a missing root succeeded")
	}
}

// randomNet returns a net with small integer-over-8 weights, so that many
// hyperplanes are degenerate (parallel, coincident, through shared points).
func randomNet(rng *rngT, widths ...int) *relu.Net {
	ws := make([][][]float64, len(widths)-1)
	bs := make([][]float64, len(widths)-1)
	for k := range ws {
		ws[k] = make([][]float64, widths[k+1])
		bs[k] = make([]float64, widths[k+1])
		for i := range ws[k] {
			ws[k][i] = make([]float64, widths[k])
			for j := range ws[k][i] {
				ws[k][i][j] = float64(rng.intn(17)-8) / 8
			}
			bs[k][i] = float64(rng.intn(17)-8) / 8
		}
	}
	return relu.MustFromFloats(ws, bs)
}

// rngT is a tiny deterministic generator (tests must not depend on
// math/rand's sequence across Go versions).
type rngT struct{ s uint64 }

func (r *rngT) intn(n int) int {
	r.s = r.s*6364136223846793005 + 1442695040888963407
	return int((r.s >> 33) % uint64(n))
}

func TestSliceExactAgainstFloat(t *testing.T) {
	// The exact engine (package pwl on the line net) and the float64
	// propagation of slicefloat_test.go are independent algorithms; on
	// nets with dyadic weights both must find the same breakpoints.
	rng := &rngT{s: 7}
	ctx := context.Background()
	for trial := 0; trial < 60; trial++ {
		in := 1 + trial%3
		n := randomNet(rng, in, 1+rng.intn(5), 1+rng.intn(4), 1)
		x0, d := make([]float64, in), make([]float64, in)
		for i := range x0 {
			x0[i] = float64(rng.intn(9)-4) / 4
			d[i] = float64(rng.intn(9)-4) / 4
		}
		d[0] = 1
		ex, err := sliceExact(ctx, n, 0, x0, d, -3, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []struct {
			name string
			f    func(context.Context, *relu.Net, int, []float64, []float64, float64, float64) (*Slice1D, error)
		}{{"float oracle", sliceFloat}, {"fast engine", sliceFast}} {
			fl, err := other.f(ctx, n, 0, x0, d, -3, 3)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Pieces != fl.Pieces || len(ex.Breakpoints) != len(fl.Breakpoints) {
				t.Fatalf("trial %d: exact %v, %s %v", trial, ex.Breakpoints, other.name, fl.Breakpoints)
			}
			for i := range ex.Breakpoints {
				if math.Abs(ex.Breakpoints[i]-fl.Breakpoints[i]) > 1e-9 {
					t.Fatalf("trial %d: breakpoint %d exact %v %s %v", trial, i, ex.Breakpoints[i], other.name, fl.Breakpoints[i])
				}
			}
		}
		// Values agree with direct evaluation.
		for i, x := range ex.Knots {
			p := make([]float64, in)
			for j := range p {
				p[j] = x0[j] + x*d[j]
			}
			if v := n.Eval(p)[0]; math.Abs(v-ex.Values[i]) > 1e-9*(1+math.Abs(v)) {
				t.Fatalf("trial %d: f(%v) = %v, slice says %v", trial, x, v, ex.Values[i])
			}
		}
	}
}

func TestLineNetExact(t *testing.T) {
	// lineNet must be exact: compare with EvalRat of the original net at
	// rational points on the line.
	rng := &rngT{s: 3}
	n := randomNet(rng, 3, 4, 3, 2)
	x0, d := []float64{0.5, -0.25, 1}, []float64{1, 0.125, -2}
	ln, err := lineNet(n, 1, x0, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{"0", "1/3", "-7/5", "2"} {
		tr, _ := new(big.Rat).SetString(ts)
		p := make([]*big.Rat, 3)
		for j := range p {
			p[j] = new(big.Rat).Mul(tr, new(big.Rat).SetFloat64(d[j]))
			p[j].Add(p[j], new(big.Rat).SetFloat64(x0[j]))
		}
		if got, want := ln.EvalRat([]*big.Rat{tr})[0], n.EvalRat(p)[1]; got.Cmp(want) != 0 {
			t.Errorf("t = %s: line net %s, net %s", ts, got, want)
		}
	}
	// A net with one layer: the line and output layer coincide.
	one := relu.MustFromFloats([][][]float64{{{1, 2}, {3, 4}}}, [][]float64{{1, 0}})
	if ln, err := lineNet(one, 1, []float64{1, 1}, []float64{1, 0}); err != nil || ln.Eval([]float64{2})[0] != 3*3+4 {
		t.Errorf("affine line net: %v", err)
	}
}

func TestSliceAPI(t *testing.T) {
	ts, _ := newTest(t, Config{})
	id := upload(t, ts, zigzagJSON).ID
	var sl Slice1D
	if code, msg := call(t, "GET", ts.URL+"/api/slice1d?net="+id+"&domain=-1:2", "", nil, &sl); code != 200 {
		t.Fatal(code, msg)
	}
	// f(x) = 2σ(x) − 4σ(x − ½): breakpoints 0 and ½ with f = 0, 1.
	if fmt.Sprint(sl.Breakpoints, sl.BreakValues, sl.Slopes, sl.Pieces) != "[0 0.5] [0 1] [0 2 -2] 3" || !sl.Exact {
		t.Errorf("slice = %+v", sl)
	}
	// Domain inside one piece: no breakpoints, one piece.
	if code, _ := call(t, "GET", ts.URL+"/api/slice1d?net="+id+"&domain=1:2", "", nil, &sl); code != 200 || sl.Pieces != 1 || len(sl.Breakpoints) != 0 {
		t.Errorf("one piece: %+v", sl)
	}
	// The fast engine gives the same answer.
	var fast Slice1D
	if code, _ := call(t, "GET", ts.URL+"/api/slice1d?net="+id+"&domain=-1:2&exact=0", "", nil, &fast); code != 200 ||
		fmt.Sprint(fast.Breakpoints, fast.Pieces) != "[0 0.5] 3" || fast.Exact {
		t.Errorf("fast slice = %+v", fast)
	}
	// Breakpoint exactly at the domain end is not interior.
	if call(t, "GET", ts.URL+"/api/slice1d?net="+id+"&domain=0:0.5", "", nil, &sl); sl.Pieces != 1 {
		t.Errorf("breakpoints at the ends: %+v", sl)
	}
	// A 2-D net along a diagonal: f(x, y) = σ(x) + σ(y) − σ(x + y − 1) on
	// the line (t, t): 2σ(t) − σ(2t − 1): breakpoints 0 and ½.
	n2 := upload(t, ts, `{"layers":[{"weight":[[1,0],[0,1],[1,1]],"bias":[0,0,-1]},{"weight":[[1,1,-1]]}]}`).ID
	if code, msg := call(t, "GET", ts.URL+"/api/slice1d?net="+n2+"&domain=-1:1&x0=0,0&d=1,1", "", nil, &sl); code != 200 || fmt.Sprint(sl.Breakpoints) != "[0 0.5]" {
		t.Errorf("diagonal: %d %s %+v", code, msg, sl)
	}
	for _, tc := range []struct {
		q    string
		code int
		msg  string
	}{
		{"", 400, "missing net id"},
		{"net=n999", 404, "no net with id"},
		{"net=" + id + "&domain=2:1", 400, "need A < B"},
		{"net=" + id + "&domain=abc", 400, "want A:B"},
		{"net=" + id + "&domain=0:NaN", 400, "not a finite number"},
		{"net=" + id + "&domain=0:1e999", 400, "not a finite number"},
		{"net=" + n2 + "&x0=1", 400, "x0 needs 2 comma-separated numbers"},
		{"net=" + n2 + "&d=0,0", 400, "direction is zero"},
		{"net=" + n2 + "&d=1,x", 400, "not a finite number"},
		{"net=" + id + "&out=1", 400, "want an output index in 0..0"},
		{"net=" + id + "&out=-1", 400, "want an output index"},
	} {
		code, msg := call(t, "GET", ts.URL+"/api/slice1d?"+tc.q, "", nil, nil)
		if code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: got %d %q, want %d containing %q", tc.q, code, msg, tc.code, tc.msg)
		}
	}
}

func TestBuildAPI(t *testing.T) {
	ts, _ := newTest(t, Config{})
	var fams []Family
	if code, msg := call(t, "GET", ts.URL+"/api/families", "", nil, &fams); code != 200 || len(fams) != 3 {
		t.Fatalf("families: %d %s %v", code, msg, fams)
	}
	build := func(body string) (int, string, NetInfo) {
		var info NetInfo
		code, msg := call(t, "POST", ts.URL+"/api/build", "application/json", strings.NewReader(body), &info)
		return code, msg, info
	}
	for _, f := range fams {
		if code, msg, info := build(`{"family":"` + f.Name + `"}`); code != 200 || info.Inputs != f.Inputs || info.View.Domain != f.Domain {
			t.Errorf("%s defaults: %d %s %+v", f.Name, code, msg, info)
		}
	}
	// Sawtooth f_{k,w}: w^k teeth on [0, 1], so w^k − 1 breakpoints inside
	// (0, 1) plus the one at 0 (Theorem 3.5); depth k+1, size k·w.
	for _, kw := range [][2]int{{1, 2}, {2, 3}, {3, 2}, {3, 4}} {
		k, w := kw[0], kw[1]
		code, msg, info := build(fmt.Sprintf(`{"family":"sawtooth","params":{"k":%d,"w":%d}}`, k, w))
		if code != 200 || info.Depth != k+1 || info.Size != k*w {
			t.Fatalf("sawtooth %v: %d %s %+v", kw, code, msg, info)
		}
		var sl Slice1D
		call(t, "GET", ts.URL+"/api/slice1d?net="+info.ID+"&domain=-0.5:0.999", "", nil, &sl)
		if want := int(math.Pow(float64(w), float64(k))); len(sl.Breakpoints) != want {
			t.Errorf("sawtooth %v: %d breakpoints in (−0.5, 0.999), want %d", kw, len(sl.Breakpoints), want)
		}
	}
	for _, tc := range []struct {
		body, msg string
	}{
		{`{"family":"nope"}`, `unknown family "nope" (known: sawtooth, zigzag, zonotope)`},
		{`{"family":"sawtooth","params":{"k":9}}`, "parameter k = 9 outside [1, 5]"},
		{`{"family":"sawtooth","params":{"k":1.5}}`, "must be an integer"},
		{`{"family":"sawtooth","params":{"q":1}}`, `unknown parameter "q"`},
		{`{"family":"sawtooth","params":{"k":"x"}}`, "build request"},
		{`{"family":"zigzag","params":{"w":6,"p":2,"k":1}}`, ""},
		{`{"family":"sawtooth","extra":1}`, "unknown field"},
		{`[`, "build request"},
	} {
		code, msg, _ := build(tc.body)
		if tc.msg == "" {
			if code != 200 {
				t.Errorf("%s: %d %s", tc.body, code, msg)
			}
			continue
		}
		if code != 400 || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: got %d %q, want 400 containing %q", tc.body, code, msg, tc.msg)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:8080", false, true},
		{"127.0.0.2:0", false, true},
		{"[::1]:8080", false, true},
		{"localhost:8080", false, true},
		{":8080", false, false},
		{"0.0.0.0:8080", false, false},
		{"192.168.1.5:80", false, false},
		{"example.com:80", false, false},
		{"0.0.0.0:8080", true, true},
		{"8080", false, false},
	} {
		err := CheckAddr(tc.addr, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q, %v) = %v", tc.addr, tc.remote, err)
		}
		if err != nil && !tc.ok && strings.Contains(tc.addr, ":") && tc.addr != "8080" && !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("CheckAddr(%q): message %q does not name --allow-remote", tc.addr, err)
		}
	}
}

func TestGuard(t *testing.T) {
	ts, _ := newTest(t, Config{})
	do := func(method, host, origin string) (int, string) {
		req, _ := http.NewRequest(method, ts.URL+"/api/families", nil)
		if method == "POST" {
			req, _ = http.NewRequest(method, ts.URL+"/api/build", strings.NewReader(`{"family":"sawtooth"}`))
		}
		if host != "" {
			req.Host = host
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var e apiError
		json.NewDecoder(res.Body).Decode(&e)
		return res.StatusCode, e.Error
	}
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, tc := range []struct {
		method, host, origin string
		code                 int
		msg                  string
	}{
		{"GET", "", "", 200, ""},
		{"GET", "localhost:8080", "", 200, ""},
		{"GET", "[::1]:8080", "", 200, ""},
		{"GET", "evil.example:8080", "", 403, "not a loopback address"},
		{"GET", "10.0.0.1", "", 403, "not a loopback address"},
		{"POST", "", "http://" + host, 200, ""},
		{"POST", "", "", 200, ""},
		{"POST", "", "http://evil.example", 403, "cross-origin request"},
		{"GET", "", "http://evil.example", 200, ""},
	} {
		code, msg := do(tc.method, tc.host, tc.origin)
		if code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s host %q origin %q: %d %q, want %d %q", tc.method, tc.host, tc.origin, code, msg, tc.code, tc.msg)
		}
	}
	// With AllowRemote any host name is served.
	tr, _ := newTest(t, Config{AllowRemote: true})
	req, _ := http.NewRequest("GET", tr.URL+"/api/families", nil)
	req.Host = "relucid.example"
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("AllowRemote: %v %v", res.StatusCode, err)
	}
}

func TestStaticAndUnknown(t *testing.T) {
	ts, _ := newTest(t, Config{})
	for _, p := range []string{"/", "/app.js", "/style.css"} {
		res, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(b) < 100 || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %d, %d bytes", p, res.StatusCode, len(b))
		}
	}
	if code, msg := call(t, "GET", ts.URL+"/api/nothing", "", nil, nil); code != 404 || !strings.Contains(msg, "no API endpoint") {
		t.Errorf("unknown endpoint: %d %q", code, msg)
	}
	if code, _ := call(t, "DELETE", ts.URL+"/api/slice1d", "", nil, nil); code != 404 && code != 405 {
		t.Errorf("DELETE slice1d: %d", code)
	}
	res, _ := http.Post(ts.URL+"/", "text/plain", nil)
	if res.StatusCode != 405 {
		t.Errorf("POST /: %d", res.StatusCode)
	}
	res.Body.Close()
}

// fakeTrainer reports progress in steps and finishes with a constant net,
// or blocks until cancelled when block is set. It exercises the job
// machinery independently of the training engine.
func fakeTrainer(block bool) func(context.Context, TrainRequest, func(TrainProgress)) (*TrainResult, error) {
	return func(ctx context.Context, req TrainRequest, progress func(TrainProgress)) (*TrainResult, error) {
		for i := int64(1); i <= 5; i++ {
			b := float64(10 - i)
			progress(TrainProgress{Done: i, Total: 5, Best: &b})
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
		if block {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		if req.Width != 2 || len(req.X) != 3 || req.Y[2] != 4 || !req.OutputBias {
			return nil, fmt.Errorf("unexpected request %+v", req)
		}
		return &TrainResult{Objective: 1.5, Net: relu.MustFromFloats([][][]float64{{{1}}, {{1}}}, nil)}, nil
	}
}

// readEvents reads the SSE stream of a job until it ends.
func readEvents(t *testing.T, url string) []JobStatus {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	var out []JobStatus
	sc := bufio.NewScanner(res.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if event != "status" {
				t.Fatalf("event %q", event)
			}
			var st JobStatus
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st); err != nil {
				t.Fatal(err)
			}
			out = append(out, st)
		}
	}
	return out
}

func TestTrainAPI(t *testing.T) {
	ts, _ := newTest(t, Config{Engines: Engines{Train: fakeTrainer(false)}, MaxUpload: 1000})
	csv := "x,y\n0,1\n1,2\n2,4\n"
	var st JobStatus
	code, msg := call(t, "POST", ts.URL+"/api/train?width=2&loss=squared&output_bias=1", "text/csv", strings.NewReader(csv), &st)
	if code != http.StatusAccepted || st.State != "running" {
		t.Fatalf("start: %d %s %+v", code, msg, st)
	}
	evs := readEvents(t, ts.URL+"/api/train/"+st.ID+"/events")
	last := evs[len(evs)-1]
	if last.State != "done" || last.Objective == nil || *last.Objective != 1.5 || last.Net == "" {
		t.Fatalf("final event %+v", last)
	}
	if len(evs) < 2 {
		t.Errorf("only %d events: no live progress", len(evs))
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Progress.Done < evs[i-1].Progress.Done {
			t.Errorf("progress went back: %+v", evs)
		}
	}
	var info NetInfo
	if code, msg := call(t, "GET", ts.URL+"/api/net/"+last.Net, "", nil, &info); code != 200 || info.Inputs != 1 {
		t.Errorf("trained net: %d %s", code, msg)
	}
	// Polling gives the same final status.
	var polled JobStatus
	if call(t, "GET", ts.URL+"/api/train/"+st.ID, "", nil, &polled); polled.State != "done" || *polled.Objective != 1.5 {
		t.Errorf("poll: %+v", polled)
	}
	// Multipart upload of the CSV works too.
	ct, body := multipartBody(t, "data", "d.csv", csv)
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=2&loss=squared&output_bias=true", ct, body, &st); code != 202 {
		t.Fatalf("multipart: %d %s", code, msg)
	}
	readEvents(t, ts.URL+"/api/train/"+st.ID+"/events")

	for _, tc := range []struct {
		q, body string
		code    int
		msg     string
	}{
		{"width=0&loss=squared", csv, 400, "width"},
		{"width=x&loss=squared", csv, 400, "width"},
		{"width=1&loss=cubic", csv, 400, `loss "cubic"`},
		{"width=1&loss=squared", "x,y\n1,a\n", 400, "data.csv"},
		{"width=1&loss=squared&name=mine.csv", "1,2\n1\n", 400, "mine.csv"},
		{"width=1&loss=squared", "x,y\n", 400, "no data rows"},
		{"width=1&loss=squared", "1\n2\n", 400, "at least one input column"},
		{"width=1&loss=squared", strings.Repeat("1,2\n", 400), 413, "larger than the upload limit of 1000 bytes"},
	} {
		code, msg := call(t, "POST", ts.URL+"/api/train?"+tc.q, "text/csv", strings.NewReader(tc.body), nil)
		if code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s %q: got %d %q, want %d containing %q", tc.q, tc.body, code, msg, tc.code, tc.msg)
		}
	}
	for _, u := range []string{"/api/train/t999", "/api/train/t999/events"} {
		if code, msg := call(t, "GET", ts.URL+u, "", nil, nil); code != 404 || !strings.Contains(msg, "no training job") {
			t.Errorf("%s: %d %q", u, code, msg)
		}
	}
	if code, _ := call(t, "POST", ts.URL+"/api/train/t999/cancel", "", nil, nil); code != 404 {
		t.Errorf("cancel unknown: %d", code)
	}
}

func TestTrainCancelAndConflict(t *testing.T) {
	ts, _ := newTest(t, Config{Engines: Engines{Train: fakeTrainer(true)}})
	var st JobStatus
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=1&loss=absolute", "text/csv", strings.NewReader("0,1\n1,0\n"), &st); code != 202 {
		t.Fatal(code, msg)
	}
	// A second job while one runs is refused.
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=1&loss=absolute", "text/csv", strings.NewReader("0,1\n"), nil); code != 409 || !strings.Contains(msg, "still running") {
		t.Errorf("second job: %d %q", code, msg)
	}
	time.Sleep(150 * time.Millisecond) // let the fake trainer reach its block
	start := time.Now()
	if code, msg := call(t, "POST", ts.URL+"/api/train/"+st.ID+"/cancel", "", nil, nil); code != 200 {
		t.Fatal(code, msg)
	}
	evs := readEvents(t, ts.URL+"/api/train/"+st.ID+"/events")
	if last := evs[len(evs)-1]; last.State != "cancelled" || last.Progress.Done != 5 {
		t.Errorf("after cancel: %+v", last)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancel took %v", el)
	}
	// Now a new job may start.
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=1&loss=absolute", "text/csv", strings.NewReader("0,1\n"), &st); code != 202 {
		t.Errorf("after cancel: %d %s", code, msg)
	}
	call(t, "POST", ts.URL+"/api/train/"+st.ID+"/cancel", "", nil, nil)
}

func TestTrainUnavailable(t *testing.T) {
	ts, s := newTest(t, Config{})
	s.cfg.Engines.Train = nil
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=1&loss=squared", "text/csv", strings.NewReader("0,1\n"), nil); code != 501 || !strings.Contains(msg, "not available") {
		t.Errorf("%d %q", code, msg)
	}
}

func TestTrainFailure(t *testing.T) {
	fail := func(ctx context.Context, req TrainRequest, p func(TrainProgress)) (*TrainResult, error) {
		return nil, errors.New("labels must be ±1 for hinge")
	}
	ts, _ := newTest(t, Config{Engines: Engines{Train: fail}})
	var st JobStatus
	call(t, "POST", ts.URL+"/api/train?width=1&loss=hinge", "text/csv", strings.NewReader("0,3\n"), &st)
	evs := readEvents(t, ts.URL+"/api/train/"+st.ID+"/events")
	if last := evs[len(evs)-1]; last.State != "failed" || last.Error != "labels must be ±1 for hinge" {
		t.Errorf("%+v", last)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	s, err := New(Config{Engines: Engines{Train: fakeTrainer(true)}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	var st JobStatus
	if code, msg := call(t, "POST", url+"/api/train?width=1&loss=squared", "text/csv", strings.NewReader("0,1\n"), &st); code != 202 {
		t.Fatal(code, msg)
	}
	// An open event stream must not hold up the shutdown.
	res, err := http.Get(url + "/api/train/" + st.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("shutdown took %v", el)
	}
	// The running job was cancelled with the server.
	deadline := time.Now().Add(time.Second)
	for {
		s.mu.Lock()
		j := s.jobs[st.ID]
		s.mu.Unlock()
		if got, _ := j.status(); got.State == "cancelled" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job not cancelled by shutdown")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// The exact slice must agree with pwl on a net on the whole line too (the
// LineNet of an R → R net along d = 1 is the net itself).
func TestLineNetIdentity(t *testing.T) {
	n, _ := relu.Decode(strings.NewReader(zigzagJSON))
	a, b := big.NewRat(-1, 1), big.NewRat(2, 1)
	f1, _ := pwl.FromNetRatOn(context.Background(), n, a, b)
	ln, err := lineNet(n, 0, []float64{0}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := pwl.FromNetRatOn(context.Background(), ln, a, b)
	if !f1.Simplify().Equal(f2.Simplify()) {
		t.Error("line net along the axis differs from the net")
	}
}

func TestTrainERMAgainstGridSearch(t *testing.T) {
	// Oracle: for width 1, squared loss and no output bias, f(x) =
	// c·σ(cos θ·x + sin θ) up to the positive homogeneity of σ; for fixed θ
	// the best c is the least-squares coefficient, so the optimum is the
	// infimum over θ of Σy² − ⟨h, y⟩²/⟨h, h⟩, which a fine grid over θ
	// approaches from above.
	X := []float64{-1, -0.5, 0, 0.5, 1}
	Y := []float64{1, 0.2, 0, 0.4, 1.1}
	ts, _ := newTest(t, Config{})
	var b strings.Builder
	for i := range X {
		fmt.Fprintf(&b, "%v,%v\n", X[i], Y[i])
	}
	var st JobStatus
	if code, msg := call(t, "POST", ts.URL+"/api/train?width=1&loss=squared", "text/csv", strings.NewReader(b.String()), &st); code != 202 {
		t.Fatal(code, msg)
	}
	evs := readEvents(t, ts.URL+"/api/train/"+st.ID+"/events")
	last := evs[len(evs)-1]
	if last.State != "done" || last.Objective == nil {
		t.Fatalf("training: %+v", last)
	}
	yy := 0.0
	for _, y := range Y {
		yy += y * y
	}
	grid := yy
	const steps = 200000
	for s := 0; s < steps; s++ {
		th := 2 * math.Pi * float64(s) / steps
		hy, hh := 0.0, 0.0
		for i, x := range X {
			h := max(0, math.Cos(th)*x+math.Sin(th))
			hy += h * Y[i]
			hh += h * h
		}
		if hh > 0 {
			grid = min(grid, yy-hy*hy/hh)
		}
	}
	got := *last.Objective
	if got > grid+1e-9 || got < grid-1e-4*(1+grid) {
		t.Errorf("exact objective %v, grid search %v", got, grid)
	}
	// The returned net attains the objective.
	var info NetInfo
	call(t, "GET", ts.URL+"/api/net/"+last.Net, "", nil, &info)
	res, err := http.Get(ts.URL + "/api/net/" + last.Net + "/json")
	if err != nil {
		t.Fatal(err)
	}
	n, err := relu.Decode(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, x := range X {
		d := n.Eval([]float64{x})[0] - Y[i]
		sum += d * d
	}
	if math.Abs(sum-got) > 1e-9*(1+got) {
		t.Errorf("net's loss %v, reported objective %v", sum, got)
	}
}
