package main

import "flag"

func cmdMerge() command {
	return command{
		name:    "merge",
		args:    "",
		summary: "combine shard results of train",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("merge") }
		},
	}
}
