#!/usr/bin/env bash
# Regenerates the committed .docx and .pdf fixtures (see make-document-fixtures.py) with pinned tools from PyPI,
# installed once into a cached virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${SWITCHYARD_FIXTURES_VENV:-$HOME/.cache/switchyard/fixtures-venv}"
REQUIREMENTS=(python-docx==1.2.0 fpdf2==2.8.9)
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
exec "$VENV/bin/python" scripts/make-document-fixtures.py
