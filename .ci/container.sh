#!/usr/bin/env bash
# Builds the real Dockerfile with podman and smoke-tests the image: it
# starts, /readyz answers 200, a search finds passages, the page answers,
# the process runs as uid 65532 (non-root), the HEALTHCHECK passes, and
# SIGTERM (podman stop) ends it with status 0 after draining.
#
# No registry is reachable here, so the two base images the Dockerfile
# names are made locally under their exact names (stand-ins, cached once
# imported): golang:1.26 is a Debian rootfs from debootstrap with this
# machine's Go, the distroless runtime a folder holding the nonroot user,
# the CA bundle and /tmp. The Dockerfile is built as it is.
# Facts behind each step: ../shared/docs/containers.md.
#
#   bash .ci/container.sh          (as root; installs podman when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

GO_IMAGE=docker.io/library/golang:1.26
RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot
IMAGE=localhost/vigie:ci
NAME=vigie-ci-smoke
CACHE=/var/cache/vigie-ci
export DEBIAN_FRONTEND=noninteractive
step() { echo "== container: $*  ($(date -u +%T))"; }

step "podman"
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v runc >/dev/null; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends podman buildah runc debootstrap uidmap \
    containernetworking-plugins golang-github-containers-common iptables curl >/dev/null
fi
podman --version
# This machine has no CAP_SYS_RESOURCE (rlimits above these fail) and crun
# refuses its hybrid cgroups: runc, and ulimits it can grant.
conf=/etc/containers/containers.conf
if ! grep -qs 'runtime = "runc"' "$conf" || ! grep -qs 'nofile=20000:20000' "$conf"; then
  [ -f "$conf" ] && cp "$conf" "$conf.before-vigie"
  mkdir -p /etc/containers
  cat >"$conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF
fi

ca=/etc/ssl/certs/ca-certificates.crt
if ! podman image exists "$GO_IMAGE"; then
  step "stand-in for $GO_IMAGE (debootstrap, about a minute)"
  # The Debian mirror apt uses here (other repositories and security left out).
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | sed -n 1p | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /var/tmp/vigie-golang.XXXXXX)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  goroot=$(go env GOROOT)
  mkdir -p "$root/usr/local" "$root/go" "$root/etc/ssl/certs"
  cp -a "$goroot" "$root/usr/local/go"
  cp "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
  tar -C "$root" -c . | podman import \
    --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV GOPATH=/go' --change 'ENV GOTOOLCHAIN=local' --change 'WORKDIR /go' \
    - "$GO_IMAGE" >/dev/null 2>&1
  rm -rf "$root"
fi
if ! podman image exists "$RUNTIME_IMAGE"; then
  step "stand-in for $RUNTIME_IMAGE"
  root=$(mktemp -d /var/tmp/vigie-distroless.XXXXXX)
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot"
  chmod 1777 "$root/tmp"
  chown 65532:65532 "$root/home/nonroot"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$root/etc/group"
  cp "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
  tar -C "$root" -c . | podman import --change 'USER 65532' --change 'WORKDIR /home/nonroot' - "$RUNTIME_IMAGE" >/dev/null 2>&1
  rm -rf "$root"
fi

step "podman build (the Dockerfile as it is)"
# The module and build caches live on the host between runs (build-time
# volumes: the image does not contain them).
mkdir -p "$CACHE/gomod" "$CACHE/gobuild"
version=$(git describe --always --dirty 2>/dev/null || echo ci)
began=$(date +%s)
podman build --pull=never --format docker --build-arg VERSION="$version" \
  -v "$CACHE/gomod:/go/pkg/mod" -v "$CACHE/gobuild:/root/.cache/go-build" \
  -t "$IMAGE" . >"$CACHE/build.log" 2>&1 || { tail -n 60 "$CACHE/build.log"; exit 1; }
echo "built $IMAGE in $(( $(date +%s) - began )) s, $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
hc=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
grep -q healthcheck <<<"$hc" \
  || { echo "the image lost its HEALTHCHECK (build without --format docker?)"; exit 1; }

step "smoke test"
podman rm -f "$NAME" >/dev/null 2>&1 || true
trap 'podman --log-level=fatal rm -f "$NAME" >/dev/null 2>&1 || true' EXIT
podman --log-level=fatal run -d --name "$NAME" -p 127.0.0.1::8080 "$IMAGE" >/dev/null
port=$(podman port "$NAME" 8080/tcp | sed -n '1s/.*://p')
base="http://127.0.0.1:$port"
fail() { echo "container smoke test: $*"; podman logs "$NAME" 2>&1 | tail -n 30; exit 1; }
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
  sleep 0.2
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] || fail "/readyz is not 200"
# (Bodies are read whole before grep: with pipefail, grep -q leaving early
# would fail curl with SIGPIPE.)
body=$(curl -sf "$base/api/v1/search?q=OTAN") || fail "search: HTTP error"
grep -qE '"total": ?[1-9]' <<<"$body" || fail "a search for OTAN found nothing"
body=$(curl -sf "$base/") || fail "page /: HTTP error"
grep -q '<form' <<<"$body" || fail "the page / does not answer with the search form"
pid=$(podman inspect --format '{{.State.Pid}}' "$NAME")
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = 65532 ] || fail "the server runs as uid $uid, want 65532 (nonroot)"
podman healthcheck run "$NAME" >/dev/null || fail "HEALTHCHECK failed"
podman --log-level=fatal stop -t 20 "$NAME" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "exit status $code after SIGTERM, want 0"
logs=$(podman logs "$NAME" 2>&1)
grep -q '"msg":"stopped"' <<<"$logs" || fail "no clean 'stopped' log line after SIGTERM"
echo "container: ready, search, page, uid 65532, healthcheck, SIGTERM exit 0: ok"

step "publish and serve --from (the compose file's flow)"
store=$(mktemp -d /var/tmp/vigie-ci-store.XXXXXX)
chown 65532:65532 "$store"
trap 'podman --log-level=fatal rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$store"' EXIT
podman run --rm -v "$store:/store" "$IMAGE" publish --data /app/data --to file:///store >/dev/null \
  || fail "vigie publish in the image failed"
podman --log-level=fatal rm -f "$NAME" >/dev/null
podman --log-level=fatal run -d --name "$NAME" -p 127.0.0.1::8080 -v "$store:/store:ro" "$IMAGE" \
  serve --from file:///store --data /tmp/vigie >/dev/null
port=$(podman port "$NAME" 8080/tcp | sed -n '1s/.*://p')
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
  sleep 0.2
done
gen=$(cat "$store/CURRENT")
headers=$(curl -s -o /dev/null -D - "$base/api/v1/search?q=OTAN" | tr -d '\r')
grep -qix "x-vigie-generation: $gen" <<<"$headers" || fail "the replica does not answer from $gen: $headers"
podman --log-level=fatal stop -t 20 "$NAME" >/dev/null
[ "$(podman inspect --format '{{.State.ExitCode}}' "$NAME")" = 0 ] || fail "replica: exit status not 0 after SIGTERM"
echo "container: publish to a folder, serve --from it as uid 65532: ok"
