// Package firmware makes what goes on the robot: board profiles
// (Raspberry Pi 3/Zero 2 W, 4 and 5, Jetson Orin Nano and Xavier NX), the
// .deb of the cross-compiled fovea binary (built with nfpm: binary,
// /etc/fovea/fovea.yaml, models, a hardened systemd unit running as the
// user fovea in the video, i2c and gpio groups) with its library
// dependencies read from the binary itself, and the list of steps that
// `make image BOARD=…` and `make image-test BOARD=…` run (firmware/image.sh):
// a Debian 12 root file system for the board's architecture made with
// debootstrap and qemu-user-static, a build sysroot with that
// architecture's libopencv-dev (the host's OpenCV stays untouched), the
// cross-compiled binary, the .deb installed and enabled in the root file
// system, a tarball and an ext4 partition image of it, and `fovea
// selftest` run inside it under emulation.
package firmware
