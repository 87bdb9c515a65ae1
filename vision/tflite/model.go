package tflite

import (
	"fmt"
	"math"
)

// TensorType is a tensor element type (schema.fbs TensorType).
type TensorType int8

// Tensor types.
const (
	Float32 TensorType = 0
	Float16 TensorType = 1
	Int32   TensorType = 2
	Uint8   TensorType = 3
	Int64   TensorType = 4
	String  TensorType = 5
	Bool    TensorType = 6
	Int16   TensorType = 7
	Int8    TensorType = 9
)

var typeNames = map[TensorType]string{Float32: "float32", Float16: "float16", Int32: "int32", Uint8: "uint8",
	Int64: "int64", String: "string", Bool: "bool", Int16: "int16", Int8: "int8"}

func (t TensorType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type(%d)", int8(t))
}

// Size is the byte size of one element; 0 for types without a fixed size.
func (t TensorType) Size() int {
	switch t {
	case Float32, Int32:
		return 4
	case Int64:
		return 8
	case Int16, Float16:
		return 2
	case Uint8, Int8, Bool:
		return 1
	}
	return 0
}

// Quantization holds affine quantisation parameters: real = scale * (q - zero).
type Quantization struct {
	Scale     []float32
	ZeroPoint []int64
	Dim       int // quantized_dimension, for per-channel parameters
}

// PerChannel reports whether there is more than one scale.
func (q *Quantization) PerChannel() bool { return q != nil && len(q.Scale) > 1 }

// Tensor describes one tensor of a subgraph.
type Tensor struct {
	Name     string
	Type     TensorType
	Shape    []int32
	Buffer   int    // index into Model.Buffers; 0 is the empty buffer
	Data     []byte // constant data (a slice of the model file), or nil
	Quant    *Quantization
	Variable bool
}

// NumElements is the product of the shape.
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= int(d)
	}
	return n
}

// Bytes is the tensor's size in bytes.
func (t *Tensor) Bytes() int { return t.NumElements() * t.Type.Size() }

// Operator is one node of a subgraph.
type Operator struct {
	Opcode  int // index into Model.OperatorCodes
	Inputs  []int32
	Outputs []int32
	Options table // builtin_options, decoded by each kernel's Prepare
	HasOpts bool
	OptType uint8
}

// OperatorCode names an operator.
type OperatorCode struct {
	Builtin BuiltinOp
	Custom  string
	Version int32
}

// Subgraph is a graph of operators over tensors.
type Subgraph struct {
	Name      string
	Tensors   []Tensor
	Inputs    []int32
	Outputs   []int32
	Operators []Operator
}

// Model is a verified .tflite model. Constant tensor data and options stay in
// the file's buffer: the Model must not outlive it and the buffer must not
// change.
type Model struct {
	Version       uint32
	Description   string
	OperatorCodes []OperatorCode
	Subgraphs     []Subgraph
	Buffers       [][]byte
	Metadata      []Metadata
}

// Metadata is a named buffer of the model (schema: Model.metadata), such as
// TensorFlow's "min_runtime_version" or Fovea's "fovea.labels".
type Metadata struct {
	Name string
	Data []byte // the buffer's content, in the file
}

// MetadataNamed returns the data of the first metadata entry named name.
func (m *Model) MetadataNamed(name string) ([]byte, bool) {
	for _, md := range m.Metadata {
		if md.Name == name {
			return md.Data, true
		}
	}
	return nil, false
}

// maxFileSize bounds what Parse accepts (2 GiB is the FlatBuffers limit).
const maxFileSize = math.MaxInt32

// Parse reads and verifies a .tflite model in place. Any file, however
// malformed, gives a *FormatError naming the field and the problem.
func Parse(b []byte) (*Model, error) {
	if len(b) < 8 {
		return nil, &FormatError{"file", fmt.Sprintf("%d bytes is too short for a model", len(b))}
	}
	if len(b) > maxFileSize {
		return nil, &FormatError{"file", "larger than 2 GiB"}
	}
	if id := string(b[4:8]); id != "TFL3" {
		return nil, &FormatError{"file", fmt.Sprintf("identifier %q, want \"TFL3\" (not a TensorFlow Lite model)", id)}
	}
	f := fbuf{b}
	root, _ := f.u32(0)
	mt, err := f.table(int(root), "model")
	if err != nil {
		return nil, err
	}
	m := &Model{}
	if m.Version, err = mt.uint32(0, "version", 0); err != nil {
		return nil, err
	}
	if m.Version != 3 {
		return nil, mt.errf("version", "%d, want 3", m.Version)
	}
	if m.Description, err = mt.string(3, "description"); err != nil {
		return nil, err
	}
	if err := m.parseBuffers(mt, b); err != nil {
		return nil, err
	}
	mds, err := mt.tables(6, "metadata")
	if err != nil {
		return nil, err
	}
	for _, md := range mds {
		name, err := md.string(0, "metadata.name")
		if err != nil {
			return nil, err
		}
		buf, err := md.uint32(1, "metadata.buffer", 0)
		if err != nil {
			return nil, err
		}
		if int64(buf) >= int64(len(m.Buffers)) {
			return nil, md.errf("metadata.buffer", "%q names buffer %d of %d", name, buf, len(m.Buffers))
		}
		m.Metadata = append(m.Metadata, Metadata{Name: name, Data: m.Buffers[buf]})
	}
	ocs, err := mt.tables(1, "operator_codes")
	if err != nil {
		return nil, err
	}
	for _, oc := range ocs {
		dep, err := oc.uint8(0, "deprecated_builtin_code", 0)
		if err != nil {
			return nil, err
		}
		code, err := oc.int32(3, "builtin_code", 0)
		if err != nil {
			return nil, err
		}
		// Files from before builtin_code was added carry the code only in
		// the deprecated byte; TFLite takes the larger of the two.
		c := OperatorCode{Builtin: BuiltinOp(max(code, int32(dep)))}
		if c.Custom, err = oc.string(1, "custom_code"); err != nil {
			return nil, err
		}
		if c.Version, err = oc.int32(2, "version", 1); err != nil {
			return nil, err
		}
		m.OperatorCodes = append(m.OperatorCodes, c)
	}
	sgs, err := mt.tables(2, "subgraphs")
	if err != nil {
		return nil, err
	}
	if len(sgs) == 0 {
		return nil, mt.errf("subgraphs", "none")
	}
	for _, st := range sgs {
		sg, err := m.parseSubgraph(st)
		if err != nil {
			return nil, err
		}
		m.Subgraphs = append(m.Subgraphs, sg)
	}
	return m, nil
}

func (m *Model) parseBuffers(mt table, file []byte) error {
	bts, err := mt.tables(4, "buffers")
	if err != nil {
		return err
	}
	for _, bt := range bts {
		data, err := bt.bytes(0, "data")
		if err != nil {
			return err
		}
		// Large models keep data outside the flatbuffer (offset, size).
		off, err := bt.uint64(1, "offset")
		if err != nil {
			return err
		}
		size, err := bt.uint64(2, "size")
		if err != nil {
			return err
		}
		if off > 1 {
			if off > uint64(len(file)) || size > uint64(len(file))-off {
				return bt.errf("offset", "data at %d+%d outside the %d-byte file", off, size, len(file))
			}
			data = file[off : off+size : off+size]
		}
		m.Buffers = append(m.Buffers, data)
	}
	return nil
}

func (m *Model) parseSubgraph(st table) (Subgraph, error) {
	var sg Subgraph
	var err error
	if sg.Name, err = st.string(4, "name"); err != nil {
		return sg, err
	}
	tts, err := st.tables(0, "tensors")
	if err != nil {
		return sg, err
	}
	for _, tt := range tts {
		t, err := m.parseTensor(tt)
		if err != nil {
			return sg, err
		}
		sg.Tensors = append(sg.Tensors, t)
	}
	checkIdx := func(v []int32, name string, optional bool) error {
		for i, x := range v {
			if optional && x == -1 {
				continue
			}
			if x < 0 || int(x) >= len(sg.Tensors) {
				return st.errf(fmt.Sprintf("%s[%d]", name, i), "tensor index %d outside [0, %d)", x, len(sg.Tensors))
			}
		}
		return nil
	}
	if sg.Inputs, err = st.int32s(1, "inputs"); err != nil {
		return sg, err
	}
	if sg.Outputs, err = st.int32s(2, "outputs"); err != nil {
		return sg, err
	}
	if err := checkIdx(sg.Inputs, "inputs", false); err != nil {
		return sg, err
	}
	if err := checkIdx(sg.Outputs, "outputs", false); err != nil {
		return sg, err
	}
	ots, err := st.tables(3, "operators")
	if err != nil {
		return sg, err
	}
	for k, ot := range ots {
		var op Operator
		oc, err := ot.uint32(0, "opcode_index", 0)
		if err != nil {
			return sg, err
		}
		if int64(oc) >= int64(len(m.OperatorCodes)) { // int64: int(oc) wraps on 32-bit machines
			return sg, ot.errf("opcode_index", "%d outside [0, %d)", oc, len(m.OperatorCodes))
		}
		op.Opcode = int(oc)
		if op.Inputs, err = ot.int32s(1, "inputs"); err != nil {
			return sg, err
		}
		if op.Outputs, err = ot.int32s(2, "outputs"); err != nil {
			return sg, err
		}
		if err := checkIdx(op.Inputs, fmt.Sprintf("operators[%d].inputs", k), true); err != nil {
			return sg, err
		}
		if err := checkIdx(op.Outputs, fmt.Sprintf("operators[%d].outputs", k), false); err != nil {
			return sg, err
		}
		if op.OptType, err = ot.uint8(3, "builtin_options_type", 0); err != nil {
			return sg, err
		}
		if op.Options, op.HasOpts, err = ot.child(4, "builtin_options"); err != nil {
			return sg, err
		}
		sg.Operators = append(sg.Operators, op)
	}
	return sg, nil
}

func (m *Model) parseTensor(tt table) (Tensor, error) {
	var t Tensor
	var err error
	if t.Name, err = tt.string(3, "name"); err != nil {
		return t, err
	}
	ty, err := tt.uint8(1, "type", 0)
	if err != nil {
		return t, err
	}
	t.Type = TensorType(ty)
	if t.Shape, err = tt.int32s(0, "shape"); err != nil {
		return t, err
	}
	n := int64(1)
	for i, d := range t.Shape {
		if d < 0 {
			return t, tt.errf(fmt.Sprintf("shape[%d]", i), "dimension %d is negative (dynamic shapes are not supported)", d)
		}
		n *= int64(d)
		if n > math.MaxInt32/8 {
			// Any tensor's byte size then fits an int, even on 32-bit machines.
			return t, tt.errf("shape", "%v has more than 2^28 elements", t.Shape)
		}
	}
	buf, err := tt.uint32(2, "buffer", 0)
	if err != nil {
		return t, err
	}
	if int64(buf) >= int64(len(m.Buffers)) && !(buf == 0 && len(m.Buffers) == 0) { // int64: no wrap on 32-bit
		return t, tt.errf("buffer", "index %d outside [0, %d)", buf, len(m.Buffers))
	}
	t.Buffer = int(buf)
	if len(m.Buffers) > 0 && len(m.Buffers[buf]) > 0 {
		t.Data = m.Buffers[buf]
		if sz := t.Type.Size(); sz == 0 || int64(len(t.Data)) != n*int64(sz) {
			return t, tt.errf("buffer", "%d bytes of data for a %s tensor of shape %v (%q)", len(t.Data), t.Type, t.Shape, t.Name)
		}
	}
	if t.Variable, err = tt.bool(5, "is_variable", false); err != nil {
		return t, err
	}
	qt, ok, err := tt.child(4, "quantization")
	if err != nil {
		return t, err
	}
	if ok {
		q := &Quantization{}
		if q.Scale, err = qt.float32s(2, "scale"); err != nil {
			return t, err
		}
		if q.ZeroPoint, err = qt.int64s(3, "zero_point"); err != nil {
			return t, err
		}
		dim, err := qt.int32(6, "quantized_dimension", 0)
		if err != nil {
			return t, err
		}
		q.Dim = int(dim)
		if len(q.Scale) > 0 {
			if len(q.ZeroPoint) != len(q.Scale) {
				return t, qt.errf("zero_point", "%d zero points for %d scales", len(q.ZeroPoint), len(q.Scale))
			}
			for i, s := range q.Scale {
				if !(s > 0) || math.IsInf(float64(s), 0) {
					return t, qt.errf(fmt.Sprintf("scale[%d]", i), "%v is not a positive finite scale", s)
				}
			}
			// A per-channel vector must match its dimension when that
			// dimension exists. Like TFLite Micro, an out-of-range dimension
			// is let through here (person_detect's biases carry one): the
			// kernels that use per-channel parameters check their own.
			if len(q.Scale) > 1 && q.Dim >= 0 && q.Dim < len(t.Shape) && int(t.Shape[q.Dim]) != len(q.Scale) {
				return t, qt.errf("quantized_dimension", "%d with %d scales does not match shape %v", q.Dim, len(q.Scale), t.Shape)
			}
			t.Quant = q
		}
	}
	return t, nil
}
