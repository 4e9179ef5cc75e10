package pwl

import "errors"

// ErrNotScalar is returned when a net given to the 1-D engine is not R → R.
var ErrNotScalar = errors.New("pwl: net is not R → R")

// ErrDomain is returned for a domain [A, B] with A ≥ B or non-finite ends.
var ErrDomain = errors.New("pwl: empty or invalid domain, need A < B")
