package tflite

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// mobileNetV2 builds MobileNet v2 (width 1.0, 1000 classes) as the TFLite
// converter writes it for a model exported from PyTorch: a float NCHW
// input, QUANTIZE, TRANSPOSE to NHWC, int8 convolutions with per-channel
// weights and fused ReLU6, residual ADDs, MEAN over the spatial axes,
// FULLY_CONNECTED, SOFTMAX and DEQUANTIZE. The weights are random; their
// scales follow each layer's fan-in, as calibration would, so activations
// spread over the int8 range instead of saturating. size is the input's
// height and width (224 for the real network).
func mobileNetV2(t testing.TB, size int, seed uint64) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	b := NewBuilder()
	sz := int32(size)
	q := func(scale float64, zero int) *Quantization {
		return &Quantization{Scale: []float32{float32(scale)}, ZeroPoint: []int64{int64(zero)}}
	}
	type act struct {
		id    int32
		shape []int32
		scale float64
		zero  int
	}
	conv := func(name string, x act, outC, k, stride int, depthwise, relu6 bool) act {
		inC := int(x.shape[3])
		fan := k * k * inC
		fshape := []int32{int32(outC), int32(k), int32(k), int32(inC)}
		qdim := 0
		if depthwise {
			fan = k * k
			fshape = []int32{1, int32(k), int32(k), int32(outC)}
			qdim = 3
		}
		n := outC * k * k
		if !depthwise {
			n *= inC
		}
		wb := make([]byte, n)
		for i := range wb {
			wb[i] = byte(int8(r.IntN(255) - 127))
		}
		scales, zeros := make([]float32, outC), make([]int64, outC)
		for c := range scales {
			scales[c] = float32((0.8 + 0.4*r.Float64()) * math.Sqrt(2/float64(fan)) / 73) // He initialisation
		}
		w := b.AddTensor(name+"/w", Int8, fshape, wb, &Quantization{Scale: scales, ZeroPoint: zeros, Dim: qdim})
		bb := make([]byte, 4*outC)
		for c := 0; c < outC; c++ {
			bias := (r.Float64() - 0.5) * 0.2 / (x.scale * float64(scales[c]))
			binary.LittleEndian.PutUint32(bb[4*c:], uint32(int32(bias)))
		}
		bias := b.AddTensor(name+"/b", Int32, []int32{int32(outC)}, bb, nil)
		h := (x.shape[1] + int32(stride) - 1) / int32(stride)
		out := act{shape: []int32{1, h, h, int32(outC)}, scale: 6.0 / 255, zero: -128}
		if !relu6 {
			out.scale, out.zero = 8.0/255, r.IntN(20)-10
		}
		out.id = b.AddTensor(name, Int8, out.shape, nil, q(out.scale, out.zero))
		a := ActNone
		if relu6 {
			a = ActRelu6
		}
		if depthwise {
			b.AddOperator(OpDepthwiseConv2D, 3, []int32{x.id, w, bias}, []int32{out.id}, DepthwiseConv2DOptions(PaddingSame, int32(stride), int32(stride), 1, a))
		} else {
			b.AddOperator(OpConv2D, 3, []int32{x.id, w, bias}, []int32{out.id}, Conv2DOptions(PaddingSame, int32(stride), int32(stride), a))
		}
		return out
	}
	in := b.AddTensor("input", Float32, []int32{1, 3, sz, sz}, nil, nil)
	qin := act{shape: []int32{1, 3, sz, sz}, scale: 2.0 / 255, zero: 0}
	qin.id = b.AddTensor("input_int8", Int8, qin.shape, nil, q(qin.scale, qin.zero))
	b.AddOperator(OpQuantize, 1, []int32{in}, []int32{qin.id}, nil)
	perm := b.AddTensor("perm", Int32, []int32{4}, i32bytes(0, 2, 3, 1), nil)
	x := act{shape: []int32{1, sz, sz, 3}, scale: qin.scale, zero: qin.zero}
	x.id = b.AddTensor("nhwc", Int8, x.shape, nil, q(x.scale, x.zero))
	b.AddOperator(OpTranspose, 2, []int32{qin.id, perm}, []int32{x.id}, nil)
	x = conv("stem", x, 32, 3, 2, false, true)
	blocks := []struct{ t, c, n, s int }{{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}}
	for bi, bl := range blocks {
		for i := 0; i < bl.n; i++ {
			stride := bl.s
			if i > 0 {
				stride = 1
			}
			inC := int(x.shape[3])
			name := "block" + string(rune('a'+bi)) + string(rune('0'+i))
			h := x
			if bl.t != 1 {
				h = conv(name+"/expand", h, inC*bl.t, 1, 1, false, true)
			}
			h = conv(name+"/dw", h, int(h.shape[3]), 3, stride, true, true)
			h = conv(name+"/project", h, bl.c, 1, 1, false, false)
			if stride == 1 && inC == bl.c {
				sum := act{shape: h.shape, scale: 10.0 / 255, zero: r.IntN(20) - 10}
				sum.id = b.AddTensor(name+"/add", Int8, sum.shape, nil, q(sum.scale, sum.zero))
				b.AddOperator(OpAdd, 2, []int32{x.id, h.id}, []int32{sum.id}, AddOptions(ActNone))
				h = sum
			}
			x = h
		}
	}
	x = conv("head", x, 1280, 1, 1, false, true)
	axes := b.AddTensor("axes", Int32, []int32{2}, i32bytes(1, 2), nil)
	pooled := act{shape: []int32{1, 1280}, scale: 6.0 / 255, zero: -128}
	pooled.id = b.AddTensor("pooled", Int8, pooled.shape, nil, q(pooled.scale, pooled.zero))
	b.AddOperator(OpMean, 2, []int32{x.id, axes}, []int32{pooled.id}, nil)
	fw := make([]byte, 1000*1280)
	for i := range fw {
		fw[i] = byte(int8(r.IntN(255) - 127))
	}
	fws := float32(1.0 / 127 / math.Sqrt(1280))
	fwt := b.AddTensor("fc/w", Int8, []int32{1000, 1280}, fw, &Quantization{Scale: []float32{fws}, ZeroPoint: []int64{0}})
	fb := b.AddTensor("fc/b", Int32, []int32{1000}, make([]byte, 4000), nil)
	logits := b.AddTensor("logits", Int8, []int32{1, 1000}, nil, q(16.0/255, 0))
	b.AddOperator(OpFullyConnected, 1, []int32{pooled.id, fwt, fb}, []int32{logits}, FullyConnectedOptions(ActNone))
	probs := b.AddTensor("probs", Int8, []int32{1, 1000}, nil, q(1.0/256, -128))
	b.AddOperator(OpSoftmax, 1, []int32{logits}, []int32{probs}, SoftmaxOptions(1))
	outF := b.AddTensor("output", Float32, []int32{1, 1000}, nil, nil)
	b.AddOperator(OpDequantize, 2, []int32{probs}, []int32{outF}, nil)
	b.SetIO([]int32{in}, []int32{outF})
	file, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// naturalImage fills a float NCHW input with smooth gradients and edges in
// [−1, 1], the range MobileNet's preprocessing gives.
func naturalImage(x []float32, size int) {
	for c := 0; c < 3; c++ {
		for y := 0; y < size; y++ {
			for xx := 0; xx < size; xx++ {
				v := math.Sin(float64(xx)/9+float64(c)) * math.Cos(float64(y)/13)
				if (xx/20+y/30)%2 == 0 {
					v = -v * 0.5
				}
				x[(c*size+y)*size+xx] = float32(v)
			}
		}
	}
}

var mobileNetOut = flag.String("mobilenet", "", "write the 224×224 MobileNet v2 test model to this file")

// MobileNet v2, as a PyTorch export converts, runs end to end with the
// fast kernels giving the reference kernels' bytes in every layer, and its
// activations use the int8 range (the test would prove little if they
// saturated). With -mobilenet FILE it writes the 224×224 model for
// `fovea model bench`.
func TestMobileNetV2FastMatchesReference(t *testing.T) {
	if *mobileNetOut != "" {
		if err := os.WriteFile(*mobileNetOut, mobileNetV2(t, 224, 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	size := 96
	m, err := Parse(mobileNetV2(t, size, 1))
	if err != nil {
		t.Fatal(err)
	}
	it, err := NewInterpreter(m, BuiltinOps(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	naturalImage(it.Input(0).Float32(), size)
	nconv := 0
	for i, k := range it.kernels {
		n := &it.nodes[i]
		if err := k.Eval(n); err != nil {
			t.Fatal(err)
		}
		c, ok := k.(*convKernel)
		if !ok {
			continue
		}
		nconv++
		if !c.fast {
			t.Fatalf("node %d: a convolution without its fast path", i)
		}
		out := n.Output(0)
		fast := bytes.Clone(out.Data)
		c.fast = false
		if err := k.Eval(n); err != nil {
			t.Fatal(err)
		}
		c.fast = true
		if !bytes.Equal(fast, out.Data) {
			t.Fatalf("node %d (%s %q): fast and reference kernels differ", i, n.Op, out.Name)
		}
		var seen [256]bool
		distinct := 0
		for _, v := range out.Data {
			if !seen[v] {
				seen[v], distinct = true, distinct+1
			}
		}
		if distinct < 16 {
			t.Errorf("node %d (%q): only %d distinct values: the test model saturates", i, out.Name, distinct)
		}
	}
	if nconv != 52 {
		t.Fatalf("%d convolutions, MobileNet v2 has 52", nconv)
	}
	probs := it.Output(0).Float32()
	top, sum := 0, float32(0)
	for i, p := range probs {
		sum += p
		if p > probs[top] {
			top = i
		}
	}
	// 1,000 probabilities near 1/1000 in steps of 1/256: many round to 0.
	if sum < 0.3 || sum > 1.05 || probs[top] >= 0.5 {
		t.Fatalf("softmax sums to %v, top %v: the random network should spread its guesses", sum, probs[top])
	}
}

// BenchmarkMobileNetV2 is one invoke of MobileNet v2 at 224×224 (0.3 G
// MAC) with the kernels of each instruction set this CPU has.
func BenchmarkMobileNetV2(b *testing.B) {
	file := mobileNetV2(b, 224, 1)
	benchISAs(b, func(b *testing.B) {
		benchInvoke(b, file, func(it *Interpreter) { naturalImage(it.Input(0).Float32(), 224) })
	})
}

// benchInvoke times Invoke of the model in file, its input set by fill.
func benchInvoke(b *testing.B, file []byte, fill func(it *Interpreter)) {
	m, err := Parse(file)
	if err != nil {
		b.Fatal(err)
	}
	it, err := NewInterpreter(m, BuiltinOps(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	fill(it)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it.Invoke()
	}
}

// benchISAs runs a benchmark with all the vector kernels this CPU has,
// then without VNNI and AVX-512, then in pure Go.
func benchISAs(b *testing.B, f func(b *testing.B)) {
	vnni, avx512, avx2 := useVNNI, useAVX512, useAVX2
	defer func() { useVNNI, useAVX512, useAVX2 = vnni, avx512, avx2 }()
	for _, isa := range []struct {
		name               string
		vnni, avx512, avx2 bool
	}{{"best", vnni, avx512, avx2}, {"avx2", false, false, avx2}, {"go", false, false, false}} {
		if isa.name != "best" && isa.avx2 == avx2 && isa.avx512 == avx512 && isa.vnni == vnni {
			continue // the same as best here
		}
		useVNNI, useAVX512, useAVX2 = isa.vnni, isa.avx512, isa.avx2
		b.Run("isa="+isa.name, f)
	}
}
