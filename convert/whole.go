package convert

import (
	"context"
	"fmt"
	"math/big"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// Nets with n ≥ 2 inputs on all of R^n.
//
// The region engine works on bounded domains, but the pieces of a net f over
// the whole (unbounded) input space are within reach of it through the
// perspective F(x, t) = t·f(x/t) (relu.Homogenize): F is positively
// homogeneous, its regions are polyhedral cones, and the region of f with
// pattern σ is the section at t = 1 of the cone of F with pattern σ. Every
// such cone meets the box Q = [−1, 1]^n × [0, 1] in a full-dimensional set
// (it contains λ·p ∈ Q for each of its points p and small λ > 0), so the
// certified complex of F over Q lists every region of f exactly once, with
// the affine map a·x + c of f read off F's linear map a·x + c·t.
//
// Ovchinnikov's sets S_σ = {τ : ℓ_τ ≥ ℓ_σ on the region σ} are decided on
// the cones: a linear function is ≥ 0 on a cone iff it is ≥ 0 on the cone's
// section by Q, whose exact vertices the engine gives. The max–min form
// F = max_σ min_{τ∈S_σ} L_τ then holds on Q, hence (every term being
// linear) on the half-space t ≥ 0, hence f = max_σ min_{τ∈S_σ} ℓ_τ on all
// of R^n at t = 1.
//
// Equality of two nets on R^n is proven the same way: g − f ≡ 0 on R^n iff
// the perspective of g − f vanishes on Q.

// netToLatticeWhole is netToLattice on all of R^n (see above).
func netToLatticeWhole(ctx context.Context, net *relu.Net) (*Lattice, int, error) {
	n := net.InputDim()
	F, err := relu.Homogenize(net)
	if err != nil {
		return nil, 0, err
	}
	q, err := region.PerspectiveBox(n)
	if err != nil {
		return nil, 0, err
	}
	hl, cells, err := netToLattice(ctx, F, q)
	if err != nil {
		return nil, 0, fmt.Errorf("perspective of the net: %w", err)
	}
	l := &Lattice{N: n, Sets: hl.Sets, Affine: make([]Affine, len(hl.Affine))}
	for i, a := range hl.Affine {
		if a.B.Sign() != 0 {
			return nil, 0, fmt.Errorf("convert: internal error: the perspective has an affine piece with constant %s", a.B.RatString())
		}
		l.Affine[i] = Affine{W: a.W[:n], B: a.W[n]}
	}
	return l, len(cells), nil
}

// perspectiveDiff returns the perspective of a − b and the domain Q on which
// it vanishes iff a = b on all of R^n.
func perspectiveDiff(a, b *relu.Net) (*relu.Net, region.Domain, error) {
	diff, err := netMinus(a, b)
	if err != nil {
		return nil, region.Domain{}, err
	}
	F, err := relu.Homogenize(diff)
	if err != nil {
		return nil, region.Domain{}, err
	}
	q, err := region.PerspectiveBox(a.InputDim())
	return F, q, err
}

// proveWhole proves net = ref on all of R^n through the perspective of their
// difference (see above), or refutes it with a rational witness x where
// they differ. A nil Verification means the proof was unaffordable and the
// caller falls back to point checks, for the reason given.
func proveWhole(ctx context.Context, net, ref *relu.Net) (*Verification, string, error) {
	n := ref.InputDim()
	F, q, err := perspectiveDiff(net, ref)
	if err != nil {
		return nil, "", err
	}
	budget := wholeProofWork / max(1, F.Size())
	total := budget
	st, detail, w, err := proveMaps(ctx, F, q, zeroAffine(n+1), &budget)
	if err != nil || st == proofUnaffordable {
		return nil, "proof on R^n: " + detail, err
	}
	v := &Verification{Method: "region-complex", Regions: total - budget,
		ProofDomain: "R^n (perspective of net − input on [−1,1]^n × [0,1])"}
	if st == proofRefuted {
		// A point (x, t) of the perspective with t > 0 (an interior
		// point) maps to x/t, where the two nets differ.
		if w == nil || w[n].Sign() <= 0 {
			v.Detail = "net − input (perspective): " + detail
			return v, "", nil
		}
		x := make([]*big.Rat, n)
		for j := range x {
			x[j] = new(big.Rat).Quo(w[j], w[n])
		}
		v.witness = x
		v.Detail = fmt.Sprintf("at %s the net gives %s, the input %s", fmtPoint(x),
			net.EvalRat(x)[0].RatString(), ref.EvalRat(x)[0].RatString())
		return v, "", nil
	}
	v.Equal, v.Proven = true, true
	return v, "", nil
}

// wholeProofWork bounds the proof on R^n like proofWork bounds the n-D
// prover, in regions × units of the perspective of net − input. It is
// larger because the perspective's complex, one dimension up, is exact
// only after a rational re-enumeration whenever the converted net repeats
// the input's kinks to within rounding (the usual case): 10⁶ allows a
// 350-unit difference about 2,900 regions, some ten seconds.
const wholeProofWork = 1_000_000

// netMinus returns the net computing a − b (relu.LinearCombination).
func netMinus(a, b *relu.Net) (*relu.Net, error) {
	return relu.LinearCombination([]*big.Rat{big.NewRat(1, 1), big.NewRat(-1, 1)}, a, b)
}
