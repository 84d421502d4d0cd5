#!/usr/bin/env bash
# Put the installed front-end packages where the app serves them (static/vendor, never committed).
# Needs node_modules from `npm ci`; used by scripts/setup.sh and by the Dockerfile's frontend stage.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p static/vendor
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
# The code-cell editor: our entry file plus CodeMirror, bundled by the pinned esbuild.
node_modules/.bin/esbuild static/js/cells.js --bundle --minify --format=iife --target=es2020 \
  --log-level=warning --outfile=static/vendor/cells.js
# The API docs page (/docs): Swagger UI's prebuilt bundle and stylesheet; static/js/docs.js starts it.
mkdir -p static/vendor/swagger-ui
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui/
