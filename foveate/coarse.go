package foveate

import (
	"fmt"
	"math"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/physic"
)

// ConfigForCamera is a Config whose fovea and outer radius are given in
// degrees of visual angle for camera model m: a radius θ is f·tan θ pixels
// from the image centre. foveaRadius 0 keeps the default (F pixels).
func ConfigForCamera(m device.CameraModel, wedges int, maxEccentricity, foveaRadius physic.Angle) (Config, error) {
	if err := m.Validate(); err != nil {
		return Config{}, fmt.Errorf("foveate: %w", err)
	}
	toPx := func(a physic.Angle) float64 {
		return m.FocalPx() * math.Tan(device.AngleDeg(a)*math.Pi/180)
	}
	if maxEccentricity <= 0 || maxEccentricity >= 85*physic.Degree || foveaRadius < 0 || foveaRadius >= maxEccentricity {
		return Config{}, fmt.Errorf("foveate: eccentricities %s (fovea) and %s (outer) invalid", foveaRadius, maxEccentricity)
	}
	c := DefaultConfig
	c.Wedges = wedges
	c.MaxRadius = toPx(maxEccentricity)
	if foveaRadius > 0 {
		c.FoveaRadius = toPx(foveaRadius)
	}
	return c, nil
}

// Coarse averages the periphery of src (the rings from src's fovea
// outwards) over blocks of factor rings × factor wedges into dst: the
// coarse peripheral view attention works on. Invalid samples do not count;
// a block with none is invalid. It allocates only when dst grows.
func Coarse(dst, src *Image, g *Geometry, factor int) error {
	if src.Rings != g.Rings || src.Wedges != g.Wedges {
		return fmt.Errorf("foveate: coarse: image %d×%d for a %d×%d retina", src.Rings, src.Wedges, g.Rings, g.Wedges)
	}
	if factor < 1 || g.Wedges%factor != 0 {
		return fmt.Errorf("foveate: coarse: factor %d must divide %d wedges", factor, g.Wedges)
	}
	ch := src.Channels
	per := g.Rings - g.FoveaRings
	rings := (per + factor - 1) / factor
	wedges := g.Wedges / factor
	dst.Reset(rings, wedges, ch)
	for r := 0; r < rings; r++ {
		for w := 0; w < wedges; w++ {
			var acc [3]float32
			n := 0
			for i := g.FoveaRings + r*factor; i < min(g.FoveaRings+(r+1)*factor, g.Rings); i++ {
				for j := w * factor; j < (w+1)*factor; j++ {
					k := i*g.Wedges + j
					if !src.Valid[k] {
						continue
					}
					for c := 0; c < ch; c++ {
						acc[c] += src.Pix[k*ch+c]
					}
					n++
				}
			}
			o := r*wedges + w
			dst.Valid[o] = n > 0
			for c := 0; c < ch; c++ {
				if n > 0 {
					dst.Pix[o*ch+c] = acc[c] / float32(n)
				} else {
					dst.Pix[o*ch+c] = 0
				}
			}
		}
	}
	return nil
}
