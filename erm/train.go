package erm

import (
	"time"

	"github.com/relucid/relucid/relu"
)

// DefaultMaxSubproblems is the brute-force subproblem count above which
// Train refuses to start unless Options.Force is set: at a few microseconds
// per convex program 10^10 is already days of CPU time before pruning.
const DefaultMaxSubproblems = 1e10

// Options control Train. The zero value is usable.
type Options struct {
	Workers int // goroutines; 0 means runtime.GOMAXPROCS(0)

	// Shard and Shards select a deterministic part of the search
	// (0 ≤ Shard < Shards); Shards ≤ 1 means the whole search. Results of
	// all shards are combined by Merge.
	Shard, Shards int

	// Force allows runs whose brute-force subproblem count exceeds
	// MaxSubproblems (0 means DefaultMaxSubproblems).
	Force          bool
	MaxSubproblems float64

	// NoPrune disables branch and bound (every leaf program is solved):
	// plain Algorithm 1 with symmetry, for tests and benchmarks.
	NoPrune bool

	// Incumbent, if not nil, is a net of the problem's shape whose objective
	// seeds the search (any width-w one-hidden-layer net).
	Incumbent *relu.Net

	// GDRestarts is the number of gradient-descent runs that produce a
	// starting incumbent; 0 means 4 restarts for searches of at least 10⁶
	// brute-force programs and none below, negative means none.
	GDRestarts int

	// Seed makes the point order and gradient descent reproducible.
	Seed int64

	// Progress, if not nil, is called about every ProgressEvery (default
	// 30 s) from one goroutine.
	Progress      func(Progress)
	ProgressEvery time.Duration

	// Internal switches for tests and benchmarks that compare the search's
	// strategies (each must give the same optimum): lpCold disables warm
	// starts of the LP path; rootsInOrder expands the roots in generation
	// order instead of best bound first.
	lpCold       bool
	rootsInOrder bool
}

// Progress is a snapshot of a running search.
type Progress struct {
	Elapsed    time.Duration
	Done       int // root nodes finished
	Total      int // root nodes in this shard
	Solved     int64
	Pruned     int64
	Best       float64
	LowerBound float64
}

// Certificate records why Result.Objective is a global optimum.
type Certificate struct {
	// Objective is recomputed from the returned net and the data:
	// Loss + λ·Penalty. Loss is Σ_j ℓ(f(x_j), y_j); Penalty is the weight
	// decay term R(net) = Σ_i a_i²(‖a^i‖² + b_i²) itself, before the factor λ,
	// so it is reported (and nonzero) even when λ = 0.
	Objective float64 `json:"objective"`
	Loss      float64 `json:"loss"`
	Penalty   float64 `json:"penalty"`

	// Certified is true when the whole search space (or this shard's part)
	// was covered: every tuple was solved or pruned by a valid lower bound.
	Certified bool `json:"certified"`
	// LowerBound is a lower bound on the optimum over the searched space:
	// the least of the pruned nodes' bounds and the solved leaves' values.
	LowerBound float64 `json:"lower_bound"`

	Dichotomies  int     `json:"dichotomies"`            // candidate partitions per unit
	BruteForce   float64 `json:"subproblems_bruteforce"` // leaf programs of Algorithm 1 with symmetry
	Enumerated   int64   `json:"subproblems_enumerated"` // search nodes generated
	Solved       int64   `json:"subproblems_solved"`     // convex programs solved (nodes and leaves)
	Pruned       int64   `json:"subproblems_pruned"`     // nodes discarded by their bound
	LeavesSolved int64   `json:"leaves_solved"`          // full-data programs solved
	Bound        string  `json:"bound"`                  // the lower bound used for pruning

	// ExactObjective is the objective recomputed in rational arithmetic
	// from the net's exact weights and the data, as a fraction "p/q"
	// (empty for logistic loss); ExactGap = |Objective − ExactObjective|.
	ExactObjective string  `json:"exact_objective,omitempty"`
	ExactGap       float64 `json:"exact_gap,omitempty"`

	KKTResidual float64 `json:"kkt_residual"` // of the winning program's solution; −1 if the winner is the starting incumbent (no program solved beat it)

	Shard  int `json:"shard"`
	Shards int `json:"shards"`

	Interrupted bool    `json:"interrupted,omitempty"`
	Seconds     float64 `json:"seconds"`
}

// Result is the outcome of Train.
type Result struct {
	Net         *relu.Net
	Objective   float64
	Certificate Certificate
}
