// Package datagen generates the training workloads T1–T6 of the project's
// benchmark list deterministically from a seed.
//
// Every generator returns a Dataset: D rows of n inputs and one target y.
// The same (workload, seed, size) always yields the same numbers on every
// platform: randomness comes from math/rand/v2's PCG generator, whose output
// sequence (and that of its Float64 and NormFloat64 methods) is fixed by the
// Go 1 compatibility promise, and CSV output uses the shortest decimal text
// that round-trips to the same float64.
//
// The workloads (see ../shared/benchmarks.md):
//
//	T1  x ~ U[−1, 1],        y = sin(3x) + 0.1·N(0, 1)                 (n = 1)
//	T2  x ~ N(0, I₂),        y = teacher(x), a random 2→5→1 ReLU net   (n = 2)
//	T3  two moons or two concentric circles, y ∈ {−1, +1}              (n = 2)
//	T5  small instances (D ∈ {10, 15, 20}) of T1 (n = 1) or T2 (n = 2)
//	T6  x ~ N(0, I_n), n ∈ {1, …, 4}, y = 0 (enumeration only)
//
// RegionNet draws the random nets of the region workloads R2 and R3.
//
// The T2 teacher uses PyTorch's default nn.Linear initialisation: every
// weight and bias of a layer with fan-in k is uniform on [−1/√k, 1/√k].
package datagen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/relucid/relucid/internal/testnet"
	"github.com/relucid/relucid/relu"
)

// Dataset is a regression or classification data set: X[j] ∈ R^n and Y[j].
type Dataset struct {
	X [][]float64
	Y []float64
}

// Dim returns the input dimension n (0 for an empty set).
func (d *Dataset) Dim() int {
	if len(d.X) == 0 {
		return 0
	}
	return len(d.X[0])
}

// Stream constants keep the random streams of different workloads
// independent when they are given the same seed.
const (
	streamT1 = 0x7431_0000 + iota
	streamT2
	streamMoons
	streamCircles
	streamT6
)

func newRand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

func alloc(d, n int) *Dataset {
	if d < 1 {
		panic("datagen: need at least one data point")
	}
	flat := make([]float64, d*n)
	ds := &Dataset{X: make([][]float64, d), Y: make([]float64, d)}
	for j := range ds.X {
		ds.X[j] = flat[j*n : (j+1)*n : (j+1)*n]
	}
	return ds
}

// T1 returns D points of the 1-D regression task x ~ U[−1, 1],
// y = sin(3x) + 0.1·N(0, 1).
func T1(seed uint64, d int) *Dataset {
	r := newRand(seed, streamT1)
	ds := alloc(d, 1)
	for j := range d {
		x := 2*r.Float64() - 1
		ds.X[j][0] = x
		ds.Y[j] = math.Sin(3*x) + 0.1*r.NormFloat64()
	}
	return ds
}

// TeacherWidth is the hidden width of the T2 teacher net.
const TeacherWidth = 5

// Teacher returns the random 2→5→1 ReLU net (with output bias) of workload
// T2 for the given seed, initialised like PyTorch's nn.Linear.
func Teacher(seed uint64) *relu.Net {
	r := newRand(seed, streamT2)
	return teacher(r)
}

func teacher(r *rand.Rand) *relu.Net {
	l1 := relu.NewLayer(TeacherWidth, 2)
	l2 := relu.NewLayer(1, TeacherWidth)
	for _, l := range []*relu.Layer{&l1, &l2} {
		bound := 1 / math.Sqrt(float64(l.In))
		for i := range l.Out {
			for k := range l.In {
				l.Set(i, k, bound*(2*r.Float64()-1))
			}
		}
		for i := range l.Out {
			l.SetBias(i, bound*(2*r.Float64()-1))
		}
	}
	return &relu.Net{Layers: []relu.Layer{l1, l2}}
}

// T2 returns D points x ~ N(0, I₂) labelled by Teacher(seed), and the teacher.
func T2(seed uint64, d int) (*Dataset, *relu.Net) {
	r := newRand(seed, streamT2)
	net := teacher(r)
	ev := relu.NewEvaluator(net)
	ds := alloc(d, 2)
	out := make([]float64, 1)
	for j := range d {
		ds.X[j][0] = r.NormFloat64()
		ds.X[j][1] = r.NormFloat64()
		ds.Y[j] = ev.Eval(out, ds.X[j])[0]
	}
	return ds, net
}

// Noise levels of the classification sets, those of scikit-learn's examples.
const (
	MoonsNoise    = 0.1
	CirclesNoise  = 0.05
	CirclesFactor = 0.5 // inner radius / outer radius
)

// Moons returns D points of two interleaved half circles (scikit-learn's
// make_moons layout) with Gaussian noise of standard deviation MoonsNoise:
// ⌈D/2⌉ points on the upper moon labelled −1, the rest on the lower moon
// labelled +1. Angles are evenly spaced on [0, π].
func Moons(seed uint64, d int) *Dataset {
	r := newRand(seed, streamMoons)
	ds := alloc(d, 2)
	nOut := (d + 1) / 2
	nIn := d - nOut
	for j := range d {
		var x, y, lab float64
		if j < nOut {
			t := spaced(j, nOut, math.Pi, true)
			x, y, lab = math.Cos(t), math.Sin(t), -1
		} else {
			t := spaced(j-nOut, nIn, math.Pi, true)
			x, y, lab = 1-math.Cos(t), 0.5-math.Sin(t), 1
		}
		ds.X[j][0] = x + MoonsNoise*r.NormFloat64()
		ds.X[j][1] = y + MoonsNoise*r.NormFloat64()
		ds.Y[j] = lab
	}
	return ds
}

// Circles returns D points on two concentric circles (scikit-learn's
// make_circles layout) with noise CirclesNoise: ⌈D/2⌉ on the unit circle
// labelled −1, the rest on the circle of radius CirclesFactor labelled +1.
func Circles(seed uint64, d int) *Dataset {
	r := newRand(seed, streamCircles)
	ds := alloc(d, 2)
	nOut := (d + 1) / 2
	nIn := d - nOut
	for j := range d {
		var x, y, lab float64
		if j < nOut {
			t := spaced(j, nOut, 2*math.Pi, false)
			x, y, lab = math.Cos(t), math.Sin(t), -1
		} else {
			t := spaced(j-nOut, nIn, 2*math.Pi, false)
			x, y, lab = CirclesFactor*math.Cos(t), CirclesFactor*math.Sin(t), 1
		}
		ds.X[j][0] = x + CirclesNoise*r.NormFloat64()
		ds.X[j][1] = y + CirclesNoise*r.NormFloat64()
		ds.Y[j] = lab
	}
	return ds
}

// spaced returns the i-th of m evenly spaced angles on [0, span] (endpoint
// included) or [0, span) (excluded), as numpy.linspace does.
func spaced(i, m int, span float64, endpoint bool) float64 {
	div := m
	if endpoint {
		div = m - 1
	}
	if div <= 0 {
		return 0
	}
	return span * float64(i) / float64(div)
}

// T5 returns a small instance for the mixed-integer comparison: T1 data for
// n = 1 and T2 data for n = 2.
func T5(seed uint64, d, n int) (*Dataset, error) {
	switch n {
	case 1:
		return T1(seed, d), nil
	case 2:
		ds, _ := T2(seed, d)
		return ds, nil
	}
	return nil, fmt.Errorf("datagen: T5 has n = 1 or 2, not %d", n)
}

// T6 returns D Gaussian points in R^n (x ~ N(0, I_n)) with y = 0, for
// timing the dichotomy enumeration alone.
func T6(seed uint64, d, n int) *Dataset {
	if n < 1 {
		panic("datagen: T6 needs n ≥ 1")
	}
	r := newRand(seed, streamT6)
	ds := alloc(d, n)
	for j := range d {
		for k := range n {
			ds.X[j][k] = r.NormFloat64()
		}
	}
	return ds
}

// WriteCSV writes ds as CSV with a header row x1,…,xn,y; numbers use the
// shortest text that parses back to the same float64.
func (d *Dataset) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	n := d.Dim()
	for k := range n {
		fmt.Fprintf(bw, "x%d,", k+1)
	}
	bw.WriteString("y\n")
	buf := make([]byte, 0, 32)
	for j, x := range d.X {
		for _, v := range x {
			buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
			bw.Write(buf)
			bw.WriteByte(',')
		}
		buf = strconv.AppendFloat(buf[:0], d.Y[j], 'g', -1, 64)
		bw.Write(buf)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// Generate returns the data set of a workload by name: "t1", "t2",
// "moons", "circles", "t5" (n = 1 or 2) or "t6" (n ≥ 1). n is ignored
// where the workload fixes it.
func Generate(workload string, seed uint64, d, n int) (*Dataset, error) {
	if d < 1 {
		return nil, fmt.Errorf("datagen: D = %d, need at least one point", d)
	}
	switch workload {
	case "t1":
		return T1(seed, d), nil
	case "t2":
		ds, _ := T2(seed, d)
		return ds, nil
	case "moons":
		return Moons(seed, d), nil
	case "circles":
		return Circles(seed, d), nil
	case "t5":
		return T5(seed, d, n)
	case "t6":
		if n < 1 || n > 16 {
			return nil, fmt.Errorf("datagen: T6 dimension n = %d, want 1..16", n)
		}
		return T6(seed, d, n), nil
	}
	return nil, fmt.Errorf("datagen: unknown workload %q (want t1, t2, moons, circles, t5, t6)", workload)
}

// Instance names one generated file.
type Instance struct {
	Workload string
	Seed     uint64
	D, N     int
}

// FileName is the file name under which an instance is stored, e.g.
// "t1_d50_s1.csv" or "t6_n2_d200_s1.csv".
func (in Instance) FileName() string {
	switch in.Workload {
	case "t5", "t6":
		return fmt.Sprintf("%s_n%d_d%d_s%d.csv", in.Workload, in.N, in.D, in.Seed)
	}
	return fmt.Sprintf("%s_d%d_s%d.csv", in.Workload, in.D, in.Seed)
}

// Generate returns the instance's data.
func (in Instance) Generate() (*Dataset, error) {
	return Generate(in.Workload, in.Seed, in.D, in.N)
}

// Committed lists the instances stored under bench/data, which tests and
// baselines read; TestCommittedFiles checks they equal a fresh generation.
func Committed() []Instance {
	var s []Instance
	for _, d := range []int{20, 50, 100, 200} {
		s = append(s, Instance{"t1", 1, d, 1})
	}
	for _, d := range []int{25, 40, 60, 100} {
		s = append(s, Instance{"t2", 1, d, 2})
	}
	for _, w := range []string{"moons", "circles"} {
		for _, d := range []int{40, 80} {
			s = append(s, Instance{w, 1, d, 2})
		}
	}
	for _, n := range []int{1, 2} {
		for _, d := range []int{10, 15, 20} {
			s = append(s, Instance{"t5", 1, d, n})
		}
	}
	for n := 1; n <= 4; n++ {
		s = append(s, Instance{"t6", 1, 200, n})
	}
	return s
}

// RegionNet returns the random net of the region workloads R2 and R3 with
// the given layer widths (input first): testnet.Torch with the PCG stream
// (seed, 17), the nets region's benchmarks enumerate (randomNet there).
func RegionNet(seed uint64, widths ...int) *relu.Net {
	return testnet.Torch(rand.New(rand.NewPCG(seed, 17)), widths...)
}
