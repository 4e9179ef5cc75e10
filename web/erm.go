package web

import (
	"context"
	"math"
	"time"

	"github.com/relucid/relucid/erm"
)

// trainProgressEvery is how often the exact trainer reports to the page;
// the page shows a few updates a second.
const trainProgressEvery = 200 * time.Millisecond

// trainERM is the built-in training engine: Algorithm 1 of package erm,
// which returns a global optimum with a certificate.
func trainERM(ctx context.Context, req TrainRequest, progress func(TrainProgress)) (*TrainResult, error) {
	loss, err := erm.ParseLoss(req.Loss)
	if err != nil {
		return nil, err
	}
	p := erm.Problem{X: req.X, Y: req.Y, Width: req.Width, Loss: loss, OutputBias: req.OutputBias}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	res, err := erm.Train(ctx, p, erm.Options{
		ProgressEvery: trainProgressEvery,
		Progress: func(pr erm.Progress) {
			tp := TrainProgress{Done: int64(pr.Done), Total: int64(pr.Total)}
			if !math.IsInf(pr.Best, 0) && !math.IsNaN(pr.Best) {
				b := pr.Best
				tp.Best = &b
			}
			progress(tp)
		},
	})
	if err != nil {
		return nil, err
	}
	c := res.Certificate
	return &TrainResult{Objective: res.Objective, Net: res.Net, Extra: map[string]any{
		"certified":   c.Certified,
		"lower_bound": finiteOrNil(c.LowerBound),
		"solved":      c.Solved,
	}}, nil
}

func finiteOrNil(v float64) any {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return v
}
