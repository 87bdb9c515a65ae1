//go:build cgo

package cvcam

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/fovea-vision/fovea/device"
	"gocv.io/x/gocv"
)

// Camera is an OpenCV capture.
type Camera struct {
	cfg  Config
	kind Kind
	vc   *gocv.VideoCapture
	mat  gocv.Mat

	req  chan struct{}
	res  chan bool
	ack  chan struct{}
	quit chan struct{}
	done chan struct{}

	mu     sync.Mutex
	broken bool
	closed bool
	seq    uint64
	period time.Duration // pacing of files; 0: none
	due    time.Time     // when the next paced frame is due
}

// ffmpegOptions bounds FFmpeg's socket waits (microseconds) so that reads
// from a dead network source return.
func ffmpegOptions(timeout time.Duration) string {
	us := strconv.FormatInt(timeout.Microseconds(), 10)
	return "rw_timeout;" + us + "|timeout;" + us
}

var envMu sync.Mutex

// Open opens a source, checking first what can be checked without OpenCV
// (a file exists) so that the error says what is wrong.
func Open(cfg Config) (*Camera, error) {
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 2 * time.Second
	}
	w, h, fps := cfg.Width, cfg.Height, cfg.FPS
	if w <= 0 || h <= 0 {
		w, h = 1280, 720
	}
	if fps <= 0 {
		fps = 30
	}
	switch cfg.Source {
	case SourceJetsonCSI:
		cfg.Source = JetsonCSI(0, w, h, fps)
	case SourceLibcamera:
		cfg.Source = Libcamera(w, h, fps)
	}
	kind := Classify(cfg.Source)
	// Check what can be checked without OpenCV, for a clear error.
	switch kind {
	case KindFile:
		st, err := os.Stat(cfg.Source)
		if err != nil {
			return nil, fmt.Errorf("cvcam: video file %s: %w", cfg.Source, err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("cvcam: video file %s is a directory", cfg.Source)
		}
	case KindDevice:
		if _, err := strconv.Atoi(cfg.Source); err != nil {
			if _, err := os.Stat(cfg.Source); err != nil {
				return nil, fmt.Errorf("cvcam: device %s: %w", cfg.Source, err)
			}
		}
	}
	if cfg.OpenTimeout <= 0 {
		cfg.OpenTimeout = 10 * time.Second
	}
	type opened struct {
		vc  *gocv.VideoCapture
		err error
	}
	res := make(chan opened, 1)
	abandon := make(chan struct{})
	go func() {
		vc, err := openCapture(cfg, kind)
		res <- opened{vc, err}
		<-abandon // closed when Open has taken the result or given up
	}()
	var vc *gocv.VideoCapture
	timer := time.NewTimer(cfg.OpenTimeout)
	defer timer.Stop()
	select {
	case o := <-res:
		close(abandon)
		if o.err != nil {
			return nil, o.err
		}
		vc = o.vc
	case <-timer.C:
		close(abandon)
		go func() { // release the capture if the stuck open ever returns
			if o := <-res; o.vc != nil {
				o.vc.Close()
			}
		}()
		return nil, fmt.Errorf("cvcam: cannot open %s %q: no answer within %v (a GStreamer element not installed, or a device that does not respond)", kind, cfg.Source, cfg.OpenTimeout)
	}
	if kind == KindDevice {
		if cfg.Width > 0 && cfg.Height > 0 {
			vc.Set(gocv.VideoCaptureFrameWidth, float64(cfg.Width))
			vc.Set(gocv.VideoCaptureFrameHeight, float64(cfg.Height))
		}
		if cfg.FPS > 0 {
			vc.Set(gocv.VideoCaptureFPS, cfg.FPS)
		}
		vc.Set(gocv.VideoCaptureBufferSize, 1) // newest frame, not a queue
	}
	c := &Camera{cfg: cfg, kind: kind, vc: vc, mat: gocv.NewMat(),
		req: make(chan struct{}), res: make(chan bool, 1), ack: make(chan struct{}),
		quit: make(chan struct{}), done: make(chan struct{})}
	if kind == KindFile && cfg.Pace {
		fps := vc.Get(gocv.VideoCaptureFPS)
		if !(fps >= 1 && fps <= 240) {
			fps = 30
		}
		c.period = time.Duration(float64(time.Second) / fps)
	}
	go c.reader()
	return c, nil
}

// openCapture calls OpenCV for a source of kind k.
func openCapture(cfg Config, k Kind) (*gocv.VideoCapture, error) {
	var vc *gocv.VideoCapture
	var err error
	switch k {
	case KindFile:
		vc, err = gocv.VideoCaptureFileWithAPI(cfg.Source, gocv.VideoCaptureFFmpeg)
	case KindStream:
		envMu.Lock()
		if os.Getenv("OPENCV_FFMPEG_CAPTURE_OPTIONS") == "" || os.Getenv("FOVEA_FFMPEG_OPTIONS_SET") == "1" {
			os.Setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", ffmpegOptions(cfg.ReadTimeout))
			os.Setenv("FOVEA_FFMPEG_OPTIONS_SET", "1")
		}
		vc, err = gocv.VideoCaptureFileWithAPI(cfg.Source, gocv.VideoCaptureFFmpeg)
		envMu.Unlock()
	case KindGStreamer:
		vc, err = gocv.VideoCaptureFileWithAPI(cfg.Source, gocv.VideoCaptureGstreamer)
	case KindDevice:
		if i, aerr := strconv.Atoi(cfg.Source); aerr == nil {
			vc, err = gocv.VideoCaptureDeviceWithAPI(i, gocv.VideoCaptureV4L2)
		} else {
			vc, err = gocv.VideoCaptureFileWithAPI(cfg.Source, gocv.VideoCaptureV4L2)
		}
	}
	if err == nil && !vc.IsOpened() {
		err = errors.New("not opened")
	}
	if err != nil {
		if vc != nil {
			vc.Close()
		}
		return nil, fmt.Errorf("cvcam: cannot open %s %q: %v", k, cfg.Source, err)
	}
	return vc, nil
}

// Kind is the source's kind.
func (c *Camera) Kind() Kind { return c.kind }

// reader owns the VideoCapture: it alone calls into it.
func (c *Camera) reader() {
	defer close(c.done)
	defer c.vc.Close()
	defer c.mat.Close()
	for {
		select {
		case <-c.quit:
			return
		case <-c.req:
		}
		ok := c.vc.Read(&c.mat)
		if !ok && c.kind == KindFile && c.cfg.Loop {
			c.vc.Set(gocv.VideoCapturePosFrames, 0)
			ok = c.vc.Read(&c.mat)
		}
		c.res <- ok
		// Wait until the caller has copied the frame out of mat.
		select {
		case <-c.ack:
		case <-c.quit:
			return
		}
	}
}

// NextFrame reads the next frame into f (BGR, or gray for one-channel
// sources). A read that takes longer than the read timeout returns
// device.ErrTimeout and leaves the camera broken: close it and open again.
func (c *Camera) NextFrame(ctx context.Context, f *device.Frame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return device.ErrClosed
	case c.broken:
		return fmt.Errorf("cvcam: %q: broken by an earlier timeout", c.cfg.Source)
	}
	if c.period > 0 {
		if err := c.pace(ctx); err != nil {
			return err
		}
	}
	timer := time.NewTimer(c.cfg.ReadTimeout)
	defer timer.Stop()
	select {
	case c.req <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case ok := <-c.res:
		defer func() { c.ack <- struct{}{} }()
		if !ok || c.mat.Empty() {
			if c.kind == KindFile {
				return device.ErrEndOfStream
			}
			return fmt.Errorf("cvcam: %q: read failed (stream ended or dropped)", c.cfg.Source)
		}
		return c.copyOut(f)
	case <-timer.C:
		c.broken = true
		return fmt.Errorf("cvcam: %q: no frame within %v: %w", c.cfg.Source, c.cfg.ReadTimeout, device.ErrTimeout)
	case <-ctx.Done():
		c.broken = true
		return ctx.Err()
	}
}

// pace waits until the next frame of a paced file is due.
func (c *Camera) pace(ctx context.Context) error {
	now := time.Now()
	if c.due.IsZero() || now.Sub(c.due) > c.period {
		c.due = now // first frame, or the reader fell behind: restart the clock
	}
	if d := c.due.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.due = c.due.Add(c.period)
	return nil
}

// copyOut copies the reader's mat into f.
func (c *Camera) copyOut(f *device.Frame) error {
	m := &c.mat
	ch := m.Channels()
	if m.Type() != gocv.MatTypeCV8UC3 && m.Type() != gocv.MatTypeCV8UC1 {
		return fmt.Errorf("cvcam: %q: unsupported pixel type %v", c.cfg.Source, m.Type())
	}
	src, err := m.DataPtrUint8()
	if err != nil {
		return fmt.Errorf("cvcam: %q: %w", c.cfg.Source, err)
	}
	f.Reset(m.Cols(), m.Rows(), ch)
	copy(f.Pix, src)
	f.Time = time.Now()
	f.Sim = 0
	c.seq++
	f.Seq = c.seq
	return nil
}

// Close stops the reader and releases the capture. It waits for a read in
// progress to return (bounded by the FFmpeg timeouts for network sources).
func (c *Camera) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	close(c.quit)
	<-c.done
	return nil
}

var _ device.Camera = (*Camera)(nil)
