//go:build cgo

package main

import (
	"image"
	"image/color"
	"math"
	"time"

	"gocv.io/x/gocv"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
)

// benchOpenCV times OpenCV on the retina's geometry: cv::remap, bilinear,
// into the same rings × wedges (point sampling: it aliases), and
// cv::logPolar.
func benchOpenCV(out map[string]stageResult, frame *device.Frame, g *foveate.Geometry, maxRadius float64, per time.Duration) error {
	w, h, ch := frame.Width, frame.Height, frame.Channels
	fx, fy := float64(w)/2, float64(h)/2
	typ := gocv.MatTypeCV8UC1
	if ch == 3 {
		typ = gocv.MatTypeCV8UC3
	}
	src := gocv.NewMatWithSize(h, w, typ) // OpenCV's own memory, filled with the frame
	defer src.Close()
	sp, err := src.DataPtrUint8()
	if err != nil {
		return err
	}
	copy(sp, frame.Pix)
	mapX := gocv.NewMatWithSize(g.Rings, g.Wedges, gocv.MatTypeCV32F)
	mapY := gocv.NewMatWithSize(g.Rings, g.Wedges, gocv.MatTypeCV32F)
	defer mapX.Close()
	defer mapY.Close()
	for i := 0; i < g.Rings; i++ {
		for j := 0; j < g.Wedges; j++ {
			dx, dy := g.Offset(i, j)
			mapX.SetFloatAt(i, j, float32(fx+dx))
			mapY.SetFloatAt(i, j, float32(fy+dy))
		}
	}
	dst := gocv.NewMat()
	defer dst.Close()
	out["retina.cv_remap"] = measure(per, func() {
		gocv.Remap(src, &dst, &mapX, &mapY, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	})
	lp := gocv.NewMat()
	defer lp.Close()
	mlog := float64(g.Wedges) / math.Log(maxRadius) // cv::logPolar magnitude scale
	out["retina.cv_logpolar"] = measure(per, func() {
		gocv.LogPolar(src, &lp, image.Pt(int(fx), int(fy)), mlog, gocv.InterpolationLinear)
	})
	return nil
}
