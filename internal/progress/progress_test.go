package progress

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the ticker goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeClock advances only when told.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// waitFor polls until cond holds or a second passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLogLines(t *testing.T) {
	var out syncBuffer
	clk := &fakeClock{}
	r := Start(context.Background(), &out, "regions", 100, &Options{Interval: 5 * time.Millisecond, Terminal: -1, Now: clk.now})
	r.Add(40)
	clk.advance(4 * time.Second)
	waitFor(t, "a log line", func() bool { return strings.Contains(out.String(), "regions: 40/100 (40%) after 4s, 10/s, ETA 6s\n") })
	r.Add(60)
	clk.advance(6 * time.Second)
	r.Finish(nil)
	s := out.String()
	if !strings.HasSuffix(s, "regions: done, 100/100 in 10s\n") {
		t.Errorf("last line of %q", s)
	}
	if strings.Contains(s, "\r") || strings.Contains(s, "\x1b") {
		t.Errorf("log output has terminal controls: %q", s)
	}
}

func TestBar(t *testing.T) {
	var out syncBuffer
	clk := &fakeClock{}
	r := Start(context.Background(), &out, "train", 10, &Options{Terminal: 1, Now: clk.now})
	r.Set(5)
	clk.advance(time.Second)
	waitFor(t, "a bar", func() bool {
		return strings.Contains(out.String(), "\rtrain [###############...............] 5/10 50% 5/s ETA 1s\x1b[K")
	})
	r.Finish(nil)
	if !strings.HasSuffix(out.String(), "\ntrain: done, 5/10 in 1s\n") {
		t.Errorf("output %q", out.String())
	}
}

// TestUnknownTotal checks a job without a known total reports counts.
func TestUnknownTotal(t *testing.T) {
	var out syncBuffer
	clk := &fakeClock{}
	r := Start(context.Background(), &out, "cells", 0, &Options{Interval: time.Millisecond, Terminal: -1, Now: clk.now})
	r.Add(7)
	clk.advance(2 * time.Second)
	waitFor(t, "a log line", func() bool { return strings.Contains(out.String(), "cells: 7 done after 2s, 3.5/s\n") })
	r.Finish(nil)
}

// TestCancel checks cancellation stops the ticker within a second and the
// final line says the results are partial.
func TestCancel(t *testing.T) {
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	r := Start(ctx, &out, "erm", 1000, &Options{Interval: time.Millisecond, Terminal: -1})
	r.Add(3)
	cancel()
	stopped := make(chan struct{})
	go func() { r.wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(time.Second):
		t.Fatal("ticker still running a second after cancellation")
	}
	err := r.Finish(ctx.Err())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Finish returned %v", err)
	}
	if !strings.Contains(out.String(), "erm: stopped after") || !strings.Contains(out.String(), "at 3/1000: results are partial") {
		t.Errorf("output %q", out.String())
	}
	// After Finish nothing more is written.
	n := len(out.String())
	r.Finish(nil)
	time.Sleep(5 * time.Millisecond)
	if len(out.String()) != n {
		t.Errorf("wrote after Finish: %q", out.String()[n:])
	}
}

func TestFailure(t *testing.T) {
	var out syncBuffer
	r := Start(context.Background(), &out, "paper", 2, &Options{Terminal: -1})
	r.Finish(errors.New("check 3 failed"))
	if !strings.Contains(out.String(), "paper: failed after") || !strings.Contains(out.String(), "check 3 failed") {
		t.Errorf("output %q", out.String())
	}
}

// TestConcurrentAdd checks Add from many goroutines loses nothing (run
// with -race to check the synchronisation).
func TestConcurrentAdd(t *testing.T) {
	var out syncBuffer
	r := Start(context.Background(), &out, "x", 8000, &Options{Interval: time.Millisecond, Terminal: -1})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				r.Add(1)
			}
		}()
	}
	wg.Wait()
	r.Finish(nil)
	if r.Done() != 8000 {
		t.Errorf("Done() = %d, want 8000", r.Done())
	}
}

func TestIsTerminal(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if IsTerminal(pw) {
		t.Error("a pipe is reported as a terminal")
	}
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is reported as a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is reported as a terminal")
	}
	// /dev/null is a character device, like a terminal; a bar sent there
	// is harmless.
	if dn, err := os.Open(os.DevNull); err == nil {
		defer dn.Close()
		if !IsTerminal(dn) {
			t.Error("/dev/null is not reported as a character device")
		}
	}
}

func BenchmarkAdd(b *testing.B) {
	r := Start(context.Background(), &syncBuffer{}, "bench", int64(b.N), &Options{Terminal: -1})
	defer r.Finish(nil)
	b.ReportAllocs()
	for b.Loop() {
		r.Add(1)
	}
}
