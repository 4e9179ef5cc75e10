// Package bound evaluates every counting bound of Arora, Basu, Mianjy and
// Mukherjee (ICLR 2018) and of the works it compares with, each with an
// explanation of how the number arises.
//
// Integer-valued quantities (Lemma D.5, Theorem 3.9(i), Montúfar's and
// Serra's region counts, Cover's dichotomy count) are computed exactly with
// math/big. Bounds with fractional powers (Lemma D.6, Theorem 3.1,
// Corollaries 3.3/3.4, Theorem 3.5, the valid lower bounds for
// Theorem 3.9(ii)) are evaluated in float64; their integer consequences
// (the least admissible size) are rounded up after allowing a relative error
// of RelTol, which bounds the error of math.Pow and the few multiplications
// involved by far (a few ulps, ~1e-15).
//
// Every function returns a Result: the value, the formula with the
// parameters substituted, and the source of the statement, so a command
// line can print an explained answer.
package bound
