# One image for every Python service of docker-compose.yml (web, worker, beat, migrate); only the command differs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The processes run as this unprivileged user; the code stays owned by root so they cannot rewrite it.
RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected once, at build, into STATIC_ROOT with content-hashed names (WhiteNoise's
# CompressedManifestStaticFilesStorage, active when DEBUG is off). Settings refuse to load without a strong
# secret, so the build passes a throwaway one that exists only in this layer's environment, never in the image's.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-time-only-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --noinput

# The folder of the full-record exports belongs to the app user, so the named volume mounted on it does too.
RUN mkdir -p /app/artifacts/exports && chown app:app /app/artifacts/exports

USER app

EXPOSE 8000

# Overridden per service in docker-compose.yml; this default serves the site.
CMD ["gunicorn", "idlib_tracker.wsgi:application", "--config", "python:idlib_tracker.gunicorn_conf"]
