// Package device holds Fovea's hardware abstractions: cameras that fill
// caller-owned frames, pan-tilt heads that take pose commands, and the pinhole
// camera model that maps pixels to world angles and back.
//
// Implementations live in subpackages named after the thing: device/sim (a
// simulated world with an SG90-like gimbal), device/cvcam (OpenCV capture
// through gocv: V4L2, GStreamer, RTSP/HTTP, files).
//
// # Coordinates
//
// World angles are the head's pan (azimuth, positive to the right) and tilt
// (elevation, positive up), as [physic.Angle]; zero is the calibrated centre.
// A head is a pan axis carrying a tilt axis, so a camera at pose (pan, tilt)
// looks along the world direction (cos t sin p, sin t, cos t cos p) in a
// right-handed x-right, y-up, z-forward frame. Image coordinates are pixels of
// the current frame, x right and y down, centre at ((W-1)/2, (H-1)/2).
//
// # Ownership
//
// [Camera.NextFrame] fills a [Frame] the caller owns, reusing its Pix slice
// when it is large enough, so a capture loop allocates nothing per frame once
// warmed up. A Frame is never retained by the camera after NextFrame returns.
package device
