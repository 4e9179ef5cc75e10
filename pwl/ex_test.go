package pwl

import (
	"math/big"
	"runtime"
	"testing"
	"time"
)

func TestExact20(t *testing.T) {
	net := sawtooth2(20)
	c0 := cpuTime()
	t0 := time.Now()
	r, err := FromNetRatOn(bg, net, big.NewRat(0, 1), big.NewRat(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("engine: %v wall %.2f cpu, %d knots, heapsys %d MB", time.Since(t0), cpuTime()-c0, len(r.X), ms.HeapSys>>20)
	c0 = cpuTime()
	n := r.NumPieces()
	t.Logf("NumPieces %d: %.2f cpu", n, cpuTime()-c0)
}
