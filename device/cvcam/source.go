package cvcam

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fovea-vision/fovea/device"
)

// Kind is the kind of a source string.
type Kind int

// Source kinds.
const (
	KindDevice    Kind = iota // V4L2 index or /dev/video path
	KindGStreamer             // a GStreamer pipeline ending in appsink
	KindStream                // rtsp://, http://, https://, rtmp://, udp://, tcp://
	KindFile                  // a video file
)

func (k Kind) String() string {
	return [...]string{"device", "gstreamer", "stream", "file"}[k]
}

// Classify tells what kind of source s is.
func Classify(s string) Kind {
	switch {
	case strings.Contains(s, "!"):
		return KindGStreamer
	case strings.HasPrefix(s, "/dev/video"):
		return KindDevice
	}
	if _, err := strconv.Atoi(s); err == nil {
		return KindDevice
	}
	if u, err := url.Parse(s); err == nil {
		switch strings.ToLower(u.Scheme) {
		case "rtsp", "rtsps", "http", "https", "rtmp", "udp", "tcp":
			return KindStream
		}
	}
	return KindFile
}

// JetsonCSI returns the GStreamer pipeline of a CSI camera on a Jetson
// (Argus through nvarguscamerasrc), converted to BGR for OpenCV.
func JetsonCSI(sensor, width, height int, fps float64) string {
	return fmt.Sprintf("nvarguscamerasrc sensor-id=%d ! video/x-raw(memory:NVMM),width=%d,height=%d,framerate=%d/1 ! "+
		"nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! appsink drop=true max-buffers=1",
		sensor, width, height, int(fps+0.5))
}

// Libcamera returns the GStreamer pipeline of a Raspberry Pi camera through
// libcamerasrc, converted to BGR for OpenCV.
func Libcamera(width, height int, fps float64) string {
	return fmt.Sprintf("libcamerasrc ! video/x-raw,width=%d,height=%d,framerate=%d/1 ! "+
		"videoconvert ! video/x-raw,format=BGR ! appsink drop=true max-buffers=1", width, height, int(fps+0.5))
}

// Named sources expanded by Open into GStreamer pipelines of the
// configured size and rate.
const (
	SourceJetsonCSI = "jetson-csi" // CSI camera 0 of a Jetson, through nvarguscamerasrc
	SourceLibcamera = "libcamera"  // the Raspberry Pi camera, through libcamerasrc
)

// Config describes a source.
type Config struct {
	Source        string
	Width, Height int     // requested size for devices; 0 keeps the default
	FPS           float64 // requested rate for devices; 0 keeps the default
	Loop          bool    // replay a file from the start after its end
	ReadTimeout   time.Duration
	// Pace plays a file at its recorded frame rate, as a camera would
	// deliver it, instead of as fast as it decodes.
	Pace bool
	// OpenTimeout bounds Open (10 s when zero). OpenCV cannot cancel an
	// open: a GStreamer pipeline naming an element that is not installed
	// waits forever for the pipeline to play. Open gives up and reports it;
	// the stuck open is left to finish (or not) in the background.
	OpenTimeout time.Duration
}

// psnrBGR is the peak signal-to-noise ratio, in dB, of got (packed BGR
// rows) against frame f; +Inf when they are equal.
func psnrBGR(f *device.Frame, got []byte) float64 {
	var se float64
	for y := 0; y < f.Height; y++ {
		a := f.Pix[y*f.Stride : y*f.Stride+3*f.Width]
		b := got[y*3*f.Width : (y+1)*3*f.Width]
		for i := range a {
			e := float64(a[i]) - float64(b[i])
			se += e * e
		}
	}
	mse := se / float64(3*f.Width*f.Height)
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}
