package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the CLI with the given stdin and returns exit code, stdout and
// stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const zigzagJSON = `{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0, -0.5]},
            {"weight": [[2.0, -4.0]], "bias": [0.0]}]}`

func TestEval(t *testing.T) {
	net := writeTemp(t, "zigzag.json", zigzagJSON)
	two := writeTemp(t, "two.json", `{"layers": [{"weight": [[1, "1/3"], [-1, 0]]}, {"weight": [[1, 1], [0, 2]]}]}`)
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"points", "0.25\n0.5\n0.75\n2\n-3\n", []string{"eval", net}, "0.5\n1\n0.5\n-2\n0\n"},
		{"header", "x\n0.25\n", []string{"eval", net}, "0.5\n"},
		{"blank lines", "0.25\n\n0.75\n", []string{"eval", net}, "0.5\n0.5\n"},
		{"no points", "", []string{"eval", net}, ""},
		{"full precision", "0.1\n", []string{"eval", net}, "0.2\n"},
		{"tiny value", "1e-300\n", []string{"eval", net}, "2e-300\n"},
		// σ(x₀ + x₁/3) + σ(−x₀), 2σ(−x₀); float path rounds 1/3.
		{"two outputs", "3,0\n-1,3\n", []string{"eval", two}, "3,0\n1,2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tc.stdin, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if out != tc.want {
				t.Fatalf("stdout %q, want %q", out, tc.want)
			}
		})
	}
}

func TestEvalErrors(t *testing.T) {
	dir := t.TempDir()
	net := writeTemp(t, "zigzag.json", zigzagJSON)
	bad := writeTemp(t, "bad.json", `{"layers": [{"weight": [[1.0], [1.0]], "bias": [0.0`)
	shape := writeTemp(t, "shape.json", `{"layers": [{"weight": [[1.0], [1.0]]}, {"weight": [[1, 2, 3]]}]}`)
	nan := writeTemp(t, "nan.json", `{"layers": [{"weight": [["NaN"]]}]}`)
	unreadable := filepath.Join(dir, "locked.json")
	os.WriteFile(unreadable, []byte(zigzagJSON), 0o000)
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		want        []string // substrings of stderr
	}{
		{"missing file", "", []string{"eval", filepath.Join(dir, "nope.json")}, 1, []string{"nope.json", "no such file"}},
		{"directory", "", []string{"eval", dir}, 1, []string{dir}},
		{"malformed JSON", "", []string{"eval", bad}, 1, []string{"bad.json", "malformed"}},
		{"wrong shape", "", []string{"eval", shape}, 1, []string{"shape.json", "layer 1"}},
		{"NaN weight", "", []string{"eval", nan}, 1, []string{"nan.json", "weight[0][0]"}},
		{"wrong column count", "0.5\n1,2\n", []string{"eval", net}, 1, []string{"line 2", "columns"}},
		{"too many columns for net", "1,2\n3,4\n", []string{"eval", net}, 1, []string{"line 1", "2 columns", "zigzag.json", "1 inputs"}},
		{"NaN in CSV", "0.5\nNaN\n", []string{"eval", net}, 1, []string{"line 2", "not finite"}},
		{"Inf in CSV", "0.5\n0.1\n-Inf\n", []string{"eval", net}, 1, []string{"line 3", "not finite"}},
		{"word in CSV", "0.5\nabc\n", []string{"eval", net}, 1, []string{"line 2", "not a number"}},
		{"malformed CSV", "0.5\n\"1\n", []string{"eval", net}, 1, []string{"stdin", "CSV"}},
		{"no file", "", []string{"eval"}, 2, []string{"missing NET.json", "usage"}},
		{"two files", "", []string{"eval", net, net}, 2, []string{"unexpected argument"}},
		{"unknown flag", "", []string{"eval", net, "--bogus"}, 2, []string{"bogus"}},
	}
	if os.Geteuid() != 0 { // root reads files whatever their mode
		tests = append(tests, struct {
			name, stdin string
			args        []string
			code        int
			want        []string
		}{"unreadable", "", []string{"eval", unreadable}, 1, []string{"locked.json", "permission denied"}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("partial output on failure: %q", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not mention %q", errs, w)
				}
			}
			if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
				t.Errorf("panic trace on stderr: %s", errs)
			}
		})
	}
}

func TestEvalHelp(t *testing.T) {
	code, out, _ := runCmd(t, "", "eval", "-h")
	if code != 0 || !strings.Contains(out, "example") {
		t.Fatalf("help: exit %d, %q", code, out)
	}
}
