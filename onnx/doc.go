// Package onnx reads and writes feed-forward ReLU networks in the ONNX
// format, so nets trained in PyTorch can be analysed exactly and nets built
// by relucid can run in PyTorch-adjacent tools (onnxruntime and the like).
//
// # What is read
//
// An ONNX graph is read as a relu.Net when it is a chain from its one input
// to its one output of the nodes torch.onnx.export writes for an
// nn.Sequential of Linear, ReLU, Flatten, Identity and Dropout in eval mode:
//
//	Gemm(x, B, C)            y = α·x·op(B) + β·C, op = transpose when transB=1
//	MatMul(x, W) [+ Add(·, c)] y = x·W + c (W possibly the Transpose of an initializer)
//	Relu                     ends a hidden layer
//	Flatten(axis=1), Identity, Dropout  no-ops at inference
//	Reshape to [batch, features]  as newer exporters write Flatten
//
// Weights are initializers or Constant nodes, FLOAT or DOUBLE, in raw_data
// or the typed fields, inline or in an external data file beside the model
// (external_data location/offset/length; a location that leaves the model's
// directory is refused). A float32 weight converts to float64 exactly, so
// the net's exact rational weights are the binary values in the file.
//
// Consecutive affine maps without a Relu between them are composed exactly
// in rational arithmetic (x ↦ A(Bx+b)+a), a Relu on the input becomes an
// identity layer, and a graph ending in Relu gets an identity output layer:
// in each case the net computes exactly the graph's function. Anything
// else — a convolution, a skip connection (a tensor used twice, or an Add of
// two activations), another operator — is an error naming the node and its
// operator and listing what is supported.
//
// # What is written
//
// Marshal writes a ModelProto with IR version 8 and opset 13: a chain of
// Gemm (transB=1, nn.Linear's layout) and Relu nodes with DOUBLE (or, on
// request, FLOAT) initializers, input "input" of shape [N, n] and output
// "output" of shape [N, m]. Double export is exact for weights that are
// float64 values; WriteReport counts the weights that had to be rounded.
//
// The decoder reads the protobuf wire format directly with
// google.golang.org/protobuf/encoding/protowire, decoding only the fields
// of onnx.proto it needs and skipping the rest.
package onnx
