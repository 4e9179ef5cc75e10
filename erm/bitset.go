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

// setStore is a deduplicating store of equal-length bitsets: an open
// addressing hash table of indices into one flat slice, so adding a set
// allocates nothing once the store has grown.
type setStore struct {
	words int
	flat  []uint64
	table []int32 // -1 empty, else index of a set in flat
	n     int
}

func newSetStore(words int) *setStore {
	s := &setStore{words: words, table: make([]int32, 64)}
	for i := range s.table {
		s.table[i] = -1
	}
	return s
}

func hashWords(w []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, x := range w {
		h ^= x
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 31
	}
	return h
}

func (s *setStore) get(i int) []uint64 { return s.flat[i*s.words : (i+1)*s.words] }

func equalWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// add inserts w (copied) unless present.
func (s *setStore) add(w []uint64) {
	if 2*(s.n+1) > len(s.table) {
		s.grow()
	}
	mask := uint64(len(s.table) - 1)
	for h := hashWords(w) & mask; ; h = (h + 1) & mask {
		k := s.table[h]
		if k < 0 {
			s.table[h] = int32(s.n)
			s.flat = append(s.flat, w...)
			s.n++
			return
		}
		if equalWords(s.get(int(k)), w) {
			return
		}
	}
}

func (s *setStore) grow() {
	t := make([]int32, 2*len(s.table))
	for i := range t {
		t[i] = -1
	}
	mask := uint64(len(t) - 1)
	for k := 0; k < s.n; k++ {
		h := hashWords(s.get(k)) & mask
		for t[h] >= 0 {
			h = (h + 1) & mask
		}
		t[h] = int32(k)
	}
	s.table = t
}
