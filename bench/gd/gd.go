package gd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/relucid/relucid/erm"
	"github.com/relucid/relucid/relu"
)

// Loss is a loss ℓ(f, y), convex in the prediction f. It is erm's loss type,
// so the baseline minimises exactly the empirical risk the exact solver
// certifies; its value is Loss.Eval and its derivative is deriv.
type Loss = erm.Loss

// The losses of `relucid train`.
const (
	Squared  = erm.Squared  // (f − y)²
	Absolute = erm.Absolute // |f − y|
	Hinge    = erm.Hinge    // max{0, 1 − y·f}, y ∈ {−1, +1}
	Logistic = erm.Logistic // log(1 + exp(−y·f)), y ∈ {−1, +1}
)

// ParseLoss returns the loss with the given command-line name, parsed as
// `relucid train` parses it (erm.ParseLoss).
func ParseLoss(s string) (Loss, error) { return erm.ParseLoss(s) }

// deriv returns ∂ℓ/∂f at (f, y) for the loss l; at a kink it returns 0
// (PyTorch's choice for |·| and max).
func deriv(l Loss, f, y float64) float64 {
	switch l {
	case Squared:
		return 2 * (f - y)
	case Absolute:
		switch {
		case f > y:
			return 1
		case f < y:
			return -1
		}
		return 0
	case Hinge:
		if y*f < 1 {
			return -y
		}
		return 0
	case Logistic:
		// d/df log(1+e^{−yf}) = −y·sigmoid(−yf).
		return -y * sigmoid(-y*f)
	}
	panic("gd: unknown loss")
}

func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t)
	return e / (1 + e)
}

// Problem is an empirical-risk problem: data X[j] ∈ R^n with targets Y[j],
// a hidden width, a loss and whether the net has an output bias.
type Problem struct {
	X          [][]float64
	Y          []float64
	Width      int
	Loss       Loss
	OutputBias bool
}

func (p *Problem) validate() error {
	if len(p.X) == 0 {
		return errors.New("gd: no data points")
	}
	if len(p.Y) != len(p.X) {
		return fmt.Errorf("gd: %d inputs but %d targets", len(p.X), len(p.Y))
	}
	if p.Width < 1 {
		return fmt.Errorf("gd: width %d, need at least 1", p.Width)
	}
	if p.Loss < Squared || p.Loss > Logistic {
		return fmt.Errorf("gd: unknown loss %d", int(p.Loss))
	}
	n := len(p.X[0])
	if n < 1 {
		return errors.New("gd: inputs have no coordinates")
	}
	for j, x := range p.X {
		if len(x) != n {
			return fmt.Errorf("gd: point %d has %d coordinates, point 0 has %d", j, len(x), n)
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("gd: point %d is not finite", j)
			}
		}
		if y := p.Y[j]; math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("gd: target %d is not finite", j)
		}
		if (p.Loss == Hinge || p.Loss == Logistic) && p.Y[j] != 1 && p.Y[j] != -1 {
			return fmt.Errorf("gd: %v loss needs labels ±1, target %d is %v", p.Loss, j, p.Y[j])
		}
	}
	return nil
}

// Method is the optimiser.
type Method int

const (
	Adam Method = iota // full-batch Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8)
	GD                 // full-batch gradient descent on the mean loss
)

// Options configures Fit. Zero fields take the defaults shown.
type Options struct {
	Restarts int     // number of random starts R (default 20)
	Iters    int     // iterations per restart (default 3000)
	Method   Method  // Adam (default) or GD
	LR       float64 // peak step size (default 0.01 for Adam, 0.05 for GD)
	// MinLR is the final step size as a fraction of LR; the step decays from
	// LR to MinLR·LR along a cosine (default 0.01). Negative means constant.
	MinLR   float64
	Seed    uint64 // restart r starts from PCG stream (Seed, r)
	Workers int    // parallel restarts (default GOMAXPROCS)
}

func (o Options) withDefaults() Options {
	if o.Restarts <= 0 {
		o.Restarts = 20
	}
	if o.Iters <= 0 {
		o.Iters = 3000
	}
	if o.LR <= 0 {
		o.LR = 0.01
		if o.Method == GD {
			o.LR = 0.05
		}
	}
	switch {
	case o.MinLR == 0:
		o.MinLR = 0.01
	case o.MinLR < 0:
		o.MinLR = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Result is the outcome of Fit.
type Result struct {
	Net        *relu.Net // best net over all restarts
	Objective  float64   // its objective Σ_j ℓ(f(x_j), y_j)
	Objectives []float64 // best objective seen by each restart, in restart order
	Finals     []float64 // objective at each restart's last iterate
}

// Fit runs the restarts and returns the best net. If ctx is cancelled it
// returns ctx's error.
func Fit(ctx context.Context, p *Problem, opts Options) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	res := &Result{Objectives: make([]float64, o.Restarts), Finals: make([]float64, o.Restarts)}
	params := make([][]float64, o.Restarts)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Workers, o.Restarts) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := NewModel(p)
			for r := range next {
				best, final, theta := m.run(ctx, o, r)
				res.Objectives[r], res.Finals[r], params[r] = best, final, theta
			}
		}()
	}
	for r := range o.Restarts {
		if ctx.Err() != nil {
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bi := 0
	for r, v := range res.Objectives {
		if v < res.Objectives[bi] {
			bi = r
		}
	}
	m := NewModel(p)
	copy(m.Theta, params[bi])
	res.Net = m.Net()
	res.Objective = res.Objectives[bi]
	return res, nil
}
