#!/usr/bin/env bash
# SRTP cost per packet against the number of sessions, outside the worker: builds
# srtp-curve.c against the libsrtp2 the install builds for the worker (static, OpenSSL,
# with libsrtp-openssl-fastpath.patch), checks it byte for byte against a libsrtp2 built
# from the same Debian source WITHOUT the patch, then prints the curve.
#
#   infra/mediasoup/srtp-curve/run.sh [-s cm|gcm] [-t TOUCH_BYTES] [-k REPS] [N...]
#       defaults: -s cm -t 3072 -k 7, N = 100 500 1000 2000
#   infra/mediasoup/srtp-curve/run.sh -c
#       the byte-for-byte check only (infra/src/srtpFastPath.test.ts)
#
# Under the measuring lock on a shared machine: flock /work/wt/measure.lock run.sh ...
# Figures: docs/bench-sfu.md ("SRTP state per session").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
ms_version="$(node -p "require('$root/package.json').giaoban.mediasoupVersion")"
cache="${GIAOBAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/giaoban}"
patched="${LIBSRTP_PREFIX:-$cache/build-$ms_version-openssl/libsrtp/prefix}"
src_dir="$cache/build-$ms_version-openssl/libsrtp/src"
# The unpatched build is kept in the cache (built once, under a lock); the binaries and
# packet dumps of this run in a folder of its own, so that runs can overlap.
out="${SRTP_CURVE_DIR:-$cache/srtp-curve}"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

[ -f "$patched/lib/libsrtp2.a" ] || {
  echo "no $patched/lib/libsrtp2.a: run infra/install.sh first (it builds libsrtp2)" >&2
  exit 1
}
cc=(nice -n 15 gcc -O2 -Wall -Wextra)
"${cc[@]}" -o "$tmp/srtp-curve" "$here/srtp-curve.c" -I "$patched/include" "$patched/lib/libsrtp2.a" -lcrypto

# The same Debian source without GiaoBan's patch (reverse-applied to a copy), for the
# byte-for-byte comparison of protected packets.
srcdir="$(find "$src_dir" -mindepth 1 -maxdepth 1 -type d | head -1)"
stock="$out/stock-$(basename "$srcdir")"
exec 9>"$out/.lock"
flock 9
if [ ! -f "$stock/lib/libsrtp2.a" ]; then
  rm -rf "$out/stock-src" "$out/stock-build" && cp -r "$srcdir" "$out/stock-src"
  patch -s -R -p1 -d "$out/stock-src" <"$here/../libsrtp-openssl-fastpath.patch"
  nice -n 15 meson setup "$out/stock-build" "$out/stock-src" --prefix="$stock" --libdir=lib \
    --buildtype=release -Ddefault_library=static -Dcrypto-library=openssl \
    -Dcrypto-library-kdf=disabled -Dtests=disabled -Dpcap-tests=disabled -Ddoc=disabled >/dev/null
  nice -n 15 meson install -C "$out/stock-build" >/dev/null
fi
flock -u 9
"${cc[@]}" -o "$tmp/srtp-curve-stock" "$here/srtp-curve.c" -I "$stock/include" "$stock/lib/libsrtp2.a" -lcrypto

suite=cm check_only=""
args=()
while getopts "s:t:k:c" o; do
  case "$o" in
    s) suite="$OPTARG" ;;
    c) check_only=1 ;;
    t | k) args+=("-$o" "$OPTARG") ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- 100 500 1000 2000
for s in cm gcm; do
  "$tmp/srtp-curve" -d -s "$s" >"$tmp/patched-$s.txt"
  "$tmp/srtp-curve-stock" -d -s "$s" >"$tmp/stock-$s.txt"
  cmp -s "$tmp/patched-$s.txt" "$tmp/stock-$s.txt" ||
    { echo "srtp-curve: $s packets differ from unpatched libsrtp2" >&2; exit 1; }
done
echo "protected packets identical to unpatched libsrtp2 ($(wc -l <"$tmp/patched-cm.txt") per suite), round trips ok"
[ -z "$check_only" ] || exit 0
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/srtp-curve" -s "$suite" "${args[@]}" "$@"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
