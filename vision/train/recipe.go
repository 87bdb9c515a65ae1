package train

import (
	"encoding/json"
	"fmt"

	"github.com/fovea-vision/fovea/foveate"
	"github.com/fovea-vision/fovea/vision"
	"github.com/fovea-vision/fovea/vision/dataset"
)

// Recipe is everything that makes a categoriser from a dataset: `make
// models` runs DefaultRecipe with and without the precortical stage.
type Recipe struct {
	Arch        Arch
	Config      Config
	HeldOut     int                        // the last HeldOut images of each class are the test set
	Calibration int                        // training images used to calibrate int8 ranges
	Precortical *foveate.PrecorticalConfig // the stage before the network, or nil for raw pixels
}

// DefaultRecipe trains DefaultArch for DefaultConfig, holding out the last
// 1,000 images of each class.
var DefaultRecipe = Recipe{Arch: DefaultArch, Config: DefaultConfig, HeldOut: 1000, Calibration: 2000}

// Result is what a recipe made.
type Result struct {
	Model         []byte  // the int8 .tflite file
	FloatAccuracy float64 // the float network's held-out accuracy
	Int8Accuracy  float64 // the .tflite file's, through vision.Categorizer
	Train, Test   int     // image counts
}

// InputSpec is the specification stored in the model.
func (r Recipe) InputSpec() vision.InputSpec {
	return vision.InputSpec{Mean: 0, Std: 255, Precortical: r.Precortical}
}

// Preprocess is the function training applies to each image, the same
// arithmetic as vision.Categorizer's.
func (r Recipe) Preprocess() (Preprocess, error) {
	if r.Precortical == nil {
		return Raw, nil
	}
	pc, err := foveate.NewPrecortical(*r.Precortical, r.Arch.Side, r.Arch.Side)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return func(dst []float32, img []byte) {
		Raw(dst, img)
		pc.Apply(dst, dst)
	}, nil
}

// Make trains, calibrates, quantises and evaluates.
func (r Recipe) Make(set *dataset.Set, progress Progress) (*Result, error) {
	if set.Labels == nil || len(set.Labels) != r.Arch.Classes {
		return nil, fmt.Errorf("train: %d classes in %s, the network has %d", len(set.Labels), set.Name, r.Arch.Classes)
	}
	trainSet, testSet, err := set.Split(r.HeldOut)
	if err != nil {
		return nil, err
	}
	prep, err := r.Preprocess()
	if err != nil {
		return nil, err
	}
	n, err := NewNet(r.Arch, r.Config.Seed)
	if err != nil {
		return nil, err
	}
	if err := Train(n, trainSet, prep, r.Config, progress); err != nil {
		return nil, err
	}
	res := &Result{Train: trainSet.Len(), Test: testSet.Len(), FloatAccuracy: Accuracy(n, testSet, prep)}
	// Calibrate on training images spread over the whole set.
	k := min(r.Calibration, trainSet.Len())
	calib := make([][]float32, k)
	for i := range calib {
		calib[i] = make([]float32, r.Arch.Side*r.Arch.Side)
		prep(calib[i], trainSet.Image(i*trainSet.Len()/k))
	}
	c, err := Calibrate(n, calib)
	if err != nil {
		return nil, err
	}
	spec, err := json.Marshal(r.InputSpec())
	if err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("Fovea categoriser: %s, %d training images, last %d of each class held out; %+v %+v", set.Name, trainSet.Len(), r.HeldOut, r.Arch, r.Config)
	if res.Model, err = Export(n, c, set.Labels, spec, desc); err != nil {
		return nil, err
	}
	cat, err := vision.NewCategorizer(res.Model, vision.Options{})
	if err != nil {
		return nil, fmt.Errorf("train: the exported model does not load: %w", err)
	}
	if res.Int8Accuracy, err = Evaluate(cat, testSet, nil); err != nil {
		return nil, err
	}
	return res, nil
}
