#!/bin/sh
# Makes sure promtool is installed for the alert tests (test/integration/alerts-promtool.test.ts),
# which run `promtool check rules` and `promtool test rules` on the PrometheusRules berth writes.
# Debian's prometheus package ships it; only the binaries are wanted, no server is started here.
# Idempotent: installs nothing when promtool is already there.
set -eu

if command -v promtool >/dev/null 2>&1; then
  echo "prometheus.sh: $(promtool --version 2>&1 | head -n 1)"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" prometheus.sh prometheus
command -v promtool >/dev/null 2>&1 || { echo "prometheus.sh: promtool still not found after installing prometheus" >&2; exit 1; }
echo "prometheus.sh: done ($(promtool --version 2>&1 | head -n 1))"
