package tflite

import (
	"math"
	"math/rand/v2"
	"testing"
)

func q1(s float32, z int64) *Quantization {
	return &Quantization{Scale: []float32{s}, ZeroPoint: []int64{z}}
}

// binaryModel is one ADD, SUB or MUL over shapes a and b.
func binaryModel(t *testing.T, op BuiltinOp, typ TensorType, a, b, out []int32, qa, qb, qo *Quantization) *Interpreter {
	t.Helper()
	return oneOp(t, op, nil, func(bl *Builder) ([]int32, []int32, []int32) {
		ia := bl.AddTensor("a", typ, a, nil, qa)
		ib := bl.AddTensor("b", typ, b, nil, qb)
		io := bl.AddTensor("o", typ, out, nil, qo)
		return []int32{ia, ib}, []int32{io}, []int32{ia, ib}
	})
}

// naive index of the broadcast input for output position o.
func bcIndex(o int, out, in []int32) int {
	idx, stride := 0, 1
	for d := len(out) - 1; d >= 0; d-- {
		c := o % int(out[d])
		o /= int(out[d])
		k := d - (len(out) - len(in))
		if k >= 0 {
			if in[k] != 1 {
				idx += c * stride
			}
			stride *= int(in[k])
		}
	}
	return idx
}

func TestBinaryBroadcasting(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shapes := [][3][]int32{
		{{2, 3, 4}, {2, 3, 4}, {2, 3, 4}},
		{{1, 2, 3, 4}, {4}, {1, 2, 3, 4}},
		{{1, 2, 3, 4}, {1, 1, 3, 1}, {1, 2, 3, 4}},
		{{5, 1}, {1, 6}, {5, 6}},
		{{3}, {1}, {3}},
	}
	for _, op := range []BuiltinOp{OpAdd, OpSub, OpMul} {
		for _, sh := range shapes {
			// float32: exactly the naive result.
			it := binaryModel(t, op, Float32, sh[0], sh[1], sh[2], nil, nil, nil)
			fa, fb := it.Input(0).Float32(), it.Input(1).Float32()
			for i := range fa {
				fa[i] = r.Float32()*4 - 2
			}
			for i := range fb {
				fb[i] = r.Float32()*4 - 2
			}
			if err := it.Invoke(); err != nil {
				t.Fatal(err)
			}
			for o, got := range it.Output(0).Float32() {
				x, y := fa[bcIndex(o, sh[2], sh[0])], fb[bcIndex(o, sh[2], sh[1])]
				want := map[BuiltinOp]float32{OpAdd: x + y, OpSub: x - y, OpMul: x * y}[op]
				if got != want {
					t.Fatalf("%s %v: out[%d] = %v, want %v", op, sh, o, got, want)
				}
			}
			// int8: the real result, quantised, within one step.
			qa, qb, qo := q1(0.05, 3), q1(0.03, -7), q1(0.08, 2)
			it = binaryModel(t, op, Int8, sh[0], sh[1], sh[2], qa, qb, qo)
			xa, xb := it.Input(0).Int8(), it.Input(1).Int8()
			for i := range xa {
				xa[i] = int8(r.IntN(256) - 128)
			}
			for i := range xb {
				xb[i] = int8(r.IntN(256) - 128)
			}
			if err := it.Invoke(); err != nil {
				t.Fatal(err)
			}
			for o, got := range it.Output(0).Int8() {
				x := 0.05 * float64(int(xa[bcIndex(o, sh[2], sh[0])])-3)
				y := 0.03 * float64(int(xb[bcIndex(o, sh[2], sh[1])])+7)
				v := map[BuiltinOp]float64{OpAdd: x + y, OpSub: x - y, OpMul: x * y}[op]
				want := math.Max(-128, math.Min(127, math.Round(v/0.08)+2))
				if math.Abs(float64(got)-want) > 1 {
					t.Fatalf("%s int8 %v: out[%d] = %d, want %v (real %.4f)", op, sh, o, got, want, v)
				}
			}
		}
	}
	// Shapes that do not broadcast are refused at load time.
	if _, err := loadOneOp(OpAdd, nil, func(bl *Builder) ([]int32, []int32, []int32) {
		ia := bl.AddTensor("a", Float32, []int32{2, 3}, nil, nil)
		ib := bl.AddTensor("b", Float32, []int32{4}, nil, nil)
		io := bl.AddTensor("o", Float32, []int32{2, 3}, nil, nil)
		return []int32{ia, ib}, []int32{io}, []int32{ia, ib}
	}); err == nil {
		t.Fatal("[2 3] + [4] accepted")
	}
}
