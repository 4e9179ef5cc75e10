package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relucid/relucid/onnx"
	"github.com/relucid/relucid/relu"
)

func TestServeRefusesRemoteAndBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0"}, 2, "not a loopback address"},
		{[]string{"serve", "--addr", ":8080"}, 2, "--allow-remote"},
		{[]string{"serve", "--addr", "nonsense"}, 2, "missing port"},
		{[]string{"serve", "--max-upload", "0"}, 2, "--max-upload must be positive"},
		{[]string{"serve", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--root", "/does/not/exist"}, 1, "net directory"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d containing %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

func TestServeHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"help", "serve"}, nil, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "relucid serve --addr 127.0.0.1:8080") || !strings.Contains(out.String(), "-allow-remote") {
		t.Errorf("help: %d %q", code, out.String())
	}
}

func TestServeRunsAndStops(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "z.json"), []byte(zigzagJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--root", dir}, strings.NewReader(""), io.Discard, pw)
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no URL in %q", line)
	}
	url := strings.Fields(line[i:])[0]
	res, err := http.Post(url+"api/net?path=z.json", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Name  string `json:"name"`
		Depth int    `json:"depth"`
	}
	json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()
	if res.StatusCode != 200 || info.Name != "z.json" || info.Depth != 2 {
		t.Errorf("open by path: %d %+v", res.StatusCode, info)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after cancel", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServeDecodeNamed(t *testing.T) {
	n, err := relu.Decode(strings.NewReader(zigzagJSON))
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := onnx.Marshal(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"m.onnx", "M.ONNX"} {
		got, err := decodeNamed(name, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, x := range []float64{-1, 0.25, 0.5, 3} {
			if a, b := got.Eval([]float64{x})[0], n.Eval([]float64{x})[0]; a != b {
				t.Errorf("%s: f(%v) = %v, want %v", name, x, a, b)
			}
		}
	}
	if _, err := decodeNamed("m.json", bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "malformed network JSON") {
		t.Errorf("ONNX bytes named .json: %v", err)
	}
	if _, err := decodeNamed("m.onnx", strings.NewReader(zigzagJSON)); err == nil {
		t.Error("JSON named .onnx decoded")
	}
}
