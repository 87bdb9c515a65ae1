#!/bin/sh
# fovea prerm: stop the service (it parks the head); disable it on removal.
set -e
if [ -d /run/systemd/system ]; then
	systemctl stop fovea.service || true
fi
if [ "$1" = remove ] || [ "$1" = purge ]; then
	systemctl disable fovea.service >/dev/null 2>&1 || true
fi
