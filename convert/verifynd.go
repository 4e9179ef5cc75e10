package convert

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/relucid/relucid/region"
	"github.com/relucid/relucid/relu"
)

// Exact equality proofs in any dimension through the region engine. The
// exact enumeration of package region (Options.Exact) certifies every
// region with a rational interior point, gives its affine map in rationals
// and, when Complex.CompleteCertified is set, proves that the regions tile
// the domain (their exact volumes add up to the domain's). A net g then
// equals an affine function h on a polytope P exactly when every region of
// g over P has the map h; and g equals a reference net r on P exactly when
// every region of the difference net g − r (relu.LinearCombination) has the
// zero map. On all of R^n (max forms) the difference goes through its
// perspective on a bounded box (proveWhole, whole.go), so that nothing is
// assumed about where the net's kinks are.

// proofWork bounds the work of the n-D prover in one verification,
// counted as regions enumerated times the size of the net enumerated (the
// exact certificate of a region costs about one rational pass over the
// units per facet and vertex). Measured: about 5·10⁴ region·units per
// second on one core for n = 3, so the bound keeps a proof under ~5 s;
// above it the verification falls back to exact point checks.
const proofWork = 250_000

// proofSimplexWork bounds simplices × net size before a per-simplex proof
// is attempted, so that a hopeless attempt is not started at all (each
// simplex is at least one enumeration with its fixed cost).
const proofSimplexWork = 20_000

// maxFormProofDim is the largest n for which a max form is proven on R^n.
// Measured on the max of n+1 random affine functions: n = 4 takes about
// 0.8 s (193 regions in 5-D), n = 5 about 14 s (576 regions in 6-D), and
// from n = 6 on the 7-D complex is often not certified complete.
const maxFormProofDim = 4

// proofStatus is the outcome of one n-D proof attempt.
type proofStatus int

const (
	proofUnaffordable proofStatus = iota // budget exceeded or completeness not certified
	proofHolds                           // equality proven on the whole domain
	proofRefuted                         // an exact region where the maps differ
)

// precountTimeout bounds the float count that precedes every exact proof
// by the region engine.
const precountTimeout = 5 * time.Second

// proveMaps enumerates the exact region complex of net over dom and checks
// that the map of every region equals want. budget is the number of regions
// still allowed and is decreased by the regions enumerated. A refutation
// names a rational point where the net differs from want.
func proveMaps(ctx context.Context, net *relu.Net, dom region.Domain, want Affine, budget *int) (proofStatus, string, []*big.Rat, error) {
	if *budget <= 0 {
		return proofUnaffordable, "work limit reached", nil, nil
	}
	// A float count first, in a few seconds at most: it finds a complex
	// beyond the budget in a fraction of the time the exact enumeration
	// would take to get there (wide nets make many cells on the way).
	cctx, cancel := context.WithTimeout(ctx, precountTimeout)
	_, err := region.Enumerate(cctx, net, dom, region.Options{
		NoAutoExact: true, MaxRegions: *budget + 1, Vertices: region.VerticesNever})
	cancel()
	switch {
	case errors.Is(err, region.ErrMaxRegions):
		return proofUnaffordable, fmt.Sprintf("work limit reached: more than %d regions (float count)", *budget), nil, nil
	case ctx.Err() != nil:
		return 0, "", nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return proofUnaffordable, fmt.Sprintf("a float count of the regions took longer than %v", precountTimeout), nil, nil
	}
	cx, err := region.Enumerate(ctx, net, dom, region.Options{
		Exact: true, MaxRegions: *budget + 1, Workers: 1, Vertices: region.VerticesNever})
	if err != nil {
		if ctx.Err() != nil {
			return 0, "", nil, ctx.Err()
		}
		// The point checks still apply; say why the proof was dropped.
		return proofUnaffordable, "region engine: " + err.Error(), nil, nil
	}
	*budget -= len(cx.Regions)
	if !cx.Exact {
		return proofUnaffordable, "the region engine could not certify the complex exactly", nil, nil
	}
	for ri := range cx.Regions {
		r := &cx.Regions[ri]
		if len(r.MapsRat) == 0 || r.InteriorRat == nil {
			return proofUnaffordable, "a region without exact map or interior point", nil, nil
		}
		if m := r.MapsRat[0]; !sameAffine(m, want) {
			var w []*big.Rat
			if (Affine{W: m.Grad, B: m.Const}).Eval(r.InteriorRat).Cmp(want.Eval(r.InteriorRat)) != 0 {
				w = r.InteriorRat
			}
			return proofRefuted, refutation(r.InteriorRat, m, want), w, nil
		}
	}
	if cx.Partial {
		return proofUnaffordable, "work limit reached", nil, nil
	}
	if !cx.CompleteCertified {
		return proofUnaffordable, "completeness of the region complex not certified", nil, nil
	}
	return proofHolds, "", nil, nil
}

// refutation describes a region whose exact map m differs from want, at a
// its certified interior point x (where the values differ unless x happens
// to lie on the hyperplane where the two maps agree).
func refutation(x []*big.Rat, m region.AffineRat, want Affine) string {
	got := Affine{W: m.Grad, B: m.Const}
	if got.Eval(x).Cmp(want.Eval(x)) != 0 {
		return fmt.Sprintf("on the region with interior point %s the net is %s, the input %s (net map %s, input map %s)",
			fmtPoint(x), got.Eval(x).RatString(), want.Eval(x).RatString(), fmtAffine(got), fmtAffine(want))
	}
	return fmt.Sprintf("on the region with interior point %s the net's map %s differs from the input's %s",
		fmtPoint(x), fmtAffine(got), fmtAffine(want))
}

func sameAffine(m region.AffineRat, a Affine) bool {
	if len(m.Grad) != len(a.W) || m.Const.Cmp(a.B) != 0 {
		return false
	}
	for j := range a.W {
		if m.Grad[j].Cmp(a.W[j]) != 0 {
			return false
		}
	}
	return true
}

func fmtAffine(a Affine) string {
	s := ""
	for j, w := range a.W {
		if j > 0 {
			s += " + "
		}
		s += fmt.Sprintf("%s·x%d", w.RatString(), j)
	}
	return s + " + " + a.B.RatString()
}

// simplexDomain returns the n-simplex with the given corners as an
// H-polytope: λ_i(x) ≥ 0 for the barycentric coordinates λ_1..λ_n relative
// to corner 0, and λ_1 + … + λ_n ≤ 1.
func simplexDomain(corners [][]*big.Rat) (region.Domain, error) {
	n := len(corners) - 1
	// Rows of M⁻¹ with M = [v_1−v_0 … v_n−v_0]: r_i·(v_j − v_0) = δ_ij.
	e := make([][]*big.Rat, n)
	for j := range e {
		e[j] = make([]*big.Rat, n)
		for k := range e[j] {
			e[j][k] = new(big.Rat).Sub(corners[j+1][k], corners[0][k])
		}
	}
	var A [][]*big.Rat
	var b []*big.Rat
	sum := make([]*big.Rat, n)
	for k := range sum {
		sum[k] = new(big.Rat)
	}
	for i := 0; i < n; i++ {
		rhs := make([]*big.Rat, n)
		for j := range rhs {
			rhs[j] = new(big.Rat)
		}
		rhs[i].SetInt64(1)
		r, ok := solve(e, rhs)
		if !ok {
			return region.Domain{}, errors.New("degenerate simplex")
		}
		// λ_i = r·(x − v_0) ≥ 0  ⇔  −r·x ≤ −r·v_0.
		row := make([]*big.Rat, n)
		c := new(big.Rat)
		for k := range row {
			row[k] = new(big.Rat).Neg(r[k])
			c.Add(c, new(big.Rat).Mul(row[k], corners[0][k]))
			sum[k].Add(sum[k], r[k])
		}
		A = append(A, row)
		b = append(b, c)
	}
	// Σλ_i = s·(x − v_0) ≤ 1.
	c := big.NewRat(1, 1)
	for k := range sum {
		c.Add(c, new(big.Rat).Mul(sum[k], corners[0][k]))
	}
	A = append(A, sum)
	b = append(b, c)
	return region.PolytopeRat(A, b)
}

// referenceNet returns a net computing the input form directly (a max tree
// per term of a signed sum of maxima, or the max–min net of a lattice form),
// built without the Wang–Sun reduction; for a net input it is the net.
func referenceNet(in *Input) (*relu.Net, error) {
	switch in.Kind {
	case KindMaxSum:
		return NetFromMaxSum(in.MaxSum, relu.Gadget4)
	case KindLattice:
		return NetFromLattice(in.Lattice, relu.Gadget4)
	case KindNet:
		return in.Net, nil
	}
	return nil, fmt.Errorf("no reference net for input %s", in.Kind)
}

// proveND tries to prove net equal to the input for n ≥ 3 (see
// Verification): on each simplex of a triangulation, on the given domain of
// a net input, and on all of R^n for a max form. It returns a nil
// Verification and the reason when no proof was attempted or it was
// unaffordable, so that the caller falls back to point checks. The
// Wang–Sun form is not needed: the net is compared with the input itself.
func proveND(ctx context.Context, in *Input, cells []cellPoly, _ *MaxSum, net *relu.Net) (*Verification, string, error) {
	if in.Kind == KindTriangulation {
		if w := len(cells) * net.Size(); w > proofSimplexWork {
			return nil, fmt.Sprintf("simplices × net size = %d above the proof limit %d", w, proofSimplexWork), nil
		}
		budget := proofWork / max(1, net.Size())
		v := &Verification{Method: "region-complex", Equal: true, Proven: true,
			ProofDomain: "each simplex"}
		for _, c := range cells {
			dom, err := simplexDomain(c.vertices)
			if err != nil {
				return nil, "", err
			}
			before := budget
			st, detail, w, err := proveMaps(ctx, net, dom, c.piece, &budget)
			if err != nil {
				return nil, "", err
			}
			v.Regions += before - budget
			switch st {
			case proofUnaffordable:
				return nil, detail, nil
			case proofRefuted:
				v.Equal, v.Proven, v.Detail, v.witness = false, false, detail, w
				return v, "", nil
			}
			v.CellsProven++
		}
		return v, "", nil
	}
	ref, err := referenceNet(in)
	if err != nil {
		return nil, "", err
	}
	if in.Domain == nil {
		// A max form on all of R^n: the perspective of net − reference is
		// enumerated on [−1, 1]^n × [0, 1] (whole.go). A box meeting every
		// cell of the forms' kink arrangement would not do: that argument
		// assumes the net affine on those cells, i.e. correctly built.
		if in.Dim() > maxFormProofDim {
			return nil, fmt.Sprintf("no proof on R^n for n > %d (the exact complex of the perspective, in n+1 dimensions, is too costly)", maxFormProofDim), nil
		}
		return proveWhole(ctx, net, ref)
	}
	diff, err := netMinus(net, ref)
	if err != nil {
		return nil, "", err
	}
	budget := proofWork / max(1, diff.Size())
	total := budget
	v := &Verification{Method: "region-complex", ProofDomain: "the given domain"}
	st, detail, w, err := proveMaps(ctx, diff, *in.Domain, zeroAffine(in.Dim()), &budget)
	if err != nil {
		return nil, "", err
	}
	v.Regions = total - budget
	switch st {
	case proofUnaffordable:
		return nil, detail, nil
	case proofRefuted:
		v.Detail, v.witness = "net − input: "+detail, w
		return v, "", nil
	}
	v.Equal, v.Proven = true, true
	return v, "", nil
}
