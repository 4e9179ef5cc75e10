package onnx

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file decodes the few messages of onnx.proto that a feed-forward net
// needs, straight from the protobuf wire format. Field numbers are those of
// onnx/onnx.proto (IR version 10); unknown fields are skipped, as protobuf
// requires, so newer files still load.

// Field numbers of onnx.proto.
const (
	modelIRVersion   = 1 // int64
	modelProducer    = 2 // string
	modelGraph       = 7 // GraphProto
	modelOpsetImport = 8 // repeated OperatorSetIdProto

	opsetDomain  = 1 // string
	opsetVersion = 2 // int64

	graphNode              = 1  // repeated NodeProto
	graphName              = 2  // string
	graphInitializer       = 5  // repeated TensorProto
	graphInput             = 11 // repeated ValueInfoProto
	graphOutput            = 12 // repeated ValueInfoProto
	graphSparseInitializer = 15 // repeated SparseTensorProto

	nodeInput     = 1 // repeated string
	nodeOutput    = 2 // repeated string
	nodeName      = 3 // string
	nodeOpType    = 4 // string
	nodeAttribute = 5 // repeated AttributeProto
	nodeDomain    = 7 // string

	attrName        = 1  // string
	attrF           = 2  // float
	attrI           = 3  // int64
	attrS           = 4  // bytes
	attrT           = 5  // TensorProto
	attrFloatsField = 7  // repeated float
	attrIntsField   = 8  // repeated int64
	attrType        = 20 // AttributeType enum

	tensorDims         = 1  // repeated int64 (packed)
	tensorDataType     = 2  // int32
	tensorSegment      = 3  // Segment
	tensorFloatData    = 4  // repeated float (packed)
	tensorInt32Data    = 5  // repeated int32 (packed)
	tensorInt64Data    = 7  // repeated int64 (packed)
	tensorName         = 8  // string
	tensorRawData      = 9  // bytes
	tensorDoubleData   = 10 // repeated double (packed)
	tensorExternalData = 13 // repeated StringStringEntryProto
	tensorDataLocation = 14 // DataLocation enum

	entryKey   = 1 // string
	entryValue = 2 // string

	valueInfoName = 1 // string
	valueInfoType = 2 // TypeProto

	typeTensorType = 1 // TypeProto.Tensor
	tensorElemType = 1 // int32
	tensorShape    = 2 // TensorShapeProto
	shapeDim       = 1 // repeated Dimension
	dimValue       = 1 // int64
	dimParam       = 2 // string
)

// TensorProto.DataType values used here.
const (
	typeFloat  = 1
	typeInt64  = 7
	typeDouble = 11
)

// dataTypeName names the TensorProto.DataType values, for error messages.
var dataTypeName = map[int64]string{
	0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16",
	6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE",
	12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
}

func typeName(t int64) string {
	if s, ok := dataTypeName[t]; ok {
		return s
	}
	return fmt.Sprintf("data type %d", t)
}

// model is the part of a ModelProto that import reads.
type model struct {
	irVersion int64
	producer  string
	opset     int64 // version of the default ("" or "ai.onnx") domain; 0 if absent
	graph     *graph
}

type graph struct {
	name         string
	nodes        []*node
	initializers []*tensor
	inputs       []valueInfo
	outputs      []valueInfo
	sparse       int // number of sparse initializers (unsupported)
}

type node struct {
	inputs, outputs []string
	name, opType    string
	domain          string
	attrs           []attribute
}

type attribute struct {
	name   string
	typ    int64
	f      float32
	i      int64
	s      []byte
	t      *tensor
	floats []float32
	ints   []int64
	hasF   bool
	hasI   bool
}

type tensor struct {
	name     string
	dims     []int64
	dataType int64
	raw      []byte
	hasRaw   bool
	floats   []float32
	doubles  []float64
	int64s   []int64
	int32s   []int64
	external []entry
	location int64 // 1 = EXTERNAL
	segment  bool
	folded   bool // computed at load time; values are in doubles
}

type entry struct{ key, value string }

type valueInfo struct {
	name     string
	elemType int64
	hasShape bool
	dims     []dim
}

// dim is one dimension of a tensor shape: a value, or symbolic (value < 0).
type dim struct {
	value int64
	param string
}

// errTruncated is wrapped when the wire data ends inside a field.
var errTruncated = errors.New("truncated or malformed protobuf")

// maxRepeated bounds the length of a repeated scalar field, so a few bytes
// cannot claim gigabytes; it is above the size of any net relu.MaxParams allows.
const maxRepeated = 1 << 26

// reader walks the fields of one message.
type reader struct {
	b   []byte
	msg string // message name, for errors
}

// next returns the next field; ok is false at the end of the message.
func (r *reader) next() (num protowire.Number, typ protowire.Type, ok bool, err error) {
	if len(r.b) == 0 {
		return 0, 0, false, nil
	}
	num, typ, n := protowire.ConsumeTag(r.b)
	if n < 0 {
		return 0, 0, false, r.fail(n)
	}
	r.b = r.b[n:]
	return num, typ, true, nil
}

func (r *reader) fail(n int) error {
	return fmt.Errorf("%s: %w (%v)", r.msg, errTruncated, protowire.ParseError(n))
}

// skip discards a field value of the given type.
func (r *reader) skip(num protowire.Number, typ protowire.Type) error {
	n := protowire.ConsumeFieldValue(num, typ, r.b)
	if n < 0 {
		return r.fail(n)
	}
	r.b = r.b[n:]
	return nil
}

func (r *reader) bytes(typ protowire.Type) ([]byte, error) {
	if typ != protowire.BytesType {
		return nil, fmt.Errorf("%s: %w (wire type %d where bytes expected)", r.msg, errTruncated, typ)
	}
	v, n := protowire.ConsumeBytes(r.b)
	if n < 0 {
		return nil, r.fail(n)
	}
	r.b = r.b[n:]
	return v, nil
}

func (r *reader) str(typ protowire.Type) (string, error) {
	b, err := r.bytes(typ)
	return string(b), err
}

func (r *reader) varint(typ protowire.Type) (int64, error) {
	if typ != protowire.VarintType {
		return 0, fmt.Errorf("%s: %w (wire type %d where varint expected)", r.msg, errTruncated, typ)
	}
	v, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		return 0, r.fail(n)
	}
	r.b = r.b[n:]
	return int64(v), nil
}

// varints appends a repeated int64 field, packed or not.
func (r *reader) varints(dst []int64, typ protowire.Type) ([]int64, error) {
	if typ == protowire.VarintType {
		v, err := r.varint(typ)
		return append(dst, v), err
	}
	b, err := r.bytes(typ)
	if err != nil {
		return dst, err
	}
	for len(b) > 0 {
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return dst, r.fail(n)
		}
		if len(dst) >= maxRepeated {
			return dst, fmt.Errorf("%s: more than %d repeated values", r.msg, maxRepeated)
		}
		dst = append(dst, int64(v))
		b = b[n:]
	}
	return dst, nil
}

// floats appends a repeated float field, packed or not.
func (r *reader) floats(dst []float32, typ protowire.Type) ([]float32, error) {
	switch typ {
	case protowire.Fixed32Type:
		v, n := protowire.ConsumeFixed32(r.b)
		if n < 0 {
			return dst, r.fail(n)
		}
		r.b = r.b[n:]
		return append(dst, math.Float32frombits(v)), nil
	case protowire.BytesType:
		b, err := r.bytes(typ)
		if err != nil {
			return dst, err
		}
		if len(b)%4 != 0 {
			return dst, fmt.Errorf("%s: %w (packed floats of %d bytes)", r.msg, errTruncated, len(b))
		}
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, math.Float32frombits(uint32(b[i])|uint32(b[i+1])<<8|uint32(b[i+2])<<16|uint32(b[i+3])<<24))
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%s: %w (wire type %d where float expected)", r.msg, errTruncated, typ)
}

// doubles appends a repeated double field, packed or not.
func (r *reader) doubles(dst []float64, typ protowire.Type) ([]float64, error) {
	switch typ {
	case protowire.Fixed64Type:
		v, n := protowire.ConsumeFixed64(r.b)
		if n < 0 {
			return dst, r.fail(n)
		}
		r.b = r.b[n:]
		return append(dst, math.Float64frombits(v)), nil
	case protowire.BytesType:
		b, err := r.bytes(typ)
		if err != nil {
			return dst, err
		}
		if len(b)%8 != 0 {
			return dst, fmt.Errorf("%s: %w (packed doubles of %d bytes)", r.msg, errTruncated, len(b))
		}
		dst = append(dst, decodeDoubles(b)...)
		return dst, nil
	}
	return dst, fmt.Errorf("%s: %w (wire type %d where double expected)", r.msg, errTruncated, typ)
}

func decodeDoubles(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(le64(b[8*i:]))
	}
	return out
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func le32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func parseModel(b []byte) (*model, error) {
	m := &model{}
	r := reader{b: b, msg: "ModelProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return m, err
		}
		switch num {
		case modelIRVersion:
			m.irVersion, err = r.varint(typ)
		case modelProducer:
			m.producer, err = r.str(typ)
		case modelGraph:
			var gb []byte
			if gb, err = r.bytes(typ); err == nil {
				if m.graph != nil {
					return nil, fmt.Errorf("ModelProto: more than one graph")
				}
				m.graph, err = parseGraph(gb)
			}
		case modelOpsetImport:
			var ob []byte
			if ob, err = r.bytes(typ); err == nil {
				var domain string
				var version int64
				domain, version, err = parseOpset(ob)
				if err == nil && (domain == "" || domain == "ai.onnx") {
					m.opset = version
				}
			}
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return nil, err
		}
	}
}

func parseOpset(b []byte) (domain string, version int64, err error) {
	r := reader{b: b, msg: "OperatorSetIdProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return domain, version, err
		}
		switch num {
		case opsetDomain:
			domain, err = r.str(typ)
		case opsetVersion:
			version, err = r.varint(typ)
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return "", 0, err
		}
	}
}

func parseGraph(b []byte) (*graph, error) {
	g := &graph{}
	r := reader{b: b, msg: "GraphProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return g, err
		}
		var mb []byte
		switch num {
		case graphNode:
			if mb, err = r.bytes(typ); err == nil {
				var n *node
				if n, err = parseNode(mb); err == nil {
					g.nodes = append(g.nodes, n)
				}
			}
		case graphName:
			g.name, err = r.str(typ)
		case graphInitializer:
			if mb, err = r.bytes(typ); err == nil {
				var t *tensor
				if t, err = parseTensor(mb); err == nil {
					g.initializers = append(g.initializers, t)
				}
			}
		case graphInput, graphOutput:
			if mb, err = r.bytes(typ); err == nil {
				var v valueInfo
				if v, err = parseValueInfo(mb); err == nil {
					if num == graphInput {
						g.inputs = append(g.inputs, v)
					} else {
						g.outputs = append(g.outputs, v)
					}
				}
			}
		case graphSparseInitializer:
			g.sparse++
			err = r.skip(num, typ)
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return nil, err
		}
	}
}

func parseNode(b []byte) (*node, error) {
	n := &node{}
	r := reader{b: b, msg: "NodeProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return n, err
		}
		var s string
		switch num {
		case nodeInput:
			if s, err = r.str(typ); err == nil {
				n.inputs = append(n.inputs, s)
			}
		case nodeOutput:
			if s, err = r.str(typ); err == nil {
				n.outputs = append(n.outputs, s)
			}
		case nodeName:
			n.name, err = r.str(typ)
		case nodeOpType:
			n.opType, err = r.str(typ)
		case nodeDomain:
			n.domain, err = r.str(typ)
		case nodeAttribute:
			var ab []byte
			if ab, err = r.bytes(typ); err == nil {
				var a attribute
				if a, err = parseAttribute(ab); err == nil {
					n.attrs = append(n.attrs, a)
				}
			}
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return nil, err
		}
	}
}

func parseAttribute(b []byte) (attribute, error) {
	var a attribute
	r := reader{b: b, msg: "AttributeProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return a, err
		}
		switch num {
		case attrName:
			a.name, err = r.str(typ)
		case attrType:
			a.typ, err = r.varint(typ)
		case attrF:
			var fs []float32
			if fs, err = r.floats(nil, typ); err == nil && len(fs) > 0 {
				a.f, a.hasF = fs[len(fs)-1], true
			}
		case attrI:
			a.i, err = r.varint(typ)
			a.hasI = true
		case attrS:
			a.s, err = r.bytes(typ)
		case attrT:
			var tb []byte
			if tb, err = r.bytes(typ); err == nil {
				a.t, err = parseTensor(tb)
			}
		case attrFloatsField:
			a.floats, err = r.floats(a.floats, typ)
		case attrIntsField:
			a.ints, err = r.varints(a.ints, typ)
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return a, err
		}
	}
}

func parseTensor(b []byte) (*tensor, error) {
	t := &tensor{}
	r := reader{b: b, msg: "TensorProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return t, err
		}
		switch num {
		case tensorDims:
			t.dims, err = r.varints(t.dims, typ)
		case tensorDataType:
			t.dataType, err = r.varint(typ)
		case tensorSegment:
			t.segment = true
			err = r.skip(num, typ)
		case tensorFloatData:
			t.floats, err = r.floats(t.floats, typ)
		case tensorDoubleData:
			t.doubles, err = r.doubles(t.doubles, typ)
		case tensorInt64Data:
			t.int64s, err = r.varints(t.int64s, typ)
		case tensorInt32Data:
			t.int32s, err = r.varints(t.int32s, typ)
		case tensorName:
			t.name, err = r.str(typ)
		case tensorRawData:
			t.raw, err = r.bytes(typ)
			t.hasRaw = true
		case tensorExternalData:
			var eb []byte
			if eb, err = r.bytes(typ); err == nil {
				var e entry
				if e, err = parseEntry(eb); err == nil {
					t.external = append(t.external, e)
				}
			}
		case tensorDataLocation:
			t.location, err = r.varint(typ)
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return nil, err
		}
	}
}

func parseEntry(b []byte) (entry, error) {
	var e entry
	r := reader{b: b, msg: "StringStringEntryProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return e, err
		}
		switch num {
		case entryKey:
			e.key, err = r.str(typ)
		case entryValue:
			e.value, err = r.str(typ)
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return e, err
		}
	}
}

func parseValueInfo(b []byte) (valueInfo, error) {
	var v valueInfo
	r := reader{b: b, msg: "ValueInfoProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return v, err
		}
		switch num {
		case valueInfoName:
			v.name, err = r.str(typ)
		case valueInfoType:
			var tb []byte
			if tb, err = r.bytes(typ); err == nil {
				err = parseType(tb, &v)
			}
		default:
			err = r.skip(num, typ)
		}
		if err != nil {
			return v, err
		}
	}
}

// parseType reads TypeProto.tensor_type into v; other types are left empty.
func parseType(b []byte, v *valueInfo) error {
	r := reader{b: b, msg: "TypeProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return err
		}
		if num != typeTensorType {
			if err := r.skip(num, typ); err != nil {
				return err
			}
			continue
		}
		tb, err := r.bytes(typ)
		if err != nil {
			return err
		}
		tr := reader{b: tb, msg: "TypeProto.Tensor"}
		for {
			num, typ, ok, err := tr.next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch num {
			case tensorElemType:
				v.elemType, err = tr.varint(typ)
			case tensorShape:
				var sb []byte
				if sb, err = tr.bytes(typ); err == nil {
					v.hasShape = true
					v.dims, err = parseShape(sb)
				}
			default:
				err = tr.skip(num, typ)
			}
			if err != nil {
				return err
			}
		}
	}
}

func parseShape(b []byte) ([]dim, error) {
	var dims []dim
	r := reader{b: b, msg: "TensorShapeProto"}
	for {
		num, typ, ok, err := r.next()
		if err != nil || !ok {
			return dims, err
		}
		if num != shapeDim {
			if err := r.skip(num, typ); err != nil {
				return nil, err
			}
			continue
		}
		db, err := r.bytes(typ)
		if err != nil {
			return nil, err
		}
		d := dim{value: -1}
		dr := reader{b: db, msg: "TensorShapeProto.Dimension"}
		for {
			num, typ, ok, err := dr.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			switch num {
			case dimValue:
				d.value, err = dr.varint(typ)
			case dimParam:
				d.param, err = dr.str(typ)
			default:
				err = dr.skip(num, typ)
			}
			if err != nil {
				return nil, err
			}
		}
		if len(dims) >= maxRepeated {
			return nil, fmt.Errorf("TensorShapeProto: too many dimensions")
		}
		dims = append(dims, d)
	}
}
