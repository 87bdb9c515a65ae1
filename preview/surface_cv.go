//go:build cgo

package preview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"

	"gocv.io/x/gocv"

	"github.com/fovea-vision/fovea/device"
)

// surface is a BGR OpenCV Mat to draw on and encode (the cgo build).
type surface struct {
	m *gocv.Mat // nil until the first frame; a zero gocv.Mat is unusable
}

// load copies f into the Mat, allocating it only when the size changes;
// gray frames are expanded to BGR as they are copied.
func (s *surface) load(f *device.Frame) error {
	if s.m == nil || s.m.Rows() != f.Height || s.m.Cols() != f.Width {
		s.close()
		nm := gocv.NewMatWithSize(f.Height, f.Width, gocv.MatTypeCV8UC3)
		s.m = &nm
	}
	dst, err := s.m.DataPtrUint8()
	if err != nil {
		return fmt.Errorf("preview: encode: %w", err)
	}
	copyBGR(dst, f)
	return nil
}

// buffer identifies the pixel buffer (for tests of its reuse).
func (s *surface) buffer() any { return s.m }

func (s *surface) close() {
	if s.m != nil {
		s.m.Close()
		s.m = nil
	}
}

func (s *surface) line(a, b image.Point, c color.RGBA, thick int) { gocv.Line(s.m, a, b, c, thick) }

// circle draws an outline thick pixels wide, or a disc when thick is -1.
func (s *surface) circle(p image.Point, r int, c color.RGBA, thick int) {
	gocv.Circle(s.m, p, r, c, thick)
}

func (s *surface) rect(r image.Rectangle, c color.RGBA, thick int) { gocv.Rectangle(s.m, r, c, thick) }

// text writes t with its baseline's left end at p.
func (s *surface) text(t string, p image.Point, c color.RGBA) {
	gocv.PutText(s.m, t, p, gocv.FontHersheySimplex, 0.6, c, 2)
}

func (s *surface) jpeg(quality int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, *s.m, []int{gocv.IMWriteJpegQuality, quality})
	if err != nil {
		return nil, fmt.Errorf("preview: encode: %w", err)
	}
	defer buf.Close()
	// GetBytes aliases the native buffer that Close frees: copy it.
	return bytes.Clone(buf.GetBytes()), nil
}
