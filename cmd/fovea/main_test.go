package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{[]string{"sim", "--listen", "nowhere", "--duration", "1s"}, "preview.listen"},
		{[]string{"sim", "extra"}, "unexpected argument"},
		{[]string{"fly"}, `unknown command "fly"`},
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
