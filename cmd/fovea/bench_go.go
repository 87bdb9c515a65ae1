//go:build !cgo

package main

import (
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
)

// benchOpenCV has nothing to time in a build without OpenCV.
func benchOpenCV(out map[string]stageResult, frame *device.Frame, g *foveate.Geometry, maxRadius float64, per time.Duration) error {
	return nil
}
