// Command datagen writes the benchmark workloads of package
// github.com/relucid/relucid/bench/datagen as CSV (last column y).
//
// Usage:
//
//	go run ./bench/cmd/datagen -w t1 -d 50 -seed 1 [-n N] [-o FILE.csv]
//	go run ./bench/cmd/datagen -net 3,32,32,32,1 -seed 1 [-o FILE.json]
//	go run ./bench/cmd/datagen -all bench/data
//
// With -net it writes the random net of the region workloads R2/R3 with
// those layer widths (datagen.RegionNet) as network JSON.
// With -all it regenerates every committed instance (datagen.Committed) and
// the T2 teacher net (t2_teacher_s1.json) into the directory. Workloads: t1,
// t2, moons, circles, t5 (-n 1 or 2), t6 (-n 1..4).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/relucid/relucid/bench/datagen"
	"github.com/relucid/relucid/relu"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "datagen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("datagen", flag.ContinueOnError)
	w := fs.String("w", "t1", "workload: t1, t2, moons, circles, t5, t6")
	d := fs.Int("d", 50, "number of data points D")
	n := fs.Int("n", 1, "input dimension (t5: 1 or 2; t6: 1..16)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("o", "", "output file (default stdout)")
	all := fs.String("all", "", "regenerate every committed instance into this directory")
	net := fs.String("net", "", "write the random region-workload net with these layer widths, e.g. 3,32,32,32,1")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *all != "" {
		return writeAll(*all)
	}
	var buf bytes.Buffer
	if *net != "" {
		widths, err := parseWidths(*net)
		if err != nil {
			return err
		}
		if err := datagen.RegionNet(*seed, widths...).Encode(&buf); err != nil {
			return err
		}
	} else {
		ds, err := datagen.Generate(*w, *seed, *d, *n)
		if err != nil {
			return err
		}
		if err := ds.WriteCSV(&buf); err != nil {
			return err
		}
	}
	if *out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	return relu.WriteFileAtomic(*out, buf.Bytes())
}

func writeAll(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New(dir + ": not a directory")
	}
	for _, in := range datagen.Committed() {
		ds, err := in.Generate()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := ds.WriteCSV(&buf); err != nil {
			return err
		}
		if err := relu.WriteFileAtomic(filepath.Join(dir, in.FileName()), buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := datagen.Teacher(1).Encode(&buf); err != nil {
		return err
	}
	return relu.WriteFileAtomic(filepath.Join(dir, "t2_teacher_s1.json"), buf.Bytes())
}

// parseWidths reads comma-separated layer widths, at least two, each in
// 1..4096.
func parseWidths(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, fmt.Errorf("-net %q: want at least an input and an output width", s)
	}
	w := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 || v > 4096 {
			return nil, fmt.Errorf("-net %q: width %q is not an integer in 1..4096", s, p)
		}
		w[i] = v
	}
	return w, nil
}
