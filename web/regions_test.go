package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/relu"
)

var unitBox = [2][2]float64{{-1, 1}, {-1, 1}}

// regionEngines: package region exact and in float mode (the preview), and
// the independent float engine of this package; every case runs
// through all three.
var regionEngines = []struct {
	name string
	f    func(context.Context, *relu.Net, int, [2][2]float64) (*RegionMap, error)
}{{"exact", regionsExact}, {"fast", regionsFast}, {"float", regionsFloat}}

func TestRegionsDegenerate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name                    string
		w                       [][][]float64
		b                       [][]float64
		regions, pieces, affine int
	}{
		{"affine net", [][][]float64{{{1, 2}}}, [][]float64{{3}}, 1, 1, 1},
		{"one unit", [][][]float64{{{1, 0}}, {{1}}}, nil, 2, 2, 2},
		{"coincident units", [][][]float64{{{1, 0}, {2, 0}}, {{1, 1}}}, nil, 2, 2, 2},
		{"|x| from two units", [][][]float64{{{1, 0}, {-1, 0}}, {{1, 1}}}, nil, 2, 2, 2},
		{"cancelling units: one map", [][][]float64{{{1, 0}, {1, 0}}, {{1, -1}}}, nil, 2, 1, 1},
		{"dead unit", [][][]float64{{{1, 1}}, {{1}}}, [][]float64{{-10}, {0}}, 1, 1, 1},
		{"line through a corner only", [][][]float64{{{1, 1}}, {{1}}}, [][]float64{{-2}, {0}}, 1, 1, 1},
		{"line along the box edge", [][][]float64{{{1, 0}}, {{1}}}, [][]float64{{-1}, {0}}, 1, 1, 1},
		{"zero unit", [][][]float64{{{0, 0}, {0, 1}}, {{5, 1}}}, nil, 2, 2, 2},
		// σ(x)+σ(y): four quadrants, four maps.
		{"two lines", [][][]float64{{{1, 0}, {0, 1}}, {{1, 1}}}, nil, 4, 4, 4},
		// σ(x)−σ(−x) = x: two regions, one map, one piece.
		{"identity through two units", [][][]float64{{{1, 0}, {-1, 0}}, {{1, -1}}}, nil, 2, 1, 1},
		// Three lines through the origin (a star): 6 regions.
		{"concurrent lines", [][][]float64{{{1, 0}, {0, 1}, {1, 1}}, {{1, 2, 4}}}, nil, 6, 6, 6},
		// |x| + |y| − |x + y| is 0 on the opposite regions x, y ≥ 0 and
		// x, y ≤ 0, which touch only at the origin: one map, two pieces.
		{"equal maps, disconnected", [][][]float64{{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}}, {{1, 1, 1, 1, -1, -1}}}, nil, 6, 6, 5},
		// σ(σ(x) − ½): the second layer cuts x > 0 at x = ½; the
		// regions x < 0 and 0 < x < ½ share the map 0 and an edge.
		{"deep unit", [][][]float64{{{1, 0}}, {{1}}, {{1}}}, [][]float64{{0}, {-0.5}, {0}}, 3, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := relu.MustFromFloats(tc.w, tc.b)
			for _, eng := range regionEngines {
				rm, err := eng.f(ctx, n, 0, unitBox)
				if err != nil {
					t.Fatal(err)
				}
				if rm.Regions != tc.regions || rm.Pieces != tc.pieces || rm.AffineMaps != tc.affine {
					t.Errorf("%s: counts %d/%d/%d, want %d/%d/%d", eng.name, rm.Regions, rm.Pieces, rm.AffineMaps, tc.regions, tc.pieces, tc.affine)
				}
				checkCells(t, n, rm)
			}
		})
	}
}

// checkCells is the sampling oracle: the cells tile the box, and at grid
// points well inside a cell the net's activation pattern and value are the
// cell's pattern and affine map.
func checkCells(t *testing.T, n *relu.Net, rm *RegionMap) {
	t.Helper()
	area := 0.0
	for _, c := range rm.Cells {
		area += polyArea(c.Polygon)
	}
	box := (rm.Box[0][1] - rm.Box[0][0]) * (rm.Box[1][1] - rm.Box[1][0])
	if math.Abs(area-box) > 1e-9*box {
		t.Errorf("cells cover area %v, box %v", area, box)
	}
	const g = 37
	var pat [][]bool
	for i := 0; i <= g; i++ {
		for j := 0; j <= g; j++ {
			x := rm.Box[0][0] + (rm.Box[0][1]-rm.Box[0][0])*(float64(i)+0.31)/(g+1)
			y := rm.Box[1][0] + (rm.Box[1][1]-rm.Box[1][0])*(float64(j)+0.47)/(g+1)
			c := cellAt(rm, x, y)
			if c == nil {
				continue // within the margin of a boundary
			}
			pat = n.Pattern(pat, []float64{x, y})
			var s []string
			for _, l := range pat {
				var b strings.Builder
				for _, on := range l {
					b.WriteByte("01"[boolInt(on)])
				}
				s = append(s, b.String())
			}
			if fmt.Sprint(s) != fmt.Sprint(c.Pattern) && len(pat) > 0 {
				t.Fatalf("at (%v, %v): pattern %v, cell says %v", x, y, s, c.Pattern)
			}
			f := n.Eval([]float64{x, y})[0]
			if v := c.Grad[0]*x + c.Grad[1]*y + c.Offset; math.Abs(v-f) > 1e-9*(1+math.Abs(f)) {
				t.Fatalf("at (%v, %v): f = %v, cell map gives %v", x, y, f, v)
			}
		}
	}
}

// cellAt returns the cell containing (x, y) at distance above 1e-6 from its
// boundary, or nil.
func cellAt(rm *RegionMap, x, y float64) *Cell {
	for k := range rm.Cells {
		p := rm.Cells[k].Polygon
		inside := true
		for i := range p {
			a, b := p[i], p[(i+1)%len(p)]
			L := math.Hypot(b[0]-a[0], b[1]-a[1])
			if (b[0]-a[0])*(y-a[1])-(b[1]-a[1])*(x-a[0]) < 1e-6*L {
				inside = false
				break
			}
		}
		if inside {
			return &rm.Cells[k]
		}
	}
	return nil
}

func TestRegionsZonotopeAgainstHard(t *testing.T) {
	// Oracle: package hard's exact piece count of ZONOTOPE²_{k,w,m} on R²
	// (vertex enumeration and the band argument). The family's generators
	// keep {γ_Z ≤ 1} inside the box, so every piece meets the box once.
	ctx := context.Background()
	fam := &builtinFamilies[2]
	for _, p := range []map[string]float64{
		{"m": 2, "k": 1, "w": 2}, {"m": 3, "k": 1, "w": 2}, {"m": 3, "k": 2, "w": 2},
		{"m": 4, "k": 1, "w": 3}, {"m": 5, "k": 2, "w": 3}, {"m": 2, "k": 3, "w": 2},
	} {
		v, err := familyParams(fam, p)
		if err != nil {
			t.Fatal(err)
		}
		h, z, err := familyMember("zonotope", v)
		if err != nil {
			t.Fatal(err)
		}
		zf := &hard.ZonotopeFunc{Z: z, H: h}
		want, err := zf.Pieces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := zf.Net()
		for _, eng := range regionEngines {
			rm, err := eng.f(ctx, n, 0, unitBox)
			if err != nil {
				t.Fatal(err)
			}
			if int64(rm.Pieces) != want.Pieces {
				t.Errorf("%s %v: %d pieces, hard says %d (%+v)", eng.name, p, rm.Pieces, want.Pieces, want)
			}
			// hard's count is on all of R²: so is the exact engine's Whole.
			if eng.name == "exact" && (rm.Whole == nil || int64(rm.Whole.Pieces) != want.Pieces) {
				t.Errorf("%s %v: counts on R² %+v, hard says %d pieces", eng.name, p, rm.Whole, want.Pieces)
			}
			if !(rm.Regions >= rm.Pieces && rm.Pieces >= rm.AffineMaps) {
				t.Errorf("%s %v: counts %d ≥ %d ≥ %d violated", eng.name, p, rm.Regions, rm.Pieces, rm.AffineMaps)
			}
			checkCells(t, n, rm)
		}
	}
}

func TestRegionsRandomSampling(t *testing.T) {
	rng := &rngT{s: 11}
	for trial := 0; trial < 25; trial++ {
		n := randomNet(rng, 2, 1+rng.intn(5), 1+rng.intn(4), 1)
		rm, err := regionsFloat(context.Background(), n, 0, unitBox)
		if err != nil {
			t.Fatal(err)
		}
		if !(rm.Regions >= rm.Pieces && rm.Pieces >= rm.AffineMaps && rm.AffineMaps >= 1) {
			t.Errorf("trial %d: counts %d ≥ %d ≥ %d violated", trial, rm.Regions, rm.Pieces, rm.AffineMaps)
		}
		checkCells(t, n, rm)
	}
}

func TestRegionsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := randomNet(&rngT{s: 1}, 2, 4, 1)
	for _, eng := range regionEngines {
		if _, err := eng.f(ctx, n, 0, unitBox); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v", eng.name, err)
		}
	}
}

func TestRegionsAPI(t *testing.T) {
	ts, _ := newTest(t, Config{})
	id2 := upload(t, ts, `{"layers":[{"weight":[[1,0],[0,1]]},{"weight":[[1,1]]}]}`).ID
	var rm RegionMap
	if code, msg := call(t, "GET", ts.URL+"/api/regions?net="+id2+"&box=-1:1,-2:2", "", nil, &rm); code != 200 {
		t.Fatal(code, msg)
	}
	if rm.Regions != 4 || rm.Pieces != 4 || rm.AffineMaps != 4 || len(rm.Cells) != 4 || rm.Box[1] != [2]float64{-2, 2} {
		t.Errorf("regions: %+v", rm)
	}
	if !rm.Exact {
		t.Error("default region map not exact")
	}
	if call(t, "GET", ts.URL+"/api/regions?net="+id2+"&box=-1:1,-2:2&exact=0", "", nil, &rm); rm.Regions != 4 || rm.Exact {
		t.Errorf("fast regions: %+v", rm)
	}
	// A box in one quadrant: one region.
	if call(t, "GET", ts.URL+"/api/regions?net="+id2+"&box=0.5:1,0.5:1", "", nil, &rm); rm.Regions != 1 {
		t.Errorf("one quadrant: %+v", rm)
	}
	id1 := upload(t, ts, zigzagJSON).ID
	for _, tc := range []struct {
		q    string
		code int
		msg  string
	}{
		{"net=" + id1, 400, "needs a net with at least 2 inputs (upload.json has 1)"},
		{"net=" + id2 + "&u=1,0&v=2,0", 400, "parallel or zero"},
		{"net=" + id2 + "&u=1,0,0", 400, "u needs 2 comma-separated numbers"},
		{"net=" + id2 + "&box=1:0,0:1", 400, "need A < B"},
		{"net=" + id2 + "&box=0:1", 400, "want A:B,C:D"},
		{"net=" + id2 + "&box=0:1,a:b", 400, "not a finite number"},
		{"net=" + id2 + "&out=3", 400, "output index"},
		{"net=zzz", 404, "no net with id"},
		{"", 400, "missing net id"},
	} {
		code, msg := call(t, "GET", ts.URL+"/api/regions?"+tc.q, "", nil, nil)
		if code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%q: got %d %q, want %d containing %q", tc.q, code, msg, tc.code, tc.msg)
		}
	}
}

func TestRegionsPlane(t *testing.T) {
	ts, _ := newTest(t, Config{})
	// f(x, y, z) = σ(x) + σ(y) + σ(z).
	id := upload(t, ts, `{"layers":[{"weight":[[1,0,0],[0,1,0],[0,0,1]]},{"weight":[[1,1,1]]}]}`).ID
	var rm RegionMap
	// Default plane z = 0: σ(z) vanishes, four quadrants.
	if code, msg := call(t, "GET", ts.URL+"/api/regions?net="+id, "", nil, &rm); code != 200 || rm.Regions != 4 || rm.Plane == nil ||
		fmt.Sprint(rm.Plane.U, rm.Plane.V) != "[1 0 0] [0 1 0]" {
		t.Fatalf("default plane: %d %s %+v", code, msg, rm)
	}
	// Plane (s, t) ↦ (s, t, t − ½): f = σ(s) + σ(t) + σ(t − ½), three
	// lines, six regions, six maps.
	if code, msg := call(t, "GET", ts.URL+"/api/regions?net="+id+"&x0=0,0,-0.5&u=1,0,0&v=0,1,1", "", nil, &rm); code != 200 ||
		rm.Regions != 6 || rm.Pieces != 6 || rm.AffineMaps != 6 {
		t.Errorf("tilted plane: %d %s %d/%d/%d", code, msg, rm.Regions, rm.Pieces, rm.AffineMaps)
	}
	for _, c := range rm.Cells {
		if c.Pattern[0][0] == '1' && c.Pattern[0][1] == '1' && c.Pattern[0][2] == '1' && c.Grad != [2]float64{1, 2} {
			t.Errorf("all active: map %v + %v", c.Grad, c.Offset)
		}
	}
}

func TestPlaneNetExact(t *testing.T) {
	// Oracle: exact evaluation of the original net at x0 + s·u + t·v.
	n := randomNet(&rngT{s: 9}, 4, 5, 3, 2)
	p := &Plane{X0: []float64{0.5, -1, 0.25, 2}, U: []float64{1, 0.5, 0, -1}, V: []float64{0, 1, 0.125, 3}}
	pn, err := planeNet(n, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range [][2]string{{"0", "0"}, {"1/3", "-2/7"}, {"5", "1"}, {"-1", "3/2"}} {
		s, _ := new(big.Rat).SetString(st[0])
		u, _ := new(big.Rat).SetString(st[1])
		x := make([]*big.Rat, 4)
		for i := range x {
			x[i] = new(big.Rat).SetFloat64(p.X0[i])
			x[i].Add(x[i], new(big.Rat).Mul(s, new(big.Rat).SetFloat64(p.U[i])))
			x[i].Add(x[i], new(big.Rat).Mul(u, new(big.Rat).SetFloat64(p.V[i])))
		}
		got, want := pn.EvalRat([]*big.Rat{s, u}), n.EvalRat(x)
		for j := range want {
			if got[j].Cmp(want[j]) != 0 {
				t.Errorf("(%s, %s) output %d: plane net %s, net %s", st[0], st[1], j, got[j], want[j])
			}
		}
	}
}

func FuzzParseBox(f *testing.F) {
	for _, s := range []string{"-1:1", "0:1e3", "a:b", ":", "1:0", "NaN:1", "1e999:2", "0x1p3:9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := parseInterval(s, "box")
		if err != nil {
			return
		}
		if !(iv[0] < iv[1]) || math.IsInf(iv[0], 0) || math.IsInf(iv[1], 0) || math.IsNaN(iv[0]) {
			t.Fatalf("parseInterval(%q) = %v", s, iv)
		}
	})
}

func TestRegionsExactAgainstFloat(t *testing.T) {
	// Two independent algorithms: package region's certified enumeration
	// and the polygon cutting of regions.go must agree on the counts and
	// on every cell's pattern and map.
	rng := &rngT{s: 5}
	ctx := context.Background()
	for trial := 0; trial < 30; trial++ {
		n := randomNet(rng, 2, 1+rng.intn(5), 1+rng.intn(4), 1)
		ex, err := regionsExact(ctx, n, 0, unitBox)
		if err != nil {
			t.Fatal(err)
		}
		fl, err := regionsFloat(ctx, n, 0, unitBox)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Regions != fl.Regions || ex.Pieces != fl.Pieces || ex.AffineMaps != fl.AffineMaps || !ex.Exact {
			t.Errorf("trial %d: exact %d/%d/%d (exact=%v), float %d/%d/%d", trial,
				ex.Regions, ex.Pieces, ex.AffineMaps, ex.Exact, fl.Regions, fl.Pieces, fl.AffineMaps)
		}
		if len(ex.Cells) != ex.Regions {
			t.Errorf("trial %d: %d cells for %d regions", trial, len(ex.Cells), ex.Regions)
		}
		maps, pieces := map[int]bool{}, map[int]bool{}
		for _, c := range ex.Cells {
			maps[c.Map], pieces[c.Piece] = true, true
		}
		if len(maps) != ex.AffineMaps || len(pieces) != ex.Pieces {
			t.Errorf("trial %d: cell numbering has %d maps and %d pieces, counts say %d and %d", trial, len(maps), len(pieces), ex.AffineMaps, ex.Pieces)
		}
		checkCells(t, n, ex)
	}
}

// BenchmarkRegionsZonotope times the page's largest family member
// (ZONOTOPE²_{3,4,6}, 780 regions) through both region engines.
func BenchmarkRegionsZonotope(b *testing.B) {
	v, _ := familyParams(&builtinFamilies[2], map[string]float64{"m": 6, "k": 3, "w": 4})
	h, z, _ := familyMember("zonotope", v)
	n := (&hard.ZonotopeFunc{Z: z, H: h}).Net()
	for _, eng := range regionEngines {
		b.Run(eng.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eng.f(context.Background(), n, 0, unitBox); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSliceSawtooth(b *testing.B) {
	n, _ := buildFamily("sawtooth", map[string]float64{"k": 5, "w": 6})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sliceExact(context.Background(), n, 0, []float64{0}, []float64{1}, -0.25, 1.25); err != nil {
			b.Fatal(err)
		}
	}
}
