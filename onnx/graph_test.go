package onnx

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/relucid/relucid/relu"
)

// Hand-built graphs for the degenerate and hostile cases, encoded with the
// same wire helpers the exporter uses.

type tnode struct {
	op      string
	name    string
	in, out []string
	ints    map[string]int64
}

type tinit struct {
	name string
	dims []int64
	vals []float64 // written as DOUBLE raw_data
	ints []int64   // if set, an INT64 tensor with these values
	raw  int       // if > 0, raw_data of this many zero bytes instead of vals
}

func buildModel(inputs []string, inDims []int64, output string, nodes []tnode, inits []tinit) []byte {
	var g []byte
	for _, n := range nodes {
		var nb []byte
		for _, s := range n.in {
			nb = appendString(nb, nodeInput, s)
		}
		for _, s := range n.out {
			nb = appendString(nb, nodeOutput, s)
		}
		nb = appendString(nb, nodeName, n.name)
		nb = appendString(nb, nodeOpType, n.op)
		for k, v := range n.ints {
			var ab []byte
			ab = appendString(ab, attrName, k)
			ab = protowire.AppendTag(ab, attrI, protowire.VarintType)
			ab = protowire.AppendVarint(ab, uint64(v))
			nb = appendMessage(nb, nodeAttribute, ab)
		}
		g = appendMessage(g, graphNode, nb)
	}
	for _, t := range inits {
		var rep WriteReport
		var tb []byte
		if t.ints != nil {
			for _, d := range t.dims {
				tb = protowire.AppendTag(tb, tensorDims, protowire.VarintType)
				tb = protowire.AppendVarint(tb, uint64(d))
			}
			tb = protowire.AppendTag(tb, tensorDataType, protowire.VarintType)
			tb = protowire.AppendVarint(tb, typeInt64)
			tb = appendString(tb, tensorName, t.name)
			var raw []byte
			for _, v := range t.ints {
				raw = protowire.AppendFixed64(raw, uint64(v))
			}
			tb = protowire.AppendTag(tb, tensorRawData, protowire.BytesType)
			tb = protowire.AppendBytes(tb, raw)
		} else if t.raw > 0 {
			for _, d := range t.dims {
				tb = protowire.AppendTag(tb, tensorDims, protowire.VarintType)
				tb = protowire.AppendVarint(tb, uint64(d))
			}
			tb = protowire.AppendTag(tb, tensorDataType, protowire.VarintType)
			tb = protowire.AppendVarint(tb, typeDouble)
			tb = appendString(tb, tensorName, t.name)
			tb = protowire.AppendTag(tb, tensorRawData, protowire.BytesType)
			tb = protowire.AppendBytes(tb, make([]byte, t.raw))
		} else {
			l := relu.NewLayer(1, len(t.vals))
			for j, v := range t.vals {
				l.Set(0, j, v)
			}
			tb = encodeTensor(t.name, t.dims, l.W, l.WR, false, &rep)
		}
		g = appendMessage(g, graphInitializer, tb)
	}
	for _, in := range inputs {
		var vi []byte
		if inDims != nil {
			vi = encodeValueInfo(in, typeDouble, int(inDims[1]))
		} else {
			vi = appendString(vi, valueInfoName, in)
		}
		g = appendMessage(g, graphInput, vi)
	}
	g = appendMessage(g, graphOutput, appendString(nil, valueInfoName, output))
	var m []byte
	m = appendMessage(m, modelGraph, g)
	return m
}

func TestDegenerateGraphs(t *testing.T) {
	w22 := tinit{name: "W", dims: []int64{2, 2}, vals: []float64{1, -1, 2, 0.5}}
	for _, tc := range []struct {
		name    string
		model   []byte
		err     string // empty: must load
		widths  []int  // hidden widths when it loads
		x, want []float64
	}{
		{name: "no nodes: the identity on a known width",
			model: buildModel([]string{"x"}, []int64{-1, 3}, "x", nil, nil), widths: []int{},
			x: []float64{1, -2, 3}, want: []float64{1, -2, 3}},
		{name: "no nodes, unknown width",
			model: buildModel([]string{"x"}, nil, "x", nil, nil), err: "no Gemm or MatMul"},
		{name: "Relu only: identity hidden and output layers",
			model:  buildModel([]string{"x"}, []int64{-1, 2}, "y", []tnode{{op: "Relu", name: "r", in: []string{"x"}, out: []string{"y"}}}, nil),
			widths: []int{2}, x: []float64{-1, 2}, want: []float64{0, 2}},
		{name: "Relu twice is Relu once",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"h"}, ints: map[string]int64{"transB": 1}},
				{op: "Relu", name: "r1", in: []string{"h"}, out: []string{"r"}},
				{op: "Relu", name: "r2", in: []string{"r"}, out: []string{"y"}}}, []tinit{w22}),
			widths: []int{2}, x: []float64{1, 1}, want: []float64{0, 2.5}},
		{name: "Relu on an input of unknown width",
			model: buildModel([]string{"x"}, nil, "y", []tnode{{op: "Relu", name: "r", in: []string{"x"}, out: []string{"y"}}}, nil),
			err:   "width is not known"},
		{name: "Add of a bias straight on the input",
			model: buildModel([]string{"x"}, []int64{-1, 2}, "y", []tnode{{op: "Add", name: "a", in: []string{"c", "x"}, out: []string{"y"}}},
				[]tinit{{name: "c", dims: []int64{2}, vals: []float64{0.5, -1}}}),
			widths: []int{}, x: []float64{1, 1}, want: []float64{1.5, 0}},
		{name: "scalar bias broadcast",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W", "c"}, out: []string{"y"}}},
				[]tinit{w22, {name: "c", dims: []int64{}, vals: []float64{3}}}),
			widths: []int{}, x: []float64{1, 0}, want: []float64{4, 2}},
		{name: "Reshape as flatten",
			model: buildModel([]string{"x"}, []int64{-1, 2}, "y", []tnode{
				{op: "Reshape", name: "rs", in: []string{"x", "shape"}, out: []string{"f"}},
				{op: "Gemm", name: "g", in: []string{"f", "W"}, out: []string{"y"}, ints: map[string]int64{"transB": 1}}},
				[]tinit{w22, {name: "shape", dims: []int64{2}, ints: []int64{-1, 2}}}),
			widths: []int{}, x: []float64{1, 1}, want: []float64{0, 2.5}},
		{name: "Reshape that is not a flatten",
			model: buildModel([]string{"x"}, []int64{-1, 2}, "y", []tnode{
				{op: "Reshape", name: "rs", in: []string{"x", "shape"}, out: []string{"y"}}},
				[]tinit{{name: "shape", dims: []int64{3}, ints: []int64{-1, 1, 2}}}),
			err: "is not a flatten"},
		{name: "two inputs",
			model: buildModel([]string{"x", "z"}, nil, "x", nil, nil), err: "2 inputs"},
		{name: "output used again",
			model: buildModel([]string{"x"}, nil, "h", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"h"}},
				{op: "Relu", name: "r", in: []string{"h"}, out: []string{"y"}}}, []tinit{w22}),
			err: "also used by node r"},
		{name: "dangling node",
			model: buildModel([]string{"x"}, nil, "h", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"h"}},
				{op: "Sigmoid", name: "s", in: []string{"W2"}, out: []string{"q"}}}, []tinit{w22}),
			err: "node s (Sigmoid)"},
		{name: "transA",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"y"}, ints: map[string]int64{"transA": 1}}}, []tinit{w22}),
			err: "transA"},
		{name: "weight first in MatMul",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "MatMul", name: "m", in: []string{"W", "x"}, out: []string{"y"}}}, []tinit{w22}),
			err: "must be the first input"},
		{name: "Flatten axis 0",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Flatten", name: "f", in: []string{"x"}, out: []string{"y"}, ints: map[string]int64{"axis": 0}}}, nil),
			err: "axis 0"},
		{name: "shape mismatch between layers",
			model: buildModel([]string{"x"}, []int64{-1, 3}, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"y"}}}, []tinit{w22}),
			err: "takes 2 inputs but the previous tensor has 3"},
		{name: "tensor claims more data than it has",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"y"}}},
				[]tinit{{name: "W", dims: []int64{40000, 1000}, raw: 16}}),
			err: "has 16 bytes of data, want 320000000"},
		{name: "tensor larger than MaxParams",
			model: buildModel([]string{"x"}, nil, "y", []tnode{
				{op: "Gemm", name: "g", in: []string{"x", "W"}, out: []string{"y"}}},
				[]tinit{{name: "W", dims: []int64{1 << 20, 1 << 20}, raw: 16}}),
			err: "more than 50000000 elements"},
		{name: "Relu on a huge input",
			model: buildModel([]string{"x"}, []int64{-1, 1 << 30}, "y", []tnode{{op: "Relu", name: "r", in: []string{"x"}, out: []string{"y"}}}, nil),
			err:   "exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := Decode(tc.model, nil)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(net.HiddenWidths(), tc.widths) {
				t.Errorf("hidden widths %v, want %v", net.HiddenWidths(), tc.widths)
			}
			got := net.Eval(tc.x)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("f(%v) = %v, want %v", tc.x, got, tc.want)
				}
			}
		})
	}
}
