package control

import (
	"math"
	"time"
)

// worldGrid is a 1° grid over the whole sphere of world directions whose
// values decay exponentially with time constant tau. The cells hold values
// over a common scale factor, so decay multiplies one number, not every
// cell.
type worldGrid struct {
	v     []float32 // (tilt+90) rows × (pan+180) columns, times 1/scale
	scale float64
	tau   time.Duration
	last  time.Duration
}

const (
	iorCols = 360
	iorRows = 181
)

func newWorldGrid(tau time.Duration) worldGrid {
	return worldGrid{v: make([]float32, iorCols*iorRows), scale: 1, tau: tau}
}

// Decay ages the grid to time now.
func (g *worldGrid) Decay(now time.Duration) {
	dt := now - g.last
	if dt <= 0 {
		return
	}
	g.last = now
	g.scale *= math.Exp(-dt.Seconds() / g.tau.Seconds())
	if g.scale < 1e-12 { // fold the scale into the cells before it underflows
		for i := range g.v {
			g.v[i] = float32(float64(g.v[i]) * g.scale)
		}
		g.scale = 1
	}
}

// get returns cell i's value; set sets it.
func (g *worldGrid) get(i int) float64    { return float64(g.v[i]) * g.scale }
func (g *worldGrid) set(i int, v float64) { g.v[i] = float32(v / g.scale) }

// gridIndex is the cell of direction (panDeg, tiltDeg).
func gridIndex(panDeg, tiltDeg float64) int {
	c := (int(math.Round(panDeg))%iorCols + iorCols + 180) % iorCols
	r := min(max(int(math.Round(tiltDeg))+90, 0), iorRows-1)
	return r*iorCols + c
}

// IORMap is inhibition of return on a 1° grid over the whole sphere of world
// directions. Values are in [0, 1]: 1 fully inhibits a direction. It decays
// exponentially with time.
type IORMap struct {
	worldGrid
	sigma float64 // spread of one inhibition, degrees
	colW  []float64
	lo    float64 // values are clamped to [lo, hi]
	hi    float64
}

// NewIORMap returns an empty map whose inhibition decays with time constant
// tau and spreads as a Gaussian of standard deviation sigmaDeg.
func NewIORMap(tau time.Duration, sigmaDeg float64) *IORMap {
	rc := int(math.Ceil(math.Ceil(3*sigmaDeg) / 0.2)) // the widest window, near the poles
	return &IORMap{worldGrid: newWorldGrid(tau), sigma: sigmaDeg, colW: make([]float64, 2*rc+1), lo: 0, hi: 1}
}

// newBiasMap is an IORMap of signed log-weights in [−4, 4]: a task bias.
func newBiasMap(tau time.Duration, sigmaDeg float64) *IORMap {
	m := NewIORMap(tau, sigmaDeg)
	m.lo, m.hi = -4, 4
	return m
}

// Inhibit adds amount of inhibition centred on (panDeg, tiltDeg). The
// Gaussian is separable: one exponential per row and one per column.
func (m *IORMap) Inhibit(panDeg, tiltDeg, amount float64) { m.spread(panDeg, tiltDeg, amount, false) }

// Raise raises the inhibition around (panDeg, tiltDeg) to a Gaussian whose
// peak is the inhibition there plus amount: unlike repeated Inhibits,
// which saturate an ever wider disc, a long fixation keeps the spread
// sigma and inhibits only what it looked at.
func (m *IORMap) Raise(panDeg, tiltDeg, amount float64) {
	m.spread(panDeg, tiltDeg, min(m.hi, m.At(panDeg, tiltDeg)+amount), true)
}

// spread adds a Gaussian of height amount to the map, or with peak raises
// the map to it where the map is lower.
func (m *IORMap) spread(panDeg, tiltDeg, amount float64, peak bool) {
	r := int(math.Ceil(3 * m.sigma))
	inv := -1 / (2 * m.sigma * m.sigma)
	cosT := math.Cos(tiltDeg * math.Pi / 180)
	c0, r0 := int(math.Round(panDeg)), int(math.Round(tiltDeg))
	// Columns are narrower away from the equator: widen the window.
	rc := int(math.Ceil(float64(r) / math.Max(cosT, 0.2)))
	for dc := -rc; dc <= rc; dc++ {
		dp := (float64(c0+dc) - panDeg) * cosT
		m.colW[dc+rc] = math.Exp(dp * dp * inv)
	}
	for dr := -r; dr <= r; dr++ {
		row := r0 + dr + 90
		if row < 0 || row >= iorRows {
			continue
		}
		dt := float64(r0+dr) - tiltDeg
		wr := amount * math.Exp(dt*dt*inv)
		for dc := -rc; dc <= rc; dc++ {
			col := ((c0+dc+180)%iorCols + iorCols) % iorCols
			i := row*iorCols + col
			v := m.get(i)
			if peak {
				v = max(v, wr*m.colW[dc+rc])
			} else {
				v += wr * m.colW[dc+rc]
			}
			m.set(i, min(m.hi, max(m.lo, v)))
		}
	}
}

// At returns the inhibition at a direction, interpolated bilinearly.
func (m *IORMap) At(panDeg, tiltDeg float64) float64 {
	x := panDeg + 180
	y := math.Max(0, math.Min(iorRows-1.001, tiltDeg+90))
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	c0 := ((int(x0))%iorCols + iorCols) % iorCols
	c1 := (c0 + 1) % iorCols
	r0 := int(y0)
	r1 := r0 + 1
	a := float64(m.v[r0*iorCols+c0])*(1-fx) + float64(m.v[r0*iorCols+c1])*fx
	b := float64(m.v[r1*iorCols+c0])*(1-fx) + float64(m.v[r1*iorCols+c1])*fx
	return (a*(1-fy) + b*fy) * m.scale
}
