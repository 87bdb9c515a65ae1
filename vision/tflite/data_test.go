package tflite

import (
	"encoding/binary"
	"math"
	"testing"
)

func i32bytes(v ...int32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return b
}

// loadOneOp builds a model of one operator and prepares an interpreter.
func loadOneOp(op BuiltinOp, opts *OptionsTable, build func(b *Builder) (ins, outs []int32, io []int32), o ...Options) (*Interpreter, error) {
	b := NewBuilder()
	ins, outs, io := build(b)
	b.AddOperator(op, 1, ins, outs, opts)
	b.SetIO(io, outs)
	file, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	m, err := Parse(file)
	if err != nil {
		return nil, err
	}
	return NewInterpreter(m, BuiltinOps(), append(o, Options{})[0])
}

// oneOp is loadOneOp that must succeed.
func oneOp(t *testing.T, op BuiltinOp, opts *OptionsTable, build func(b *Builder) (ins, outs []int32, io []int32), o ...Options) *Interpreter {
	t.Helper()
	it, err := loadOneOp(op, opts, build, o...)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestTransposeNCHWToNHWC(t *testing.T) {
	it := oneOp(t, OpTranspose, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Float32, []int32{1, 2, 3, 4}, nil, nil)
		perm := b.AddTensor("perm", Int32, []int32{4}, i32bytes(0, 2, 3, 1), nil)
		out := b.AddTensor("out", Float32, []int32{1, 3, 4, 2}, nil, nil)
		return []int32{in, perm}, []int32{out}, []int32{in}
	})
	x := it.Input(0).Float32()
	for i := range x {
		x[i] = float32(i)
	}
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	y := it.Output(0).Float32()
	for h := 0; h < 3; h++ {
		for w := 0; w < 4; w++ {
			for c := 0; c < 2; c++ {
				if got, want := y[(h*4+w)*2+c], x[(c*3+h)*4+w]; got != want {
					t.Fatalf("out[0,%d,%d,%d] = %v, want in[0,%d,%d,%d] = %v", h, w, c, got, c, h, w, want)
				}
			}
		}
	}
}

func TestPadInt8FillsZeroPoint(t *testing.T) {
	it := oneOp(t, OpPad, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Int8, []int32{1, 2, 2, 1}, nil, q1(0.1, -5))
		pads := b.AddTensor("pads", Int32, []int32{4, 2}, i32bytes(0, 0, 1, 1, 2, 0, 0, 0), nil)
		out := b.AddTensor("out", Int8, []int32{1, 4, 4, 1}, nil, q1(0.1, -5))
		return []int32{in, pads}, []int32{out}, []int32{in}
	})
	copy(it.Input(0).Int8(), []int8{1, 2, 3, 4})
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	want := []int8{
		-5, -5, -5, -5,
		-5, -5, 1, 2,
		-5, -5, 3, 4,
		-5, -5, -5, -5,
	}
	for i, v := range it.Output(0).Int8() {
		if v != want[i] {
			t.Fatalf("padded %v, want %v", it.Output(0).Int8(), want)
		}
	}
}

func TestConcatenation(t *testing.T) {
	it := oneOp(t, OpConcatenation, ConcatenationOptions(-1), func(b *Builder) ([]int32, []int32, []int32) {
		a := b.AddTensor("a", Int8, []int32{2, 2}, nil, q1(0.5, 0))
		c := b.AddTensor("c", Int8, []int32{2, 1}, nil, q1(0.5, 0))
		out := b.AddTensor("out", Int8, []int32{2, 3}, nil, q1(0.5, 0))
		return []int32{a, c}, []int32{out}, []int32{a, c}
	})
	copy(it.Input(0).Int8(), []int8{1, 2, 3, 4})
	copy(it.Input(1).Int8(), []int8{9, 8})
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	want := []int8{1, 2, 9, 3, 4, 8}
	for i, v := range it.Output(0).Int8() {
		if v != want[i] {
			t.Fatalf("concatenated %v, want %v", it.Output(0).Int8(), want)
		}
	}
}

func TestReluInt8(t *testing.T) {
	it := oneOp(t, OpRelu, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Int8, []int32{256}, nil, q1(0.05, 10))
		out := b.AddTensor("out", Int8, []int32{256}, nil, q1(0.03, -128))
		return []int32{in}, []int32{out}, []int32{in}
	})
	x := it.Input(0).Int8()
	for i := range x {
		x[i] = int8(i - 128)
	}
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	for i, got := range it.Output(0).Int8() {
		real := math.Max(0, 0.05*float64(int(x[i])-10))
		want := math.Min(127, math.Round(real/0.03)-128)
		if math.Abs(float64(got)-want) > 1 {
			t.Fatalf("relu(%d) = %d, want %v", x[i], got, want)
		}
	}
	it = oneOp(t, OpRelu6, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Int8, []int32{256}, nil, q1(0.05, 10))
		out := b.AddTensor("out", Int8, []int32{256}, nil, q1(0.05, 10))
		return []int32{in}, []int32{out}, []int32{in}
	})
	x = it.Input(0).Int8()
	for i := range x {
		x[i] = int8(i - 128)
	}
	it.Invoke()
	for i, got := range it.Output(0).Int8() {
		want := min(max(int(x[i]), 10), 127) // 0 and 6.0 at scale 0.05 (130, clamped)
		if int(got) != want {
			t.Fatalf("relu6(%d) = %d, want %d", x[i], got, want)
		}
	}
}

func TestSqueezeAndBadShapes(t *testing.T) {
	it := oneOp(t, OpSqueeze, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Float32, []int32{1, 1, 1, 5}, nil, nil)
		out := b.AddTensor("out", Float32, []int32{1, 5}, nil, nil)
		return []int32{in}, []int32{out}, []int32{in}
	})
	copy(it.Input(0).Float32(), []float32{1, 2, 3, 4, 5})
	it.Invoke()
	if it.Output(0).Float32()[4] != 5 {
		t.Fatal("squeeze lost data")
	}
	// A transpose whose perm does not fit is refused at load time.
	if _, err := loadOneOp(OpTranspose, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Float32, []int32{2, 3}, nil, nil)
		perm := b.AddTensor("perm", Int32, []int32{2}, i32bytes(0, 0), nil)
		out := b.AddTensor("out", Float32, []int32{3, 2}, nil, nil)
		return []int32{in, perm}, []int32{out}, []int32{in}
	}); err == nil {
		t.Fatal("perm [0 0] accepted")
	}
}

// MEAN as global average pooling (MobileNet v2's head): the real mean,
// quantised, within one step; float exactly the sum in order over the count.
func TestMeanGlobalPool(t *testing.T) {
	build := func(typ TensorType, q *Quantization, qo *Quantization) *Interpreter {
		return oneOp(t, OpMean, nil, func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", typ, []int32{1, 7, 7, 5}, nil, q)
			axes := b.AddTensor("axes", Int32, []int32{2}, i32bytes(1, 2), nil)
			out := b.AddTensor("out", typ, []int32{1, 1, 1, 5}, nil, qo)
			return []int32{in, axes}, []int32{out}, []int32{in}
		})
	}
	it := build(Int8, q1(0.1, -20), q1(0.05, 3))
	x := it.Input(0).Int8()
	for i := range x {
		x[i] = int8((i*37)%256 - 128)
	}
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 5; c++ {
		s := 0.0
		for p := 0; p < 49; p++ {
			s += 0.1 * float64(int(x[p*5+c])+20)
		}
		want := math.Round(s/49/0.05) + 3
		if got := it.Output(0).Int8()[c]; math.Abs(float64(got)-want) > 1 {
			t.Fatalf("channel %d: %d, want %v", c, got, want)
		}
	}
	it = build(Float32, nil, nil)
	f := it.Input(0).Float32()
	for i := range f {
		f[i] = float32(i%11) * 0.3
	}
	it.Invoke()
	for c := 0; c < 5; c++ {
		var s float32
		for p := 0; p < 49; p++ {
			s += f[p*5+c]
		}
		if got := it.Output(0).Float32()[c]; got != s/49 {
			t.Fatalf("float channel %d: %v, want %v", c, got, s/49)
		}
	}
}

func TestLeakyRelu(t *testing.T) {
	it := oneOp(t, OpLeakyRelu, LeakyReluOptions(0.2), func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Int8, []int32{256}, nil, q1(0.05, 4))
		out := b.AddTensor("out", Int8, []int32{256}, nil, q1(0.04, -10))
		return []int32{in}, []int32{out}, []int32{in}
	})
	x := it.Input(0).Int8()
	for i := range x {
		x[i] = int8(i - 128)
	}
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	for i, got := range it.Output(0).Int8() {
		r := 0.05 * float64(int(x[i])-4)
		if r < 0 {
			r *= 0.2
		}
		want := math.Max(-128, math.Min(127, math.Round(r/0.04)-10))
		if math.Abs(float64(got)-want) > 1 {
			t.Fatalf("leaky_relu(%d) = %d, want %v", x[i], got, want)
		}
	}
}

func TestResizeNearest(t *testing.T) {
	it := oneOp(t, OpResizeNearestNeighbor, nil, func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Float32, []int32{1, 2, 2, 1}, nil, nil)
		size := b.AddTensor("size", Int32, []int32{2}, i32bytes(4, 4), nil)
		out := b.AddTensor("out", Float32, []int32{1, 4, 4, 1}, nil, nil)
		return []int32{in, size}, []int32{out}, []int32{in}
	})
	copy(it.Input(0).Float32(), []float32{1, 2, 3, 4})
	it.Invoke()
	want := []float32{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}
	for i, v := range it.Output(0).Float32() {
		if v != want[i] {
			t.Fatalf("resized %v, want %v", it.Output(0).Float32(), want)
		}
	}
}

func TestStridedSlice(t *testing.T) {
	// x[1:, ::-2] and x[2] (shrunk) of a 3×5 tensor.
	run := func(begin, end, strides []int32, bm, em, sm int32, outShape []int32) []float32 {
		it := oneOp(t, OpStridedSlice, StridedSliceOptions(bm, em, sm), func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", Float32, []int32{3, 5}, nil, nil)
			bi := b.AddTensor("begin", Int32, []int32{2}, i32bytes(begin...), nil)
			ei := b.AddTensor("end", Int32, []int32{2}, i32bytes(end...), nil)
			si := b.AddTensor("strides", Int32, []int32{2}, i32bytes(strides...), nil)
			out := b.AddTensor("out", Float32, outShape, nil, nil)
			return []int32{in, bi, ei, si}, []int32{out}, []int32{in}
		})
		x := it.Input(0).Float32()
		for i := range x {
			x[i] = float32(i)
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		return it.Output(0).Float32()
	}
	got := run([]int32{1, 0}, []int32{0, 0}, []int32{1, -2}, 0b10, 0b11, 0, []int32{2, 3})
	want := []float32{9, 7, 5, 14, 12, 10}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("x[1:, ::-2] = %v, want %v", got, want)
		}
	}
	got = run([]int32{2, 0}, []int32{3, 5}, []int32{1, 1}, 0, 0, 0b01, []int32{5})
	for i := 0; i < 5; i++ {
		if got[i] != float32(10+i) {
			t.Fatalf("x[2] = %v", got)
		}
	}
}

// LOGISTIC, TANH and HARD_SWISH on every int8 input: within one step of the
// real function; float32 as the reference formula.
func TestNonlinearInt8(t *testing.T) {
	for _, c := range []struct {
		op BuiltinOp
		qo *Quantization
		fn func(float64) float64
	}{
		{OpLogistic, q1(1.0/256, -128), func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{OpTanh, q1(1.0/128, 0), math.Tanh},
		{OpHardSwish, q1(0.03, -40), func(x float64) float64 { return x * math.Min(6, math.Max(0, x+3)) / 6 }},
	} {
		it := oneOp(t, c.op, nil, func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", Int8, []int32{256}, nil, q1(0.06, 5))
			out := b.AddTensor("out", Int8, []int32{256}, nil, c.qo)
			return []int32{in}, []int32{out}, []int32{in}
		})
		x := it.Input(0).Int8()
		for i := range x {
			x[i] = int8(i - 128)
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		s, z := float64(c.qo.Scale[0]), float64(c.qo.ZeroPoint[0])
		for i, got := range it.Output(0).Int8() {
			real := c.fn(0.06 * float64(int(x[i])-5))
			want := math.Max(-128, math.Min(127, math.Round(real/s)+z))
			if math.Abs(float64(got)-want) > 1 {
				t.Fatalf("%s(%d → %.3f) = %d, want %v", c.op, x[i], 0.06*float64(int(x[i])-5), got, want)
			}
		}
	}
}

// RESIZE_BILINEAR ×2 with half-pixel centres: int8 within a step of the
// float kernel, which matches the formula.
func TestResizeBilinear(t *testing.T) {
	build := func(typ TensorType, q *Quantization) *Interpreter {
		return oneOp(t, OpResizeBilinear, (&OptionsTable{Type: 15}).u8(2, 0).u8(3, 1), func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", typ, []int32{1, 3, 4, 2}, nil, q)
			size := b.AddTensor("size", Int32, []int32{2}, i32bytes(6, 8), nil)
			out := b.AddTensor("out", typ, []int32{1, 6, 8, 2}, nil, q)
			return []int32{in, size}, []int32{out}, []int32{in}
		})
	}
	fi := build(Float32, nil)
	qi := build(Int8, q1(0.5, 0))
	for i := range fi.Input(0).Float32() {
		v := int8((i*29)%200 - 100)
		fi.Input(0).Float32()[i] = float32(v)
		qi.Input(0).Int8()[i] = v
	}
	fi.Invoke()
	qi.Invoke()
	for i, f := range fi.Output(0).Float32() {
		if q := float64(qi.Output(0).Int8()[i]); math.Abs(q-float64(f)) > 1 {
			t.Fatalf("element %d: int8 %v, float %v", i, q, f)
		}
	}
	// Corners of the first output pixel sit on the input's first pixel.
	if fi.Output(0).Float32()[0] != fi.Input(0).Float32()[0] {
		t.Fatalf("out[0] = %v, in[0] = %v", fi.Output(0).Float32()[0], fi.Input(0).Float32()[0])
	}
}
