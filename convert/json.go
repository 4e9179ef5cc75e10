package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"

	"github.com/relucid/relucid/pwl"
	"github.com/relucid/relucid/relu"
)

// MaxInputBytes bounds the size of an input file.
const MaxInputBytes = 1 << 30

type jsonAffine struct {
	W []json.RawMessage `json:"w"`
	B json.RawMessage   `json:"b"`
}

type jsonTerm struct {
	Sign int   `json:"sign"`
	Args []int `json:"args"`
}

type jsonInput struct {
	Kind          Kind                `json:"kind"`
	N             int                 `json:"n"`
	Affine        []jsonAffine        `json:"affine"`
	Terms         []jsonTerm          `json:"terms"`
	Sets          [][]int             `json:"sets"`
	Vertices      [][]json.RawMessage `json:"vertices"`
	Simplices     [][]int             `json:"simplices"`
	Values        []json.RawMessage   `json:"values"`
	SimplexValues [][]json.RawMessage `json:"simplex_values"`
	Layers        json.RawMessage     `json:"layers"`
}

// Decode reads a PWL description (docs: README section "convert"):
//
//	{"kind": "maxsum", "n": 2, "affine": [{"w": [1, "1/2"], "b": 0}, …],
//	 "terms": [{"sign": 1, "args": [0, 1, 2]}, …]}
//	{"kind": "lattice", "n": 2, "affine": […], "sets": [[0, 1], [2]]}
//	{"kind": "triangulation", "n": 2, "vertices": [[0, 0], …],
//	 "simplices": [[0, 1, 2], …], "values": [0, 1, …]}
//
// (or "simplex_values": one row of n+1 values per simplex), a 1-D PWL
// description of package pwl ({"breakpoints": …, "values": …,
// "slope_left": …, "slope_right": …}), or a network JSON ({"layers": …}). Numbers are exact as in network JSON: a JSON number
// is its float64 value, a string such as "1/3" an exact rational.
func Decode(r io.Reader) (*Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("input larger than %d bytes", MaxInputBytes)
	}
	if pwl.IsDescription(data) {
		f, err := pwl.DecodeDescription(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		p := &PWL1{X: f.X, Y: f.Y, Left: f.SL, Right: f.SR}
		if len(p.X) == 0 { // affine: pwl stores its value at 0 in Y, if any
			p.X = []*big.Rat{new(big.Rat)}
			if len(p.Y) == 0 {
				p.Y = []*big.Rat{new(big.Rat)}
			}
		}
		return &Input{Kind: KindPWL1, PWL1: p}, nil
	}
	var ji jsonInput
	if err := json.Unmarshal(data, &ji); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if ji.Layers != nil {
		net, err := relu.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return &Input{Kind: KindNet, Net: net}, nil
	}
	if ji.N < 1 {
		return nil, fmt.Errorf("missing or invalid \"n\" (input dimension, ≥ 1)")
	}
	in := &Input{Kind: ji.Kind}
	switch ji.Kind {
	case KindMaxSum, KindLattice:
		fs, err := decodeAffine(ji.Affine)
		if err != nil {
			return nil, err
		}
		if ji.Kind == KindMaxSum {
			m := &MaxSum{N: ji.N, Affine: fs}
			for _, t := range ji.Terms {
				m.Terms = append(m.Terms, Term{Sign: t.Sign, Args: t.Args})
			}
			if err := m.Validate(); err != nil {
				return nil, err
			}
			in.MaxSum = m
		} else {
			l := &Lattice{N: ji.N, Affine: fs, Sets: ji.Sets}
			if err := l.Validate(); err != nil {
				return nil, err
			}
			in.Lattice = l
		}
	case KindTriangulation:
		t := &Triangulation{N: ji.N, Simplices: ji.Simplices}
		for i, v := range ji.Vertices {
			row, err := decodeRats(v)
			if err != nil {
				return nil, fmt.Errorf("vertex %d: %w", i, err)
			}
			t.Vertices = append(t.Vertices, row)
		}
		if ji.Values != nil {
			if t.Values, err = decodeRats(ji.Values); err != nil {
				return nil, fmt.Errorf("values: %w", err)
			}
		}
		for i, v := range ji.SimplexValues {
			row, err := decodeRats(v)
			if err != nil {
				return nil, fmt.Errorf("simplex_values row %d: %w", i, err)
			}
			t.SimplexValues = append(t.SimplexValues, row)
		}
		if ji.SimplexValues != nil && t.SimplexValues == nil {
			t.SimplexValues = [][]*big.Rat{}
		}
		in.Triangulation = t
	case "":
		return nil, fmt.Errorf("missing \"kind\" (maxsum, lattice or triangulation) and no \"layers\"")
	default:
		return nil, fmt.Errorf("unknown kind %q (want maxsum, lattice or triangulation)", ji.Kind)
	}
	return in, nil
}

func decodeAffine(js []jsonAffine) ([]Affine, error) {
	out := make([]Affine, len(js))
	for i, ja := range js {
		w, err := decodeRats(ja.W)
		if err != nil {
			return nil, fmt.Errorf("affine function %d: w: %w", i, err)
		}
		b := new(big.Rat)
		if ja.B != nil {
			_, r, err := relu.ParseValue(ja.B)
			if err != nil {
				return nil, fmt.Errorf("affine function %d: b: %w", i, err)
			}
			b = r
		}
		out[i] = Affine{W: w, B: b}
	}
	return out, nil
}

func decodeRats(raw []json.RawMessage) ([]*big.Rat, error) {
	out := make([]*big.Rat, len(raw))
	for i, v := range raw {
		_, r, err := relu.ParseValue(v)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out[i] = r
	}
	return out, nil
}

// ReadFile reads an input file; errors name the file.
func ReadFile(path string) (*Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}
