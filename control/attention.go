package control

import (
	"fmt"
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/foveate"
	"periph.io/x/conn/v3/physic"
)

// AttentionConfig tunes the saliency model and inhibition of return.
type AttentionConfig struct {
	// Coarse is how many retina samples, each way (rings and wedges), one
	// saliency cell averages: 2 turns a 128-wedge retina's periphery into
	// 64 wedges. It must divide the retina's wedges.
	Coarse int
	// Surround lists the radii, in saliency cells, of the centre-surround
	// scales; a cell's contrast is the largest over them. Cells grow with
	// eccentricity, so one radius covers an object far out; a second, wider
	// one covers objects near the fovea, where they span many cells.
	Surround [2]int
	BorderPx int           // frame pixels at each edge where no winner is chosen
	IORSigma physic.Angle  // spread of the inhibition left where the head fixates
	IORDecay time.Duration // time constant of the inhibition's decay
	IORRate  float64       // inhibition added per stable frame at the fixation, in [0, 1]
	// Novelty multiplies the saliency of directions far from every place
	// the head has looked from by up to 1+Novelty (0: off).
	Novelty float64
	// Explore adds to each direction in view its exploration value: this
	// fraction of the frame's strongest saliency (at least that of one
	// channel at full contrast, so a view without an object explores
	// harder) times the share of a view centred there that would show
	// reach not in view for the last minute. Blank parts of the view next
	// to unexplored reach (a plain sky below objects higher up) then draw
	// the head once everything salient nearby is inhibited, and what lies
	// beyond comes into view (0: off).
	Explore float64
	// Habituation multiplies the saliency of what each fixation looked at,
	// spread and recovering like inhibition of return but compounding
	// over repeated looks (down to e⁻⁴): a place looked at three times
	// yields to one looked at once, even one looked at more recently, so
	// the search moves on to what it has not yet seen instead of cycling
	// through the most salient objects (1: off).
	Habituation float64
	// ChannelGains weight the intensity, red–green and blue–yellow
	// channels: a top-down bias toward features (1, 1, 1: none).
	ChannelGains [3]float64
}

// DefaultAttention is the configuration of `fovea sim`.
var DefaultAttention = AttentionConfig{
	Coarse: 2, Surround: [2]int{3, 7}, BorderPx: 16,
	IORSigma: 45 * physic.Degree / 10, IORDecay: 20 * time.Second, IORRate: 0.5,
	Novelty: 1, Explore: 1.5, Habituation: 0.3, ChannelGains: [3]float64{1, 1, 1},
}

// Validate checks the configuration.
func (c AttentionConfig) Validate() error {
	switch {
	case c.Coarse < 1 || c.Coarse > 16:
		return fmt.Errorf("control: attention: coarse %d outside [1, 16]", c.Coarse)
	case c.Surround[0] < 1 || c.Surround[0] > 32 || c.Surround[1] < 0 || c.Surround[1] > 32:
		return fmt.Errorf("control: attention: surround radii %v cells: want [1, 32] and [0 (none), 32]", c.Surround)
	case c.BorderPx < 0 || c.BorderPx > 1000:
		return fmt.Errorf("control: attention: border %d px outside [0, 1000]", c.BorderPx)
	case c.IORSigma <= 0 || c.IORSigma > 45*physic.Degree:
		return fmt.Errorf("control: attention: IOR spread %s outside (0°, 45°]", c.IORSigma)
	case c.IORDecay <= 0:
		return fmt.Errorf("control: attention: IOR decay %v is not positive", c.IORDecay)
	case !(c.IORRate > 0 && c.IORRate <= 1):
		return fmt.Errorf("control: attention: IOR rate %v outside (0, 1]", c.IORRate)
	case !(c.Novelty >= 0 && c.Novelty <= 100):
		return fmt.Errorf("control: attention: novelty gain %v outside [0, 100]", c.Novelty)
	case !(c.Explore >= 0 && c.Explore <= 10):
		return fmt.Errorf("control: attention: explore %v outside [0, 10]", c.Explore)
	case !(c.Habituation >= 0.02 && c.Habituation <= 1):
		return fmt.Errorf("control: attention: habituation %v outside [0.02, 1]", c.Habituation)
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

	// Local is the centre of the most contrasting blob near the gaze (on
	// the sharp central field), without inhibition: where a corrective
	// saccade should land and where pursuit follows.
	Local      device.Pose
	LocalValid bool
}

// localRadiusDeg is how far from the gaze the local blob is sought.
const localRadiusDeg = 5.0

// Attention is a bottom-up saliency model on the retina's coarse periphery,
// with inhibition of return. Each frame is sampled by a log-polar retina at
// the gaze; the periphery, averaged over Coarse×Coarse samples, becomes a
// map of rings × wedges whose cells grow with eccentricity, as receptive
// fields do. Contrast is measured on that map, in cortical coordinates.
type Attention struct {
	cfg    AttentionConfig
	model  device.CameraModel
	limits device.Limits
	ret    *foveate.Retina
	geom   *foveate.Geometry
	cortex foveate.Image // the retina's image of the last frame
	fx, fy float64       // the pixel it fixated
	coarse foveate.Image // its periphery, a cell per Coarse×Coarse samples
	rings  int           // of the saliency map
	wedges int
	nearPx float64 // localRadiusDeg in pixels at the centre of the frame
	mark   []bool  // the centroid's flood fill
	stack  []int32
	local  *localMap
	mem    *salienceMemory
	cover  *coverage
	// halfPan and halfTilt are the view's half extents inside its border,
	// in degrees: the window coverage.gain weighs.
	halfPan, halfTilt float64

	offX, offY []float64 // per cell: centre relative to the fixation, pixels
	valid      []float32 // per cell: 1 where the cell saw the frame
	ch         [3][]float32
	// taps lists, per surround scale and image axis (horizontal,
	// vertical), the cells on the line through each cell, 2k+1 of them
	// (−1 where the line leaves the periphery): cell i's line is
	// taps[s][axis][i*(2k+1):][:2k+1].
	taps [2][2][]int32
	blob []float32
	sal  []float32 // saliency of blobs (edges suppressed), after inhibition: chooses
	expl []float32 // exploration value of each cell (AttentionConfig.Explore)
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
	// bias holds log weights in world angles, decaying like inhibition:
	// the task's (Bias) and habituation's; biased is false while it is all
	// zero.
	bias   *IORMap
	biased bool
	// wasStable: the previous frame was still; a still frame after a
	// moving one begins a fixation, which habituates.
	wasStable bool
	// The previous frame's gaze and time: a gaze moving slowly follows
	// something (pursuit), and inhibition trails it.
	prevGaze device.Pose
	prevT    time.Duration
	havePrev bool
}

// followMaxDegS is the fastest gaze that counts as following an object
// rather than a saccade: pursuit's range, far below the speed of all but
// the smallest saccades.
const followMaxDegS = 60

// exploreStale is how long a direction stays explored after it was last
// in view.
const exploreStale = 60 * time.Second

// engagedDeg is how far from its rest pose the head must have moved.
const engagedDeg = 2.5

// NewAttention sizes an attention model for frames of camera model m, seen
// through retina r, and a head that can reach limits. The retina should
// reach the frame's far corner from any fixation (a maximum radius of the
// frame's diagonal) so that attention sees the whole frame wherever the
// gaze is.
func NewAttention(cfg AttentionConfig, m device.CameraModel, limits device.Limits, r *foveate.Retina) (*Attention, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("control: attention: %w", err)
	}
	if r == nil {
		return nil, fmt.Errorf("control: attention: no retina")
	}
	g := r.Geometry()
	k := cfg.Coarse
	if g.Wedges%k != 0 {
		return nil, fmt.Errorf("control: attention: coarse %d does not divide the retina's %d wedges", k, g.Wedges)
	}
	rings, wedges := (g.Rings-g.FoveaRings+k-1)/k, g.Wedges/k
	if 2*max(cfg.Surround[0], cfg.Surround[1])+1 > wedges || rings < 3 {
		return nil, fmt.Errorf("control: attention: surround radii %v cells for a %d×%d saliency map", cfg.Surround, rings, wedges)
	}
	n := rings * wedges
	buf := func() []float32 { return make([]float32, n) }
	a := &Attention{cfg: cfg, model: m, limits: limits, ret: r, geom: g, rings: rings, wedges: wedges,
		offX: make([]float64, n), offY: make([]float64, n), valid: buf(),
		blob: buf(), sal: buf(), expl: buf(),
		ior:  NewIORMap(cfg.IORDecay, device.AngleDeg(cfg.IORSigma)),
		seen: NewIORMap(60*time.Second, 10),
		bias: newBiasMap(cfg.IORDecay, device.AngleDeg(cfg.IORSigma)),
	}
	for i := range a.ch {
		a.ch[i] = buf()
	}
	a.nearPx = m.FocalPx() * math.Tan(localRadiusDeg*math.Pi/180)
	a.mark, a.stack = make([]bool, n), make([]int32, 0, n)
	a.local = newLocalMap(m, a.nearPx)
	a.mem = newSalienceMemory(memoryDecay)
	a.cover = newCoverage(limits, exploreStale)
	hfov, vfov := device.AngleDeg(m.HFOV)*math.Pi/180, device.AngleDeg(m.VFOV())*math.Pi/180
	a.halfPan = math.Atan(math.Tan(hfov/2)*(1-2*float64(cfg.BorderPx)/float64(m.Width))) * 180 / math.Pi
	a.halfTilt = math.Atan(math.Tan(vfov/2)*(1-2*float64(cfg.BorderPx)/float64(m.Height))) * 180 / math.Pi
	for cr := 0; cr < rings; cr++ {
		for cw := 0; cw < wedges; cw++ {
			var sx, sy float64
			num := 0
			for i := g.FoveaRings + cr*k; i < min(g.FoveaRings+(cr+1)*k, g.Rings); i++ {
				for j := cw * k; j < (cw+1)*k; j++ {
					dx, dy := g.Offset(i, j)
					sx, sy, num = sx+dx, sy+dy, num+1
				}
			}
			a.offX[cr*wedges+cw], a.offY[cr*wedges+cw] = sx/float64(num), sy/float64(num)
		}
	}
	for sc, kk := range cfg.Surround {
		for axis := range a.taps[sc] {
			if kk == 0 {
				continue
			}
			L := 2*kk + 1
			t := make([]int32, n*L)
			for i := 0; i < n; i++ {
				// One step is the cell's size: its spacing round the ring.
				step := math.Hypot(a.offX[i], a.offY[i]) * 2 * math.Pi / float64(wedges)
				for j := -kk; j <= kk; j++ {
					dx, dy := a.offX[i], a.offY[i]
					if axis == 0 {
						dx += float64(j) * step
					} else {
						dy += float64(j) * step
					}
					t[i*L+j+kk] = a.cellAt(dx, dy)
				}
			}
			a.taps[sc][axis] = t
		}
	}
	return a, nil
}

// cellAt is the saliency cell at offset (dx, dy) pixels from the
// fixation, or −1 off the periphery.
func (a *Attention) cellAt(dx, dy float64) int32 {
	g, k := a.geom, a.cfg.Coarse
	ri := int(math.Floor(g.RingCoord(math.Hypot(dx, dy))))
	if ri < g.FoveaRings || ri >= g.Rings {
		return -1
	}
	theta := math.Atan2(-dy, dx)
	if theta < 0 {
		theta += 2 * math.Pi
	}
	j := int(theta*float64(g.Wedges)/(2*math.Pi)) % g.Wedges
	return int32((ri-g.FoveaRings)/k*a.wedges + j/k)
}

// IOR exposes the inhibition-of-return map.
func (a *Attention) IOR() *IORMap { return a.ior }

// Saliency returns the last saliency map (after inhibition), rings ×
// wedges, ring-major from the fovea outwards: each channel adds up to its
// gain, reached by an isolated blob of contrast contrastRef or more. The
// slice is reused by the next Process.
func (a *Attention) Saliency() (s []float32, rings, wedges int) { return a.sal, a.rings, a.wedges }

// Retina returns the retina attention samples frames through.
func (a *Attention) Retina() *foveate.Retina { return a.ret }

// Cortical returns the retina's image of the last frame and the pixel it
// fixated. The image is reused by the next Process.
func (a *Attention) Cortical() (im *foveate.Image, x, y float64) { return &a.cortex, a.fx, a.fy }

// Process samples frame f through the retina at the gaze, computes the
// saliency of its coarse periphery and returns the most salient reachable
// direction. gaze is where the head looked at capture; when stable is true
// (the head was still), inhibition accumulates there. now is the frame's
// time, for the decay of inhibition.
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
	gp, gt := gaze.Deg()
	following := a.following(gaze, now)
	if (stable || following) && a.attended(gaze) {
		a.ior.Raise(gp, gt, a.cfg.IORRate)
	}
	if stable && a.attended(gaze) {
		if lp, lt := a.lastSeen.Deg(); !a.haveSeen || math.Hypot(lp-gp, lt-gt) > 2 {
			a.seen.Inhibit(gp, gt, 0.7)
			a.lastSeen, a.haveSeen = gaze, true
		}
		if !a.wasStable && a.cfg.Habituation < 1 {
			a.bias.Inhibit(gp, gt, math.Log(a.cfg.Habituation))
			a.biased = true
		}
	}
	a.wasStable = stable
	x, y, ok := a.model.WorldToPixel(gp, gt, f.Pose)
	if !ok || math.Abs(x) > 1e6 || math.Abs(y) > 1e6 {
		x, y = a.model.Centre() // the gaze is behind the camera: look through its centre
	}
	if err := a.ret.Sample(&a.cortex, f, x, y); err != nil {
		return Target{}, fmt.Errorf("control: attention: %w", err)
	}
	a.fx, a.fy = x, y
	if err := foveate.Coarse(&a.coarse, &a.cortex, a.geom, a.cfg.Coarse); err != nil {
		return Target{}, fmt.Errorf("control: attention: %w", err)
	}
	a.opponent()
	clear(a.sal)
	for c := range a.ch {
		if g := a.cfg.ChannelGains[c]; g > 0 {
			a.contrast(a.ch[c], float32(g))
		}
	}
	t := a.selectWinner(f.Pose, stable, now)
	if lx, ly, ok := a.local.blob(f, x, y, a.cfg.ChannelGains); ok {
		pd, td := a.model.PixelToWorld(lx, ly, f.Pose)
		t.Local, t.LocalValid = a.limits.Clamp(device.PoseDeg(pd, td)), true
	}
	return t, nil
}

// Bias weights the direction (panDeg, tiltDeg) by weight for the task: a
// weight above 1 draws attention back there once inhibition of return has
// faded (an object of a class the task wants), below 1 keeps it away
// longer (one it does not). The weight spreads and decays like
// inhibition, and multiplies with habituation, which each look there adds.
func (a *Attention) Bias(panDeg, tiltDeg, weight float64) error {
	if !(weight > 0 && weight <= 50) || math.IsNaN(panDeg) || math.IsNaN(tiltDeg) || math.IsInf(panDeg, 0) || math.IsInf(tiltDeg, 0) {
		return fmt.Errorf("control: attention: bias %v at (%v°, %v°): want a weight in (0, 50] at a finite direction", weight, panDeg, tiltDeg)
	}
	a.bias.Inhibit(panDeg, tiltDeg, math.Log(weight))
	a.biased = true
	return nil
}

// following reports whether the gaze moved since the previous frame at a
// pursuit's speed: the head was following an object, which inhibition of
// return should then cover along its path, or the object would draw the
// head back as soon as it left the spot where the head first settled.
func (a *Attention) following(gaze device.Pose, now time.Duration) bool {
	prev, dt, ok := a.prevGaze, now-a.prevT, a.havePrev
	a.prevGaze, a.prevT, a.havePrev = gaze, now, true
	if !ok || dt <= 0 {
		return false
	}
	pp, pt := prev.Deg()
	gp, gt := gaze.Deg()
	return device.AngularDistanceDeg(pp, pt, gp, gt) <= followMaxDegS*dt.Seconds()
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

// opponentBGR is intensity, red–green and blue–yellow of a colour with
// components in [0, 1]; the last two are in [−1, 1].
func opponentBGR(b, g, r float32) (i, rg, by float32) {
	return (r + g + b) / 3, r - g, b - (r+g)/2
}

// opponent turns the coarse image into intensity, red–green and
// blue–yellow in [−1, 1], and marks the valid cells.
func (a *Attention) opponent() {
	im := &a.coarse
	I, RG, BY := a.ch[0], a.ch[1], a.ch[2]
	const inv = 1.0 / 255
	for i, ok := range im.Valid {
		a.valid[i] = 0
		if !ok {
			I[i], RG[i], BY[i] = 0, 0, 0
			continue
		}
		a.valid[i] = 1
		if im.Channels == 1 {
			I[i], RG[i], BY[i] = im.Pix[i]*inv, 0, 0
			continue
		}
		p := im.Pix[3*i : 3*i+3] // BGR
		I[i], RG[i], BY[i] = opponentBGR(p[0]*inv, p[1]*inv, p[2]*inv)
	}
}

// contrast adds one channel's blob contrast to the saliency map: the
// smaller of the contrasts against the surround along the image's
// horizontal and vertical lines through the cell, each 2k+1 cells long
// (the cell's size growing with eccentricity). A compact blob differs from
// both, while an edge — a skyline, a horizon, a table's border — matches
// its surround along its own direction and drops out. It is the largest
// over the surround scales.
func (a *Attention) contrast(v []float32, gain float32) {
	clear(a.blob)
	for sc, k := range a.cfg.Surround {
		if k == 0 {
			continue
		}
		L := 2*k + 1
		h, vt := a.taps[sc][0], a.taps[sc][1]
		for i, c := range v {
			if a.valid[i] == 0 {
				continue
			}
			m := float32(math.MaxFloat32)
			for _, line := range [2][]int32{h[i*L : i*L+L], vt[i*L : i*L+L]} {
				var sum, n float32
				for _, j := range line {
					if j >= 0 {
						sum += v[j]
						n += a.valid[j]
					}
				}
				if n > 0 {
					m = min(m, abs32(c-sum/n))
				}
			}
			if m < math.MaxFloat32 {
				a.blob[i] = max(a.blob[i], m)
			}
		}
	}
	a.accumulateContrast(a.sal, a.blob, gain)
}

func abs32(v float32) float32 { return max(v, -v) }

// wrap is w modulo n, in [0, n).
func wrap(w, n int) int {
	w %= n
	if w < 0 {
		w += n
	}
	return w
}

// accumulateContrast adds one channel's contrast map d to the saliency
// map, normalised as Itti and Koch do, weighted by (1 − mean)² so that
// maps with a few strong peaks count more than maps with many similar
// ones, and scaled to a maximum of 1 — but only when its strongest
// contrast reaches contrastRef. Weaker maps keep their proportion of it,
// so that saliency is comparable from frame to frame: a view of textured
// ground alone is not as salient as a view with an object in it.
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
	k := gain * (1 - mean) * (1 - mean) / max(mx, contrastRef)
	for i, v := range d {
		dst[i] += v * k
	}
}

// contrastRef is the contrast (intensity or colour-opponent difference
// from the surround, in [0, 1]) at which a channel's map counts in full.
// Over 293 views rendered in the simulated world, objects measured 0.35
// (median) and the most contrasting background of a view 0.12 (median).
const contrastRef = 0.2

// minSalience is the least weighted saliency, over the map's strongest
// before weighting, that a winner must have: below it, everything in view
// is inhibited and what is left is noise.
const minSalience = 0.01

// selectWinner weights saliency by inhibition, novelty, task bias and
// reachability, adds each direction's exploration value, and returns the
// centroid of the winning blob (or the winning direction itself when its
// worth is mostly exploration), unless a remembered blob out of view is
// worth more.
func (a *Attention) selectWinner(cam device.Pose, stable bool, now time.Duration) Target {
	a.mem.begin(now)
	rot := device.NewRotation(cam)
	f := a.model.FocalPx()
	cx, cy := a.model.Centre()
	bd := float64(a.cfg.BorderPx)
	W, H := float64(a.model.Width), float64(a.model.Height)
	best, bi := float32(0), -1
	var mx float32
	for _, v := range a.sal {
		mx = max(mx, v)
	}
	drive := float32(a.cfg.Explore) * max(mx, 1)
	if drive > 0 {
		if stable {
			a.cover.mark(a.model, cam, bd, now)
		}
		a.cover.table(now)
	}
	clear(a.expl)
	for i := range a.sal {
		px, py := a.fx+a.offX[i], a.fy+a.offY[i]
		if a.valid[i] == 0 || px < bd || py < bd || px >= W-bd || py >= H-bd {
			a.sal[i] = 0
			continue
		}
		wx, wy, wz := rot.CamToWorld((px-cx)/f, (cy-py)/f, 1)
		pd, td := device.DirToDeg(wx, wy, wz)
		if !a.limits.Contains(device.PoseDeg(pd, td)) {
			a.sal[i] = 0
			continue
		}
		if stable {
			a.mem.see(pd, td, a.sal[i])
		}
		g, inh := a.weight(pd, td)
		a.sal[i] *= float32(g)
		if drive > 0 {
			a.expl[i] = drive * float32(inh*a.cover.gain(pd, td, a.halfPan, a.halfTilt))
		}
		if v := a.sal[i] + a.expl[i]; v > best {
			best, bi = v, i
		}
	}
	if mx <= 0 {
		return Target{}
	}
	// A blob remembered out of view may beat everything in view.
	mbest, mi := float64(best), int32(-1)
	for _, i := range a.mem.live {
		v, pd, td := a.mem.at(i)
		if v*(1+a.cfg.Novelty) <= mbest || !a.limits.Contains(device.PoseDeg(pd, td)) {
			continue
		}
		if x, y, ok := a.model.WorldToPixel(pd, td, cam); ok && x >= 0 && y >= 0 && x < W && y < H {
			continue // in view: the view decides
		}
		if g, _ := a.weight(pd, td); v*g > mbest {
			mbest, mi = v*g, i
		}
	}
	if mi >= 0 {
		_, pd, td := a.mem.at(mi)
		p := a.limits.Clamp(device.PoseDeg(pd, td))
		x, y, _ := a.model.WorldToPixel(pd, td, cam)
		return Target{Valid: true, Pose: p, X: x, Y: y, Salience: min(1, mbest/float64(mx))}
	}
	if bi < 0 || best < minSalience*mx {
		return Target{} // nothing left worth a look
	}
	// An object is outlined on its saliency; a blank direction chosen to
	// explore has no outline, and is looked at where it is.
	px, py := a.fx+a.offX[bi], a.fy+a.offY[bi]
	if a.sal[bi] >= a.expl[bi] {
		px, py = a.centroid(a.sal, bi, a.sal[bi])
	}
	pd, td := a.model.PixelToWorld(px, py, cam)
	p := a.limits.Clamp(device.PoseDeg(pd, td))
	return Target{Valid: true, Pose: p, X: px, Y: py, Salience: min(1, float64(best/mx))}
}

// weight is the factor by which inhibition, novelty and the task bias
// multiply the saliency of direction (pd, td), with the inhibition's
// complement.
func (a *Attention) weight(pd, td float64) (g, inh float64) {
	inh = 1 - a.ior.At(pd, td)
	g = inh * (1 + a.cfg.Novelty*(1-a.seen.At(pd, td)))
	if a.biased {
		g *= math.Exp(a.bias.At(pd, td))
	}
	return g, inh
}

// centroid is the weighted centre, in frame pixels, of the blob of map m
// around cell bi: the cells connected to it (across rings and round the
// wedges) whose value is at least half the peak best, within
// localRadiusDeg of it.
func (a *Attention) centroid(m []float32, bi int, best float32) (px, py float64) {
	W := a.wedges
	clear(a.mark)
	stack := append(a.stack[:0], int32(bi))
	a.mark[bi] = true
	r2 := a.nearPx * a.nearPx
	var sw, sx, sy float64
	for len(stack) > 0 {
		i := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		v := float64(m[i])
		sw, sx, sy = sw+v, sx+v*a.offX[i], sy+v*a.offY[i]
		r, w := i/W, i%W
		for _, j := range [4]int{r*W + wrap(w-1, W), r*W + wrap(w+1, W), i - W, i + W} {
			if j < 0 || j >= len(m) || (j == i-W && r == 0) || a.mark[j] || m[j] < best/2 {
				continue
			}
			if dx, dy := a.offX[j]-a.offX[bi], a.offY[j]-a.offY[bi]; dx*dx+dy*dy > r2 {
				continue
			}
			a.mark[j] = true
			stack = append(stack, int32(j))
		}
	}
	a.stack = stack
	return a.fx + sx/sw, a.fy + sy/sw
}
