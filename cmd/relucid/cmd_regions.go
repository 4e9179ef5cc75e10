package main

import "flag"

func cmdRegions() command {
	return command{
		name:    "regions",
		args:    "",
		summary: "exact activation regions, pieces and affine maps over a box",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("regions") }
		},
	}
}
