package main

import (
	"strings"
	"testing"
)

func TestBounds(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"thm3.1", "--k", "4", "--w", "3", "--kp", "2"}, []string{"Theorem 3.1", "value: 8"}},
		{[]string{"d5", "--widths", "3,3,3"}, []string{"value: 144"}},
		{[]string{"d6", "--pieces", "100", "--k", "2"}, []string{"value: 9"}},
		{[]string{"d6", "--size", "10", "--k", "2"}, []string{"value: 100"}},
		{[]string{"cor3.3", "--k", "2", "--eps", "0.5"}, []string{"rounded up (spec A15)"}},
		{[]string{"cor3.4", "--k", "3"}, []string{"depth 10 with size 27", "value: 79/2"}},
		{[]string{"thm3.5", "--k", "3", "--w", "2", "--kp", "1", "--delta", "0.1"}, []string{"value: 1.2"}},
		{[]string{"thm3.5", "--k", "3", "--w", "2", "--kp", "1", "--delta", "0.3"}, []string{"vacuous"}},
		{[]string{"thm3.9", "--n", "3", "--k", "3", "--w", "4", "--m", "6", "--kp", "2"}, []string{"value: 2048", "line restriction", "region count"}},
		{[]string{"montufar", "--n", "4", "--k", "3", "--w", "6"}, []string{"value: 57"}},
		{[]string{"serra", "--n", "1", "--widths", "7"}, []string{"value: 8"}},
		{[]string{"cover", "--D", "704", "--n", "2"}, []string{"value: 494914"}},
		{[]string{"table"}, []string{"10368", "7776"}},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"bounds"}, c.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, errOut)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, out)
			}
		}
	}
	code, out, _ := runCLI(t, "", "bounds", "thm3.1", "--k", "4", "--w", "3", "--kp", "1", "--json")
	if code != 0 || !strings.Contains(out, `"value": 39.5`) {
		t.Errorf("--json: %s", out)
	}
}

func TestBoundsBadInput(t *testing.T) {
	for _, c := range [][]string{
		{"thm3.1", "--k", "0", "--w", "2", "--kp", "1"},
		{"thm3.1", "--k", "3", "--w", "1", "--kp", "1"},
		{"thm3.1", "--k", "3", "--w", "2", "--kp", "4"},
		{"thm3.9", "--n", "2", "--k", "1", "--w", "2", "--m", "0"},
		{"montufar", "--n", "4", "--k", "2", "--w", "3"},
		{"d5", "--widths", "2,x"},
		{"d6", "--k", "2"},
		{"nosuch"},
		{},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"bounds"}, c...)...)
		if code == 0 || errOut == "" || strings.Contains(errOut, "panic") {
			t.Errorf("%v: exit %d, stderr %q", c, code, errOut)
		}
	}
}
