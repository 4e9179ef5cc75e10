// Package bench holds the benchmark workloads and baselines of relucid's
// exact trainer (issue #5 items 6 and 7; ../shared/benchmarks.md T1–T6).
//
// Layout:
//
//	bench/datagen        deterministic generators of the workloads (CSV, last column y)
//	bench/data           the committed instances used by tests and benchmarks
//	bench/gd             gradient descent with random restarts, in Go
//	bench/gd_torch.py    the same in PyTorch (Debian python3-torch)
//	bench/milp_highs.py  big-M MILP of the same ERM, solved by HiGHS (scipy.optimize.milp)
//	bench/cmd/datagen    writes workloads;  bench/cmd/gd  runs the Go baseline on a CSV
//	bench/cmd/compare    runs relucid and all baselines in one run and prints the tables
//	bench/run_baselines.sh, bench/check_baselines.sh  wrappers (need Python)
//
// The Go benchmarks of this package time the exact trainer and the
// dichotomy enumeration on the committed instances:
//
//	go test ./bench/ -run '^$' -bench . -count 5
//
// Python is never run by go test.
package bench
