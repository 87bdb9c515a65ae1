#!/usr/bin/env bash
# image.sh BOARD build|test — what `make image BOARD=…` and `make image-test
# BOARD=…` run. build: a Debian 12 root file system for the board's
# architecture, a build sysroot with that architecture's libopencv-dev (never
# the host's own OpenCV), fovea cross-compiled against it, the .deb (nfpm),
# the .deb installed and enabled in the image's root file system, and the
# image as a tarball and an ext4 partition image, all under out/. test:
# `fovea selftest` inside the image's root file system under qemu-user.
# Needs root (debootstrap, chroot, binfmt_misc).
set -euo pipefail
board=${1:?board} mode=${2:-build}
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-go}
[ -x bin/fovea-firmware ] || "$GO" build -o bin/fovea-firmware ./cmd/fovea-firmware
eval "$(bin/fovea-firmware env "$board")"
out=$root/out/image/$BOARD
base=$root/out/rootfs/$DEB_ARCH-base
sysroot=$root/out/sysroot/$DEB_ARCH
rootfs=$out/rootfs
# out/ is its own module, so that ./... in the repository never walks into
# the root file systems.
mkdir -p "$root/out"
[ -f "$root/out/go.mod" ] || printf 'module fovea.invalid/out\n' >"$root/out/go.mod"
n=0
step() {
	n=$((n + 1))
	printf '\n\033[1m[%s %d/%d] %s\033[0m\n' "$BOARD" "$n" "$total" "$*"
}
started=$(date +%s)

if [ "$mode" = test ]; then
	total=3
	[ -x "$rootfs/usr/bin/fovea" ] || { echo "image-test: no image for $BOARD: run make image BOARD=$BOARD first" >&2; exit 1; }
	step "binfmt_misc: $QEMU"
	[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	update-binfmts --enable "$QEMU" >/dev/null 2>&1 || true
	step "fovea selftest in the $BOARD root file system, under $QEMU (the image is the root: no -L)"
	chroot "$rootfs" /usr/bin/fovea version
	chroot "$rootfs" /usr/bin/fovea selftest
	step "the service: enabled, its user and groups, its hardening"
	chroot "$rootfs" systemctl is-enabled fovea.service
	chroot "$rootfs" id fovea
	chroot "$rootfs" systemd-analyze security --offline=yes /lib/systemd/system/fovea.service | tail -1
	echo "image-test $BOARD: passed in $(($(date +%s) - started)) s"
	exit 0
fi

total=6
version=0.1.0+git$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!out' 2>/dev/null || echo .dirty)

step "base root file system: Debian 12 $DEB_ARCH (cached in out/rootfs)"
firmware/rootfs.sh "$DEB_ARCH" "$base"

step "build sysroot: $base + libopencv-dev:$DEB_ARCH (cached in out/sysroot)"
if [ ! -f "$sysroot/.stage2-done" ]; then
	rm -rf "$sysroot"
	mkdir -p "$(dirname "$sysroot")"
	cp -a "$base" "$sysroot"
fi
firmware/rootfs.sh "$DEB_ARCH" "$sysroot" libopencv-dev
# Absolute symbolic links (Debian's alternatives: liblapack.so.3 →
# /etc/alternatives/… → …) would resolve on the host, not in the sysroot:
# the cross linker then misses libraries. Make them relative.
find "$sysroot/usr/lib" "$sysroot/etc/alternatives" -type l -lname '/*' | while read -r l; do
	ln -sfn "$(realpath -m -s --relative-to="$(dirname "$l")" "$sysroot$(readlink "$l")")" "$l"
done

step "cross-compile fovea $version for $GOARCH${GOARM:+v$GOARM} against the sysroot"
mkdir -p "$out"
libdirs=$sysroot/usr/lib/$TRIPLE:$sysroot/lib/$TRIPLE
env CGO_ENABLED=1 GOOS=linux GOARCH="$GOARCH" GOARM="$GOARM" \
	CC="$TRIPLE-gcc --sysroot=$sysroot" CXX="$TRIPLE-g++ --sysroot=$sysroot" \
	CGO_LDFLAGS="-Wl,-rpath-link,$libdirs" \
	PKG_CONFIG_SYSROOT_DIR="$sysroot" \
	PKG_CONFIG_LIBDIR="$sysroot/usr/lib/$TRIPLE/pkgconfig:$sysroot/usr/share/pkgconfig" \
	"$GO" build -trimpath -ldflags "-X main.version=$version" -o "$out/fovea" ./cmd/fovea
file "$out/fovea" 2>/dev/null || ls -l "$out/fovea"

step ".deb (nfpm): binary, /etc/fovea/fovea.yaml, models, hardened systemd unit"
rm -f "$out"/fovea_*.deb
deb=$(bin/fovea-firmware deb --board "$BOARD" --binary "$out/fovea" --version "$version" --sysroot "$sysroot" --out "$out")
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'

step "image root file system: $base + the .deb, installed and enabled"
rm -rf "$rootfs"
cp -a "$base" "$rootfs"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
cp "$deb" "$rootfs/tmp/"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")"
chroot "$rootfs" apt-get clean
rm -f "$rootfs/tmp/$(basename "$deb")"
echo "fovea-$BOARD" >"$rootfs/etc/hostname"
chroot "$rootfs" systemctl is-enabled fovea.service

step "tarball and ext4 partition image"
rm -f "$out"/fovea-"$BOARD"-rootfs.*
tar --numeric-owner -C "$rootfs" -czf "$out/fovea-$BOARD-rootfs.tar.gz" .
mb=$(du -sm "$rootfs" | cut -f1)
mkfs.ext4 -q -F -L fovea -d "$rootfs" "$out/fovea-$BOARD-rootfs.ext4" "$((mb * 13 / 10 + 64))M"
ls -lh "$deb" "$out/fovea-$BOARD-rootfs.tar.gz" "$out/fovea-$BOARD-rootfs.ext4"
echo "image $BOARD: done in $(($(date +%s) - started)) s"
