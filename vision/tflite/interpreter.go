package tflite

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"unsafe"
)

// Tensor data at run time: a view of the arena or of the model's constant
// buffer. Kernels read and write it through the typed views.
type RTensor struct {
	Name  string
	Type  TensorType
	Shape []int
	Data  []byte
	Quant *Quantization
	Const bool
}

// NumElements is the product of the shape.
func (t *RTensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Dim returns dimension i, counting negative i from the end.
func (t *RTensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

func view[T any](b []byte) []T {
	var z T
	sz := int(unsafe.Sizeof(z))
	if len(b) < sz {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/sz)
}

// Int8 views the data as int8.
func (t *RTensor) Int8() []int8 { return view[int8](t.Data) }

// biasOf views an optional bias tensor's data; nil when it is absent.
func biasOf[T any](bias *RTensor) []T {
	if bias == nil {
		return nil
	}
	return view[T](bias.Data)
}

// Int16 views the data as int16.
func (t *RTensor) Int16() []int16 { return view[int16](t.Data) }

// Int32 views the data as int32.
func (t *RTensor) Int32() []int32 { return view[int32](t.Data) }

// Float32 views the data as float32.
func (t *RTensor) Float32() []float32 { return view[float32](t.Data) }

// Scale is the (first) quantisation scale, 0 when unquantised.
func (t *RTensor) Scale() float32 {
	if t.Quant == nil || len(t.Quant.Scale) == 0 {
		return 0
	}
	return t.Quant.Scale[0]
}

// ZeroPoint is the (first) zero point.
func (t *RTensor) ZeroPoint() int32 {
	if t.Quant == nil || len(t.Quant.ZeroPoint) == 0 {
		return 0
	}
	return int32(t.Quant.ZeroPoint[0])
}

// Node is one operator instance, as its kernel sees it.
type Node struct {
	Op      BuiltinOp
	Version int32
	Index   int
	inputs  []*RTensor
	outputs []*RTensor
	opts    table
	hasOpts bool
	// Cost is the work of one Eval in multiply-accumulates (or elements),
	// set by Prepare; the interpreter bounds the model's total.
	Cost    int64
	workers *workers
}

// NumInputs is how many inputs the node has (optional ones included).
func (n *Node) NumInputs() int { return len(n.inputs) }

// Input returns input i, or nil when it is absent (optional) or out of range.
func (n *Node) Input(i int) *RTensor {
	if i < 0 || i >= len(n.inputs) {
		return nil
	}
	return n.inputs[i]
}

// Output returns output i, or nil.
func (n *Node) Output(i int) *RTensor {
	if i < 0 || i >= len(n.outputs) {
		return nil
	}
	return n.outputs[i]
}

func (n *Node) errf(format string, a ...any) error {
	return fmt.Errorf("tflite: %s (operator %d): %s", n.Op, n.Index, fmt.Sprintf(format, a...))
}

// unaryIO returns an element-wise operator's input and output, checked to
// exist, share type and element count, and be float32 or int8 with
// quantisation parameters: the types every element-wise kernel here runs.
func unaryIO(n *Node) (in, out *RTensor, err error) {
	in, out = n.Input(0), n.Output(0)
	if in == nil || out == nil || in.Type != out.Type || in.NumElements() != out.NumElements() {
		return nil, nil, n.errf("input and output must match in type and size")
	}
	switch in.Type {
	case Float32:
	case Int8:
		if err := requireQuant(n, in, out); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, n.errf("type %s unsupported", in.Type)
	}
	return in, out, nil
}

// requireQuant fails unless every tensor carries quantisation parameters.
func requireQuant(n *Node, ts ...*RTensor) error {
	for _, t := range ts {
		if t.Quant == nil || len(t.Quant.Scale) == 0 {
			return n.errf("%s tensor %q without quantisation parameters", t.Type, t.Name)
		}
	}
	return nil
}

// Kernel is one operator's implementation, in TFLite Micro's shape: all
// validation and precomputation in Prepare, a lean Eval that allocates
// nothing.
type Kernel interface {
	Prepare(n *Node) error
	Eval(n *Node) error
}

// Registration makes kernels of one builtin operator.
type Registration struct {
	MaxVersion int32
	New        func() Kernel
}

// OpResolver maps operators to kernels. Register only what a binary needs,
// as TFLite Micro's MicroMutableOpResolver does, or take BuiltinOps.
type OpResolver struct {
	m map[BuiltinOp]Registration
}

// NewOpResolver returns an empty resolver.
func NewOpResolver() *OpResolver { return &OpResolver{m: map[BuiltinOp]Registration{}} }

// Register adds an operator.
func (r *OpResolver) Register(op BuiltinOp, reg Registration) { r.m[op] = reg }

// Ops lists the registered operators.
func (r *OpResolver) Ops() []BuiltinOp {
	out := make([]BuiltinOp, 0, len(r.m))
	for k := range r.m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Interpreter runs subgraph 0 of a model in one arena.
type Interpreter struct {
	model   *Model
	tensors []RTensor
	nodes   []Node
	kernels []Kernel
	inputs  []*RTensor
	outputs []*RTensor
	arena   []byte
	used    int
	vars    []*RTensor
	macs    int64
	workers *workers
}

// MACs is the work of one Invoke, in multiply-accumulates (elements for
// element-wise operators).
func (it *Interpreter) MACs() int64 { return it.macs }

// Options configure an interpreter.
type Options struct {
	// Arena is the caller-owned memory for every non-constant tensor. Nil
	// allocates one of exactly the size needed (see Interpreter.ArenaUsed).
	Arena []byte
	// MaxMACs bounds the work of one Invoke, in multiply-accumulates
	// (DefaultMaxMACs when zero): a hostile file cannot make Invoke run for
	// hours.
	MaxMACs int64
	// MaxArena bounds the arena a model may ask for when Arena is nil
	// (DefaultMaxArena when zero): a hostile file cannot make it allocate
	// gigabytes.
	MaxArena int
	// Threads is how many goroutines the large convolutions and fully
	// connected layers split into (1 when zero). The bytes are the same for
	// any number; Close stops the extra goroutines.
	Threads int
}

// DefaultMaxMACs is far above any edge model (MobileNet v2 at 224×224 is
// 0.3 G).
const DefaultMaxMACs = 100e9

// DefaultMaxArena is the largest arena allocated for a model by default.
const DefaultMaxArena = 512 << 20

const arenaAlign = 16

// NewInterpreter resolves every operator (an unsupported one is an error
// naming it and its version), plans the arena by tensor lifetimes and
// prepares every kernel.
func NewInterpreter(m *Model, r *OpResolver, o Options) (*Interpreter, error) {
	if m == nil || len(m.Subgraphs) == 0 {
		return nil, errors.New("tflite: interpreter: no model")
	}
	sg := &m.Subgraphs[0]
	it := &Interpreter{model: m, tensors: make([]RTensor, len(sg.Tensors))}
	// Resolve first: an unsupported model fails before any work.
	for i := range sg.Operators {
		op := &sg.Operators[i]
		code := m.OperatorCodes[op.Opcode]
		if code.Builtin == 32 || code.Custom != "" { // CUSTOM
			return nil, fmt.Errorf("tflite: operator %d: custom operator %q is not supported", i, code.Custom)
		}
		reg, ok := r.m[code.Builtin]
		if !ok {
			return nil, fmt.Errorf("tflite: operator %d: %s version %d is not supported (no kernel registered)", i, code.Builtin, code.Version)
		}
		if code.Version > reg.MaxVersion {
			return nil, fmt.Errorf("tflite: operator %d: %s version %d is newer than the kernel's %d", i, code.Builtin, code.Version, reg.MaxVersion)
		}
		it.kernels = append(it.kernels, reg.New())
	}
	for i := range sg.Tensors {
		st := &sg.Tensors[i]
		t := &it.tensors[i]
		t.Name, t.Type, t.Quant = st.Name, st.Type, st.Quant
		t.Shape = make([]int, len(st.Shape))
		for k, d := range st.Shape {
			t.Shape[k] = int(d)
		}
		if st.Type.Size() == 0 {
			return nil, fmt.Errorf("tflite: tensor %d (%q): type %s is not supported", i, st.Name, st.Type)
		}
		if st.Data != nil {
			t.Const = true
			t.Data = st.Data
			if uintptr(unsafe.Pointer(unsafe.SliceData(st.Data)))%uintptr(st.Type.Size()) != 0 {
				t.Data = slices.Clone(st.Data) // misaligned in the file
			}
		}
	}
	if o.MaxArena <= 0 {
		o.MaxArena = DefaultMaxArena
	}
	if err := it.plan(sg, o.Arena, o.MaxArena); err != nil {
		return nil, err
	}
	for _, x := range sg.Inputs {
		it.inputs = append(it.inputs, &it.tensors[x])
	}
	for _, x := range sg.Outputs {
		it.outputs = append(it.outputs, &it.tensors[x])
	}
	if o.Threads > 1 {
		it.workers = newWorkers(min(o.Threads, 256))
		// An interpreter dropped without Close still stops its goroutines.
		runtime.AddCleanup(it, (*workers).stop, it.workers)
	}
	it.nodes = make([]Node, len(sg.Operators))
	maxMACs := o.MaxMACs
	if maxMACs <= 0 {
		maxMACs = DefaultMaxMACs
	}
	var total int64
	for i := range sg.Operators {
		op := &sg.Operators[i]
		code := m.OperatorCodes[op.Opcode]
		n := &it.nodes[i]
		n.Op, n.Version, n.Index, n.opts, n.hasOpts = code.Builtin, code.Version, i, op.Options, op.HasOpts
		n.workers = it.workers
		for _, x := range op.Inputs {
			if x < 0 {
				n.inputs = append(n.inputs, nil)
			} else {
				n.inputs = append(n.inputs, &it.tensors[x])
			}
		}
		for _, x := range op.Outputs {
			n.outputs = append(n.outputs, &it.tensors[x])
		}
		if err := it.kernels[i].Prepare(n); err != nil {
			return nil, err
		}
		if n.Cost == 0 {
			for _, t := range n.outputs {
				n.Cost += int64(t.NumElements())
			}
		}
		total += n.Cost
		if total > maxMACs {
			return nil, fmt.Errorf("tflite: the model needs more than %d multiply-accumulates per invoke (operator %d, %s)", maxMACs, i, n.Op)
		}
	}
	it.macs = total
	return it, nil
}

// plan places every non-constant tensor in the arena: greedy by size over
// lifetimes [first use, last use], as TFLite Micro's GreedyMemoryPlanner.
func (it *Interpreter) plan(sg *Subgraph, arena []byte, maxArena int) error {
	n := len(sg.Operators)
	first := make([]int, len(sg.Tensors))
	last := make([]int, len(sg.Tensors))
	for i := range first {
		first[i], last[i] = -1, -1
	}
	use := func(t int32, at int) {
		if t < 0 || it.tensors[t].Const {
			return
		}
		if first[t] < 0 || at < first[t] {
			first[t] = at
		}
		if at > last[t] {
			last[t] = at
		}
	}
	for _, t := range sg.Inputs {
		use(t, 0)
	}
	for i, op := range sg.Operators {
		for _, t := range op.Inputs {
			use(t, i)
		}
		for _, t := range op.Outputs {
			use(t, i)
		}
	}
	for _, t := range sg.Outputs {
		use(t, n)
	}
	for i := range sg.Tensors {
		if sg.Tensors[i].Variable && !it.tensors[i].Const {
			first[i], last[i] = 0, n
			it.vars = append(it.vars, &it.tensors[i])
		}
	}
	type buf struct{ t, size, off int }
	var bufs []buf
	for i := range sg.Tensors {
		if first[i] < 0 {
			continue
		}
		size := sg.Tensors[i].Bytes()
		bufs = append(bufs, buf{t: i, size: (size + arenaAlign - 1) / arenaAlign * arenaAlign})
	}
	slices.SortStableFunc(bufs, func(a, b buf) int { return b.size - a.size })
	total := 0
	var live []buf // placed buffers alive at the same time as the current one
	for k := range bufs {
		b := &bufs[k]
		live = live[:0]
		for j := 0; j < k; j++ {
			p := bufs[j]
			if last[p.t] >= first[b.t] && last[b.t] >= first[p.t] {
				live = append(live, p)
			}
		}
		// First fit: the lowest gap between live buffers that holds b.
		slices.SortFunc(live, func(x, y buf) int { return x.off - y.off })
		off := 0
		for _, p := range live {
			if off+b.size <= p.off {
				break
			}
			off = max(off, p.off+p.size)
		}
		b.off = off
		total = max(total, off+b.size)
	}
	if arena == nil {
		if total > maxArena {
			return fmt.Errorf("tflite: the model needs an arena of %d bytes, more than the %d allowed", total, maxArena)
		}
		arena = make([]byte, total+arenaAlign)
	}
	base := int(arenaAlign-uintptr(unsafe.Pointer(unsafe.SliceData(arena)))%arenaAlign) % arenaAlign
	if len(arena) < base+total {
		return fmt.Errorf("tflite: arena of %d bytes is too small: the model needs %d", len(arena), base+total)
	}
	for _, b := range bufs {
		sz := sg.Tensors[b.t].Bytes()
		it.tensors[b.t].Data = arena[base+b.off : base+b.off+sz : base+b.off+sz]
	}
	it.arena, it.used = arena, base+total
	for _, v := range it.vars {
		clear(v.Data)
	}
	return nil
}

// Close stops the goroutines of Options.Threads; later invokes run on the
// calling goroutine alone.
func (it *Interpreter) Close() {
	if it.workers != nil {
		it.workers.stop()
		it.workers = nil
		for i := range it.nodes {
			it.nodes[i].workers = nil
		}
	}
}

// ArenaUsed is how many bytes of the arena the plan uses.
func (it *Interpreter) ArenaUsed() int { return it.used }

// Inputs and Outputs are the subgraph's input and output tensors; write
// inputs before Invoke, read outputs after.
func (it *Interpreter) Inputs() []*RTensor  { return it.inputs }
func (it *Interpreter) Outputs() []*RTensor { return it.outputs }

// Input returns input i, or nil.
func (it *Interpreter) Input(i int) *RTensor {
	if i < 0 || i >= len(it.inputs) {
		return nil
	}
	return it.inputs[i]
}

// Output returns output i, or nil.
func (it *Interpreter) Output(i int) *RTensor {
	if i < 0 || i >= len(it.outputs) {
		return nil
	}
	return it.outputs[i]
}

// Nodes returns the prepared nodes, for inspection.
func (it *Interpreter) Nodes() []Node { return it.nodes }

// Tensors returns every tensor of the subgraph, for inspection.
func (it *Interpreter) Tensors() []RTensor { return it.tensors }

// ResetVariables zeroes the variable (state) tensors.
func (it *Interpreter) ResetVariables() {
	for _, v := range it.vars {
		clear(v.Data)
	}
}

// Invoke runs every operator in order. It allocates nothing.
func (it *Interpreter) Invoke() error {
	for i := range it.nodes {
		if err := it.kernels[i].Eval(&it.nodes[i]); err != nil {
			return err
		}
	}
	return nil
}
