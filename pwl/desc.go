package pwl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"

	"github.com/relucid/relucid/relu"
)

// Description is the JSON form of a PWL function R → R:
//
//	{"breakpoints": [-1, 0, 2], "values": [0, 2, 0], "slope_left": 1, "slope_right": 3}
//
// Every number may also be a string holding an exact rational ("1/3",
// "-0.125"). breakpoints must be strictly ascending and may be empty (an
// affine function, then "values" holds its value at 0, or is empty for
// the function s·x). Extra keys are ignored.
type Description struct {
	Breakpoints []json.RawMessage `json:"breakpoints"`
	Values      []json.RawMessage `json:"values"`
	SlopeLeft   json.RawMessage   `json:"slope_left"`
	SlopeRight  json.RawMessage   `json:"slope_right"`
}

// IsDescription reports whether data looks like a PWL description (a JSON
// object with a "breakpoints" key) rather than a net.
func IsDescription(data []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["breakpoints"]
	return ok
}

// DecodeDescription reads a PWL description.
func DecodeDescription(r io.Reader) (*Rat, error) {
	dec := json.NewDecoder(r)
	var d Description
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("PWL description: %w", err)
	}
	if d.Breakpoints == nil {
		return nil, fmt.Errorf("PWL description: missing \"breakpoints\"")
	}
	if d.SlopeLeft == nil || d.SlopeRight == nil {
		return nil, fmt.Errorf("PWL description: missing \"slope_left\" or \"slope_right\"")
	}
	val := func(what string, raw json.RawMessage) (*big.Rat, error) {
		_, r, err := relu.ParseValue(raw)
		if err != nil {
			return nil, fmt.Errorf("PWL description: %s: %w", what, err)
		}
		return r, nil
	}
	f := &Rat{}
	var err error
	if f.SL, err = val("slope_left", d.SlopeLeft); err != nil {
		return nil, err
	}
	if f.SR, err = val("slope_right", d.SlopeRight); err != nil {
		return nil, err
	}
	for i, b := range d.Breakpoints {
		r, err := val(fmt.Sprintf("breakpoints[%d]", i), b)
		if err != nil {
			return nil, err
		}
		f.X = append(f.X, r)
	}
	if len(f.X) == 0 {
		if len(d.Values) > 1 {
			return nil, fmt.Errorf("PWL description: no breakpoints but %d values (give at most the value at 0)", len(d.Values))
		}
		if f.SL.Cmp(f.SR) != 0 {
			return nil, fmt.Errorf("PWL description: no breakpoints but different end slopes")
		}
		f.X = []*big.Rat{new(big.Rat)}
		f.Y = []*big.Rat{new(big.Rat)}
		if len(d.Values) == 1 {
			if f.Y[0], err = val("values[0]", d.Values[0]); err != nil {
				return nil, err
			}
		}
		return f, nil
	}
	if len(d.Values) != len(f.X) {
		return nil, fmt.Errorf("PWL description: %d breakpoints but %d values", len(f.X), len(d.Values))
	}
	for i, v := range d.Values {
		r, err := val(fmt.Sprintf("values[%d]", i), v)
		if err != nil {
			return nil, err
		}
		f.Y = append(f.Y, r)
	}
	if err := f.Check(); err != nil {
		return nil, fmt.Errorf("PWL description: %w", err)
	}
	return f, nil
}

// ReadDescription reads a PWL description from a file; errors name it.
func ReadDescription(path string) (*Rat, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := DecodeDescription(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// formatRat writes r as a JSON number when it is a float64 exactly, else as
// an exact rational string.
func formatRat(b *bytes.Buffer, r *big.Rat) {
	if f, exact := r.Float64(); exact {
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		return
	}
	b.WriteString(strconv.Quote(r.RatString()))
}

// EncodeDescription writes f (simplified: only its breakpoints) as a PWL
// description.
func EncodeDescription(w io.Writer, f *Rat) error {
	g := f.Clone().Simplify()
	bp := g.Breakpoints()
	var b bytes.Buffer
	b.WriteString(`{"breakpoints": [`)
	for i, x := range bp {
		if i > 0 {
			b.WriteString(", ")
		}
		formatRat(&b, x)
	}
	b.WriteString(`], "values": [`)
	if len(bp) == 0 {
		formatRat(&b, g.Eval(new(big.Rat)))
	}
	for i, x := range bp {
		if i > 0 {
			b.WriteString(", ")
		}
		formatRat(&b, g.Eval(x))
	}
	b.WriteString(`], "slope_left": `)
	formatRat(&b, g.SL)
	b.WriteString(`, "slope_right": `)
	formatRat(&b, g.SR)
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}
