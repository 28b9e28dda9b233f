#!/usr/bin/env bash
# GiaoBan install: Debian packages, npm ci, the mediasoup worker, the client build.
# Idempotent; a second run takes seconds (the worker binary is cached by version
# outside node_modules, so `npm ci` never forces a rebuild).
#
#   bash infra/install.sh            # everything
#   SKIP_APT=1 bash infra/install.sh # when the Debian packages are known to be there
#
# Works offline except for the npm registry and Debian's apt repositories: the
# mediasoup worker is built from the C++ sources inside the npm tarball against
# Debian's libraries when the prebuilt download is not reachable.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MS_VERSION="$(node -p "require('$ROOT/package.json').giaoban.mediasoupVersion")"
CACHE="${GIAOBAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/giaoban}"
WORKER_CACHED="$CACHE/mediasoup-worker-$MS_VERSION"
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\n\033[31mLỗi cài đặt / install error: %s\033[0m\n' "$*" >&2; exit 1; }
t0=$(date +%s)

# Packages the product needs at run time (redis-server, chromium for browser
# tests, iproute2/iptables for the weak-link harness and the lab, haproxy for
# the cluster's edge, openssl for the lab's test CA, systemd for
# `systemd-analyze verify` of infra/deploy/systemd) and the worker's build deps.
APT_PKGS=(redis-server chromium iproute2 iptables ca-certificates haproxy openssl systemd
  build-essential pkg-config patch ninja-build python3-venv libssl-dev libuv1-dev
  libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler)

have_all_pkgs() {
  dpkg-query -W -f='${Status}\n' "${APT_PKGS[@]}" 2>/dev/null | grep -vc 'install ok installed' | grep -q '^0$'
}

meson_ok() {
  command -v meson >/dev/null 2>&1 && [ "$(printf '%s\n1.1.0\n' "$(meson --version)" | sort -V | head -1)" = "1.1.0" ]
}

if [ -z "${SKIP_APT:-}" ]; then
  step "Debian packages"
  if have_all_pkgs; then
    echo "already installed"
  else
    [ "$(id -u)" = 0 ] || die "apt-get needs root: run as root, or install ${APT_PKGS[*]} and set SKIP_APT=1"
    apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    apt-get install -y -qq --no-install-recommends "${APT_PKGS[@]}" >/dev/null ||
      die "apt-get install failed for: ${APT_PKGS[*]}"
  fi
  # Debian's own haproxy service must not hold the ports: GiaoBan runs HAProxy
  # itself (npm run cluster, the lab) or through giaoban-edge.service.
  if [ -d /run/systemd/system ] && [ "$(id -u)" = 0 ]; then
    systemctl disable --now haproxy.service >/dev/null 2>&1 || true
  fi
fi


build_worker() {
  local work="$CACHE/build-$MS_VERSION"
  if ! meson_ok; then
    step "meson >= 1.1 (bookworm-backports)"
    if [ "$(id -u)" = 0 ] && [ -z "${SKIP_APT:-}" ]; then
      echo "deb http://deb.debian.org/debian bookworm-backports main" >/etc/apt/sources.list.d/giaoban-backports.list
      apt-get update -qq && apt-get install -y -qq -t bookworm-backports meson >/dev/null || true
    fi
    if ! meson_ok; then
      echo "backports meson unavailable; trying pip (local mirror)"
      [ -x "$work/venv/bin/meson" ] || { python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q meson==1.12.1; } ||
        die "no meson >= 1.1: neither bookworm-backports nor pip could provide it"
      export PATH="$work/venv/bin:$PATH"
    fi
  fi
  step "Building mediasoup-worker $MS_VERSION from the npm tarball (about 4-8 minutes on 2 cores)"
  mkdir -p "$work" && cd "$work"
  rm -rf package && npm pack -q "mediasoup@$MS_VERSION" >/dev/null && tar xzf "mediasoup-$MS_VERSION.tgz" ||
    die "could not fetch the mediasoup $MS_VERSION tarball from the npm registry"
  sh "$ROOT/infra/mediasoup/use-system-deps.sh" "$work/package/worker" >/dev/null
  (cd "$work/package" && patch -s -p1 <"$ROOT/infra/mediasoup/mediasoup-libsrtp2.patch")
  cd "$work/package/worker"
  meson setup --buildtype release -Db_ndebug=true -Dms_disable_liburing=true out/Release/build >"$work/meson.log" 2>&1 ||
    die "meson setup failed, see $work/meson.log"
  meson compile -C out/Release/build flatbuffers-generator >>"$work/meson.log" 2>&1 || die "flatbuffers generation failed, see $work/meson.log"
  ninja -C out/Release/build -j"$(nproc)" mediasoup-worker | awk 'NR % 20 == 0 { print }' || die "worker compile failed"
  mkdir -p "$CACHE"
  strip -o "$WORKER_CACHED.tmp" out/Release/build/mediasoup-worker && mv "$WORKER_CACHED.tmp" "$WORKER_CACHED"
  cd "$ROOT" && rm -rf "$work/package"
}

try_prebuilt() {
  # A normal prebuilt download, only when its host answers (never here: no GitHub).
  step "Trying mediasoup's prebuilt worker download"
  (cd node_modules/mediasoup && unset MEDIASOUP_WORKER_BIN MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD &&
    timeout 180 node npm-scripts.mjs postinstall) || return 1
  local bin=node_modules/mediasoup/worker/out/Release/mediasoup-worker
  [ -x "$bin" ] && mkdir -p "$CACHE" && cp "$bin" "$WORKER_CACHED"
}

step "mediasoup worker $MS_VERSION"
PREBUILT=
if [ -x "$WORKER_CACHED" ]; then
  echo "cached: $WORKER_CACHED"
elif timeout 5 bash -c '</dev/tcp/github.com/443' 2>/dev/null; then
  PREBUILT=1 # mediasoup's normal download, after npm ci
else
  echo "prebuilt download host unreachable: building from source"
  build_worker
fi
[ "${1:-}" = "--worker-only" ] && exit 0

step "npm ci"
cd "$ROOT"
# mediasoup's own postinstall (download or meson build with network wraps) is not
# run: this script provides the worker.
npm ci --no-audit --no-fund --ignore-scripts || die "npm ci failed"
if [ -n "$PREBUILT" ]; then try_prebuilt || build_worker; fi
install -D -m755 "$WORKER_CACHED" "$ROOT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"

step "Building the client"
npm run -s build || die "client build failed"

printf '\n\033[32mGiaoBan installed in %ss. Start it with: npm start\033[0m\n' "$(($(date +%s) - t0))"
