package main

import "flag"

func cmdBounds() command {
	return command{
		name:    "bounds",
		args:    "",
		summary: "the paper's bounds as a calculator",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("bounds") }
		},
	}
}
