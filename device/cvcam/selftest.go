//go:build cgo

package cvcam

import (
	"fmt"

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
	return psnrBGR(f, got), "OpenCV " + gocv.OpenCVVersion(), nil
}
