#!/usr/bin/env bash
# Builds a portable mlpack for Spark executors and container images: the Swift runtime and
# Foundation linked statically (--static-swift-stdlib), and the C libraries it still loads
# (libyaml, libzip, OpenBLAS, SQLite and what they pull in: gfortran, zlib, bz2, lzma, zstd, crypto)
# copied into lib/ next to it, found through the binary's RPATH ($ORIGIN/../lib). Only glibc comes
# from the host (Debian 12 / glibc 2.36 or newer).
#
#   scripts/build-release.sh [OUT_DIR]      (default: dist/)
# Produces OUT_DIR/mlpack-<version>-linux-<arch>.tar.gz holding:
#   mlpack-<version>/bin/mlpack                       the executable
#   mlpack-<version>/bin/mlpack_*.resources/          its resource bundles (read next to the binary)
#   mlpack-<version>/lib/*.so*                        the shared libraries above
#   mlpack-<version>/LIBRARIES.txt                    which library came from which Debian package
# and prints the tarball's path. scripts/check-release.sh runs it in a clean minimal Debian root.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
scripts/install-deps.sh
scratch=.build-static
# DT_RPATH (--disable-new-dtags), not RUNPATH: it also applies to the libraries' own dependencies
# (libzip → libcrypto, OpenBLAS → libgfortran), which a RUNPATH would not reach.
swift build -c release --product mlpack --static-swift-stdlib --scratch-path "$scratch" \
  -Xlinker --disable-new-dtags -Xlinker -rpath -Xlinker '$ORIGIN/../lib' >&2
bindir="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)"
version="$("$bindir/mlpack" --version)"
arch="$(uname -m)"
name="mlpack-$version"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
cp "$bindir/mlpack" "$stage/$name/bin/"
for bundle in "$bindir"/*.resources; do
  [ -e "$bundle" ] && cp -R "$bundle" "$stage/$name/bin/"
done
# Every shared library the binary loads except glibc's own (libc, libm, libpthread, libdl, librt,
# the loader) and the kernel's vDSO.
: > "$stage/$name/LIBRARIES.txt"
ldd "$bindir/mlpack" | awk '/=> \// {print $1, $3}' | while read -r soname path; do
  case "$soname" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|libresolv.so.*|libutil.so.*) continue ;;
  esac
  real="$(readlink -f "$path")"
  cp "$real" "$stage/$name/lib/$soname"
  # dpkg knows a file by the path its package installed (merged /usr: /lib/… or /usr/lib/…).
  package=""
  for candidate in "$path" "$real" "${real#/usr}" "/usr${real}"; do
    package="$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 || true)"
    [ -n "$package" ] && break
  done
  echo "$soname  ${package:-?}" >> "$stage/$name/LIBRARIES.txt"
done
# OpenBLAS is selected through Debian's alternatives; the copy above is the real library.
mkdir -p "$out"
tarball="$out/$name-linux-$arch.tar.gz"
tar -C "$stage" -czf "$tarball" "$name"
echo "$tarball"
