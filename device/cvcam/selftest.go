//go:build cgo

package cvcam

import (
	"fmt"
	"math"

	"gocv.io/x/gocv"

	"github.com/fovea-vision/fovea/device"
)

// CheckCodec encodes f (BGR) as JPEG with OpenCV, decodes it back and
// returns the PSNR in dB: proof that the OpenCV libraries load and work
// where the binary runs. It also returns "OpenCV" and its version.
func CheckCodec(f *device.Frame) (psnr float64, version string, err error) {
	if err := f.Validate(); err != nil || f.Channels != 3 {
		return 0, "", fmt.Errorf("cvcam: codec check needs a BGR frame")
	}
	m, err := gocv.NewMatFromBytes(f.Height, f.Width, gocv.MatTypeCV8UC3, f.Pix[:f.Height*f.Stride])
	if err != nil {
		return 0, "", fmt.Errorf("cvcam: %w", err)
	}
	defer m.Close()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, 90})
	if err != nil {
		return 0, "", fmt.Errorf("cvcam: JPEG encode: %w", err)
	}
	defer buf.Close()
	d, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadColor)
	if err != nil {
		return 0, "", fmt.Errorf("cvcam: JPEG decode: %w", err)
	}
	defer d.Close()
	if d.Cols() != f.Width || d.Rows() != f.Height || d.Channels() != 3 {
		return 0, "", fmt.Errorf("cvcam: JPEG round trip gave %dx%dx%d", d.Cols(), d.Rows(), d.Channels())
	}
	got, err := d.DataPtrUint8()
	if err != nil {
		return 0, "", fmt.Errorf("cvcam: %w", err)
	}
	var se float64
	for y := 0; y < f.Height; y++ {
		a := f.Pix[y*f.Stride : y*f.Stride+3*f.Width]
		b := got[y*3*f.Width : (y+1)*3*f.Width]
		for i := range a {
			e := float64(a[i]) - float64(b[i])
			se += e * e
		}
	}
	mse := se / float64(3*f.Width*f.Height)
	if mse == 0 {
		return math.Inf(1), "OpenCV " + gocv.OpenCVVersion(), nil
	}
	return 10 * math.Log10(255*255/mse), "OpenCV " + gocv.OpenCVVersion(), nil
}
