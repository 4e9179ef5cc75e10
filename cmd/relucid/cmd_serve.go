package main

import "flag"

func cmdServe() command {
	return command{
		name:    "serve",
		args:    "",
		summary: "local web view",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("serve") }
		},
	}
}
