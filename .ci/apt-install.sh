#!/bin/sh
# Installs Debian packages for CI's test tools: `sh .ci/apt-install.sh WHO PACKAGE...`, where WHO
# names the caller in its messages. As root, or through sudo; recommended packages are left out.
set -eu
who=$1
shift
sudo=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "$who: need root (or sudo) to install: $*" >&2; exit 1; }
  sudo=sudo
fi
echo "$who: installing $*"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
