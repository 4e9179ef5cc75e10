// Command gd runs the gradient-descent baseline of package
// github.com/relucid/relucid/bench/gd on a CSV data set (last column y) and
// prints the per-restart objectives as JSON.
//
// Usage:
//
//	go run ./bench/cmd/gd DATA.csv --width W --loss squared|absolute|hinge|logistic \
//	    [--output-bias] [--restarts 20] [--iters 3000] [--method adam|gd] [--lr 0.01] \
//	    [--seed 1] [-o NET.json]
//
// Output: {"objective": best, "objectives": [...], "finals": [...], "time_s": t, ...}
// where every objective is the sum of the losses over the data points, the
// quantity `relucid train` minimises exactly.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/relucid/relucid/bench/gd"
	"github.com/relucid/relucid/internal/csvio"
	"github.com/relucid/relucid/relu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gd:", err)
		os.Exit(1)
	}
}

// Output is the JSON the command prints.
type Output struct {
	Objective  float64   `json:"objective"`
	Objectives []float64 `json:"objectives"`
	Finals     []float64 `json:"finals"`
	TimeS      float64   `json:"time_s"`
	Restarts   int       `json:"restarts"`
	Iters      int       `json:"iters"`
	Method     string    `json:"method"`
	LR         float64   `json:"lr"`
	Loss       string    `json:"loss"`
	Width      int       `json:"width"`
	OutputBias bool      `json:"output_bias"`
	D          int       `json:"D"`
	N          int       `json:"n"`
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gd", flag.ContinueOnError)
	width := fs.Int("width", 1, "hidden width w")
	lossName := fs.String("loss", "squared", "squared, absolute, hinge or logistic")
	bias := fs.Bool("output-bias", false, "give the net an output bias")
	restarts := fs.Int("restarts", 20, "random restarts R")
	iters := fs.Int("iters", 3000, "iterations per restart")
	method := fs.String("method", "adam", "adam or gd")
	lr := fs.Float64("lr", 0, "peak step size (default 0.01 adam, 0.05 gd)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("o", "", "write the best net as JSON here")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return fmt.Errorf("want exactly one DATA.csv, got %d arguments", len(pos))
	}
	loss, err := gd.ParseLoss(*lossName)
	if err != nil {
		return err
	}
	o := gd.Options{Restarts: *restarts, Iters: *iters, LR: *lr, Seed: *seed}
	switch *method {
	case "adam":
	case "gd":
		o.Method = gd.GD
	default:
		return fmt.Errorf("unknown method %q (want adam or gd)", *method)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	rows, _, err := csvio.Read(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if len(rows) == 0 || len(rows[0]) < 2 {
		return fmt.Errorf("%s: need at least one row with an input and a target column", pos[0])
	}
	p := &gd.Problem{Width: *width, Loss: loss, OutputBias: *bias}
	for _, r := range rows {
		p.X = append(p.X, r[:len(r)-1])
		p.Y = append(p.Y, r[len(r)-1])
	}
	start := time.Now()
	res, err := gd.Fit(ctx, p, o)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	el := time.Since(start).Seconds()
	if *out != "" {
		var buf bytes.Buffer
		if err := res.Net.Encode(&buf); err != nil {
			return err
		}
		if err := relu.WriteFileAtomic(*out, buf.Bytes()); err != nil {
			return err
		}
	}
	if o.LR == 0 {
		o.LR = 0.01
		if o.Method == gd.GD {
			o.LR = 0.05
		}
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(Output{Objective: res.Objective, Objectives: res.Objectives, Finals: res.Finals,
		TimeS: el, Restarts: *restarts, Iters: *iters, Method: *method, LR: o.LR, Loss: loss.String(),
		Width: *width, OutputBias: *bias, D: len(p.X), N: len(p.X[0])})
}
