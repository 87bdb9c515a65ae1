package tflite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Builder writes .tflite files: models built op by op, for tests and for the
// models Fovea trains. Files follow schema.fbs (version 3) and are read by
// Parse and by TensorFlow Lite alike. Tensor data is 16-byte aligned.
type Builder struct {
	Description string
	Metadata    []Metadata // written as Model.metadata, each in its own buffer
	tensors     []btensor
	ops         []bop
	codes       []OperatorCode
	buffers     [][]byte
	inputs      []int32
	outputs     []int32
}

type btensor struct {
	name     string
	typ      TensorType
	shape    []int32
	buffer   uint32
	quant    *Quantization
	variable bool
}

type bop struct {
	opcode          uint32
	inputs, outputs []int32
	opts            *OptionsTable
}

// OptionsTable is a builtin_options table: its union type and its fields by
// slot. Use the constructors (Conv2DOptions, …).
type OptionsTable struct {
	Type   uint8
	fields []ofield
}

type ofield struct {
	slot int
	size int // 1 or 4
	bits uint32
}

func (o *OptionsTable) u8(slot int, v uint8) *OptionsTable {
	o.fields = append(o.fields, ofield{slot, 1, uint32(v)})
	return o
}

func (o *OptionsTable) i32(slot int, v int32) *OptionsTable {
	for i := range o.fields {
		if o.fields[i].slot == slot { // a second value replaces the first
			o.fields[i] = ofield{slot, 4, uint32(v)}
			return o
		}
	}
	o.fields = append(o.fields, ofield{slot, 4, uint32(v)})
	return o
}

func (o *OptionsTable) f32(slot int, v float32) *OptionsTable {
	o.fields = append(o.fields, ofield{slot, 4, math.Float32bits(v)})
	return o
}

// Builtin options union types (schema.fbs BuiltinOptions).
const (
	optConv2D          = 1
	optDepthwiseConv2D = 2
	optPool2D          = 5
	optFullyConnected  = 8
	optSoftmax         = 9
	optConcatenation   = 10
	optAdd             = 11
	optReshape         = 17
	optStridedSlice    = 32
	optLeakyRelu       = 75
)

// Conv2DOptions are CONV_2D's options.
func Conv2DOptions(p Padding, strideW, strideH int32, act Activation) *OptionsTable {
	return (&OptionsTable{Type: optConv2D}).u8(0, uint8(p)).i32(1, strideW).i32(2, strideH).u8(3, uint8(act)).i32(4, 1).i32(5, 1)
}

// DepthwiseConv2DOptions are DEPTHWISE_CONV_2D's options.
func DepthwiseConv2DOptions(p Padding, strideW, strideH, depthMultiplier int32, act Activation) *OptionsTable {
	return (&OptionsTable{Type: optDepthwiseConv2D}).u8(0, uint8(p)).i32(1, strideW).i32(2, strideH).i32(3, depthMultiplier).u8(4, uint8(act)).i32(5, 1).i32(6, 1)
}

// Pool2DOptions are AVERAGE_POOL_2D's and MAX_POOL_2D's options.
func Pool2DOptions(p Padding, strideW, strideH, filterW, filterH int32, act Activation) *OptionsTable {
	return (&OptionsTable{Type: optPool2D}).u8(0, uint8(p)).i32(1, strideW).i32(2, strideH).i32(3, filterW).i32(4, filterH).u8(5, uint8(act))
}

// FullyConnectedOptions are FULLY_CONNECTED's options.
func FullyConnectedOptions(act Activation) *OptionsTable {
	return (&OptionsTable{Type: optFullyConnected}).u8(0, uint8(act))
}

// SoftmaxOptions are SOFTMAX's options.
func SoftmaxOptions(beta float32) *OptionsTable {
	return (&OptionsTable{Type: optSoftmax}).f32(0, beta)
}

// ConcatenationOptions are CONCATENATION's options.
func ConcatenationOptions(axis int32) *OptionsTable {
	return (&OptionsTable{Type: optConcatenation}).i32(0, axis).u8(1, 0)
}

// StridedSliceOptions are STRIDED_SLICE's options (masks by axis bit).
func StridedSliceOptions(beginMask, endMask, shrinkAxisMask int32) *OptionsTable {
	return (&OptionsTable{Type: optStridedSlice}).i32(0, beginMask).i32(1, endMask).i32(2, 0).i32(3, 0).i32(4, shrinkAxisMask)
}

// LeakyReluOptions are LEAKY_RELU's options.
func LeakyReluOptions(alpha float32) *OptionsTable {
	return (&OptionsTable{Type: optLeakyRelu}).f32(0, alpha)
}

// AddOptions are ADD's options.
func AddOptions(act Activation) *OptionsTable {
	return (&OptionsTable{Type: optAdd}).u8(0, uint8(act))
}

// NewBuilder returns a builder with buffer 0, the empty buffer every
// model starts with.
func NewBuilder() *Builder { return &Builder{buffers: [][]byte{nil}} }

// AddTensor adds a tensor and returns its index. data (nil for activations)
// is its constant content, little-endian.
func (b *Builder) AddTensor(name string, typ TensorType, shape []int32, data []byte, q *Quantization) int32 {
	t := btensor{name: name, typ: typ, shape: shape, quant: q}
	if data != nil {
		b.buffers = append(b.buffers, data)
		t.buffer = uint32(len(b.buffers) - 1)
	}
	b.tensors = append(b.tensors, t)
	return int32(len(b.tensors) - 1)
}

// AddOperator appends an operator; inputs −1 are absent optional inputs.
func (b *Builder) AddOperator(op BuiltinOp, version int32, inputs, outputs []int32, opts *OptionsTable) {
	idx := -1
	for i, c := range b.codes {
		if c.Builtin == op && c.Version == version {
			idx = i
		}
	}
	if idx < 0 {
		b.codes = append(b.codes, OperatorCode{Builtin: op, Version: version})
		idx = len(b.codes) - 1
	}
	b.ops = append(b.ops, bop{opcode: uint32(idx), inputs: inputs, outputs: outputs, opts: opts})
}

// SetIO sets the subgraph's inputs and outputs.
func (b *Builder) SetIO(inputs, outputs []int32) { b.inputs, b.outputs = inputs, outputs }

// Bytes serialises the model.
func (b *Builder) Bytes() ([]byte, error) {
	if len(b.tensors) == 0 || len(b.inputs) == 0 || len(b.outputs) == 0 {
		return nil, errors.New("tflite: builder: a model needs tensors, inputs and outputs")
	}
	for _, t := range b.tensors {
		if t.buffer != 0 {
			n := int64(1)
			for _, d := range t.shape {
				n *= int64(d)
			}
			if int64(len(b.buffers[t.buffer])) != n*int64(t.typ.Size()) {
				return nil, fmt.Errorf("tflite: builder: tensor %q: %d bytes for %s %v", t.name, len(b.buffers[t.buffer]), t.typ, t.shape)
			}
		}
	}
	buffers := b.buffers
	mdBuf := make([]uint32, len(b.Metadata))
	for i, md := range b.Metadata {
		buffers = append(buffers[:len(buffers):len(buffers)], md.Data)
		mdBuf[i] = uint32(len(buffers) - 1)
	}
	w := &fbwriter{b: make([]byte, 8)}
	copy(w.b[4:], "TFL3")
	root := w.table([]wfield{
		{slot: 0, size: 4, bits: 3},
		{slot: 1, child: func() int {
			return w.tables(len(b.codes), func(i int) int {
				c := b.codes[i]
				dep := uint32(min(c.Builtin, 127))
				return w.table([]wfield{{slot: 0, size: 1, bits: dep}, {slot: 2, size: 4, bits: uint32(c.Version)}, {slot: 3, size: 4, bits: uint32(c.Builtin)}})
			})
		}},
		{slot: 2, child: func() int { return w.tables(1, func(int) int { return b.subgraph(w) }) }},
		{slot: 3, child: func() int { return w.str(b.Description) }},
		{slot: 4, child: func() int {
			return w.tables(len(buffers), func(i int) int {
				if len(buffers[i]) == 0 {
					return w.table(nil)
				}
				return w.table([]wfield{{slot: 0, child: func() int { return w.vec(buffers[i], len(buffers[i]), 16) }}})
			})
		}},
		{slot: 6, child: func() int {
			return w.tables(len(b.Metadata), func(i int) int {
				return w.table([]wfield{{slot: 0, child: func() int { return w.str(b.Metadata[i].Name) }}, {slot: 1, size: 4, bits: mdBuf[i]}})
			})
		}},
	})
	binary.LittleEndian.PutUint32(w.b[0:], uint32(root))
	return w.b, nil
}

func (b *Builder) subgraph(w *fbwriter) int {
	return w.table([]wfield{
		{slot: 0, child: func() int {
			return w.tables(len(b.tensors), func(i int) int {
				t := b.tensors[i]
				f := []wfield{
					{slot: 0, child: func() int { return w.i32s(t.shape) }},
					{slot: 1, size: 1, bits: uint32(t.typ)},
					{slot: 2, size: 4, bits: t.buffer},
					{slot: 3, child: func() int { return w.str(t.name) }},
				}
				if t.quant != nil {
					q := t.quant
					f = append(f, wfield{slot: 4, child: func() int {
						return w.table([]wfield{
							{slot: 2, child: func() int {
								raw := make([]byte, 4*len(q.Scale))
								for k, s := range q.Scale {
									binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(s))
								}
								return w.vec(raw, len(q.Scale), 4)
							}},
							{slot: 3, child: func() int {
								raw := make([]byte, 8*len(q.ZeroPoint))
								for k, z := range q.ZeroPoint {
									binary.LittleEndian.PutUint64(raw[8*k:], uint64(z))
								}
								return w.vec(raw, len(q.ZeroPoint), 8)
							}},
							{slot: 6, size: 4, bits: uint32(q.Dim)},
						})
					}})
				}
				if t.variable {
					f = append(f, wfield{slot: 5, size: 1, bits: 1})
				}
				return w.table(f)
			})
		}},
		{slot: 1, child: func() int { return w.i32s(b.inputs) }},
		{slot: 2, child: func() int { return w.i32s(b.outputs) }},
		{slot: 3, child: func() int {
			return w.tables(len(b.ops), func(i int) int {
				op := b.ops[i]
				f := []wfield{
					{slot: 0, size: 4, bits: op.opcode},
					{slot: 1, child: func() int { return w.i32s(op.inputs) }},
					{slot: 2, child: func() int { return w.i32s(op.outputs) }},
				}
				if op.opts != nil {
					o := op.opts
					f = append(f, wfield{slot: 3, size: 1, bits: uint32(o.Type)}, wfield{slot: 4, child: func() int {
						fs := make([]wfield, len(o.fields))
						for k, of := range o.fields {
							fs[k] = wfield{slot: of.slot, size: of.size, bits: of.bits}
						}
						return w.table(fs)
					}})
				}
				return w.table(f)
			})
		}},
		{slot: 4, child: func() int { return w.str("main") }},
	})
}

// fbwriter lays a flatbuffer out front to back: a table's vtable, then
// the table, then its children, so every uoffset points forwards.
type fbwriter struct{ b []byte }

type wfield struct {
	slot  int
	size  int // 1 or 4 for scalars; 0 for a child
	bits  uint32
	child func() int // writes the child and returns its position
}

func (w *fbwriter) pad(align int) {
	for len(w.b)%align != 0 {
		w.b = append(w.b, 0)
	}
}

func (w *fbwriter) u32(v uint32) int {
	p := len(w.b)
	w.b = binary.LittleEndian.AppendUint32(w.b, v)
	return p
}

func (w *fbwriter) table(fields []wfield) int {
	nslots := 0
	for _, f := range fields {
		nslots = max(nslots, f.slot+1)
	}
	w.pad(4)
	vt := len(w.b)
	vtLen := 4 + 2*nslots
	w.b = append(w.b, make([]byte, vtLen)...)
	w.pad(4)
	tpos := len(w.b)
	w.u32(uint32(int32(tpos - vt))) // soffset: vtable = table − soffset
	type patch struct {
		at    int
		child func() int
	}
	var patches []patch
	offs := make([]int, nslots)
	for _, f := range fields {
		offs[f.slot] = len(w.b) - tpos
		if f.child != nil {
			patches = append(patches, patch{w.u32(0), f.child})
			continue
		}
		w.u32(f.bits) // 1-byte scalars sit at the start of a 4-byte slot
	}
	objLen := len(w.b) - tpos
	binary.LittleEndian.PutUint16(w.b[vt:], uint16(vtLen))
	binary.LittleEndian.PutUint16(w.b[vt+2:], uint16(objLen))
	for i, o := range offs {
		binary.LittleEndian.PutUint16(w.b[vt+4+2*i:], uint16(o))
	}
	for _, p := range patches {
		c := p.child()
		binary.LittleEndian.PutUint32(w.b[p.at:], uint32(c-p.at))
	}
	return tpos
}

// vec writes a vector of n elements (raw bytes) with its data aligned.
func (w *fbwriter) vec(raw []byte, n, align int) int {
	align = max(align, 4)
	for (len(w.b)+4)%align != 0 {
		w.b = append(w.b, 0)
	}
	p := w.u32(uint32(n))
	w.b = append(w.b, raw...)
	return p
}

func (w *fbwriter) str(s string) int {
	p := w.vec([]byte(s), len(s), 4)
	w.b = append(w.b, 0)
	return p
}

func (w *fbwriter) i32s(v []int32) int {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return w.vec(raw, len(v), 4)
}

func (w *fbwriter) tables(n int, each func(i int) int) int {
	w.pad(4)
	p := w.u32(uint32(n))
	slots := make([]int, n)
	for i := range slots {
		slots[i] = w.u32(0)
	}
	for i := range slots {
		c := each(i)
		binary.LittleEndian.PutUint32(w.b[slots[i]:], uint32(c-slots[i]))
	}
	return p
}
