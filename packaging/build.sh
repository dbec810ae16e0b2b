#!/usr/bin/env bash
# Build the desktop app (PyInstaller one-folder) from a clean environment holding only the
# desktop's dependencies, then run the frozen app's self-test.
#
#   bash packaging/build.sh            -> dist/workstation/workstation
#   REUSE_VENV=1 bash packaging/build.sh   keep an existing .venv-build (faster local rebuilds)
#
# No server or test extras go into .venv-build: whatever is importable there is what the
# bundle can contain, so a server dependency cannot slip in through an installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv-build
export PIP_DISABLE_PIP_VERSION_CHECK=1

started=$SECONDS
if [ -z "${REUSE_VENV:-}" ] || [ ! -x "$VENV/bin/pyinstaller" ]; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  printf '*\n' > "$VENV/.gitignore"  # the folder ignores itself; nothing of it is committed
  "$VENV/bin/pip" install -q --upgrade pip
  # The desktop's runtime dependencies plus PyInstaller (the `build` extra), and SQLCipher:
  # workstation.auth.profile keeps the signed-in store encrypted with it, but pyproject
  # does not list it yet (sqlcipher3-binary ships its own libsqlcipher; wheels exist for
  # Linux x86-64/aarch64 only -- see README, "Building the desktop app").
  "$VENV/bin/pip" install -q -c requirements.lock -e ".[build]"
  "$VENV/bin/pip" install -q -c requirements.lock sqlcipher3-binary || echo "sqlcipher3-binary unavailable: the build will not open encrypted stores" >&2
fi
for server_only in fastapi uvicorn psycopg argon2 PyQt5 PyQt6 PySide2 keyrings; do
  if "$VENV/bin/python" -c "import $server_only" 2>/dev/null; then
    echo "$server_only is installed in $VENV; the desktop build must not carry it" >&2
    exit 1
  fi
done
echo "environment ready in $((SECONDS - started)) s"

build_started=$SECONDS
rm -rf build/workstation dist/workstation
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN build.spec
echo "pyinstaller finished in $((SECONDS - build_started)) s"
du -sh dist/workstation

QT_QPA_PLATFORM=offscreen dist/workstation/workstation --self-test "$@"
