package control

import (
	"math"

	"github.com/fovea-vision/fovea/device"
)

// localMap locates the object at the gaze on the sharp central field: the
// frame's own pixels within localRadiusDeg of the gaze, which the retina's
// fovea and inner rings sample at one to a few pixels, averaged over
// cells of localScale pixels. Its isotropic centre-surround contrast peaks
// inside a blob that differs from its surround, and the centroid of the
// cells above half the peak and connected to it is where a corrective
// saccade should land and where pursuit follows the blob. The coarse
// periphery is too coarse for that: near the fovea a blob straddles many
// cortical cells, and the rings it covers change with every small
// movement of the gaze.
type localMap struct {
	scale    int // frame pixels per cell, each way
	surround int // radius of the surround box, in cells
	near     int // radius of the search, in cells
	gw, gh   int // the frame's grid of cells

	x0, y0, w, h int          // this frame's window on the grid
	ch           [4][]float32 // intensity, red–green, blue–yellow, edge energy
	tmp, sur     []float32
	loc          []float32
	mark         []bool     // the blob's flood fill
	lum, lumPrev []int32    // a pixel row of the window, and the one above it: b+g+r
	acc          [4][]int32 // per cell of a row of cells: sums of b, g, r and edge energy
	stack        []int32
}

const (
	localScale    = 8
	localSurround = 5
)

func newLocalMap(m device.CameraModel, nearPx float64) *localMap {
	l := &localMap{scale: localScale, surround: localSurround, near: int(math.Ceil(nearPx / localScale)),
		gw: m.Width / localScale, gh: m.Height / localScale}
	side := 2*(l.near+l.surround) + 1
	n := side * side
	for i := range l.ch {
		l.ch[i] = make([]float32, n)
	}
	l.tmp, l.sur, l.loc = make([]float32, n), make([]float32, n), make([]float32, n)
	l.mark, l.stack = make([]bool, n), make([]int32, 0, n)
	l.lum, l.lumPrev = make([]int32, side*l.scale), make([]int32, side*l.scale)
	for i := range l.acc {
		l.acc[i] = make([]int32, side)
	}
	return l
}

// blob returns the centre, in frame pixels, of the most contrasting blob
// within the search radius of pixel (gx, gy), weighting the channels by
// gains; ok is false when the gaze is off the frame or sees no contrast.
func (l *localMap) blob(f *device.Frame, gx, gy float64, gains [3]float64) (px, py float64, ok bool) {
	if !(gx >= 0 && gy >= 0 && gx < float64(l.gw*l.scale) && gy < float64(l.gh*l.scale)) {
		return 0, 0, false
	}
	cx, cy := int(gx)/l.scale, int(gy)/l.scale
	reach := l.near + l.surround
	l.x0, l.y0 = max(cx-reach, 0), max(cy-reach, 0)
	l.w, l.h = min(cx+reach+1, l.gw)-l.x0, min(cy+reach+1, l.gh)-l.y0
	l.downsample(f)
	n := l.w * l.h
	loc := l.loc[:n]
	clear(loc)
	for c := range l.ch {
		g := gains[0] // edge energy is luminance structure: it counts as intensity
		if c < len(gains) {
			g = gains[c]
		}
		if g > 0 {
			l.contrast(l.ch[c][:n], loc, float32(g))
		}
	}
	// The peak within the search radius, then the centroid around it.
	best, bx, by := float32(0), -1, -1
	r := l.near
	for y := max(cy-r, l.y0); y <= min(cy+r, l.y0+l.h-1); y++ {
		for x := max(cx-r, l.x0); x <= min(cx+r, l.x0+l.w-1); x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) > r*r {
				continue
			}
			if v := loc[(y-l.y0)*l.w+x-l.x0]; v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx < 0 {
		return 0, 0, false
	}
	// The blob: the cells of at least half the peak connected to it,
	// within win cells; a neighbouring blob above half the peak but apart
	// from it does not pull its centre aside.
	const win = 6
	clear(l.mark[:n])
	stack := append(l.stack[:0], int32((by-l.y0)*l.w+bx-l.x0))
	l.mark[stack[0]] = true
	var sw, sx, sy float64
	for len(stack) > 0 {
		i := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		x, y := l.x0+i%l.w, l.y0+i/l.w
		v := float64(loc[i])
		sw += v
		sx += v * l.cellCentre(x)
		sy += v * l.cellCentre(y)
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			nx, ny := x+d[0], y+d[1]
			if nx < l.x0 || ny < l.y0 || nx >= l.x0+l.w || ny >= l.y0+l.h || max(nx-bx, bx-nx) > win || max(ny-by, by-ny) > win {
				continue
			}
			j := (ny-l.y0)*l.w + nx - l.x0
			if !l.mark[j] && loc[j] >= best/2 {
				l.mark[j] = true
				stack = append(stack, int32(j))
			}
		}
	}
	l.stack = stack
	return sx / sw, sy / sw, true
}

func (l *localMap) cellCentre(i int) float64 {
	return float64(i*l.scale) + float64(l.scale-1)/2
}

// downsample averages the window's cells into the opponent channels, and
// measures each cell's edge energy: the mean absolute difference of
// luminance between horizontally and vertically adjacent pixels inside it.
// A marked object (a digit on a card, a label, a face) is dense with edges
// where plain surfaces are not; its mean colour alone can match its
// background, as a dark card's with a white digit averages to the grey of
// a skyline. It streams the window's pixel rows once, keeping one row of
// luminance to difference the next against.
func (l *localMap) downsample(f *device.Frame) {
	s, C, W := l.scale, f.Channels, l.w*l.scale
	inv := 1 / float32(s*s*255)
	einv := 1 / float32(2*s*(s-1)*3*255)
	I, RG, BY, E := l.ch[0], l.ch[1], l.ch[2], l.ch[3]
	cur, prev := l.lum[:W], l.lumPrev[:W]
	for cy := 0; cy < l.h; cy++ {
		sb, sg, sr, e := l.acc[0][:l.w], l.acc[1][:l.w], l.acc[2][:l.w], l.acc[3][:l.w]
		clear(sb)
		clear(sg)
		clear(sr)
		clear(e)
		for yy := 0; yy < s; yy++ {
			y := (l.y0+cy)*s + yy
			row := f.Pix[y*f.Stride+l.x0*s*C:][:W*C]
			if C == 1 {
				for i, v := range row {
					cur[i] = int32(v) * 3
					sb[i/s] += int32(v)
				}
			} else {
				for i := range cur {
					p := row[3*i : 3*i+3]
					b, g, r := int32(p[0]), int32(p[1]), int32(p[2])
					cur[i] = b + g + r
					sb[i/s] += b
					sg[i/s] += g
					sr[i/s] += r
				}
			}
			for cx := range e {
				c := cur[cx*s : cx*s+s]
				var d int32
				for k := 1; k < s; k++ {
					d += abs32i(c[k] - c[k-1])
				}
				if yy > 0 {
					p := prev[cx*s : cx*s+s]
					for k := range c {
						d += abs32i(c[k] - p[k])
					}
				}
				e[cx] += d
			}
			cur, prev = prev, cur
		}
		for cx := 0; cx < l.w; cx++ {
			i := cy*l.w + cx
			if C == 1 {
				sg[cx], sr[cx] = sb[cx], sb[cx]
			}
			I[i], RG[i], BY[i] = opponentBGR(float32(sb[cx])*inv, float32(sg[cx])*inv, float32(sr[cx])*inv)
			E[i] = float32(e[cx]) * einv
		}
	}
}

func abs32i(v int32) int32 {
	m := v >> 31
	return (v ^ m) - m
}

// contrast adds one channel's isotropic centre-surround contrast to loc,
// scaled to a maximum of gain where it reaches contrastRef and in
// proportion below, as attention's channels are: a channel with only weak
// contrast in the window (a grey tower's tint against the sky) is not
// raised to match one with a strong blob (a dark card). Only the window's
// peak matters here, so there is no Itti–Koch weighting of the maps.
func (l *localMap) contrast(c, loc []float32, gain float32) {
	n := len(c)
	r := l.surround
	boxBlur1D(c, l.tmp[:n], r, l.w, l.h, 1, l.w) // along columns
	boxBlur1D(l.tmp[:n], l.sur[:n], r, 1, l.w, l.w, l.h)
	var mx float32
	for i, v := range c {
		d := abs32(v - l.sur[i])
		l.sur[i] = d
		mx = max(mx, d)
	}
	if mx < 1e-4 {
		return
	}
	k := gain / max(mx, contrastRef)
	for i, d := range l.sur[:n] {
		loc[i] += d * k
	}
}

// boxBlur1D writes the mean of src over 2r+1 cells along one axis (step
// apart, n of them per line; lines stride apart, count lines), clamped at
// the ends, into dst: running sums, O(1) per cell.
func boxBlur1D(src, dst []float32, r, step, n, stride, count int) {
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
