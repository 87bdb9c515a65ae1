package foveate

import (
	"image"
	"image/jpeg"
	"math"
	"os"
	"testing"

	"github.com/fovea-vision/fovea/device"
)

// realFrame loads a real photograph from Debian's opencv-doc as a gray
// frame, mapped into [lo, hi] so that brightening it does not clip.
func realFrame(t *testing.T, lo, hi float64) *device.Frame {
	t.Helper()
	const path = "/usr/share/doc/opencv-doc/examples/data/baboon.jpg"
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("%s missing (make deps installs opencv-doc): %v", path, err)
	}
	defer fh.Close()
	img, err := jpeg.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	gray := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			gray.Set(x, y, img.At(x, y))
		}
	}
	var f device.Frame
	f.Reset(b.Dx(), b.Dy(), 1)
	for i, v := range gray.Pix {
		f.Pix[i] = uint8(lo + (hi-lo)*float64(v)/255 + 0.5)
	}
	return &f
}

func transform(src *device.Frame, fn func(v float64) float64) *device.Frame {
	var f device.Frame
	f.CopyFrom(src)
	for i, v := range src.Pix {
		f.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(fn(float64(v))))))
	}
	return &f
}

func relDist(a, b []float32) float64 {
	var d, n float64
	for i := range a {
		d += float64(a[i]-b[i]) * float64(a[i]-b[i])
		n += float64(b[i]) * float64(b[i])
	}
	return math.Sqrt(d / n)
}

func TestPrecorticalRobustToLight(t *testing.T) {
	src := realFrame(t, 24, 120)
	g := geometry(t)
	r := New(g)
	cfg := DefaultPrecortical
	cfg.WrapX = true
	p, err := NewPrecortical(cfg, g.Wedges, g.Rings)
	if err != nil {
		t.Fatal(err)
	}
	fx, fy := float64(src.Width)/2, float64(src.Height)/2
	run := func(f *device.Frame) (raw, out []float32) {
		var im Image
		if err := r.Sample(&im, f, fx, fy); err != nil {
			t.Fatal(err)
		}
		// Raw samples with their mean removed: what a network sees once
		// it normalises its input globally.
		var m float32
		n := 0
		for k, ok := range im.Valid {
			if ok {
				m += im.Pix[k]
				n++
			}
		}
		m /= float32(n)
		all := make([]float32, len(im.Pix))
		if err := p.ApplyImage(all, &im); err != nil {
			t.Fatal(err)
		}
		// Compare valid samples only: the others lie off the frame.
		for k, ok := range im.Valid {
			if ok {
				raw = append(raw, im.Pix[k]-m)
				out = append(out, all[k])
			}
		}
		return raw, out
	}
	raw0, out0 := run(src)
	var mean float64
	for _, v := range src.Pix {
		mean += float64(v)
	}
	mean /= float64(len(src.Pix))
	cases := []struct {
		name string
		fn   func(float64) float64
	}{
		{"intensity ×0.25", func(v float64) float64 { return 0.25 * v }},
		{"intensity ×0.5", func(v float64) float64 { return 0.5 * v }},
		{"intensity ×2", func(v float64) float64 { return 2 * v }},
		{"contrast ×0.3", func(v float64) float64 { return mean + 0.3*(v-mean) }},
		{"contrast ×0.6", func(v float64) float64 { return mean + 0.6*(v-mean) }},
	}
	for _, c := range cases {
		raw, out := run(transform(src, c.fn))
		dr, do := relDist(raw, raw0), relDist(out, out0)
		t.Logf("%-16s raw (mean-removed) samples differ by %5.1f%%, precortical output by %5.1f%%", c.name, 100*dr, 100*do)
		// Stated bound: the output moves by at most 20% (relative L2) and
		// by less than a third of what the raw pixels move.
		if do > 0.20 || do > dr/3 {
			t.Errorf("%s: output differs by %.1f%% (raw %.1f%%): want ≤ 20%% and ≤ a third of raw", c.name, 100*do, 100*dr)
		}
	}
}

func TestPrecorticalRejectsBadInput(t *testing.T) {
	if _, err := NewPrecortical(PrecorticalConfig{}, 8, 8); err == nil {
		t.Error("zero config accepted")
	}
	p, err := NewPrecortical(DefaultPrecortical, 8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(make([]float32, 64), make([]float32, 10)); err == nil {
		t.Error("short plane accepted")
	}
}

func BenchmarkPrecortical(b *testing.B) {
	g, _ := NewGeometry(DefaultConfig)
	cfg := DefaultPrecortical
	cfg.WrapX = true
	p, _ := NewPrecortical(cfg, g.Wedges, g.Rings)
	src := make([]float32, g.Samples())
	for i := range src {
		src[i] = float32(i % 97)
	}
	dst := make([]float32, len(src))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Apply(dst, src)
	}
}
