// Package gd is the gradient-descent baseline for exact one-hidden-layer
// training: it minimises the same empirical risk as package erm,
//
//	L(A, b, a, c) = Σ_{j=1}^{D} ℓ( Σ_{i=1}^{w} a_i σ(a^i·x_j + b_i) + c,  y_j ),
//
// (c ≡ 0 unless the problem has an output bias) by full-batch Adam or plain
// gradient descent from R random starting points, and reports the objective
// of every restart. The loss is the sum over data points, as printed by
// `relucid train`, so the two objectives are directly comparable: no
// restart can end below the certified optimum, and the fraction that ends
// above it measures how often local search stalls.
//
// Starting points follow PyTorch's default nn.Linear initialisation (every
// weight and bias of a layer with fan-in k uniform on [−1/√k, 1/√k]), the
// setting in which practitioners meet these nets. Gradients are exact
// derivatives of L where it is differentiable; at kinks the code takes the
// one-sided choice PyTorch makes: σ'(0) = 0, and for the absolute and hinge
// loss the derivative 0 at the kink.
//
// Each restart reports the smallest objective seen along its trajectory (the
// objective is computed at every iterate anyway), so a baseline that would
// stop early at its best point is not handicapped. Restarts run in parallel;
// restart r draws its start from its own PCG stream (seed, r), so results do
// not depend on the number of workers.
package gd
