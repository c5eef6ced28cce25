#!/usr/bin/env bash
# Debian 12's own Node 18 (its `nodejs` package), for proving that the bundle runs there: fetched
# with `apt-get download`, unpacked with `dpkg-deb -x` into a cache dir, never installed.
#
#   scripts/node18.sh fetch          unpack it once (cached, keyed by version); print its root dir
#   scripts/node18.sh run ARGS...    run that node with ARGS (the version the last fetch found)
#   scripts/node18.sh old VERSION    an old Node (10.24.1, 12.22.12, 16.20.2...) from the npm
#                                    package node-linux-ARCH@VERSION (npm pack, cached); print
#                                    the path of its node binary
#
# Debian's node loads some of its own builtins (cjs-module-lexer, acorn, undici) from
# /usr/share/nodejs, a path compiled in: `run` gives it a private mount namespace (`unshare -m`,
# root) where the unpacked helpers are bound there, without touching the system's /usr/share. When
# the machine has no /usr/share/nodejs to bind onto, /usr/share itself is replaced in that namespace
# by a tmpfs of links to the real entries plus nodejs (DISKBLAME_NODE18_FARM=1 forces that way).
# Its libraries (libnode108, and those a minimal Debian 12 lacks) come in through LD_LIBRARY_PATH.
#
# Cache: $DISKBLAME_CI_CACHE, default /tmp/diskblame-ci-UID (not $XDG_CACHE_HOME: the tests point
# that at a fresh temp dir), a directory of our own, mode 0700, refused otherwise (nobody else may
# put a binary there that we would run). NODE18_VERSION picks a Debian version of the nodejs
# package (default: the newest 18.x that apt knows).
set -euo pipefail

die() { echo "node18.sh: $*" >&2; exit 1; }

# the libraries libnode108 needs that are not in every minimal Debian 12 (libc6, libgcc-s1,
# libstdc++6 and zlib1g are), and the node-* packages holding its externalized builtins
LIBS=(libbrotli1 libc-ares2 libicu72 libnghttp2-14 libssl3 libuv1)
HELPERS=(node-acorn node-cjs-module-lexer node-undici)

version() {
  if [ -n "${NODE18_VERSION:-}" ]; then echo "$NODE18_VERSION"; return; fi
  local v
  v=$(apt-cache madison nodejs 2>/dev/null | awk '$3 ~ /^18\./ { print $3; exit }')
  if [ -z "$v" ]; then
    apt-get update -qq >&2 || die "apt-get update failed"
    v=$(apt-cache madison nodejs 2>/dev/null | awk '$3 ~ /^18\./ { print $3; exit }')
  fi
  [ -n "$v" ] || die "apt knows no nodejs 18.x (not a Debian 12 machine?)"
  echo "$v"
}

TOP="${DISKBLAME_CI_CACHE:-/tmp/diskblame-ci-$(id -u)}"
CACHE="$TOP/node18"

# the cache dir, made if missing; refused when a link, not ours, or open to others
own_cache() {
  mkdir -m 0700 "$TOP" 2>/dev/null || true
  [ -d "$TOP" ] && [ ! -L "$TOP" ] || die "$TOP is not a directory"
  [ "$(stat -c %u:%a "$TOP")" = "$(id -u):700" ] || die "$TOP is not ours with mode 0700: not using it"
  mkdir -p "$CACHE"
}

fetch() {
  local v cache="$CACHE" root tmp
  own_cache
  v=$(version)
  root="$cache/$v"
  if [ ! -x "$root/usr/bin/node" ]; then
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
      "nodejs=$v" "libnode108=$v" "${LIBS[@]}" "${HELPERS[@]}" >&2) || die "apt-get download failed"
    mkdir "$tmp/root"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
    rm -rf "$root"
    mv "$tmp/root" "$root"
    rm -rf "$tmp"
    trap - EXIT
  fi
  echo "$v" >"$cache/current.tmp" && mv "$cache/current.tmp" "$cache/current"
  echo "$root"
}

run() {
  local root=""
  own_cache
  # the version the last fetch resolved (asking apt takes a second)
  if [ -z "${NODE18_VERSION:-}" ] && [ -f "$CACHE/current" ]; then root="$CACHE/$(cat "$CACHE/current")"; fi
  [ -n "$root" ] && [ -x "$root/usr/bin/node" ] || root=$(fetch)
  local farm="$root/.mnt"
  mkdir -p "$farm"
  # shellcheck disable=SC2016
  exec unshare -m --propagation private /bin/sh -c '
    set -e
    root=$1 farm=$2; shift 2
    if [ -d /usr/share/nodejs ] && [ -z "${DISKBLAME_NODE18_FARM:-}" ]; then
      mount --bind "$root/usr/share/nodejs" /usr/share/nodejs
    else
      mount -t tmpfs -o mode=0755 none "$farm"
      mkdir "$farm/real" "$farm/share"
      mount --bind /usr/share "$farm/real"
      for e in "$farm"/real/* "$farm"/real/.[!.]*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        ln -s "$e" "$farm/share/${e##*/}"
      done
      rm -f "$farm/share/nodejs"
      ln -s "$root/usr/share/nodejs" "$farm/share/nodejs"
      mount --bind "$farm/share" /usr/share
    fi
    for lib in "$root"/usr/lib/*-linux-gnu; do :; done
    LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      exec "$root/usr/bin/node" "$@"
  ' node18 "$root" "$farm" "$@"
}

old() {
  local v=${1:-} arch dir tmp
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "old: want a version like 16.20.2"
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "old: no node-linux package for $(uname -m)" ;;
  esac
  own_cache
  dir="$TOP/old-node/$v"
  if [ ! -x "$dir/node" ]; then
    mkdir -p "$TOP/old-node"
    tmp=$(mktemp -d "$TOP/old-node/.fetch.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$v" >/dev/null) || die "npm pack node-linux-$arch@$v failed"
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/bin/node || die "node-linux-$arch@$v has no bin/node"
    mkdir "$tmp/out"
    mv "$tmp/package/bin/node" "$tmp/out/node"
    rm -rf "$dir"
    mv "$tmp/out" "$dir"
    rm -rf "$tmp"
    trap - EXIT
  fi
  echo "$dir/node"
}

case "${1:-}" in
  fetch) fetch ;;
  run) shift; run "$@" ;;
  old) old "${2:-}" ;;
  *) die "usage: scripts/node18.sh fetch | run ARGS... | old VERSION" ;;
esac
