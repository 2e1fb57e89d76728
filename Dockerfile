# syntax=docker/dockerfile:1
# Expo's production image: one image for the web server, the Celery worker, beat and the
# migrations (see docker-compose.yml). Build: docker build -t expo .
FROM python:3.11-slim

# EXPO_ENV=production fails closed: without DATABASE_URL, REDIS_URL and a real SECRET_KEY the app
# refuses to start instead of quietly running the development defaults (SQLite, a generated key).
# Everything the app writes lives under /var/lib/expo; the source tree in /app stays read-only.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    FLASK_APP=wsgi \
    EXPO_ENV=production \
    INSTANCE_PATH=/var/lib/expo/instance \
    STORAGE_PATH=/var/lib/expo/uploads

WORKDIR /app

# Badge PDFs (expo/badges/printing.py) are set in the Noto fonts, found through fontconfig: Latin,
# Vietnamese and Thai (fonts-noto-core) and Chinese (fonts-noto-cjk).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fontconfig fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user with fixed ids, so the ownership of volumes is predictable.
RUN groupadd --system --gid 10001 expo \
    && useradd --system --uid 10001 --gid expo --create-home --home-dir /home/expo \
       --shell /usr/sbin/nologin expo

# Dependencies first, from the lock file (exact versions and their hashes, the app's dependencies
# without the dev extra), so a code change does not reinstall them all and every build installs
# the same files. Regenerate it with `make lock` after changing pyproject.toml.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
    && rm requirements.lock

# The application. templates/, static/, migrations/ and expo/translations/ are found relative to
# the source tree (expo.PROJECT_ROOT), so the tree stays at /app and the project is installed in
# editable mode: site-packages only points back here.
COPY pyproject.toml wsgi.py ./
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY worker ./worker
COPY expo ./expo
RUN pip install --no-cache-dir --no-deps -e .

# Compile the message catalogues: ours, and WTForms' own messages in the languages WTForms ships
# none for (domain "wtforms"). A broken catalogue fails the build; only a tree without any catalogue
# (nothing to compile, pybabel would exit 1) is skipped.
RUN if [ -d expo/translations ] && [ -n "$(find expo/translations -name 'messages.po' -print -quit)" ]; then \
        pybabel compile -d expo/translations -f; \
    else \
        echo "no message catalogues in expo/translations: nothing to compile"; \
    fi \
    && if [ -d expo/translations/wtforms ] && [ -n "$(find expo/translations/wtforms -name 'wtforms.po' -print -quit)" ]; then \
        pybabel compile -d expo/translations/wtforms -D wtforms -f; \
    fi

# Static files: content-hashed copies with .br and .gz beside them, and their manifest, in
# /app/build/static (expo/static_files.py); made now, as the expo user cannot write to /app.
RUN python -m expo.static_files

# Byte-code compiled now, since the expo user cannot write to /app at run time.
RUN python -m compileall -q expo worker migrations wsgi.py

# The only writable place; a named volume mounted here starts out with this ownership.
RUN mkdir -p /var/lib/expo/instance /var/lib/expo/uploads \
    && chown -R expo:expo /var/lib/expo

USER expo

EXPOSE 8000

# The web server; the worker, beat and migrate services override the command (docker-compose.yml).
# gunicorn reads FORWARDED_ALLOW_IPS from the environment: set it to the reverse proxy's address.
# --preload: the app is imported once, in the master, and the workers are forked from it, sharing
# its memory (some 60 MB of each worker's 130 at start; bench/README.md, "pages"). create_app opens
# no connection (tests/unit/test_web_startup.py), so no worker shares another's; a new release
# needs a restart of the container, not a HUP.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--preload", "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", "wsgi:app"]
