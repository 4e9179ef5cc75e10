package main

import "flag"

func cmdExport() command {
	return command{
		name:    "export",
		args:    "",
		summary: "write a net as ONNX",
		help:    "Not implemented yet.",
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			return func(e *env, args []string) error { return notYet("export") }
		},
	}
}
