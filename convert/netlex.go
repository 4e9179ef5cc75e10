package convert

import (
	"math"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/relucid/relucid/relu"
)

// netLex evaluates a net's exact affine map at perturbed points
// p + ε·d1 + ε²·d2 + … (netMapAt) faster, for many points around few base
// points p: the signs of the units' pre-activations at p are computed
// exactly once per p; the units that vanish at p (the only ones the
// directions decide) get the signs of their derivatives from a float
// evaluation with a rigorous error bound, and the exact map of the
// resulting activation pattern is computed once per pattern. A derivative
// too close to zero to decide in floats sends the point to netMapAt.
// It is safe for concurrent use.
type netLex struct {
	net *relu.Net
	wf  [][]float64 // per layer, row-major, rounded to nearest
	wa  [][]float64 // |wf|

	fallbacks atomic.Int64 // points sent to netMapAt (for tests)

	mu    sync.Mutex
	signs map[string][][]int8 // base point → sign of every hidden pre-activation at it
	maps  map[string]Affine   // activation pattern → exact map
}

func newNetLex(net *relu.Net) *netLex {
	e := &netLex{net: net, signs: map[string][][]int8{}, maps: map[string]Affine{}}
	for k := range net.Layers {
		l := &net.Layers[k]
		wf := make([]float64, len(l.WR))
		wa := make([]float64, len(l.WR))
		for i, w := range l.WR {
			wf[i], _ = w.Float64()
			wa[i] = math.Abs(wf[i])
		}
		e.wf, e.wa = append(e.wf, wf), append(e.wa, wa)
	}
	return e
}

// signsAt returns the exact signs of the hidden pre-activations at p; they
// do not depend on any perturbation, since a unit that vanishes at p
// outputs 0 there whether active or not.
func (e *netLex) signsAt(p []*big.Rat) [][]int8 {
	key := pointKey(p)
	e.mu.Lock()
	s, ok := e.signs[key]
	e.mu.Unlock()
	if ok {
		return s
	}
	cur := p
	last := len(e.net.Layers) - 1
	for k := 0; k < last; k++ {
		l := &e.net.Layers[k]
		next := make([]*big.Rat, l.Out)
		sg := make([]int8, l.Out)
		var t big.Rat
		for i := 0; i < l.Out; i++ {
			v := new(big.Rat).Set(l.BR[i])
			for j := 0; j < l.In; j++ {
				if w := l.WR[i*l.In+j]; w.Sign() != 0 && cur[j].Sign() != 0 {
					v.Add(v, t.Mul(w, cur[j]))
				}
			}
			sg[i] = int8(v.Sign())
			if sg[i] < 0 {
				v.SetInt64(0)
			}
			next[i] = v
		}
		s = append(s, sg)
		cur = next
	}
	e.mu.Lock()
	e.signs[key] = s
	e.mu.Unlock()
	return s
}

// mapAt is netMapAt(e.net, p, dirs...).
func (e *netLex) mapAt(p []*big.Rat, dirs ...[]*big.Rat) Affine {
	sg := e.signsAt(p)
	n := len(p)
	const u = 0x1p-53
	df := make([][]float64, len(dirs))
	dn := make([]float64, len(dirs)) // ‖d‖₁ (of the rounded d, times 1+u)
	for k, d := range dirs {
		df[k] = make([]float64, n)
		for i, x := range d {
			df[k][i], _ = x.Float64()
			dn[k] += math.Abs(df[k][i])
		}
		dn[k] *= 1 + 4*u
	}
	// Float gradients of the current layer's outputs, with a bound err on
	// the error of every component and mag on every component's size.
	g := make([][]float64, n)
	errB := make([]float64, n)
	mag := make([]float64, n)
	for i := range g {
		g[i] = make([]float64, n)
		g[i][i] = 1
		mag[i] = 1
	}
	var pat strings.Builder
	last := len(e.net.Layers) - 1
	for k := 0; k < last; k++ {
		l := &e.net.Layers[k]
		ng := make([][]float64, l.Out)
		nerr := make([]float64, l.Out)
		nmag := make([]float64, l.Out)
		slab := make([]float64, l.Out*n) // one allocation per layer
		for i := 0; i < l.Out; i++ {
			row, rowA := e.wf[k][i*l.In:(i+1)*l.In], e.wa[k][i*l.In:(i+1)*l.In]
			v := slab[i*n : (i+1)*n : (i+1)*n]
			var eb, mb float64
			for j, w := range row {
				if w == 0 || g[j] == nil {
					continue
				}
				for c := range v {
					v[c] += w * g[j][c]
				}
				eb += rowA[j] * (errB[j] + mag[j]*u)
				mb += rowA[j] * mag[j]
			}
			// Rounding of the sums (l.In + 2 operations each) and of w.
			eb = (eb + float64(l.In+2)*u*mb) * (1 + 1e-10)
			active := sg[k][i] > 0
			if sg[k][i] == 0 {
				decided := false
				for q, d := range df {
					var s float64
					for c := range v {
						s += v[c] * d[c]
					}
					bound := 2*(eb+mb*float64(n+3)*u)*dn[q] + 1e-300
					if s > bound {
						active, decided = true, true
						break
					}
					if s < -bound {
						decided = true
						break
					}
				}
				if !decided {
					e.fallbacks.Add(1)
					return netMapAt(e.net, p, dirs...)
				}
			}
			if active {
				ng[i], nerr[i], nmag[i] = v, eb, mb
				pat.WriteByte('1')
			} else {
				pat.WriteByte('0')
			}
		}
		g, errB, mag = ng, nerr, nmag
	}
	key := pat.String()
	e.mu.Lock()
	m, ok := e.maps[key]
	e.mu.Unlock()
	if ok {
		return m
	}
	m = e.patternMap(key)
	e.mu.Lock()
	e.maps[key] = m
	e.mu.Unlock()
	return m
}

// patternMap returns the exact affine map of the net with the hidden units
// active as pattern says ('1' active).
func (e *netLex) patternMap(pattern string) Affine {
	n := e.net.InputDim()
	cur := make([]Affine, n)
	for i := range cur {
		cur[i] = zeroAffine(n)
		cur[i].W[i] = big.NewRat(1, 1)
	}
	last := len(e.net.Layers) - 1
	pos := 0
	for k := range e.net.Layers {
		l := &e.net.Layers[k]
		next := make([]Affine, l.Out)
		for i := 0; i < l.Out; i++ {
			if k != last {
				on := pattern[pos] == '1'
				pos++
				if !on {
					next[i] = zeroAffine(n)
					continue
				}
			}
			acc := Affine{W: zeroAffine(n).W, B: new(big.Rat).Set(l.BR[i])}
			for j := 0; j < l.In; j++ {
				if w := l.WR[i*l.In+j]; w.Sign() != 0 {
					acc = acc.plus(w, cur[j])
				}
			}
			next[i] = acc
		}
		cur = next
	}
	return cur[0]
}
