package main

import "flag"

func cmdBuild() command {
	return command{
		name:    "build",
		args:    "",
		summary: "build hard function families (zigzags, sawtooths, zonotopes)",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("build") }
		},
	}
}
