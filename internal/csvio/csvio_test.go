package csvio

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		rows    [][]float64
		header  []string
		wantErr string
	}{
		{name: "plain", in: "1,2\n3,4\n", rows: [][]float64{{1, 2}, {3, 4}}},
		{name: "header", in: "x,y\n1,2\n", rows: [][]float64{{1, 2}}, header: []string{"x", "y"}},
		{name: "spaces and blank lines", in: " 1, 2\n\n3 ,4\n", rows: [][]float64{{1, 2}, {3, 4}}},
		{name: "exponents", in: "1e-3,-2.5E2\n", rows: [][]float64{{0.001, -250}}},
		{name: "empty", in: "", rows: nil},
		{name: "header only", in: "x,y\n", rows: nil, header: []string{"x", "y"}},
		{name: "ragged", in: "1,2\n3\n", wantErr: "line 2: 1 columns, expected 2"},
		{name: "non-numeric after data", in: "1,2\n3,abc\n", wantErr: `line 2, column 2: "abc" is not a number`},
		{name: "second header", in: "x,y\na,b\n", wantErr: `line 2, column 1: "a" is not a number`},
		{name: "NaN", in: "1,NaN\n", wantErr: "not finite"},
		{name: "Inf after header", in: "x\n+Inf\n", wantErr: "not finite"},
		{name: "overflow", in: "1e999\n", wantErr: "not a number in float64 range"},
		{name: "NaN first row is not a header", in: "NaN,1\n", wantErr: "not finite"},
		{name: "bad quoting", in: "\"1,2\n", wantErr: "malformed CSV"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, header, err := Read(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tc.rows) || !reflect.DeepEqual(header, tc.header) {
				t.Errorf("got rows %v header %v, want %v %v", rows, header, tc.rows, tc.header)
			}
		})
	}
}

// FuzzRead checks that Read never panics and that what it accepts is
// rectangular and finite.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"1,2\n3,4\n", "x,y\n1,2\n", "1\n\n2", "\"a\",1\n", "1,NaN", "1e308,1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows, _, err := Read(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) != len(rows[0]) {
				t.Fatalf("ragged rows accepted: %v", rows)
			}
			for _, v := range r {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value accepted: %v", v)
				}
			}
		}
	})
}
