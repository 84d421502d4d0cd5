# Parameter Lab: CPU-only PyTorch, non-root, health-checked, fit for a read-only root.
# See README "Self-hosting with Docker" for the run flags, compose and offline builds.

# Base images are build arguments so a build without registry access can name local ones
# (scripts/docker-smoke builds both from Debian bookworm with debootstrap).
ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- front-end: npm packages pinned by package-lock.json, copied to static/vendor ---
FROM ${NODE_IMAGE} AS frontend
# Only behind a TLS-inspecting proxy: the path of that proxy's CA bundle, mounted into the build.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error --cache /tmp/npm-cache && rm -rf /tmp/npm-cache
COPY scripts/build-frontend.sh ./scripts/
COPY static/js ./static/js
RUN bash scripts/build-frontend.sh

# --- the app ---
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 plab \
 && useradd --system --uid 10001 --gid plab --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin plab
# Where the CPU build of torch comes from: PyTorch's CPU wheel index by default, or a folder (or
# URL) of wheels given as TORCH_FIND_LINKS, e.g. a folder mounted into an offline build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=
# Only behind a TLS-inspecting proxy: the path of that proxy's CA bundle, mounted into the build.
ARG PIP_CERT
COPY pyproject.toml /tmp/
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The pins come from pyproject.toml only. torch goes first, from the CPU source, so the second
# install finds torch==2.13.0 satisfied instead of pulling several GB of CUDA packages; the check
# fails the build if a GPU build slipped in anyway. One layer, no pip cache; pip and setuptools
# leave the venv at the end because the app never needs them.
RUN python3 -m venv /opt/venv \
 && python3 -c 'import tomllib; print(*tomllib.load(open("/tmp/pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
      > /tmp/requirements.txt \
 && if [ -n "$TORCH_FIND_LINKS" ]; then torch_source=(--find-links "$TORCH_FIND_LINKS"); \
    else torch_source=(--index-url "$TORCH_INDEX_URL"); fi \
 && export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore \
 && /opt/venv/bin/pip install --quiet "${torch_source[@]}" "$(grep '^torch==' /tmp/requirements.txt)" \
 && /opt/venv/bin/pip install --quiet -r /tmp/requirements.txt \
 && /opt/venv/bin/python -c 'from importlib.metadata import version; v = version("torch"); assert v.endswith("+cpu"), "not the CPU build of torch: " + v' \
 && /opt/venv/bin/python -m pip uninstall --quiet --yes pip setuptools \
 && rm -f /tmp/pyproject.toml /tmp/requirements.txt

# No .pyc writes at run time (the root is read-only; pip compiled them at install), logs straight
# out, HOME on the scratch tmpfs.
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOME=/tmp \
    PLAB_HOST=0.0.0.0 PLAB_PORT=8000
WORKDIR /app
COPY app ./app
COPY templates ./templates
COPY lessons ./lessons
COPY static ./static
COPY --from=frontend /build/static/vendor ./static/vendor
# Files stay owned by root: the app reads its code and content, it never changes them. Classes
# (SQLite) and the generated teacher token live in /data, a volume owned by the app's user, so
# they survive a restart or a new image; with PLAB_DATABASE_URL only the token file is kept there.
RUN mkdir /data && chown 10001:10001 /data && chmod 0700 /data
ENV PLAB_DATA_DIR=/data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "app.serving.healthcheck"]
CMD ["python", "-m", "app"]
