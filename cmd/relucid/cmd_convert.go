package main

import "flag"

func cmdConvert() command {
	return command{
		name:    "convert",
		args:    "",
		summary: "PWL function or net → net with ⌈log₂(n+1)⌉ hidden layers",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("convert") }
		},
	}
}
