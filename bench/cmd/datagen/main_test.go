package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRunDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := run([]string{"-w", "moons", "-d", "12", "-seed", "5"}, &a); err != nil {
		t.Fatal(err)
	}
	run([]string{"-w", "moons", "-d", "12", "-seed", "5"}, &b)
	if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs with the same seed differ")
	}
	if lines := bytes.Count(a.Bytes(), []byte("\n")); lines != 13 {
		t.Errorf("%d lines, want header + 12", lines)
	}
	path := filepath.Join(t.TempDir(), "m.csv")
	if err := run([]string{"-w", "moons", "-d", "12", "-seed", "5", "-o", path}, &b); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, a.Bytes()) {
		t.Error("-o file differs from stdout output")
	}
}

func TestRunAll(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"-all", dir}, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"t1_d200_s1.csv", "t5_n2_d20_s1.csv", "t2_teacher_s1.json"} {
		want, err := os.ReadFile(filepath.Join("..", "..", "data", f))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(got, want) {
			t.Errorf("%s: regenerated file differs from the committed one", f)
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, args := range [][]string{{"-w", "t9"}, {"-d", "0"}, {"-w", "t6", "-n", "0"}, {"extra"}, {"-all", "/nonexistent-dir"}} {
		if err := run(args, new(bytes.Buffer)); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
