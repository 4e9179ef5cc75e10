package main

import (
	"bufio"
	"flag"
	"fmt"
	"strconv"

	"github.com/relucid/relucid/internal/csvio"
	"github.com/relucid/relucid/relu"
)

func cmdEval() command {
	return command{
		name:    "eval",
		args:    "NET.json|NET.onnx < POINTS.csv",
		summary: "evaluate a net on CSV points from stdin",
		help: `Reads input points as CSV rows on stdin (one point per row, n columns; an
optional header row) and writes the net's outputs as CSV rows on stdout (m
columns), in full float64 precision (shortest text that round-trips).

example:
  printf '0.25\n0.5\n' | relucid eval testdata/zigzag.json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NET.json"); err != nil {
					return err
				}
				net, err := loadNet(args[0])
				if err != nil {
					return err
				}
				rows, _, err := csvio.Read(e.stdin)
				if err != nil {
					return fmt.Errorf("stdin: %w", err)
				}
				for i, r := range rows {
					if len(r) != net.InputDim() {
						return fmt.Errorf("stdin: line %d has %d columns but %s takes %d inputs", i+1, len(r), args[0], net.InputDim())
					}
				}
				ev := relu.NewEvaluator(net)
				out := make([]float64, net.OutputDim())
				w := bufio.NewWriter(e.stdout)
				buf := make([]byte, 0, 64)
				for _, r := range rows {
					ev.Eval(out, r)
					for j, v := range out {
						if j > 0 {
							w.WriteByte(',')
						}
						buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
						w.Write(buf)
					}
					w.WriteByte('\n')
				}
				return w.Flush()
			}
		},
	}
}
