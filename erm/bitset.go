package erm

import "math/bits"

// Dichotomy is the positive side P+ of a 2-partition of D data points, as a
// bitset: point j is in P+ iff bit j%64 of word j/64 is set.
type Dichotomy []uint64

// Has reports whether point j is in P+.
func (d Dichotomy) Has(j int) bool { return d[j>>6]>>(uint(j)&63)&1 != 0 }

// Count returns |P+|.
func (d Dichotomy) Count() int {
	c := 0
	for _, w := range d {
		c += bits.OnesCount64(w)
	}
	return c
}

func (d Dichotomy) set(j int) { d[j>>6] |= 1 << (uint(j) & 63) }
