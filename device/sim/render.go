package sim

import (
	"math"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// Renderer draws the world through a pinhole camera. It owns per-pixel
// scratch buffers sized once, so Render allocates nothing.
type Renderer struct {
	world *World
	model device.CameraModel
	rayX  []float64 // camera-frame ray per pixel (z = 1)
	rayY  []float64
	az    []float32 // world direction of each pixel, this frame
	el    []float32
}

// NewRenderer prepares rendering of w through camera model m.
func NewRenderer(w *World, m device.CameraModel) (*Renderer, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	n := m.Width * m.Height
	r := &Renderer{world: w, model: m,
		rayX: make([]float64, m.Width), rayY: make([]float64, m.Height),
		az: make([]float32, n), el: make([]float32, n)}
	f := m.FocalPx()
	cx, cy := m.Centre()
	for x := range r.rayX {
		r.rayX[x] = (float64(x) - cx) / f
	}
	for y := range r.rayY {
		r.rayY[y] = (cy - float64(y)) / f
	}
	return r, nil
}

// Model returns the camera model.
func (r *Renderer) Model() device.CameraModel { return r.model }

// Render draws the view of a camera at pose at simulated time t into dst
// (resized to the model, 3 channels BGR).
func (r *Renderer) Render(dst *device.Frame, pose device.Pose, t time.Duration) {
	m := r.model
	dst.Reset(m.Width, m.Height, 3)
	rot := device.NewRotation(pose)
	w := r.world
	invRes := 1 / w.cfg.DegPerPx
	const rad2deg = 180 / math.Pi
	pano, pw, ph := w.pano, w.panoW, w.panoH
	for y := 0; y < m.Height; y++ {
		ry := r.rayY[y]
		row := dst.Pix[y*dst.Stride:]
		for x := 0; x < m.Width; x++ {
			wx, wy, wz := rot.CamToWorld(r.rayX[x], ry, 1)
			az := atan2(wx, wz) * rad2deg
			el := atan2(wy, math.Sqrt(wx*wx+wz*wz)) * rad2deg
			i := y*m.Width + x
			r.az[i], r.el[i] = float32(az), float32(el)
			// Bilinear lookup in the panorama.
			u := (az + 180) * invRes
			v := (90 - el) * invRes
			u0, v0 := math.Floor(u), math.Floor(v)
			fu, fv := u-u0, v-v0
			iu, iv := int(u0), int(v0)
			if iv >= ph-1 {
				iv, fv = ph-2, 1
			}
			if iv < 0 {
				iv, fv = 0, 0
			}
			iu0 := ((iu % pw) + pw) % pw
			iu1 := iu0 + 1
			if iu1 == pw {
				iu1 = 0
			}
			p00 := pano[(iv*pw+iu0)*3:]
			p10 := pano[(iv*pw+iu1)*3:]
			p01 := pano[((iv+1)*pw+iu0)*3:]
			p11 := pano[((iv+1)*pw+iu1)*3:]
			for c := 0; c < 3; c++ {
				a := float64(p00[c]) + (float64(p10[c])-float64(p00[c]))*fu
				b := float64(p01[c]) + (float64(p11[c])-float64(p01[c]))*fu
				row[3*x+c] = uint8(a + (b-a)*fv + 0.5)
			}
		}
	}
	for k := range w.objects {
		r.drawObject(dst, &w.objects[k], pose, t)
	}
}

// drawObject paints one object with an anti-aliased edge.
func (r *Renderer) drawObject(dst *device.Frame, o *Object, pose device.Pose, t time.Duration) {
	m := r.model
	opan, otilt := o.At(t)
	cx, cy, ok := m.WorldToPixel(opan, otilt, pose)
	if !ok {
		return
	}
	f := m.FocalPx()
	pxDeg := 180 / math.Pi / f // degrees per pixel near the centre
	// A generous box: perspective stretches towards the image edges.
	halfPx := 1.6*o.RadiusDeg/pxDeg + 2
	x0, x1 := int(math.Max(0, cx-halfPx)), int(math.Min(float64(m.Width-1), cx+halfPx))
	y0, y1 := int(math.Max(0, cy-halfPx)), int(math.Min(float64(m.Height-1), cy+halfPx))
	if x0 > x1 || y0 > y1 {
		return
	}
	cosT := math.Cos(otilt * math.Pi / 180)
	if o.Sprite != nil {
		r.drawSprite(dst, o, opan, otilt, cosT, pxDeg, x0, x1, y0, y1)
		return
	}
	for y := y0; y <= y1; y++ {
		row := dst.Pix[y*dst.Stride:]
		for x := x0; x <= x1; x++ {
			i := y*m.Width + x
			dx := wrapDeg(float64(r.az[i])-opan) * cosT
			dy := float64(r.el[i]) - otilt
			sd := o.Shape.distance(dx/o.RadiusDeg, dy/o.RadiusDeg) * o.RadiusDeg
			alpha := 0.5 - sd/pxDeg
			if alpha <= 0 {
				continue
			}
			if alpha > 1 {
				alpha = 1
			}
			// A soft inner shading gives the object some structure.
			shade := 1 - 0.25*math.Min(1, math.Hypot(dx, dy)/o.RadiusDeg)
			for c := 0; c < 3; c++ {
				fg := float64(o.BGR[c]) * shade
				bg := float64(row[3*x+c])
				row[3*x+c] = uint8(bg + (fg-bg)*alpha + 0.5)
			}
		}
	}
}

// cardBGR is the colour of a sprite's card.
var cardBGR = [3]float64{18, 18, 18}

// drawSprite paints a sprite card: a dark square with an anti-aliased edge,
// the sprite sampled bilinearly in its centre, tinted with the object's colour.
func (r *Renderer) drawSprite(dst *device.Frame, o *Object, opan, otilt, cosT, pxDeg float64, x0, x1, y0, y1 int) {
	m := r.model
	card := SpriteDeg / SpriteFill / 2
	half := SpriteDeg / 2
	pix := o.Sprite.Pix
	const n = SpriteSide
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= n || y >= n {
			return 0
		}
		return float64(pix[y*n+x])
	}
	for y := y0; y <= y1; y++ {
		row := dst.Pix[y*dst.Stride:]
		for x := x0; x <= x1; x++ {
			i := y*m.Width + x
			dx := wrapDeg(float64(r.az[i])-opan) * cosT
			dy := float64(r.el[i]) - otilt
			alpha := 0.5 - (math.Max(math.Abs(dx), math.Abs(dy))-card)/pxDeg
			if alpha <= 0 {
				continue
			}
			alpha = math.Min(alpha, 1)
			// Sprite coordinates: x right, y down, pixel centres at +0.5.
			sx := (dx/half+1)/2*n - 0.5
			sy := (-dy/half+1)/2*n - 0.5
			fx, fy := math.Floor(sx), math.Floor(sy)
			ix, iy := int(fx), int(fy)
			ax, ay := sx-fx, sy-fy
			s := 0.0
			if ix >= -1 && iy >= -1 && ix < n && iy < n {
				a := at(ix, iy) + (at(ix+1, iy)-at(ix, iy))*ax
				b := at(ix, iy+1) + (at(ix+1, iy+1)-at(ix, iy+1))*ax
				s = (a + (b-a)*ay) / 255
			}
			for c := 0; c < 3; c++ {
				fg := cardBGR[c] + (float64(o.BGR[c])-cardBGR[c])*s
				bg := float64(row[3*x+c])
				row[3*x+c] = uint8(bg + (fg-bg)*alpha + 0.5)
			}
		}
	}
}

func wrapDeg(d float64) float64 {
	for d > 180 {
		d -= 360
	}
	for d < -180 {
		d += 360
	}
	return d
}

// distance is the signed distance, in units of the object's radius, from
// (x, y) (tilt up) to the shape's edge: negative inside.
func (s Shape) distance(x, y float64) float64 {
	switch s {
	case Disc:
		return math.Hypot(x, y) - 0.9
	case Square:
		return math.Max(math.Abs(x), math.Abs(y)) - 0.7
	case Diamond:
		return (math.Abs(x) + math.Abs(y) - 0.95) / math.Sqrt2
	case Ring:
		return math.Abs(math.Hypot(x, y)-0.7) - 0.22
	case Cross:
		ax, ay := math.Abs(x), math.Abs(y)
		return math.Min(math.Max(ax-0.85, ay-0.25), math.Max(ax-0.25, ay-0.85))
	case Triangle:
		// Equilateral, pointing up, inscribed in radius 0.95.
		const k = 0.8660254037844386 // cos 30°
		yy := y + 0.2
		d1 := -yy - 0.475
		d2 := k*x + 0.5*yy - 0.475
		d3 := -k*x + 0.5*yy - 0.475
		return math.Max(d1, math.Max(d2, d3))
	}
	return 1
}
