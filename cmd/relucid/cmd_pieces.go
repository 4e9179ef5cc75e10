package main

import "flag"

func cmdPieces() command {
	return command{
		name:    "pieces",
		args:    "",
		summary: "exact 1-D pieces and breakpoints of an R→R net",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("pieces") }
		},
	}
}
