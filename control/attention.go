package control

import (
	"fmt"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"periph.io/x/conn/v3/physic"
)

// AttentionConfig tunes the saliency model and inhibition of return.
type AttentionConfig struct {
	Scale         int           // frame pixels per saliency cell, each way (8: 640x480 → 80x60)
	SurroundCells int           // radius of the surround, in cells
	Border        int           // cells at the frame's edge that are never chosen
	IORSigma      physic.Angle  // spread of the inhibition left where the head fixates
	IORDecay      time.Duration // time constant of the inhibition's decay
	IORRate       float64       // inhibition added per stable frame at the fixation, in [0, 1]
}

// DefaultAttention is the configuration of `fovea sim`.
var DefaultAttention = AttentionConfig{
	Scale: 8, SurroundCells: 5, Border: 2,
	IORSigma: 45 * physic.Degree / 10, IORDecay: 20 * time.Second, IORRate: 0.5,
}

// Validate checks the configuration.
func (c AttentionConfig) Validate() error {
	switch {
	case c.Scale < 1 || c.Scale > 64:
		return fmt.Errorf("control: attention: scale %d outside [1, 64]", c.Scale)
	case c.SurroundCells < 1 || c.SurroundCells > 64:
		return fmt.Errorf("control: attention: surround %d cells outside [1, 64]", c.SurroundCells)
	case c.Border < 0:
		return fmt.Errorf("control: attention: border %d is negative", c.Border)
	case c.IORSigma <= 0 || c.IORSigma > 45*physic.Degree:
		return fmt.Errorf("control: attention: IOR spread %s outside (0°, 45°]", c.IORSigma)
	case c.IORDecay <= 0:
		return fmt.Errorf("control: attention: IOR decay %v is not positive", c.IORDecay)
	case !(c.IORRate > 0 && c.IORRate <= 1):
		return fmt.Errorf("control: attention: IOR rate %v outside (0, 1]", c.IORRate)
	}
	return nil
}

// Target is where attention wants to look next.
type Target struct {
	Valid    bool
	Pose     device.Pose // world direction
	X, Y     float64     // the same in frame pixels
	Salience float64     // winner's saliency after inhibition, in [0, 1]

	// Local is the centre of the most salient blob near the gaze, without
	// inhibition: where a corrective saccade should land.
	Local      device.Pose
	LocalValid bool
}

// localRadiusDeg is how far from the gaze the local blob is sought.
const localRadiusDeg = 5.0

// Attention is a bottom-up saliency model with inhibition of return.
type Attention struct {
	cfg    AttentionConfig
	model  device.CameraModel
	limits device.Limits
	w, h   int

	ch   [3][]float32 // intensity, red-green, blue-yellow
	tmp  []float32
	sur  []float32
	sal  []float32 // saliency after inhibition
	rayX []float64 // camera-frame rays of cell centres
	rayY []float64
	ior  *IORMap
}

// NewAttention sizes an attention model for frames of camera model m and a
// head that can reach limits.
func NewAttention(cfg AttentionConfig, m device.CameraModel, limits device.Limits) (*Attention, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("control: attention: %w", err)
	}
	w, h := m.Width/cfg.Scale, m.Height/cfg.Scale
	if w < 2*cfg.Border+3 || h < 2*cfg.Border+3 {
		return nil, fmt.Errorf("control: attention: %dx%d frame too small for scale %d", m.Width, m.Height, cfg.Scale)
	}
	n := w * h
	a := &Attention{cfg: cfg, model: m, limits: limits, w: w, h: h,
		tmp: make([]float32, n), sur: make([]float32, n), sal: make([]float32, n),
		rayX: make([]float64, w), rayY: make([]float64, h),
		ior: NewIORMap(cfg.IORDecay, device.AngleDeg(cfg.IORSigma))}
	for i := range a.ch {
		a.ch[i] = make([]float32, n)
	}
	f := m.FocalPx()
	cx, cy := m.Centre()
	for x := range a.rayX {
		a.rayX[x] = (a.cellCentre(x) - cx) / f
	}
	for y := range a.rayY {
		a.rayY[y] = (cy - a.cellCentre(y)) / f
	}
	return a, nil
}

func (a *Attention) cellCentre(i int) float64 {
	return float64(i*a.cfg.Scale) + float64(a.cfg.Scale-1)/2
}

// IOR exposes the inhibition-of-return map.
func (a *Attention) IOR() *IORMap { return a.ior }

// Saliency returns the last saliency map (after inhibition) and its size.
// The slice is reused by the next Process.
func (a *Attention) Saliency() (s []float32, w, h int) { return a.sal, a.w, a.h }

// Process computes the saliency of frame f and returns the most salient
// reachable direction. gaze is where the head looked at capture; when stable
// is true (the head was still), inhibition accumulates there. now is the
// frame's time, for the decay of inhibition.
func (a *Attention) Process(f *device.Frame, gaze device.Pose, stable bool, now time.Duration) (Target, error) {
	if f.Width != a.model.Width || f.Height != a.model.Height {
		return Target{}, fmt.Errorf("control: attention: frame %dx%d, model %dx%d", f.Width, f.Height, a.model.Width, a.model.Height)
	}
	if err := f.Validate(); err != nil {
		return Target{}, fmt.Errorf("control: attention: %w", err)
	}
	a.ior.Decay(now)
	if stable {
		gp, gt := gaze.Deg()
		a.ior.Inhibit(gp, gt, a.cfg.IORRate)
	}
	a.downsample(f)
	clear(a.sal)
	for c := range a.ch {
		a.boxBlur(a.ch[c], a.sur, a.cfg.SurroundCells)
		a.accumulateContrast(a.ch[c], a.sur)
	}
	local, lok := a.localBlob(f.Pose, gaze)
	t := a.selectWinner(f.Pose)
	t.Local, t.LocalValid = local, lok
	return t, nil
}

// downsample averages Scale×Scale blocks into the three opponent channels.
func (a *Attention) downsample(f *device.Frame) {
	s := a.cfg.Scale
	inv := 1 / float32(s*s*255)
	I, RG, BY := a.ch[0], a.ch[1], a.ch[2]
	for cy := 0; cy < a.h; cy++ {
		for cx := 0; cx < a.w; cx++ {
			var sb, sg, sr int
			for y := cy * s; y < cy*s+s; y++ {
				row := f.Pix[y*f.Stride+cx*s*f.Channels:]
				if f.Channels == 1 {
					for x := 0; x < s; x++ {
						v := int(row[x])
						sb, sg, sr = sb+v, sg+v, sr+v
					}
					continue
				}
				for x := 0; x < 3*s; x += 3 {
					sb += int(row[x])
					sg += int(row[x+1])
					sr += int(row[x+2])
				}
			}
			b, g, r := float32(sb)*inv, float32(sg)*inv, float32(sr)*inv
			i := cy*a.w + cx
			I[i] = (r + g + b) / 3
			RG[i] = r - g
			BY[i] = b - (r+g)/2
		}
	}
}

// boxBlur writes the mean of src over a (2r+1)² window, clamped at the
// borders, into dst. Separable running sums: O(1) per cell.
func (a *Attention) boxBlur(src, dst []float32, r int) {
	w, h := a.w, a.h
	for y := 0; y < h; y++ {
		row := src[y*w : (y+1)*w]
		out := a.tmp[y*w : (y+1)*w]
		var sum float32
		for x := -r; x <= r; x++ {
			sum += row[min(max(x, 0), w-1)]
		}
		for x := 0; x < w; x++ {
			out[x] = sum
			sum += row[min(x+r+1, w-1)] - row[max(x-r, 0)]
		}
	}
	norm := 1 / float32((2*r+1)*(2*r+1))
	for x := 0; x < w; x++ {
		var sum float32
		for y := -r; y <= r; y++ {
			sum += a.tmp[min(max(y, 0), h-1)*w+x]
		}
		for y := 0; y < h; y++ {
			dst[y*w+x] = sum * norm
			sum += a.tmp[min(y+r+1, h-1)*w+x] - a.tmp[max(y-r, 0)*w+x]
		}
	}
}

// accumulateContrast adds |centre − surround| of one channel to the
// saliency map, normalised as Itti and Koch do: scaled to a maximum of 1,
// then weighted by (max − mean)² so that maps with a few strong peaks count
// more than maps with many similar ones.
func (a *Attention) accumulateContrast(c, s []float32) {
	var mx, sum float32
	for i := range c {
		d := c[i] - s[i]
		if d < 0 {
			d = -d
		}
		a.tmp[i] = d
		sum += d
		mx = max(mx, d)
	}
	if mx < 1e-4 {
		return
	}
	mean := sum / float32(len(c)) / mx
	k := (1 - mean) * (1 - mean) / mx
	for i := range c {
		a.sal[i] += a.tmp[i] * k
	}
}

// selectWinner weights saliency by inhibition and reachability and returns
// the centroid of the winning blob.
func (a *Attention) selectWinner(cam device.Pose) Target {
	rot := device.NewRotation(cam)
	b := a.cfg.Border
	best, bx, by := float32(0), -1, -1
	var mx float32
	for y := 0; y < a.h; y++ {
		for x := 0; x < a.w; x++ {
			i := y*a.w + x
			mx = max(mx, a.sal[i])
			if x < b || y < b || x >= a.w-b || y >= a.h-b {
				a.sal[i] = 0
				continue
			}
			wx, wy, wz := rot.CamToWorld(a.rayX[x], a.rayY[y], 1)
			pd, td := device.DirToDeg(wx, wy, wz)
			if !a.limits.Contains(device.PoseDeg(pd, td)) {
				a.sal[i] = 0
				continue
			}
			a.sal[i] *= float32(1 - a.ior.At(pd, td))
			if a.sal[i] > best {
				best, bx, by = a.sal[i], x, y
			}
		}
	}
	if bx < 0 || mx <= 0 {
		return Target{}
	}
	px, py := a.centroid(bx, by, best)
	pd, td := a.model.PixelToWorld(px, py, cam)
	p := a.limits.Clamp(device.PoseDeg(pd, td))
	return Target{Valid: true, Pose: p, X: px, Y: py, Salience: float64(best / mx)}
}

// centroid is the saliency-weighted centre, in frame pixels, of the cells
// above half the peak best in a window around cell (bx, by).
func (a *Attention) centroid(bx, by int, best float32) (px, py float64) {
	const win = 6
	var sw, sx, sy float64
	for y := max(by-win, 0); y <= min(by+win, a.h-1); y++ {
		for x := max(bx-win, 0); x <= min(bx+win, a.w-1); x++ {
			v := a.sal[y*a.w+x]
			if v >= best/2 {
				sw += float64(v)
				sx += float64(v) * a.cellCentre(x)
				sy += float64(v) * a.cellCentre(y)
			}
		}
	}
	return sx / sw, sy / sw
}

// localBlob finds the most salient blob within localRadiusDeg of the gaze,
// ignoring inhibition (the object being fixated is inhibited by now), and
// returns its centre in world angles. Run before selectWinner, which
// applies inhibition to the map in place.
func (a *Attention) localBlob(cam, gaze device.Pose) (device.Pose, bool) {
	gp, gt := gaze.Deg()
	gx, gy, ok := a.model.WorldToPixel(gp, gt, cam)
	if !ok {
		return device.Pose{}, false
	}
	s := float64(a.cfg.Scale)
	cx, cy := int(gx/s), int(gy/s)
	r := int(math.Ceil(localRadiusDeg * math.Pi / 180 * a.model.FocalPx() / s))
	best, bx, by := float32(0), -1, -1
	for y := max(cy-r, 0); y <= min(cy+r, a.h-1); y++ {
		for x := max(cx-r, 0); x <= min(cx+r, a.w-1); x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) > r*r {
				continue
			}
			if v := a.sal[y*a.w+x]; v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx < 0 {
		return device.Pose{}, false
	}
	px, py := a.centroid(bx, by, best)
	pd, td := a.model.PixelToWorld(px, py, cam)
	return a.limits.Clamp(device.PoseDeg(pd, td)), true
}
