package wordset

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSet against a map of strings: the same members, indices in
// insertion order, Find for absent vectors, Reset.
func TestSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, words := range []int{1, 2, 5} {
		s := New(words, 3)
		ref := map[string]int{}
		var order [][]uint64
		for range 3000 {
			w := make([]uint64, words)
			for i := range w {
				w[i] = rng.Uint64() & 0x3f // many repeats
			}
			i, added := s.Add(w)
			key := string(slices.Concat([]byte(nil), toBytes(w)))
			j, ok := ref[key]
			if added == ok || (ok && i != j) {
				t.Fatalf("words %d: Add(%v) = %d, %v; reference %d, %v", words, w, i, added, j, ok)
			}
			if !ok {
				ref[key] = i
				order = append(order, w)
			}
			if s.Find(w) != i {
				t.Fatalf("Find after Add")
			}
		}
		if s.Len() != len(ref) {
			t.Fatalf("Len %d, want %d", s.Len(), len(ref))
		}
		for i, w := range order {
			if !slices.Equal(s.At(i), w) {
				t.Fatalf("At(%d) = %v, want %v", i, s.At(i), w)
			}
		}
		absent := make([]uint64, words)
		absent[0] = 1 << 60
		if s.Find(absent) != -1 {
			t.Fatal("found an absent vector")
		}
		s.Reset(10)
		if s.Len() != 0 || s.Find(order[0]) != -1 {
			t.Fatal("Reset left members")
		}
	}
}

func toBytes(w []uint64) []byte {
	var b []byte
	for _, x := range w {
		for k := 0; k < 8; k++ {
			b = append(b, byte(x>>(8*k)))
		}
	}
	return b
}
