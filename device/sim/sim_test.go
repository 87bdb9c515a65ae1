package sim

import (
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
)

func testModel(t testing.TB) device.CameraModel {
	m, err := device.NewCameraModel(640, 480, device.DegAngle(60))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTestWorld(t testing.TB, seed uint64) *World {
	cfg := DefaultWorldConfig
	cfg.Seed = seed
	w, err := NewWorld(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func toImage(f *device.Frame) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			p := f.Pix[y*f.Stride+3*x:]
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = p[2], p[1], p[0], 255
		}
	}
	return img
}

func TestDumpView(t *testing.T) {
	out := os.Getenv("FOVEA_DUMP")
	if out == "" {
		t.Skip("set FOVEA_DUMP=file.png to write a rendered view")
	}
	w := newTestWorld(t, 1)
	r, _ := NewRenderer(w, testModel(t))
	var f device.Frame
	o := w.Objects()[5]
	r.Render(&f, device.PoseDeg(o.BasePanDeg+8, o.BaseTiltDeg-5), 0)
	fh, _ := os.Create(out)
	defer fh.Close()
	png.Encode(fh, toImage(&f))
}

func BenchmarkRender(b *testing.B) {
	w := newTestWorld(b, 1)
	r, _ := NewRenderer(w, testModel(b))
	var f device.Frame
	r.Render(&f, device.Pose{}, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Render(&f, device.PoseDeg(10, 5), time.Duration(i)*time.Millisecond)
	}
}

var _ = context.Background
var _ = math.Pi
