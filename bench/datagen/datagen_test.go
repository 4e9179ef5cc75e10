package datagen

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/relucid/relucid/internal/csvio"
)

func equal(a, b *Dataset) bool {
	if len(a.X) != len(b.X) || len(a.Y) != len(b.Y) {
		return false
	}
	for j := range a.X {
		if a.Y[j] != b.Y[j] || len(a.X[j]) != len(b.X[j]) {
			return false
		}
		for k := range a.X[j] {
			if a.X[j][k] != b.X[j][k] {
				return false
			}
		}
	}
	return true
}

var workloads = []struct {
	name string
	n    int
}{{"t1", 1}, {"t2", 2}, {"moons", 2}, {"circles", 2}, {"t5", 1}, {"t5", 2}, {"t6", 1}, {"t6", 3}}

func TestDeterministic(t *testing.T) {
	for _, w := range workloads {
		a, err := Generate(w.name, 7, 30, w.n)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(w.name, 7, 30, w.n)
		if !equal(a, b) {
			t.Errorf("%s n=%d: two generations with seed 7 differ", w.name, w.n)
		}
		c, _ := Generate(w.name, 8, 30, w.n)
		if equal(a, c) {
			t.Errorf("%s n=%d: seeds 7 and 8 give the same data", w.name, w.n)
		}
		if a.Dim() != w.n {
			t.Errorf("%s: dimension %d, want %d", w.name, a.Dim(), w.n)
		}
		if len(a.X) != 30 {
			t.Errorf("%s: %d points, want 30", w.name, len(a.X))
		}
	}
}

// A prefix property: the first points do not depend on D for the i.i.d.
// workloads, so instances of different sizes are nested.
func TestNested(t *testing.T) {
	for _, w := range []string{"t1", "t2", "t6"} {
		small, _ := Generate(w, 3, 10, 2)
		big, _ := Generate(w, 3, 40, 2)
		big.X, big.Y = big.X[:10], big.Y[:10]
		if !equal(small, big) {
			t.Errorf("%s: first 10 points of D=40 differ from D=10", w)
		}
	}
}

// Statistical sanity with loose bounds (several standard errors wide), so a
// wrong distribution fails but a correct one passes for any seed.
func TestDistributions(t *testing.T) {
	const d = 20000
	t1 := T1(1, d)
	var mx, res2 float64
	for j, x := range t1.X {
		if x[0] < -1 || x[0] > 1 {
			t.Fatalf("T1 x = %v outside [−1, 1]", x[0])
		}
		mx += x[0]
		r := t1.Y[j] - math.Sin(3*x[0])
		res2 += r * r
	}
	// mean of U[−1,1]: sd 1/√3/√d ≈ 0.004; noise variance 0.01 ± ~1e-4.
	if math.Abs(mx/d) > 0.03 {
		t.Errorf("T1 mean x = %v, want ≈ 0", mx/d)
	}
	if v := res2 / d; math.Abs(v-0.01) > 0.001 {
		t.Errorf("T1 noise variance %v, want ≈ 0.01", v)
	}
	t6 := T6(1, d, 3)
	for k := range 3 {
		var s, s2 float64
		for _, x := range t6.X {
			s += x[k]
			s2 += x[k] * x[k]
		}
		if math.Abs(s/d) > 0.05 || math.Abs(s2/d-1) > 0.05 {
			t.Errorf("T6 coordinate %d: mean %v, variance %v; want 0, 1", k, s/d, s2/d)
		}
	}
}

func TestTeacher(t *testing.T) {
	ds, net := T2(4, 50)
	if !equal(&Dataset{X: ds.X, Y: ds.Y}, ds) {
		t.Fatal("self-equality")
	}
	if got := Teacher(4); got.Layers[0].W[3] != net.Layers[0].W[3] {
		t.Error("Teacher(seed) differs from the T2 teacher")
	}
	for k, l := range net.Layers {
		bound := 1 / math.Sqrt(float64(l.In))
		for _, v := range append(append([]float64{}, l.W...), l.B...) {
			if math.Abs(v) > bound {
				t.Errorf("layer %d: %v outside PyTorch's init bound ±%v", k, v, bound)
			}
		}
	}
	if w := net.HiddenWidths(); len(w) != 1 || w[0] != TeacherWidth {
		t.Errorf("teacher widths %v", w)
	}
	for j, x := range ds.X {
		if y := net.Eval(x)[0]; y != ds.Y[j] {
			t.Fatalf("point %d: y = %v, teacher gives %v", j, ds.Y[j], y)
		}
	}
}

func TestLabels(t *testing.T) {
	for _, ds := range []*Dataset{Moons(1, 41), Circles(1, 41)} {
		var plus int
		for _, y := range ds.Y {
			switch y {
			case 1:
				plus++
			case -1:
			default:
				t.Fatalf("label %v not ±1", y)
			}
		}
		if plus != 20 {
			t.Errorf("%d positive labels of 41, want 20", plus)
		}
	}
	// Circles: the inner circle (+1) has radius ≈ 0.5, the outer ≈ 1.
	c := Circles(2, 200)
	for j, x := range c.X {
		r := math.Hypot(x[0], x[1])
		want := 1.0
		if c.Y[j] == 1 {
			want = CirclesFactor
		}
		if math.Abs(r-want) > 6*CirclesNoise {
			t.Errorf("point %d: radius %v, want ≈ %v", j, r, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		w    string
		d, n int
	}{{"t1", 0, 1}, {"t9", 5, 1}, {"t5", 5, 3}, {"t6", 5, 0}, {"t6", 5, 17}} {
		if _, err := Generate(c.w, 1, c.d, c.n); err == nil {
			t.Errorf("Generate(%q, D=%d, n=%d): no error", c.w, c.d, c.n)
		}
	}
}

// TestCSVRoundTrip checks that WriteCSV is read back by the project's CSV
// reader to exactly the same numbers.
func TestCSVRoundTrip(t *testing.T) {
	ds, _ := T2(5, 37)
	var buf bytes.Buffer
	if err := ds.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, header, err := csvio.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(header) != 3 || header[2] != "y" {
		t.Errorf("header %v", header)
	}
	back := &Dataset{}
	for _, r := range rows {
		back.X = append(back.X, r[:2])
		back.Y = append(back.Y, r[2])
	}
	if !equal(ds, back) {
		t.Error("CSV round trip changed the data")
	}
}

// TestCommittedFiles checks that bench/data holds exactly what the
// generators produce (regenerate with go run ./bench/cmd/datagen -all bench/data).
func TestCommittedFiles(t *testing.T) {
	for _, in := range Committed() {
		path := filepath.Join("..", "data", in.FileName())
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := in.Generate()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		ds.WriteCSV(&want)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s differs from a fresh generation", path)
		}
	}
}

func TestRegionNet(t *testing.T) {
	a, b := RegionNet(1, 3, 4, 1), RegionNet(1, 3, 4, 1)
	var ja, jb bytes.Buffer
	a.Encode(&ja)
	b.Encode(&jb)
	if !bytes.Equal(ja.Bytes(), jb.Bytes()) || a.InputDim() != 3 || len(a.Layers) != 2 {
		t.Errorf("RegionNet is not deterministic or has the wrong shape")
	}
	if l := a.Layers[0]; l.At(0, 0) == l.At(0, 1) || math.Abs(l.At(0, 0)) > 1/math.Sqrt(3) {
		t.Errorf("RegionNet weights are not PyTorch's default init")
	}
}

func BenchmarkT2(b *testing.B) {
	for b.Loop() {
		T2(1, 1000)
	}
}
