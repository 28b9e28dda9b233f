#!/usr/bin/env bash
# GiaoBan install: Debian packages, npm ci, the mediasoup worker, the client build.
# Idempotent; a second run takes seconds (the worker binary is cached by version
# outside node_modules, so `npm ci` never forces a rebuild).
#
#   bash infra/install.sh               # everything
#   SKIP_APT=1 bash infra/install.sh    # when the Debian packages are known to be there
#   bash infra/install.sh --worker-only # only the worker (into the cache)
#   bash infra/install.sh --worker-nss  # only the comparison worker on Debian's NSS-backed
#                                       # shared libsrtp2 (bench:sfu runs both side by side)
#   GIAOBAN_REBUILD_WORKER=1 bash infra/install.sh --worker-only
#                                       # rebuild the worker even when a binary is cached
#
# Works offline except for the npm registry and Debian's apt repositories: the
# mediasoup worker is built from the C++ sources inside the npm tarball against
# Debian's libraries when the prebuilt download is not reachable, with libsrtp2 built
# from Debian's source package on OpenSSL (static; infra/mediasoup/build-libsrtp.sh).
# Debian's binary libsrtp2 is built on NSS, whose per-packet cost grows with the number of
# SRTP sessions (docs/bench-sfu.md); it is only the fallback when the source cannot be had.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MS_VERSION="$(node -p "require('$ROOT/package.json').giaoban.mediasoupVersion")"
CACHE="${GIAOBAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/giaoban}"
# The worker is cached by mediasoup version, libsrtp2 (Debian) version and SRTP crypto backend.
SRTP_VERSION="$(apt-cache policy libsrtp2-1 2>/dev/null | awk '/Candidate:/ { print $2; exit }')"
[ -n "$SRTP_VERSION" ] && [ "$SRTP_VERSION" != "(none)" ] || SRTP_VERSION=unknown
# The OpenSSL build also by the revision of GiaoBan's libsrtp patch (a new patch, a new worker).
SRTP_PATCH_REV="$(sha256sum "$ROOT/infra/mediasoup/libsrtp-openssl-fastpath.patch" | cut -c1-8)"
worker_path() {
  local tag="$1"
  [ "$1" = openssl ] && tag="openssl-$SRTP_PATCH_REV"
  echo "$CACHE/mediasoup-worker-${MS_VERSION}_libsrtp2-${SRTP_VERSION}_$tag"
}
MODE=all
for arg in "$@"; do
  case "$arg" in
  --worker-only) MODE=worker ;;
  --worker-nss) MODE=nss ;;
  *) echo "unknown option: $arg" >&2 && exit 2 ;;
  esac
done
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\n\033[31mLỗi cài đặt / install error: %s\033[0m\n' "$*" >&2; exit 1; }
loud() { { printf '\n' && printf '\033[1;41;97m %s \033[0m\n' "$@"; } >&2; }
t0=$(date +%s)

# Packages the product needs at run time (redis-server, coturn for TURN, ssl-cert
# for the group that reads the TLS key, openssl for `npm run cert` and the lab's
# test CA, ffmpeg for recordings, haproxy for the cluster's edge, chromium for
# browser tests, iproute2/iptables for the weak-link harness and the lab, systemd
# for `systemd-analyze verify` of infra/deploy/systemd, espeak-ng for the phone
# role's voice prompts, baresip as the test phone of e2e/phone.test.ts and
# bench:phone, linux-perf for bench:sfu's SRTP cost by attribution) and the
# worker's build deps.
APT_PKGS=(redis-server coturn ssl-cert openssl ffmpeg haproxy systemd chromium iproute2 iptables ca-certificates
  espeak-ng baresip linux-perf
  build-essential pkg-config patch ninja-build python3-venv libssl-dev libuv1-dev
  libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler)

have_all_pkgs() {
  dpkg-query -W -f='${Status}\n' "${APT_PKGS[@]}" 2>/dev/null | grep -vc 'install ok installed' | grep -q '^0$'
}

meson_ok() {
  command -v meson >/dev/null 2>&1 && [ "$(printf '%s\n1.1.0\n' "$(meson --version)" | sort -V | head -1)" = "1.1.0" ]
}

ensure_meson() {
  local work="$1"
  meson_ok && return 0
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
}

# (Restored in the merge of edge-lab: main's libsrtp2 change had dropped the
# step that installs APT_PKGS.)
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

# What SRTP crypto a worker binary carries: "openssl" (libsrtp linked in, OpenSSL-backed),
# "nss" (Debian's shared libsrtp2.so.1) or something else. The product checks the same at
# start (sfu/src/srtpBackend.ts) and reports it in /healthz.
srtp_backend_of() {
  local lib
  lib="$(ldd "$1" 2>/dev/null | awk '/libsrtp2\.so/ { print $3; exit }')"
  { LC_ALL=C grep -aoE -m1 'counter mode using (openssl|NSS|mbedtls)' "${lib:-$1}" || true; } | awk '{ print tolower($4) }' | head -1
}

# build_worker openssl|nss: builds mediasoup-worker from the npm tarball into the cache.
# Returns 3 when the libsrtp2 source package could not be fetched or built (openssl).
build_worker() {
  local variant="$1" work="$CACHE/build-$MS_VERSION-$1" srtp_prefix="" out
  out="$(worker_path "$variant")"
  mkdir -p "$work" || die "cannot create $work"
  ensure_meson "$work"
  if [ "$variant" = openssl ]; then
    step "libsrtp2 $SRTP_VERSION from Debian's source package, crypto through OpenSSL, static"
    srtp_prefix="$work/libsrtp/prefix"
    bash "$ROOT/infra/mediasoup/build-libsrtp.sh" "$work/libsrtp" "$srtp_prefix" || return 3
  fi
  step "Building mediasoup-worker $MS_VERSION ($variant SRTP) from the npm tarball (about 4-8 minutes on 2 cores)"
  cd "$work" || die "cannot enter $work"
  rm -rf package && npm pack -q "mediasoup@$MS_VERSION" >/dev/null && tar xzf "mediasoup-$MS_VERSION.tgz" ||
    die "could not fetch the mediasoup $MS_VERSION tarball from the npm registry"
  # shellcheck disable=SC2086 # no prefix = Debian's shared libsrtp2
  sh "$ROOT/infra/mediasoup/use-system-deps.sh" "$work/package/worker" $srtp_prefix >/dev/null ||
    die "use-system-deps.sh failed"
  (cd "$work/package" && patch -s -p1 <"$ROOT/infra/mediasoup/mediasoup-libsrtp2.patch") ||
    die "infra/mediasoup/mediasoup-libsrtp2.patch does not apply to mediasoup $MS_VERSION"
  cd "$work/package/worker" || die "no worker folder in the mediasoup tarball"
  meson setup --buildtype release -Db_ndebug=true -Dms_disable_liburing=true out/Release/build >"$work/meson.log" 2>&1 ||
    die "meson setup failed, see $work/meson.log"
  meson compile -C out/Release/build flatbuffers-generator >>"$work/meson.log" 2>&1 || die "flatbuffers generation failed, see $work/meson.log"
  ninja -C out/Release/build -j"$(nproc)" mediasoup-worker | awk 'NR % 20 == 0 { print }' || die "worker compile failed"
  local got
  got="$(srtp_backend_of out/Release/build/mediasoup-worker)"
  [ "$got" = "$variant" ] || die "the $variant worker came out with SRTP crypto '${got:-unknown}'"
  # The symbol table stays (a release build has no debug info to strip): perf names the
  # worker's functions (bench:sfu's SRTP cost by attribution) and so do crash backtraces.
  mkdir -p "$CACHE" && strip --strip-debug -o "$out.tmp" out/Release/build/mediasoup-worker && mv "$out.tmp" "$out" ||
    die "could not store the worker in $CACHE"
  echo "built: $out"
  cd "$ROOT" && rm -rf "$work/package"
}

# The NSS worker: cached, or the one earlier installs cached under the old name, or built.
nss_worker() {
  local out legacy="$CACHE/mediasoup-worker-$MS_VERSION"
  out="$(worker_path nss)"
  if [ -x "$out" ] && [ -z "${GIAOBAN_REBUILD_WORKER:-}" ]; then
    echo "cached: $out"
  elif [ -z "${GIAOBAN_REBUILD_WORKER:-}" ] && [ -x "$legacy" ] && [ "$(srtp_backend_of "$legacy")" = nss ]; then
    cp "$legacy" "$out.tmp" && mv "$out.tmp" "$out" && echo "cached (earlier install): $out"
  else
    build_worker nss
  fi
}

try_prebuilt() {
  # A normal prebuilt download, only when its host answers (never here: no GitHub).
  step "Trying mediasoup's prebuilt worker download"
  (cd node_modules/mediasoup && unset MEDIASOUP_WORKER_BIN MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD &&
    timeout 180 node npm-scripts.mjs postinstall) || return 1
  local bin=node_modules/mediasoup/worker/out/Release/mediasoup-worker
  [ -x "$bin" ] && mkdir -p "$CACHE" && cp "$bin" "$WORKER"
}

# The OpenSSL worker, or (loudly) the NSS one when libsrtp2's source cannot be had.
openssl_worker() {
  build_worker openssl && return 0
  [ $? = 3 ] || die "worker build failed"
  SRTP_FALLBACK=1
  loud "CẢNH BÁO / WARNING: libsrtp2's source package could not be fetched or built." \
    "The worker falls back to Debian's shared libsrtp2 (crypto through NSS):" \
    "about half the audio consumers per core, cost growing with the sessions (docs/bench-sfu.md)." \
    "npm start and /healthz (srtp.backend = nss) will say so. Re-run the install to retry."
  WORKER="$(worker_path nss)"
  nss_worker
}

# One worker build at a time per cache (several worktrees install at once on one machine):
# the second install waits, then finds the first one's binary cached.
build_lock() {
  mkdir -p "$CACHE" && exec 9>"$CACHE/.worker-build.lock" || die "cannot lock $CACHE"
  flock -n 9 || { echo "another install is building a worker into $CACHE; waiting for it"; flock 9; }
}

if [ "$MODE" = nss ]; then
  step "mediasoup worker $MS_VERSION on Debian's shared libsrtp2 $SRTP_VERSION (NSS), for comparison"
  [ -x "$(worker_path nss)" ] && [ -z "${GIAOBAN_REBUILD_WORKER:-}" ] || build_lock
  nss_worker
  exit 0
fi

step "mediasoup worker $MS_VERSION, libsrtp2 $SRTP_VERSION, SRTP crypto through OpenSSL"
WORKER="$(worker_path openssl)"
PREBUILT=
SRTP_FALLBACK=
[ -z "${GIAOBAN_REBUILD_WORKER:-}" ] || echo "GIAOBAN_REBUILD_WORKER set: building even if cached"
[ -x "$WORKER" ] && [ -z "${GIAOBAN_REBUILD_WORKER:-}" ] || build_lock
if [ -x "$WORKER" ] && [ -z "${GIAOBAN_REBUILD_WORKER:-}" ]; then
  echo "cached: $WORKER"
elif [ -z "${GIAOBAN_REBUILD_WORKER:-}" ] && [ -x "$CACHE/mediasoup-worker-${MS_VERSION}_prebuilt" ]; then
  WORKER="$CACHE/mediasoup-worker-${MS_VERSION}_prebuilt"
  echo "cached: $WORKER"
elif [ -z "${GIAOBAN_REBUILD_WORKER:-}" ] && timeout 5 bash -c '</dev/tcp/github.com/443' 2>/dev/null; then
  PREBUILT=1 # mediasoup's normal download (its libsrtp is built on OpenSSL), after npm ci
  WORKER="$CACHE/mediasoup-worker-${MS_VERSION}_prebuilt"
else
  echo "prebuilt download host unreachable: building from source"
  openssl_worker
fi
exec 9>&- # build lock
[ "$MODE" = worker ] && exit 0

step "npm ci"
cd "$ROOT"
# mediasoup's own postinstall (download or meson build with network wraps) is not
# run: this script provides the worker.
npm ci --no-audit --no-fund --ignore-scripts || die "npm ci failed"
if [ -n "$PREBUILT" ]; then try_prebuilt || { WORKER="$(worker_path openssl)" && openssl_worker; }; fi
install -D -m755 "$WORKER" "$ROOT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
echo "worker: $WORKER (SRTP crypto: $(srtp_backend_of "$WORKER"))"

step "Building the client"
npm run -s build || die "client build failed"

step "Phone prompts (espeak-ng, Vietnamese, G.711 A-law 8 kHz)"
node --import tsx phone/src/media/buildPromptsMain.ts || die "phone prompts failed (espeak-ng, ffmpeg)"

[ -z "$SRTP_FALLBACK" ] || loud "CẢNH BÁO / WARNING: the worker uses Debian's NSS-backed libsrtp2 (fallback, see above)."
printf '\n\033[32mGiaoBan installed in %ss. Start it with: npm start\033[0m\n' "$(($(date +%s) - t0))"
