package train

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
)

type every struct {
	s    *dataset.Set
	step int
}

func (e every) Len() int           { return e.s.Len() / e.step }
func (e every) Image(i int) []byte { return e.s.Image(i * e.step) }
func (e every) Label(i int) int    { return e.s.Label(i * e.step) }

// The precortical experiment on every 200th held-out image (50: the race detector slows the interpreter tenfold) with the
// embedded models: the harshest light change costs the model with the
// stage at most a third of what it costs the model on raw pixels (issue
// 6's criterion); the table prints and the plot is a real PNG.
func TestLightExperiment(t *testing.T) {
	set, err := dataset.Load(dataset.DefaultDir(), dataset.FashionMNIST)
	if err != nil {
		t.Skipf("%v (make test fetches the data)", err)
	}
	_, test, err := set.Split(1000)
	if err != nil {
		t.Fatal(err)
	}
	with, err := vision.NewCategorizer(vision.FashionModel, vision.Options{})
	if err != nil {
		t.Fatal(err)
	}
	without, err := vision.NewCategorizer(vision.FashionRawModel, vision.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := LightExperiment(with, without, every{test, 200}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tab.Print(&out)
	t.Log("\n" + out.String())
	h := tab.Rows[tab.Harshest]
	if h.CostWith > h.CostWithout/3 {
		t.Errorf("harshest change (%+v) costs %.3f with the stage, %.3f without: more than a third", h.Light, h.CostWith, h.CostWithout)
	}
	if !strings.Contains(out.String(), "harshest") || len(tab.Rows) != len(Intensities)+len(Contrasts) {
		t.Errorf("table:\n%s", out.String())
	}
	var img bytes.Buffer
	if err := tab.PNG(&img); err != nil {
		t.Fatal(err)
	}
	im, err := png.Decode(&img)
	if err != nil {
		t.Fatal(err)
	}
	if b := im.Bounds(); b.Dx() < 600 || b.Dy() < 200 {
		t.Errorf("plot of %v", b)
	}
}
