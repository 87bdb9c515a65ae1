//go:build !cgo

package cvcam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"runtime"

	"github.com/fovea-vision/fovea/device"
)

// ErrNoOpenCV is what Open returns in a build without cgo: real cameras
// need OpenCV; the simulated world does not.
var ErrNoOpenCV = errors.New("cvcam: this fovea was built without cgo, so without OpenCV: only camera.source sim works (build with CGO_ENABLED=1 and libopencv-dev for real cameras)")

// Camera is absent from a build without cgo.
type Camera struct{ kind Kind }

// Open always fails without cgo.
func Open(cfg Config) (*Camera, error) { return nil, ErrNoOpenCV }

// Kind is the kind of source.
func (c *Camera) Kind() Kind { return c.kind }

// NextFrame always fails without cgo.
func (c *Camera) NextFrame(ctx context.Context, f *device.Frame) error { return ErrNoOpenCV }

// Close does nothing.
func (c *Camera) Close() error { return nil }

// CheckCodec round-trips f through Go's image/jpeg (there is no OpenCV in
// this build) and returns the PSNR in dB.
func CheckCodec(f *device.Frame) (psnr float64, version string, err error) {
	if err := f.Validate(); err != nil || f.Channels != 3 {
		return 0, "", fmt.Errorf("cvcam: codec check needs a BGR frame")
	}
	im := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			p := f.Pix[y*f.Stride+3*x:]
			copy(im.Pix[y*im.Stride+4*x:], []byte{p[2], p[1], p[0], 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, im, &jpeg.Options{Quality: 90}); err != nil {
		return 0, "", fmt.Errorf("cvcam: JPEG encode: %w", err)
	}
	d, err := jpeg.Decode(&buf)
	if err != nil {
		return 0, "", fmt.Errorf("cvcam: JPEG decode: %w", err)
	}
	got := make([]byte, 3*f.Width*f.Height)
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			r, g, b, _ := d.At(x, y).RGBA()
			copy(got[3*(y*f.Width+x):], []byte{byte(b >> 8), byte(g >> 8), byte(r >> 8)})
		}
	}
	return psnrBGR(f, got), "Go image/jpeg (" + runtime.Version() + ", no OpenCV in this build)", nil
}
