package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "d.csv")
	os.WriteFile(data, []byte("x,y\n0,0\n1,0\n2,1\n3,2\n"), 0o644)
	net := filepath.Join(dir, "net.json")
	var out bytes.Buffer
	err := run(context.Background(), []string{data, "--width", "1", "--restarts", "3", "--iters", "500", "-o", net}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var o Output
	if err := json.Unmarshal(out.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Objectives) != 3 || o.D != 4 || o.N != 1 || o.Objective > o.Objectives[0] {
		t.Errorf("unexpected output %+v", o)
	}
	if _, err := os.Stat(net); err != nil {
		t.Errorf("no net written: %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("x,y\n0,0\n1,zz\n"), 0o644)
	one := filepath.Join(dir, "one.csv")
	os.WriteFile(one, []byte("0\n1\n"), 0o644)
	lab := filepath.Join(dir, "lab.csv")
	os.WriteFile(lab, []byte("0,0.5\n1,1\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{bad}, "bad.csv"},
		{[]string{one}, "one.csv"},
		{[]string{lab, "--loss", "hinge"}, "labels"},
		{[]string{filepath.Join(dir, "missing.csv")}, "missing.csv"},
		{[]string{bad, "--loss", "cubic"}, "cubic"},
		{[]string{bad, "--method", "lbfgs"}, "lbfgs"},
		{[]string{}, "DATA.csv"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to mention %q", c.args, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed output despite the error", c.args)
		}
	}
}
