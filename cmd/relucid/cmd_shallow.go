package main

import "flag"

func cmdShallow() command {
	return command{
		name:    "shallow",
		args:    "",
		summary: "minimal one-hidden-layer twin of an R→R net",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("shallow") }
		},
	}
}
