package train

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/fovea-vision/fovea/vision/tflite"
)

// Metadata names what Export stores in the model besides its graph.
const (
	MetaLabels = "fovea.labels" // class names, one per line, by class index
	MetaInput  = "fovea.input"  // JSON: how to make the input from an image (vision.InputSpec)
)

// Calibration holds the float ranges int8 quantisation maps.
type Calibration struct {
	InMin, InMax   float32 // network input
	Act1, Act2     float32 // ReLU outputs of the two convolutions (their minimum is 0)
	LogMin, LogMax float32 // logits
}

// Calibrate runs the float network over inputs (each Side×Side,
// preprocessed) and records every activation's range.
func Calibrate(n *Net, inputs [][]float32) (Calibration, error) {
	var c Calibration
	if len(inputs) == 0 {
		return c, fmt.Errorf("train: calibrate: no inputs")
	}
	const b = 128
	w := n.newWork(b)
	sz := n.Side * n.Side
	x := make([]float32, b*sz)
	c.InMin, c.InMax = float32(math.Inf(1)), float32(math.Inf(-1))
	c.LogMin, c.LogMax = c.InMin, c.InMax
	for s := 0; s < len(inputs); s += b {
		m := min(b, len(inputs)-s)
		for k := 0; k < m; k++ {
			if len(inputs[s+k]) != sz {
				return c, fmt.Errorf("train: calibrate: input %d has %d values, want %d", s+k, len(inputs[s+k]), sz)
			}
			copy(x[k*sz:], inputs[s+k])
		}
		for _, v := range x[:m*sz] {
			c.InMin, c.InMax = min(c.InMin, v), max(c.InMax, v)
		}
		n.forward(w, x, m)
		for _, v := range w.z1[:m*sz*n.C1] {
			c.Act1 = max(c.Act1, v)
		}
		for _, v := range w.z2[:m*sz/4*n.C2] {
			c.Act2 = max(c.Act2, v)
		}
		for _, v := range w.logits[:m*n.Classes] {
			c.LogMin, c.LogMax = min(c.LogMin, v), max(c.LogMax, v)
		}
	}
	for _, v := range []float32{c.InMin, c.InMax, c.Act1, c.Act2, c.LogMin, c.LogMax} {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return c, fmt.Errorf("train: calibrate: activation range not finite: %+v", c)
		}
	}
	return c, nil
}

// affine returns TFLite's asymmetric int8 parameters for [lo, hi] (widened
// to include zero, so that zero padding is exact).
func affine(lo, hi float32) (scale float32, zp int64) {
	lo, hi = min(lo, 0), max(hi, 0)
	if hi-lo < 1e-6 {
		hi = lo + 1e-6
	}
	scale = (hi - lo) / 255
	zp = int64(math.Round(float64(-128 - lo/scale)))
	return scale, max(-128, min(127, zp))
}

// symmetric quantises w (rows of len(w)/rows values) per row or per tensor.
func symmetric(w []float32, rows int, perRow bool) (q []byte, scales []float32) {
	q = make([]byte, len(w))
	groups := 1
	if perRow {
		groups = rows
	}
	per := len(w) / groups
	for g := 0; g < groups; g++ {
		m := float32(0)
		for _, v := range w[g*per : (g+1)*per] {
			m = max(m, float32(math.Abs(float64(v))))
		}
		s := m / 127
		if s == 0 {
			s = 1
		}
		scales = append(scales, s)
		for i, v := range w[g*per : (g+1)*per] {
			q[g*per+i] = byte(int8(max(-127, min(127, math.Round(float64(v/s))))))
		}
	}
	return q, scales
}

func biasQ(b []float32, sIn float32, sW []float32) []byte {
	out := make([]byte, 4*len(b))
	for i, v := range b {
		s := sW[0]
		if len(sW) > 1 {
			s = sW[i]
		}
		q := math.Round(float64(v) / (float64(sIn) * float64(s)))
		binary.LittleEndian.PutUint32(out[4*i:], uint32(int32(max(math.MinInt32, min(math.MaxInt32, q)))))
	}
	return out
}

// Export quantises n with the calibration c and writes a .tflite file:
// int8 input [1, Side, Side, 1], int8 softmax output [1, Classes], the
// class names and the input specification in metadata.
func Export(n *Net, c Calibration, labels []string, inputSpec []byte, description string) ([]byte, error) {
	if len(labels) != n.Classes {
		return nil, fmt.Errorf("train: export: %d labels for %d classes", len(labels), n.Classes)
	}
	b := tflite.NewBuilder()
	b.Description = description
	s, s2, s4 := int32(n.Side), int32(n.Side/2), int32(n.Side/4)
	c1, c2, k, f := int32(n.C1), int32(n.C2), int32(n.Classes), int32(n.feat())
	q := func(scale float32, zp int64) *tflite.Quantization {
		return &tflite.Quantization{Scale: []float32{scale}, ZeroPoint: []int64{zp}}
	}
	perChannel := func(sc []float32) *tflite.Quantization {
		return &tflite.Quantization{Scale: sc, ZeroPoint: make([]int64, len(sc))}
	}
	sIn, zIn := affine(c.InMin, c.InMax)
	sA1, zA1 := affine(0, c.Act1)
	sA2, zA2 := affine(0, c.Act2)
	sL, zL := affine(c.LogMin, c.LogMax)

	in := b.AddTensor("input", tflite.Int8, []int32{1, s, s, 1}, nil, q(sIn, zIn))
	w1, sw1 := symmetric(n.W1, n.C1, true)
	tw1 := b.AddTensor("conv1/weights", tflite.Int8, []int32{c1, 3, 3, 1}, w1, perChannel(sw1))
	tb1 := b.AddTensor("conv1/bias", tflite.Int32, []int32{c1}, biasQ(n.B1, sIn, sw1), perChannel(mul(sw1, sIn)))
	a1 := b.AddTensor("conv1/relu", tflite.Int8, []int32{1, s, s, c1}, nil, q(sA1, zA1))
	p1 := b.AddTensor("pool1", tflite.Int8, []int32{1, s2, s2, c1}, nil, q(sA1, zA1))
	w2, sw2 := symmetric(n.W2, n.C2, true)
	tw2 := b.AddTensor("conv2/weights", tflite.Int8, []int32{c2, 3, 3, c1}, w2, perChannel(sw2))
	tb2 := b.AddTensor("conv2/bias", tflite.Int32, []int32{c2}, biasQ(n.B2, sA1, sw2), perChannel(mul(sw2, sA1)))
	a2 := b.AddTensor("conv2/relu", tflite.Int8, []int32{1, s2, s2, c2}, nil, q(sA2, zA2))
	p2 := b.AddTensor("pool2", tflite.Int8, []int32{1, s4, s4, c2}, nil, q(sA2, zA2))
	shape := make([]byte, 8)
	binary.LittleEndian.PutUint32(shape, 1)
	binary.LittleEndian.PutUint32(shape[4:], uint32(f))
	tshape := b.AddTensor("flatten/shape", tflite.Int32, []int32{2}, shape, nil)
	flat := b.AddTensor("flatten", tflite.Int8, []int32{1, f}, nil, q(sA2, zA2))
	w3, sw3 := symmetric(n.W3, n.Classes, false)
	tw3 := b.AddTensor("readout/weights", tflite.Int8, []int32{k, f}, w3, q(sw3[0], 0))
	tb3 := b.AddTensor("readout/bias", tflite.Int32, []int32{k}, biasQ(n.B3, sA2, sw3), q(sA2*sw3[0], 0))
	logits := b.AddTensor("logits", tflite.Int8, []int32{1, k}, nil, q(sL, zL))
	probs := b.AddTensor("probabilities", tflite.Int8, []int32{1, k}, nil, q(1.0/256, -128))

	b.AddOperator(tflite.OpConv2D, 3, []int32{in, tw1, tb1}, []int32{a1}, tflite.Conv2DOptions(tflite.PaddingSame, 1, 1, tflite.ActRelu))
	b.AddOperator(tflite.OpMaxPool2D, 2, []int32{a1}, []int32{p1}, tflite.Pool2DOptions(tflite.PaddingValid, 2, 2, 2, 2, tflite.ActNone))
	b.AddOperator(tflite.OpConv2D, 3, []int32{p1, tw2, tb2}, []int32{a2}, tflite.Conv2DOptions(tflite.PaddingSame, 1, 1, tflite.ActRelu))
	b.AddOperator(tflite.OpMaxPool2D, 2, []int32{a2}, []int32{p2}, tflite.Pool2DOptions(tflite.PaddingValid, 2, 2, 2, 2, tflite.ActNone))
	b.AddOperator(tflite.OpReshape, 1, []int32{p2, tshape}, []int32{flat}, nil)
	b.AddOperator(tflite.OpFullyConnected, 4, []int32{flat, tw3, tb3}, []int32{logits}, tflite.FullyConnectedOptions(tflite.ActNone))
	b.AddOperator(tflite.OpSoftmax, 2, []int32{logits}, []int32{probs}, tflite.SoftmaxOptions(1))
	b.SetIO([]int32{in}, []int32{probs})
	lab := []byte{}
	for i, l := range labels {
		if i > 0 {
			lab = append(lab, '\n')
		}
		lab = append(lab, l...)
	}
	b.Metadata = []tflite.Metadata{{Name: MetaLabels, Data: lab}, {Name: MetaInput, Data: inputSpec}}
	return b.Bytes()
}

func mul(s []float32, k float32) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = v * k
	}
	return out
}
