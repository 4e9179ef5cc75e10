package progress_test

import (
	"context"
	"os"
	"time"

	"github.com/relucid/relucid/internal/progress"
)

// A job of three steps logging to stdout (not a terminal: log lines).
func Example() {
	ctx := context.Background()
	clock := time.Unix(0, 0)
	r := progress.Start(ctx, os.Stdout, "cells", 3, &progress.Options{
		Terminal: -1,
		Now:      func() time.Time { return clock },
	})
	for range 3 {
		clock = clock.Add(time.Second) // the work
		r.Add(1)
	}
	r.Finish(ctx.Err())
	// Output: cells: done, 3/3 in 3s
}
