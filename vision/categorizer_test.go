package vision

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/vision/dataset"
	"github.com/fovea-vision/fovea/vision/tflite"
)

func heldOut(t testing.TB, k dataset.Kind, n int) *dataset.Set {
	t.Helper()
	s, err := dataset.Load(dataset.DefaultDir(), k)
	if err != nil {
		t.Skipf("%v (make test fetches the data)", err)
	}
	_, test, err := s.Split(n)
	if err != nil {
		t.Fatal(err)
	}
	return test
}

func grey(img []byte, side int) *device.Frame {
	f := &device.Frame{}
	f.Reset(side, side, 1)
	copy(f.Pix, img)
	return f
}

// The embedded models name held-out images: Fashion-MNIST's models every
// 10th test image (1,000) with top-1 accuracy at least 88 %, the digits
// model all 1,000 of MNIST's at least 98 %.
func TestEmbeddedModelsAccuracy(t *testing.T) {
	for _, m := range []struct {
		name    string
		model   []byte
		kind    dataset.Kind
		heldOut int
		step    int
		labels  []string
		want    float64
	}{
		{"fashion", FashionModel, dataset.FashionMNIST, 1000, 10, dataset.FashionLabels, 0.88},
		{"fashion-raw", FashionRawModel, dataset.FashionMNIST, 1000, 10, dataset.FashionLabels, 0.88},
		{"digits", DigitsModel, dataset.MNIST, 100, 1, dataset.DigitLabels, 0.98},
	} {
		test := heldOut(t, m.kind, m.heldOut)
		c, err := NewCategorizer(m.model, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.Labels(), ","); got != strings.Join(m.labels, ",") {
			t.Fatalf("labels %q", got)
		}
		if (c.Spec().Precortical != nil) != (m.name != "fashion-raw") {
			t.Fatalf("%s: precortical %v", m.name, c.Spec().Precortical)
		}
		var top [3]Label
		correct, n := 0, 0
		for i := 0; i < test.Len(); i += m.step {
			got, err := c.Categorize(top[:], grey(test.Image(i), 28))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[0].Score < got[1].Score || got[1].Score < got[2].Score {
				t.Fatalf("top 3 %v not in order", got)
			}
			if got[0].Class == test.Label(i) {
				correct++
			}
			n++
		}
		acc := float64(correct) / float64(n)
		t.Logf("%s: %.2f %% of %d held-out images", m.name, 100*acc, n)
		if acc < m.want {
			t.Errorf("%s: accuracy %.3f, want ≥ %v", m.name, acc, m.want)
		}
	}
}

// Categorize allocates nothing, whatever the patch size, once warmed up.
func TestCategorizeAllocs(t *testing.T) {
	c, err := NewCategorizer(FashionModel, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &device.Frame{}
	f.Reset(64, 64, 3)
	for i := range f.Pix {
		f.Pix[i] = byte(i * 7)
	}
	var top [3]Label
	if _, err := c.Categorize(top[:], f); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(50, func() { c.Categorize(top[:], f) }); a != 0 {
		t.Fatalf("%v allocations per Categorize", a)
	}
}

// Area resizing: each output is the mean of the source area it covers;
// BGR becomes grey by Rec. 601 or RGB in order.
func TestResizeArea(t *testing.T) {
	f := &device.Frame{}
	f.Reset(6, 3, 1)
	copy(f.Pix, []byte{0, 30, 60, 90, 120, 150, 0, 30, 60, 90, 120, 150, 0, 30, 60, 90, 120, 150})
	dst := make([]float32, 4*2)
	var rows []float32
	resizeArea(dst, 4, 2, 1, f, &rows)
	// Columns cover 1.5 source pixels: (0+0.5·30)/1.5 = 10, (0.5·30+60)/1.5 = 50, …
	want := []float32{10, 50, 100, 140, 10, 50, 100, 140}
	for i := range want {
		if math.Abs(float64(dst[i]-want[i])) > 1e-4 {
			t.Fatalf("resized %v, want %v", dst, want)
		}
	}
	f.Reset(1, 1, 3)
	copy(f.Pix, []byte{10, 100, 200}) // B, G, R
	g := make([]float32, 3)
	resizeArea(g, 1, 1, 1, f, &rows)
	if w := float32(0.114*10 + 0.587*100 + 0.299*200); math.Abs(float64(g[0]-w)) > 1e-3 {
		t.Fatalf("grey %v, want %v", g[0], w)
	}
	resizeArea(g, 1, 1, 3, f, &rows)
	if g[0] != 200 || g[1] != 100 || g[2] != 10 {
		t.Fatalf("RGB %v", g)
	}
}

// floatModel is a float classifier over 2×2 grey images: logits = x·W, softmax.
func floatModel(t *testing.T, labels []string, spec string) []byte {
	b := tflite.NewBuilder()
	in := b.AddTensor("in", tflite.Float32, []int32{1, 2, 2, 1}, nil, nil)
	shape := make([]byte, 8)
	binary.LittleEndian.PutUint32(shape, 1)
	binary.LittleEndian.PutUint32(shape[4:], 4)
	sh := b.AddTensor("shape", tflite.Int32, []int32{2}, shape, nil)
	flat := b.AddTensor("flat", tflite.Float32, []int32{1, 4}, nil, nil)
	// Class 0 is "top half bright", class 1 "bottom half bright".
	w := []float32{1, 1, -1, -1, -1, -1, 1, 1}
	wb := make([]byte, 32)
	for i, v := range w {
		binary.LittleEndian.PutUint32(wb[4*i:], math.Float32bits(v))
	}
	tw := b.AddTensor("w", tflite.Float32, []int32{2, 4}, wb, nil)
	logits := b.AddTensor("logits", tflite.Float32, []int32{1, 2}, nil, nil)
	out := b.AddTensor("probs", tflite.Float32, []int32{1, 2}, nil, nil)
	b.AddOperator(tflite.OpReshape, 1, []int32{in, sh}, []int32{flat}, nil)
	b.AddOperator(tflite.OpFullyConnected, 1, []int32{flat, tw, -1}, []int32{logits}, tflite.FullyConnectedOptions(tflite.ActNone))
	b.AddOperator(tflite.OpSoftmax, 1, []int32{logits}, []int32{out}, tflite.SoftmaxOptions(1))
	b.SetIO([]int32{in}, []int32{out})
	if labels != nil {
		b.Metadata = append(b.Metadata, tflite.Metadata{Name: MetaLabels, Data: []byte(strings.Join(labels, "\n"))})
	}
	if spec != "" {
		b.Metadata = append(b.Metadata, tflite.Metadata{Name: MetaInput, Data: []byte(spec)})
	}
	m, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFloatModel(t *testing.T) {
	c, err := NewCategorizer(floatModel(t, []string{"up", "down"}, `{"mean": 128, "std": 128}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &device.Frame{}
	f.Reset(4, 4, 1)
	for i := 8; i < 16; i++ {
		f.Pix[i] = 255 // bottom half bright
	}
	var top [2]Label
	got, err := c.Categorize(top[:], f)
	if err != nil {
		t.Fatal(err)
	}
	// Inputs: top −1, bottom +0.99: logits −3.98 and +3.98.
	if got[0].Name != "down" || got[0].Score < 0.99 || math.Abs(float64(got[0].Score+got[1].Score-1)) > 1e-5 {
		t.Fatalf("%v", got)
	}
	// Options override the metadata; without labels, classes are numbered.
	c, err = NewCategorizer(floatModel(t, nil, ""), Options{Input: &InputSpec{Mean: 255, Std: 1}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = c.Categorize(top[:1], f)
	// Inputs: top −255, bottom 0: class 1.
	if len(got) != 1 || got[0].Name != "class 1" {
		t.Fatalf("%v", got)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		model []byte
		o     Options
		want  string
	}{
		{[]byte("not a model"), Options{}, "TFL3"},
		{floatModel(t, []string{"a"}, ""), Options{}, "1 labels for 2 classes"},
		{floatModel(t, nil, `{"mean": 0}`), Options{}, "std 0"},
		{floatModel(t, nil, `{"std": 1, "gamma": 2}`), Options{}, "unknown field"},
		{floatModel(t, nil, `{"std": 1, "precortical": {"SigmaCentre": -1}}`), Options{}, "precortical"},
	} {
		_, err := NewCategorizer(c.model, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	cat, err := NewCategorizer(FashionModel, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var top [1]Label
	if _, err := cat.Categorize(top[:], &device.Frame{Width: 4, Height: 4, Channels: 1, Stride: 4}); err == nil || !strings.HasPrefix(err.Error(), "vision: patch") {
		t.Errorf("empty frame: %v", err)
	}
}

func BenchmarkCategorize(b *testing.B) {
	c, err := NewCategorizer(FashionModel, Options{})
	if err != nil {
		b.Fatal(err)
	}
	f := &device.Frame{}
	f.Reset(48, 48, 3)
	var top [3]Label
	for b.Loop() {
		c.Categorize(top[:], f)
	}
}

// Any model file, however malformed, gives a Categorizer or an error.
func FuzzNewCategorizer(f *testing.F) {
	f.Add(FashionModel)
	f.Add([]byte("TFL3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := NewCategorizer(b, Options{})
		if err != nil {
			return
		}
		p := &device.Frame{}
		p.Reset(5, 7, 3)
		var top [2]Label
		c.Categorize(top[:], p)
	})
}
