package tflite

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"unsafe"
)

// rebuild writes a parsed model back out with the Builder.
func rebuild(t *testing.T, m *Model) []byte {
	t.Helper()
	b := NewBuilder()
	b.Description = m.Description
	sg := &m.Subgraphs[0]
	for _, tn := range sg.Tensors {
		b.AddTensor(tn.Name, tn.Type, tn.Shape, tn.Data, tn.Quant)
	}
	for _, op := range sg.Operators {
		c := m.OperatorCodes[op.Opcode]
		var opts *OptionsTable
		o := op.Options
		u8 := func(i int) uint8 { v, _ := o.uint8(i, "", 0); return v }
		i32 := func(i int, d int32) int32 { v, _ := o.int32(i, "", d); return v }
		if op.HasOpts {
			switch c.Builtin {
			case OpConv2D:
				opts = Conv2DOptions(Padding(u8(0)), i32(1, 0), i32(2, 0), Activation(u8(3)))
			case OpDepthwiseConv2D:
				opts = DepthwiseConv2DOptions(Padding(u8(0)), i32(1, 0), i32(2, 0), i32(3, 0), Activation(u8(4)))
			case OpAveragePool2D, OpMaxPool2D:
				opts = Pool2DOptions(Padding(u8(0)), i32(1, 0), i32(2, 0), i32(3, 0), i32(4, 0), Activation(u8(5)))
			case OpFullyConnected:
				opts = FullyConnectedOptions(Activation(u8(0)))
			case OpSoftmax:
				beta, _ := o.float32(0, "", 1)
				opts = SoftmaxOptions(beta)
			case OpAdd:
				opts = AddOptions(Activation(u8(0)))
			}
		}
		b.AddOperator(c.Builtin, c.Version, op.Inputs, op.Outputs, opts)
	}
	b.SetIO(sg.Inputs, sg.Outputs)
	out, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Written back by the Builder, real models parse and give the very same
// outputs as the originals.
func TestBuilderRoundTrip(t *testing.T) {
	for _, c := range []struct{ model, input string }{
		{"person_detect/person_detect.tflite", "person_detect/person_input_int8.bin"},
		{"test_conv_model/test_conv_model.tflite", "test_conv_model/rand_1x16x16x1_float32.bin"},
		{"hello_world/hello_world_int8.tflite", "hello_world/x_test_int8.bin"},
	} {
		orig := readModel(t, c.model)
		in := readModel(t, c.input)
		m, err := Parse(orig)
		if err != nil {
			t.Fatal(err)
		}
		re := rebuild(t, m)
		m2, err := Parse(re)
		if err != nil {
			t.Fatalf("%s rebuilt: %v", c.model, err)
		}
		run := func(m *Model) []byte {
			it, err := NewInterpreter(m, BuiltinOps(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := len(it.Input(0).Data)
			copy(it.Input(0).Data, in[:n])
			if err := it.Invoke(); err != nil {
				t.Fatal(err)
			}
			return append([]byte(nil), it.Output(0).Data...)
		}
		if a, b := run(m), run(m2); !bytes.Equal(a, b) {
			t.Fatalf("%s: rebuilt model gives %v, original %v", c.model, b, a)
		}
		// Constant data is 16-byte aligned in the file: zero-copy views.
		for _, tn := range m2.Subgraphs[0].Tensors {
			if tn.Data != nil {
				if off := uintptr(unsafe.Pointer(&tn.Data[0])) - uintptr(unsafe.Pointer(&re[0])); off%16 != 0 {
					t.Fatalf("%s: tensor %q data at offset %d", c.model, tn.Name, off)
				}
			}
		}
		t.Logf("%s: %d bytes rebuilt as %d", c.model, len(orig), len(re))
	}
}

// A model built op by op: int8 FULLY_CONNECTED, checked against the
// quantised arithmetic done by hand.
func TestBuilderFullyConnected(t *testing.T) {
	b := NewBuilder()
	q := func(s float32, z int64) *Quantization {
		return &Quantization{Scale: []float32{s}, ZeroPoint: []int64{z}}
	}
	w := []int8{10, -20, 30, 40, 5, 6, -7, 8}
	wb := make([]byte, len(w))
	for i, v := range w {
		wb[i] = byte(v)
	}
	bias := make([]byte, 8)
	for i, v := range []int32{100, -50} {
		binary.LittleEndian.PutUint32(bias[4*i:], uint32(v))
	}
	in := b.AddTensor("in", Int8, []int32{1, 4}, nil, q(0.5, -3))
	wt := b.AddTensor("w", Int8, []int32{2, 4}, wb, q(0.25, 0))
	bt := b.AddTensor("b", Int32, []int32{2}, bias, q(0.125, 0))
	out := b.AddTensor("out", Int8, []int32{1, 2}, nil, q(2, 1))
	b.AddOperator(OpFullyConnected, 1, []int32{in, wt, bt}, []int32{out}, FullyConnectedOptions(ActNone))
	b.SetIO([]int32{in}, []int32{out})
	file, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	it, err := NewInterpreter(m, BuiltinOps(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := []int8{7, -1, 20, 3}
	copy(it.Input(0).Int8(), x)
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	for u := 0; u < 2; u++ {
		// Real arithmetic: y = Σ (0.25 w)(0.5 (x+3)) + 0.125 bias, then
		// quantised with scale 2 and zero point 1.
		acc := 0.125 * float64(int32(binary.LittleEndian.Uint32(bias[4*u:])))
		for d := 0; d < 4; d++ {
			acc += 0.25 * float64(w[u*4+d]) * 0.5 * float64(x[d]+3)
		}
		want := int8(math.Max(-128, math.Min(127, math.Round(acc/2)+1)))
		if got := it.Output(0).Int8()[u]; got != want {
			t.Errorf("unit %d: %d, want %d (real %.3f)", u, got, want, acc)
		}
	}
}

// Metadata round-trips through the Builder, and real converter files'
// metadata (min_runtime_version, …) parses.
func TestMetadata(t *testing.T) {
	m, err := Parse(readModel(t, "person_detect/person_detect.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	for _, md := range m.Metadata {
		t.Logf("person_detect metadata %q: %d bytes", md.Name, len(md.Data))
	}
	b := NewBuilder()
	in := b.AddTensor("in", Float32, []int32{1, 2}, nil, nil)
	out := b.AddTensor("out", Float32, []int32{1, 2}, nil, nil)
	b.AddOperator(OpRelu, 1, []int32{in}, []int32{out}, nil)
	b.SetIO([]int32{in}, []int32{out})
	b.Metadata = []Metadata{{"fovea.labels", []byte("cat\ndog")}, {"empty", nil}}
	file, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	m, err = Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := m.MetadataNamed("fovea.labels"); !ok || string(d) != "cat\ndog" {
		t.Fatalf("labels %q %v", d, ok)
	}
	if d, ok := m.MetadataNamed("empty"); !ok || len(d) != 0 {
		t.Fatalf("empty %q %v", d, ok)
	}
	if _, ok := m.MetadataNamed("missing"); ok {
		t.Fatal("missing metadata found")
	}
	// A metadata entry naming a buffer past the end is a format error.
	bad := bytes.Clone(file)
	nb := uint32(len(m.Buffers))
	patched := false
	for off := 0; off+4 <= len(bad); off += 4 {
		if binary.LittleEndian.Uint32(bad[off:]) == nb-2 && off > len(bad)-200 {
			binary.LittleEndian.PutUint32(bad[off:], 99)
			if _, err := Parse(bad); err != nil && bytes.Contains([]byte(err.Error()), []byte("buffer 99")) {
				patched = true
				break
			}
			binary.LittleEndian.PutUint32(bad[off:], nb-2)
		}
	}
	if !patched {
		t.Fatal("no patched file was rejected for its metadata buffer index")
	}
}
