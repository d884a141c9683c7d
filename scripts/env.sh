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

# The report tests open the generated DOCX in LibreOffice (to PDF) and read the PDF's text.
ensure_office_tools() {
  if ! command -v libreoffice >/dev/null || ! command -v pdftotext >/dev/null; then
    apt_install --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation2
  fi
}

# samod and samod-core as the workspace compiles them: the untouched crates.io sources with
# vendor/patches applied (vendor/build; the [patch] table in .cargo/config.toml points there).
bash vendor/apply
