package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help does not list %q", c.name)
		}
	}
}

func TestEveryCommandHasManualWithExample(t *testing.T) {
	for _, c := range commands() {
		code, out, _ := runCLI(t, "", c.name, "-h")
		if code != 0 {
			t.Errorf("%s -h: exit %d", c.name, code)
		}
		if !strings.HasPrefix(out, "usage: relucid "+c.name) {
			t.Errorf("%s -h: manual does not start with usage line: %q", c.name, out)
		}
		if !strings.Contains(strings.ToLower(out), "example") || !strings.Contains(out, "relucid "+c.name+" ") {
			t.Errorf("%s -h: manual has no example invocation", c.name)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage: relucid COMMAND"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown help topic", []string{"help", "frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"eval", "--nope", "x.json"}, 2, "flag provided but not defined"},
		{"missing file arg", []string{"eval"}, 2, "missing NET.json"},
		{"unreadable file", []string{"eval", "does-not-exist.json"}, 1, "does-not-exist.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.want)
			}
			if strings.Contains(errOut, "goroutine ") {
				t.Errorf("panic trace on stderr: %q", errOut)
			}
		})
	}
}

func TestInterspersedFlags(t *testing.T) {
	// Flags after the positional argument must still be parsed.
	code, out, errOut := runCLI(t, "0.25\n", "eval", "../../testdata/zigzag.json")
	if code != 0 || strings.TrimSpace(out) != "0.5" {
		t.Fatalf("eval: exit %d out %q err %q", code, out, errOut)
	}
}
