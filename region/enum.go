package region

import (
	"context"
	"errors"
	"fmt"
	"github.com/relucid/relucid/internal/wordset"
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/relucid/relucid/relu"
)

// ErrMaxRegions is reported (wrapped) by Enumerate and Stream together with a
// partial result when Options.MaxRegions stopped the enumeration.
var ErrMaxRegions = errors.New("region limit reached; counts are partial")

// References into the split trees. A reference packs a kind, a task number
// and an index: kind node is a split node, kind leaf a region, kind task
// the root of a task's subtree. Domain facets use negative identities.
const (
	kindNode = 0
	kindLeaf = 1
	kindTask = 2
	topTask  = 1<<28 - 1
	noRef    = int64(-1)
)

func mkRef(kind, task, idx int) int64 {
	return int64(kind)<<60 | int64(task)<<32 | int64(uint32(idx))
}
func refKind(r int64) int { return int(r >> 60) }
func refTask(r int64) int { return int(r>>32) & (1<<28 - 1) }
func refIdx(r int64) int  { return int(uint32(r)) }

type flayer struct {
	in, out int
	W, B    []float64
}

// node is a split: the cell was cut by the hyperplane of hidden unit
// `unit` (global index), whose affine function on the cell is stored in
// taskOut.hs; plus and minus are the subtrees where it is ≥ 0 and ≤ 0.
type node struct {
	unit        int32
	plus, minus int64
}

// taskOut is everything one task produced: its split tree and its regions,
// in flat arrays so that a region costs no allocation of its own.
type taskOut struct {
	nodes []node
	hs    []float64
	root  int64
	nreg  int

	pat    []uint64  // pw words per region
	inter  []float64 // d per region
	maps   []float64 // m(d+1) per region
	vstart []int32   // nreg+1 offsets into verts (in vertices)
	verts  []float64
	vtight []uint64 // tight sets of kept vertices, fw words per vertex
	vfw    []int32  // words per vertex, per region

	fstart []int32   // nreg+1 offsets into the facet arrays
	ffid   []int64   // facet identity (node ref or domain id)
	fside  []int8    // side of the region w.r.t. a node's hyperplane
	fpt    []float64 // d per facet: a relative-interior point
	fnb    []int32   // neighbor (global region index) after matching, −1 if none

	streamed bool
}

// reserveLike gives o's growing arrays 5/4 of the lengths that p reached.
func (o *taskOut) reserveLike(p *taskOut) {
	o.nodes = make([]node, 0, len(p.nodes)*5/4)
	o.hs = make([]float64, 0, len(p.hs)*5/4)
	o.pat = make([]uint64, 0, len(p.pat)*5/4)
	o.inter = make([]float64, 0, len(p.inter)*5/4)
	o.maps = make([]float64, 0, len(p.maps)*5/4)
	o.vstart = make([]int32, 0, len(p.vstart)*5/4)
	o.verts = make([]float64, 0, len(p.verts)*5/4)
	o.vtight = make([]uint64, 0, len(p.vtight)*5/4)
	o.vfw = make([]int32, 0, len(p.vfw)*5/4)
	o.fstart = make([]int32, 0, len(p.fstart)*5/4)
	o.ffid = make([]int64, 0, len(p.ffid)*5/4)
	o.fside = make([]int8, 0, len(p.fside)*5/4)
	o.fpt = make([]float64, 0, len(p.fpt)*5/4)
}

type task struct {
	c     cell
	pat   []uint64
	layer int       // the hidden layer to enter (H: emit)
	P     []float64 // its pre-activations
}

type engine struct {
	ctx     context.Context
	opt     Options
	d, H, m int
	layers  []flayer
	wt      [][]float64 // wt[l] is W_l transposed (In × Out)
	R       []float64   // R_k ≥ |y_k| on the domain (for hscale)
	maxW    int
	widths  []int
	offs    []int
	layerOf []int32 // hidden layer of each global unit
	pw      int
	keepV   bool
	keepT   bool
	domA    [][]float64 // domain constraints a·y ≤ b as rows (a, b)

	stop   atomic.Bool
	count  atomic.Int64
	splits atomic.Int64
	near   atomic.Int64

	top   *taskOut
	tasks []task
	tslab struct {
		f slab[float64]
		u slab[uint64]
		i slab[int64]
		e slab[int32]
	}
	roots []int64    // roots[t]: the subtree of task t
	batch int        // tasks per batch
	outs  []*taskOut // one per batch of consecutive tasks
}

type worker struct {
	e     *engine
	task  int
	out   *taskOut
	top   bool
	pat   []uint64
	P0    []float64
	pool  []*[2]cell
	bufs  [][]float64
	cuts  [][]int32
	on    []int32
	val   []float64
	sg    []int8
	ws    splitWS
	act   []int
	pt    []float64
	sel   []int
	fset  []uint64
	fcnt  []int
	nleaf int
}

func newEngine(ctx context.Context, net *relu.Net, opt Options) *engine {
	e := &engine{ctx: ctx, opt: opt}
	e.d = net.InputDim()
	e.H = len(net.Layers) - 1
	e.m = net.OutputDim()
	off := 0
	for k, l := range net.Layers {
		e.layers = append(e.layers, flayer{in: l.In, out: l.Out, W: l.W, B: l.B})
		t := make([]float64, l.In*l.Out)
		for i := 0; i < l.Out; i++ {
			for j := 0; j < l.In; j++ {
				t[j*l.Out+i] = l.W[i*l.In+j]
			}
		}
		e.wt = append(e.wt, t)
		e.maxW = max(e.maxW, l.Out)
		if k < e.H {
			e.widths = append(e.widths, l.Out)
			e.offs = append(e.offs, off)
			off += l.Out
			for range l.Out {
				e.layerOf = append(e.layerOf, int32(k))
			}
		}
	}
	e.pw = (off + 63) / 64
	if e.pw == 0 {
		e.pw = 1
	}
	switch opt.Vertices {
	case VerticesAuto:
		e.keepV = e.d <= 3
	case VerticesAlways:
		e.keepV = true
	}
	e.keepT = opt.Exact && e.d == 2
	if e.keepT {
		e.keepV = true
	}
	return e
}

func (e *engine) newWorker(task int, out *taskOut) *worker {
	w := &worker{e: e, task: task, out: out, top: task == topTask}
	w.pat = make([]uint64, e.pw)
	w.P0 = e.firstLayerMap()
	w.pt = make([]float64, e.d)
	return w
}

// firstLayerMap returns the first layer's pre-activations as affine maps
// of y (row i: unit i, d+1 numbers): the same on every cell.
func (e *engine) firstLayerMap() []float64 {
	l0 := e.layers[0]
	P := make([]float64, l0.out*(e.d+1))
	for i := 0; i < l0.out; i++ {
		copy(P[i*(e.d+1):], l0.W[i*l0.in:(i+1)*l0.in])
		P[i*(e.d+1)+e.d] = l0.B[i]
	}
	return P
}

func (w *worker) cells(depth int) *[2]cell {
	for len(w.pool) <= depth {
		w.pool = append(w.pool, new([2]cell))
	}
	return w.pool[depth]
}

// buf returns the accumulator buffer of a depth (sized for the widest layer).
func (w *worker) buf(depth int) []float64 {
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, make([]float64, w.e.maxW*(w.e.d+1)))
	}
	return w.bufs[depth]
}

func (w *worker) cutList(depth int) []int32 {
	for len(w.cuts) <= depth {
		w.cuts = append(w.cuts, nil)
	}
	return w.cuts[depth][:0]
}

// nodeH returns the hyperplane of a node reference visible to this worker.
func (e *engine) nodeH(r int64) []float64 {
	t := refTask(r)
	o := e.top
	if t != topTask {
		o = e.outs[t]
	}
	i := refIdx(r)
	return o.hs[i*(e.d+1) : (i+1)*(e.d+1)]
}

func (e *engine) nodeAt(r int64) *node {
	t := refTask(r)
	o := e.top
	if t != topTask {
		o = e.outs[t]
	}
	return &o.nodes[refIdx(r)]
}

// enter starts hidden layer l on cell c, where P holds the layer's
// pre-activations as affine functions of y (row i: unit i, d+1 numbers).
// Units whose hyperplane misses the interior of c get their sign here, once
// for the whole subtree, and their contribution to the next layer's
// pre-activations is accumulated once; only the units that cut c are
// examined again in the sub-cells. depth is the first free scratch level.
func (w *worker) enter(c *cell, l int, P []float64, depth int) int64 {
	e := w.e
	if w.top && (l >= 1 || l == e.H) {
		// Task data lives in slabs: no allocation per task.
		t := task{layer: l, pat: e.tslab.u.take(len(w.pat)), P: e.tslab.f.take(len(P))}
		copy(t.pat, w.pat)
		copy(t.P, P)
		t.c = cell{d: c.d, nv: c.nv, nf: c.nf, words: c.words,
			x: e.tslab.f.take(len(c.x)), t: e.tslab.u.take(len(c.t)), fid: e.tslab.i.take(len(c.fid)),
			e: e.tslab.e.take(len(c.e)), hasE: c.hasE}
		copy(t.c.e, c.e)
		copy(t.c.x, c.x)
		copy(t.c.t, c.t)
		copy(t.c.fid, c.fid)
		e.tasks = append(e.tasks, t)
		return mkRef(kindTask, len(e.tasks)-1, 0)
	}
	if l == e.H {
		return w.emit(c, P)
	}
	d1 := e.d + 1
	if cap(w.val) < c.nv {
		w.val = make([]float64, 2*c.nv)
		w.sg = make([]int8, 2*c.nv)
	}
	nxt := e.layers[l+1]
	acc := w.buf(depth)[:nxt.out*d1]
	for i := 0; i < nxt.out; i++ {
		row := acc[i*d1 : (i+1)*d1]
		for k := range row {
			row[k] = 0
		}
		row[e.d] = nxt.B[i]
	}
	K := w.cutList(depth)
	w.on = w.on[:0]
	base := e.offs[l]
	for j := 0; j < e.widths[l]; j++ {
		pos, neg, near := c.classify(P[j*d1:(j+1)*d1], hscale(P[j*d1:(j+1)*d1], e.R), w.val[:c.nv], w.sg[:c.nv])
		if near {
			e.near.Add(1)
		}
		b := base + j
		switch {
		case pos && neg:
			K = append(K, int32(j))
		case pos:
			w.pat[b/64] |= 1 << uint(b%64)
			w.on = append(w.on, int32(j))
		default:
			// Off, or ≡ 0 on the cell (a dead unit, or one whose
			// hyperplane contains the cell): its output is 0 either way
			// and we record it as inactive.
			w.pat[b/64] &^= 1 << uint(b%64)
		}
	}
	w.cuts[depth] = K
	e.addUnits(acc, l, w.on, P)
	return w.dfs(c, l, P, K, acc, depth+1)
}

// addUnit adds the contribution of active unit j of hidden layer l,
// W_{l+1}[:, j] ⊗ P[j], to the next layer's pre-activations acc.
func (e *engine) addUnit(acc []float64, l, j int, P []float64) {
	d1 := e.d + 1
	addOuter(acc, e.wt[l+1][j*e.layers[l+1].out:(j+1)*e.layers[l+1].out], P[j*d1:(j+1)*d1])
}

// addOuter adds col ⊗ p to acc (len(col) rows of len(p)), the row p in
// registers for the usual widths.
func addOuter(acc, col, p []float64) {
	d1 := len(p)
	switch d1 {
	case 3:
		p0, p1, p2 := p[0], p[1], p[2]
		for i, wt := range col {
			a := acc[3*i : 3*i+3 : 3*i+3]
			a[0] += wt * p0
			a[1] += wt * p1
			a[2] += wt * p2
		}
		return
	case 4:
		p0, p1, p2, p3 := p[0], p[1], p[2], p[3]
		for i, wt := range col {
			a := acc[4*i : 4*i+4 : 4*i+4]
			a[0] += wt * p0
			a[1] += wt * p1
			a[2] += wt * p2
			a[3] += wt * p3
		}
		return
	case 5:
		p0, p1, p2, p3, p4 := p[0], p[1], p[2], p[3], p[4]
		for i, wt := range col {
			a := acc[5*i : 5*i+5 : 5*i+5]
			a[0] += wt * p0
			a[1] += wt * p1
			a[2] += wt * p2
			a[3] += wt * p3
			a[4] += wt * p4
		}
		return
	}
	for i, wt := range col {
		a := acc[i*d1 : (i+1)*d1]
		for k, pk := range p {
			a[k] += wt * pk
		}
	}
}

// addUnits is addUnit for a list of units, four at a time in 2-D so that
// each accumulator row is loaded and stored once per four units.
func (e *engine) addUnits(acc []float64, l int, units []int32, P []float64) {
	if e.d != 2 {
		for _, j := range units {
			e.addUnit(acc, l, int(j), P)
		}
		return
	}
	out := e.layers[l+1].out
	wt := e.wt[l+1]
	k := 0
	for ; k+4 <= len(units); k += 4 {
		j0, j1, j2, j3 := int(units[k]), int(units[k+1]), int(units[k+2]), int(units[k+3])
		c0 := wt[j0*out : (j0+1)*out]
		c1 := wt[j1*out : (j1+1)*out]
		c2 := wt[j2*out : (j2+1)*out]
		c3 := wt[j3*out : (j3+1)*out]
		p0 := P[3*j0 : 3*j0+3]
		p1 := P[3*j1 : 3*j1+3]
		p2 := P[3*j2 : 3*j2+3]
		p3 := P[3*j3 : 3*j3+3]
		for i := range c0 {
			a := acc[3*i : 3*i+3 : 3*i+3]
			w0, w1, w2, w3 := c0[i], c1[i], c2[i], c3[i]
			a[0] += w0*p0[0] + w1*p1[0] + w2*p2[0] + w3*p3[0]
			a[1] += w0*p0[1] + w1*p1[1] + w2*p2[1] + w3*p3[1]
			a[2] += w0*p0[2] + w1*p1[2] + w2*p2[2] + w3*p3[2]
		}
	}
	for ; k < len(units); k++ {
		e.addUnit(acc, l, int(units[k]), P)
	}
}

// dfs decides the units K[0:] of layer l on c, splitting where they cut;
// acc accumulates the next layer's pre-activations and belongs to this call.
func (w *worker) dfs(c *cell, l int, P []float64, K []int32, acc []float64, depth int) int64 {
	e := w.e
	d1 := e.d + 1
	base := e.offs[l]
	for k, j32 := range K {
		if e.stop.Load() {
			return noRef
		}
		j := int(j32)
		h := P[j*d1 : (j+1)*d1]
		if cap(w.val) < c.nv {
			w.val = make([]float64, 2*c.nv)
			w.sg = make([]int8, 2*c.nv)
		}
		pos, neg, near := c.classify(h, hscale(h, e.R), w.val[:c.nv], w.sg[:c.nv])
		if near {
			e.near.Add(1)
		}
		b := base + j
		if pos && neg {
			if e.splits.Add(1)&1023 == 0 && e.ctx.Err() != nil {
				e.stop.Store(true)
				return noRef
			}
			pair := w.cells(depth)
			if e.opt.apex {
				w.markAffine(c)
			}
			idx := len(w.out.nodes)
			w.out.nodes = append(w.out.nodes, node{unit: int32(b)})
			w.out.hs = append(w.out.hs, h...)
			ref := mkRef(kindNode, w.task, idx)
			c.split(h, w.val[:c.nv], w.sg[:c.nv], ref, &pair[0], &pair[1], &w.ws)
			plusAcc := w.buf(depth)[:len(acc)]
			copy(plusAcc, acc)
			e.addUnit(plusAcc, l, j, P)
			w.pat[b/64] |= 1 << uint(b%64)
			r1 := w.dfs(&pair[0], l, P, K[k+1:], plusAcc, depth+1)
			w.pat[b/64] &^= 1 << uint(b%64)
			r2 := w.dfs(&pair[1], l, P, K[k+1:], acc, depth+1)
			w.out.nodes[idx].plus, w.out.nodes[idx].minus = r1, r2
			return ref
		}
		if pos {
			w.pat[b/64] |= 1 << uint(b%64)
			e.addUnit(acc, l, j, P)
		} else {
			w.pat[b/64] &^= 1 << uint(b%64)
		}
	}
	return w.enter(c, l+1, acc, depth)
}

// markAffine marks in w.ws.affine the constraints of c that do not pass
// through the origin: the domain's, except Options.apexFacet.
func (w *worker) markAffine(c *cell) {
	ws := &w.ws
	ws.apex = true
	ws.affine = ws.affine[:0]
	for range c.words {
		ws.affine = append(ws.affine, 0)
	}
	for k, id := range c.fid[:c.nf] {
		if id < 0 && id != w.e.opt.apexFacet {
			ws.affine[k/64] |= 1 << uint(k%64)
		}
	}
}

// emit records c as a region (its pattern is w.pat, its maps w.P[H]).
func (w *worker) emit(c *cell, P []float64) int64 {
	e := w.e
	if e.stop.Load() {
		return noRef
	}
	n := e.count.Add(1)
	if e.opt.MaxRegions > 0 && n > int64(e.opt.MaxRegions) {
		e.stop.Store(true)
		return noRef
	}
	w.nleaf++
	if w.nleaf&255 == 0 && e.ctx.Err() != nil {
		e.stop.Store(true)
		return noRef
	}
	o := w.out
	d := e.d
	if o.nreg == 0 {
		o.vstart = append(o.vstart, 0)
		o.fstart = append(o.fstart, 0)
	}
	o.pat = append(o.pat, w.pat...)
	o.maps = append(o.maps, P[:e.m*(e.d+1)]...)
	c.centroid(w.pt)
	o.inter = append(o.inter, w.pt...)
	if e.keepV {
		first := len(o.verts) / d
		o.verts = append(o.verts, c.x[:c.nv*d]...)
		if d == 2 {
			sortCCW(o.verts[first*2:], w.pt)
		}
		if e.keepT {
			// Tight sets must follow the same order: recompute them by
			// matching coordinates (vertices are distinct points).
			o.vfw = append(o.vfw, int32(c.words))
			for i := 0; i < c.nv; i++ {
				v := o.verts[(first+i)*d : (first+i+1)*d]
				for z := 0; z < c.nv; z++ {
					x := c.vert(z)
					if x[0] == v[0] && x[1] == v[1] {
						o.vtight = append(o.vtight, c.tight(z)...)
						break
					}
				}
			}
		}
		o.vstart = append(o.vstart, int32(len(o.verts)/d))
	}
	// A constraint holds a facet iff its tight vertex set is an
	// inclusion-maximal proper face. Up to d = 3, d tight vertices suffice
	// (vertices of a lower face are at most 2, on a segment); beyond, test
	// maximality among the tight sets. The tight sets are built once per
	// region as bitsets over the vertices (fs), transposing c.t.
	vw := (c.nv + 63) / 64
	// The two grow apart: a region with fewer vertices but more
	// constraints than earlier ones needs a longer fcnt only.
	if cap(w.fset) < c.nf*vw {
		w.fset = make([]uint64, 2*c.nf*vw)
	}
	if len(w.fcnt) < c.nf {
		w.fcnt = make([]int, 2*c.nf)
	}
	fs := w.fset[:c.nf*vw]
	for i := range fs {
		fs[i] = 0
	}
	for v := 0; v < c.nv; v++ {
		for wd, b := range c.tight(v) {
			for b != 0 {
				k := wd*64 + bits.TrailingZeros64(b)
				b &= b - 1
				fs[k*vw+v/64] |= 1 << uint(v%64)
			}
		}
	}
	for k := 0; k < c.nf; k++ {
		n := 0
		for _, x := range fs[k*vw : (k+1)*vw] {
			n += bits.OnesCount64(x)
		}
		w.fcnt[k] = n
	}
	for k := 0; k < c.nf; k++ {
		if w.fcnt[k] < d || (d >= 4 && !w.maximal(k, c.nf, vw)) {
			continue
		}
		w.sel = w.sel[:0]
		for wd, b := range fs[k*vw : (k+1)*vw] {
			for b != 0 {
				w.sel = append(w.sel, wd*64+bits.TrailingZeros64(b))
				b &= b - 1
			}
		}
		fid := c.fid[k]
		side := int8(0)
		if fid >= 0 {
			// The region lies on the plus side of the split iff the
			// split's unit is active in its pattern (dfs sets the bit
			// on the plus branch and nothing changes it below).
			b := int(e.nodeAt(fid).unit)
			side = -1
			if w.pat[b/64]>>(b%64)&1 == 1 {
				side = 1
			}
		}
		o.ffid = append(o.ffid, fid)
		o.fside = append(o.fside, side)
		for i := range w.pt {
			w.pt[i] = 0
		}
		for _, v := range w.sel {
			x := c.vert(v)
			for i := range w.pt {
				w.pt[i] += x[i]
			}
		}
		for i := range w.pt {
			w.pt[i] /= float64(len(w.sel))
		}
		o.fpt = append(o.fpt, w.pt...)
	}
	o.fstart = append(o.fstart, int32(len(o.ffid)))
	o.nreg++
	return mkRef(kindLeaf, w.task, o.nreg-1)
}

// maximal reports whether the tight set of constraint k (in w.fset) is not
// strictly contained in another constraint's.
func (w *worker) maximal(k, nf, vw int) bool {
	fk := w.fset[k*vw : (k+1)*vw]
	for j := 0; j < nf; j++ {
		if j == k || w.fcnt[j] <= w.fcnt[k] {
			continue
		}
		sub := true
		for i, x := range fk {
			if x&^w.fset[j*vw+i] != 0 {
				sub = false
				break
			}
		}
		if sub {
			return false
		}
	}
	return true
}

// sortCCW orders 2-D points (flat x,y pairs) counter-clockwise around c.
func sortCCW(xy []float64, c []float64) {
	n := len(xy) / 2
	for i := 1; i < n; i++ {
		for j := i; j > 0; j-- {
			a0 := math.Atan2(xy[2*j-1]-c[1], xy[2*j-2]-c[0])
			a1 := math.Atan2(xy[2*j+1]-c[1], xy[2*j]-c[0])
			if a0 <= a1 {
				break
			}
			xy[2*j-2], xy[2*j] = xy[2*j], xy[2*j-2]
			xy[2*j-1], xy[2*j+1] = xy[2*j+1], xy[2*j-1]
		}
	}
}

// run enumerates everything; fn (may be nil) receives each task's output in
// task order as soon as it and all earlier tasks are done.
func (e *engine) run(init *cell, fn func(t int, o *taskOut) error) error {
	e.top = &taskOut{}
	tw := e.newWorker(topTask, e.top)
	e.top.root = tw.enter(init, 0, tw.P0, 0)
	workers := e.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Consecutive tasks are batched so that each batch's flat arrays grow
	// to a useful size (allocation is per batch, not per region), with
	// enough batches (32 per worker) to balance the load.
	T := len(e.tasks)
	e.batch = max(1, T/(32*workers))
	nb := (T + e.batch - 1) / e.batch
	e.roots = make([]int64, T)
	e.outs = make([]*taskOut, nb)
	for i := range e.outs {
		e.outs[i] = &taskOut{}
	}
	var next atomic.Int64
	done := make(chan int, nb)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w *worker
			var prev taskOut
			for {
				b := int(next.Add(1) - 1)
				if b >= nb {
					return
				}
				if w == nil {
					w = e.newWorker(b, e.outs[b])
				}
				if prev.nreg > 0 {
					// Size this batch's flat arrays after the previous
					// one (batches hold equally many tasks, neighbouring
					// tasks similar cells): one allocation per array
					// instead of repeated growth and copying.
					e.outs[b].reserveLike(&prev)
				}
				w.task, w.out = b, e.outs[b]
				for t := b * e.batch; t < min(T, (b+1)*e.batch); t++ {
					tk := &e.tasks[t]
					copy(w.pat, tk.pat)
					c := &w.cells(0)[0]
					c.copyFrom(&tk.c)
					e.roots[t] = w.enter(c, tk.layer, tk.P, 1)
				}
				// A shallow copy taken before the batch is handed
				// over: Stream's sink may clear the batch's vertex
				// arrays while this worker sizes its next batch.
				prev = *w.out
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	finished := make([]bool, nb)
	flushed := 0
	var ferr error
	for b := range done {
		finished[b] = true
		if e.opt.Progress != nil {
			e.opt.Progress(e.count.Load())
		}
		for flushed < nb && finished[flushed] {
			if fn != nil && ferr == nil {
				if err := fn(flushed, e.outs[flushed]); err != nil {
					ferr = err
					e.stop.Store(true)
				}
			}
			flushed++
		}
	}
	if ferr != nil {
		return ferr
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	return nil
}

// locate descends from r to the region containing the point q displaced
// infinitesimally along u; it returns (task, local index) or ok=false.
func (e *engine) locate(r int64, q, u []float64) (int, int, bool) {
	for r != noRef {
		switch refKind(r) {
		case kindLeaf:
			return refTask(r), refIdx(r), true
		case kindTask:
			r = e.roots[refTask(r)]
		default:
			h := e.nodeH(r)
			nd := e.nodeAt(r)
			v, s := evalAffine(h, q)
			up := v > 0
			if math.Abs(v) <= cutTol*s {
				g := 0.0
				for k, uk := range u {
					g += h[k] * uk
				}
				up = g > 0
			}
			if up {
				r = nd.plus
			} else {
				r = nd.minus
			}
		}
	}
	return 0, 0, false
}

// match finds the neighbour across every facet lying on a split hyperplane.
func (e *engine) match(offset []int) {
	d := e.d
	e.parallel(len(e.outs), func(t int, _ *slabs) {
		u := make([]float64, d)
		o := e.outs[t]
		o.fnb = make([]int32, len(o.ffid))
		for f, fid := range o.ffid {
			o.fnb[f] = -1
			if fid < 0 {
				continue
			}
			h := e.nodeH(fid)
			nd := e.nodeAt(fid)
			start := nd.minus
			sgn := -float64(o.fside[f])
			if o.fside[f] < 0 {
				start = nd.plus
			}
			for k := range u {
				u[k] = sgn * h[k]
			}
			if tt, i, ok := e.locate(start, o.fpt[f*d:(f+1)*d], u); ok && i < e.outs[tt].nreg {
				o.fnb[f] = int32(offset[tt] + i)
			}
		}
	})
}

// autoExactBudget bounds the work (exactCost, a proxy for the rational
// operations) of the automatic certification of a complex whose float
// decisions leaned on the tolerance: about a second or two.
const autoExactBudget = 2e8

// exactVolumeBudget bounds the work of the n-D volume certificate under
// Options.Exact (see exactCost); above it only interior points are
// certified. Measured on 2 cores: the 14,312-region 3→[32]×3→1 net of
// workload R3 (cost 1.4e10) in 25 s, the 17,129-region 4→[16]×3→1 net
// (2.9e10) in 2 minutes; both are covered.
const exactVolumeBudget = 4e10

// fullExactMaxDim is the largest dimension in which a streamed n-D complex
// gets the volume certificate (the triangulation grows quickly with d).
const fullExactMaxDim = 4

// exactCost estimates the rational work of certifying total regions of net
// in dimension d: every region clips the domain by every unit, and each clip
// touches the region's vertices, whose number grows roughly like 2^d (the
// 2-D estimate, regions × units × first-layer width, is kept as it was).
func exactCost(d, total int, net *relu.Net) float64 {
	units := float64(net.Size() + 1)
	if d == 2 {
		return float64(total) * units * float64(net.Layers[0].Out+net.OutputDim())
	}
	// Calibrated on a 3→[16]×3→1 net (2,216 regions: about 8 s of
	// wall time on 2 shared cores for the volume certificate); it
	// overestimates larger nets (see exactVolumeBudget).
	return float64(total) * units * float64(int(1)<<min(d, 20)) * float64(d*d+1) * 128
}

// mapTol is the relative tolerance for two float affine maps to be equal.
// Two evaluations of the same map along different cell histories differ by
// rounding only (~1e-13 relative), while distinct maps of a net differ by
// products of weights; 1e-8 separates the two regimes.
const mapTol = 1e-8

func mapsEqual(a, b []float64) bool {
	b = b[:len(a)]
	s := 0.0
	for k, x := range a {
		s = max(s, abs(x), abs(b[k]))
	}
	for k, x := range a {
		if abs(x-b[k]) > mapTol*s {
			return false
		}
	}
	return true
}

// uf is a union-find forest.
type uf []int32

func newUF(n int) uf {
	u := make(uf, n)
	for i := range u {
		u[i] = int32(i)
	}
	return u
}

func (u uf) find(i int32) int32 {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

// union merges and reports whether the sets were distinct.
func (u uf) union(a, b int32) bool {
	a, b = u.find(a), u.find(b)
	if a == b {
		return false
	}
	if a < b {
		a, b = b, a
	}
	u[a] = b
	return true
}

// mapQuant is the grid (relative to the largest coefficient) on which float
// maps are bucketed to count distinct maps; see mapTol for the scales.
const mapQuant = 1e-7

func (e *engine) distinct(outs []int, total int, keys [][]string) int {
	if keys != nil {
		seen := map[string]struct{}{}
		for g := 0; g < total; g++ {
			k := ""
			for _, o := range outs {
				k += keys[g][o] + "|"
			}
			seen[k] = struct{}{}
		}
		return len(seen)
	}
	d1 := e.d + 1
	// The scale of each output, then a 128-bit key per region, both in
	// parallel (per chunk); the keys are deduplicated in shards by their
	// top bits, a set per shard, also in parallel.
	const chunk = 4096
	type job struct{ out, lo, hi, at int }
	var jobs []job
	at := 0
	for k, out := range e.outs {
		for lo := 0; lo < out.nreg; lo += chunk {
			jobs = append(jobs, job{k, lo, min(out.nreg, lo+chunk), at + lo})
		}
		at += out.nreg
	}
	scales := make([]float64, len(jobs)*e.m)
	e.parallel(len(jobs), func(j int, _ *slabs) {
		jb := jobs[j]
		out, sc := e.outs[jb.out], scales[j*e.m:(j+1)*e.m]
		for i := jb.lo; i < jb.hi; i++ {
			for _, o := range outs {
				for _, v := range out.maps[(i*e.m+o)*d1 : (i*e.m+o+1)*d1] {
					sc[o] = max(sc[o], abs(v))
				}
			}
		}
	})
	q := make([]float64, e.m)
	for j := range jobs {
		for o := range q {
			q[o] = max(q[o], scales[j*e.m+o])
		}
	}
	for o, sc := range q {
		q[o] = mapQuant * sc
		if q[o] == 0 {
			q[o] = 1
		}
	}
	hk := make([]uint64, 2*at)
	e.parallel(len(jobs), func(j int, _ *slabs) {
		jb := jobs[j]
		out := e.outs[jb.out]
		for i := jb.lo; i < jb.hi; i++ {
			k := mapKey0()
			for _, o := range outs {
				k = mapKey(k, out.maps[(i*e.m+o)*d1:(i*e.m+o+1)*d1], q[o])
			}
			r := jb.at + i - jb.lo
			hk[2*r], hk[2*r+1] = k[0], k[1]
		}
	})
	const shards = 4
	var n atomic.Int64
	e.parallel(shards, func(sh int, _ *slabs) {
		seen := wordset.New(2, at/shards)
		for r := 0; r < at; r++ {
			if hk[2*r]>>62 == uint64(sh) {
				seen.Add(hk[2*r : 2*r+2])
			}
		}
		n.Add(int64(seen.Len()))
	})
	return int(n.Load())
}

// parallel runs f(0..n−1) on the workers, each with its own slabs.
func (e *engine) parallel(n int, f func(i int, sl *slabs)) {
	workers := e.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := new(slabs)
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i, sl)
			}
		}()
	}
	wg.Wait()
}

// Enumerate computes the polyhedral complex of net over dom: every
// full-dimensional activation region with its H-representation, maps and
// interior point, the adjacency of regions, and the three counts of every
// output. When opt.MaxRegions stops it early the returned complex is marked
// Partial and the error wraps ErrMaxRegions.
func Enumerate(ctx context.Context, net *relu.Net, dom Domain, opt Options) (*Complex, error) {
	cx, err := enumerate(ctx, net, dom, opt, nil)
	if cx != nil && opt.CountsOnly && !opt.Exact {
		// Regions filled for an automatic certificate.
		cx.Regions = nil
	}
	return cx, err
}

// Stream is Enumerate for complexes too large to hold: fn receives every
// region in the deterministic enumeration order (from a single goroutine),
// and the returned Complex carries the counts but no Regions. Region data
// passed to fn is only valid during the call.
func Stream(ctx context.Context, net *relu.Net, dom Domain, opt Options, fn func(*Region) error) (*Complex, error) {
	if fn == nil {
		panic("region: Stream needs a callback")
	}
	return enumerate(ctx, net, dom, opt, fn)
}

func enumerate(ctx context.Context, net *relu.Net, dom Domain, opt Options, fn func(*Region) error) (*Complex, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if dom.Kind == KindWhole {
		return enumerateWhole(ctx, net, dom, opt, fn)
	}
	wnet, err := dom.workNet(net)
	if err != nil {
		return nil, err
	}
	init, err := dom.initialCell()
	if err != nil {
		return nil, err
	}
	if !opt.noEdgeGraph && init.d >= 3 {
		// Edge graphs pay off from 3-D on (about 15 % less CPU on R3);
		// a polygon's all-pairs test is cheaper than keeping them.
		init.buildEdges()
	}
	e := newEngine(ctx, wnet, opt)
	e.R = make([]float64, e.d)
	for v := 0; v < init.nv; v++ {
		for k, x := range init.vert(v) {
			e.R[k] = math.Max(e.R[k], math.Abs(x))
		}
	}
	cx := &Complex{Dim: e.d, Outputs: e.m, Widths: e.widths, Offsets: e.offs, Domain: dom}
	A, b := dom.Constraints()
	cons := consFloat(A, b)
	skelFits := fn == nil && !opt.Exact && !opt.apex && skelDims(e.d) && init.hasE
	if opt.Engine == EngineSkeleton && !skelFits {
		return nil, fmt.Errorf("%w: it needs dimension %d to %d, a box or polytope, and neither Exact nor Stream", ErrNotGeneric, skelMinDim, skelMaxDim)
	}
	if skelFits && opt.Engine != EngineCells {
		err := e.skeleton(init, dom, cons, cx)
		switch {
		case err == nil:
			return cx, nil
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			cx.Regions = nil
			cx.Counts = make([]Counts, e.m)
			cx.Partial = true
			return cx, err
		case opt.Engine == EngineSkeleton:
			if errors.Is(err, errSkelLarge) {
				return nil, fmt.Errorf("%w: %v", ErrNotGeneric, err)
			}
			return nil, err
		case !errors.Is(err, ErrNotGeneric) && !errors.Is(err, errSkelLarge):
			return nil, err
		}
		// Not in general position: the cell engine decides everything.
		R := e.R
		e = newEngine(ctx, wnet, opt)
		e.R = R
		cx.Regions, cx.Stats = nil, Stats{}
	}
	var ex *exactCtx
	if opt.Exact && fn != nil {
		// Streamed regions are certified one by one as they come; the
		// size of the complex is unknown, so the n-D volume certificate
		// is used up to dimension fullExactMaxDim.
		ex = newExactFull(wnet, dom, e.d <= fullExactMaxDim)
	}
	var r Region
	var sl slabs
	streamed := 0
	sink := func(t int, o *taskOut) error {
		if fn == nil {
			return nil
		}
		for i := 0; i < o.nreg; i++ {
			sl.reset()
			r = Region{}
			e.fillRegion(&r, o, i, cons, &sl)
			r.Index = streamed
			streamed++
			if ex != nil {
				if err := ex.certify(&r, o, i); err != nil {
					return err
				}
			}
			if err := fn(&r); err != nil {
				return err
			}
		}
		o.verts, o.vtight = nil, nil
		o.streamed = true
		return nil
	}
	runErr := e.run(init, sink)
	if runErr != nil && !(errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)) {
		return nil, runErr
	}
	offset := make([]int, len(e.outs)+1)
	for t, o := range e.outs {
		offset[t+1] = offset[t] + o.nreg
	}
	total := offset[len(e.outs)]
	e.match(offset)
	var keys [][]string
	if fn == nil {
		// Decisions that leaned on the tolerance are certified after
		// the fact in 2-D when that is affordable (the certificate is
		// complete there): the float answer then stands proven, or the
		// error says which region failed.
		cost := exactCost(e.d, total, wnet)
		if opt.Exact {
			ex = newExactFull(wnet, dom, e.d == 2 || cost <= exactVolumeBudget)
		} else if e.near.Load() > 0 && !opt.NoAutoExact && runErr == nil && !e.stop.Load() && cost <= autoExactBudget {
			ex = newExactFull(wnet, dom, true)
			cx.Stats.AutoCertified = true
		}
		if ex != nil || !opt.CountsOnly {
			cx.Regions = make([]Region, total)
			e.parallel(len(e.outs), func(t int, sl *slabs) {
				o := e.outs[t]
				for i := 0; i < o.nreg; i++ {
					r := &cx.Regions[offset[t]+i]
					e.fillRegion(r, o, i, cons, sl)
					r.Index = offset[t] + i
				}
			})
		}
		if ex != nil {
			if err := ex.certifyAll(ctx, cx.Regions, e, offset); err != nil {
				// Under Options.Exact whatever the size: the caller
				// asked for the exact complex, and the re-enumeration
				// is cancellable and bounded by MaxRegions.
				if !errors.Is(err, ErrNotCertified) {
					return nil, err
				}
				// A float decision inside the tolerance band was wrong:
				// re-decide everything exactly.
				if err := e.exactFallback(ctx, ex, cx); err != nil {
					return nil, err
				}
				cx.Stats.Splits = e.splits.Load()
				cx.Stats.NearZero = e.near.Load()
				return cx, nil
			}
		}
	}
	if ex != nil && fn != nil && runErr == nil {
		if err := ex.complete(e); err != nil {
			return nil, err
		}
	}
	if ex != nil {
		keys = ex.keys
		if len(keys) != total {
			keys = nil
		}
	}
	d1 := e.d + 1
	pa, pb := e.cellPairs(offset)
	e.tally(cx, total, pa, pb, func(g int) []float64 {
		t := sort.Search(len(offset), func(i int) bool { return offset[i] > g }) - 1
		i := g - offset[t]
		return e.outs[t].maps[i*e.m*d1 : (i+1)*e.m*d1]
	}, keys, false)
	cx.Exact = keys != nil
	cx.CompleteCertified = cx.Exact && ex.completed
	if e.stop.Load() && runErr == nil && opt.MaxRegions > 0 && e.count.Load() > int64(opt.MaxRegions) {
		cx.Partial = true
		return cx, fmt.Errorf("%w (stopped after %d regions)", ErrMaxRegions, opt.MaxRegions)
	}
	if runErr != nil {
		cx.Partial = true
		return cx, runErr
	}
	return cx, nil
}

// cellPairs lists the pairs of adjacent regions (i < j, sorted, once
// each) of the cell engine's outputs, offset[t] being the global index of
// the first region of e.outs[t].
func (e *engine) cellPairs(offset []int) (pa, pb []int32) {
	var adj [][2]int
	for t, o := range e.outs {
		for i := 0; i < o.nreg; i++ {
			g := offset[t] + i
			for f := o.fstart[i]; f < o.fstart[i+1]; f++ {
				if nb := int(o.fnb[f]); nb > g {
					adj = append(adj, [2]int{g, nb})
				}
			}
		}
	}
	sort.Slice(adj, func(i, j int) bool {
		a, b := adj[i], adj[j]
		return a[0] < b[0] || a[0] == b[0] && a[1] < b[1]
	})
	adj = dedupPairs(adj)
	pa, pb = make([]int32, len(adj)), make([]int32, len(adj))
	for k, p := range adj {
		pa[k], pb[k] = int32(p[0]), int32(p[1])
	}
	return pa, pb
}

// tally sets the counts of cx (regions, pieces, distinct maps, per output
// and jointly: a piece needs every output affine), its work statistics
// and, under Options.Adjacency, its adjacency, from the pairs of adjacent
// regions (pa[k], pb[k]). Maps are compared by the exact keys when keys !=
// nil, else as floats: mapsOf(g) holds the m maps of region g.
//
// unique says that every region's map is known to be a distinct map (see
// noEqualMaps), for every output and jointly.
func (e *engine) tally(cx *Complex, total int, pa, pb []int32, mapsOf func(g int) []float64, keys [][]string, unique bool) {
	d1 := e.d + 1
	np := len(pa)
	// eq[o][k]: output o has the same map on both sides of pair k.
	eq := make([][]bool, e.m)
	for o := range eq {
		eq[o] = make([]bool, np)
	}
	// sig[g·m+o] is the first entry of output o's map on region g and
	// the largest entry's magnitude: a pair whose first entries differ by
	// more than mapTol times the larger scale is unequal by mapsEqual's
	// rule, and is judged from this compact array without loading the
	// maps (the pairs visit the regions in no useful order).
	const chunk = 2048
	var sig [][2]float64
	if keys == nil && np > 0 {
		sig = make([][2]float64, total*e.m)
		e.parallel((total+chunk-1)/chunk, func(ch int, _ *slabs) {
			for g := ch * chunk; g < min(total, (ch+1)*chunk); g++ {
				mg := mapsOf(g)
				for o := 0; o < e.m; o++ {
					mo := mg[o*d1 : (o+1)*d1]
					sc := 0.0
					for _, x := range mo {
						sc = max(sc, abs(x))
					}
					sig[g*e.m+o] = [2]float64{mo[0], sc}
				}
			}
		})
	}
	e.parallel((np+chunk-1)/chunk, func(ch int, _ *slabs) {
		for k := ch * chunk; k < min(np, (ch+1)*chunk); k++ {
			a, b := int(pa[k]), int(pb[k])
			if keys != nil {
				for o := range eq {
					eq[o][k] = keys[a][o] == keys[b][o]
				}
				continue
			}
			var ma, mb []float64
			for o := range eq {
				sa, sb := sig[a*e.m+o], sig[b*e.m+o]
				if abs(sa[0]-sb[0]) > mapTol*max(sa[1], sb[1]) {
					continue
				}
				if ma == nil {
					ma, mb = mapsOf(a), mapsOf(b)
				}
				eq[o][k] = mapsEqual(ma[o*d1:(o+1)*d1], mb[o*d1:(o+1)*d1])
			}
		}
	})
	count := func(outs []int) Counts {
		u := newUF(total)
		pieces := total
		for k := range pa {
			same := true
			for _, o := range outs {
				same = same && eq[o][k]
			}
			if same && u.union(pa[k], pb[k]) {
				pieces--
			}
		}
		maps := total
		if !unique {
			maps = e.distinct(outs, total, keys)
		}
		return Counts{Regions: total, Pieces: pieces, AffineMaps: maps}
	}
	all := make([]int, e.m)
	for o := range all {
		all[o] = o
		cx.Counts = append(cx.Counts, count([]int{o}))
	}
	cx.Joint = cx.Counts[0]
	if e.m > 1 {
		cx.Joint = count(all)
	}
	cx.Stats.Splits = e.splits.Load()
	cx.Stats.NearZero = e.near.Load()
	if e.opt.Adjacency {
		cx.Adjacent = make([][2]int, np)
		for k := range pa {
			a, b := int(pa[k]), int(pb[k])
			cx.Adjacent[k] = [2]int{min(a, b), max(a, b)}
		}
		slices.SortFunc(cx.Adjacent, func(x, y [2]int) int {
			if x[0] != y[0] {
				return x[0] - y[0]
			}
			return x[1] - y[1]
		})
	}
}

func dedupPairs(p [][2]int) [][2]int {
	out := p[:0]
	for i, x := range p {
		if i == 0 || x != p[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// consFloat turns exact constraints a·y ≤ b into float rows (a, b).
func consFloat(A [][]*big.Rat, b []*big.Rat) [][]float64 {
	rows := make([][]float64, len(A))
	for k := range A {
		r := make([]float64, len(A[k])+1)
		for i, a := range A[k] {
			r[i], _ = a.Float64()
		}
		r[len(A[k])], _ = b[k].Float64()
		rows[k] = r
	}
	return rows
}

// unitOf returns the hidden layer and index of global unit b.
func (e *engine) unitOf(b int) (int, int) {
	l := int(e.layerOf[b])
	return l, b - e.offs[l]
}

// slab hands out sub-slices of large blocks so that filling a Region costs
// no allocation of its own; reset recycles everything (for Stream).
type slab[T any] struct {
	blocks [][]T
	cur    int
	used   int
}

const slabBlock = 1 << 14

func (s *slab[T]) take(n int) []T {
	for {
		if s.cur < len(s.blocks) && s.used+n <= len(s.blocks[s.cur]) {
			r := s.blocks[s.cur][s.used : s.used+n : s.used+n]
			s.used += n
			return r
		}
		if s.cur < len(s.blocks) && s.used > 0 {
			s.cur++
			s.used = 0
			continue
		}
		if s.cur >= len(s.blocks) {
			s.blocks = append(s.blocks, make([]T, max(n, slabBlock)))
		} else if len(s.blocks[s.cur]) < n {
			s.blocks[s.cur] = make([]T, n)
		}
	}
}

func (s *slab[T]) reset() { s.cur, s.used = 0, 0 }

// slabs holds one slab per element type of a Region.
type slabs struct {
	f   slab[float64]
	u   slab[uint64]
	vs  slab[[]float64]
	fc  slab[Facet]
	aff slab[Affine]
}

func (s *slabs) reset() { s.f.reset(); s.u.reset(); s.vs.reset(); s.fc.reset(); s.aff.reset() }

// setFacet writes the inequality of a region's facet on the hyperplane
// h·(y, 1) = 0, for a region on its positive side (h ≥ 0, i.e.
// −h·y ≤ h_d) or on its negative side (h·y ≤ −h_d).
func setFacet(fc *Facet, h []float64, plus bool) {
	d := len(fc.Normal)
	if plus {
		for k := range fc.Normal {
			fc.Normal[k] = -h[k]
		}
		fc.Offset = h[d]
		return
	}
	copy(fc.Normal, h[:d])
	fc.Offset = -h[d]
}

// fillRegion writes region i of o into r, with storage from sl.
func (e *engine) fillRegion(r *Region, o *taskOut, i int, cons [][]float64, sl *slabs) {
	d, d1 := e.d, e.d+1
	r.Pattern = sl.u.take(e.pw)
	copy(r.Pattern, o.pat[i*e.pw:(i+1)*e.pw])
	r.Interior = sl.f.take(d)
	copy(r.Interior, o.inter[i*d:(i+1)*d])
	r.Maps = sl.aff.take(e.m)
	mf := sl.f.take(e.m * d1)
	copy(mf, o.maps[i*e.m*d1:(i+1)*e.m*d1])
	for k := range r.Maps {
		r.Maps[k] = Affine{Grad: mf[k*d1 : k*d1+d : k*d1+d], Const: mf[k*d1+d]}
	}
	r.Vertices = nil
	if len(o.vstart) > i+1 && len(o.verts) > 0 {
		nv := int(o.vstart[i+1] - o.vstart[i])
		r.Vertices = sl.vs.take(nv)
		vf := sl.f.take(nv * d)
		copy(vf, o.verts[int(o.vstart[i])*d:int(o.vstart[i+1])*d])
		for v := range r.Vertices {
			r.Vertices[v] = vf[v*d : (v+1)*d : (v+1)*d]
		}
	}
	nf := int(o.fstart[i+1] - o.fstart[i])
	r.Facets = sl.fc.take(nf)
	nrm := sl.f.take(nf * d)
	for fi := range r.Facets {
		f := int(o.fstart[i]) + fi
		fid := o.ffid[f]
		fc := &r.Facets[fi]
		fc.Normal = nrm[fi*d : (fi+1)*d : (fi+1)*d]
		fc.Neighbor = -1
		if o.fnb != nil {
			fc.Neighbor = int(o.fnb[f])
		}
		if fid >= 0 {
			h := e.nodeH(fid)
			nd := e.nodeAt(fid)
			l, u := e.unitOf(int(nd.unit))
			fc.Source = FacetSource{Layer: l, Unit: u}
			setFacet(fc, h, o.fside[f] > 0)
		} else {
			k := int(-fid - 1)
			fc.Source = FacetSource{Layer: -1, Unit: k}
			copy(fc.Normal, cons[k][:d])
			fc.Offset = cons[k][d]
		}
	}
}
