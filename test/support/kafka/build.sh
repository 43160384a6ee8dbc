#!/usr/bin/env bash
# Builds test/support/kafka/build/mock_cluster from mock_cluster.c against librdkafka.
# Idempotent: does nothing when the binary is newer than its source and this script.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/mock_cluster.c"
out_dir="$here/build"
out="$out_dir/mock_cluster"
CC="${CC:-cc}"

header=""
for dir in /usr/include /usr/local/include ${RDKAFKA_PREFIX:+"$RDKAFKA_PREFIX/include"}; do
  if [ -f "$dir/librdkafka/rdkafka_mock.h" ]; then header="$dir/librdkafka/rdkafka_mock.h"; break; fi
done
if [ -z "$header" ]; then
  echo "mock_cluster build: librdkafka's mock cluster header (librdkafka/rdkafka_mock.h) was not found." >&2
  echo "Install it with:  apt-get install -y librdkafka-dev" >&2
  exit 1
fi
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "mock_cluster build: no C compiler ($CC). Install it with:  apt-get install -y gcc" >&2
  exit 1
fi

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "${BASH_SOURCE[0]}" ] && [ "$out" -nt "$header" ]; then
  exit 0
fi

mkdir -p "$out_dir"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
extra_inc=()
extra_lib=()
if [ -n "${RDKAFKA_PREFIX:-}" ]; then extra_inc=(-I"$RDKAFKA_PREFIX/include"); extra_lib=(-L"$RDKAFKA_PREFIX/lib"); fi
"$CC" -std=gnu11 -O2 -Wall -Wextra -o "$tmp" "$src" "${extra_inc[@]}" "${extra_lib[@]}" -lrdkafka
mv -f "$tmp" "$out"
echo "mock_cluster build: built $out" >&2
