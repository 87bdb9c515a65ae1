package foveate

import (
	"fmt"
	"math"

	"github.com/fovea-vision/fovea/device"
)

// Reconstruct draws the cartesian image that cortical image im represents,
// fixated at frame pixel (fx, fy), into dst (resized to w×h, im's
// channels), output pixel (x, y) showing frame pixel (x·scale, y·scale)
// (scale 2 draws a 640×480 view at 320×240): sharp at
// the fixation, ever coarser outwards, as the retina saw it. Each pixel
// interpolates bilinearly between the four nearest samples in (ring,
// wedge) space, wrapping around in angle; pixels beyond the outermost ring
// or whose samples are all invalid are zero. For display: it computes a
// logarithm and an arctangent per pixel.
func (r *Retina) Reconstruct(dst *device.Frame, im *Image, w, h int, fx, fy, scale float64) error {
	g := r.g
	if im.Rings != g.Rings || im.Wedges != g.Wedges || (im.Channels != 1 && im.Channels != 3) {
		return fmt.Errorf("foveate: reconstruct: image of %d×%d×%d for a %d×%d retina", im.Rings, im.Wedges, im.Channels, g.Rings, g.Wedges)
	}
	if w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 || !(scale > 0 && scale <= 64) {
		return fmt.Errorf("foveate: reconstruct: size %dx%d at scale %v", w, h, scale)
	}
	ch := im.Channels
	dst.Reset(w, h, ch)
	W := g.Wedges
	for y := 0; y < h; y++ {
		row := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			dx, dy := float64(x)*scale-fx, fy-float64(y)*scale
			rad := math.Hypot(dx, dy)
			out := row[x*ch : x*ch+ch]
			rho := g.RingCoord(rad) - 0.5
			if rho > float64(g.Rings)-0.5 {
				clear(out)
				continue
			}
			theta := math.Atan2(dy, dx)
			if theta < 0 {
				theta += 2 * math.Pi
			}
			phi := theta*float64(W)/(2*math.Pi) - 0.5
			i0 := int(math.Floor(rho))
			j0 := int(math.Floor(phi))
			fr, fw := rho-float64(i0), phi-float64(j0)
			if i0 < 0 { // inside the innermost ring's centre: no ring below
				i0, fr = 0, 0
			}
			i1 := min(i0+1, g.Rings-1)
			j0 = (j0%W + W) % W
			j1 := (j0 + 1) % W
			var acc [3]float64
			wsum := 0.0
			for _, s := range [4]struct {
				i, j int
				w    float64
			}{{i0, j0, (1 - fr) * (1 - fw)}, {i0, j1, (1 - fr) * fw}, {i1, j0, fr * (1 - fw)}, {i1, j1, fr * fw}} {
				k := s.i*W + s.j
				if s.w == 0 || !im.Valid[k] {
					continue
				}
				wsum += s.w
				for c := 0; c < ch; c++ {
					acc[c] += s.w * float64(im.Pix[k*ch+c])
				}
			}
			if wsum == 0 {
				clear(out)
				continue
			}
			for c := 0; c < ch; c++ {
				out[c] = uint8(math.Min(255, math.Max(0, acc[c]/wsum+0.5)))
			}
		}
	}
	return nil
}
