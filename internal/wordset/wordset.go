// Package wordset is a set of equal-length bit vectors (slices of uint64
// words), numbered in insertion order. It is an open-addressing hash table
// of indices into one flat slice, so adding a vector allocates nothing once
// the set has grown, and the vectors can be read back in order.
package wordset

// Set holds vectors of a fixed number of words.
type Set struct {
	words int
	flat  []uint64
	table []int32 // −1: empty; else the index of a vector
	n     int
}

// New returns an empty set of vectors of the given number of words, with
// room for about n of them before it grows.
func New(words, n int) *Set {
	s := &Set{words: words}
	s.Reset(n)
	return s
}

// Reset empties the set, keeping its memory, with room for about n
// vectors.
func (s *Set) Reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(s.table) >= size {
		s.table = s.table[:size]
	} else {
		s.table = make([]int32, size)
	}
	for i := range s.table {
		s.table[i] = -1
	}
	s.flat = s.flat[:0]
	s.n = 0
}

// Len returns the number of vectors.
func (s *Set) Len() int { return s.n }

// At returns vector i (not a copy).
func (s *Set) At(i int) []uint64 { return s.flat[i*s.words : (i+1)*s.words] }

// Flat returns all vectors, one after another in insertion order.
func (s *Set) Flat() []uint64 { return s.flat }

// Hash mixes the words of w.
func Hash(w []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, x := range w {
		h ^= x
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 31
	}
	return h
}

func equal(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Find returns the index of w, or −1.
func (s *Set) Find(w []uint64) int {
	mask := uint64(len(s.table) - 1)
	for h := Hash(w) & mask; ; h = (h + 1) & mask {
		k := s.table[h]
		if k < 0 {
			return -1
		}
		if equal(s.At(int(k)), w) {
			return int(k)
		}
	}
}

// Add inserts a copy of w unless present and returns its index and whether
// it was added.
func (s *Set) Add(w []uint64) (int, bool) {
	if 2*(s.n+1) > len(s.table) {
		s.grow()
	}
	mask := uint64(len(s.table) - 1)
	for h := Hash(w) & mask; ; h = (h + 1) & mask {
		k := s.table[h]
		if k < 0 {
			s.table[h] = int32(s.n)
			s.flat = append(s.flat, w...)
			s.n++
			return s.n - 1, true
		}
		if equal(s.At(int(k)), w) {
			return int(k), false
		}
	}
}

func (s *Set) grow() {
	t := make([]int32, 2*len(s.table))
	for i := range t {
		t[i] = -1
	}
	mask := uint64(len(t) - 1)
	for k := 0; k < s.n; k++ {
		h := Hash(s.At(k)) & mask
		for t[h] >= 0 {
			h = (h + 1) & mask
		}
		t[h] = int32(k)
	}
	s.table = t
}
