package convert

import "math/big"

// Small exact linear algebra over the rationals. The systems here have at
// most n+1 unknowns, so Gaussian elimination with big.Rat is adequate.

// solve solves the square system A·x = b exactly and reports whether A is
// non-singular. A and b are not modified.
func solve(a [][]*big.Rat, b []*big.Rat) ([]*big.Rat, bool) {
	n := len(a)
	m := make([][]*big.Rat, n)
	for i := range m {
		m[i] = make([]*big.Rat, n+1)
		for j := 0; j < n; j++ {
			m[i][j] = new(big.Rat).Set(a[i][j])
		}
		m[i][n] = new(big.Rat).Set(b[i])
	}
	var t big.Rat
	for c := 0; c < n; c++ {
		p := -1
		for r := c; r < n; r++ {
			if m[r][c].Sign() != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			return nil, false
		}
		m[c], m[p] = m[p], m[c]
		inv := new(big.Rat).Inv(m[c][c])
		for j := c; j <= n; j++ {
			m[c][j].Mul(m[c][j], inv)
		}
		for r := 0; r < n; r++ {
			if r == c || m[r][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[r][c])
			for j := c; j <= n; j++ {
				m[r][j].Sub(m[r][j], t.Mul(f, m[c][j]))
			}
		}
	}
	x := make([]*big.Rat, n)
	for i := range x {
		x[i] = m[i][n]
	}
	return x, true
}

// det returns the determinant of the square matrix a exactly.
func det(a [][]*big.Rat) *big.Rat {
	n := len(a)
	m := make([][]*big.Rat, n)
	for i := range m {
		m[i] = make([]*big.Rat, n)
		for j := range m[i] {
			m[i][j] = new(big.Rat).Set(a[i][j])
		}
	}
	d := big.NewRat(1, 1)
	var t big.Rat
	for c := 0; c < n; c++ {
		p := -1
		for r := c; r < n; r++ {
			if m[r][c].Sign() != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			return new(big.Rat)
		}
		if p != c {
			m[c], m[p] = m[p], m[c]
			d.Neg(d)
		}
		d.Mul(d, m[c][c])
		for r := c + 1; r < n; r++ {
			if m[r][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(m[r][c], m[c][c])
			for j := c; j < n; j++ {
				m[r][j].Sub(m[r][j], t.Mul(f, m[c][j]))
			}
		}
	}
	return d
}

// pivotColumns returns the pivot columns of the row-echelon form of the rows,
// i.e. coordinates onto which the projection of the rows' span is injective.
func pivotColumns(rows [][]*big.Rat, ncols int) []int {
	_, piv := rref(rows, ncols)
	return piv
}

// rref returns the reduced row echelon form of rows (a copy; its first
// len(piv) rows are the nonzero ones) and its pivot columns.
func rref(rows [][]*big.Rat, ncols int) ([][]*big.Rat, []int) {
	m := make([][]*big.Rat, len(rows))
	for i := range rows {
		m[i] = make([]*big.Rat, ncols)
		for j := range m[i] {
			m[i][j] = new(big.Rat).Set(rows[i][j])
		}
	}
	var piv []int
	r := 0
	var t big.Rat
	for c := 0; c < ncols && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := c; j < ncols; j++ {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := c; j < ncols; j++ {
				m[i][j].Sub(m[i][j], t.Mul(f, m[r][j]))
			}
		}
		piv = append(piv, c)
		r++
	}
	return m, piv
}
