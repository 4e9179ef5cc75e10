package main

import (
	"flag"
	"fmt"

	"github.com/relucid/relucid/onnx"
)

func cmdExport() command {
	return command{
		name:    "export",
		args:    "NET.json -o NET.onnx [--float32] [--json]",
		summary: "write a net as ONNX for PyTorch/onnxruntime",
		help: `Writes the net as an ONNX model (IR version 8, opset 13): a chain of Gemm
(transB=1, nn.Linear's layout) and Relu nodes from input "input" of shape
[N, n] to output "output" of shape [N, m]. Weights are DOUBLE, which keeps
every float64 weight exactly; --float32 writes FLOAT, PyTorch's default
type, rounding each weight to the nearest float32. Weights given as exact
rationals that are not float64 values are rounded too; the number of
rounded weights is reported on stderr. The output is written atomically.

Load it in Python with onnxruntime:
  sess = onnxruntime.InferenceSession("zigzag.onnx")
  sess.run(None, {"input": numpy.array([[0.25]])})

example:
  relucid export testdata/zigzag.json -o zigzag.onnx
  printf '0.25\n' | relucid eval zigzag.onnx`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			out := fs.String("o", "", "output ONNX `file` (required)")
			f32 := fs.Bool("float32", false, "write float32 weights instead of float64")
			asJSON := fs.Bool("json", false, "print a JSON summary on stdout")
			return func(e *env, args []string) error {
				if err := needArgs(args, 1, "NET.json"); err != nil {
					return err
				}
				if *out == "" {
					return usagef("missing -o NET.onnx")
				}
				net, err := loadNet(args[0])
				if err != nil {
					return err
				}
				rep, err := onnx.WriteFile(*out, net, &onnx.WriteOptions{Float32: *f32})
				if err != nil {
					return err
				}
				dtype := "float64"
				if *f32 {
					dtype = "float32"
				}
				if rep.Rounded > 0 {
					fmt.Fprintf(e.stderr, "relucid export: %d of %d weights rounded to %s\n", rep.Rounded, rep.Params, dtype)
				}
				if *asJSON {
					return writeJSON(e.stdout, map[string]any{
						"output": *out, "dtype": dtype, "params": rep.Params, "rounded": rep.Rounded,
						"depth": net.Depth(), "size": net.Size(), "input_dim": net.InputDim(), "output_dim": net.OutputDim(),
						"ir_version": onnx.IRVersion, "opset": onnx.Opset,
					})
				}
				return nil
			}
		},
	}
}
