#!/bin/sh
# Install the Debian packages given as arguments when any is missing.
# Idempotent: does nothing when all are present.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# postgresql: the tests start a throw-away server of their own; no system
# cluster may be made (and started) when the package is installed, so
# this is written before apt-get runs
case " $missing " in
*" postgresql "*)
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d &&
        echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/roadlog-no-cluster.conf >/dev/null ;;
esac
$SUDO apt-get install -y --no-install-recommends $missing || {
    $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing
}
