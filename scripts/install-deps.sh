#!/usr/bin/env bash
# Installs every Debian package coord needs to build, test and run. A no-op when all are present.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libboost-dev libboost-program-options-dev
  libprotobuf-dev protobuf-compiler
  libleveldb-dev libsnappy-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev
  libzookeeper-mt-dev
  curl iproute2 procps
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
