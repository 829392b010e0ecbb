#!/usr/bin/env bash
# ctest entry for the browser tests: run_playwright.sh NPM_DIR SPEC [env assignments...]
# Copies this folder next to the web app's node_modules (so that the specs resolve
# @playwright/test), then runs SPEC with Debian's chromium. Exit 77 (ctest: skipped) with a clear
# message when chromium is absent.
set -euo pipefail
npm_dir=$1; spec=$2; shift 2
chromium=${DISPO_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "IGNORÉ : chromium absent ($chromium) ; lancez ops/setup (paquet Debian chromium) pour les tests du navigateur." >&2
  exit 77
fi
for assignment in "$@"; do
  case "$assignment" in DISPO_BUILD_DIR=*) build_dir=${assignment#DISPO_BUILD_DIR=} ;; esac
done
if [ "$spec" = e2e.spec.mjs ] && [ ! -x "${build_dir:-}/clients/web/dispo-web" ]; then
  echo "IGNORÉ : dispo-web absent (${build_dir:-?}/clients/web/dispo-web) ; la passerelle (issue #13) n'est pas construite dans cet arbre." >&2
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$npm_dir/e2e"
cp "$here"/*.mjs "$npm_dir/e2e/"
cd "$npm_dir"
export DISPO_CHROMIUM="$chromium" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DISPO_WEB_TEST_OUTPUT="$npm_dir/test-results"
for assignment in "$@"; do export "${assignment?}"; done
exec node node_modules/@playwright/test/cli.js test -c e2e/playwright.config.mjs "e2e/$spec"
