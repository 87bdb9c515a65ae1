package firmware

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fovea-vision/fovea"
)

// Every board has a configuration that Fovea accepts, for real hardware.
func TestBoardConfigs(t *testing.T) {
	yamls, _ := filepath.Glob("boards/*.yaml")
	if len(yamls) != len(Boards) {
		t.Fatalf("%d board files for %d boards", len(yamls), len(Boards))
	}
	for _, name := range Names() {
		b, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		y, err := b.Config()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := fovea.ParseConfig(y)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if c.Head.Driver != "pca9685" || c.Camera.Source == "sim" || c.Head.I2CBus == "" {
			t.Errorf("%s: head %s on bus %q, camera %s", name, c.Head.Driver, c.Head.I2CBus, c.Camera.Source)
		}
		if strings.HasPrefix(name, "jetson") != (c.Camera.Source == "jetson-csi") {
			t.Errorf("%s: camera %s", name, c.Camera.Source)
		}
	}
	if _, err := Lookup("rpi9"); err == nil || !strings.Contains(err.Error(), "rpi4") {
		t.Errorf("unknown board: %v", err)
	}
}

func TestUnit(t *testing.T) {
	u := string(Unit())
	for _, d := range []string{"User=fovea", "SupplementaryGroups=video i2c gpio", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n", "DevicePolicy=closed", "SystemCallFilter=@system-service",
		"RestrictAddressFamilies=", "KillSignal=SIGTERM", "ExecStart=/usr/bin/fovea run --config /etc/fovea/fovea.yaml", "WantedBy=multi-user.target"} {
		if !strings.Contains(u, d) {
			t.Errorf("unit lacks %q", d)
		}
	}
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "fovea.service"), Unit(), 0o644)
		out, err := exec.Command(sa, "security", "--offline=yes", filepath.Join(dir, "fovea.service")).CombinedOutput()
		last := lastLines(string(out), 1)
		t.Logf("systemd-analyze security: %v\n%s", err, last)
		// "→ Overall exposure level for fovea.service: 1.5 OK 🙂": at most 3 (of 10).
		var level float64
		_, after, found := strings.Cut(last, "fovea.service:")
		if _, serr := fmt.Sscanf(after, "%g", &level); !found || serr != nil || level > 3 {
			t.Errorf("exposure %q: want a level of at most 3", last)
		}
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

// Depends reads the binary's needed libraries and finds their packages in
// a real dpkg database (the host's, for a host binary).
func TestDepends(t *testing.T) {
	if _, err := os.Stat("/var/lib/dpkg/info"); err != nil {
		t.Skip("no dpkg database")
	}
	deps, err := Depends("/bin/ls", "/")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deps, "libc6") {
		t.Errorf("ls depends on %v, want libc6 among them", deps)
	}
	if _, err := Depends("/bin/ls", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no dpkg database") {
		t.Errorf("empty sysroot: %v", err)
	}
}

// A .deb for an arm64 binary: the files, the conffile, the scripts, the
// dependencies, as dpkg-deb reads them.
func TestDeb(t *testing.T) {
	dpkgDeb, err := exec.LookPath("dpkg-deb")
	if err != nil {
		t.Skip("no dpkg-deb")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\nfunc main() {}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\ngo 1.22\n"), 0o644)
	bin := filepath.Join(dir, "fovea")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, _ := Lookup("rpi4")
	d := Deb{Board: b, Binary: bin, Version: "0.1.0+gittest", Sysroot: "/", Models: "../vision/models", Out: dir}
	path, err := d.Build()
	if err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(dpkgDeb, "--info", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, info)
	}
	for _, want := range []string{"Package: fovea", "Version: 0.1.0+gittest", "Architecture: arm64", "Depends: adduser | passwd, systemd",
		"Recommends: gstreamer1.0-libcamera", "postinst", "prerm", "conffiles"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("dpkg-deb --info lacks %q:\n%s", want, info)
		}
	}
	list, err := exec.Command(dpkgDeb, "--contents", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, list)
	}
	for _, want := range []string{"./usr/bin/fovea", "./etc/fovea/fovea.yaml", "./lib/systemd/system/fovea.service",
		"./usr/share/fovea/models/digits_precortical.tflite", "./usr/share/fovea/models/MODEL_CARD.md"} {
		if !strings.Contains(string(list), want) {
			t.Errorf("the .deb lacks %s:\n%s", want, list)
		}
	}
	// An amd64 binary is refused for an arm64 board.
	d.Binary = "/bin/ls"
	if _, err := d.Build(); err == nil || !strings.Contains(err.Error(), "needs") {
		t.Errorf("x86-64 binary for rpi4: %v", err)
	}
	d.Binary, d.Version = bin, "v1"
	if _, err := d.Build(); err == nil {
		t.Error("version v1 accepted")
	}
}
