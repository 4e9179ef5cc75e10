package web

// End-to-end tests: the page in headless Chromium, driven with chromedp,
// clicking through every view and checking what is drawn and counted
// against independent oracles (package hard's exact piece counts, counts
// by hand).

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/relucid/relucid/hard"
)

// e2eTimeout bounds the whole browser session; the suite must stay well
// under a minute.
const e2eTimeout = 45 * time.Second

// findChromium returns the browser to drive, or "" when none is installed.
func findChromium() string {
	if p := os.Getenv("RELUCID_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// browser starts headless Chromium with a fresh profile and returns a
// chromedp context for one tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		t.Skip("chromium is not installed (apt-get install -y chromium); skipping the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// Start the browser on a context without a deadline (a deadline on
	// the first Run would bound the browser's life, see chromedp.Run).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	tctx, cancelT := context.WithTimeout(ctx, e2eTimeout)
	t.Cleanup(cancelT)
	return tctx
}

// js evaluates an expression and returns its value.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// do runs actions and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitText waits until the text of the element with id contains want and
// returns the whole text; on timeout it fails with what is shown.
func waitText(t *testing.T, ctx context.Context, id, want string) string {
	t.Helper()
	expr := fmt.Sprintf(`document.getElementById(%q).textContent.includes(%q)`, id, want)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		got := js[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).textContent`, id))
		t.Fatalf("#%s: waiting for %q: %v; it shows %q", id, want, err, got)
	}
	return js[string](t, ctx, fmt.Sprintf(`document.getElementById(%q).textContent`, id))
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return js[int](t, ctx, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// hover moves the mouse, as a user would, to the i-th element matching sel:
// to the vertex average of a polygon (inside it, the cells being convex) or
// to the centre of any other element.
func hover(t *testing.T, ctx context.Context, sel string, i int) {
	t.Helper()
	xy := js[[]float64](t, ctx, fmt.Sprintf(`(() => {
		const e = document.querySelectorAll(%q)[%d];
		if (e.tagName === "polygon") {
			const m = e.getScreenCTM(), pts = e.points;
			let x = 0, y = 0;
			for (let k = 0; k < pts.numberOfItems; k++) { x += pts.getItem(k).x; y += pts.getItem(k).y; }
			const p = new DOMPoint(x / pts.numberOfItems, y / pts.numberOfItems).matrixTransform(m);
			return [p.x, p.y];
		}
		const r = e.getBoundingClientRect();
		return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel, i))
	do(t, ctx, "hover "+sel, chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
}

func TestE2E(t *testing.T) {
	start := time.Now()
	ctx := browser(t)
	root := t.TempDir()
	files := map[string]string{
		"zigzag.json": zigzagJSON,
		// σ(x) + σ(y): four quadrants, four maps.
		"plane.json": `{"layers":[{"weight":[[1,0],[0,1]]},{"weight":[[1,1]]}]}`,
		"bad.json":   `{"layers": [{"weight": [[1, 2], [3]]}]}`,
		// σ(x) + σ(y) + σ(z): on the plane (s, t) ↦ (s, t, t − ½) three
		// lines and six regions.
		"space.json": `{"layers":[{"weight":[[1,0,0],[0,1,0],[0,0,1]]},{"weight":[[1,1,1]]}]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Config{Root: root, MaxUpload: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	// Width 7 selects a trainer that runs until cancelled, to test Cancel;
	// everything else goes to the exact trainer.
	real := s.cfg.Engines.Train
	s.cfg.Engines.Train = func(ctx context.Context, req TrainRequest, p func(TrainProgress)) (*TrainResult, error) {
		if req.Width == 7 {
			return fakeTrainer(true)(ctx, req, p)
		}
		return real(ctx, req, p)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	do(t, ctx, "load page", chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("view-open")))

	t.Run("open", func(t *testing.T) {
		do(t, ctx, "open bad.json",
			chromedp.SetValue(chromedp.ID("path"), "bad.json"),
			chromedp.Click(chromedp.ID("open-path")))
		waitText(t, ctx, "net-msg", "bad.json: layer 0: weight row 1 has 1 entries")
		if !js[bool](t, ctx, `document.getElementById("net-msg").classList.contains("error")`) {
			t.Error("error message not shown as an error")
		}
		do(t, ctx, "open ../escape", chromedp.SetValue(chromedp.ID("path"), "../x.json"), chromedp.Click(chromedp.ID("open-path")))
		waitText(t, ctx, "net-msg", "not a file path inside the net directory")

		// Upload through the file input: a malformed file, then a good one.
		up := filepath.Join(t.TempDir(), "up.json")
		os.WriteFile(up, []byte(`{"layers": [`), 0o644)
		do(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{up}))
		waitText(t, ctx, "net-msg", "up.json: malformed network JSON")
		os.WriteFile(up, []byte(files["plane.json"]), 0o644)
		// The same name again fires no change event; use another name.
		up2 := filepath.Join(filepath.Dir(up), "plane-upload.json")
		os.WriteFile(up2, []byte(files["plane.json"]), 0o644)
		do(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.ID("upload-file"), []string{up2}))
		waitText(t, ctx, "net-msg", "opened plane-upload.json")
		waitText(t, ctx, "current", "plane-upload.json (2 → 1, depth 2)")

		do(t, ctx, "open zigzag", chromedp.SetValue(chromedp.ID("path"), "zigzag.json"), chromedp.Click(chromedp.ID("open-path")))
		waitText(t, ctx, "net-msg", "opened zigzag.json")
		info := waitText(t, ctx, "net-info", "hidden widths2")
		if !strings.Contains(info, "size (hidden units)2") {
			t.Errorf("net info %q", info)
		}
	})

	t.Run("slice", func(t *testing.T) {
		do(t, ctx, "slice view", chromedp.Click(chromedp.ID("tab-slice")))
		// Default domain [−1, 1]: breakpoints 0 and ½ of
		// f = 2σ(x) − 4σ(x − ½).
		waitText(t, ctx, "slice-counts", "3 pieces · 2 breakpoints on [-1, 1]")
		if n := count(t, ctx, "#slice-svg circle.breakpoint"); n != 2 {
			t.Errorf("%d breakpoint markers, want 2", n)
		}
		do(t, ctx, "narrow domain",
			chromedp.SetValue(chromedp.ID("slice-lo"), "0.25"),
			chromedp.SetValue(chromedp.ID("slice-hi"), "2"),
			chromedp.Click(chromedp.ID("slice-draw")))
		waitText(t, ctx, "slice-counts", "2 pieces · 1 breakpoints on [0.25, 2]")
		if n := count(t, ctx, "#slice-svg circle.breakpoint"); n != 1 {
			t.Errorf("%d breakpoint markers, want 1", n)
		}
		hover(t, ctx, "#slice-svg circle.breakpoint", 0)
		waitText(t, ctx, "slice-info", "breakpoint t = 0.5\nf(t) = 1\nslope left 2, right -2")
		do(t, ctx, "bad domain", chromedp.SetValue(chromedp.ID("slice-hi"), "0"), chromedp.Click(chromedp.ID("slice-draw")))
		waitText(t, ctx, "slice-msg", "need A < B")
		if n := count(t, ctx, "#slice-svg *"); n != 0 {
			t.Errorf("%d SVG elements left after an error", n)
		}
	})

	t.Run("regions", func(t *testing.T) {
		do(t, ctx, "regions of a 1-D net", chromedp.Click(chromedp.ID("tab-regions")))
		waitText(t, ctx, "regions-msg", "needs a net with at least 2 inputs; this one has 1")
		do(t, ctx, "open plane", chromedp.Click(chromedp.ID("tab-open")),
			chromedp.SetValue(chromedp.ID("path"), "plane.json"), chromedp.Click(chromedp.ID("open-path")))
		waitText(t, ctx, "net-msg", "opened plane.json")
		do(t, ctx, "regions view", chromedp.Click(chromedp.ID("tab-regions")))
		waitText(t, ctx, "region-counts", "4 regions · 4 pieces · 4 affine maps")
		waitText(t, ctx, "region-whole", "on all of R²: 4 regions · 4 pieces · 4 affine maps")
		if n := count(t, ctx, "#region-svg polygon.cell"); n != 4 {
			t.Errorf("%d polygons, want 4", n)
		}
		// Four maps, four colours.
		if n := js[int](t, ctx, `new Set([...document.querySelectorAll("#region-svg polygon.cell")].map(p => p.getAttribute("fill"))).size`); n != 4 {
			t.Errorf("%d fill colours, want 4", n)
		}
		// Hover the polygon of the quadrant x, y > 0: both units active,
		// f = x + y.
		i := js[int](t, ctx, `[...document.querySelectorAll("#region-svg polygon.cell")].findIndex(p => {
			const r = p.getBBox(), s = p.ownerSVGElement.viewBox.baseVal;
			return r.x > s.width / 2 - 1 && r.y + r.height < s.height / 2 + 1; })`)
		if i < 0 {
			t.Fatal("no polygon in the upper right quadrant")
		}
		hover(t, ctx, "#region-svg polygon.cell", i)
		got := waitText(t, ctx, "cell-info", "pattern  11")
		if !strings.Contains(got, "f(x, y) = 1·x + 1·y + 0") {
			t.Errorf("hover shows %q", got)
		}
		if n := count(t, ctx, "#region-svg polygon.hl"); n != 1 {
			t.Errorf("%d highlighted polygons", n)
		}
		// A box inside one quadrant: one region.
		do(t, ctx, "small box", chromedp.SetValue(chromedp.ID("box"), "0.5:1,-1:-0.5"), chromedp.Click(chromedp.ID("regions-draw")))
		waitText(t, ctx, "region-counts", "1 regions · 1 pieces · 1 affine maps")
		if n := count(t, ctx, "#region-svg polygon.cell"); n != 1 {
			t.Errorf("%d polygons, want 1", n)
		}
		do(t, ctx, "bad box", chromedp.SetValue(chromedp.ID("box"), "1:0,0:1"), chromedp.Click(chromedp.ID("regions-draw")))
		waitText(t, ctx, "regions-msg", "need A < B")

		// A net R³ → R on a plane.
		do(t, ctx, "open space", chromedp.Click(chromedp.ID("tab-open")),
			chromedp.SetValue(chromedp.ID("path"), "space.json"), chromedp.Click(chromedp.ID("open-path")))
		waitText(t, ctx, "net-msg", "opened space.json")
		do(t, ctx, "plane", chromedp.Click(chromedp.ID("tab-regions")))
		waitText(t, ctx, "region-counts", "4 regions · 4 pieces · 4 affine maps")
		if js[bool](t, ctx, `document.getElementById("plane-row").hidden`) {
			t.Error("plane inputs hidden for a net R³ → R")
		}
		do(t, ctx, "tilt plane", chromedp.SetValue(chromedp.ID("plane-x0"), "0,0,-0.5"),
			chromedp.SetValue(chromedp.ID("plane-v"), "0,1,1"), chromedp.Click(chromedp.ID("regions-draw")))
		waitText(t, ctx, "region-counts", "6 regions · 6 pieces · 6 affine maps")
		waitText(t, ctx, "regions-msg", "on the plane (s, t)")
		if n := count(t, ctx, "#region-svg polygon.cell"); n != 6 {
			t.Errorf("%d polygons, want 6", n)
		}
	})

	t.Run("build", func(t *testing.T) {
		do(t, ctx, "build view", chromedp.Click(chromedp.ID("tab-build")))
		// The default sawtooth f_{2,3}; oracle: package hard's exact
		// piece count on R (all pieces meet [−¼, 1¼]).
		want := func(k, w int) string {
			h, err := hard.Sawtooth(k, w)
			if err != nil {
				t.Fatal(err)
			}
			p, err := h.Pieces()
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%d pieces · %d breakpoints on [-0.25, 1.25]", p, p-1)
		}
		waitText(t, ctx, "build-counts", want(2, 3))
		waitText(t, ctx, "build-msg", "depth 3, size 6 · exact counts")
		// Move the k slider one step right with the keyboard, as a user.
		do(t, ctx, "k → 3", chromedp.Focus(chromedp.ID("param-k")), chromedp.KeyEvent(kb.ArrowRight))
		waitText(t, ctx, "param-k-value", "3")
		waitText(t, ctx, "build-counts", want(3, 3))
		waitText(t, ctx, "build-msg", "k=3 w=3: depth 4, size 9 · exact counts")
		if n, w := count(t, ctx, "#build-svg circle.breakpoint"), int(math.Pow(3, 3)); n != w {
			t.Errorf("%d breakpoint markers, want %d", n, w)
		}
		do(t, ctx, "w → 2", chromedp.Focus(chromedp.ID("param-w")), chromedp.KeyEvent(kb.ArrowLeft))
		waitText(t, ctx, "build-counts", want(3, 2))

		// The zonotope family draws a region map; pieces from hard.
		js[bool](t, ctx, `(() => { const s = document.getElementById("family"); s.value = "zonotope";
			s.dispatchEvent(new Event("change")); return true; })()`)
		v, _ := familyParams(&builtinFamilies[2], nil)
		h, z, err := familyMember("zonotope", v)
		if err != nil {
			t.Fatal(err)
		}
		pc, err := (&hard.ZonotopeFunc{Z: z, H: h}).Pieces(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := waitText(t, ctx, "build-counts", fmt.Sprintf(" · %d pieces · ", pc.Pieces))
		var r, p, m int
		if _, err := fmt.Sscanf(got, "%d regions · %d pieces · %d affine maps", &r, &p, &m); err != nil {
			t.Fatalf("counts %q: %v", got, err)
		}
		if n := count(t, ctx, "#build-svg polygon.cell"); n != r {
			t.Errorf("%d polygons for %d regions", n, r)
		}
		waitText(t, ctx, "build-msg", "exact counts")
		hover(t, ctx, "#build-svg polygon.cell", 0)
		waitText(t, ctx, "build-info", "region 1\npattern  ")
		// The built net is the current net: the slice view shows it.
		waitText(t, ctx, "current", "zonotope")
	})

	t.Run("train", func(t *testing.T) {
		// Bad input: a loss that needs ±1 labels, on real targets.
		do(t, ctx, "hinge on real targets", chromedp.Click(chromedp.ID("tab-train")),
			chromedp.SetValue(chromedp.ID("train-width"), "1"),
			chromedp.SetValue(chromedp.ID("train-loss"), "hinge"), chromedp.Click(chromedp.ID("train-start")))
		waitText(t, ctx, "train-status", "failed: ")
		waitText(t, ctx, "train-status", "hinge")

		// A run that only ends when cancelled: live progress, then Cancel.
		do(t, ctx, "long run", chromedp.SetValue(chromedp.ID("train-width"), "7"),
			chromedp.SetValue(chromedp.ID("train-loss"), "squared"), chromedp.Click(chromedp.ID("train-start")))
		waitText(t, ctx, "train-status", "running: 5 / 5 search nodes done, best objective so far 5")
		if v := js[float64](t, ctx, `document.getElementById("train-progress").value`); v != 5 {
			t.Errorf("progress bar at %v, want 5", v)
		}
		do(t, ctx, "cancel", chromedp.Click(chromedp.ID("train-cancel")))
		waitText(t, ctx, "train-status", "cancelled")

		// The real thing on the page's example data.
		do(t, ctx, "train", chromedp.SetValue(chromedp.ID("train-width"), "1"), chromedp.Click(chromedp.ID("train-start")))
		got := waitText(t, ctx, "train-objective", "global optimum: objective ")
		// Oracle: the grid search of TestTrainERMAgainstGridSearch on the
		// same data.
		var obj float64
		fmt.Sscanf(strings.TrimPrefix(got, "global optimum: objective "), "%g", &obj)
		X := []float64{-1, -0.5, 0, 0.5, 1}
		Y := []float64{1, 0.2, 0, 0.4, 1.1}
		best := math.Inf(1)
		for s := 0; s < 100000; s++ {
			th := 2 * math.Pi * float64(s) / 100000
			hy, hh, yy := 0.0, 0.0, 0.0
			for i, x := range X {
				h := max(0, math.Cos(th)*x+math.Sin(th))
				hy, hh, yy = hy+h*Y[i], hh+h*h, yy+Y[i]*Y[i]
			}
			if hh > 0 {
				best = min(best, yy-hy*hy/hh)
			}
		}
		if obj > best+1e-9 || obj < best-1e-3 {
			t.Errorf("page shows objective %v, grid search %v", obj, best)
		}
		waitText(t, ctx, "train-status", "done in")
		waitText(t, ctx, "train-objective", " · certified")
		waitText(t, ctx, "current", "trained on data.csv (width 1, squared)")
		if n := count(t, ctx, "#train-svg circle.datapoint"); n != 5 {
			t.Errorf("%d data points drawn, want 5", n)
		}
		if n := count(t, ctx, "#train-svg polyline.graph"); n != 1 {
			t.Errorf("%d fitted graphs drawn, want 1", n)
		}
		if !js[bool](t, ctx, `document.getElementById("train-cancel").disabled`) {
			t.Error("Cancel enabled after the run")
		}
	})

	// RELUCID_SCREENSHOTS=DIR saves a screenshot of each view, to look at.
	if dir := os.Getenv("RELUCID_SCREENSHOTS"); dir != "" {
		for _, v := range []string{"train", "build", "regions", "slice"} {
			do(t, ctx, "show "+v, chromedp.Click(chromedp.ID("tab-"+v)))
			time.Sleep(300 * time.Millisecond)
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, v+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if el := time.Since(start); el > e2eTimeout {
		t.Errorf("browser session took %v", el)
	}
}
