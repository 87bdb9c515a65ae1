//go:build cgo

package cvcam

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fovea-vision/fovea"
	"github.com/fovea-vision/fovea/device"
	"github.com/fovea-vision/fovea/device/sim/simtest"
	"github.com/fovea-vision/fovea/preview"
)

// vtest is the pedestrian video Debian's opencv-doc ships.
const vtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"

func needVideo(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(vtest); err != nil {
		t.Skipf("%s missing (apt-get install opencv-doc; make deps does): %v", vtest, err)
	}
}

func TestClassify(t *testing.T) {
	for s, want := range map[string]Kind{
		"0":                                 KindDevice,
		"/dev/video2":                       KindDevice,
		"rtsp://cam.local/stream":           KindStream,
		"http://127.0.0.1:8080/stream.mjpg": KindStream,
		"clip.mp4":                          KindFile,
		"/data/my video.avi":                KindFile,
		JetsonCSI(0, 1280, 720, 30):         KindGStreamer,
		Libcamera(640, 480, 30):             KindGStreamer,
	} {
		if got := Classify(s); got != want {
			t.Errorf("Classify(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestVideoFile(t *testing.T) {
	needVideo(t)
	c, err := Open(Config{Source: vtest})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var f device.Frame
	n := 0
	ctx := context.Background()
	for {
		err := c.NextFrame(ctx, &f)
		if errors.Is(err, device.ErrEndOfStream) {
			break
		}
		if err != nil {
			t.Fatalf("frame %d: %v", n, err)
		}
		if err := f.Validate(); err != nil {
			t.Fatal(err)
		}
		if f.Width != 768 || f.Height != 576 || f.Channels != 3 {
			t.Fatalf("frame %d is %dx%dx%d, want 768x576x3", n, f.Width, f.Height, f.Channels)
		}
		n++
	}
	if n != 795 {
		t.Fatalf("read %d frames of vtest.avi, want 795", n)
	}
}

func TestVideoFileLoops(t *testing.T) {
	needVideo(t)
	c, err := Open(Config{Source: vtest, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var f, first device.Frame
	for i := 0; i < 800; i++ {
		if err := c.NextFrame(context.Background(), &f); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if i == 0 {
			first.CopyFrom(&f)
		}
		if i == 795 && string(f.Pix) != string(first.Pix) {
			t.Fatal("frame 795 of a looping vtest.avi is not its first frame")
		}
	}
}

func TestOpenErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"/no/such/video.avi", "no such file"},
		{"rtsp://127.0.0.1:1/stream", "cannot open stream"},
		{"http://127.0.0.1:1/stream.mjpg", "cannot open stream"},
		{"/dev/video99", "no such file"},
		{os.TempDir(), "is a directory"},
	} {
		_, err := Open(Config{Source: c.src, ReadTimeout: time.Second})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "cvcam: ") {
			t.Errorf("Open(%q) = %v, want an error with %q", c.src, err, c.want)
		}
	}
}

// mjpegSource serves the simulated world as MJPEG over HTTP on addr until
// stop is called: a real network camera on loopback.
func mjpegSource(t *testing.T, addr string) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	b := preview.NewBroadcaster()
	enc, err := preview.NewEncoder(b, 60, 80)
	if err != nil {
		t.Fatal(err)
	}
	r := simtest.Renderer(t, 320, 240)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); preview.NewServer(b, nil, nil).Serve(ctx, ln) }()
	go func() { defer wg.Done(); enc.Run(ctx) }()
	go func() {
		defer wg.Done()
		var f device.Frame
		var ov fovea.Overlay
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			r.Render(&f, device.PoseDeg(float64(i%60)-30, 0), 0)
			enc.Publish(&f, &ov)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return "http://" + ln.Addr().String() + "/stream.mjpg", func() { cancel(); wg.Wait() }
}

// A live source that drops comes back without a restart.
func TestReconnectAfterSourceDrops(t *testing.T) {
	url, stop := mjpegSource(t, "127.0.0.1:0")
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/stream.mjpg")
	cam := device.NewReconnecting(func(ctx context.Context) (device.Camera, error) {
		return Open(Config{Source: url, ReadTimeout: time.Second})
	}, device.Backoff{Initial: 50 * time.Millisecond, Max: 400 * time.Millisecond}, nil)
	defer cam.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard, not a speed check
	defer cancel()
	var f device.Frame
	for i := 0; i < 5; i++ {
		if err := cam.NextFrame(ctx, &f); err != nil {
			t.Fatalf("before the drop: %v", err)
		}
	}
	seqBefore := f.Seq
	stop() // the camera goes away

	got := make(chan error, 1)
	go func() {
		var g device.Frame
		err := cam.NextFrame(ctx, &g) // retries until the source is back
		if err == nil && (g.Width != 320 || g.Seq != seqBefore+1) {
			err = errors.New("unexpected frame after reconnecting")
		}
		got <- err
	}()
	_, stop2 := mjpegSource(t, addr) // and comes back on the same address
	defer stop2()
	if err := <-got; err != nil {
		t.Fatalf("after the source came back: %v", err)
	}
	if n := cam.Reconnects(); n < 1 {
		t.Fatalf("Reconnects() = %d, want at least 1", n)
	}
}

func TestPacedFile(t *testing.T) {
	needVideo(t)
	c, err := Open(Config{Source: vtest, Pace: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.period != 100*time.Millisecond {
		t.Fatalf("vtest.avi is 10 fps; pacing period %v", c.period)
	}
	// Pacing honours cancellation while it waits.
	var f device.Frame
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.NextFrame(ctx, &f); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := c.NextFrame(ctx, &f); !errors.Is(err, context.Canceled) {
		t.Fatalf("paced read after cancel: %v", err)
	}
}

// A GStreamer pipeline, as CSI cameras are read, with GStreamer's own test
// source standing in for the sensor.
func TestGStreamerPipeline(t *testing.T) {
	const src = "videotestsrc num-buffers=20 pattern=ball ! video/x-raw,width=320,height=240 ! videoconvert ! video/x-raw,format=BGR ! appsink"
	if Classify(src) != KindGStreamer {
		t.Fatal("not classified as GStreamer")
	}
	c, err := Open(Config{Source: src})
	if err != nil {
		t.Skipf("GStreamer test source unavailable (make deps installs gstreamer1.0-plugins-base): %v", err)
	}
	defer c.Close()
	var f device.Frame
	n := 0
	for c.NextFrame(context.Background(), &f) == nil {
		if f.Width != 320 || f.Height != 240 || f.Channels != 3 || f.Seq != uint64(n+1) {
			t.Fatalf("frame %d: %dx%dx%d seq %d", n, f.Width, f.Height, f.Channels, f.Seq)
		}
		n++
	}
	if n != 20 {
		t.Fatalf("%d frames from a 20-buffer pipeline", n)
	}
}

func TestNamedSourcesExpand(t *testing.T) {
	// No Jetson or Pi camera here: opening fails, naming the pipeline built.
	_, err := Open(Config{Source: SourceJetsonCSI, Width: 640, Height: 480, FPS: 30, OpenTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "nvarguscamerasrc sensor-id=0 ! video/x-raw(memory:NVMM),width=640,height=480,framerate=30/1") {
		t.Fatalf("jetson-csi: %v", err)
	}
	_, err = Open(Config{Source: SourceLibcamera, OpenTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "libcamerasrc ! video/x-raw,width=1280,height=720") {
		t.Fatalf("libcamera: %v", err)
	}
}
