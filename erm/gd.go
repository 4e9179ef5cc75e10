package erm

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/relucid/relucid/relu"
)

// gradientDescent runs Adam on the (sub)gradient of the objective from
// `restarts` random initialisations and returns the best net found. It only
// seeds the branch and bound with an incumbent; it certifies nothing.
func gradientDescent(ctx context.Context, p *Problem, restarts int, seed int64) *relu.Net {
	D, n, w := len(p.X), len(p.X[0]), p.Width
	rng := rand.New(rand.NewPCG(uint64(seed)+1, 0x6d))
	np := w*(n+1) + w + 1
	var best *relu.Net
	bestV := math.Inf(1)
	th := make([]float64, np)
	gr := make([]float64, np)
	m1 := make([]float64, np)
	m2 := make([]float64, np)
	pre := make([]float64, w)
	scale := 0.0
	for _, y := range p.Y {
		scale = math.Max(scale, math.Abs(y))
	}
	const steps = 1500
	for r := 0; r < restarts; r++ {
		if ctx.Err() != nil {
			break
		}
		for i := range th {
			th[i] = rng.NormFloat64() / math.Sqrt(float64(n+1))
			m1[i], m2[i] = 0, 0
		}
		if !p.OutputBias {
			th[np-1] = 0
		}
		lr := 0.01 * (1 + scale)
		for it := 1; it <= steps; it++ {
			for i := range gr {
				gr[i] = 0
			}
			for j, x := range p.X {
				f := th[np-1]
				for i := 0; i < w; i++ {
					o := i * (n + 1)
					s := th[o+n]
					for k, v := range x {
						s += th[o+k] * v
					}
					pre[i] = s
					if s > 0 {
						f += th[w*(n+1)+i] * s
					}
				}
				y := p.Y[j]
				var dl float64
				switch p.Loss {
				case Squared:
					dl = 2 * (f - y)
				case Absolute:
					dl = math.Copysign(1, f-y)
				case Hinge:
					if y*f < 1 {
						dl = -y
					}
				case Logistic:
					dl = -y / (1 + math.Exp(y*f))
				}
				if p.OutputBias {
					gr[np-1] += dl
				}
				for i := 0; i < w; i++ {
					if pre[i] <= 0 {
						continue
					}
					a := th[w*(n+1)+i]
					gr[w*(n+1)+i] += dl * pre[i]
					o := i * (n + 1)
					for k, v := range x {
						gr[o+k] += dl * a * v
					}
					gr[o+n] += dl * a
				}
			}
			lam := p.WeightDecay
			for i := 0; i < w; i++ {
				// ∂/∂ of a_i²(‖a^i‖²+b_i²)
				a := th[w*(n+1)+i]
				o := i * (n + 1)
				s := 0.0
				for k := 0; k <= n; k++ {
					s += th[o+k] * th[o+k]
					gr[o+k] += lam * 2 * a * a * th[o+k]
				}
				gr[w*(n+1)+i] += lam * 2 * a * s
			}
			for i := range th {
				g := gr[i] / float64(D)
				m1[i] = 0.9*m1[i] + 0.1*g
				m2[i] = 0.999*m2[i] + 0.001*g*g
				mh := m1[i] / (1 - math.Pow(0.9, float64(it)))
				vh := m2[i] / (1 - math.Pow(0.999, float64(it)))
				th[i] -= lr * mh / (math.Sqrt(vh) + 1e-8)
			}
			if !p.OutputBias {
				th[np-1] = 0
			}
		}
		W := make([][]float64, w)
		B := make([]float64, w)
		for i := 0; i < w; i++ {
			W[i] = append([]float64(nil), th[i*(n+1):i*(n+1)+n]...)
			B[i] = th[i*(n+1)+n]
		}
		net, err := relu.FromFloats([][][]float64{W, {append([]float64(nil), th[w*(n+1):w*(n+1)+w]...)}}, [][]float64{B, {th[np-1]}})
		if err != nil {
			continue
		}
		if v, _, _, err := p.Objective(net); err == nil && v < bestV {
			best, bestV = net, v
		}
	}
	return best
}
