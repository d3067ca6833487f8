# shellcheck shell=sh
# The plugin's cases on real PCI NICs, run by /guest/run.sh inside the guest. A case is a function t_NAME;
# it runs in a subshell with errexit, from the NICs' pristine state, and ends by checking the host with
# iproute2 against that state (names, altnames, MTU, MAC, UP, alias; links, namespaces, state files,
# mounts). `fail` ends it; exit 77 after `skip REASON` skips it.
#
# The pod is a named namespace (/run/netns/POD) as runtimes make them; CNI_IFNAME is net1.

POD=/run/netns

# --- helpers of several cases ------------------------------------------------------------------------

# ADD NIC $1 with SELECTOR (JSON members) into pod $2, check it arrived, DEL it, DEL again (idempotent),
# check the host.
attach_detach() {
  _nic=$1 _selector=$2
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$_selector")"
  expect_rc 0 "ADD with $_selector"
  expect_eq "$(answer '.interfaces[-1].name + " " + .interfaces[-1].mac')" "net1 $(nic_mac "$_nic")" "the result's interface"
  expect_in_pod "$(nic_pci "$_nic")" podA net1 "$(nic_mac "$_nic")"
  note "strategy $(sed -n 's/.*"strategy":"\([^"]*\)".*/\1/p' "$STATE"/*.json)"
  cni DEL cA $POD/podA net1 "$(conf "$_selector")"
  expect_rc 0 DEL
  cni DEL cA $POD/podA net1 "$(conf "$_selector")"
  expect_rc 0 "a second DEL"
  expect_eq "$(ip -n podA -o link | wc -l)" 1 "links left in the pod (lo only)"
  pod_del podA
  expect_host
}

device_is() { printf '"device": "%s"' "$(nic_name "$1")"; }

# --- selection by every selector ---------------------------------------------------------------------

t_select_device() { attach_detach 1 "$(device_is 1)"; }

# Upper case, as people copy MACs: a MAC selects by value.
t_select_hwaddr() { attach_detach 2 "\"hwaddr\": \"$(nic_mac 2 | tr a-f A-F)\""; }

# The sysfs path of the device the net device hangs from (for virtio-net: …/0000:00:06.0/virtio2).
t_select_kernelpath_device() {
  attach_detach 3 "\"kernelpath\": \"$(dirname "$(dirname "$(readlink -f "/sys/class/net/$(nic_name 3)")")")\""
}

# The path of the net device itself (/sys/devices/pci…/net/ethN).
t_select_kernelpath_netdev() {
  attach_detach 1 "\"kernelpath\": \"$(readlink -f "/sys/class/net/$(nic_name 1)")\""
}

t_select_pciBusID() { attach_detach 2 "\"pciBusID\": \"$(nic_pci 2)\""; }

# runtimeConfig.deviceID overrides the static selector (here naming another NIC), as in host-device.
t_select_runtime_deviceID() {
  attach_detach 3 "$(device_is 1), \"runtimeConfig\": {\"deviceID\": \"$(nic_pci 3)\"}"
}

# The witness for the two above: Debian's host-device 1.1.1 finds a virtio-net NIC by its PCI address
# (it looks below …/virtio*/net too). It returns the NIC DOWN and keeps its alias, so the case puts those
# back before checking the host.
t_reference_selects_virtio_nic_by_pciBusID() {
  pod_add podA
  PLUGIN=$REFERENCE cni ADD cA $POD/podA net1 "$(PLUGIN=$REFERENCE conf "\"pciBusID\": \"$(nic_pci 2)\"")"
  expect_rc 0 "host-device 1.1.1 ADD with pciBusID $(nic_pci 2)"
  expect_in_pod "$(nic_pci 2)" podA net1 "$(nic_mac 2)"
  PLUGIN=$REFERENCE cni DEL cA $POD/podA net1 "$(PLUGIN=$REFERENCE conf "\"pciBusID\": \"$(nic_pci 2)\"")"
  expect_rc 0 "host-device 1.1.1 DEL"
  pod_del podA
  ip link set dev "$(nic_name 2)" alias "" up
  expect_host
}

# Selectors naming two different NICs: refused with code 7 before anything moves.
t_selectors_disagree() {
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1), \"hwaddr\": \"$(nic_mac 2)\"")"
  expect_rc 1 "ADD with a device and the hwaddr of another NIC"
  expect_eq "$(answer .code)" 7 "error code"
  expect_eq "$(ip -n podA -o link | wc -l)" 1 "links in the pod (lo only)"
  pod_del podA
  expect_host
}

# --- altnames, MTU, MAC, alias -----------------------------------------------------------------------

# Before v6.6 (and 6.1.60) an altname stayed registered in the source namespace after a move
# (kernel-facts §3): the host would keep a name that points into the pod. Checked by resolution.
t_altname_leaves_host_while_attached() {
  _alt=$(nic_altname 1) _finding=
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  expect_in_pod "$(nic_pci 1)" podA net1 "$(nic_mac 1)"
  if _seen=$(ip -o link show dev "$_alt" 2>/dev/null); then
    _finding="while the NIC is in the pod the host still resolves its altname $_alt: ${_seen%%\\*}"
  fi
  note "in the pod: $(describe net1 podA)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 DEL
  pod_del podA
  expect_host
  [ -z "$_finding" ] || fail "$_finding"
}

# A NIC as a host configures it: two altnames (a udev one and a long one), MTU and MAC changed, an
# alias, UP. ADD with host-local IPAM, then DEL gives all of it back.
t_altnames_mtu_mac_alias_round_trip() {
  _n=$(nic_name 1) _mac=02:4c:43:00:00:aa
  ip link set dev "$_n" down
  ip link set dev "$_n" address $_mac mtu 1400 alias uplink-a
  ip link property add dev "$_n" altname lcguest-uplink-a-long-altname
  ip link set dev "$_n" up
  host_snapshot >"$GUEST_RUN/before.snapshot"
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)" "$(ipam_conf)")"
  expect_rc 0 ADD
  expect_in_pod "$(nic_pci 1)" podA net1 $_mac
  _inside=$(describe net1 podA)
  case $_inside in *" mtu=1400 UP "*) ;; *) fail "in the pod: $_inside (want MTU 1400, UP)" ;; esac
  _addr=$(answer '.ips[0].address')
  case $_addr in 10.99.0.*/24) ;; *) fail "IPAM address in the result: $_addr" ;; esac
  ip -n podA -o -4 addr show dev net1 | grep -q " inet $_addr " ||
    fail "the pod's net1 lacks $_addr: $(ip -n podA -o -4 addr show dev net1)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)" "$(ipam_conf)")"
  expect_rc 0 DEL
  pod_del podA
  expect_host "$GUEST_RUN/before.snapshot" "its state before ADD"
  ! ls "$GUEST_RUN/ipam/$NETWORK" | grep -q '^10\.' || fail "host-local still holds $(ls "$GUEST_RUN/ipam/$NETWORK")"
}

# --- the runtime deletes the pod's namespace before DEL (cri-o does) ---------------------------------

# The kernel hands the NIC back under its pod name (kernel-facts §4); DEL finds it by its record.
t_pod_netns_deleted_before_del() {
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  pod_del podA
  wait_in_host "$(nic_pci 1)" || fail "the NIC did not come back from the deleted namespace within 10 s"
  expect_eq "$(host_name_of "$(nic_pci 1)")" net1 "the name the kernel returned the NIC under"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "DEL after the namespace was deleted"
  expect_host
}

# The same while the host already has a net1 (another NIC renamed): the kernel returns it as devN.
t_pod_netns_deleted_name_taken() {
  _other=$(nic_name 3)
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  ip link set dev "$_other" down
  ip link set dev "$_other" name net1
  pod_del podA
  wait_in_host "$(nic_pci 1)" || fail "the NIC did not come back from the deleted namespace within 10 s"
  _back=$(host_name_of "$(nic_pci 1)")
  case $_back in dev[0-9]*) ;; *) fail "the NIC came back as $_back, expected devN (net1 is taken)" ;; esac
  note "returned as $_back"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "DEL of the NIC returned as $_back"
  ip link set dev net1 name "$_other"
  ip link set dev "$_other" up
  expect_host
}

# --- the container changes the NIC -------------------------------------------------------------------

# ADD, run $1 against the NIC in the pod, DEL: all restored, nothing left inside.
container_changes() {
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 2)")"
  expect_rc 0 ADD
  "$1"
  echo "changed in the pod: $(ip -n podA -o link | grep -v ': lo:' | cut -d' ' -f2-)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 2)")"
  expect_rc 0 DEL
  expect_eq "$(ip -n podA -o link | wc -l)" 1 "links left in the pod (lo only)"
  pod_del podA
  expect_host
}

# Renaming needs the link down before v6.2 (kernel-facts §2): down, rename, up, as a container would.
in_pod_rename() {
  ip -n podA link set dev net1 down
  ip -n podA link set dev net1 name renamed0
  ip -n podA link set dev renamed0 up
}
in_pod_mac() { ip -n podA link set dev net1 address 02:4c:43:00:00:bb; }
in_pod_mtu() { ip -n podA link set dev net1 mtu 1280; }
in_pod_down() { ip -n podA link set dev net1 down; }
in_pod_everything() {
  ip -n podA link set dev net1 down
  ip -n podA link set dev net1 name renamed0 address 02:4c:43:00:00:cc mtu 9000
}

t_container_renames() { container_changes in_pod_rename; }
t_container_changes_mac() { container_changes in_pod_mac; }
t_container_changes_mtu() { container_changes in_pod_mtu; }
t_container_sets_down() { container_changes in_pod_down; }
t_container_changes_everything() { container_changes in_pod_everything; }

# --- two pods race for one NIC -----------------------------------------------------------------------

# Both ADDs start together: exactly one wins, the other gets code 7 "already attached", the runtime's
# DEL for the loser leaves the winner's NIC alone, and the NIC is in exactly one place throughout.
race_for() {
  _selector=$1
  pod_add podA
  pod_add podB
  CNI_TAG=A cni_start ADD cA $POD/podA net1 "$(conf "$_selector")"; _pa=$CNI_PID
  CNI_TAG=B cni_start ADD cB $POD/podB net1 "$(conf "$_selector")"; _pb=$CNI_PID
  wait "$_pa" && _ra=0 || _ra=$?
  wait "$_pb" && _rb=0 || _rb=$?
  case "$_ra$_rb" in
    01) _win=A _lose=B ;;
    10) _win=B _lose=A ;;
    *) fail "$_selector: statuses $_ra and $_rb, expected one 0 and one 1: A: $(cat "$GUEST_RUN/outA") B: $(cat "$GUEST_RUN/outB")" ;;
  esac
  _loser=$(cat "$GUEST_RUN/out$_lose")
  expect_eq "$(CNI_TAG=$_lose answer .code)" 7 "$_selector: the loser's error code ($_loser)"
  case $(CNI_TAG=$_lose answer .msg) in *"already attached"*) ;; *) fail "$_selector: the loser's error does not say the NIC is already attached: $_loser" ;; esac
  note "pod$_win won; pod$_lose: $(CNI_TAG=$_lose answer .msg)"
  expect_in_pod "$(nic_pci 1)" "pod$_win" net1 "$(nic_mac 1)"
  expect_eq "$(ip -n "pod$_lose" -o link | wc -l)" 1 "$_selector: links in the losing pod (lo only)"
  # The runtime cleans up the failed ADD with a DEL: the NIC must stay with the winner.
  cni DEL "c$_lose" "$POD/pod$_lose" net1 "$(conf "$_selector")"
  expect_rc 0 "$_selector: DEL for the losing pod"
  expect_in_pod "$(nic_pci 1)" "pod$_win" net1 "$(nic_mac 1)"
  cni DEL "c$_win" "$POD/pod$_win" net1 "$(conf "$_selector")"
  expect_rc 0 "$_selector: DEL for the winning pod"
  pod_del podA
  pod_del podB
  expect_host
}

t_race_two_pods_by_device() { race_for "$(device_is 1)"; }
t_race_two_pods_by_hwaddr() { race_for "\"hwaddr\": \"$(nic_mac 1)\""; }
t_race_two_pods_by_pciBusID() { race_for "\"pciBusID\": \"$(nic_pci 1)\""; }

# --- kill -9 of the plugin at each step, then DEL ----------------------------------------------------

# For every step N of the plan (until the plugin finishes without pausing): from the pristine state, the
# plugin paused at $1.N is killed with -9, the runtime calls DEL, and the host must be as before.
# $2: JSON members forcing a strategy, or empty for the kernel's choice.
kill_at_each_step() {
  _phase=$1 _extra=$2 _k=1 _config=$(conf "$(device_is 2)" "$2")
  while :; do
    pod_add podA
    if [ "$_phase" = del ]; then
      cni ADD cA $POD/podA net1 "$_config"
      expect_rc 0 ADD
      ip -n podA link set dev net1 mtu 1300   # something inside changed it: DEL must restore it too
      _command=DEL
    else
      _command=ADD
    fi
    if cni_paused "$_phase.$_k" $_command cA $POD/podA net1 "$_config"; then
      cni_kill
      _what="kill -9 at $_phase.$_k"
    else
      expect_rc 0 "$_command without pause (the plan has $((_k - 1)) steps)"
      [ "$_k" -gt 1 ] || fail "the plugin never paused at $_phase.1"
      _what="a complete $_command"
    fi
    cni DEL cA $POD/podA net1 "$_config"
    expect_rc 0 "DEL after $_what"
    expect_eq "$(ip -n podA -o link | wc -l)" 1 "links left in the pod after $_what and DEL (lo only)"
    pod_del podA
    expect_host "$PRISTINE" "its pristine state after $_what and DEL"
    echo "$_what, then DEL: restored"
    case $_what in "a complete"*) break ;; esac
    _k=$((_k + 1))
  done
  note "$_phase plan of $((_k - 1)) steps, killed at each"
}

t_kill9_each_add_step() { kill_at_each_step add ""; }
t_kill9_each_del_step() { kill_at_each_step del ""; }
t_kill9_each_add_step_scratch_namespace() { kill_at_each_step add ', "strategy": "scratch-namespace"'; }
t_kill9_each_del_step_scratch_namespace() { kill_at_each_step del ', "strategy": "scratch-namespace"'; }
