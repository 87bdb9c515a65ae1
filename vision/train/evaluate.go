package train

import (
	"math"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/vision"
)

// Light changes an image as a change of illumination seen by an 8-bit
// camera would: intensity scales every pixel, contrast scales each pixel's
// difference from the image's mean; results are rounded and clipped to
// 0–255.
type Light struct {
	Intensity float64 // ×k; 1 leaves the image unchanged
	Contrast  float64 // ×c about the mean; 1 leaves it unchanged
}

// Apply writes img under the light change into dst.
func (l Light) Apply(dst, img []byte) {
	mean := 0.0
	for _, v := range img {
		mean += float64(v)
	}
	mean /= float64(len(img))
	for i, v := range img {
		x := (mean + l.Contrast*(float64(v)-mean)) * l.Intensity
		dst[i] = uint8(max(0, min(255, x+0.5)))
	}
}

// Evaluate is cat's top-1 accuracy on data (grey Side×Side images), each
// seen under light (nil: unchanged).
func Evaluate(cat *vision.Categorizer, data Samples, light *Light) (float64, error) {
	var f device.Frame
	var top [1]vision.Label
	correct := 0
	for i := 0; i < data.Len(); i++ {
		img := data.Image(i)
		side := int(math.Sqrt(float64(len(img)))) // images are square
		f.Reset(side, side, 1)
		if light != nil {
			light.Apply(f.Pix, img)
		} else {
			copy(f.Pix, img)
		}
		got, err := cat.Categorize(top[:], &f)
		if err != nil {
			return 0, err
		}
		if got[0].Class == data.Label(i) {
			correct++
		}
	}
	return float64(correct) / float64(data.Len()), nil
}
