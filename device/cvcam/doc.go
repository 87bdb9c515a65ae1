// Package cvcam captures frames through OpenCV (gocv): V4L2 devices by index
// or path, GStreamer pipelines (Jetson CSI through nvarguscamerasrc,
// Raspberry Pi cameras through libcamerasrc), RTSP and HTTP streams through
// FFmpeg, and video files, optionally looping.
//
// OpenCV's VideoCapture is not safe for concurrent use and its Read cannot
// be interrupted, so each Camera owns one goroutine that alone touches the
// capture; NextFrame hands it a request and waits at most the read timeout.
// A read that times out marks the camera broken (wrap live sources in
// device.Reconnecting to reopen them with backoff). For network streams the
// FFmpeg socket timeouts are also set, so a stuck read returns by itself and
// Close does not wait long.
//
// The frame's timestamp is taken when OpenCV returns it: OpenCV does not
// expose the driver's exposure time.
package cvcam
