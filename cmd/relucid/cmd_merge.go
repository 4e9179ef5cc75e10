package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"sort"

	"github.com/relucid/relucid/relu"
)

func cmdMerge() command {
	return command{
		name:    "merge",
		args:    "CERT.json... [-o NET.json] [--cert ALL.json] [--json]",
		summary: "combine shard results of train",
		help: `Combines the certificate files written by "relucid train --shard i/N --cert
FILE" into the answer a single run gives: the best net over all shards, the
least lower bound, summed counts. The result is certified only if every
shard 0..N-1 is present exactly once, all for the same data, width, loss,
output bias and weight decay, and every shard is certified.

example:
  for i in 0 1 2; do relucid train d.csv --width 2 --shard $i/3 --cert part$i.json; done
  relucid merge part0.json part1.json part2.json -o net.json --json`,
		setup: func(fs *flag.FlagSet) func(e *env, args []string) error {
			out := fs.String("o", "", "write the best net to this JSON file")
			certOut := fs.String("cert", "", "write the merged certificate to this JSON file")
			asJSON := fs.Bool("json", false, "print the merged certificate as JSON")
			return func(e *env, args []string) error {
				if len(args) == 0 {
					return usagef("missing CERT.json files")
				}
				var docs []*trainDoc
				for _, a := range args {
					d, err := readDoc(a)
					if err != nil {
						return err
					}
					docs = append(docs, d)
				}
				m := *docs[0]
				m.Merged = nil
				seen := map[int]string{}
				best := -1
				m.LowerBound = math.Inf(1)
				m.Enumerated, m.Solved, m.Pruned, m.LeavesSolved, m.Seconds = 0, 0, 0, 0, 0
				certified := true
				for k, d := range docs {
					if d.DataSHA256 != m.DataSHA256 || d.Width != m.Width || d.LossFunction != m.LossFunction ||
						d.OutputBias != m.OutputBias || d.WeightDecay != m.WeightDecay || d.Shards != m.Shards {
						return fmt.Errorf("%s: a different problem or shard count than %s", args[k], args[0])
					}
					if prev, ok := seen[d.Shard]; ok {
						return fmt.Errorf("%s: shard %d/%d also in %s", args[k], d.Shard, d.Shards, prev)
					}
					seen[d.Shard] = args[k]
					m.Merged = append(m.Merged, d.Shard)
					certified = certified && d.Certified
					m.Enumerated += d.Enumerated
					m.Solved += d.Solved
					m.Pruned += d.Pruned
					m.LeavesSolved += d.LeavesSolved
					m.Seconds += d.Seconds
					m.Interrupted = m.Interrupted || d.Interrupted
					if d.Objective == nil {
						continue // empty shard
					}
					m.LowerBound = math.Min(m.LowerBound, d.LowerBound)
					if best < 0 || *d.Objective < *docs[best].Objective {
						best = k
					}
				}
				sort.Ints(m.Merged)
				if best < 0 {
					return fmt.Errorf("no shard holds a net")
				}
				b := docs[best]
				m.Objective, m.Net = b.Objective, b.Net
				m.Certificate.Objective, m.Loss, m.Penalty, m.KKTResidual = b.Certificate.Objective, b.Loss, b.Penalty, b.KKTResidual
				m.ExactObjective, m.ExactGap = b.ExactObjective, b.ExactGap
				m.LowerBound = math.Min(m.LowerBound, *b.Objective)
				complete := len(seen) == m.Shards
				m.Certified = certified && complete
				m.Shard = -1
				net, err := relu.Decode(bytes.NewReader(b.Net))
				if err != nil {
					return fmt.Errorf("%s: net: %w", args[best], err)
				}
				if err := emit(e, m, net, *out, *certOut, *asJSON); err != nil {
					return err
				}
				if !complete {
					return fmt.Errorf("only %d of %d shards given: result not certified", len(seen), m.Shards)
				}
				return nil
			}
		},
	}
}
