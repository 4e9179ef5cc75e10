package main

import "flag"

func cmdDemo() command {
	return command{
		name:    "demo",
		args:    "",
		summary: "a short tour of relucid",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("demo") }
		},
	}
}
