package hard

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/relucid/relucid/relu"
)

// patternMargin is the smallest |pre-activation| at which the float64 sign
// of a unit is trusted at a sample point. The nets sampled here have
// parameters and inputs of modest size (|x| ≤ 10³, weights ≤ 10³, depth ≤
// 10), so the float error of a pre-activation is below 10⁻⁹; samples whose
// pre-activations come closer to 0 are decided in exact arithmetic.
const patternMargin = 1e-7

// gridReach is how far apart (in cells, Chebyshev distance) two samples with
// the same affine map may be and still be joined. Where many cones meet at a
// point (the origin, for H∘γ_Z), a cone narrower than a cell leaves isolated
// samples near its apex at every resolution, since the picture is
// scale-invariant there; for cone angles down to ~15° the samples of one
// piece near its apex are at most 3 cells apart. The price: two components
// with the same map closer than 3 cells would be merged, so the window and n
// must make every piece boundary band wider than 3 cells.
const gridReach = 3

// GridPieces2D counts the pieces of an R² → R net on the box [lo, hi]² by
// sampling: the box is cut into n×n cells, the exact affine map of the
// activation region containing each cell's sample point is computed in
// rational arithmetic, and neighbouring cells with the same map are joined
// (union–find), also across gaps of up to gridReach cells. The sample points avoid the cell centre by a third so that
// they do not fall on boundaries with simple rational coordinates.
//
// It is an oracle independent of any region enumeration, exact in its keys
// but not a proof: a piece thinner than a cell can be missed or can fail to
// connect. The sampling window must contain every bounded piece (spec §5
// item 9's pitfall).
func GridPieces2D(ctx context.Context, net *relu.Net, lo, hi *big.Rat, n int) (int, error) {
	if net.InputDim() != 2 || net.OutputDim() != 1 {
		return 0, fmt.Errorf("GridPieces2D needs an R² → R net")
	}
	if n < 2 || lo.Cmp(hi) >= 0 {
		return 0, fmt.Errorf("GridPieces2D needs n ≥ 2 and lo < hi")
	}
	step := new(big.Rat).Sub(hi, lo)
	step.Quo(step, big.NewRat(int64(n), 1))
	maps := map[string]int{} // pattern → map id
	mapKey := []string{}     // map id → exact affine key
	id := make([]int, n*n)
	ev := newPatternEval(net)
	third := big.NewRat(1, 3)
	x := []*big.Rat{new(big.Rat), new(big.Rat)}
	var t big.Rat
	for i := 0; i < n; i++ {
		if i%16 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		for j := 0; j < n; j++ {
			x[0].Add(lo, t.Mul(step, t.Add(big.NewRat(int64(i), 1), third)))
			x[1].Add(lo, t.Mul(step, t.Add(big.NewRat(int64(j), 1), big.NewRat(2, 7))))
			pat := ev.pattern(x)
			m, ok := maps[pat]
			if !ok {
				m = len(mapKey)
				maps[pat] = m
				mapKey = append(mapKey, affineKey(net, pat))
			}
			id[i*n+j] = m
		}
	}
	// union–find over cells whose maps are equal (exact keys).
	parent := make([]int, n*n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(a int) int {
		for parent[a] != a {
			parent[a] = parent[parent[a]]
			a = parent[a]
		}
		return a
	}
	join := func(a, b int) {
		if mapKey[id[a]] == mapKey[id[b]] {
			parent[find(a)] = find(b)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			for di := 0; di <= gridReach; di++ {
				for dj := -gridReach; dj <= gridReach; dj++ {
					if di == 0 && dj <= 0 {
						continue
					}
					if i+di < n && j+dj >= 0 && j+dj < n {
						join(i*n+j, (i+di)*n+j+dj)
					}
				}
			}
		}
	}
	count := 0
	for i := range parent {
		if find(i) == i {
			count++
		}
	}
	return count, nil
}

type patternEval struct {
	net      *relu.Net
	cur, nxt []float64
}

func newPatternEval(net *relu.Net) *patternEval {
	w := 2
	for _, l := range net.Layers {
		w = max(w, l.Out)
	}
	return &patternEval{net: net, cur: make([]float64, w), nxt: make([]float64, w)}
}

// pattern returns the activation pattern at x as a string of '0'/'1', in
// float64 when every pre-activation is clear of 0 by patternMargin and
// exactly otherwise.
func (p *patternEval) pattern(x []*big.Rat) string {
	var b strings.Builder
	cur := p.cur[:2]
	cur[0], _ = x[0].Float64()
	cur[1], _ = x[1].Float64()
	last := len(p.net.Layers) - 1
	for k := 0; k < last; k++ {
		l := &p.net.Layers[k]
		out := p.nxt[:l.Out]
		for i := 0; i < l.Out; i++ {
			s := l.B[i]
			for j := 0; j < l.In; j++ {
				s += l.W[i*l.In+j] * cur[j]
			}
			if math.Abs(s) < patternMargin {
				return exactPattern(p.net, x)
			}
			if s > 0 {
				b.WriteByte('1')
				out[i] = s
			} else {
				b.WriteByte('0')
				out[i] = 0
			}
		}
		p.cur, p.nxt = p.nxt, p.cur
		cur = p.cur[:l.Out]
	}
	return b.String()
}

func exactPattern(net *relu.Net, x []*big.Rat) string {
	var b strings.Builder
	cur := x
	var t big.Rat
	for k := 0; k < len(net.Layers)-1; k++ {
		l := &net.Layers[k]
		out := make([]*big.Rat, l.Out)
		for i := 0; i < l.Out; i++ {
			s := new(big.Rat).Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				s.Add(s, t.Mul(l.WR[i*l.In+j], cur[j]))
			}
			if s.Sign() > 0 {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
				s.SetInt64(0)
			}
			out[i] = s
		}
		cur = out
	}
	return b.String()
}

// affineKey returns the exact affine map (gradient and constant) of the net
// on the region with activation pattern pat, as a string.
func affineKey(net *relu.Net, pat string) string {
	in := net.InputDim()
	// rows: current units as affine maps (in gradient entries + constant)
	cur := make([][]*big.Rat, in)
	for i := range cur {
		cur[i] = make([]*big.Rat, in+1)
		for j := range cur[i] {
			cur[i][j] = new(big.Rat)
		}
		cur[i][i].SetInt64(1)
	}
	pos := 0
	var t big.Rat
	for k, l := range net.Layers {
		next := make([][]*big.Rat, l.Out)
		for i := 0; i < l.Out; i++ {
			row := make([]*big.Rat, in+1)
			for c := range row {
				row[c] = new(big.Rat)
			}
			row[in].Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				w := l.WR[i*l.In+j]
				if w.Sign() == 0 {
					continue
				}
				for c := 0; c <= in; c++ {
					row[c].Add(row[c], t.Mul(w, cur[j][c]))
				}
			}
			if k < len(net.Layers)-1 {
				if pat[pos] == '0' {
					for c := range row {
						row[c].SetInt64(0)
					}
				}
				pos++
			}
			next[i] = row
		}
		cur = next
	}
	parts := make([]string, in+1)
	for c := range parts {
		parts[c] = cur[0][c].RatString()
	}
	return strings.Join(parts, " ")
}
