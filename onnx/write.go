package onnx

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/big"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/relucid/relucid/relu"
)

// Versions written by export. IR version 8 and opset 13 are read by every
// onnxruntime since 1.10 and by onnx ≥ 1.10; Gemm and Relu have had their
// current meaning, with double support, since well before opset 13.
const (
	IRVersion = 8
	Opset     = 13
)

// WriteOptions configures export. The zero value writes float64 weights.
type WriteOptions struct {
	// Float32 writes FLOAT weights and a FLOAT input, the type PyTorch nets
	// use by default; weights are rounded to nearest float32.
	Float32 bool
	// Producer is recorded as producer_name; "relucid" if empty.
	Producer string
}

// WriteReport says how faithful an export is.
type WriteReport struct {
	// Params is the number of weights and biases written.
	Params int
	// Rounded counts those whose written value differs from the net's
	// exact value (exact rationals that are not float64 values; with
	// Float32, values that are not float32 values).
	Rounded int
}

// Marshal encodes n as an ONNX ModelProto: a chain of Gemm (transB=1, the
// nn.Linear layout) and Relu nodes from input "input" of shape [N, n] to
// output "output" of shape [N, m], with the weights inline as raw_data.
func Marshal(n *relu.Net, opt *WriteOptions) ([]byte, WriteReport, error) {
	var rep WriteReport
	if err := n.Validate(); err != nil {
		return nil, rep, err
	}
	if opt == nil {
		opt = &WriteOptions{}
	}
	elem := int64(typeDouble)
	if opt.Float32 {
		elem = typeFloat
	}
	var g []byte
	g = appendString(g, graphName, "relucid")
	cur := "input"
	last := len(n.Layers) - 1
	for k := range n.Layers {
		wname := fmt.Sprintf("layers.%d.weight", k)
		bname := fmt.Sprintf("layers.%d.bias", k)
		out := fmt.Sprintf("linear_%d", k)
		if k == last {
			out = "output"
		}
		var nb []byte
		nb = appendString(nb, nodeInput, cur)
		nb = appendString(nb, nodeInput, wname)
		nb = appendString(nb, nodeInput, bname)
		nb = appendString(nb, nodeOutput, out)
		nb = appendString(nb, nodeName, fmt.Sprintf("Gemm_%d", k))
		nb = appendString(nb, nodeOpType, "Gemm")
		var ab []byte
		ab = appendString(ab, attrName, "transB")
		ab = protowire.AppendTag(ab, attrI, protowire.VarintType)
		ab = protowire.AppendVarint(ab, 1)
		ab = protowire.AppendTag(ab, attrType, protowire.VarintType)
		ab = protowire.AppendVarint(ab, 2) // INT
		nb = appendMessage(nb, nodeAttribute, ab)
		g = appendMessage(g, graphNode, nb)
		cur = out
		if k != last {
			out = fmt.Sprintf("relu_%d", k)
			nb = nb[:0]
			nb = appendString(nb, nodeInput, cur)
			nb = appendString(nb, nodeOutput, out)
			nb = appendString(nb, nodeName, fmt.Sprintf("Relu_%d", k))
			nb = appendString(nb, nodeOpType, "Relu")
			g = appendMessage(g, graphNode, nb)
			cur = out
		}
	}
	for k := range n.Layers {
		l := &n.Layers[k]
		g = appendMessage(g, graphInitializer, encodeTensor(fmt.Sprintf("layers.%d.weight", k), []int64{int64(l.Out), int64(l.In)}, l.W, l.WR, opt.Float32, &rep))
		g = appendMessage(g, graphInitializer, encodeTensor(fmt.Sprintf("layers.%d.bias", k), []int64{int64(l.Out)}, l.B, l.BR, opt.Float32, &rep))
	}
	g = appendMessage(g, graphInput, encodeValueInfo("input", elem, n.InputDim()))
	g = appendMessage(g, graphOutput, encodeValueInfo("output", elem, n.OutputDim()))

	var m []byte
	m = protowire.AppendTag(m, modelIRVersion, protowire.VarintType)
	m = protowire.AppendVarint(m, IRVersion)
	prod := opt.Producer
	if prod == "" {
		prod = "relucid"
	}
	m = appendString(m, modelProducer, prod)
	m = appendMessage(m, modelGraph, g)
	var ob []byte
	ob = protowire.AppendTag(ob, opsetVersion, protowire.VarintType)
	ob = protowire.AppendVarint(ob, Opset)
	m = appendMessage(m, modelOpsetImport, ob)
	return m, rep, nil
}

// Write encodes n as ONNX to w; see Marshal.
func Write(w io.Writer, n *relu.Net, opt *WriteOptions) (WriteReport, error) {
	b, rep, err := Marshal(n, opt)
	if err != nil {
		return rep, err
	}
	_, err = io.Copy(w, bytes.NewReader(b))
	return rep, err
}

// WriteFile writes n as ONNX to path atomically: on error no file is left.
func WriteFile(path string, n *relu.Net, opt *WriteOptions) (WriteReport, error) {
	b, rep, err := Marshal(n, opt)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	return rep, relu.WriteFileAtomic(path, b)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, num protowire.Number, m []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

// encodeTensor writes a FLOAT or DOUBLE initializer as little-endian
// raw_data, counting values whose written form differs from exact.
func encodeTensor(name string, dims []int64, vals []float64, exact []*big.Rat, f32 bool, rep *WriteReport) []byte {
	var t []byte
	for _, d := range dims {
		t = protowire.AppendTag(t, tensorDims, protowire.VarintType)
		t = protowire.AppendVarint(t, uint64(d))
	}
	typ := uint64(typeDouble)
	if f32 {
		typ = typeFloat
	}
	t = protowire.AppendTag(t, tensorDataType, protowire.VarintType)
	t = protowire.AppendVarint(t, typ)
	t = appendString(t, tensorName, name)
	size := 8
	if f32 {
		size = 4
	}
	raw := make([]byte, 0, len(vals)*size)
	var r big.Rat
	for i, v := range vals {
		rep.Params++
		if f32 {
			f := float32(v)
			raw = protowire.AppendFixed32(raw, math.Float32bits(f))
			if !ratIs(exact[i], float64(f), &r) {
				rep.Rounded++
			}
			continue
		}
		raw = protowire.AppendFixed64(raw, math.Float64bits(v))
		if !ratIs(exact[i], v, &r) {
			rep.Rounded++
		}
	}
	t = protowire.AppendTag(t, tensorRawData, protowire.BytesType)
	return protowire.AppendBytes(t, raw)
}

// ratIs reports whether the rational x equals the float v. The common case,
// x an integer below 2^63 or a dyadic fraction M/2^k (M odd, |M| < 2^63), is
// decided without big-number arithmetic: v = m·2^e with m odd must then have
// m = M and e = −k.
// tmp is scratch space for the general case.
func ratIs(x *big.Rat, v float64, tmp *big.Rat) bool {
	if v == 0 {
		return x.Sign() == 0
	}
	num, den := x.Num(), x.Denom()
	if num.IsInt64() {
		k := den.TrailingZeroBits()
		if k == 0 && den.BitLen() == 1 && math.Abs(v) < 0x1p63 { // an integer
			return v == math.Trunc(v) && int64(v) == num.Int64()
		}
		if k > 0 && uint(den.BitLen()) == k+1 && k <= 1074 { // den = 2^k, num odd
			m, e := math.Frexp(v)          // v = m·2^e, ½ ≤ |m| < 1
			mi := int64(math.Ldexp(m, 53)) // |mi| < 2^53, exact
			e -= 53                        // v = mi·2^e
			for mi%2 == 0 {
				mi /= 2
				e++
			}
			return mi == num.Int64() && e == -int(k)
		}
		if den.BitLen() > 1 && uint(den.BitLen()) != k+1 {
			return false // not dyadic: no float equals it
		}
	}
	return x.Cmp(tmp.SetFloat64(v)) == 0
}

func encodeValueInfo(name string, elem int64, width int) []byte {
	var d0, d1 []byte
	d0 = appendString(d0, dimParam, "N")
	d1 = protowire.AppendTag(d1, dimValue, protowire.VarintType)
	d1 = protowire.AppendVarint(d1, uint64(width))
	var shape []byte
	shape = appendMessage(shape, shapeDim, d0)
	shape = appendMessage(shape, shapeDim, d1)
	var tt []byte
	tt = protowire.AppendTag(tt, tensorElemType, protowire.VarintType)
	tt = protowire.AppendVarint(tt, uint64(elem))
	tt = appendMessage(tt, tensorShape, shape)
	var typ []byte
	typ = appendMessage(typ, typeTensorType, tt)
	var v []byte
	v = appendString(v, valueInfoName, name)
	return appendMessage(v, valueInfoType, typ)
}
