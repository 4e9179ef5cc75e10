// Package progress reports the progress of long jobs (region enumeration,
// exact training, the paper's checks): a bar redrawn in place when the
// output is a terminal, otherwise one log line every Interval (30 s by
// default), so batch logs stay short.
//
// A Reporter is driven by its job through Add (safe from many goroutines)
// and runs its own ticker goroutine, which stops when the job's context is
// cancelled or Finish is called. Finish prints the last line, saying
// whether the result is complete or partial.
package progress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultInterval is the time between log lines when the output is not a
// terminal.
const DefaultInterval = 30 * time.Second

// barInterval is the time between redraws of a terminal bar: fast enough
// to look live, slow enough to cost nothing.
const barInterval = 200 * time.Millisecond

// barWidth is the number of cells of the bar.
const barWidth = 30

// Options configures a Reporter. The zero value detects a terminal and
// logs every DefaultInterval.
type Options struct {
	// Interval between log lines (non-terminal output); 0 means
	// DefaultInterval.
	Interval time.Duration
	// Terminal forces bar mode (1) or log mode (-1); 0 detects it.
	Terminal int
	// Now replaces time.Now, for tests.
	Now func() time.Time
}

// Reporter reports the progress of one job.
type Reporter struct {
	w     io.Writer
	name  string
	total int64
	bar   bool
	every time.Duration
	now   func() time.Time
	start time.Time

	done atomic.Int64

	mu       sync.Mutex // serialises writes
	finished bool
	stop     chan struct{}
	wg       sync.WaitGroup
}

// IsTerminal reports whether w is a terminal: an *os.File that is a
// character device.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Start returns a Reporter for a job called name with total units of work
// (0 if unknown) and starts its ticker, which runs until ctx is done or
// Finish is called.
func Start(ctx context.Context, w io.Writer, name string, total int64, opt *Options) *Reporter {
	if opt == nil {
		opt = &Options{}
	}
	r := &Reporter{w: w, name: name, total: total, every: opt.Interval, now: opt.Now, stop: make(chan struct{})}
	if r.every <= 0 {
		r.every = DefaultInterval
	}
	if r.now == nil {
		r.now = time.Now
	}
	switch {
	case opt.Terminal > 0:
		r.bar = true
	case opt.Terminal == 0:
		r.bar = IsTerminal(w)
	}
	r.start = r.now()
	tick := r.every
	if r.bar {
		tick = barInterval
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.stop:
				return
			case <-t.C:
				r.report()
			}
		}
	}()
	return r
}

// Add records n more units of work done. It is safe for concurrent use and
// does not allocate.
func (r *Reporter) Add(n int64) { r.done.Add(n) }

// Set records that n units of work are done.
func (r *Reporter) Set(n int64) { r.done.Store(n) }

// Done returns the units of work recorded so far.
func (r *Reporter) Done() int64 { return r.done.Load() }

// report writes one bar redraw or log line.
func (r *Reporter) report() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	if r.bar {
		fmt.Fprintf(r.w, "\r%s\x1b[K", r.line(true))
		return
	}
	fmt.Fprintln(r.w, r.line(false))
}

// line describes the state: "regions [#####·····] 40/100 40% 12/s ETA 5s"
// on a terminal, "regions: 40/100 (40%) after 30s, 12/s, ETA 5s" in a log.
func (r *Reporter) line(bar bool) string {
	done := r.done.Load()
	el := r.now().Sub(r.start)
	var b strings.Builder
	b.WriteString(r.name)
	if !bar {
		b.WriteByte(':')
	}
	if bar && r.total > 0 {
		fill := int(min(done, r.total) * barWidth / r.total)
		b.WriteString(" [")
		b.WriteString(strings.Repeat("#", fill))
		b.WriteString(strings.Repeat(".", barWidth-fill))
		b.WriteByte(']')
	}
	if r.total > 0 {
		fmt.Fprintf(&b, " %d/%d", done, r.total)
		if bar {
			fmt.Fprintf(&b, " %d%%", done*100/r.total)
		} else {
			fmt.Fprintf(&b, " (%d%%) after %s", done*100/r.total, round(el))
		}
	} else {
		fmt.Fprintf(&b, " %d done", done)
		if !bar {
			fmt.Fprintf(&b, " after %s", round(el))
		}
	}
	if s := el.Seconds(); s > 0 && done > 0 {
		rate := float64(done) / s
		sep := " "
		if !bar {
			sep = ", "
		}
		fmt.Fprintf(&b, "%s%.3g/s", sep, rate)
		if r.total > done {
			eta := time.Duration(float64(r.total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, "%sETA %s", sep, round(eta))
		}
	}
	return b.String()
}

// round shortens a duration for display.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// Finish stops the ticker and writes the final line. A nil err means the
// job completed; a cancelled or timed-out context means its results are
// partial; any other error is reported as a failure. Finish returns err,
// and is a no-op after the first call.
func (r *Reporter) Finish(err error) error {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return err
	}
	r.finished = true
	close(r.stop)
	r.mu.Unlock()
	r.wg.Wait()

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar {
		// Leave the last bar on screen, then end its line.
		fmt.Fprintf(r.w, "\r%s\x1b[K\n", r.line(true))
	}
	el := round(r.now().Sub(r.start))
	done := r.done.Load()
	count := fmt.Sprintf("%d", done)
	if r.total > 0 {
		count = fmt.Sprintf("%d/%d", done, r.total)
	}
	switch {
	case err == nil:
		fmt.Fprintf(r.w, "%s: done, %s in %s\n", r.name, count, el)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(r.w, "%s: stopped after %s at %s: results are partial\n", r.name, el, count)
	default:
		fmt.Fprintf(r.w, "%s: failed after %s at %s: %v\n", r.name, el, count, err)
	}
	return err
}
