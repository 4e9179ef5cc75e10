// Package csvio reads numeric CSV matrices: one row per point, an optional
// header row, every value finite.
package csvio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxCells bounds how many values one CSV may hold.
const MaxCells = 100_000_000

// Read parses a numeric CSV. A first row that does not parse as numbers is
// taken as a header and returned. Every row must have the same number of
// columns; NaN and ±Inf are rejected. Errors give the 1-based line number.
func Read(r io.Reader) (rows [][]float64, header []string, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	cols := -1
	cells := 0
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("malformed CSV: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if cols >= 0 && len(rec) != cols {
			return nil, nil, fmt.Errorf("line %d: %d columns, expected %d", line, len(rec), cols)
		}
		row := make([]float64, len(rec))
		var perr error
		textual := false // a field that is not number syntax at all: header material
		for j, s := range rec {
			s = strings.TrimSpace(s)
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					perr = fmt.Errorf("line %d, column %d: %q is not a number in float64 range", line, j+1, s)
				} else {
					perr = fmt.Errorf("line %d, column %d: %q is not a number", line, j+1, s)
					textual = true
				}
				break
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				perr = fmt.Errorf("line %d, column %d: %q is not finite", line, j+1, s)
				break
			}
			row[j] = v
		}
		if perr != nil {
			if textual && len(rows) == 0 && header == nil {
				header = append([]string(nil), rec...)
				cols = len(rec)
				continue
			}
			return nil, nil, perr
		}
		cols = len(rec)
		cells += cols
		if cells > MaxCells {
			return nil, nil, fmt.Errorf("more than %d values", MaxCells)
		}
		rows = append(rows, row)
	}
	return rows, header, nil
}
