package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The analytic gradients agree with central differences of the loss.
func TestGradients(t *testing.T) {
	a := Arch{Side: 8, C1: 3, C2: 4, Classes: 3}
	n, err := NewNet(a, 7)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range n.params() {
		for i := range p {
			p[i] += float32(0.1 * r.NormFloat64())
		}
	}
	const b = 4
	x := make([]float32, b*64)
	for i := range x {
		x[i] = r.Float32()
	}
	y := []uint8{0, 1, 2, 1}
	w := n.newWork(b)
	loss := func() float64 {
		n.forward(w, x, b)
		return n.backward(w, y, b)
	}
	loss()
	grads := make([][]float32, len(w.grads))
	for i, g := range w.grads {
		grads[i] = append([]float32(nil), g...)
	}
	names := []string{"W1", "B1", "W2", "B2", "W3", "B3"}
	for pi, p := range n.params() {
		worst := 0.0
		for j := 0; j < len(p); j += 1 + len(p)/12 {
			const h = 1e-2
			old := p[j]
			p[j] = old + h
			lp := loss()
			p[j] = old - h
			lm := loss()
			p[j] = old
			num := (lp - lm) / (2 * h)
			an := float64(grads[pi][j])
			if d := math.Abs(num-an) / math.Max(1e-3, math.Abs(num)+math.Abs(an)); d > worst {
				worst = d
			}
		}
		if worst > 0.05 {
			t.Errorf("%s: relative gradient error %.3f", names[pi], worst)
		}
	}
}

func TestValidation(t *testing.T) {
	if _, err := NewNet(Arch{Side: 30, C1: 1, C2: 1, Classes: 2}, 1); err == nil {
		t.Error("side 30 accepted")
	}
	n, _ := NewNet(Arch{Side: 8, C1: 1, C2: 1, Classes: 2}, 1)
	if err := Train(n, &fake{n: 3, side: 8}, Raw, Config{Epochs: 1, Batch: 4, LR: 1e-3}, nil); err == nil {
		t.Error("fewer samples than a batch accepted")
	}
	if err := Train(n, &fake{n: 8, side: 8, label: 5}, Raw, Config{Epochs: 1, Batch: 4, LR: 1e-3}, nil); err == nil {
		t.Error("class 5 of 2 accepted")
	}
	if err := Train(n, &fake{n: 8, side: 7}, Raw, Config{Epochs: 1, Batch: 4, LR: 1e-3}, nil); err == nil {
		t.Error("7×7 images accepted for side 8")
	}
	if err := Train(n, &fake{n: 8, side: 8}, Raw, Config{Epochs: 1, Batch: 4, LR: math.NaN()}, nil); err == nil {
		t.Error("NaN learning rate accepted")
	}
}

type fake struct{ n, side, label int }

func (f *fake) Len() int           { return f.n }
func (f *fake) Image(i int) []byte { return make([]byte, f.side*f.side) }
func (f *fake) Label(i int) int    { return f.label }

func TestShift(t *testing.T) {
	src := make([]byte, 16)
	for i := range src {
		src[i] = byte(i + 1)
	}
	dst := make([]byte, 16)
	Shift(dst, src, 4, 1, -1)
	want := []byte{0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 0, 0, 0}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("shifted %v, want %v", dst, want)
		}
	}
}
