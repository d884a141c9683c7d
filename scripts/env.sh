# Shared by the scripts: the build cache and the toolchain pieces every build needs.
# A build cache outside the clone speeds repeat runs; a fresh machine simply starts empty. It is
# keyed by the checkout's path: cargo's freshness check reads the source paths recorded at build
# time, so two checkouts sharing one cache could build the other checkout's (stale) sources.
checkout_key=$(pwd -P | sha256sum | cut -c1-12)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tiendo-target/$checkout_key}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
# `cargo install` without --locked: the CLI's own lockfile pins a crate the registry no longer serves.
ensure_wasm_bindgen() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# cargo-deb, which makes the Debian package (`cargo deb -p tiendo-server`; scripts/test-package).
# Pinned: 3.8.0 builds with rustc 1.85 and later; `--locked`, its own lockfile.
ensure_cargo_deb() {
  local want=3.8.0
  if ! cargo deb --version 2>/dev/null | grep -qx "cargo-deb $want"; then
    cargo install cargo-deb --version "$want" --locked
  fi
}

# wasm-opt from npm's binaryen (Debian's binaryen is too old for today's wasm).
ensure_node_tools() {
  if [ ! -x client/tools/node_modules/.bin/wasm-opt ] ||
     [ client/tools/package-lock.json -nt client/tools/node_modules/.package-lock.json ]; then
    (cd client/tools && npm ci --no-audit --no-fund)
  fi
}

# The stock JavaScript automerge-repo (tests/js): the foreign client the tests run against our
# server, and the reference server the bench measures against. `npm install` with the committed
# lockfile: npm 11's `ci` rejects this lockfile over cbor-extract's optional platform packages.
ensure_js_packages() {
  if [ ! -d tests/js/node_modules/@automerge/automerge-repo ] ||
     [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    (cd tests/js && npm install --no-audit --no-fund)
  fi
}

# Headless Chromium and its driver from Debian, for the browser tests.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

ensure_chromium() {
  if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    apt_install chromium chromium-driver
  fi
}

# The report tests open the generated DOCX in LibreOffice (to PDF) and read the PDF's text, and
# the PAR-index table (XLSX) in LibreOffice Calc (to CSV). Calc is checked on its own: a machine
# set up before it was needed has Writer only.
ensure_office_tools() {
  if ! command -v libreoffice >/dev/null || ! command -v pdftotext >/dev/null \
    || [ ! -e /usr/lib/libreoffice/program/libsclo.so ]; then
    apt_install --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui \
      poppler-utils fonts-liberation2
  fi
}

# PostgreSQL, the second store: Debian's server, run as a throwaway cluster by `start_postgres`.
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install --no-install-recommends postgresql
  fi
}

# mdbook, which builds the book in docs/ (`scripts/test`): from crates.io, the HTML renderer with
# its search only — the default `serve` and `watch` features would pull in a web server and a file
# watcher nobody here uses. 0.5.4 needs rustc 1.88 or later.
ensure_mdbook() {
  command -v mdbook >/dev/null ||
    cargo install mdbook --version 0.5.4 --locked --no-default-features --features search
}

# HAProxy, the real load balancer in front of several nodes in the PostgreSQL pass.
ensure_haproxy() {
  if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
    apt_install --no-install-recommends haproxy
  fi
}

# Starts a throwaway PostgreSQL cluster (initdb as the postgres user into a temporary directory,
# listening on a random loopback port), exports TIENDO_TEST_STORE=postgres://postgres@127.0.0.1:PORT
# (each test server makes its own database there) and stops and removes it on exit.
start_postgres() {
  ensure_postgres
  local bin
  bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
  PG_DIR="$(mktemp -d /tmp/tiendo-pg.XXXXXX)"
  chown postgres: "$PG_DIR"
  runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400" >/dev/null
  export TIENDO_TEST_STORE="postgres://postgres@127.0.0.1:$port"
  PG_BIN="$bin"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at $TIENDO_TEST_STORE ($PG_DIR)"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# samod and samod-core as the workspace compiles them: the untouched crates.io sources with
# vendor/patches applied (vendor/build; the [patch] table in .cargo/config.toml points there).
bash vendor/apply
