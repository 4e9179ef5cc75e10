package erm

import (
	"context"
	"testing"
	"time"
)

func TestXXDecaySpeed(t *testing.T) {
	for _, D := range []int{20, 50} {
		X, Y := t1Data(D, 1)
		t0 := time.Now()
		r, err := Train(context.Background(), Problem{X: X, Y: Y, Width: 2, Loss: Absolute, WeightDecay: 0.01}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("D=%d: %v, obj %v, programs %d", D, time.Since(t0), r.Objective, r.Certificate.Solved)
	}
}
