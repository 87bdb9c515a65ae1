package foveate

import (
	"fmt"
	"math"
)

// Config sets up a retina's geometry.
type Config struct {
	// Wedges is the number of angular samples per ring (W). It fixes the
	// ring ratio λ = (1+sin(π/W))/(1−sin(π/W)) for isotropic sampling.
	Wedges int
	// MaxRadius is the eccentricity of the outermost ring's edge, in pixels.
	MaxRadius float64
	// FoveaRadius is r_f, in pixels; 0 takes F pixels (one pixel between
	// fovea rings, F = ⌊λ/(λ−1)⌋ as in the iCub layout).
	FoveaRadius float64
	// Overlap is the receptive field's width over the sample spacing
	// (2 in DefaultConfig, 1.5 when zero): overlapping fields average out frequencies the
	// sampling cannot represent.
	Overlap float64
}

// DefaultConfig samples a 640×480 frame out to its corners with 128 wedges.
var DefaultConfig = Config{Wedges: 128, MaxRadius: 400, Overlap: 2}

// Geometry is the layout of a retina: ring radii and sample positions
// relative to the fixation point. Ring i has centre radius r_i: inside the
// fovea r_i = (i+½)·r_f/F (linear), outside r_i = r_f·λ^(i−F+½) (log-polar).
// Wedge j is centred on the angle θ_j = 2π(j+½)/W, counter-clockwise from
// the +x axis of the image (y down).
type Geometry struct {
	Wedges, Rings int
	FoveaRings    int     // F
	Lambda        float64 // λ, the ratio of successive peripheral radii
	FoveaRadius   float64 // r_f
	MaxRadius     float64
	Overlap       float64
	Radius        []float64 // centre radius of each ring
	Spacing       []float64 // sample spacing of each ring (the receptive field is Overlap times this)
}

// NewGeometry computes the layout for c.
func NewGeometry(c Config) (*Geometry, error) {
	if c.Wedges < 8 || c.Wedges > 4096 {
		return nil, fmt.Errorf("foveate: %d wedges outside [8, 4096]", c.Wedges)
	}
	if c.Overlap == 0 {
		c.Overlap = 1.5
	}
	if !(c.Overlap >= 1 && c.Overlap <= 4) {
		return nil, fmt.Errorf("foveate: overlap %v outside [1, 4]", c.Overlap)
	}
	s := math.Sin(math.Pi / float64(c.Wedges))
	lambda := (1 + s) / (1 - s)
	F := int(math.Floor(lambda / (lambda - 1)))
	rf := c.FoveaRadius
	if rf == 0 {
		rf = float64(F)
	}
	if !(rf > 0) || !(c.MaxRadius > rf) || c.MaxRadius > 1e5 {
		return nil, fmt.Errorf("foveate: fovea radius %v and max radius %v: want 0 < r_f < r_max ≤ 1e5", rf, c.MaxRadius)
	}
	periph := int(math.Ceil(math.Log(c.MaxRadius/rf) / math.Log(lambda)))
	g := &Geometry{Wedges: c.Wedges, FoveaRings: F, Rings: F + periph, Lambda: lambda,
		FoveaRadius: rf, MaxRadius: c.MaxRadius, Overlap: c.Overlap}
	g.Radius = make([]float64, g.Rings)
	g.Spacing = make([]float64, g.Rings)
	for i := range g.Radius {
		g.Radius[i] = g.radiusAt(float64(i) + 0.5)
		// Spacing: the distance to the next ring outwards; tangential
		// spacing 2πr/W matches it in the periphery by construction.
		g.Spacing[i] = g.radiusAt(float64(i)+1) - g.radiusAt(float64(i))
	}
	return g, nil
}

// radiusAt is the radius of the continuous ring coordinate rho (ring i
// spans [i, i+1)).
func (g *Geometry) radiusAt(rho float64) float64 {
	F := float64(g.FoveaRings)
	if rho <= F {
		return rho * g.FoveaRadius / F
	}
	return g.FoveaRadius * math.Pow(g.Lambda, rho-F)
}

// RingCoord is the inverse of radiusAt: the continuous ring coordinate of
// radius r.
func (g *Geometry) RingCoord(r float64) float64 {
	F := float64(g.FoveaRings)
	if r <= g.FoveaRadius {
		return r * F / g.FoveaRadius
	}
	return F + math.Log(r/g.FoveaRadius)/math.Log(g.Lambda)
}

// Angle is the centre angle of wedge j, in radians.
func (g *Geometry) Angle(j int) float64 { return 2 * math.Pi * (float64(j) + 0.5) / float64(g.Wedges) }

// Offset is the position of sample (ring i, wedge j) relative to the
// fixation, in pixels (x right, y down).
func (g *Geometry) Offset(i, j int) (dx, dy float64) {
	s, c := math.Sincos(g.Angle(j))
	return g.Radius[i] * c, -g.Radius[i] * s
}

// Samples is Rings × Wedges.
func (g *Geometry) Samples() int { return g.Rings * g.Wedges }
