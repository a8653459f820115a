#!/usr/bin/env bash
# Demonstrates why TerraFlow does not share Terraform's plugin_cache_dir between parallel jobs: 16 parallel
# `terraform init`s sharing one plugin_cache_dir, a fresh cache per repetition, providers from a local filesystem
# mirror (two fake providers). Prints the failed inits; on a 2-core machine with Terraform 1.11.4: 8 of 320 failed
# ("the provider cache at .terraform/providers has a copy of ... that doesn't match any of the checksums recorded in
# the dependency lock file"). Needs terraform and zip. Usage: REPS=20 ./naive-plugin-cache-race.sh
set -euo pipefail
work="$(mktemp -d /tmp/naive-plugin-cache.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
host=providers.terraflow.test
package() { # type version
  local d="up/$host/fake/$1" stage="stage-$1"
  mkdir -p "$d" "$stage"
  { printf '#!/bin/sh\necho fake %s %s\n' "$1" "$2"; head -c 300000 /dev/urandom | base64; } > "$stage/terraform-provider-$1_v$2"
  chmod +x "$stage/terraform-provider-$1_v$2"
  (cd "$stage" && zip -q "../$d/terraform-provider-$1_$2_linux_amd64.zip" "terraform-provider-$1_v$2")
}
package alpha 1.0.0
package beta 2.1.0
mkdir proj
cat > proj/main.tf <<TF
terraform {
  required_providers {
    alpha = { source = "$host/fake/alpha", version = "1.0.0" }
    beta  = { source = "$host/fake/beta", version = "2.1.0" }
  }
}
TF
(cd proj && TF_CLI_CONFIG_FILE=/dev/null terraform providers lock -fs-mirror="$work/up" -platform=linux_amd64 >/dev/null)
cat > naive.tfrc <<TF
plugin_cache_dir = "$work/cache"
provider_installation {
  filesystem_mirror { path = "$work/up" }
}
TF
export TF_CLI_CONFIG_FILE="$work/naive.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
fail=0
reps="${REPS:-20}"
for rep in $(seq 1 "$reps"); do
  rm -rf cache runs; mkdir cache runs
  for i in $(seq 1 16); do mkdir "runs/$i"; cp proj/main.tf proj/.terraform.lock.hcl "runs/$i/"; done
  for i in $(seq 1 16); do (cd "runs/$i" && { terraform init -input=false -no-color > out.txt 2>&1; echo $? > rc; }) & done
  wait
  for i in $(seq 1 16); do
    if [ "$(cat "runs/$i/rc")" != 0 ]; then
      fail=$((fail + 1))
      echo "repetition $rep, init $i:"; sed -n '/Error/,$p' "runs/$i/out.txt" | head -6
    fi
  done
done
echo "failed inits: $fail of $((reps * 16))"
