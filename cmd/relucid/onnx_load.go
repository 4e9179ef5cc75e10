package main

import (
	"fmt"

	"github.com/relucid/relucid/relu"
)

// loadONNX reads an ONNX model exported from PyTorch.
func loadONNX(path string) (*relu.Net, error) {
	return nil, fmt.Errorf("%s: ONNX import is not implemented yet", path)
}
