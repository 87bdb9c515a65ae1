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
	// Novelty multiplies the saliency of directions far from every place
	// the head has looked from by up to 1+Novelty (0: off).
	Novelty float64
	// NoveltyDrive adds to each direction its novelty times this fraction
	// of the frame's strongest saliency: blank, unexplored parts of the
	// view (a plain sky above the last fixations) draw the head once
	// everything salient nearby is inhibited, and objects beyond them come
	// into view (0: off).
	NoveltyDrive float64
	// ChannelGains weight the intensity, red–green and blue–yellow
	// channels: a top-down bias toward features (1, 1, 1: none).
	ChannelGains [3]float64
}

// DefaultAttention is the configuration of `fovea sim`.
var DefaultAttention = AttentionConfig{
	Scale: 8, SurroundCells: 5, Border: 2,
	IORSigma: 45 * physic.Degree / 10, IORDecay: 20 * time.Second, IORRate: 0.5,
	Novelty: 3, NoveltyDrive: 0.2, ChannelGains: [3]float64{1, 1, 1},
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
	case !(c.Novelty >= 0 && c.Novelty <= 100):
		return fmt.Errorf("control: attention: novelty gain %v outside [0, 100]", c.Novelty)
	case !(c.NoveltyDrive >= 0 && c.NoveltyDrive <= 1):
		return fmt.Errorf("control: attention: novelty drive %v outside [0, 1]", c.NoveltyDrive)
	}
	for i, g := range c.ChannelGains {
		if !(g >= 0 && g <= 100) {
			return fmt.Errorf("control: attention: channel gain %d is %v, outside [0, 100]", i, g)
		}
	}
	if c.ChannelGains == [3]float64{} {
		return fmt.Errorf("control: attention: every channel gain is 0")
	}
	return nil
}

// Target is where attention wants to look next.
type Target struct {
	Valid    bool
	Pose     device.Pose // world direction
	X, Y     float64     // the same in frame pixels
	Salience float64     // winner's weighted saliency over the frame's strongest, capped at 1

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
	sal  []float32 // saliency of blobs (edges suppressed), after inhibition: chooses
	loc  []float32 // saliency of contrast in every direction: locates
	iso  []float32
	rayX []float64 // camera-frame rays of cell centres
	rayY []float64
	ior  *IORMap
	// Inhibition accrues only once the head has left its rest pose: where
	// it happens to start was never chosen by attention.
	rest     device.Pose
	haveRest bool
	engaged  bool
	// seen is where the head has looked from (a wide Gaussian around each
	// fixation, decaying slowly): directions far from every one of them are
	// novel, and novelty raises their saliency, so the search spreads over
	// the whole field the head can reach instead of circling the textures
	// near where it began.
	seen     *IORMap
	lastSeen device.Pose
	haveSeen bool
	novelty  float64
	// bias holds log task weights in world angles (Bias), decaying like
	// inhibition; biased is false while it is all zero.
	bias   *IORMap
	biased bool
}

// engagedDeg is how far from its rest pose the head must have moved.
const engagedDeg = 2.5

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
		tmp: make([]float32, n), sur: make([]float32, n), sal: make([]float32, n), loc: make([]float32, n), iso: make([]float32, n),
		rayX: make([]float64, w), rayY: make([]float64, h),
		ior:     NewIORMap(cfg.IORDecay, device.AngleDeg(cfg.IORSigma)),
		seen:    NewIORMap(60*time.Second, 10),
		bias:    newBiasMap(cfg.IORDecay, device.AngleDeg(cfg.IORSigma)),
		novelty: cfg.Novelty}

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
	a.seen.Decay(now)
	a.bias.Decay(now)
	if !a.haveRest {
		a.rest, a.haveRest = gaze, true
	}
	if stable && a.attended(gaze) {
		gp, gt := gaze.Deg()
		a.ior.Inhibit(gp, gt, a.cfg.IORRate)
		if lp, lt := a.lastSeen.Deg(); !a.haveSeen || math.Hypot(lp-gp, lt-gt) > 2 {
			a.seen.Inhibit(gp, gt, 0.7)
			a.lastSeen, a.haveSeen = gaze, true
		}
	}
	a.downsample(f)
	clear(a.sal)
	clear(a.loc)
	for c := range a.ch {
		if g := a.cfg.ChannelGains[c]; g > 0 {
			a.blobContrast(a.ch[c], float32(g))
		}
	}
	local, lok := a.localBlob(f.Pose, gaze)
	t := a.selectWinner(f.Pose)
	t.Local, t.LocalValid = local, lok
	return t, nil
}

// Bias weights the direction (panDeg, tiltDeg) by weight for the task: a
// weight above 1 draws attention back there once inhibition of return has
// faded (an object of a class the task wants), below 1 keeps it away
// longer (one it does not). The weight spreads and decays like inhibition.
func (a *Attention) Bias(panDeg, tiltDeg, weight float64) error {
	if !(weight > 0 && weight <= 50) || math.IsNaN(panDeg) || math.IsNaN(tiltDeg) || math.IsInf(panDeg, 0) || math.IsInf(tiltDeg, 0) {
		return fmt.Errorf("control: attention: bias %v at (%v°, %v°): want a weight in (0, 50] at a finite direction", weight, panDeg, tiltDeg)
	}
	a.bias.Inhibit(panDeg, tiltDeg, math.Log(weight))
	a.biased = true
	return nil
}

// attended reports whether the head has left its rest pose, where the
// first frame found it.
func (a *Attention) attended(gaze device.Pose) bool {
	if !a.engaged {
		gp, gt := gaze.Deg()
		rp, rt := a.rest.Deg()
		a.engaged = math.Hypot((gp-rp)*math.Cos(gt*math.Pi/180), gt-rt) > engagedDeg
	}
	return a.engaged
}

// blobContrast adds one channel's centre-surround contrast to the saliency
// map, measured against the horizontal and the vertical surround apart and
// keeping the smaller: a compact blob differs from both, while an edge (a
// skyline, a wall) matches its surround along its own direction and drops
// out.
func (a *Attention) blobContrast(c []float32, gain float32) {
	r := a.cfg.SurroundCells
	a.boxBlur1D(c, a.sur, r, 1, a.w, a.w, a.h) // along rows
	a.boxBlur1D(c, a.tmp, r, a.w, a.h, 1, a.w) // along columns
	// The isotropic surround: the column means averaged along rows.
	iso := a.iso
	a.boxBlur1D(a.tmp, iso, r, 1, a.w, a.w, a.h)
	for i, v := range c {
		h, vv, d := v-a.sur[i], v-a.tmp[i], v-iso[i]
		a.sur[i] = min(max(h, -h), max(vv, -vv))
		iso[i] = max(d, -d)
	}
	a.accumulateContrast(a.loc, iso, gain)
	a.accumulateContrast(a.sal, a.sur, gain)
}

// boxBlur1D writes the mean of src over 2r+1 cells along one axis (step
// apart, n of them per line; lines stride apart, count lines), clamped at
// the ends, into dst: running sums, O(1) per cell.
func (a *Attention) boxBlur1D(src, dst []float32, r, step, n, stride, count int) {
	norm := 1 / float32(2*r+1)
	for l := 0; l < count; l++ {
		base := l * stride
		at := func(i int) float32 { return src[base+min(max(i, 0), n-1)*step] }
		var sum float32
		for i := -r; i <= r; i++ {
			sum += at(i)
		}
		for i := 0; i < n; i++ {
			dst[base+i*step] = sum * norm
			sum += at(i+r+1) - at(i-r)
		}
	}
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

// accumulateContrast adds one channel's contrast map d to the saliency
// map, normalised as Itti and Koch do: scaled to a maximum of 1, then
// weighted by (1 − mean)² so that maps with a few strong peaks count more
// than maps with many similar ones.
func (a *Attention) accumulateContrast(dst, d []float32, gain float32) {
	var mx, sum float32
	for _, v := range d {
		sum += v
		mx = max(mx, v)
	}
	if mx < 1e-4 {
		return
	}
	mean := sum / float32(len(d)) / mx
	k := gain * (1 - mean) * (1 - mean) / mx
	for i, v := range d {
		dst[i] += v * k
	}
}

// selectWinner weights saliency by inhibition and reachability and returns
// the centroid of the winning blob.
func (a *Attention) selectWinner(cam device.Pose) Target {
	rot := device.NewRotation(cam)
	b := a.cfg.Border
	best, bx, by := float32(0), -1, -1
	var mx float32
	for _, v := range a.sal {
		mx = max(mx, v)
	}
	drive := float32(a.cfg.NoveltyDrive) * mx
	for y := 0; y < a.h; y++ {
		for x := 0; x < a.w; x++ {
			i := y*a.w + x
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
			inh, novel := 1-a.ior.At(pd, td), 1-a.seen.At(pd, td)
			f := inh * (1 + a.novelty*novel)
			if a.biased {
				f *= math.Exp(a.bias.At(pd, td))
			}
			a.sal[i] = a.sal[i]*float32(f) + drive*float32(inh*novel)
			if a.sal[i] > best {
				best, bx, by = a.sal[i], x, y
			}
		}
	}
	if bx < 0 || mx <= 0 {
		return Target{}
	}
	px, py := a.centroid(a.sal, bx, by, best)
	pd, td := a.model.PixelToWorld(px, py, cam)
	p := a.limits.Clamp(device.PoseDeg(pd, td))
	return Target{Valid: true, Pose: p, X: px, Y: py, Salience: min(1, float64(best/mx))}
}

// centroid is the saliency-weighted centre, in frame pixels, of the cells
// above half the peak best in a window around cell (bx, by).
func (a *Attention) centroid(m []float32, bx, by int, best float32) (px, py float64) {
	const win = 6
	var sw, sx, sy float64
	for y := max(by-win, 0); y <= min(by+win, a.h-1); y++ {
		for x := max(bx-win, 0); x <= min(bx+win, a.w-1); x++ {
			v := m[y*a.w+x]
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
	m := a.loc
	s := float64(a.cfg.Scale)
	cx, cy := int(gx/s), int(gy/s)
	r := int(math.Ceil(localRadiusDeg * math.Pi / 180 * a.model.FocalPx() / s))
	best, bx, by := float32(0), -1, -1
	for y := max(cy-r, 0); y <= min(cy+r, a.h-1); y++ {
		for x := max(cx-r, 0); x <= min(cx+r, a.w-1); x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) > r*r {
				continue
			}
			if v := m[y*a.w+x]; v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx < 0 {
		return device.Pose{}, false
	}
	px, py := a.centroid(m, bx, by, best)
	pd, td := a.model.PixelToWorld(px, py, cam)
	return a.limits.Clamp(device.PoseDeg(pd, td)), true
}
