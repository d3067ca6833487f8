# shellcheck shell=bash
# Helpers of Tests/HostRig/run, in the guest scripts/host-rig boots (bash, Debian bookworm, systemd).
# /rig/nics: "PCI MAC CONFIGURATION" per NIC; /rig/config: RIG_PLUGIN, RIG_CYCLES, RIG_CONTAINERD.

R=${RIG_RESULTS:-/rig/results}
RIG_TESTS=${RIG_TESTS:-/rig/tests}
CNI_IFNAME=net1
SETTLE=${SETTLE:-2}

log() { printf '%s\n' "$*" >&2; }

nic_pci() { awk -v c="$1" '$3 == c { print $1 }' /rig/nics; }
nic_mac() { awk -v c="$1" '$3 == c { print $2 }' /rig/nics; }

# The NIC's name in the host, empty while it is elsewhere: sysfs lists a net device under its parent only
# in the namespace sysfs was mounted from (a virtio-net NIC's parent is the virtio device below the PCI one).
host_name_of() {
  local d
  for d in "/sys/bus/pci/devices/$1"/virtio*/net; do
    [[ -d $d ]] && ls "$d" | head -n 1 && return
  done
  return 0
}

# Deadlines are in wall-clock seconds: under TCG on a loaded machine one nmcli call can take seconds.
wait_home() {
  local end=$((SECONDS + ${2:-20}))
  while [[ -z $(host_name_of "$1") ]]; do
    ((SECONDS < end)) || return 1
    sleep 0.1
  done
}

# What the end state is judged on: name, altnames, MTU, MAC, UP.
link_state() {
  ip -j -d link show dev "$1" |
    jq -c '.[0] | {ifname, altnames: (.altnames // [] | sort), mtu, address, up: (.flags | index("UP") != null)}'
}
link_text() {
  jq -r '"\(.ifname)\(if (.altnames | length) > 0 then " altnames " + (.altnames | join(",")) else "" end) mtu \(.mtu) \(.address) \(if .up then "UP" else "DOWN" end)"' <<<"$1"
}

# NetworkManager's view of a device: "STATE|CONNECTION" ("unmanaged|" for one it leaves alone).
nm_device() {
  local s
  s=$(nmcli -g GENERAL.STATE,GENERAL.CONNECTION device show "$1" 2>/dev/null | paste -sd'|') || true
  # "100 (connected)" → "connected"; NetworkManager numbers its automatic profiles in the order devices
  # appear, so a device that leaves and comes back may get another number: "Wired connection N".
  sed -E 's/^[0-9]+ \(([^)]*)\)/\1/; s/\|Wired connection [0-9]+$/|Wired connection N/' <<<"${s:-absent|}"
}
nm_connections() { nmcli -t -f NAME,TYPE connection show | sed -E 's/^Wired connection [0-9]+:/Wired connection N:/' | sort; }

# Waits until NetworkManager shows the device as WANT (a pattern on nm_device's answer), up to $3 seconds.
wait_nm() {
  local end=$((SECONDS + ${3:-30}))
  # shellcheck disable=SC2053  # WANT is a pattern
  while [[ $(nm_device "$1") != $2 ]]; do
    ((SECONDS < end)) || return 1
    sleep 0.5
  done
}

# --- the plugins -------------------------------------------------------------------------------------

# Sets PLUGIN_TYPE, PLUGIN_PATH (CNI_PATH), PLUGIN_STRATEGY and PLUGIN_CLASS: "clean" (ours: the host must
# see nothing), "hazard" (ours forced to a step-wise strategy: the records must show the harm) or
# "observed" (recorded and tabled; not ours to judge, or kernel-dependent by design).
plugin_setup() {
  PLUGIN_STRATEGY=""
  case $1 in
    auto) PLUGIN_TYPE=linkcaps-host-device PLUGIN_PATH=/rig/bin:/usr/lib/cni PLUGIN_CLASS=clean ;;
    scratch-namespace) PLUGIN_TYPE=linkcaps-host-device PLUGIN_PATH=/rig/bin:/usr/lib/cni PLUGIN_CLASS=clean PLUGIN_STRATEGY=$1 ;;
    # The single request is the automatic choice only where the host was seen to keep the name; forced
    # on other kernels (5.10: the host is shown the final name) it is expected to show it.
    single-request) PLUGIN_TYPE=linkcaps-host-device PLUGIN_PATH=/rig/bin:/usr/lib/cni PLUGIN_CLASS=observed PLUGIN_STRATEGY=$1 ;;
    rename-then-move|move-then-rename)
      PLUGIN_TYPE=linkcaps-host-device PLUGIN_PATH=/rig/bin:/usr/lib/cni PLUGIN_CLASS=hazard PLUGIN_STRATEGY=$1 ;;
    debian-1.1.1) PLUGIN_TYPE=host-device PLUGIN_PATH=/usr/lib/cni PLUGIN_CLASS=observed ;;
    reference-1.9.1) PLUGIN_TYPE=host-device PLUGIN_PATH=/rig/ref-1.9.1 PLUGIN_CLASS=observed ;;
    *) log "unknown plugin $1"; return 1 ;;
  esac
}

cni_conf() {
  jq -nc --arg type "$PLUGIN_TYPE" --arg dev "$1" --arg strategy "$PLUGIN_STRATEGY" '
    {cniVersion: "1.0.0", name: "rig", type: $type, device: $dev,
     ipam: {type: "host-local", dataDir: "/run/rig-ipam", ranges: [[{subnet: "10.99.0.0/24"}]]}}
    + (if $strategy == "" then {} else {strategy: $strategy} end)'
}

# cni COMMAND CONTAINERID NETNS CONFIG: the plugin's answer on stdout, its stderr on fd 2.
cni() {
  local exe=${PLUGIN_PATH%%:*}/$PLUGIN_TYPE
  CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_NETNS=$3 CNI_IFNAME=$CNI_IFNAME CNI_PATH=$PLUGIN_PATH \
    "$exe" <<<"$4"
}
