# Parameter Lab: CPU-only PyTorch, non-root, health-checked. See README "Self-hosting with Docker".

# Front-end packages come from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-frontend.sh ./scripts/
COPY static/js ./static/js
RUN bash scripts/build-frontend.sh

FROM python:3.11-slim-bookworm
# Where the CPU build of torch comes from. The default is PyTorch's CPU wheel index; point it at a
# local folder of wheels (TORCH_FIND_LINKS) for offline builds.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAB_HOST=0.0.0.0 PLAB_PORT=8000
WORKDIR /app
COPY pyproject.toml ./
RUN if [ -n "$TORCH_FIND_LINKS" ]; then \
      pip install --no-index --find-links "$TORCH_FIND_LINKS" torch==2.13.0; \
    else \
      pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0; \
    fi \
 && pip install . && pip uninstall -y parameter-lab
COPY app ./app
COPY templates ./templates
COPY static ./static
COPY lessons ./lessons
COPY --from=frontend /build/static/vendor ./static/vendor
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin plab
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "app"]
