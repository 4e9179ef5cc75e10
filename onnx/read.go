package onnx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/relucid/relucid/relu"
)

// MaxFileBytes bounds the size of a model file (and of one external data
// file) that Read accepts. Protobuf messages cannot exceed 2 GiB, and
// relu.MaxParams float64 parameters take 400 MB.
const MaxFileBytes = 2 << 30

// Supported lists the operators import understands, for error messages.
const Supported = "Gemm, MatMul, Add, Relu, Flatten (axis 1) or a flattening Reshape, Identity, " +
	"Dropout (inference), and Transpose or Constant on weights"

// UnsupportedError reports an operator or graph shape import cannot turn
// into a ReLU net.
type UnsupportedError struct {
	OpType string // operator type, e.g. "Conv"
	Node   string // node name (may be empty in the file)
	Reason string // what is wrong
}

func (e *UnsupportedError) Error() string {
	name := e.Node
	if name == "" {
		name = "(unnamed)"
	}
	return fmt.Sprintf("node %s (%s): %s; relucid reads a chain of %s", name, e.OpType, e.Reason, Supported)
}

// ErrEscape is wrapped when external data names a file outside the model's
// directory.
var ErrEscape = errors.New("external data path leaves the model's directory")

// Options configures Read. The zero value reads inline weights only.
type Options struct {
	// Dir is the directory that external data locations are relative to
	// (the model file's directory). Empty forbids external data.
	Dir string
}

// ReadFile reads the ONNX model at path into a net. External data files are
// resolved relative to the model's directory. Errors name the file.
func ReadFile(path string) (*relu.Net, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := Read(f, &Options{Dir: filepath.Dir(path)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// Read decodes an ONNX model from r. opt may be nil.
func Read(r io.Reader, opt *Options) (*relu.Net, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("model larger than %d bytes", MaxFileBytes)
	}
	return Decode(data, opt)
}

// Decode decodes an ONNX model held in data; the net's weights do not alias
// data. opt may be nil.
func Decode(data []byte, opt *Options) (*relu.Net, error) {
	if opt == nil {
		opt = &Options{}
	}
	if len(data) == 0 {
		return nil, errors.New("empty file (not an ONNX model)")
	}
	m, err := parseModel(data)
	if err != nil {
		return nil, fmt.Errorf("not a valid ONNX model: %w", err)
	}
	if m.graph == nil {
		return nil, errors.New("not an ONNX model: no graph (is this an ONNX file?)")
	}
	b := &builder{g: m.graph, opt: opt, consts: map[string]*tensor{}}
	return b.build()
}

// builder turns a graph into a net.
type builder struct {
	g      *graph
	opt    *Options
	consts map[string]*tensor // initializers, Constant outputs and folded weights
	ext    map[string]*os.File

	layers  []relu.Layer
	pend    *relu.Layer // affine map not yet followed by Relu
	width   int         // width of the current activation; -1 if unknown
	relued  bool        // the current activation is a Relu output
	params  int64       // parameters allocated so far
	visited map[*node]bool
}

func (b *builder) build() (net *relu.Net, err error) {
	defer func() {
		for _, f := range b.ext {
			f.Close()
		}
	}()
	g := b.g
	if g.sparse > 0 {
		return nil, errors.New("sparse initializers are not supported")
	}
	for _, t := range g.initializers {
		if t.name == "" {
			return nil, errors.New("an initializer has no name")
		}
		b.consts[t.name] = t
	}
	// Inputs that are not initializers (older exporters list weights as
	// inputs too) are the real inputs.
	var ins []valueInfo
	for _, v := range g.inputs {
		if _, ok := b.consts[v.name]; !ok {
			ins = append(ins, v)
		}
	}
	if len(ins) != 1 {
		return nil, fmt.Errorf("graph has %d inputs besides the weights; relucid reads nets with one input", len(ins))
	}
	if len(g.outputs) != 1 {
		return nil, fmt.Errorf("graph has %d outputs; relucid reads nets with one output", len(g.outputs))
	}
	in, out := ins[0], g.outputs[0]
	if err := checkElemType(in); err != nil {
		return nil, err
	}
	b.width = inputWidth(in)

	// Fold the nodes that compute weights from constants (Constant, a
	// Transpose of an initializer); the rest must form the chain.
	var chain []*node
	for _, n := range g.nodes {
		if n.domain != "" && n.domain != "ai.onnx" {
			return nil, &UnsupportedError{n.opType, n.name, fmt.Sprintf("operator domain %q is not the standard one", n.domain)}
		}
		done, err := b.fold(n)
		if err != nil {
			return nil, err
		}
		if !done {
			chain = append(chain, n)
		}
	}
	consumers := map[string][]*node{}
	for _, n := range chain {
		for _, s := range n.inputs {
			if s == "" {
				continue
			}
			if _, ok := b.consts[s]; ok {
				continue
			}
			consumers[s] = append(consumers[s], n)
		}
	}
	b.visited = map[*node]bool{}
	cur := in.name
	for {
		cs := consumers[cur]
		if len(cs) == 0 {
			if cur != out.name {
				return nil, fmt.Errorf("tensor %q is not used by any node and is not the graph output %q", cur, out.name)
			}
			break
		}
		if cur == out.name {
			return nil, fmt.Errorf("the graph output %q is also used by node %s (%s)", cur, cs[0].name, cs[0].opType)
		}
		if len(cs) > 1 {
			names := make([]string, len(cs))
			for i, n := range cs {
				names[i] = fmt.Sprintf("%s (%s)", n.name, n.opType)
			}
			return nil, fmt.Errorf("tensor %q feeds %d nodes, %s: the graph branches (skip connections and parallel paths are not supported; relucid reads a chain of %s)",
				cur, len(cs), strings.Join(names, ", "), Supported)
		}
		n := cs[0]
		if b.visited[n] {
			return nil, fmt.Errorf("node %s (%s) is reached twice: the graph has a cycle", n.name, n.opType)
		}
		b.visited[n] = true
		if err := b.step(n, cur); err != nil {
			return nil, err
		}
		if len(n.outputs) == 0 || n.outputs[0] == "" {
			return nil, &UnsupportedError{n.opType, n.name, "node has no output"}
		}
		for _, extra := range n.outputs[1:] {
			if extra == "" {
				continue
			}
			if len(consumers[extra]) > 0 || extra == out.name {
				return nil, &UnsupportedError{n.opType, n.name, fmt.Sprintf("its second output %q is used", extra)}
			}
		}
		cur = n.outputs[0]
	}
	for _, n := range chain {
		if !b.visited[n] {
			return nil, &UnsupportedError{n.opType, n.name, "node is not on the path from the input to the output"}
		}
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	net = &relu.Net{Layers: b.layers}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	return net, nil
}

func checkElemType(v valueInfo) error {
	switch v.elemType {
	case 0, typeFloat, typeDouble, 10, 16: // unset, float, double, float16, bfloat16
		return nil
	}
	return fmt.Errorf("graph input %q has element type %s; relucid reads real-valued inputs", v.name, typeName(v.elemType))
}

// inputWidth is the number of features per example: the product of the
// input's dimensions after the batch dimension, or -1 when unknown.
func inputWidth(v valueInfo) int {
	if !v.hasShape || len(v.dims) < 2 {
		return -1
	}
	w := int64(1)
	for _, d := range v.dims[1:] {
		if d.value <= 0 || w > (1<<40)/d.value {
			return -1
		}
		w *= d.value
	}
	return int(w)
}

// fold evaluates n at load time when all its inputs are constants. It
// reports whether n was consumed.
func (b *builder) fold(n *node) (bool, error) {
	if n.opType == "Constant" {
		if len(n.outputs) != 1 {
			return false, &UnsupportedError{n.opType, n.name, "Constant must have one output"}
		}
		for _, a := range n.attrs {
			switch a.name {
			case "value":
				if a.t == nil {
					return false, &UnsupportedError{n.opType, n.name, "value attribute holds no tensor"}
				}
				b.consts[n.outputs[0]] = a.t
				return true, nil
			case "value_float":
				b.consts[n.outputs[0]] = &tensor{dataType: typeFloat, floats: []float32{a.f}}
				return true, nil
			case "value_floats":
				b.consts[n.outputs[0]] = &tensor{dataType: typeFloat, dims: []int64{int64(len(a.floats))}, floats: a.floats}
				return true, nil
			}
		}
		return false, &UnsupportedError{n.opType, n.name, "only value, value_float and value_floats constants are supported"}
	}
	if len(n.inputs) == 0 {
		return false, nil
	}
	for _, s := range n.inputs {
		if _, ok := b.consts[s]; !ok {
			return false, nil
		}
	}
	switch n.opType {
	case "Transpose", "Identity":
		if len(n.outputs) < 1 || len(n.inputs) != 1 {
			return false, &UnsupportedError{n.opType, n.name, "wants one input and one output"}
		}
		t := b.consts[n.inputs[0]]
		if n.opType == "Identity" {
			b.consts[n.outputs[0]] = t
			return true, nil
		}
		if len(t.dims) != 2 {
			return false, &UnsupportedError{n.opType, n.name, fmt.Sprintf("transposes a tensor of rank %d; only matrices are supported", len(t.dims))}
		}
		if perm, ok := attrInts(n, "perm"); ok && !(len(perm) == 2 && perm[0] == 1 && perm[1] == 0) {
			return false, &UnsupportedError{n.opType, n.name, fmt.Sprintf("perm %v is not a matrix transpose", perm)}
		}
		vals, err := b.values(t)
		if err != nil {
			return false, err
		}
		r, c := int(t.dims[0]), int(t.dims[1])
		tr := make([]float64, len(vals))
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				tr[j*r+i] = vals[i*c+j]
			}
		}
		b.consts[n.outputs[0]] = &tensor{name: n.outputs[0], dims: []int64{int64(c), int64(r)}, dataType: t.dataType, doubles: tr, folded: true}
		return true, nil
	}
	return false, &UnsupportedError{n.opType, n.name, "computes from constants only, which relucid does not evaluate"}
}

func attrInts(n *node, name string) ([]int64, bool) {
	for _, a := range n.attrs {
		if a.name == name {
			if a.hasI && len(a.ints) == 0 {
				return []int64{a.i}, true
			}
			return a.ints, true
		}
	}
	return nil, false
}

func attrInt(n *node, name string, def int64) int64 {
	for _, a := range n.attrs {
		if a.name == name {
			return a.i
		}
	}
	return def
}

func attrFloat(n *node, name string, def float32) float32 {
	for _, a := range n.attrs {
		if a.name == name {
			return a.f
		}
	}
	return def
}

// constInput returns the constant tensor at input i of n, or nil if the
// input is absent.
func (b *builder) constInput(n *node, i int) *tensor {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil
	}
	return b.consts[n.inputs[i]]
}

// step applies node n, whose activation input is cur.
func (b *builder) step(n *node, cur string) error {
	// Every other input must be a constant; an activation there means the
	// graph joins two paths.
	pos := -1
	for i, s := range n.inputs {
		if s == cur {
			if pos >= 0 {
				return &UnsupportedError{n.opType, n.name, fmt.Sprintf("uses tensor %q twice", cur)}
			}
			pos = i
			continue
		}
		if s == "" {
			continue
		}
		if _, ok := b.consts[s]; !ok {
			return &UnsupportedError{n.opType, n.name, fmt.Sprintf("combines %q with another activation %q (a skip connection)", cur, s)}
		}
	}
	switch n.opType {
	case "Relu":
		return b.relu(n)
	case "Identity":
		return nil
	case "Dropout":
		// Inference mode: identity. A constant training_mode of true would
		// make it random.
		if t := b.constInput(n, 2); t != nil && isTrue(t) {
			return &UnsupportedError{n.opType, n.name, "training_mode is true"}
		}
		return nil
	case "Flatten":
		if axis := attrInt(n, "axis", 1); axis != 1 {
			return &UnsupportedError{n.opType, n.name, fmt.Sprintf("axis %d (only axis 1, which keeps the batch dimension, is supported)", axis)}
		}
		return nil
	case "Reshape":
		return b.reshape(n, pos)
	case "Gemm":
		return b.gemm(n, pos)
	case "MatMul":
		return b.matmul(n, pos)
	case "Add":
		return b.add(n, pos)
	}
	return &UnsupportedError{n.opType, n.name, "unsupported operator"}
}

// reshape accepts the Reshape newer exporters write for nn.Flatten: a
// constant target shape [d0, d1] that keeps the batch (d0 = 0, or −1 with
// d1 the known width) and flattens the rest (d1 = −1 or the width).
func (b *builder) reshape(n *node, pos int) error {
	if pos != 0 {
		return &UnsupportedError{n.opType, n.name, "the activation must be the first input"}
	}
	t := b.constInput(n, 1)
	if t == nil {
		return &UnsupportedError{n.opType, n.name, "the target shape is not a constant"}
	}
	shape, err := int64Values(t)
	if err != nil {
		return err
	}
	w := int64(b.width)
	ok := len(shape) == 2 &&
		((shape[0] == 0 && (shape[1] == -1 || shape[1] == w)) ||
			(shape[0] == -1 && w > 0 && shape[1] == w))
	if !ok {
		return &UnsupportedError{n.opType, n.name, fmt.Sprintf("target shape %v is not a flatten to [batch, %d]", shape, b.width)}
	}
	return nil
}

// int64Values returns the elements of an INT64 tensor (raw_data or
// int64_data).
func int64Values(t *tensor) ([]int64, error) {
	if t.dataType != typeInt64 {
		return nil, fmt.Errorf("tensor %q has element type %s, want INT64", t.name, typeName(t.dataType))
	}
	if !t.hasRaw {
		return t.int64s, nil
	}
	if len(t.raw)%8 != 0 || len(t.raw) > 8*64 {
		return nil, fmt.Errorf("tensor %q: %d bytes of INT64 data", t.name, len(t.raw))
	}
	v := make([]int64, len(t.raw)/8)
	for i := range v {
		v[i] = int64(le64(t.raw[8*i:]))
	}
	return v, nil
}

func (b *builder) relu(n *node) error {
	switch {
	case b.pend != nil:
		b.layers = append(b.layers, *b.pend)
		b.pend = nil
	case b.relued:
		// ReLU is idempotent.
	default:
		// ReLU of the input or of a Flatten of it: an identity layer.
		if b.width < 1 {
			return &UnsupportedError{n.opType, n.name, "Relu applied to the input, whose width is not known from the graph input's shape"}
		}
		id, err := identity(b.width)
		if err != nil {
			return &UnsupportedError{n.opType, n.name, err.Error()}
		}
		b.layers = append(b.layers, id)
	}
	b.relued = true
	return nil
}

// isTrue reports whether the BOOL scalar t is true (stored in raw_data, one
// byte, or in int32_data).
func isTrue(t *tensor) bool {
	for _, c := range t.raw {
		if c != 0 {
			return true
		}
	}
	for _, v := range t.int32s {
		if v != 0 {
			return true
		}
	}
	return false
}

// newLayer is relu.NewLayer with the exact values allocated in one slab,
// which halves the allocations of loading a large net.
func newLayer(out, in int) relu.Layer {
	l := relu.Layer{In: in, Out: out,
		W: make([]float64, out*in), B: make([]float64, out),
		WR: make([]*big.Rat, out*in), BR: make([]*big.Rat, out)}
	slab := make([]big.Rat, out*in+out)
	for i := range l.WR {
		l.WR[i] = &slab[i]
	}
	for i := range l.BR {
		l.BR[i] = &slab[out*in+i]
	}
	return l
}

// identity returns the identity layer on R^n, or an error when it would
// exceed relu.MaxParams.
func identity(n int) (relu.Layer, error) {
	if n < 1 || int64(n)*int64(n+1) > relu.MaxParams {
		return relu.Layer{}, fmt.Errorf("an identity layer of width %d (for a Relu or bias on the input, or a final Relu) exceeds %d parameters", n, relu.MaxParams)
	}
	l := newLayer(n, n)
	for i := 0; i < n; i++ {
		l.Set(i, i, 1)
	}
	for i := range l.BR { // newLayer leaves zero Rats; make them explicit
		l.BR[i].SetInt64(0)
	}
	return l, nil
}

// affine records the affine map l after the current activation, composing
// it with a pending map exactly.
func (b *builder) affine(n *node, l relu.Layer) error {
	if b.width > 0 && l.In != b.width {
		return &UnsupportedError{n.opType, n.name, fmt.Sprintf("takes %d inputs but the previous tensor has %d features", l.In, b.width)}
	}
	b.width = l.Out
	b.relued = false
	if b.pend == nil {
		b.pend = &l
		return nil
	}
	c, err := compose(l, *b.pend)
	if err != nil {
		return &UnsupportedError{n.opType, n.name, err.Error()}
	}
	b.pend = &c
	return nil
}

// compose returns the layer x ↦ A(Bx + b) + a, exactly.
func compose(a, bl relu.Layer) (relu.Layer, error) {
	if int64(a.Out)*int64(bl.In) > relu.MaxParams {
		return relu.Layer{}, fmt.Errorf("composing consecutive linear layers gives more than %d weights", relu.MaxParams)
	}
	c := relu.NewLayer(a.Out, bl.In)
	var s, t big.Rat
	for i := 0; i < a.Out; i++ {
		for j := 0; j < bl.In; j++ {
			s.SetInt64(0)
			for k := 0; k < a.In; k++ {
				s.Add(&s, t.Mul(a.WR[i*a.In+k], bl.WR[k*bl.In+j]))
			}
			c.SetRat(i, j, &s)
		}
		s.Set(a.BR[i])
		for k := 0; k < a.In; k++ {
			s.Add(&s, t.Mul(a.WR[i*a.In+k], bl.BR[k]))
		}
		c.SetBiasRat(i, &s)
	}
	return c, nil
}

func (b *builder) gemm(n *node, pos int) error {
	if pos != 0 {
		return &UnsupportedError{n.opType, n.name, "the activation must be the first input A"}
	}
	if attrInt(n, "transA", 0) != 0 {
		return &UnsupportedError{n.opType, n.name, "transA=1 (the activation transposed) is not supported"}
	}
	w := b.constInput(n, 1)
	if w == nil {
		return &UnsupportedError{n.opType, n.name, "weight input B is missing"}
	}
	l, err := b.weight(n, w, attrInt(n, "transB", 0) != 0, attrFloat(n, "alpha", 1))
	if err != nil {
		return err
	}
	if c := b.constInput(n, 2); c != nil {
		if err := b.addBias(n, &l, c, attrFloat(n, "beta", 1)); err != nil {
			return err
		}
	}
	return b.affine(n, l)
}

func (b *builder) matmul(n *node, pos int) error {
	if pos != 0 {
		return &UnsupportedError{n.opType, n.name, "the activation must be the first input"}
	}
	w := b.constInput(n, 1)
	if w == nil {
		return &UnsupportedError{n.opType, n.name, "weight input is missing"}
	}
	l, err := b.weight(n, w, false, 1)
	if err != nil {
		return err
	}
	return b.affine(n, l)
}

func (b *builder) add(n *node, pos int) error {
	if len(n.inputs) != 2 {
		return &UnsupportedError{n.opType, n.name, "wants two inputs"}
	}
	c := b.constInput(n, 1-pos)
	if c == nil {
		return &UnsupportedError{n.opType, n.name, "the other input is missing"}
	}
	if b.pend == nil {
		// A bias on the input or after a Relu: an identity map plus bias.
		if b.width < 1 {
			return &UnsupportedError{n.opType, n.name, "adds a bias to a tensor whose width is not known"}
		}
		l, err := identity(b.width)
		if err != nil {
			return &UnsupportedError{n.opType, n.name, err.Error()}
		}
		if err := b.addBias(n, &l, c, 1); err != nil {
			return err
		}
		return b.affine(n, l)
	}
	return b.addBias(n, b.pend, c, 1)
}

// weight builds a layer (without bias) from a weight matrix: y = alpha·x·Wᵀ
// when trans (PyTorch's Linear layout, out×in), y = alpha·x·W otherwise
// (in×out, as MatMul uses it).
func (b *builder) weight(n *node, t *tensor, trans bool, alpha float32) (relu.Layer, error) {
	if len(t.dims) != 2 {
		return relu.Layer{}, &UnsupportedError{n.opType, n.name, fmt.Sprintf("weight %q has rank %d; a matrix is needed", t.name, len(t.dims))}
	}
	if t.dims[0] < 1 || t.dims[1] < 1 {
		return relu.Layer{}, &UnsupportedError{n.opType, n.name, fmt.Sprintf("weight %q has shape %v", t.name, t.dims)}
	}
	vals, err := b.values(t)
	if err != nil {
		return relu.Layer{}, err
	}
	rows, cols := int(t.dims[0]), int(t.dims[1])
	out, in := cols, rows
	if trans {
		out, in = rows, cols
	}
	b.params += int64(rows)*int64(cols) + int64(out)
	if b.params > relu.MaxParams {
		return relu.Layer{}, fmt.Errorf("net has more than %d parameters", relu.MaxParams)
	}
	l := newLayer(out, in)
	// Converting to exact rationals dominates loading a large net; rows
	// are independent, so split them over the available cores.
	fill := func(r0, r1 int) {
		var ra, r big.Rat
		ra.SetFloat64(float64(alpha))
		for i := r0; i < r1; i++ {
			for j := 0; j < cols; j++ {
				v := vals[i*cols+j]
				k := i*cols + j // weight (i, j) of an out×in layer
				if !trans {
					k = j*rows + i
				}
				if alpha == 1 {
					l.W[k] = v
					l.WR[k].SetFloat64(v)
				} else {
					r.SetFloat64(v)
					l.WR[k].Mul(&r, &ra)
					l.W[k], _ = l.WR[k].Float64()
				}
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), rows, max(1, rows*cols/parallelMin))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fill(rows*w/workers, rows*(w+1)/workers)
		}()
	}
	wg.Wait()
	return l, nil
}

// parallelMin is the number of weights per goroutine below which
// splitting the conversion costs more than it saves.
const parallelMin = 1 << 15

// addBias adds beta·c to the bias of l, broadcasting c as ONNX does along
// the feature axis (shape [out], [1, out], [1] or a scalar).
func (b *builder) addBias(n *node, l *relu.Layer, c *tensor, beta float32) error {
	vals, err := b.values(c)
	if err != nil {
		return err
	}
	ok := len(c.dims) <= 2
	if len(c.dims) == 2 && c.dims[0] != 1 {
		ok = false
	}
	if len(vals) != l.Out && len(vals) != 1 {
		ok = false
	}
	if !ok {
		return &UnsupportedError{n.opType, n.name, fmt.Sprintf("bias %q of shape %v does not broadcast to %d features", c.name, c.dims, l.Out)}
	}
	var rb, r, s big.Rat
	rb.SetFloat64(float64(beta))
	for i := 0; i < l.Out; i++ {
		v := vals[0]
		if len(vals) > 1 {
			v = vals[i]
		}
		if v == 0 {
			continue
		}
		r.SetFloat64(v)
		r.Mul(&r, &rb)
		l.SetBiasRat(i, s.Add(l.BR[i], &r))
	}
	return nil
}

// values returns the elements of t as float64, exactly (a float32 converts
// to float64 without rounding).
func (b *builder) values(t *tensor) ([]float64, error) {
	if t.folded {
		return t.doubles, nil
	}
	count := int64(1)
	for _, d := range t.dims {
		if d < 0 {
			return nil, fmt.Errorf("tensor %q has negative dimension %d", t.name, d)
		}
		if d > 0 && count > relu.MaxParams/d {
			return nil, fmt.Errorf("tensor %q of shape %v has more than %d elements", t.name, t.dims, relu.MaxParams)
		}
		count *= d
	}
	if t.segment {
		return nil, fmt.Errorf("tensor %q is split into segments, which is not supported", t.name)
	}
	var size int64
	switch t.dataType {
	case typeFloat:
		size = 4
	case typeDouble:
		size = 8
	default:
		return nil, fmt.Errorf("tensor %q has element type %s; relucid reads FLOAT and DOUBLE weights", t.name, typeName(t.dataType))
	}
	raw, hasRaw := t.raw, t.hasRaw
	if t.location == 1 || len(t.external) > 0 {
		var err error
		raw, err = b.external(t, count*size)
		if err != nil {
			return nil, err
		}
		hasRaw = true
	}
	// Check the data's length before allocating for it.
	switch {
	case hasRaw:
		if int64(len(raw)) != count*size {
			return nil, fmt.Errorf("tensor %q of shape %v has %d bytes of data, want %d", t.name, t.dims, len(raw), count*size)
		}
	case size == 4:
		if int64(len(t.floats)) != count {
			return nil, fmt.Errorf("tensor %q of shape %v has %d float values, want %d", t.name, t.dims, len(t.floats), count)
		}
	default:
		if int64(len(t.doubles)) != count {
			return nil, fmt.Errorf("tensor %q of shape %v has %d double values, want %d", t.name, t.dims, len(t.doubles), count)
		}
	}
	out := make([]float64, count)
	switch {
	case hasRaw:
		if size == 4 {
			for i := range out {
				out[i] = float64(math.Float32frombits(le32(raw[4*i:])))
			}
		} else {
			for i := range out {
				out[i] = math.Float64frombits(le64(raw[8*i:]))
			}
		}
	case size == 4:
		for i, v := range t.floats {
			out[i] = float64(v)
		}
	default:
		copy(out, t.doubles)
	}
	for i, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("tensor %q: element %d is %v", t.name, i, v)
		}
	}
	return out, nil
}

// external reads the want bytes of t stored in an external data file.
func (b *builder) external(t *tensor, want int64) ([]byte, error) {
	var loc string
	off, length := int64(0), int64(-1)
	for _, e := range t.external {
		var err error
		switch e.key {
		case "location":
			loc = e.value
		case "offset":
			off, err = strconv.ParseInt(e.value, 10, 64)
		case "length":
			length, err = strconv.ParseInt(e.value, 10, 64)
		}
		if err != nil || off < 0 {
			return nil, fmt.Errorf("tensor %q: external data %s %q is not a byte count", t.name, e.key, e.value)
		}
	}
	if loc == "" {
		return nil, fmt.Errorf("tensor %q: external data without a location", t.name)
	}
	if b.opt.Dir == "" {
		return nil, fmt.Errorf("tensor %q: weights are in external file %q, but the model was not read from a file", t.name, loc)
	}
	// The location is relative to the model's directory and must stay
	// inside it: a model must not read arbitrary files.
	rel := filepath.FromSlash(loc)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("tensor %q: %w: %q", t.name, ErrEscape, loc)
	}
	if length < 0 {
		length = want
	}
	if length != want {
		return nil, fmt.Errorf("tensor %q: external data length %d, shape needs %d bytes", t.name, length, want)
	}
	if b.ext == nil {
		b.ext = map[string]*os.File{}
	}
	f, ok := b.ext[rel]
	if !ok {
		// OpenInRoot also refuses symbolic links that lead outside.
		var err error
		f, err = os.OpenInRoot(b.opt.Dir, rel)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: external data: %w", t.name, err)
		}
		b.ext[rel] = f
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("tensor %q: external data: %w", t.name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("tensor %q: external data %q is not a regular file", t.name, loc)
	}
	if off > st.Size() || length > st.Size()-off {
		return nil, fmt.Errorf("tensor %q: external data %q has %d bytes, tensor needs bytes %d to %d", t.name, loc, st.Size(), off, off+length)
	}
	buf := make([]byte, length)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("tensor %q: external data %q: %w", t.name, loc, err)
	}
	return buf, nil
}

// finish closes the chain: a pending affine map is the output layer; a net
// that ends in Relu gets an identity output layer.
func (b *builder) finish() error {
	switch {
	case b.pend != nil:
		b.layers = append(b.layers, *b.pend)
		b.pend = nil
	case len(b.layers) > 0:
		id, err := identity(b.layers[len(b.layers)-1].Out)
		if err != nil {
			return err
		}
		b.layers = append(b.layers, id)
	case b.width > 0:
		id, err := identity(b.width)
		if err != nil {
			return err
		}
		b.layers = append(b.layers, id)
	default:
		return errors.New("graph has no Gemm or MatMul layer and its input width is unknown")
	}
	return nil
}
