// Package sorted merges ascending slices: the knot lists of PWL functions
// and the index sets of max–min terms.
package sorted

// UnionFunc returns the ascending union of the ascending slices a and b
// under cmp; an element present in both appears once (a's copy).
func UnionFunc[T any](a, b []T, cmp func(T, T) int) []T {
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := cmp(a[i], b[j]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
