package main

import "flag"

func cmdPaper() command {
	return command{
		name:    "paper",
		args:    "",
		summary: "reproduce the paper's claims, one row per check",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("paper") }
		},
	}
}
