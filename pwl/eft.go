package pwl

import "math"

// Error-free transformations (Knuth's TwoSum, FMA-based TwoProd): for
// floats a, b without overflow or underflow, a+b = s+e and a·b = p+e
// exactly. The float engine uses the error terms both to bound rounding
// errors rigorously and to recognise results that are exact (all error
// terms zero), which is what keeps dyadic nets such as the sawtooth on the
// fast path.

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return
}

// errSlack turns an error bound accumulated in float64 into an upper bound
// of the real sum it approximates: a sum of n ≤ 2²⁰ nonnegative terms
// computed in float64 has relative error at most n·u/(1−n·u) < 2⁻³²
// (u = 2⁻⁵³), and a few more products and quotients add O(u) each, so
// multiplying by 1 + 2⁻³⁰ makes every bound in this package an upper bound.
const errSlack = 1 + 0x1p-30

// tinyMag is the magnitude below which float results may have lost
// accuracy to underflow, where the error-free transformations stop being
// exact (FMA error terms below 2⁻¹⁰⁷⁴ vanish). Nonzero values or error
// terms below it make the float engine hand over to the exact engine.
const tinyMag = 0x1p-900

// hugeMag is the magnitude above which sums might overflow; values beyond it
// also make the float engine hand over to the exact engine.
const hugeMag = 0x1p+900

func badMag(x float64) bool {
	// exponent field of tinyMag is 1023−900 = 123, of hugeMag 1923.
	b := math.Float64bits(x) &^ (1 << 63)
	ex := b >> 52
	return (b != 0 && ex < 123) || ex > 1923
}
