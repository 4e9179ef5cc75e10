package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/relucid/relucid/erm"
)

func runTrain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrainCLI(t *testing.T) {
	data := writeTemp(t, "v.csv", "x,y\n-1,1\n0,0\n1,1\n")
	dir := t.TempDir()
	net := filepath.Join(dir, "net.json")
	cert := filepath.Join(dir, "cert.json")
	code, out, errs := runTrain(t, "train", data, "--width", "1", "--loss", "squared", "-o", net, "--json", "--cert", cert)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if v := doc["objective"].(float64); math.Abs(v-2.0/3) > 1e-9 {
		t.Errorf("objective %v, want 2/3", v)
	}
	if doc["certified"] != true {
		t.Error("not certified")
	}
	for _, k := range []string{"lower_bound", "subproblems_enumerated", "subproblems_solved", "subproblems_pruned", "kkt_residual", "bound", "net"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	if _, err := os.Stat(net); err != nil {
		t.Fatal(err)
	}
	// the net evaluates to the claimed objective through relucid eval
	code, _, errs = runTrain(t, "train", data, "--verify", cert)
	if code != 0 {
		t.Fatalf("verify: exit %d: %s", code, errs)
	}
	// tampering with the objective is caught
	raw, _ := os.ReadFile(cert)
	var certDoc map[string]any
	if err := json.Unmarshal(raw, &certDoc); err != nil {
		t.Fatal(err)
	}
	certDoc["objective"] = 0.5
	bad, err := json.Marshal(certDoc)
	if err != nil {
		t.Fatal(err)
	}
	badCert := writeTemp(t, "bad.json", string(bad))
	if code, _, _ := runTrain(t, "train", data, "--verify", badCert); code == 0 {
		t.Error("verify accepted a wrong objective")
	}
	// w = 2 reaches 0
	code, out, _ = runTrain(t, "train", data, "--width", "2", "--json")
	var doc2 map[string]any
	if err := json.Unmarshal([]byte(out), &doc2); code != 0 || err != nil {
		t.Fatalf("w=2: exit %d, %v: %s", code, err, out)
	}
	// Zero to the QP's tolerance (spec §5 item 12).
	if v, _ := doc2["objective"].(float64); math.Abs(v) > 1e-9 {
		t.Errorf("w=2: objective %v, want 0", v)
	}
}

func TestTrainCLIShardsMerge(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := 0; i < 12; i++ {
		x := float64(i)/6 - 1
		b.WriteString(strings.TrimSpace(strings.Join([]string{ftoa(x), ftoa(math.Sin(3*x) + 0.1*math.Cos(7*float64(i)))}, ",")) + "\n")
	}
	data := writeTemp(t, "d.csv", b.String())
	dir := t.TempDir()
	code, whole, errs := runTrain(t, "train", data, "--width", "2", "--loss", "absolute", "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var parts []string
	for _, s := range []string{"0/3", "1/3", "2/3"} {
		p := filepath.Join(dir, "part"+s[:1]+".json")
		if code, _, errs := runTrain(t, "train", data, "--width", "2", "--loss", "absolute", "--shard", s, "--cert", p); code != 0 {
			t.Fatal(errs)
		}
		parts = append(parts, p)
	}
	code, merged, errs := runTrain(t, append([]string{"merge", "--json"}, parts...)...)
	if code != 0 {
		t.Fatal(errs)
	}
	var a, m map[string]any
	json.Unmarshal([]byte(whole), &a)
	json.Unmarshal([]byte(merged), &m)
	if math.Abs(a["objective"].(float64)-m["objective"].(float64)) > 1e-9 || m["certified"] != true {
		t.Errorf("merged %v (certified %v), single run %v", m["objective"], m["certified"], a["objective"])
	}
	if m["exact_objective"] == nil || m["exact_objective"] != a["exact_objective"] {
		t.Errorf("merged exact_objective %v, single run %v", m["exact_objective"], a["exact_objective"])
	}
	// a missing shard is reported
	if code, _, _ := runTrain(t, "merge", parts[0], parts[1]); code == 0 {
		t.Error("merge of 2 of 3 shards succeeded")
	}
	if code, _, _ := runTrain(t, "merge", parts[0], parts[0], parts[1]); code == 0 {
		t.Error("merge with a duplicate shard succeeded")
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func jsonNum(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestTrainCLIBadInput(t *testing.T) {
	cases := map[string]struct {
		body string
		args []string
		want string
	}{
		"non-numeric":   {"x,y\n1,2\na,3\n", nil, "not a number"},
		"ragged":        {"1,2\n3\n", nil, "columns"},
		"nan":           {"1,2\nNaN,3\n", nil, "not finite"},
		"inf":           {"1,2\n3,+Inf\n", nil, "not finite"},
		"no rows":       {"x,y\n", nil, "no data rows"},
		"one column":    {"1\n2\n", nil, "2 columns"},
		"hinge labels":  {"1,2\n3,1\n", []string{"--loss", "hinge"}, "label"},
		"width 0":       {"1,2\n", []string{"--width", "0"}, "width"},
		"unknown loss":  {"1,2\n", []string{"--loss", "cubic"}, "unknown loss"},
		"absurd search": {bigCSV(3000), []string{"--width", "5"}, "--force"},
	}
	for name, c := range cases {
		data := writeTemp(t, "d.csv", c.body)
		out := filepath.Join(t.TempDir(), "net.json")
		args := append([]string{"train", data, "-o", out}, c.args...)
		if !contains(c.args, "--width") {
			args = append(args, "--width", "1")
		}
		code, _, errs := runTrain(t, args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q (want %q)", name, code, errs, c.want)
		}
		if strings.Contains(errs, "goroutine") {
			t.Errorf("%s: panic trace", name)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: output written", name)
		}
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func bigCSV(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(jsonNum(float64(i)*0.37) + "," + jsonNum(float64(i%7)) + "\n")
	}
	return b.String()
}

// FuzzParseData feeds arbitrary bytes to the DATA.csv reader of train: it
// must not panic, errors must name the file, and accepted data must make a
// valid erm.Problem whose dichotomy count (small cases) is between 2 and
// Cover's general-position count.
func FuzzParseData(f *testing.F) {
	for _, s := range []string{
		"x,y\n-1,1\n0,0\n1,1\n",
		"1,2,3\n4,5,6\n",
		"0,0,1\n0,0,-1\n0,0,1\n",
		"a,b\n",
		"1,2\n3\n",
		"1,NaN\n",
		"1,Inf\n",
		"1e308,1e308\n-1e308,5\n",
		"1\n2\n",
		"",
		"\"1\",\"2\"\n",
		"x,y\n0x1p-1074,1\n5e-324,-1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		X, Y, err := parseData("DATA.csv", raw)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "DATA.csv: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		p := erm.Problem{X: X, Y: Y, Width: 1, Loss: erm.Squared}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted data is not a valid problem: %v", err)
		}
		if n := len(X[0]); len(X) <= 8 && n <= 3 {
			fam, err := erm.Dichotomies(context.Background(), X)
			if err != nil {
				t.Fatal(err)
			}
			if c := erm.CoverCount(len(X), n).Int64(); len(fam) < 2 || int64(len(fam)) > c {
				t.Fatalf("%d dichotomies of %d points in R^%d (Cover %d)", len(fam), len(X), n, c)
			}
		}
	})
}

// Weight decay works for every loss from the CLI, and the certificate
// carries the rational re-check of the objective (not for logistic loss).
func TestTrainCLIWeightDecayAllLosses(t *testing.T) {
	data := writeTemp(t, "wd.csv", "x,y\n-2,1\n-1,-1\n0,1\n1,-1\n2,1\n")
	for _, loss := range []string{"squared", "absolute", "hinge", "logistic"} {
		code, out, errs := runTrain(t, "train", data, "--width", "1", "--loss", loss, "--weight-decay", "0.25", "--output-bias", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", loss, code, errs)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc["certified"] != true || doc["weight_decay"] != 0.25 {
			t.Errorf("%s: %v", loss, out)
		}
		obj, l, pen := doc["objective"].(float64), doc["loss"].(float64), doc["penalty"].(float64)
		if math.Abs(obj-(l+0.25*pen)) > 1e-9*(1+obj) {
			t.Errorf("%s: objective %v ≠ loss %v + λ·penalty %v", loss, obj, l, pen)
		}
		_, hasExact := doc["exact_objective"]
		if hasExact == (loss == "logistic") {
			t.Errorf("%s: exact_objective present = %v", loss, hasExact)
		}
	}
}
