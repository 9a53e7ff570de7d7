#!/usr/bin/env bash
# Makes a test certificate authority for one block and the certificates signed by it: the
# block broker's server certificate (with the names and addresses gateways connect to) and,
# per gateway, a client certificate whose CN is the gateway id (for brokers that require
# client certificates). For a lab, a pilot or the tests; production blocks get their
# certificates from the operator's CA. Keys are EC P-256, written 0600.
set -euo pipefail

OUT=""
BLOCK="block"
DAYS=825
BROKER_NAMES=()
GATEWAYS=()

usage() {
  cat <<USAGE
Usage: make-test-ca.sh --out DIR [--block NAME] [--broker-name DNS|IP ...] [--gateway ID ...] [--days N]

  --out DIR           where to write ca.crt, ca.key, broker.crt, broker.key, <gateway>.crt/.key
  --block NAME        block name, used in the CA's subject (default: block)
  --broker-name NAME  a DNS name or IP address of the block broker (repeatable; default localhost and 127.0.0.1)
  --gateway ID        a gateway to make a client certificate for (repeatable)
  --days N            validity (default 825)

Example:
  deploy/certs/make-test-ca.sh --out /etc/mosquitto/nabo/certs --block trondheim-b1 \\
      --broker-name broker.b1.local --broker-name 192.0.2.5 --gateway b1-h1 --gateway b1-h2
USAGE
}

while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    --block) BLOCK=${2:?--block needs a name}; shift 2 ;;
    --broker-name) BROKER_NAMES+=("${2:?--broker-name needs a name}"); shift 2 ;;
    --gateway) GATEWAYS+=("${2:?--gateway needs an id}"); shift 2 ;;
    --days) DAYS=${2:?--days needs a number}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$OUT" ] || { usage >&2; exit 2; }
command -v openssl >/dev/null || { echo "make-test-ca.sh: openssl is missing (apt-get install -y openssl)" >&2; exit 1; }
for gw in ${GATEWAYS[@]+"${GATEWAYS[@]}"}; do
  [[ $gw =~ ^[a-z0-9][a-z0-9_-]{0,62}$ ]] || { echo "make-test-ca.sh: '$gw' is not a gateway id" >&2; exit 2; }
done
if [ "${#BROKER_NAMES[@]}" -eq 0 ]; then BROKER_NAMES=(localhost 127.0.0.1); fi

mkdir -p "$OUT"
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# subjectAltName entries: IP addresses as IP:, everything else as DNS:.
san=""
for name in "${BROKER_NAMES[@]}"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then entry="IP:$name"; else entry="DNS:$name"; fi
  san="${san:+$san,}$entry"
done

if [ -e "$OUT/ca.key" ]; then
  echo "keeping the CA in $OUT (ca.key exists)"
else
  new_key "$OUT/ca.key"
  openssl req -x509 -new -key "$OUT/ca.key" -sha256 -days "$DAYS" -subj "/O=nabo/OU=$BLOCK/CN=nabo test CA $BLOCK" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$OUT/ca.crt"
fi

sign() {
  local name=$1 subject=$2 ext=$3
  new_key "$OUT/$name.key"
  openssl req -new -key "$OUT/$name.key" -subj "$subject" -out "$OUT/$name.csr"
  printf '%s\n' "$ext" >"$OUT/$name.ext"
  openssl x509 -req -in "$OUT/$name.csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" -CAcreateserial -days "$DAYS" -sha256 \
    -extfile "$OUT/$name.ext" -out "$OUT/$name.crt" 2>/dev/null
  rm -f "$OUT/$name.csr" "$OUT/$name.ext"
}

sign broker "/O=nabo/OU=$BLOCK/CN=${BROKER_NAMES[0]}" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"
for gw in ${GATEWAYS[@]+"${GATEWAYS[@]}"}; do
  sign "$gw" "/O=nabo/OU=$BLOCK/CN=$gw" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
done
# Certificates are public; mosquitto reads its key as the mosquitto user (chown it on install).
chmod 0644 "$OUT"/*.crt
echo "wrote $OUT: ca.crt, broker.crt (${BROKER_NAMES[*]})${GATEWAYS[0]:+, client certificates for ${GATEWAYS[*]}}"
