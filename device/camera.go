package device

import (
	"fmt"
	"math"

	"periph.io/x/conn/v3/physic"
)

// CameraModel is an ideal pinhole camera with square pixels and the
// principal point at the image centre: the model Fovea uses to turn pixels
// into world angles. Real lenses with strong distortion need calibration
// first (undistort before the retina).
type CameraModel struct {
	Width, Height int
	HFOV          physic.Angle // horizontal field of view
}

// NewCameraModel validates and returns a camera model.
func NewCameraModel(width, height int, hfov physic.Angle) (CameraModel, error) {
	m := CameraModel{Width: width, Height: height, HFOV: hfov}
	return m, m.Validate()
}

// Validate checks the model's size and field of view.
func (m CameraModel) Validate() error {
	if m.Width <= 0 || m.Height <= 0 {
		return fmt.Errorf("device: camera model: size %dx%d is not positive", m.Width, m.Height)
	}
	if m.HFOV <= physic.Degree || m.HFOV >= 170*physic.Degree {
		return fmt.Errorf("device: camera model: horizontal field of view %s outside (1°, 170°)", m.HFOV)
	}
	return nil
}

// FocalPx is the focal length in pixels.
func (m CameraModel) FocalPx() float64 {
	return float64(m.Width) / 2 / math.Tan(AngleDeg(m.HFOV)*math.Pi/360)
}

// VFOV is the vertical field of view implied by the aspect ratio.
func (m CameraModel) VFOV() physic.Angle {
	return DegAngle(2 * math.Atan(float64(m.Height)/2/m.FocalPx()) * 180 / math.Pi)
}

// Centre returns the image centre in pixels.
func (m CameraModel) Centre() (cx, cy float64) {
	return float64(m.Width-1) / 2, float64(m.Height-1) / 2
}

// PixelToWorld returns the world direction, in degrees, seen by pixel (x, y)
// of a camera at pose cam.
func (m CameraModel) PixelToWorld(x, y float64, cam Pose) (panDeg, tiltDeg float64) {
	f := m.FocalPx()
	cx, cy := m.Centre()
	r := NewRotation(cam)
	wx, wy, wz := r.CamToWorld((x-cx)/f, (cy-y)/f, 1)
	return DirToDeg(wx, wy, wz)
}

// WorldToPixel projects the world direction (panDeg, tiltDeg) into a camera
// at pose cam. ok is false when the direction is behind the camera; the
// returned pixel may lie outside the image.
func (m CameraModel) WorldToPixel(panDeg, tiltDeg float64, cam Pose) (x, y float64, ok bool) {
	wx, wy, wz := DegToDir(panDeg, tiltDeg)
	r := NewRotation(cam)
	c0, c1, c2 := r.WorldToCam(wx, wy, wz)
	if c2 <= 1e-9 {
		return 0, 0, false
	}
	f := m.FocalPx()
	cx, cy := m.Centre()
	return cx + f*c0/c2, cy - f*c1/c2, true
}

// Rotation is the rotation of a pan-tilt head at one pose: pan about the
// vertical axis, carrying tilt about the horizontal one.
type Rotation struct{ sinPan, cosPan, sinTilt, cosTilt float64 }

// NewRotation precomputes the rotation for pose p.
func NewRotation(p Pose) Rotation {
	pr, tr := AngleDeg(p.Pan)*math.Pi/180, AngleDeg(p.Tilt)*math.Pi/180
	return Rotation{math.Sin(pr), math.Cos(pr), math.Sin(tr), math.Cos(tr)}
}

// CamToWorld rotates a camera-frame vector (x right, y up, z forward) into
// the world frame.
func (r Rotation) CamToWorld(x, y, z float64) (wx, wy, wz float64) {
	// Tilt about x, then pan about y.
	y1 := y*r.cosTilt + z*r.sinTilt
	z1 := -y*r.sinTilt + z*r.cosTilt
	return x*r.cosPan + z1*r.sinPan, y1, -x*r.sinPan + z1*r.cosPan
}

// WorldToCam is the inverse of CamToWorld.
func (r Rotation) WorldToCam(wx, wy, wz float64) (x, y, z float64) {
	x = wx*r.cosPan - wz*r.sinPan
	z1 := wx*r.sinPan + wz*r.cosPan
	y = wy*r.cosTilt - z1*r.sinTilt
	z = wy*r.sinTilt + z1*r.cosTilt
	return x, y, z
}

// DegToDir returns the unit world vector of direction (panDeg, tiltDeg).
func DegToDir(panDeg, tiltDeg float64) (x, y, z float64) {
	p, t := panDeg*math.Pi/180, tiltDeg*math.Pi/180
	ct := math.Cos(t)
	return ct * math.Sin(p), math.Sin(t), ct * math.Cos(p)
}

// DirToDeg returns the direction of a (not necessarily unit) world vector.
func DirToDeg(x, y, z float64) (panDeg, tiltDeg float64) {
	return math.Atan2(x, z) * 180 / math.Pi, math.Atan2(y, math.Hypot(x, z)) * 180 / math.Pi
}

// AngularDistanceDeg is the great-circle angle between two directions.
func AngularDistanceDeg(pan1, tilt1, pan2, tilt2 float64) float64 {
	x1, y1, z1 := DegToDir(pan1, tilt1)
	x2, y2, z2 := DegToDir(pan2, tilt2)
	// atan2 of cross and dot is accurate for small angles too.
	cx, cy, cz := y1*z2-z1*y2, z1*x2-x1*z2, x1*y2-y1*x2
	return math.Atan2(math.Sqrt(cx*cx+cy*cy+cz*cz), x1*x2+y1*y2+z1*z2) * 180 / math.Pi
}
