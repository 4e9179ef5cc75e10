// Command relucid makes the theory of ReLU networks executable: the exact
// piecewise-linear function of a net, conversions between nets and PWL
// descriptions, the depth hierarchy of Arora et al. (ICLR 2018) and
// globally optimal training of one-hidden-layer nets.
//
// Usage:
//
//	relucid COMMAND [arguments]
//
// Run "relucid help" for the list of commands and "relucid help COMMAND" (or
// "relucid COMMAND -h") for one command's manual with an example.
//
// Errors are printed on stderr as "relucid COMMAND: FILE: problem"; the exit
// status is 1 for a failure and 2 for a usage error. Commands that write a
// file write it atomically, so a failure leaves no partial output.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
