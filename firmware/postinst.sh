#!/bin/sh
# fovea postinst: the service user and its device groups, then the unit.
set -e
for g in video i2c gpio; do
	getent group "$g" >/dev/null || groupadd --system "$g"
done
if ! getent passwd fovea >/dev/null; then
	useradd --system --home-dir /var/lib/fovea --no-create-home \
		--shell /usr/sbin/nologin --user-group --groups video,i2c,gpio fovea
fi
# Offline (image builds, chroots) systemctl enable only makes the links.
systemctl enable fovea.service >/dev/null 2>&1 || true
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
	systemctl restart fovea.service || true
fi
