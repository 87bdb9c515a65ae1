//go:build !cgo

package preview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/fovea-vision/fovea/device"
)

// surface is an RGBA image to draw on, encoded by image/jpeg: the pure-Go
// build (CGO_ENABLED=0), with no OpenCV.
type surface struct {
	im  *image.RGBA
	buf bytes.Buffer
}

func (s *surface) load(f *device.Frame) error {
	if s.im == nil || s.im.Rect.Dx() != f.Width || s.im.Rect.Dy() != f.Height {
		s.im = image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	}
	for y := 0; y < f.Height; y++ {
		src := f.Pix[y*f.Stride:]
		d := s.im.Pix[y*s.im.Stride:]
		for x := 0; x < f.Width; x++ {
			if f.Channels == 3 {
				d[4*x], d[4*x+1], d[4*x+2] = src[3*x+2], src[3*x+1], src[3*x]
			} else {
				v := src[x]
				d[4*x], d[4*x+1], d[4*x+2] = v, v, v
			}
			d[4*x+3] = 255
		}
	}
	return nil
}

// buffer identifies the pixel buffer (for tests of its reuse).
func (s *surface) buffer() any { return s.im }

func (s *surface) close() {}

// disc fills a disc of radius r at p.
func (s *surface) disc(p image.Point, r int, c color.RGBA) {
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if x*x+y*y <= r*r {
				s.set(p.X+x, p.Y+y, c)
			}
		}
	}
}

func (s *surface) set(x, y int, c color.RGBA) {
	if image.Pt(x, y).In(s.im.Rect) {
		s.im.SetRGBA(x, y, c)
	}
}

// line steps along the longer axis, a disc of the thickness at each step.
func (s *surface) line(a, b image.Point, c color.RGBA, thick int) {
	n := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
	for i := 0; i <= n; i++ {
		p := image.Pt(a.X+(b.X-a.X)*i/n, a.Y+(b.Y-a.Y)*i/n)
		if thick <= 1 {
			s.set(p.X, p.Y, c)
		} else {
			s.disc(p, thick/2, c)
		}
	}
}

// circle draws an outline thick pixels wide, or a disc when thick is -1.
func (s *surface) circle(p image.Point, r int, c color.RGBA, thick int) {
	if thick < 0 {
		s.disc(p, r, c)
		return
	}
	lo, hi := (r-thick/2)*(r-thick/2), (r+(thick+1)/2)*(r+(thick+1)/2)
	for y := -r - thick; y <= r+thick; y++ {
		for x := -r - thick; x <= r+thick; x++ {
			if d := x*x + y*y; d >= lo && d < hi {
				s.set(p.X+x, p.Y+y, c)
			}
		}
	}
}

func (s *surface) rect(r image.Rectangle, c color.RGBA, thick int) {
	s.line(r.Min, image.Pt(r.Max.X, r.Min.Y), c, thick)
	s.line(image.Pt(r.Max.X, r.Min.Y), r.Max, c, thick)
	s.line(r.Max, image.Pt(r.Min.X, r.Max.Y), c, thick)
	s.line(image.Pt(r.Min.X, r.Max.Y), r.Min, c, thick)
}

// text writes t with its baseline's left end at p, in a 7×13 bitmap font.
func (s *surface) text(t string, p image.Point, c color.RGBA) {
	d := font.Drawer{Dst: s.im, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(p.X, p.Y)}
	d.DrawString(t)
}

func (s *surface) jpeg(quality int) ([]byte, error) {
	s.buf.Reset()
	if err := jpeg.Encode(&s.buf, s.im, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("preview: encode: %w", err)
	}
	return bytes.Clone(s.buf.Bytes()), nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
