#!/usr/bin/env bash
# Builds the image and checks it as an operator would: it starts as a non-root user, gets healthy
# (the HEALTHCHECK on /readyz), answers the API with the bootstrap PAT, and stops with exit 0 on
# SIGTERM (docker stop). Needs a Docker daemon; .ci/run calls it only when one answers.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=modelkeep:ci-smoke
name=modelkeep-ci-smoke-$$
pat=ci-smoke-pat-0123456789abcdef
docker build --quiet -t "$tag" . >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$name" -p 127.0.0.1::8080 -e MODELKEEP_BOOTSTRAP_USER=smoke -e MODELKEEP_BOOTSTRAP_PAT="$pat" "$tag" >/dev/null
[ "$(docker exec "$name" id -u)" != 0 ] || { echo "container runs as root"; exit 1; }
for _ in $(seq 1 90); do
  state=$(docker inspect -f '{{.State.Health.Status}}' "$name")
  [ "$state" = healthy ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || { docker logs "$name"; exit 1; }
  sleep 1
done
[ "$state" = healthy ] || { echo "not healthy after 90 s: $state"; docker logs "$name"; exit 1; }
port=$(docker port "$name" 8080/tcp | head -n1 | sed 's/.*://')
curl -fsS "http://127.0.0.1:$port/readyz" | grep -q '"ready"'
curl -fsS -X POST "http://127.0.0.1:$port/v2/users/me/apps" -H "Authorization: Key $pat" -d '{"apps":[{"id":"smoke"}]}' | grep -q '"code":10000'
curl -fsS "http://127.0.0.1:$port/v2/users/me/apps/smoke" -H "Authorization: Key $pat" | grep -q '"id":"smoke"'
docker stop -t 30 "$name" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || { echo "exit code $code after docker stop"; docker logs "$name"; exit 1; }
echo "container smoke test passed (image $tag)"
