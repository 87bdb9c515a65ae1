#!/usr/bin/env bash
# rootfs.sh ARCH DIR [PACKAGE...]: a Debian 12 (bookworm) root file system
# for ARCH (arm64 or armhf) in DIR, made on an x86-64 host: debootstrap's
# first stage here, its second stage in a chroot under qemu-user-static
# (binfmt_misc), then the packages with apt. Idempotent: a finished DIR is
# kept and only missing packages are added. Needs root.
set -euo pipefail
arch=$1 dir=$2
shift 2
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
case $arch in
arm64) qemu=qemu-aarch64 ;;
armhf) qemu=qemu-arm ;;
*) echo "rootfs: architecture $arch: want arm64 or armhf" >&2; exit 2 ;;
esac
say() { printf '\033[1m[rootfs %s]\033[0m %s\n' "$arch" "$*"; }

# Foreign binaries run through qemu-user, registered with binfmt_misc.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
update-binfmts --enable "$qemu" >/dev/null 2>&1 || true
if [ ! -e "/proc/sys/fs/binfmt_misc/$qemu" ]; then
	echo "rootfs: binfmt_misc has no $qemu entry (install qemu-user-static and binfmt-support)" >&2
	exit 1
fi

if [ ! -f "$dir/.stage2-done" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	say "debootstrap first stage (bookworm, minbase) from $mirror"
	debootstrap --foreign --arch="$arch" --variant=minbase \
		--include=ca-certificates,systemd,systemd-sysv,udev \
		bookworm "$dir" "$mirror"
	say "second stage in the chroot under $qemu (a few minutes)"
	chroot "$dir" /debootstrap/debootstrap --second-stage
	echo "deb $mirror bookworm main" >"$dir/etc/apt/sources.list"
	touch "$dir/.stage2-done"
fi

if [ $# -gt 0 ]; then
	missing=()
	for p in "$@"; do
		chroot "$dir" dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "apt-get install ${missing[*]}"
		cp /etc/resolv.conf "$dir/etc/resolv.conf"
		chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
		chroot "$dir" apt-get clean
	fi
fi
say "ready: $dir"
