#!/usr/bin/env bash
# Set up and run Tender Screening: web server plus a separate Celery worker process.
# With nothing configured: SQLite and Kombu's filesystem broker under ./var. Set DATABASE_URL and
# CELERY_BROKER_URL for PostgreSQL and Redis (or RabbitMQ).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_DEBUG=${DJANGO_DEBUG:-true}

python manage.py migrate --noinput
python manage.py demo_setup

celery -A procurement worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}" \
  >"var/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

cat <<MSG

  Tender Screening is running at http://$HOST:$PORT/
  Log in as: demo / ${DEMO_PASSWORD:-screen-5g-demo}
  Celery worker: pid $worker, log in var/worker.log
  Stop with Ctrl-C.

MSG
python manage.py runserver "$HOST:$PORT" --noreload
