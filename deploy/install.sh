#!/usr/bin/env bash
# Installs the nabo gateway on Debian 12/13 or Raspberry Pi OS (arm64, amd64): checks Node,
# installs the package to /opt/nabo, creates the nabo user, the systemd unit and the udev
# rules, and runs `nabo init`. --dry-run prints every step and changes nothing; --uninstall
# removes the program and keeps the data (/var/lib/nabo) and the config (/etc/nabo).
# The guide is docs/install.md.
set -euo pipefail

PREFIX=/opt/nabo
CONFIG_DIR=/etc/nabo
DATA_DIR=/var/lib/nabo
UNIT_DIR=/etc/systemd/system
UDEV_DIR=/etc/udev/rules.d
BIN_LINK=/usr/local/bin/nabo
NODE_MIN_MAJOR=20
SYSTEMD_BACKOFF_MIN=254

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DRY_RUN=0
UNINSTALL=0
SOURCE=""
NPM_SPEC=""
RUN_INIT=1
START=0
SKIP_APT=0
OFFLINE=0
INIT_ARGS=()
UDEV_NAMES=()

usage() {
  cat <<USAGE
Usage: install.sh [options]

  --from PATH          install from a package tarball (npm pack) or a built checkout
  --npm SPEC           install from the npm registry (e.g. nabo@0.1.0)
  --init-arg ARG       pass ARG to 'nabo init' (repeatable), e.g. --init-arg --non-interactive
  --no-init            do not run 'nabo init' (keep or write /etc/nabo/nabo.yaml yourself)
  --udev-name ROLE=SERIAL
                       name the adapter with this USB serial number /dev/nabo/ROLE (repeatable)
  --start              enable and start the service at the end (default: enable only)
  --skip-apt           do not install the build tools with apt-get
  --offline            the system is not running (a chroot, an SD card image being built): no
                       systemd or udev to reload; the unit is enabled and starts at first boot
  --dry-run            print every step, change nothing
  --uninstall          remove the program, unit and rules; keep /var/lib/nabo and /etc/nabo
  -h, --help           this text

Example:
  sudo deploy/install.sh --from nabo-0.1.0.tgz --udev-name rs485=A10KXYZ1 --udev-name han=FT5QWERT
USAGE
}

say() { printf '%s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

# Every change goes through here: printed always, run unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [ "$DRY_RUN" -eq 0 ]; then "$@"; fi
}

# The same for a file written from stdin; a dry run shows the content, or the summary if given.
write_file() {
  local file=$1 mode=$2 summary=${3:-} content
  content=$(cat)
  printf '+ write %s (mode %s)%s\n' "$file" "$mode" "${summary:+: $summary}"
  if [ "$DRY_RUN" -eq 1 ]; then
    if [ -z "$summary" ]; then printf '%s\n' "$content" | sed 's/^/    /'; fi
  else
    printf '%s\n' "$content" >"$file"
    chmod "$mode" "$file"
  fi
}

while [ $# -gt 0 ]; do
  case $1 in
    --from) SOURCE=${2:?--from needs a path}; shift 2 ;;
    --npm) NPM_SPEC=${2:?--npm needs a package spec}; shift 2 ;;
    --init-arg) INIT_ARGS+=("${2:?--init-arg needs a value}"); shift 2 ;;
    --no-init) RUN_INIT=0; shift ;;
    --udev-name) UDEV_NAMES+=("${2:?--udev-name needs ROLE=SERIAL}"); shift 2 ;;
    --start) START=1; shift ;;
    --skip-apt) SKIP_APT=1; shift ;;
    --offline) OFFLINE=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

if [ "$DRY_RUN" -eq 1 ]; then say "dry run: nothing is changed"; fi
if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then die "run as root (sudo), or with --dry-run to see the steps"; fi

check_system() {
  local id="" version="" arch
  if [ -r /etc/os-release ]; then
    # shellcheck disable=SC1091
    id=$(. /etc/os-release && printf '%s' "${ID:-}")
    # shellcheck disable=SC1091
    version=$(. /etc/os-release && printf '%s' "${VERSION_ID:-}")
  fi
  arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
  case "$id:$version" in
    debian:12 | debian:13 | raspbian:12 | raspbian:13) say "system: $id $version, $arch" ;;
    *) say "warning: tested on Debian 12/13 and Raspberry Pi OS; this is '$id $version'" ;;
  esac
  case $arch in
    arm64 | aarch64 | amd64 | x86_64) ;;
    armhf | armv7l) say "warning: 32-bit ARM ($arch) is untested; a 64-bit Raspberry Pi OS is recommended" ;;
    *) say "warning: architecture $arch is untested" ;;
  esac
}

check_node() {
  local node version major
  node=$(command -v node || true)
  if [ -z "$node" ]; then
    node_help "no node found"
    exit 1
  fi
  version=$("$node" -p 'process.versions.node')
  major=${version%%.*}
  if [ "$major" -lt "$NODE_MIN_MAJOR" ]; then
    node_help "node $version at $node is older than $NODE_MIN_MAJOR"
    exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    printf 'install.sh: npm is missing: apt-get install -y npm (Debian 13 packages it apart from nodejs)\n' >&2
    exit 1
  fi
  say "node: $version at $node"
  NODE_BIN=$node
}

node_help() {
  cat >&2 <<HELP
install.sh: $1. nabo needs Node.js $NODE_MIN_MAJOR or later.
  Debian 13 (trixie):                 apt-get install -y nodejs npm        (Node 20)
  Debian 12 / Raspberry Pi OS 12 (Node 18 in the distribution): use NodeSource's Node 20:
    apt-get install -y ca-certificates curl gnupg
    curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh   # read it, then:
    bash nodesource_setup.sh && apt-get install -y nodejs
Then run install.sh again.
HELP
}

systemd_version() {
  systemctl --version 2>/dev/null | awk 'NR==1 { print $2 }' || true
}

install_package() {
  local tarball workdir
  if [ -n "$SOURCE" ] && [ -n "$NPM_SPEC" ]; then die "give --from or --npm, not both"; fi
  if [ -z "$SOURCE" ] && [ -z "$NPM_SPEC" ]; then
    # Run from a checkout or an unpacked package: install that.
    SOURCE=$(cd "$HERE/.." && pwd)
  fi
  if [ "$SKIP_APT" -eq 0 ]; then
    # better-sqlite3 and the serial port binding compile at install time.
    run apt-get install -y --no-install-recommends python3 make g++
  fi
  run mkdir -p "$PREFIX"
  if [ -n "$NPM_SPEC" ]; then
    run npm install --prefix "$PREFIX" --omit=dev --no-audit --no-fund "$NPM_SPEC"
  elif [ -d "$SOURCE" ]; then
    [ -f "$SOURCE/dist/gateway/cli/main.js" ] || [ "$DRY_RUN" -eq 1 ] || die "$SOURCE has no dist/: run 'npm ci && npm run build' there first"
    # A directory would be linked, not copied, by npm install: pack it first.
    if [ "$DRY_RUN" -eq 1 ]; then
      workdir=/tmp/nabo-pack.XXXXXX
      printf '+ npm pack --pack-destination %s %s\n' "$workdir" "$SOURCE"
      tarball="$workdir/nabo-VERSION.tgz"
    else
      workdir=$(mktemp -d)
      printf '+ npm pack --pack-destination %s %s\n' "$workdir" "$SOURCE"
      tarball="$workdir/$(npm pack --silent --pack-destination "$workdir" "$SOURCE" | tail -n 1)"
    fi
    run npm install --prefix "$PREFIX" --omit=dev --no-audit --no-fund "$tarball"
    run rm -rf "$workdir"
  elif [ -f "$SOURCE" ]; then
    run npm install --prefix "$PREFIX" --omit=dev --no-audit --no-fund "$SOURCE"
  else
    die "--from $SOURCE: no such file or directory"
  fi
  run ln -sfn "$PREFIX/node_modules/nabo/dist/gateway/cli/main.js" "$BIN_LINK"
}

create_user() {
  if id nabo >/dev/null 2>&1; then
    say "user nabo exists"
  else
    run useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin --comment "nabo gateway" nabo
  fi
  run usermod --append --groups dialout nabo
  run install -d -m 0750 -o nabo -g nabo "$DATA_DIR"
  run install -d -m 0750 -o root -g nabo "$CONFIG_DIR"
  if [ ! -e "$CONFIG_DIR/nabo.env" ]; then
    write_file "$CONFIG_DIR/nabo.env" 0640 <<ENV
# Secrets for the nabo service (systemd EnvironmentFile), kept out of nabo.yaml.
# NABO_MQTT_PASSWORD=
# NABO_DEVICE_AMS_METER_ENCRYPTION_KEY=
# NABO_DEVICE_AMS_METER_AUTHENTICATION_KEY=
ENV
    run chown root:nabo "$CONFIG_DIR/nabo.env"
  fi
}

install_unit() {
  local systemd
  # The unit names /usr/bin/node; point it at the node this system has.
  write_file "$UNIT_DIR/nabo.service" 0644 "deploy/systemd/nabo.service with ExecStart=$NODE_BIN …" < <(sed "s#^ExecStart=/usr/bin/node #ExecStart=$NODE_BIN #" "$HERE/systemd/nabo.service")
  systemd=$(systemd_version)
  if [ -n "$systemd" ] && [ "$systemd" -ge "$SYSTEMD_BACKOFF_MIN" ]; then
    run install -d "$UNIT_DIR/nabo.service.d"
    run install -m 0644 "$HERE/systemd/nabo.service.d/restart-backoff.conf" "$UNIT_DIR/nabo.service.d/restart-backoff.conf"
  else
    say "systemd ${systemd:-unknown} < $SYSTEMD_BACKOFF_MIN: restarts every 5 s without growing back-off"
  fi
  if [ "$OFFLINE" -eq 1 ]; then
    say "offline: no systemctl daemon-reload (systemd reads the unit when the system boots)"
  else
    run systemctl daemon-reload
  fi
}

install_udev() {
  local pair role serial
  run install -m 0644 "$HERE/udev/99-nabo-serial.rules" "$UDEV_DIR/99-nabo-serial.rules"
  if [ "${#UDEV_NAMES[@]}" -gt 0 ]; then
    for pair in "${UDEV_NAMES[@]}"; do
      role=${pair%%=*}
      serial=${pair#*=}
      [[ $role =~ ^[a-z0-9-]+$ && $serial =~ ^[A-Za-z0-9._-]+$ && $pair == *=* ]] || die "--udev-name $pair: give ROLE=SERIAL (role a-z, 0-9, -)"
    done
    for pair in "${UDEV_NAMES[@]}"; do
      role=${pair%%=*}
      serial=${pair#*=}
      printf 'SUBSYSTEM=="tty", ENV{ID_SERIAL_SHORT}=="%s", GROUP="dialout", MODE="0660", SYMLINK+="nabo/%s"\n' "$serial" "$role"
    done | write_file "$UDEV_DIR/99-nabo-names.rules" 0644
  fi
  if [ "$OFFLINE" -eq 1 ]; then
    say "offline: no udev reload (the rules apply when the system boots)"
  else
    run udevadm control --reload
    run udevadm trigger --subsystem-match=tty --action=add
  fi
}

run_init() {
  if [ "$RUN_INIT" -eq 0 ]; then return; fi
  if [ -e "$CONFIG_DIR/nabo.yaml" ]; then
    say "$CONFIG_DIR/nabo.yaml exists: keeping it (nabo init --force replaces it)"
    return
  fi
  # As root so it may write /etc/nabo; the data it creates is handed to nabo after.
  run "$NODE_BIN" "$PREFIX/node_modules/nabo/dist/gateway/cli/main.js" init --config "$CONFIG_DIR/nabo.yaml" --data-dir "$DATA_DIR" --format table ${INIT_ARGS[@]+"${INIT_ARGS[@]}"} || say "nabo init ended with an error: fix what it says, then run 'nabo check --config $CONFIG_DIR/nabo.yaml'"
  run chown -R nabo:nabo "$DATA_DIR"
  # init writes nothing on a usage error; a dry run wrote nothing either.
  if [ -e "$CONFIG_DIR/nabo.yaml" ] || [ "$DRY_RUN" -eq 1 ]; then run chown root:nabo "$CONFIG_DIR/nabo.yaml"; fi
}

enable_service() {
  # enable only writes symlinks: it works in a chroot too.
  run systemctl enable nabo.service
  if [ "$OFFLINE" -eq 1 ]; then
    say "offline: nabo starts when the system boots"
  elif [ "$START" -eq 1 ]; then
    run systemctl restart nabo.service
  else
    say "start it with: systemctl start nabo && journalctl -u nabo -f"
  fi
}

uninstall() {
  if [ "$OFFLINE" -eq 1 ]; then
    run systemctl disable nabo.service || true
  else
    run systemctl disable --now nabo.service || true
  fi
  run rm -f "$UNIT_DIR/nabo.service"
  run rm -rf "$UNIT_DIR/nabo.service.d"
  if [ "$OFFLINE" -eq 0 ]; then run systemctl daemon-reload; fi
  run rm -f "$UDEV_DIR/99-nabo-serial.rules" "$UDEV_DIR/99-nabo-names.rules"
  run rm -f "$BIN_LINK"
  run rm -rf "$PREFIX"
  say "kept: $DATA_DIR (store and identity key), $CONFIG_DIR (config and secrets) and the user nabo"
  say "remove them by hand once a backup is made (docs/install.md, Backup)"
}

NODE_BIN=/usr/bin/node
check_system
if [ "$UNINSTALL" -eq 1 ]; then
  uninstall
  exit 0
fi
check_node
install_package
create_user
install_unit
install_udev
run_init
enable_service
say "done"
