package train

import (
	"strings"
	"testing"

	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
	"github.com/fovea-vision/fovea/vision/tflite"
)

// The whole recipe on real digits, small and short: the float network
// learns, and its int8 .tflite file (through vision.Categorizer and the
// pure-Go interpreter) predicts as the float network does.
func TestRecipeOnDigits(t *testing.T) {
	all, err := dataset.Load(dataset.DefaultDir(), dataset.MNIST)
	if err != nil {
		t.Skipf("%v (make test fetches the data)", err)
	}
	// Every third image (about 330 per class): short under the race detector.
	set := &dataset.Set{Name: "mnist/3", Labels: all.Labels}
	for i := 0; i < all.Len(); i += 3 {
		set.Pix = append(set.Pix, all.Image(i)...)
		set.Class = append(set.Class, all.Class[i])
		set.Index = append(set.Index, all.Index[i])
	}
	pc := foveate.DefaultPrecortical
	r := Recipe{Arch: Arch{Side: 28, C1: 8, C2: 16, Classes: 10}, Config: Config{Epochs: 2, Batch: 32, LR: 3e-3, Shift: 1, Seed: 3},
		HeldOut: 50, Calibration: 300, Precortical: &pc}
	res, err := r.Make(set, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("float %.3f, int8 %.3f on %d held-out digits after 2 epochs; %d bytes", res.FloatAccuracy, res.Int8Accuracy, res.Test, len(res.Model))
	if res.FloatAccuracy < 0.85 {
		t.Errorf("float accuracy %.3f after 2 epochs, want ≥ 0.85", res.FloatAccuracy)
	}
	if d := res.FloatAccuracy - res.Int8Accuracy; d > 0.03 || d < -0.03 {
		t.Errorf("int8 accuracy %.3f, float %.3f: quantisation lost too much", res.Int8Accuracy, res.FloatAccuracy)
	}
	// The file is a standard model: the ops TFLite's converter emits, the
	// labels and input specification in its metadata.
	m, err := tflite.Parse(res.Model)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, op := range m.Subgraphs[0].Operators {
		ops = append(ops, m.OperatorCodes[op.Opcode].Builtin.String())
	}
	if got := strings.Join(ops, " "); got != "CONV_2D MAX_POOL_2D CONV_2D MAX_POOL_2D RESHAPE FULLY_CONNECTED SOFTMAX" {
		t.Errorf("ops %s", got)
	}
	cat, err := vision.NewCategorizer(res.Model, vision.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cat.Spec().Precortical == nil || *cat.Spec().Precortical != pc || strings.Join(cat.Labels(), "") != "0123456789" {
		t.Errorf("metadata: spec %+v, labels %v", cat.Spec(), cat.Labels())
	}
}

func TestExportErrors(t *testing.T) {
	n, _ := NewNet(Arch{Side: 8, C1: 2, C2: 2, Classes: 3}, 1)
	if _, err := Export(n, Calibration{InMax: 1, Act1: 1, Act2: 1, LogMax: 1}, []string{"a"}, []byte("{}"), ""); err == nil {
		t.Error("1 label for 3 classes accepted")
	}
	if _, err := Calibrate(n, nil); err == nil {
		t.Error("no calibration inputs accepted")
	}
	if _, err := Calibrate(n, [][]float32{make([]float32, 5)}); err == nil {
		t.Error("a 5-value input accepted for 8×8")
	}
}

// Light changes as an 8-bit camera sees them: scaled, rounded, clipped.
func TestLight(t *testing.T) {
	img := []byte{0, 100, 200, 100}
	dst := make([]byte, 4)
	Light{Intensity: 2, Contrast: 1}.Apply(dst, img)
	if string(dst) != string([]byte{0, 200, 255, 200}) {
		t.Errorf("intensity ×2: %v", dst)
	}
	Light{Intensity: 1, Contrast: 0.5}.Apply(dst, img) // mean 100
	if string(dst) != string([]byte{50, 100, 150, 100}) {
		t.Errorf("contrast ×0.5: %v", dst)
	}
}
