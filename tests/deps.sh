#!/bin/sh
# Install the Debian packages given as arguments when any is missing.
# Idempotent: does nothing when all are present.
#
# Package scripts must not start system daemons (the tests start their own
# PostgreSQL, munge and Slurm, as throw-away servers on sockets of their
# own): a temporary /usr/sbin/policy-rc.d refuses every start while apt
# runs, and postgresql-common is told not to create its main cluster.
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# roadlog tests/deps.sh: no daemon starts while packages install\nexit 101\n' |
        $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy" && own_policy=1
fi
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/roadlog.conf >/dev/null
rc=0
$SUDO apt-get install -y --no-install-recommends $missing || {
    $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing
} || rc=1
[ "$own_policy" -eq 1 ] && $SUDO rm -f "$policy"
exit $rc
