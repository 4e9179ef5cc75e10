package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relucid/relucid/relu"
)

// env is what a subcommand sees of the world; tests substitute buffers.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. flags declares its flags on fs and returns the
// function that runs it with the positional arguments.
type command struct {
	name    string
	args    string // synopsis after the name, e.g. "NET.json [--domain A:B]"
	summary string // one line for "relucid help"
	help    string // the manual: what it does, flags are appended, then an example
	setup   func(fs *flag.FlagSet) func(e *env, args []string) error
}

// commands lists every subcommand. Each lives in its own cmd_*.go file.
func commands() []command {
	cs := []command{
		cmdEval(), cmdPieces(), cmdShallow(), cmdDemo(),
		cmdRegions(), cmdConvert(), cmdPaper(), cmdTrain(), cmdMerge(),
		cmdBuild(), cmdBounds(), cmdServe(), cmdExport(), cmdPlot(),
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

// usageError marks errors in how a command was called (exit status 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printOverview(stderr)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(args) > 1 {
			if c, ok := find(args[1]); ok {
				printManual(stdout, c)
				return 0
			}
			fmt.Fprintf(stderr, "relucid help: unknown command %q\n", args[1])
			return 2
		}
		printOverview(stdout)
		return 0
	}
	c, ok := find(name)
	if !ok {
		fmt.Fprintf(stderr, "relucid: unknown command %q; run \"relucid help\"\n", name)
		return 2
	}
	fs := flag.NewFlagSet("relucid "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	do := c.setup(fs)
	pos, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		printManual(stdout, c)
		return 0
	}
	if err == nil {
		err = do(e, pos)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "relucid %s: %v\n", c.name, err)
	var ue usageError
	if errors.As(err, &ue) || isFlagError(err) {
		fmt.Fprintf(stderr, "usage: relucid %s %s (see \"relucid help %s\")\n", c.name, c.args, c.name)
		return 2
	}
	return 1
}

func find(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

type flagError struct{ err error }

func (f flagError) Error() string { return f.err.Error() }
func (f flagError) Unwrap() error { return f.err }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("relucid pieces NET.json --domain 0:1").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "relucid — exact theory of ReLU networks (Arora, Basu, Mianjy, Mukherjee, ICLR 2018)")
	fmt.Fprintln(w, "\nusage: relucid COMMAND [arguments]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nrelucid help COMMAND (or relucid COMMAND -h) shows a command's manual with an example.")
	fmt.Fprintln(w, "Every command that takes NET.json also takes NET.onnx exported from PyTorch.")
}

func printManual(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: relucid %s %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nflags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// loadNet reads a network from a JSON or ONNX file, chosen by extension.
// Errors name the file.
func loadNet(path string) (*relu.Net, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".onnx":
		return loadONNX(path)
	default:
		return relu.ReadFile(path)
	}
}

// needArgs checks the number of positional arguments.
func needArgs(args []string, n int, what string) error {
	if len(args) < n {
		return usagef("missing %s", what)
	}
	if len(args) > n {
		return usagef("unexpected argument %q", args[n])
	}
	return nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// notYet is returned by commands whose engine has not landed yet.
func notYet(name string) error {
	return fmt.Errorf("%s is not implemented yet", name)
}
