#!/usr/bin/env bash
# Set up and run the whole test suite. Extra arguments go to pytest.
# With nothing configured the tests use SQLite and Kombu's filesystem broker (with a real worker process);
# set DATABASE_URL and CELERY_BROKER_URL to run them against PostgreSQL and Redis, as CI does.
set -euo pipefail
EXTRAS=dev source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# End-to-end tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the end-to-end tests..." >&2
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }) \
    || echo "Could not install chromium; the browser tests will be skipped (or fail under CI)." >&2
fi

# Test runs keep their own SQLite files, broker folder and uploads, apart from a running demo.
export VAR_DIR=${VAR_DIR:-$PWD/var/test}
rm -rf "$VAR_DIR/broker" "$VAR_DIR/media"
exec python -m pytest "$@"
