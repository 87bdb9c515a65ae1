package tflite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// convModel builds a one-operator int8 CONV_2D or DEPTHWISE_CONV_2D model
// with random per-channel weights.
func convModel(t *testing.T, r *rand.Rand, depthwise bool, h, w, inC, outC, fh, fw, stride int, pad Padding, act Activation) []byte {
	t.Helper()
	b := NewBuilder()
	oh, ow := outSize(pad, h, fh, stride, 1), outSize(pad, w, fw, stride, 1)
	in := b.AddTensor("in", Int8, []int32{1, int32(h), int32(w), int32(inC)}, nil,
		&Quantization{Scale: []float32{0.02 + 0.05*r.Float32()}, ZeroPoint: []int64{int64(r.IntN(40) - 20)}})
	fshape := []int32{int32(outC), int32(fh), int32(fw), int32(inC)}
	qdim := 0
	if depthwise {
		fshape = []int32{1, int32(fh), int32(fw), int32(outC)}
		qdim = 3
	}
	n := 1
	for _, d := range fshape {
		n *= int(d)
	}
	wb := make([]byte, n)
	for i := range wb {
		wb[i] = byte(int8(r.IntN(255) - 127))
	}
	scales := make([]float32, outC)
	zeros := make([]int64, outC)
	for i := range scales {
		scales[i] = 0.002 + 0.01*r.Float32()
	}
	wt := b.AddTensor("w", Int8, fshape, wb, &Quantization{Scale: scales, ZeroPoint: zeros, Dim: qdim})
	bb := make([]byte, 4*outC)
	for i := 0; i < outC; i++ {
		binary.LittleEndian.PutUint32(bb[4*i:], uint32(int32(r.IntN(2000)-1000)))
	}
	bt := b.AddTensor("b", Int32, []int32{int32(outC)}, bb, nil)
	out := b.AddTensor("out", Int8, []int32{1, int32(oh), int32(ow), int32(outC)}, nil,
		&Quantization{Scale: []float32{0.05 + 0.1*r.Float32()}, ZeroPoint: []int64{int64(r.IntN(20) - 10)}})
	if depthwise {
		b.AddOperator(OpDepthwiseConv2D, 3, []int32{in, wt, bt}, []int32{out}, DepthwiseConv2DOptions(pad, int32(stride), int32(stride), int32(outC/inC), act))
	} else {
		b.AddOperator(OpConv2D, 3, []int32{in, wt, bt}, []int32{out}, Conv2DOptions(pad, int32(stride), int32(stride), act))
	}
	b.SetIO([]int32{in}, []int32{out})
	file, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// The fast paths give the very bytes of the reference loops, borders,
// strides, paddings and activations included.
func TestFastPathsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 60; trial++ {
		dw := trial%2 == 1
		h, w := 3+r.IntN(12), 3+r.IntN(12)
		inC := 1 + r.IntN(9)
		outC := 1 + r.IntN(9)
		if dw {
			outC = inC * (1 + r.IntN(3)) // depth multiplier 1 to 3
		}
		fh, fw := 1+r.IntN(3), 1+r.IntN(3)
		stride := 1 + r.IntN(2)
		pad := Padding(r.IntN(2))
		act := []Activation{ActNone, ActRelu, ActRelu6}[r.IntN(3)]
		if pad == PaddingValid && (fh > h || fw > w) {
			continue
		}
		name := fmt.Sprintf("dw=%v %dx%dx%d→%d f%dx%d s%d pad%d act%d", dw, h, w, inC, outC, fh, fw, stride, pad, act)
		file := convModel(t, r, dw, h, w, inC, outC, fh, fw, stride, pad, act)
		m, err := Parse(file)
		if err != nil {
			t.Fatal(err)
		}
		it, err := NewInterpreter(m, BuiltinOps(), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range it.Input(0).Data {
			it.Input(0).Data[i] = byte(r.IntN(256))
		}
		k := it.kernels[0].(*convKernel)
		if !k.fast {
			t.Fatalf("%s: fast path not taken", name)
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		fast := bytes.Clone(it.Output(0).Data)
		k.fast = false
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, it.Output(0).Data) {
			t.Fatalf("%s: fast path differs from the reference", name)
		}
	}
}
