package firmware

import (
	"embed"
	"fmt"
	"slices"
	"strings"
)

// Board is a deployment target.
type Board struct {
	Name        string
	Description string
	DebArch     string // Debian architecture: arm64 or armhf
	GOARCH      string
	GOARM       string // for GOARCH=arm
	Triple      string // GNU target of the cross compilers (gcc-<triple>)
	QEMU        string // qemu-user binary that runs its programs
}

var arm64 = Board{DebArch: "arm64", GOARCH: "arm64", Triple: "aarch64-linux-gnu", QEMU: "qemu-aarch64"}
var armhf = Board{DebArch: "armhf", GOARCH: "arm", GOARM: "7", Triple: "arm-linux-gnueabihf", QEMU: "qemu-arm"}

func board(base Board, name, desc string) Board {
	base.Name, base.Description = name, desc
	return base
}

// Boards are the supported targets, by name.
var Boards = map[string]Board{
	"rpi3":             board(armhf, "rpi3", "Raspberry Pi 3 / Zero 2 W, 32-bit (armv7), CSI camera through libcamera, PCA9685 on I²C bus 1"),
	"rpi4":             board(arm64, "rpi4", "Raspberry Pi 4 (arm64), CSI camera through libcamera, PCA9685 on I²C bus 1"),
	"rpi5":             board(arm64, "rpi5", "Raspberry Pi 5 (arm64), CSI camera through libcamera, PCA9685 on I²C bus 1"),
	"jetson-orin-nano": board(arm64, "jetson-orin-nano", "Jetson Orin Nano (arm64), CSI camera through nvarguscamerasrc, PCA9685 on I²C bus 7"),
	"jetson-xavier-nx": board(arm64, "jetson-xavier-nx", "Jetson Xavier NX (arm64), CSI camera through nvarguscamerasrc, PCA9685 on I²C bus 8"),
}

// Names lists the boards, sorted.
func Names() []string {
	var n []string
	for k := range Boards {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// Lookup finds a board by name.
func Lookup(name string) (Board, error) {
	b, ok := Boards[name]
	if !ok {
		return Board{}, fmt.Errorf("firmware: unknown board %q (one of %s)", name, strings.Join(Names(), ", "))
	}
	return b, nil
}

//go:embed boards/*.yaml fovea.service postinst.sh prerm.sh
var assets embed.FS

// Config returns the board's default /etc/fovea/fovea.yaml.
func (b Board) Config() ([]byte, error) {
	return assets.ReadFile("boards/" + b.Name + ".yaml")
}

// Unit returns the systemd unit.
func Unit() []byte {
	u, _ := assets.ReadFile("fovea.service")
	return u
}

// Env prints the board as shell assignments, for image.sh.
func (b Board) Env() string {
	return fmt.Sprintf("BOARD=%s\nDEB_ARCH=%s\nGOARCH=%s\nGOARM=%s\nTRIPLE=%s\nQEMU=%s\n",
		b.Name, b.DebArch, b.GOARCH, b.GOARM, b.Triple, b.QEMU)
}
