// Package preview serves Fovea's live view to a browser: an HTML page, an
// MJPEG stream of the camera view with the fixation, the next target and the
// recent scanpath drawn on it, a single-frame snapshot, and a JSON status
// endpoint.
//
// The pipeline hands frames to an [Encoder] (a fovea.FrameSink) that never
// blocks it: Publish copies the frame into a pending slot only while someone
// watches, and a separate goroutine draws and JPEG-encodes (OpenCV, through
// gocv) at most MaxFPS frames a second. Each encoded frame is an immutable
// byte slice handed to every client through a [Broadcaster]; each client
// writes from its own goroutine and, when slow, simply skips to the newest
// frame. A client that stops reading is cut off by a write deadline.
//
// # Why not github.com/hybridgroup/mjpeg
//
// Its Stream copies every frame into one buffer that it reuses across frames
// while client goroutines may still be writing the previous frame from that
// same buffer: a data race that tears JPEGs under load. It also writes the
// whole over-sized buffer (stale bytes after each JPEG), never flushes, and a
// handler waiting for a frame never notices that its client went away or that
// the server is shutting down. Fixing these needs changes inside Stream, so
// this package replaces it with a broadcaster of immutable frames.
package preview
