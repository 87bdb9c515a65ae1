package tflite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// convModel builds a one-operator int8 CONV_2D or DEPTHWISE_CONV_2D model
// with random per-channel weights.
func convModel(t testing.TB, r *rand.Rand, depthwise bool, h, w, inC, outC, fh, fw, stride, dilation int, pad Padding, act Activation) []byte {
	t.Helper()
	b := NewBuilder()
	oh, ow := outSize(pad, h, fh, stride, dilation), outSize(pad, w, fw, stride, dilation)
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
		b.AddOperator(OpDepthwiseConv2D, 3, []int32{in, wt, bt}, []int32{out}, DepthwiseConv2DOptions(pad, int32(stride), int32(stride), int32(outC/inC), act).i32(5, int32(dilation)).i32(6, int32(dilation)))
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
// strides, dilations, depth multipliers, paddings and activations included:
// the convolution through the VNNI micro-kernel, its Go twin and the
// dot-product path, the depthwise convolution row by row.
func TestFastPathsMatchReference(t *testing.T) {
	for _, threads := range []int{1, 3} {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) {
			if threads > 1 { // split even the smallest operators
				defer func(c int64) { minPartCost = c }(minPartCost)
				minPartCost = 1
			}
			fastPathsMatchReference(t, threads)
		})
	}
}

func fastPathsMatchReference(t *testing.T, threads int) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 120; trial++ {
		dw := trial%2 == 1
		h, w := 3+r.IntN(12), 3+r.IntN(12)
		inC := 1 + r.IntN(9)
		outC := 1 + r.IntN(9)
		if trial%5 == 0 { // several blocks of 16 channels, long rows
			inC, outC = 1+r.IntN(40), 1+r.IntN(40)
		}
		dilation := 1
		if dw {
			outC = inC * (1 + r.IntN(3)) // depth multiplier 1 to 3
			dilation = 1 + r.IntN(2)
		}
		fh, fw := 1+r.IntN(3), 1+r.IntN(3)
		stride := 1 + r.IntN(3)
		pad := Padding(r.IntN(2))
		act := []Activation{ActNone, ActRelu, ActRelu6}[r.IntN(3)]
		if pad == PaddingValid && ((fh-1)*dilation+1 > h || (fw-1)*dilation+1 > w) {
			continue
		}
		name := fmt.Sprintf("dw=%v %dx%dx%d→%d f%dx%d s%d d%d pad%d act%d", dw, h, w, inC, outC, fh, fw, stride, dilation, pad, act)
		file := convModel(t, r, dw, h, w, inC, outC, fh, fw, stride, dilation, pad, act)
		m, err := Parse(file)
		if err != nil {
			t.Fatal(err)
		}
		it, err := NewInterpreter(m, BuiltinOps(), Options{Threads: threads})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer it.Close()
		for i := range it.Input(0).Data {
			it.Input(0).Data[i] = byte(r.IntN(256))
		}
		k := it.kernels[0].(*convKernel)
		if !k.fast {
			t.Fatalf("%s: fast path not taken", name)
		}
		run := func() []byte {
			t.Helper()
			if err := it.Invoke(); err != nil {
				t.Fatal(err)
			}
			return bytes.Clone(it.Output(0).Data)
		}
		fast := run()
		if !dw && useVNNI {
			useVNNI = false // the micro-kernel's Go twin
			twin := run()
			useVNNI = true
			if !bytes.Equal(twin, fast) {
				t.Fatalf("%s: the GEMM's Go twin differs from VNNI", name)
			}
			g := k.gemm
			k.gemm = nil // the dot-product path
			dot := run()
			k.pairs = packPairs(k.filter.Int8(), outC, len(k.filter.Data)/outC) // the pure-Go pairs
			pairs := run()
			k.gemm, k.pairs = g, nil
			if !bytes.Equal(dot, fast) || !bytes.Equal(pairs, fast) {
				t.Fatalf("%s: the dot-product path (pairs %v) differs from the GEMM", name, !bytes.Equal(pairs, fast))
			}
		}
		k.fast = false
		if !bytes.Equal(fast, run()) {
			t.Fatalf("%s: fast path differs from the reference", name)
		}
	}
}

// The VNNI micro-kernel gives its Go twin's sums, the extremes included.
func TestGEMMAsmMatchesGo(t *testing.T) {
	if !useVNNI {
		t.Skip("no AVX-512 VNNI here")
	}
	r := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 50; trial++ {
		kg, nb := 1+r.IntN(70), 1+r.IntN(4)
		kp, ldc := 4*kg, nb*gemmCols
		a := make([]uint8, gemmRows*kp)
		w := make([]int8, nb*kp*gemmCols)
		corr := make([]int32, ldc)
		for i := range a {
			a[i] = uint8(r.IntN(256))
		}
		for i := range w {
			w[i] = int8(r.IntN(256) - 128)
		}
		for i := range corr {
			corr[i] = int32(r.Uint32())
		}
		if trial == 0 { // the extreme: every product 255·(−128)
			fillByte(a, 255)
			fillInt8(w, -128)
		}
		c1, c2 := make([]int32, gemmRows*ldc), make([]int32, gemmRows*ldc)
		gemmVNNI(&a[0], kp, &w[0], kg, nb, &corr[0], &c1[0], ldc)
		gemmGo(a, kp, w, kg, nb, corr, c2, ldc)
		if !slices.Equal(c1, c2) {
			t.Fatalf("trial %d (kg %d, nb %d): VNNI and Go differ", trial, kg, nb)
		}
	}
}

// The assembly kernel gives the Go twin's sums, extremes included, and
// reads nothing past its slices (guards around them differ run to run).
func TestDot4AsmMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{16, 32, 48, 160, 1152, 4096} {
		for trial := 0; trial < 20; trial++ {
			buf := make([][]int8, 5)
			for i := range buf {
				b := make([]int8, n+32)
				for j := range b {
					b[j] = int8(r.IntN(256) - 128)
				}
				if trial == 0 { // the extreme: every product +16384
					for j := 16; j < 16+n; j++ {
						b[j] = -128
					}
				}
				buf[i] = b[16 : 16+n]
			}
			a0, a1, a2, a3 := dot4Int8Asm(buf[0], buf[1], buf[2], buf[3], buf[4])
			g0, g1, g2, g3 := dot4Int8Go(buf[0], buf[1], buf[2], buf[3], buf[4])
			if a0 != g0 || a1 != g1 || a2 != g2 || a3 != g3 {
				t.Fatalf("n=%d: asm %d %d %d %d, Go %d %d %d %d", n, a0, a1, a2, a3, g0, g1, g2, g3)
			}
		}
	}
	if !useAVX2 {
		t.Log("no AVX2 here: the Go twin was compared with itself")
	}
}

func BenchmarkDot4(b *testing.B) {
	x := make([]int8, 1152)
	w := make([]int8, 4*1152)
	for i := range w {
		w[i] = int8(i)
	}
	for _, impl := range []struct {
		name string
		f    func(x, w0, w1, w2, w3 []int8) (int32, int32, int32, int32)
	}{{"go", dot4Int8Go}, {"asm", dot4Int8Asm}} {
		b.Run(impl.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				impl.f(x, w[:1152], w[1152:2304], w[2304:3456], w[3456:])
			}
		})
	}
}

func TestMacAsmMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{16, 32, 64, 256} {
		x, w := make([]int8, n), make([]int8, n)
		a, b := make([]int32, n), make([]int32, n)
		for i := range x {
			x[i], w[i] = int8(r.IntN(256)-128), int8(r.IntN(256)-128)
			a[i] = int32(r.Uint32())
			b[i] = a[i]
		}
		x[0], w[0] = -128, -128
		macInt8Asm(a, x, w)
		macInt8Go(b, x, w)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("n=%d element %d: asm %d, Go %d", n, i, a[i], b[i])
			}
		}
	}
}

// ADD, SUB and MUL of equal shapes (looked-up rescaling, vector
// requantization) give TFLite's elementwise formula for every pair of
// bytes, and the broadcasting path gives the same bytes.
func TestElementwiseFastMatchesFormula(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	shape := []int32{256, 256}
	for trial := 0; trial < 12; trial++ {
		op := []BuiltinOp{OpAdd, OpSub, OpMul}[trial%3]
		qa := q1(0.01+0.2*r.Float32(), int64(r.IntN(256)-128))
		qb := q1(0.01+0.2*r.Float32(), int64(r.IntN(256)-128))
		qo := q1(0.02+0.3*r.Float32(), int64(r.IntN(256)-128))
		it := binaryModel(t, op, Int8, shape, shape, shape, qa, qb, qo)
		xa, xb := it.Input(0).Int8(), it.Input(1).Int8()
		for i := range xa {
			xa[i], xb[i] = int8(i/256), int8(i%256) // every pair once
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		k := it.kernels[0].(*binaryKernel)
		if !k.bc.same {
			t.Fatal("equal shapes not recognised")
		}
		got := bytes.Clone(it.Output(0).Data)
		k.bc.same = false // the broadcasting path, element by element
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, it.Output(0).Data) {
			t.Fatalf("%s: the block path and the broadcasting path differ", op)
		}
		twiceMax := 2 * float64(max(qa.Scale[0], qb.Scale[0]))
		m1, s1 := quantizeMultiplier(float64(qa.Scale[0]) / twiceMax)
		m2, s2 := quantizeMultiplier(float64(qb.Scale[0]) / twiceMax)
		mo, so := quantizeMultiplier(twiceMax / (float64(int64(1)<<addLeftShift) * float64(qo.Scale[0])))
		mm, sm := quantizeMultiplier(float64(qa.Scale[0]) * float64(qb.Scale[0]) / float64(qo.Scale[0]))
		for i := range xa {
			a, b := int32(xa[i])-int32(qa.ZeroPoint[0]), int32(xb[i])-int32(qb.ZeroPoint[0])
			var v int32
			switch op {
			case OpMul:
				v = multiplyByQuantizedMultiplier(a*b, mm, sm)
			case OpAdd, OpSub:
				v1 := multiplyByQuantizedMultiplier(a*(1<<addLeftShift), m1, s1)
				v2 := multiplyByQuantizedMultiplier(b*(1<<addLeftShift), m2, s2)
				if op == OpSub {
					v2 = -v2
				}
				v = multiplyByQuantizedMultiplier(v1+v2, mo, so)
			}
			want := int8(clampInt32(v+int32(qo.ZeroPoint[0]), -128, 127))
			if int8(got[i]) != want {
				t.Fatalf("%s %d, %d: got %d, want %d", op, xa[i], xb[i], int8(got[i]), want)
			}
		}
	}
}

// FULLY_CONNECTED's fast path gives the reference loop's bytes, with
// per-tensor and per-channel weights, several batches and a weight offset.
func TestFullyConnectedFastMatchesReference(t *testing.T) {
	defer func(c int64) { minPartCost = c }(minPartCost)
	minPartCost = 1 // odd trials split the units over three threads
	r := rand.New(rand.NewPCG(15, 16))
	for trial := 0; trial < 30; trial++ {
		batches, depth, units := 1+r.IntN(3), 1+r.IntN(300), 1+r.IntN(40)
		wb := make([]byte, units*depth)
		for i := range wb {
			wb[i] = byte(r.IntN(256))
		}
		wq := q1(0.001+0.01*r.Float32(), int64(r.IntN(5)-2))
		if trial%2 == 1 {
			wq = &Quantization{ZeroPoint: make([]int64, units)}
			for u := 0; u < units; u++ {
				wq.Scale = append(wq.Scale, 0.001+0.01*r.Float32())
			}
		}
		bv := make([]int32, units)
		for u := range bv {
			bv[u] = r.Int32N(20000) - 10000
		}
		it := oneOp(t, OpFullyConnected, FullyConnectedOptions([]Activation{ActNone, ActRelu}[trial%2]), func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", Int8, []int32{int32(batches), int32(depth)}, nil, q1(0.05, int64(r.IntN(256)-128)))
			w := b.AddTensor("w", Int8, []int32{int32(units), int32(depth)}, wb, wq)
			bias := b.AddTensor("b", Int32, []int32{int32(units)}, i32bytes(bv...), nil)
			out := b.AddTensor("out", Int8, []int32{int32(batches), int32(units)}, nil, q1(0.05+0.5*r.Float32(), int64(r.IntN(20)-10)))
			return []int32{in, w, bias}, []int32{out}, []int32{in}
		}, Options{Threads: 1 + 2*(trial%2)})
		defer it.Close()
		for i := range it.Input(0).Data {
			it.Input(0).Data[i] = byte(r.IntN(256))
		}
		k := it.kernels[0].(*fcKernel)
		if !k.fast {
			t.Fatal("fast path not taken")
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
			t.Fatalf("trial %d (%d×%d→%d): fast and reference differ", trial, batches, depth, units)
		}
	}
}

// QUANTIZE's rounding is TFLite's round(v/scale), half away from zero, for
// ties, fractions and values far beyond int8, and huge ones saturate.
func TestQuantizeRounding(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for trial := 0; trial < 20000; trial++ {
		k := quantizeKernel{scale: 0.001 + r.Float32(), zero: int32(r.IntN(256) - 128)}
		var v float32
		switch trial % 4 {
		case 0: // an exact tie
			v = (float32(r.IntN(400)-200) + 0.5) * k.scale
		case 1:
			v = (r.Float32() - 0.5) * 400 * k.scale
		case 2:
			v = float32(r.NormFloat64()) * 1e30
		default:
			v = (r.Float32() - 0.5) * 4
		}
		want := math.Round(float64(v/k.scale)) + float64(k.zero)
		want = min(max(want, -128), 127)
		if got := k.quantize(v); float64(got) != want {
			t.Fatalf("quantize(%v) at scale %v, zero %d: %d, want %v", v, k.scale, k.zero, got, want)
		}
	}
	k := quantizeKernel{scale: 0.1, zero: 5}
	if k.quantize(float32(math.Inf(1))) != 127 || k.quantize(float32(math.Inf(-1))) != -128 || k.quantize(float32(math.NaN())) != 5 {
		t.Fatal("infinities must saturate and NaN give the zero point")
	}
}

// TRANSPOSE moves every element where the permutation says, for ranks 1
// to 6 and 1- and 4-byte elements.
func TestTransposeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for trial := 0; trial < 60; trial++ {
		rank := 1 + r.IntN(maxDims)
		shape := make([]int32, rank)
		for d := range shape {
			shape[d] = int32(1 + r.IntN(4))
		}
		perm := r.Perm(rank)
		outShape := make([]int32, rank)
		p32 := make([]int32, rank)
		for d, p := range perm {
			outShape[d], p32[d] = shape[p], int32(p)
		}
		typ := []TensorType{Int8, Float32}[trial%2]
		it := oneOp(t, OpTranspose, nil, func(b *Builder) ([]int32, []int32, []int32) {
			in := b.AddTensor("in", typ, shape, nil, q1(1, 0))
			pt := b.AddTensor("perm", Int32, []int32{int32(rank)}, i32bytes(p32...), nil)
			out := b.AddTensor("out", typ, outShape, nil, q1(1, 0))
			return []int32{in, pt}, []int32{out}, []int32{in}
		})
		in, out := it.Input(0), it.Output(0)
		for i := range in.Data {
			in.Data[i] = byte(r.IntN(256))
		}
		if err := it.Invoke(); err != nil {
			t.Fatal(err)
		}
		e := typ.Size()
		for o := 0; o < out.NumElements(); o++ {
			// Output coordinates, then the input offset they come from.
			rem, ii := o, 0
			coord := make([]int, rank)
			for d := rank - 1; d >= 0; d-- {
				coord[d] = rem % int(outShape[d])
				rem /= int(outShape[d])
			}
			for d := 0; d < rank; d++ {
				c := coord[slices.Index(perm, d)]
				ii = ii*int(shape[d]) + c
			}
			if !bytes.Equal(out.Data[o*e:o*e+e], in.Data[ii*e:ii*e+e]) {
				t.Fatalf("shape %v perm %v: output %d wrong", shape, perm, o)
			}
		}
	}
}

// The AVX-512 multi-tap kernel gives the tap-by-tap sums, extremes included.
func TestMacTapsAsmMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	have := useAVX512
	defer func() { useAVX512 = have }()
	if !have {
		t.Log("no AVX-512 here: the Go path was compared with itself")
	}
	for _, n := range []int{1, 31, 32, 33, 96, 1000} {
		for _, taps := range []int{1, 2, 9, 25, maxTaps, maxTaps + 1} {
			xs, ws := make([][]int8, taps), make([][]int8, taps)
			for i := range xs {
				xs[i], ws[i] = make([]int8, n), make([]int8, n)
				for j := range xs[i] {
					xs[i][j], ws[i][j] = int8(r.IntN(256)-128), int8(r.IntN(256)-128)
				}
				xs[i][0], ws[i][0] = -128, -128
			}
			a, b := make([]int32, n), make([]int32, n)
			for i := range a {
				a[i] = int32(r.Uint32())
				b[i] = a[i]
			}
			macTaps(a, xs, ws)
			useAVX512 = false
			macTaps(b, xs, ws)
			useAVX512 = have
			if !slices.Equal(a, b) {
				t.Fatalf("n=%d taps=%d: AVX-512 and tap by tap differ", n, taps)
			}
		}
	}
}

// Two dot products in one 64-bit multiply come apart exactly, signs and
// extremes included, up to the largest filter packPairs accepts.
func TestDotPairMatchesDot(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, n := range []int{1, 2, 3, 17, 1000, 1<<17 - 1} {
		for trial := 0; trial < 6; trial++ {
			x, w := make([]int8, n), make([]int8, 2*n)
			for i := range x {
				x[i] = int8(r.IntN(256) - 128)
			}
			for i := range w {
				w[i] = int8(r.IntN(256) - 128)
			}
			switch trial {
			case 0: // both sums at their most positive
				fillInt8(x, -128)
				fillInt8(w, -128)
			case 1: // the low sum most negative, the high most positive
				fillInt8(x, -128)
				fillInt8(w[:n], 127)
				fillInt8(w[n:], -128)
			}
			p := packPairs(w, 2, n)
			sa, sb := dotPairGo(x, p)
			wa, wb := dotInt8(w[:n], x), dotInt8(w[n:], x)
			if sa != wa || sb != wb {
				t.Fatalf("n=%d trial %d: %d %d, want %d %d", n, trial, sa, sb, wa, wb)
			}
			// Four channels: the same pair twice, and its swap.
			q := packPairs(append(slices.Clone(w[n:]), w[:n]...), 2, n)
			if a0, a1, b0, b1 := dotPairsGo(x, p, q); a0 != wa || a1 != wb || b0 != wb || b1 != wa {
				t.Fatalf("n=%d trial %d: four channels %d %d %d %d, want %d %d %d %d", n, trial, a0, a1, b0, b1, wa, wb, wb, wa)
			}
		}
	}
	if packPairs(make([]int8, 2<<17), 2, 1<<17) != nil {
		t.Fatal("pairs packed where the sums could overflow")
	}
}

// A grouped int8 CONV_2D (filter depth below the input's) convolves each
// group of output channels with its own slice of input channels, as the
// reference kernel's group offset says.
func TestGroupedConvInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	const h, w, inC, fC, outC = 5, 6, 6, 2, 6 // three groups of two channels
	wb := make([]byte, outC*3*3*fC)
	for i := range wb {
		wb[i] = byte(r.IntN(256))
	}
	zero := make([]int64, outC)
	scales := make([]float32, outC)
	for i := range scales {
		scales[i] = 0.01
	}
	it := oneOp(t, OpConv2D, Conv2DOptions(PaddingSame, 1, 1, ActNone), func(b *Builder) ([]int32, []int32, []int32) {
		in := b.AddTensor("in", Int8, []int32{1, h, w, inC}, nil, q1(0.05, 3))
		f := b.AddTensor("w", Int8, []int32{outC, 3, 3, fC}, wb, &Quantization{Scale: scales, ZeroPoint: zero})
		out := b.AddTensor("out", Int8, []int32{1, h, w, outC}, nil, q1(0.1, -2))
		return []int32{in, f}, []int32{out}, []int32{in}
	})
	x := it.Input(0).Int8()
	for i := range x {
		x[i] = int8(r.IntN(256) - 128)
	}
	if err := it.Invoke(); err != nil {
		t.Fatal(err)
	}
	wt := view[int8](wb)
	m, sh := quantizeMultiplier(0.05 * 0.01 / 0.1)
	for oy := 0; oy < h; oy++ {
		for ox := 0; ox < w; ox++ {
			for oc := 0; oc < outC; oc++ {
				var acc int32
				for fy := 0; fy < 3; fy++ {
					for fx := 0; fx < 3; fx++ {
						iy, ix := oy+fy-1, ox+fx-1
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						for ic := 0; ic < fC; ic++ {
							xv := int32(x[(iy*w+ix)*inC+oc/2*fC+ic]) - 3
							acc += xv * int32(wt[((oc*3+fy)*3+fx)*fC+ic])
						}
					}
				}
				want := int8(clampInt32(multiplyByQuantizedMultiplier(acc, m, sh)-2, -128, 127))
				if got := it.Output(0).Int8()[(oy*w+ox)*outC+oc]; got != want {
					t.Fatalf("(%d, %d) channel %d: %d, want %d", oy, ox, oc, got, want)
				}
			}
		}
	}
}
