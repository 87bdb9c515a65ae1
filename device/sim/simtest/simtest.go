// Package simtest provides real frames of the simulated world for tests of
// other packages: encoders, streams, cameras.
package simtest

import (
	"testing"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim"
)

// Renderer returns a renderer of the default world (seed 1) at a coarse
// panorama resolution, which builds fast, through a 60° camera of w×h.
func Renderer(tb testing.TB, w, h int) *sim.Renderer {
	tb.Helper()
	cfg := sim.DefaultWorldConfig
	cfg.DegPerPx = 0.25
	world, err := sim.NewWorld(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := device.NewCameraModel(w, h, device.DegAngle(60))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := sim.NewRenderer(world, m)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// Frames renders n distinct w×h frames, panning 3° and 100 ms apart, with
// sequence numbers from 1.
func Frames(tb testing.TB, w, h, n int) []device.Frame {
	tb.Helper()
	r := Renderer(tb, w, h)
	out := make([]device.Frame, n)
	for i := range out {
		r.Render(&out[i], device.PoseDeg(float64(i*3-30), 0), time.Duration(i)*time.Second/10)
		out[i].Seq = uint64(i + 1)
	}
	return out
}
