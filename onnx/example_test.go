package onnx_test

import (
	"errors"
	"fmt"

	"github.com/relucid/relucid/onnx"
	"github.com/relucid/relucid/relu"
)

// Load a net exported by torch.onnx.export from
// nn.Sequential(Linear(1, 6), ReLU(), Linear(6, 6), ReLU(), Linear(6, 1)).
func ExampleReadFile() {
	net, err := onnx.ReadFile("testdata/r2r.onnx")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net.InputDim(), net.HiddenWidths(), net.OutputDim())
	// Output: 1 [6 6] 1
}

// An unsupported graph names the node and its operator.
func ExampleReadFile_unsupported() {
	_, err := onnx.ReadFile("testdata/conv.onnx")
	var ue *onnx.UnsupportedError
	if errors.As(err, &ue) {
		fmt.Println(ue.OpType, ue.Node)
	}
	// Output: Conv /conv/Conv
}

// Export the zigzag x ↦ 2·relu(x) − 4·relu(x − ½) and read it back: float64
// export is exact.
func ExampleMarshal() {
	net := relu.MustFromFloats([][][]float64{{{1}, {1}}, {{2, -4}}}, [][]float64{{0, -0.5}, {0}})
	data, rep, err := onnx.Marshal(net, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := onnx.Decode(data, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Params, rep.Rounded, back.Eval([]float64{0.25}), back.Eval([]float64{0.75}))
	// Output: 7 0 [0.5] [0.5]
}
