#!/usr/bin/env bash
# Set up and run the whole test suite. Extra arguments go to pytest.
# With nothing configured the tests use SQLite and Kombu's filesystem broker (with a real worker process);
# set DATABASE_URL and CELERY_BROKER_URL to run them against PostgreSQL and Redis, as CI does.
set -euo pipefail
EXTRAS=dev source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# Test runs keep their own SQLite files, broker folder and uploads, apart from a running demo.
export VAR_DIR=${VAR_DIR:-$PWD/var/test}
rm -rf "$VAR_DIR/broker" "$VAR_DIR/media"
exec python -m pytest "$@"
