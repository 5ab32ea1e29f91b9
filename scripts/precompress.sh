#!/usr/bin/env bash
# Writes <file>.gz (gzip -9) and <file>.br (brotli, best) beside every file of a folder
# (default dist/, its lessons/ included), so the bridge sends compressed files without
# compressing anything per request. Run by scripts/build-frontend.sh after each build; safe
# to run again (the copies are rewritten from the files).
#
# Usage: scripts/precompress.sh [DIR]
set -euo pipefail

dir="${1:-dist}"
[[ -d $dir ]] || { echo "precompress: $dir is not a folder" >&2; exit 1; }
command -v gzip >/dev/null || { echo "precompress: gzip is not installed" >&2; exit 1; }
command -v brotli >/dev/null ||
    { echo "precompress: brotli is not installed (run scripts/setup.sh, or: apt-get install brotli)" >&2; exit 1; }

count=0
while IFS= read -r -d '' file; do
    # -n: no name or time stamp in the header, so the same file gives the same bytes.
    gzip -9 -n -c -- "$file" >"$file.gz"
    brotli --best --force --output="$file.br" -- "$file"
    count=$((count + 1))
done < <(find "$dir" -type f ! -name '*.gz' ! -name '*.br' -print0)
echo "precompress: $count files in $dir, each with .gz and .br"
