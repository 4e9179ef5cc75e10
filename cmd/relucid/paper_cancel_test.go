package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestPaperCancelledReportsPartial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"paper"}, strings.NewReader(""), &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "results are partial") {
		t.Errorf("stderr %q does not say the results are partial", errb.String())
	}
}
