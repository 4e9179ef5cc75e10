package main

import (
	"github.com/relucid/relucid/onnx"
	"github.com/relucid/relucid/relu"
)

// loadONNX reads an ONNX model exported from PyTorch (a chain of Gemm or
// MatMul+Add, Relu, Flatten, Identity and Dropout nodes); external weight
// files are found beside the model. Errors name the file and, for an
// unsupported graph, the node and its operator.
func loadONNX(path string) (*relu.Net, error) {
	return onnx.ReadFile(path)
}
