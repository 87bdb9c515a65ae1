package vision_test

import (
	"fmt"
	"log"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
	"github.com/fovea-vision/fovea/vision"
)

// Name a held-out Fashion-MNIST image with the embedded categoriser.
func ExampleCategorizer() {
	cat, err := vision.NewCategorizer(vision.FashionModel, vision.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sprites, err := sim.FashionSprites() // held-out images the model never saw
	if err != nil {
		log.Fatal(err)
	}
	s := sprites[20] // the first held-out trouser
	var patch device.Frame
	patch.Reset(sim.SpriteSide, sim.SpriteSide, 1)
	copy(patch.Pix, s.Pix)
	var top [2]vision.Label
	best, err := cat.Categorize(top[:], &patch)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("truth %s, named %s (score above 0.9: %v)\n", s.Category, best[0].Name, best[0].Score > 0.9)
	// Output: truth trouser, named trouser (score above 0.9: true)
}
