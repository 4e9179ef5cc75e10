package erm

import (
	"context"
	"math"
	"testing"
)

func train(t *testing.T, p Problem, o Options) *Result {
	t.Helper()
	r, err := Train(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// paper-spec §5 item 12: exact optima (squared loss, sum form, no output bias).
func TestSpecOptima(t *testing.T) {
	cases := []struct {
		name string
		X    [][]float64
		Y    []float64
		w    int
		want float64
	}{
		{"V w=1", [][]float64{{-1}, {0}, {1}}, []float64{1, 0, 1}, 1, 2.0 / 3},
		{"V w=2", [][]float64{{-1}, {0}, {1}}, []float64{1, 0, 1}, 2, 0},
		{"hinge shape", [][]float64{{0}, {1}, {2}, {3}}, []float64{0, 0, 1, 2}, 1, 0},
		{"square", [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, []float64{0, 1, 0, 1}, 1, 0},
	}
	for _, c := range cases {
		for _, noPrune := range []bool{false, true} {
			r := train(t, Problem{X: c.X, Y: c.Y, Width: c.w, Loss: Squared}, Options{NoPrune: noPrune})
			if math.Abs(r.Objective-c.want) > 1e-8 {
				t.Errorf("%s (noPrune=%v): objective %v, want %v", c.name, noPrune, r.Objective, c.want)
			}
			if !r.Certificate.Certified {
				t.Errorf("%s: not certified", c.name)
			}
		}
	}
}
