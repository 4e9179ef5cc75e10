package gd

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/relucid/relucid/relu"
)

// Model holds the parameters of a width-w net and the workspace for its
// objective and gradient. The parameter vector Theta is laid out as
//
//	Theta = [ A (w×n, row-major) | b (w) | a (w) | c (1, only with output bias) ]
//
// A Model is not safe for concurrent use.
type Model struct {
	p     *Problem
	n, w  int
	Theta []float64
	grad  []float64
	// Adam moments and the best iterate, reused across restarts.
	m1, m2, best []float64
}

// NewModel returns a model for p with all parameters zero.
func NewModel(p *Problem) *Model {
	n, w := len(p.X[0]), p.Width
	k := w*n + 2*w
	if p.OutputBias {
		k++
	}
	return &Model{p: p, n: n, w: w, Theta: make([]float64, k), grad: make([]float64, k),
		m1: make([]float64, k), m2: make([]float64, k), best: make([]float64, k)}
}

// Init draws Theta from PyTorch's default nn.Linear initialisation.
func (m *Model) Init(r *rand.Rand) {
	n, w := m.n, m.w
	b1 := 1 / math.Sqrt(float64(n))
	for i := range w*n + w {
		m.Theta[i] = b1 * (2*r.Float64() - 1)
	}
	b2 := 1 / math.Sqrt(float64(w))
	for i := w*n + w; i < len(m.Theta); i++ {
		m.Theta[i] = b2 * (2*r.Float64() - 1)
	}
}

// Objective returns Σ_j ℓ(f(x_j), y_j) at Theta.
func (m *Model) Objective() float64 { return m.eval(false) }

// Gradient returns the objective and stores its gradient in dst (len(Theta)).
func (m *Model) Gradient(dst []float64) float64 {
	v := m.eval(true)
	copy(dst, m.grad)
	return v
}

// eval computes the objective and, if grad, its gradient into m.grad. It
// allocates nothing.
func (m *Model) eval(grad bool) float64 {
	n, w := m.n, m.w
	th := m.Theta
	A, b, a := th[:w*n], th[w*n:w*n+w], th[w*n+w:w*n+2*w]
	var c float64
	if m.p.OutputBias {
		c = th[w*n+2*w]
	}
	g := m.grad
	if grad {
		clear(g)
	}
	gA, gb, ga := g[:w*n], g[w*n:w*n+w], g[w*n+w:w*n+2*w]
	loss := m.p.Loss
	var total float64
	for j, x := range m.p.X {
		f := c
		for i := range w {
			pre := b[i]
			for k, xk := range x {
				pre += A[i*n+k] * xk
			}
			if pre > 0 {
				f += a[i] * pre
			}
		}
		y := m.p.Y[j]
		total += loss.Eval(f, y)
		if !grad {
			continue
		}
		d := deriv(loss, f, y)
		if d == 0 {
			continue
		}
		if m.p.OutputBias {
			g[w*n+2*w] += d
		}
		for i := range w {
			pre := b[i]
			for k, xk := range x {
				pre += A[i*n+k] * xk
			}
			if pre <= 0 { // σ'(0) = 0, as in PyTorch
				continue
			}
			ga[i] += d * pre
			da := d * a[i]
			gb[i] += da
			for k, xk := range x {
				gA[i*n+k] += da * xk
			}
		}
	}
	return total
}

// Net returns the net with parameters Theta.
func (m *Model) Net() *relu.Net {
	n, w := m.n, m.w
	th := m.Theta
	l1 := relu.NewLayer(w, n)
	l2 := relu.NewLayer(1, w)
	for i := range w {
		for k := range n {
			l1.Set(i, k, th[i*n+k])
		}
		l1.SetBias(i, th[w*n+i])
		l2.Set(0, i, th[w*n+w+i])
	}
	if m.p.OutputBias {
		l2.SetBias(0, th[w*n+2*w])
	}
	return &relu.Net{Layers: []relu.Layer{l1, l2}}
}

// ctxCheckEvery is how many iterations pass between cancellation checks;
// one iteration costs O(D·w·n), so this keeps the check overhead negligible
// while reacting within milliseconds.
const ctxCheckEvery = 256

// run performs restart r and returns the best and final objectives and a
// copy of the best parameters.
func (m *Model) run(ctx context.Context, o Options, r int) (best, final float64, theta []float64) {
	m.Init(rand.New(rand.NewPCG(o.Seed, uint64(r))))
	clear(m.m1)
	clear(m.m2)
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	b1t, b2t := 1.0, 1.0
	best = math.Inf(1)
	scale := 1 / float64(len(m.p.X)) // GD steps on the mean loss
	for t := 0; t < o.Iters; t++ {
		if t%ctxCheckEvery == 0 && ctx.Err() != nil {
			break
		}
		v := m.eval(true)
		if v < best {
			best = v
			copy(m.best, m.Theta)
		}
		lr := o.LR * (o.MinLR + (1-o.MinLR)*0.5*(1+math.Cos(math.Pi*float64(t)/float64(o.Iters))))
		switch o.Method {
		case Adam:
			b1t *= beta1
			b2t *= beta2
			for k, gk := range m.grad {
				m.m1[k] = beta1*m.m1[k] + (1-beta1)*gk
				m.m2[k] = beta2*m.m2[k] + (1-beta2)*gk*gk
				mh := m.m1[k] / (1 - b1t)
				vh := m.m2[k] / (1 - b2t)
				m.Theta[k] -= lr * mh / (math.Sqrt(vh) + eps)
			}
		case GD:
			for k, gk := range m.grad {
				m.Theta[k] -= lr * scale * gk
			}
		}
	}
	final = m.eval(false)
	if final < best {
		best = final
		copy(m.best, m.Theta)
	}
	return best, final, append([]float64(nil), m.best...)
}
