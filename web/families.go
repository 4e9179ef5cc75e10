package web

import (
	"fmt"
	"math"
	"math/big"

	"github.com/relucid/relucid/hard"
	"github.com/relucid/relucid/relu"
	"github.com/relucid/relucid/zonotope"
)

// Family is a hard function family the page can build with sliders.
type Family struct {
	Name   string  `json:"name"`
	Title  string  `json:"title"`
	Params []Param `json:"params"`
	// Inputs is the input dimension of its members (1 or 2); it tells the
	// page which view to open.
	Inputs int `json:"inputs"`
	// Domain is the interval (Inputs = 1) or box side (Inputs = 2) the page
	// shows by default.
	Domain [2]float64 `json:"domain"`
}

// Param is one slider: an integer or real parameter with bounds.
type Param struct {
	Name    string  `json:"name"`
	Label   string  `json:"label"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Step    float64 `json:"step"`
	Default float64 `json:"default"`
}

// families lists the built-in families (paper-spec §1.9, §1.10, Thm 3.5).
var builtinFamilies = []Family{
	{Name: "sawtooth", Title: "Sawtooth f(k, w): k zigzags with breakpoints i/w on [0, 1], w^k teeth (Theorem 3.5)", Inputs: 1, Domain: [2]float64{-0.25, 1.25},
		Params: []Param{
			{Name: "k", Label: "k (zigzag layers)", Min: 1, Max: 5, Step: 1, Default: 2},
			{Name: "w", Label: "w (teeth per zigzag)", Min: 2, Max: 6, Step: 1, Default: 3},
		}},
	{Name: "zigzag", Title: "Zigzag composition H = h∘…∘h (k times) with skewed breakpoints (i/w)^p on [0, 1]", Inputs: 1, Domain: [2]float64{-0.25, 1.25},
		Params: []Param{
			{Name: "k", Label: "k (zigzag layers)", Min: 1, Max: 4, Step: 1, Default: 2},
			{Name: "w", Label: "w (teeth per zigzag)", Min: 2, Max: 6, Step: 1, Default: 2},
			{Name: "p", Label: "p (skew of the breakpoints)", Min: 0.5, Max: 2, Step: 0.1, Default: 1.5},
		}},
	{Name: "zonotope", Title: "ZONOTOPE: k zigzags of w teeth after the support function γ_Z of m generators in R²", Inputs: 2, Domain: [2]float64{-1, 1},
		Params: []Param{
			{Name: "m", Label: "m (generators)", Min: 2, Max: 6, Step: 1, Default: 3},
			{Name: "k", Label: "k (zigzag layers)", Min: 1, Max: 3, Step: 1, Default: 1},
			{Name: "w", Label: "w (teeth per zigzag)", Min: 2, Max: 4, Step: 1, Default: 2},
		}},
}

// gridDen is the denominator to which real parameters (skewed breakpoints,
// generator coordinates) are rounded so that the nets carry exact rational
// weights and the exact engines see the function the page describes.
const gridDen = 1000

// buildFamily is the built-in builder of the hard families; the nets come
// from package hard, with exact rational parameters.
func buildFamily(name string, p map[string]float64) (*relu.Net, error) {
	var fam *Family
	for i := range builtinFamilies {
		if builtinFamilies[i].Name == name {
			fam = &builtinFamilies[i]
		}
	}
	if fam == nil {
		return nil, fmt.Errorf("unknown family %q", name)
	}
	v, err := familyParams(fam, p)
	if err != nil {
		return nil, err
	}
	h, z, err := familyMember(name, v)
	if err != nil {
		return nil, err
	}
	if z != nil {
		return (&hard.ZonotopeFunc{Z: z, H: h}).Net(), nil
	}
	return h.Net(), nil
}

// familyParams checks p against the family's parameters and fills in
// defaults.
func familyParams(fam *Family, p map[string]float64) (map[string]float64, error) {
	v := map[string]float64{}
	for _, q := range fam.Params {
		x, ok := p[q.Name]
		if !ok {
			x = q.Default
		}
		if math.IsNaN(x) || x < q.Min || x > q.Max {
			return nil, fmt.Errorf("%s: parameter %s = %v outside [%v, %v]", fam.Name, q.Name, x, q.Min, q.Max)
		}
		if q.Step == 1 && x != math.Trunc(x) {
			return nil, fmt.Errorf("%s: parameter %s = %v must be an integer", fam.Name, q.Name, x)
		}
		v[q.Name] = x
	}
	for k := range p {
		if _, ok := v[k]; !ok {
			return nil, fmt.Errorf("%s: unknown parameter %q", fam.Name, k)
		}
	}
	return v, nil
}

// familyMember returns the zigzag composition of a member and, for the
// zonotope family, its zonotope.
func familyMember(name string, v map[string]float64) (*hard.Composition, *zonotope.Zonotope, error) {
	k, w := int(v["k"]), int(v["w"])
	switch name {
	case "sawtooth":
		h, err := hard.Sawtooth(k, w)
		return h, nil, err
	case "zigzag":
		a := make([]*big.Rat, w-1)
		for i := range a {
			a[i] = gridRat(math.Pow(float64(i+1)/float64(w), v["p"]))
		}
		h, err := hard.NewComposition(big.NewRat(1, 1), repeat(a, k))
		if err != nil {
			return nil, nil, fmt.Errorf("zigzag: breakpoints rounded to 1/%d: %w", gridDen, err)
		}
		return h, nil, nil
	default: // zonotope
		m := int(v["m"])
		gen := make([][]*big.Rat, m)
		for i := range gen {
			// Generators of length 2/m spread over the half circle give
			// γ_Z(r) ≥ |r| (equality only for m = 2 on the diagonals), so
			// {γ_Z ≤ M = 1} lies inside the default box [−1, 1]² and every
			// piece meets the box in one connected set.
			th := math.Pi * (float64(i) + 0.5) / float64(m)
			gen[i] = []*big.Rat{gridRat(2 * math.Cos(th) / float64(m)), gridRat(2 * math.Sin(th) / float64(m))}
		}
		z, err := zonotope.New(gen)
		if err != nil {
			return nil, nil, err
		}
		h, err := hard.NewComposition(big.NewRat(1, 1), repeat(hard.EqualTeeth(w, big.NewRat(1, 1)), k))
		return h, z, err
	}
}

func gridRat(x float64) *big.Rat { return big.NewRat(int64(math.Round(x*gridDen)), gridDen) }

func repeat(a []*big.Rat, k int) [][]*big.Rat {
	r := make([][]*big.Rat, k)
	for i := range r {
		r[i] = a
	}
	return r
}
