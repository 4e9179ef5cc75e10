package hard

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ErrEmpty is returned for an empty list where at least one entry is needed.
var ErrEmpty = errors.New("empty list")

// ParseRat parses one exact rational: an integer, a decimal ("0.25") or a
// fraction ("1/3").
func ParseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty number")
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		// big.Rat would expand 1e999999999 digit by digit; no parameter
		// of a hard function needs an exponent beyond ±MaxExponent.
		if e, err := strconv.Atoi(s[i+1:]); err != nil || e > MaxExponent || e < -MaxExponent {
			return nil, fmt.Errorf("%q: exponent missing or beyond ±%d", s, MaxExponent)
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a rational number (want e.g. 2, 0.25 or 1/3)", s)
	}
	return r, nil
}

// MaxExponent bounds the decimal exponent ParseRat accepts ("1e-300").
const MaxExponent = 1000

// ParseList parses a comma-separated list of rationals such as "1/3,2/3".
func ParseList(s string) ([]*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ErrEmpty
	}
	parts := strings.Split(s, ",")
	out := make([]*big.Rat, len(parts))
	for i, p := range parts {
		r, err := ParseRat(p)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		out[i] = r
	}
	return out, nil
}

// ParseLayers parses "A1;A2;...;Ak", each Ai a comma-separated list, into k
// lists. An empty layer is an error: every zigzag needs at least one
// breakpoint (w ≥ 2 teeth).
func ParseLayers(s string) ([][]*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("no layers given (want \"A1;A2;...\", e.g. \"1/2;1/3,2/3\")")
	}
	parts := strings.Split(s, ";")
	out := make([][]*big.Rat, len(parts))
	for i, p := range parts {
		l, err := ParseList(p)
		if errors.Is(err, ErrEmpty) {
			return nil, fmt.Errorf("layer %d is empty: each layer needs at least one breakpoint in (0, M)", i+1)
		}
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		out[i] = l
	}
	return out, nil
}

// CheckDelta reports whether a lies in Δ^p_M (Definition 4): p ≥ 1 and
// 0 < a_1 < … < a_p < M. The error names the first offending entry.
func CheckDelta(a []*big.Rat, m *big.Rat) error {
	if m == nil || m.Sign() <= 0 {
		return fmt.Errorf("M must be positive")
	}
	if len(a) == 0 {
		return fmt.Errorf("no breakpoints: need at least one in (0, %s)", m.RatString())
	}
	for i, x := range a {
		if x.Sign() <= 0 || x.Cmp(m) >= 0 {
			return fmt.Errorf("breakpoint %d = %s is not strictly inside (0, %s)", i+1, x.RatString(), m.RatString())
		}
		if i > 0 && x.Cmp(a[i-1]) <= 0 {
			return fmt.Errorf("breakpoints not strictly increasing: %s then %s", a[i-1].RatString(), x.RatString())
		}
	}
	return nil
}

// FormatList writes rationals as "1/3,2/3".
func FormatList(a []*big.Rat) string {
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = x.RatString()
	}
	return strings.Join(s, ",")
}

// FormatLayers writes layers as "1/2;1/3,2/3", the syntax ParseLayers reads.
func FormatLayers(l [][]*big.Rat) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = FormatList(a)
	}
	return strings.Join(s, ";")
}
