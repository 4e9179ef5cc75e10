package main

import "flag"

func cmdTrain() command {
	return command{
		name:    "train",
		args:    "",
		summary: "globally optimal one-hidden-layer training (Algorithm 1)",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("train") }
		},
	}
}
