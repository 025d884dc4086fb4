#!/usr/bin/env bash
# Installs what virtkit's build and tests need on a Debian machine with Node 20,
# then the workspace's own dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests use: xmllint validates formatted XML against libvirt's RelaxNG schemas;
# virsh (libvirt-clients) runs side by side with virtkit; QEMU runs the QEMU driver's real guests.
# iproute2 (`ip`) creates the taps and bridges of the networking tests; openssl makes the TLS tests'
# certificates; the ssh transport's test runs its own sshd (openssh-server). The LXC driver's
# containers run on a root file system built from busybox-static; util-linux (unshare, script,
# nsenter) sets up their namespaces and console.
apt_packages=(libxml2-utils libvirt-clients qemu-system-x86 iproute2 openssl openssh-server busybox-static util-linux)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libvirt's own daemon (9.0) runs beside the tests as their ground truth: the side-by-side tests
# compare virtkit's QEMU driver with `virsh -c qemu:///system`.
as_root bash ../shared/oracle/start-libvirtd.sh >/dev/null

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  as_root npm install -g --silent "pnpm@$pnpm_version"
fi

pnpm install --frozen-lockfile --reporter=silent
