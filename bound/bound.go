package bound

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// RelTol is the relative error allowed before rounding a float bound to the
// integer it implies: math.Pow is accurate to about 1 ulp and each formula
// uses at most a handful of roundings, so 1e-12 (≈ 4500 ulps) is far above
// the accumulated error and far below any gap between distinct integers in
// the ranges these bounds are used for.
const RelTol = 1e-12

// Result is one evaluated bound.
type Result struct {
	Name    string   `json:"name"`              // e.g. "Theorem 3.1"
	Claim   string   `json:"claim"`             // what the number means
	Formula string   `json:"formula"`           // symbolic formula
	Value   float64  `json:"value"`             // numeric value (may be ±Inf if huge)
	Exact   string   `json:"exact,omitempty"`   // exact integer when the quantity is an integer
	Integer string   `json:"integer,omitempty"` // integer consequence, e.g. least size ≥ Value
	Steps   []string `json:"steps"`             // the substitution, step by step
	Note    string   `json:"note,omitempty"`
}

// String renders r for a terminal.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n  formula: %s\n", r.Name, r.Claim, r.Formula)
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "  = %s\n", s)
	}
	if r.Exact != "" {
		fmt.Fprintf(&b, "  value: %s\n", r.Exact)
	} else {
		fmt.Fprintf(&b, "  value: %s\n", fmtF(r.Value))
	}
	if r.Integer != "" {
		fmt.Fprintf(&b, "  integer consequence: %s\n", r.Integer)
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "  note: %s\n", r.Note)
	}
	return b.String()
}

func fmtF(v float64) string { return FormatFloat(v) }

// FormatFloat prints v with up to 8 significant digits, without exponent
// when reasonable.
func FormatFloat(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Sprint(v)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.8g", v)
}

// ceilTol returns the least integer ≥ v − RelTol·|v|.
func ceilTol(v float64) float64 { return math.Ceil(v - RelTol*math.Abs(v)) }

// floorTol returns the greatest integer ≤ v + RelTol·|v|.
func floorTol(v float64) float64 { return math.Floor(v + RelTol*math.Abs(v)) }

func bigFloat(x *big.Int) float64 { f, _ := new(big.Float).SetInt(x).Float64(); return f }

func need(cond bool, format string, a ...any) error {
	if !cond {
		return fmt.Errorf(format, a...)
	}
	return nil
}

// LemmaD5 is the piece bound of an R→R net with hidden widths w_1..w_k:
// 2^{k−1}(w_1+1)w_2⋯w_k (exact).
func LemmaD5(widths []int) (Result, error) {
	if len(widths) == 0 {
		return Result{}, fmt.Errorf("need at least one hidden layer width")
	}
	for i, w := range widths {
		if w < 1 {
			return Result{}, fmt.Errorf("width %d is %d: widths must be ≥ 1", i+1, w)
		}
	}
	k := len(widths)
	p := new(big.Int).Lsh(big.NewInt(1), uint(k-1))
	p.Mul(p, big.NewInt(int64(widths[0]+1)))
	terms := []string{fmt.Sprintf("2^%d", k-1), fmt.Sprintf("(%d+1)", widths[0])}
	for _, w := range widths[1:] {
		p.Mul(p, big.NewInt(int64(w)))
		terms = append(terms, fmt.Sprint(w))
	}
	return Result{
		Name:    "Lemma D.5",
		Claim:   fmt.Sprintf("an R→R net with hidden widths %v has at most this many pieces", widths),
		Formula: "2^{k−1}·(w_1+1)·w_2⋯w_k",
		Steps:   []string{strings.Join(terms, "·")},
		Value:   bigFloat(p), Exact: p.String(),
	}, nil
}

// LemmaD6Size is the size lower bound for p pieces at depth k+1:
// ½·k·p^{1/k} − 1.
func LemmaD6Size(p int64, k int) (Result, error) {
	if err := need(p >= 1 && k >= 1, "need pieces p ≥ 1 and k ≥ 1 hidden layers (got p = %d, k = %d)", p, k); err != nil {
		return Result{}, err
	}
	root := math.Pow(float64(p), 1/float64(k))
	v := 0.5*float64(k)*root - 1
	least := math.Max(ceilTol(v), float64(k)) // every hidden layer has ≥ 1 unit
	return Result{
		Name:    "Lemma D.6",
		Claim:   fmt.Sprintf("any depth-%d net (k = %d hidden layers) computing an R→R function with %d pieces has size at least", k+1, k, p),
		Formula: "½·k·p^{1/k} − 1",
		Steps:   []string{fmt.Sprintf("½·%d·%d^{1/%d} − 1", k, p, k), fmt.Sprintf("½·%d·%s − 1", k, fmtF(root))},
		Value:   v,
		Integer: fmt.Sprintf("size ≥ %s (at least one unit per hidden layer)", fmtF(least)),
	}, nil
}

// LemmaD6Pieces is the converse: a depth-(k+1) net of size ≤ s has at most
// (2s/k)^k pieces.
func LemmaD6Pieces(s int64, k int) (Result, error) {
	if err := need(s >= 1 && k >= 1, "need size s ≥ 1 and k ≥ 1 hidden layers (got s = %d, k = %d)", s, k); err != nil {
		return Result{}, err
	}
	v := math.Pow(2*float64(s)/float64(k), float64(k))
	return Result{
		Name:    "Lemma D.6 (converse)",
		Claim:   fmt.Sprintf("a depth-%d net of size ≤ %d computes an R→R function with at most this many pieces", k+1, s),
		Formula: "(2s/k)^k",
		Steps:   []string{fmt.Sprintf("(2·%d/%d)^%d", s, k, k)},
		Value:   v,
		Integer: fmt.Sprintf("pieces ≤ %s", fmtF(floorTol(v))),
	}, nil
}

// Theorem31 is the depth-separation size bound ½·k′·w^{k/k′} − 1 for
// k′ ≤ k.
func Theorem31(k, w, kp int) (Result, error) {
	if err := checkKWKp(k, w, kp); err != nil {
		return Result{}, err
	}
	pw := math.Pow(float64(w), float64(k)/float64(kp))
	v := 0.5*float64(kp)*pw - 1
	return Result{
		Name:    "Theorem 3.1",
		Claim:   fmt.Sprintf("the hard functions of depth %d, width %d (size %d) need, at depth %d, size at least", k+1, w, w*k, kp+1),
		Formula: "½·k′·w^{k/k′} − 1",
		Steps:   []string{fmt.Sprintf("½·%d·%d^{%d/%d} − 1", kp, w, k, kp), fmt.Sprintf("½·%d·%s − 1", kp, fmtF(pw))},
		Value:   v,
		Integer: fmt.Sprintf("size ≥ %s", fmtF(math.Max(ceilTol(v), float64(kp)))),
		Note:    fmt.Sprintf("from w^k = %s pieces on [0, M] (Theorem 3.2) and Lemma D.6", fmtF(math.Pow(float64(w), float64(k)))),
	}, nil
}

func checkKWKp(k, w, kp int) error {
	if k < 1 {
		return fmt.Errorf("k = %d: need k ≥ 1", k)
	}
	if w < 2 {
		return fmt.Errorf("w = %d: need w ≥ 2", w)
	}
	if kp < 1 || kp > k {
		return fmt.Errorf("k′ = %d: need 1 ≤ k′ ≤ k = %d", kp, k)
	}
	return nil
}

// Corollary33 evaluates Corollary 3.3 for k ≥ 2, ε > 0: depth
// ⌈k^{1+ε}⌉ + 1, size k·⌈k^{1+ε}⌉ (= k^{2+ε} when k^{1+ε} is an integer,
// spec A15), and the lower bound ½·k^{k^ε+1} − 1 at depth k+1.
func Corollary33(k int, eps float64) (Result, error) {
	if k < 2 || !(eps > 0) || math.IsInf(eps, 0) {
		return Result{}, fmt.Errorf("need k ≥ 2 and ε > 0 (got k = %d, ε = %v)", k, eps)
	}
	layersF := math.Pow(float64(k), 1+eps)
	layers := ceilTol(layersF)
	v := 0.5*math.Pow(float64(k), math.Pow(float64(k), eps)+1) - 1
	note := ""
	if layers != math.Round(layersF) || math.Abs(layersF-math.Round(layersF)) > RelTol*layersF {
		note = fmt.Sprintf("k^{1+ε} = %s is not an integer: the depth is rounded up (spec A15)", fmtF(layersF))
	}
	return Result{
		Name: "Corollary 3.3",
		Claim: fmt.Sprintf("a family computed at depth %s with size %s (%s hidden layers of width %d) needs, at depth %d, size at least",
			fmtF(layers+1), fmtF(layers*float64(k)), fmtF(layers), k, k+1),
		Formula: "½·k^{k^ε + 1} − 1",
		Steps:   []string{fmt.Sprintf("½·%d^{%d^%v + 1} − 1", k, k, eps)},
		Value:   v,
		Integer: fmt.Sprintf("size ≥ %s", fmtF(ceilTol(v))),
		Note:    note,
	}, nil
}

// Corollary34 is Corollary 3.3 with ε = 1: depth k²+1, size k³ against
// ≥ ½·k^{k+1} − 1 at depth k+1 (exact rational value).
func Corollary34(k int) (Result, error) {
	if k < 2 {
		return Result{}, fmt.Errorf("k = %d: need k ≥ 2", k)
	}
	p := new(big.Int).Exp(big.NewInt(int64(k)), big.NewInt(int64(k+1)), nil)
	exact := new(big.Rat).SetFrac(p, big.NewInt(2))
	exact.Sub(exact, big.NewRat(1, 1))
	v, _ := exact.Float64()
	least := new(big.Int).Add(p, big.NewInt(1))
	least.Rsh(least, 1) // ⌈p/2⌉
	least.Sub(least, big.NewInt(1))
	return Result{
		Name:    "Corollary 3.4",
		Claim:   fmt.Sprintf("a family computed at depth %d with size %d needs, at depth %d, size at least", k*k+1, k*k*k, k+1),
		Formula: "½·k^{k+1} − 1",
		Steps:   []string{fmt.Sprintf("½·%d^%d − 1", k, k+1), fmt.Sprintf("½·%s − 1", p)},
		Value:   v, Exact: exact.RatString(),
		Integer: fmt.Sprintf("size ≥ %s", least),
	}, nil
}

// Theorem35 is the size threshold of Theorem 3.5: every net of depth ≤ k′+1
// and size ≤ k′·w^{k/k′}·(1−4δ)^{1/k′}/2^{1+1/k′} has L1 distance > δ from
// f_{k,w} on [0, 1]. The statement is vacuous for δ ≥ ¼ (spec A16).
func Theorem35(k, w, kp int, delta float64) (Result, error) {
	if err := checkKWKp(k, w, kp); err != nil {
		return Result{}, err
	}
	if !(delta > 0) {
		return Result{}, fmt.Errorf("δ = %v: need δ > 0", delta)
	}
	if delta >= 0.25 {
		return Result{
			Name: "Theorem 3.5", Claim: "size threshold below which every net is δ-far from f_{k,w} in L1([0,1])",
			Formula: "k′·w^{k/k′}·(1−4δ)^{1/k′}/2^{1+1/k′}", Value: 0,
			Steps: []string{fmt.Sprintf("1 − 4δ = %s ≤ 0", fmtF(1-4*delta))},
			Note:  "vacuous for δ ≥ ¼ (spec A16): no size guarantees an error above δ",
		}, nil
	}
	kpf := float64(kp)
	pw := math.Pow(float64(w), float64(k)/kpf)
	fac := math.Pow(1-4*delta, 1/kpf)
	den := math.Pow(2, 1+1/kpf)
	v := kpf * pw * fac / den
	return Result{
		Name:    "Theorem 3.5",
		Claim:   fmt.Sprintf("every net of depth ≤ %d and size ≤ this threshold has ∫₀¹|f_{%d,%d} − g| > %v", kp+1, k, w, delta),
		Formula: "k′·w^{k/k′}·(1−4δ)^{1/k′}/2^{1+1/k′}",
		Steps: []string{fmt.Sprintf("%d·%d^{%d/%d}·(1−4·%v)^{1/%d}/2^{1+1/%d}", kp, w, k, kp, delta, kp, kp),
			fmt.Sprintf("%d·%s·%s/%s", kp, fmtF(pw), fmtF(fac), fmtF(den))},
		Value:   v,
		Integer: fmt.Sprintf("every net with at most %s units is δ-far", fmtF(floorTol(v))),
	}, nil
}

// ZonotopePieces is Theorem 3.9(i): 2·Σ_{i<n}C(m−1,i)·w^k pieces, depth k+2,
// size 2m + wk (factor 2 per spec A2).
func ZonotopePieces(n, k, w, m int) (Result, *big.Int, error) {
	if n < 1 || k < 1 || w < 2 || m < 1 {
		return Result{}, nil, fmt.Errorf("need n ≥ 1, k ≥ 1, w ≥ 2, m ≥ 1 (got n = %d, k = %d, w = %d, m = %d)", n, k, w, m)
	}
	v := new(big.Int)
	var terms []string
	for i := 0; i < n; i++ {
		v.Add(v, binom(m-1, i))
		terms = append(terms, fmt.Sprintf("C(%d,%d)", m-1, i))
	}
	vert := new(big.Int).Lsh(v, 1)
	p := new(big.Int).Mul(vert, new(big.Int).Exp(big.NewInt(int64(w)), big.NewInt(int64(k)), nil))
	return Result{
		Name:    "Theorem 3.9(i)",
		Claim:   fmt.Sprintf("ZONOTOPE^%d_{%d,%d,%d} (depth %d, size %d) has this many pieces", n, k, w, m, k+2, 2*m+w*k),
		Formula: "2·Σ_{i=0}^{n−1} C(m−1, i)·w^k",
		Steps:   []string{fmt.Sprintf("2·(%s)·%d^%d", strings.Join(terms, "+"), w, k), fmt.Sprintf("%s·%d^%d", vert, w, k)},
		Value:   bigFloat(p), Exact: p.String(),
		Note: "2Σ C(m−1,i) is the vertex count of a zonotope in general position (factor 2: spec A2); add 1 for the exterior piece when w is even and k ≥ 2 (A3)",
	}, p, nil
}

// ZonotopeLowerBounds returns the provably valid size lower bounds for a
// depth-(k′+1) net computing a ZONOTOPE^n_{k,w,m} member (spec §2.3, in
// place of the unrecovered formula of Theorem 3.9(ii), A5):
//
//   - line restriction: ½·k′·(2w^k)^{1/k′} − 1 (a generic line through 0
//     meets ≥ 2w^k pieces; Lemma D.6),
//   - region count: k′·(P^{1/(k′n)} − 1) with P the piece count of (i)
//     (≤ Π(w_i+1)^n regions; AM–GM).
func ZonotopeLowerBounds(n, k, w, m, kp int) ([]Result, error) {
	if err := checkKWKp(k, w, kp); err != nil {
		return nil, err
	}
	_, p, err := ZonotopePieces(n, k, w, m)
	if err != nil {
		return nil, err
	}
	kpf := float64(kp)
	line := 0.5*kpf*math.Pow(2*math.Pow(float64(w), float64(k)), 1/kpf) - 1
	pf := bigFloat(p)
	reg := kpf * (math.Pow(pf, 1/(kpf*float64(n))) - 1)
	return []Result{{
		Name:    "Theorem 3.9(ii), line restriction [valid, derived]",
		Claim:   fmt.Sprintf("any depth-%d net computing a ZONOTOPE^%d_{%d,%d,%d} member has size at least", kp+1, n, k, w, m),
		Formula: "½·k′·(2w^k)^{1/k′} − 1",
		Steps:   []string{fmt.Sprintf("½·%d·(2·%d^%d)^{1/%d} − 1", kp, w, k, kp)},
		Value:   line, Integer: fmt.Sprintf("size ≥ %s", fmtF(math.Max(ceilTol(line), kpf))),
		Note: "restricting to a generic line through 0 gives t ↦ H(|t|γ_Z(r₀)) with ≥ 2w^k pieces; Lemma D.6",
	}, {
		Name:    "Theorem 3.9(ii), region count [valid, derived]",
		Claim:   fmt.Sprintf("any depth-%d net computing a ZONOTOPE^%d_{%d,%d,%d} member has size at least", kp+1, n, k, w, m),
		Formula: "k′·(P^{1/(k′n)} − 1), P = 2Σ_{i<n}C(m−1,i)·w^k",
		Steps:   []string{fmt.Sprintf("%d·(%s^{1/(%d·%d)} − 1)", kp, p, kp, n)},
		Value:   reg, Integer: fmt.Sprintf("size ≥ %s", fmtF(math.Max(ceilTol(reg), kpf))),
		Note: "widths w_i give ≤ Π(w_i+1)^n regions ≥ P, then AM–GM; the paper's own formula for (ii) was not recovered (spec A5)",
	}}, nil
}

// Montufar is the piece count of Montúfar et al. (2014, Thm 4) for depth
// k+1, width w ≥ n, input dimension n: ⌊w/n⌋^{(k−1)n}·Σ_{j=0}^n C(w, j).
func Montufar(n, k, w int) (Result, *big.Int, error) {
	if n < 1 || k < 1 || w < 1 {
		return Result{}, nil, fmt.Errorf("need n, k, w ≥ 1")
	}
	if w < n {
		return Result{}, nil, fmt.Errorf("Montúfar et al.'s construction needs every width w ≥ n (got w = %d < n = %d)", w, n)
	}
	s := new(big.Int)
	for j := 0; j <= n; j++ {
		s.Add(s, binom(w, j))
	}
	f := new(big.Int).Exp(big.NewInt(int64(w/n)), big.NewInt(int64((k-1)*n)), nil)
	p := new(big.Int).Mul(f, s)
	return Result{
		Name:    "Montúfar et al. 2014",
		Claim:   fmt.Sprintf("a depth-%d, width-%d net on R^%d can have this many pieces", k+1, w, n),
		Formula: "⌊w/n⌋^{(k−1)n}·Σ_{j=0}^{n} C(w, j)",
		Steps:   []string{fmt.Sprintf("%d^%d·%s", w/n, (k-1)*n, s)},
		Value:   bigFloat(p), Exact: p.String(),
	}, p, nil
}

// Serra is the upper bound of Serra, Tjandraatmadja and Ramalingam (ICML
// 2018, Theorem 1) on the linear regions of a net with input dimension n and
// hidden widths n_1..n_L:
//
//	Σ_{(j_1..j_L) ∈ J} Π_l C(n_l, j_l),
//	J = { 0 ≤ j_l ≤ min(n, n_1 − j_1, …, n_{l−1} − j_{l−1}, n_l) },
//
// evaluated exactly by dynamic programming over the running minimum. The
// statement is restated from memory of Serra et al.'s Theorem 1 (its text
// was not available to check); it agrees with w_1 + 1 for one layer on R and
// never exceeds the per-layer product below, which the tests verify. The
// simpler product Π_l Σ_{j ≤ d_l} C(n_l, j), d_l = min(n, n_1, …, n_l)
// (Montúfar 2017), is returned in the note.
func Serra(n int, widths []int) (Result, *big.Int, error) {
	if n < 1 || len(widths) == 0 {
		return Result{}, nil, fmt.Errorf("need input dimension n ≥ 1 and at least one width")
	}
	for i, w := range widths {
		if w < 1 {
			return Result{}, nil, fmt.Errorf("width %d is %d: widths must be ≥ 1", i+1, w)
		}
	}
	// state: d = current cap min(n, n_1−j_1, …); count of weighted paths.
	cur := map[int]*big.Int{n: big.NewInt(1)}
	for _, w := range widths {
		next := map[int]*big.Int{}
		for d, c := range cur {
			for j := 0; j <= min(d, w); j++ {
				nd := min(d, w-j)
				t := new(big.Int).Mul(c, binom(w, j))
				if next[nd] == nil {
					next[nd] = new(big.Int)
				}
				next[nd].Add(next[nd], t)
			}
		}
		cur = next
	}
	total := new(big.Int)
	for _, c := range cur {
		total.Add(total, c)
	}
	prod := big.NewInt(1)
	d := n
	for _, w := range widths {
		d = min(d, w)
		s := new(big.Int)
		for j := 0; j <= d; j++ {
			s.Add(s, binom(w, j))
		}
		prod.Mul(prod, s)
	}
	return Result{
		Name:    "Serra et al. 2018, Theorem 1",
		Claim:   fmt.Sprintf("a net on R^%d with hidden widths %v has at most this many linear regions", n, widths),
		Formula: "Σ_{J} Π_l C(n_l, j_l), 0 ≤ j_l ≤ min(n, n_1−j_1, …, n_{l−1}−j_{l−1}, n_l)",
		Value:   bigFloat(total), Exact: total.String(),
		Steps: []string{"summed exactly over J by dynamic programming"},
		Note:  fmt.Sprintf("the per-layer product Π_l Σ_{j≤min(n,n_1..n_l)} C(n_l, j) (Montúfar 2017) gives %s", prod),
	}, total, nil
}

// Cover is the number of dichotomies of D points in general position in R^n
// by affine hyperplanes: 2·Σ_{i=0}^{n} C(D−1, i) (Cover 1965).
func Cover(d, n int) (Result, *big.Int, error) {
	if d < 1 || n < 1 {
		return Result{}, nil, fmt.Errorf("need D ≥ 1 points and dimension n ≥ 1")
	}
	s := new(big.Int)
	var terms []string
	for i := 0; i <= n; i++ {
		s.Add(s, binom(d-1, i))
		terms = append(terms, fmt.Sprintf("C(%d,%d)", d-1, i))
	}
	s.Lsh(s, 1)
	return Result{
		Name:    "Cover 1965",
		Claim:   fmt.Sprintf("%d points in general position in R^%d have this many affine dichotomies", d, n),
		Formula: "2·Σ_{i=0}^{n} C(D−1, i)",
		Steps:   []string{fmt.Sprintf("2·(%s)", strings.Join(terms, "+"))},
		Value:   bigFloat(s), Exact: s.String(),
	}, s, nil
}

func binom(n, k int) *big.Int {
	if k < 0 || n < 0 || k > n {
		return new(big.Int)
	}
	return new(big.Int).Binomial(int64(n), int64(k))
}

// ComparisonRow is one row of the spec §4 comparison at equal depth k+1.
type ComparisonRow struct {
	K         int    `json:"k"`
	Montufar  string `json:"montufar"`
	Zonotope  string `json:"zonotope"`
	Telgarsky string `json:"telgarsky"`
}

// Comparison regenerates the spec §4 table: at depth k+1 with input
// dimension n and width w, Montúfar's count, the zonotope family with m
// generators and k−1 zigzag layers (2Σ_{i<n}C(m−1,i)·w^{k−1}), and w^k.
func Comparison(n, w, m, kmin, kmax int) ([]ComparisonRow, error) {
	if kmin < 2 || kmax < kmin {
		return nil, fmt.Errorf("need 2 ≤ kmin ≤ kmax (the zonotope family uses k−1 ≥ 1 zigzag layers)")
	}
	if 2*m > w {
		return nil, fmt.Errorf("2m = %d exceeds the width w = %d", 2*m, w)
	}
	var rows []ComparisonRow
	for k := kmin; k <= kmax; k++ {
		_, mo, err := Montufar(n, k, w)
		if err != nil {
			return nil, err
		}
		_, z, err := ZonotopePieces(n, k-1, w, m)
		if err != nil {
			return nil, err
		}
		t := new(big.Int).Exp(big.NewInt(int64(w)), big.NewInt(int64(k)), nil)
		rows = append(rows, ComparisonRow{K: k, Montufar: mo.String(), Zonotope: z.String(), Telgarsky: t.String()})
	}
	return rows, nil
}
