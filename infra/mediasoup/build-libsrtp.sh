#!/usr/bin/env bash
# Builds libsrtp2 from Debian's own source package with its crypto through OpenSSL,
# as a static library, for mediasoup-worker (Debian's binary libsrtp2 is built on NSS,
# whose SRTP cost grows with the number of sessions: docs/bench-sfu.md).
#
#   build-libsrtp.sh WORK_DIR PREFIX
#
# The source comes from the same Debian archive and suite as the machine's libsrtp2
# binary package (as `apt-cache policy` reports it), through a PRIVATE apt configuration:
# its own sources list (one deb-src line), lists and cache folders under WORK_DIR, so the
# machine's own package lists are never touched (an `apt-get update` naming only a private
# source list would otherwise drop them).
# Prints "SRTP_SOURCE <name> <version>" on success; exits non-zero when the source
# cannot be fetched or built (the caller then falls back to Debian's shared libsrtp2).
set -euo pipefail
work="$1" prefix="$2"
bin_pkg=libsrtp2-1

# Version Debian would install, and the archive + suite it comes from.
ver="$(apt-cache policy "$bin_pkg" | awk '/Candidate:/ { print $2; exit }')"
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "apt knows no $bin_pkg" >&2; exit 1; }
read -r uri suite component < <(apt-cache policy "$bin_pkg" | awk -v v="$ver" '
  /^ *(\*\*\* )?[^ ]+ [0-9]+$/ { cur = ($1 == "***") ? $2 : $1; next }
  cur == v && $2 ~ /^(https?|file):/ { n = split($3, s, "/"); print $2, s[1], (n > 1 ? s[2] : "main"); exit }') ||
  { echo "no archive found for $bin_pkg $ver" >&2; exit 1; }
# The source package (name and version) of that binary; binNMUs carry "Source: name (ver)".
src_field="$(apt-cache show "$bin_pkg=$ver" | awk -F': ' '/^Source:/ { print $2; exit }')"
src_name="${src_field%% *}"
src_name="${src_name:-libsrtp2}"
src_ver="$(printf '%s' "$src_field" | sed -n 's/.*(\(.*\)).*/\1/p')"
src_ver="${src_ver:-$ver}"

apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/src"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opts=""
[ -r "$keyring" ] && opts="[signed-by=$keyring] "
printf 'deb-src %s%s %s %s\n' "$opts" "$uri" "$suite" "$component" >"$apt_dir/sources.list"
APT=(apt-get -q -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=-
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o Acquire::Retries=2 -o Acquire::http::Timeout=30)
[ "$(id -u)" = 0 ] && APT+=(-o APT::Sandbox::User=root)

echo "deb-src $uri $suite $component → $src_name $src_ver (private lists in $apt_dir)"
"${APT[@]}" update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
rm -rf "$work/src" && mkdir -p "$work/src"
(cd "$work/src" && "${APT[@]}" source "$src_name=$src_ver" >>"$work/apt.log" 2>&1) ||
  { tail -20 "$work/apt.log" >&2; exit 1; }
srcdir="$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -1)"
[ -f "$srcdir/meson.build" ] || { echo "no meson.build in $srcdir" >&2; exit 1; }
# GiaoBan's fast path for the per-packet SRTP work (HMAC-SHA1 from precomputed 20-byte pad
# states, the AES-CM keystream through AES-NI with the expanded key inside the cipher's own
# block, one memory arena per SRTP session, the GCM IV length set once): docs/bench-sfu.md.
patch -s -p1 -d "$srcdir" <"$(dirname "$0")/libsrtp-openssl-fastpath.patch" ||
  { echo "libsrtp-openssl-fastpath.patch does not apply to $src_name $src_ver" >&2; exit 1; }

# libsrtp2 2.5's meson options: crypto-library none|openssl|nss, crypto-library-kdf (needs
# BoringSSL's kdf_srtp, absent from OpenSSL 3.0: disabled), tests, pcap-tests, doc, fuzzer.
rm -rf "$prefix" "$work/build"
meson setup "$work/build" "$srcdir" --prefix="$prefix" --libdir=lib \
  --buildtype=release -Ddefault_library=static -Db_staticpic=true \
  -Dcrypto-library=openssl -Dcrypto-library-kdf=disabled \
  -Dtests=enabled -Dpcap-tests=disabled -Ddoc=disabled >"$work/meson.log" 2>&1 ||
  { tail -30 "$work/meson.log" >&2; exit 1; }
meson compile -C "$work/build" >>"$work/meson.log" 2>&1 || { tail -30 "$work/meson.log" >&2; exit 1; }
# libsrtp's own known-answer tests (RFC 3711 / 7714 vectors, HMAC and AES test cases) on the
# patched crypto: a fast path that computes one wrong bit stops the build here.
meson test -C "$work/build" cipher_driver kernel_driver srtp_driver test_srtp datatypes_driver \
  >>"$work/meson.log" 2>&1 || { tail -30 "$work/meson.log" >&2; exit 1; }
meson install -C "$work/build" >>"$work/meson.log" 2>&1 || { tail -30 "$work/meson.log" >&2; exit 1; }
[ -f "$prefix/lib/libsrtp2.a" ] && LC_ALL=C grep -aq 'counter mode using openssl' "$prefix/lib/libsrtp2.a" ||
  { echo "built libsrtp2.a is not OpenSSL-backed" >&2; exit 1; }
echo "SRTP_SOURCE $src_name $src_ver"
