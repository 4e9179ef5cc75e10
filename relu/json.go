package relu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
)

// jsonLayer is the on-disk layout of design.md §3.
type jsonLayer struct {
	Weight [][]json.RawMessage `json:"weight"`
	Bias   []json.RawMessage   `json:"bias,omitempty"`
}

type jsonNet struct {
	Layers []jsonLayer `json:"layers"`
}

// MaxJSONBytes bounds the size of a network file that Decode reads.
const MaxJSONBytes = 1 << 30

// ParseValue parses one weight: a JSON number (its float64 value, exactly) or
// a string holding an exact rational such as "1/3" or "-0.125". Non-finite
// values are rejected.
func ParseValue(raw []byte) (float64, *big.Rat, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, nil, fmt.Errorf("empty value")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, nil, err
		}
		r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
		if !ok {
			return 0, nil, fmt.Errorf("%q is not a rational number", s)
		}
		f, _ := r.Float64()
		if math.IsInf(f, 0) {
			return 0, nil, fmt.Errorf("%q overflows float64", s)
		}
		return f, r, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, nil, fmt.Errorf("%s overflows float64", raw)
		}
		return 0, nil, fmt.Errorf("%s is not a number", raw)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, nil, fmt.Errorf("%s is not finite", raw)
	}
	return f, new(big.Rat).SetFloat64(f), nil
}

// Decode reads a net in the JSON format of design.md §3. Unknown keys are
// ignored.
func Decode(r io.Reader) (*Net, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxJSONBytes {
		return nil, fmt.Errorf("network JSON larger than %d bytes", MaxJSONBytes)
	}
	var jn jsonNet
	if err := json.Unmarshal(data, &jn); err != nil {
		return nil, fmt.Errorf("malformed network JSON: %w", err)
	}
	if len(jn.Layers) == 0 {
		return nil, fmt.Errorf("no layers (want {\"layers\": [{\"weight\": [[...]], \"bias\": [...]}, ...]})")
	}
	n := &Net{Layers: make([]Layer, len(jn.Layers))}
	params := 0
	for k, jl := range jn.Layers {
		if len(jl.Weight) == 0 || len(jl.Weight[0]) == 0 {
			return nil, fmt.Errorf("layer %d: weight is missing or empty", k)
		}
		out, in := len(jl.Weight), len(jl.Weight[0])
		params += out*in + out
		if params > MaxParams {
			return nil, fmt.Errorf("net has more than %d parameters", MaxParams)
		}
		if k > 0 && in != n.Layers[k-1].Out {
			return nil, fmt.Errorf("layer %d: weight has %d columns but layer %d has %d outputs", k, in, k-1, n.Layers[k-1].Out)
		}
		l := NewLayer(out, in)
		for i, row := range jl.Weight {
			if len(row) != in {
				return nil, fmt.Errorf("layer %d: weight row %d has %d entries, row 0 has %d", k, i, len(row), in)
			}
			for j, raw := range row {
				f, r, err := ParseValue(raw)
				if err != nil {
					return nil, fmt.Errorf("layer %d: weight[%d][%d]: %w", k, i, j, err)
				}
				l.W[i*in+j] = f
				l.WR[i*in+j] = r
			}
		}
		if jl.Bias != nil {
			if len(jl.Bias) != out {
				return nil, fmt.Errorf("layer %d: bias has %d entries, weight has %d rows", k, len(jl.Bias), out)
			}
			for i, raw := range jl.Bias {
				f, r, err := ParseValue(raw)
				if err != nil {
					return nil, fmt.Errorf("layer %d: bias[%d]: %w", k, i, err)
				}
				l.B[i] = f
				l.BR[i] = r
			}
		}
		n.Layers[k] = l
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return n, nil
}

// ReadFile reads a network JSON file; errors name the file.
func ReadFile(path string) (*Net, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// formatValue writes v as a JSON number when it is a float64 exactly, and as
// an exact rational string otherwise.
func formatValue(b *bytes.Buffer, r *big.Rat) {
	if f, exact := r.Float64(); exact {
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		return
	}
	b.WriteByte('"')
	b.WriteString(r.RatString())
	b.WriteByte('"')
}

// Encode writes n as network JSON, one layer per line. Weights that are
// float64 values are written as numbers that round-trip exactly; others as
// exact rational strings.
func (n *Net) Encode(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString("{\"layers\": [\n")
	for k, l := range n.Layers {
		b.WriteString("  {\"weight\": [")
		for i := 0; i < l.Out; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('[')
			for j := 0; j < l.In; j++ {
				if j > 0 {
					b.WriteString(", ")
				}
				formatValue(&b, l.WR[i*l.In+j])
			}
			b.WriteByte(']')
		}
		b.WriteString("], \"bias\": [")
		for i := 0; i < l.Out; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(&b, l.BR[i])
		}
		b.WriteString("]}")
		if k < len(n.Layers)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// WriteFile writes n to path atomically: a failed write leaves no partial
// file behind.
func (n *Net) WriteFile(path string) error {
	var b bytes.Buffer
	if err := n.Encode(&b); err != nil {
		return err
	}
	return WriteFileAtomic(path, b.Bytes())
}

// WriteFileAtomic writes data to a temporary file beside path and renames it
// into place, so readers never see a half-written file.
func WriteFileAtomic(path string, data []byte) error {
	dir := "."
	if i := strings.LastIndexByte(path, os.PathSeparator); i >= 0 {
		dir = path[:i+1]
	}
	f, err := os.CreateTemp(dir, ".relucid-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, werr)
	}
	return nil
}
