package control

import (
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// coverage records, on a grid of world directions over the head's reach,
// when each direction was last inside the view while the head was still.
// Directions never in view, or not for a long time, are unexplored: an
// object there can only be found by looking. Search values a direction in
// view by how much unexplored reach a look there would show (gain; see
// AttentionConfig.Explore), so the view is carried over the whole reach —
// up into a blank sky above the horizon, where nothing in view is salient
// but objects may wait beyond the frame's edge.
type coverage struct {
	last        []time.Duration // per cell, when last in view; never: -1
	sat         []int32         // summed-area table of unexplored cells, (rows+1)×(cols+1)
	cols, rows  int
	pan0, tilt0 float64 // centre of cell (0, 0), degrees
	stale       time.Duration
	// The table holds until a mark shows an unexplored cell (fresh turns
	// false) or an explored cell goes stale (after until).
	fresh bool
	until time.Duration
}

// coverDeg is the coverage grid's cell size.
const coverDeg = 2

func newCoverage(limits device.Limits, stale time.Duration) *coverage {
	p0, p1 := device.AngleDeg(limits.PanMin), device.AngleDeg(limits.PanMax)
	t0, t1 := device.AngleDeg(limits.TiltMin), device.AngleDeg(limits.TiltMax)
	c := &coverage{cols: int(math.Floor((p1-p0)/coverDeg)) + 1, rows: int(math.Floor((t1-t0)/coverDeg)) + 1,
		pan0: p0 + math.Mod(p1-p0, coverDeg)/2, tilt0: t0 + math.Mod(t1-t0, coverDeg)/2, stale: stale}
	c.last = make([]time.Duration, c.cols*c.rows)
	c.sat = make([]int32, (c.cols+1)*(c.rows+1))
	for i := range c.last {
		c.last[i] = -1
	}
	return c
}

// cell returns the direction of cell i.
func (c *coverage) cell(i int) (panDeg, tiltDeg float64) {
	return c.pan0 + float64(i%c.cols)*coverDeg, c.tilt0 + float64(i/c.cols)*coverDeg
}

// unexplored reports whether cell i is unexplored at time now.
func (c *coverage) unexplored(i int, now time.Duration) bool {
	return c.last[i] < 0 || now-c.last[i] > c.stale
}

// mark records the directions that frame pixels [bd, W−bd) × [bd, H−bd)
// of camera model m show from pose cam at time now.
func (c *coverage) mark(m device.CameraModel, cam device.Pose, bd float64, now time.Duration) {
	W, H := float64(m.Width), float64(m.Height)
	// The view's extent in world angles, from points along its edges.
	pmin, pmax, tmin, tmax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	cp, _ := cam.Deg()
	const n = 8
	for k := 0; k <= n; k++ {
		s := float64(k) / n
		for _, p := range [4][2]float64{{s * W, 0}, {s * W, H}, {0, s * H}, {W, s * H}} {
			pd, td := m.PixelToWorld(p[0], p[1], cam)
			pd = cp + math.Remainder(pd-cp, 360)
			pmin, pmax, tmin, tmax = min(pmin, pd), max(pmax, pd), min(tmin, td), max(tmax, td)
		}
	}
	if cx, cy, ok := m.WorldToPixel(0, 90, cam); ok && cx >= 0 && cy >= 0 && cx < W && cy < H {
		pmin, pmax, tmax = cp-180, cp+180, 90 // the zenith is in view
	}
	if cx, cy, ok := m.WorldToPixel(0, -90, cam); ok && cx >= 0 && cy >= 0 && cx < W && cy < H {
		pmin, pmax, tmin = cp-180, cp+180, -90
	}
	r0 := max(0, int(math.Floor((tmin-c.tilt0)/coverDeg)))
	r1 := min(c.rows-1, int(math.Ceil((tmax-c.tilt0)/coverDeg)))
	c0 := max(0, int(math.Floor((pmin-c.pan0)/coverDeg)))
	c1 := min(c.cols-1, int(math.Ceil((pmax-c.pan0)/coverDeg)))
	for r := r0; r <= r1; r++ {
		for col := c0; col <= c1; col++ {
			i := r*c.cols + col
			pd, td := c.cell(i)
			if x, y, ok := m.WorldToPixel(pd, td, cam); ok && x >= bd && y >= bd && x < W-bd && y < H-bd {
				if c.unexplored(i, now) {
					c.fresh = false
				}
				c.last[i] = now
			}
		}
	}
}

// table builds the summed-area table of unexplored cells at time now, for
// gain, unless the one built last still holds: no cell has changed from
// explored to unexplored or back since.
func (c *coverage) table(now time.Duration) {
	if c.fresh && now <= c.until {
		return
	}
	w := c.cols + 1
	c.until = math.MaxInt64
	for r := 0; r < c.rows; r++ {
		var run int32
		for col := 0; col < c.cols; col++ {
			i := r*c.cols + col
			if c.unexplored(i, now) {
				run++
			} else {
				c.until = min(c.until, c.last[i]+c.stale)
			}
			c.sat[(r+1)*w+col+1] = c.sat[r*w+col+1] + run
		}
	}
	c.fresh = true
}

// gain is the fraction of the cells centred within halfPan × halfTilt
// degrees of (panDeg, tiltDeg) — the view of a head turned there — that
// are unexplored reach, from the table. Cells beyond the reach count as
// explored: nothing there can be brought into the fovea.
func (c *coverage) gain(panDeg, tiltDeg, halfPan, halfTilt float64) float64 {
	hp := halfPan / math.Max(math.Cos(tiltDeg*math.Pi/180), 0.2) // views away from the horizon span more pan
	c0 := int(math.Ceil((panDeg - hp - c.pan0) / coverDeg))
	c1 := int(math.Floor((panDeg+hp-c.pan0)/coverDeg)) + 1
	r0 := int(math.Ceil((tiltDeg - halfTilt - c.tilt0) / coverDeg))
	r1 := int(math.Floor((tiltDeg+halfTilt-c.tilt0)/coverDeg)) + 1
	full := (c1 - c0) * (r1 - r0)
	c0, c1, r0, r1 = max(c0, 0), min(c1, c.cols), max(r0, 0), min(r1, c.rows)
	if c1 <= c0 || r1 <= r0 || full <= 0 {
		return 0
	}
	w := c.cols + 1
	n := c.sat[r1*w+c1] - c.sat[r0*w+c1] - c.sat[r1*w+c0] + c.sat[r0*w+c0]
	return float64(n) / float64(full)
}
