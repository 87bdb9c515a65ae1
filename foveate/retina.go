package foveate

import (
	"fmt"
	"math"

	"github.com/fovea-vision/fovea/device"
)

// Image is a cortical image: Rings × Wedges samples of Channels values
// (the frame's channel order), ring-major, with a validity mask for samples
// whose centre fell outside the frame.
type Image struct {
	Rings, Wedges, Channels int
	Pix                     []float32 // (ring*Wedges + wedge)*Channels + channel, in [0, 255]
	Valid                   []bool    // ring*Wedges + wedge
}

// Reset sizes im, reusing its buffers when large enough.
func (im *Image) Reset(rings, wedges, ch int) {
	n := rings * wedges
	if cap(im.Pix) < n*ch {
		im.Pix = make([]float32, n*ch)
	}
	if cap(im.Valid) < n {
		im.Valid = make([]bool, n)
	}
	im.Pix, im.Valid = im.Pix[:n*ch], im.Valid[:n]
	im.Rings, im.Wedges, im.Channels = rings, wedges, ch
}

// At returns channel c of sample (ring, wedge).
func (im *Image) At(ring, wedge, c int) float32 {
	return im.Pix[(ring*im.Wedges+wedge)*im.Channels+c]
}

// Retina samples frames through a geometry. Its tables are built once; its
// integral-image scratch grows with the largest frame seen, so Sample
// allocates nothing after the first frame of a size.
type Retina struct {
	g            *Geometry
	dx, dy, half []float64 // per sample: centre offset and receptive-field half-width
	reach        float64   // farthest any receptive field extends from the fixation
	ii           []uint32  // integral image of the region around the fixation
}

// New builds the sampling tables of g.
func New(g *Geometry) *Retina {
	n := g.Samples()
	r := &Retina{g: g, dx: make([]float64, n), dy: make([]float64, n), half: make([]float64, n)}
	for i := 0; i < g.Rings; i++ {
		h := g.Overlap * g.Spacing[i] / 2
		for j := 0; j < g.Wedges; j++ {
			k := i*g.Wedges + j
			r.dx[k], r.dy[k] = g.Offset(i, j)
			r.half[k] = h
			r.reach = math.Max(r.reach, g.Radius[i]+h*math.Sqrt2)
		}
	}
	return r
}

// Geometry returns the retina's geometry.
func (r *Retina) Geometry() *Geometry { return r.g }

// Sample fills dst with the cortical image of src fixated at pixel (fx, fy)
// (pixel centres at integer coordinates; any point, inside the frame or
// not). Each sample is the exact mean of src over its receptive field: a
// square Overlap times the sample spacing wide, clipped to the frame.
// Samples whose centre lies outside the frame are marked invalid and set to
// zero. It allocates nothing once the scratch has grown to the frame size.
func (r *Retina) Sample(dst *Image, src *device.Frame, fx, fy float64) error {
	if err := src.Validate(); err != nil {
		return fmt.Errorf("foveate: %w", err)
	}
	if math.IsNaN(fx) || math.IsNaN(fy) || math.IsInf(fx, 0) || math.IsInf(fy, 0) {
		return fmt.Errorf("foveate: fixation (%v, %v) is not finite", fx, fy)
	}
	g := r.g
	ch := src.Channels
	dst.Reset(g.Rings, g.Wedges, ch)
	W, H := float64(src.Width), float64(src.Height)
	// Continuous coordinates: pixel x covers [x, x+1).
	cu, cv := fx+0.5, fy+0.5
	x0 := int(math.Max(0, math.Floor(cu-r.reach)))
	y0 := int(math.Max(0, math.Floor(cv-r.reach)))
	x1 := int(math.Min(W, math.Ceil(cu+r.reach)))
	y1 := int(math.Min(H, math.Ceil(cv+r.reach)))
	if x0 >= x1 || y0 >= y1 {
		clear(dst.Pix)
		clear(dst.Valid)
		return nil
	}
	iw, ih := x1-x0+1, y1-y0+1
	r.integral(src, x0, y0, x1, y1)
	stride := iw * ch
	for k := range dst.Valid {
		u, v := cu+r.dx[k], cv+r.dy[k]
		out := dst.Pix[k*ch : k*ch+ch]
		if u < 0 || v < 0 || u >= W || v >= H {
			dst.Valid[k] = false
			clear(out)
			continue
		}
		dst.Valid[k] = true
		h := r.half[k]
		// Box edges relative to the integral image's origin, clipped.
		ax0 := math.Max(u-h, float64(x0)) - float64(x0)
		ax1 := math.Min(u+h, float64(x1)) - float64(x0)
		ay0 := math.Max(v-h, float64(y0)) - float64(y0)
		ay1 := math.Min(v+h, float64(y1)) - float64(y0)
		inv := 1 / ((ax1 - ax0) * (ay1 - ay0))
		// The integral image interpolated bilinearly is the exact area
		// integral of the piecewise-constant frame. Box sum =
		// S(x1,y1) − S(x0,y1) − S(x1,y0) + S(x0,y0), done row by row.
		ix0, ix1, iy0, iy1 := int(ax0), int(ax1), int(ay0), int(ay1)
		ix0, ix1 = min(ix0, iw-2), min(ix1, iw-2)
		iy0, iy1 = min(iy0, ih-2), min(iy1, ih-2)
		fx0, fx1 := ax0-float64(ix0), ax1-float64(ix1)
		fy0, fy1 := ay0-float64(iy0), ay1-float64(iy1)
		rows := [4]int{iy1 * stride, (iy1 + 1) * stride, iy0 * stride, (iy0 + 1) * stride}
		wy := [4]float64{(1 - fy1) * inv, fy1 * inv, -(1 - fy0) * inv, -fy0 * inv}
		c0, c1 := ix0*ch, ix1*ch
		ii := r.ii
		for c := 0; c < ch; c++ {
			var acc float64
			for q, row := range rows {
				p0, p1 := row+c0+c, row+c1+c
				col := (1-fx1)*float64(ii[p1]) + fx1*float64(ii[p1+ch]) -
					(1-fx0)*float64(ii[p0]) - fx0*float64(ii[p0+ch])
				acc += wy[q] * col
			}
			out[c] = float32(acc)
		}
	}
	return nil
}

// integral computes the integral image of src over [x0, x1)×[y0, y1):
// ii[(y−y0)][(x−x0)] is the sum of the pixels above and left of (x, y).
func (r *Retina) integral(src *device.Frame, x0, y0, x1, y1 int) {
	ch := src.Channels
	iw, ih := x1-x0+1, y1-y0+1
	n := iw * ih * ch
	if cap(r.ii) < n {
		r.ii = make([]uint32, n)
	}
	ii := r.ii[:n]
	stride := iw * ch
	clear(ii[:stride])
	for y := 1; y < ih; y++ {
		row := src.Pix[(y0+y-1)*src.Stride+x0*ch:]
		prev := ii[(y-1)*stride : y*stride]
		cur := ii[y*stride : (y+1)*stride]
		for c := 0; c < ch; c++ {
			cur[c] = 0
		}
		if ch == 1 {
			var run uint32
			for x := 1; x < iw; x++ {
				run += uint32(row[x-1])
				cur[x] = prev[x] + run
			}
			continue
		}
		var r0, r1, r2 uint32
		for x := 1; x < iw; x++ {
			p := row[3*(x-1):]
			r0 += uint32(p[0])
			r1 += uint32(p[1])
			r2 += uint32(p[2])
			cur[3*x] = prev[3*x] + r0
			cur[3*x+1] = prev[3*x+1] + r1
			cur[3*x+2] = prev[3*x+2] + r2
		}
	}
}

// FoveaPatch copies the n×n full-resolution square centred on the fixation
// into dst (n*n*channels bytes, the frame's channel order); pixels outside
// the frame are zero. It returns how many pixels were inside.
func FoveaPatch(dst []byte, n int, src *device.Frame, fx, fy float64) (inside int, err error) {
	if err := src.Validate(); err != nil {
		return 0, fmt.Errorf("foveate: %w", err)
	}
	ch := src.Channels
	if n <= 0 || len(dst) < n*n*ch {
		return 0, fmt.Errorf("foveate: patch of %d×%d needs %d bytes, have %d", n, n, n*n*ch, len(dst))
	}
	if math.IsNaN(fx) || math.IsNaN(fy) || math.Abs(fx) > 1e9 || math.Abs(fy) > 1e9 {
		return 0, fmt.Errorf("foveate: fixation (%v, %v) is not finite", fx, fy)
	}
	left := int(math.Round(fx)) - n/2
	top := int(math.Round(fy)) - n/2
	for y := 0; y < n; y++ {
		row := dst[y*n*ch : (y+1)*n*ch]
		sy := top + y
		if sy < 0 || sy >= src.Height {
			clear(row)
			continue
		}
		a, b := max(0, -left), min(n, src.Width-left)
		if a >= b {
			clear(row)
			continue
		}
		clear(row[:a*ch])
		copy(row[a*ch:b*ch], src.Pix[sy*src.Stride+(left+a)*ch:])
		clear(row[b*ch:])
		inside += b - a
	}
	return inside, nil
}

// ContrastCentroid is the centroid of local contrast energy (|∂L/∂x| +
// |∂L/∂y| of the luminance, central differences) in the side×side window
// centred on (x, y): a small corrective shift that centres the fovea on the
// object it landed on, as the object's edges surround its centre. Pixels
// off the frame count as having no contrast. With no contrast at all it
// returns (x, y).
func ContrastCentroid(src *device.Frame, x, y float64, side int) (cx, cy float64, err error) {
	if err := src.Validate(); err != nil {
		return x, y, fmt.Errorf("foveate: %w", err)
	}
	if side < 3 || side > 1<<14 || math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > 1e9 || math.Abs(y) > 1e9 {
		return x, y, fmt.Errorf("foveate: centroid window %d at (%v, %v)", side, x, y)
	}
	h := side / 2
	x0, y0 := max(1, int(math.Round(x))-h), max(1, int(math.Round(y))-h)
	x1, y1 := min(src.Width-2, int(math.Round(x))+h), min(src.Height-2, int(math.Round(y))+h)
	ch := src.Channels
	lum := func(px, py int) int32 {
		p := src.Pix[py*src.Stride+px*ch:]
		if ch == 1 {
			return int32(p[0]) * 1000
		}
		return 114*int32(p[0]) + 587*int32(p[1]) + 299*int32(p[2])
	}
	var sw, sx, sy float64
	for py := y0; py <= y1; py++ {
		var rw, rx float64
		for px := x0; px <= x1; px++ {
			gx := lum(px+1, py) - lum(px-1, py)
			gy := lum(px, py+1) - lum(px, py-1)
			g := float64(abs32(gx) + abs32(gy))
			rw += g
			rx += g * float64(px)
		}
		sw += rw
		sx += rx
		sy += rw * float64(py)
	}
	if sw == 0 {
		return x, y, nil
	}
	return sx / sw, sy / sw, nil
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
