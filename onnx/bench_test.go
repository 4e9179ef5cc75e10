package onnx

import (
	"bytes"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/relucid/relucid/relu"
)

// largeMLP is an MNIST-sized MLP, 784→1024→1024→1024→10 (2.9 million
// parameters), the size of net people export from PyTorch to inspect.
func largeMLP() *relu.Net {
	return randomNet(rand.New(rand.NewPCG(7, 7)), 784, 1024, 1024, 1024, 10)
}

func benchmarkRead(b *testing.B, f32 bool) {
	data, _, err := Marshal(largeMLP(), &WriteOptions{Float32: f32})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Decode(data, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime returns the process's user+system CPU time. On a shared machine
// wall time measures the neighbours; CPU time per operation (all threads,
// garbage collection included) is the steadier figure.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkReadLargeFloat32 loads the large MLP with float32 weights, as
// torch.onnx.export writes them.
func BenchmarkReadLargeFloat32(b *testing.B) { benchmarkRead(b, true) }

// BenchmarkReadLargeFloat64 loads it with float64 weights.
func BenchmarkReadLargeFloat64(b *testing.B) { benchmarkRead(b, false) }

// BenchmarkReadLargeJSON loads the same net from network JSON, for
// comparison.
func BenchmarkReadLargeJSON(b *testing.B) {
	var buf bytes.Buffer
	if err := largeMLP().Encode(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := relu.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkWriteLarge exports the large MLP with float64 weights.
func BenchmarkWriteLarge(b *testing.B) {
	n := largeMLP()
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, _, err := Marshal(n, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
