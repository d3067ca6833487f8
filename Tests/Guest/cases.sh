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

# A reference plugin ($1, called $2 in messages) ADDs NIC 2 by its PCI address into a pod, then DELs it.
reference_round_trip_by_pciBusID() {
  pod_add podA
  PLUGIN=$1 cni ADD cA $POD/podA net1 "$(PLUGIN=$1 conf "\"pciBusID\": \"$(nic_pci 2)\"")"
  expect_rc 0 "$2 ADD with pciBusID $(nic_pci 2)"
  expect_in_pod "$(nic_pci 2)" podA net1 "$(nic_mac 2)"
  PLUGIN=$1 cni DEL cA $POD/podA net1 "$(PLUGIN=$1 conf "\"pciBusID\": \"$(nic_pci 2)\"")"
  expect_rc 0 "$2 DEL"
  pod_del podA
}

# The witness for the two above: Debian's host-device 1.1.1 finds a virtio-net NIC by its PCI address
# (it looks below …/virtio*/net too). It returns the NIC DOWN and keeps its alias, so the case puts those
# back before checking the host.
t_reference_selects_virtio_nic_by_pciBusID() {
  reference_round_trip_by_pciBusID "$REFERENCE" "host-device 1.1.1"
  ip link set dev "$(nic_name 2)" alias "" up
  expect_host
}

# The same with the reference's current release (1.9.1), the second witness: it finds the NIC the same
# way, moves it through a scratch namespace, clears the alias at DEL and leaves the NIC DOWN.
t_reference191_selects_virtio_nic_by_pciBusID() {
  [ -x "$REF191" ] || skip "no host-device 1.9.1 in the guest (scripts/reference-plugins could not get it)"
  reference_round_trip_by_pciBusID "$REF191" "host-device 1.9.1"
  case $(describe "$(nic_name 2)") in *" DOWN "*) ;; *) fail "1.9.1 returned the NIC not DOWN (it was seen to leave it DOWN): $(describe "$(nic_name 2)")" ;; esac
  ip link set dev "$(nic_name 2)" up
  expect_host
}

# What 1.9.1 does to the NIC's altname while the NIC is in the pod, beside what the probe says of the
# kernel: where altnames do not follow a move (before v6.6 and 6.1.60) the host goes on resolving it to
# the NIC in the pod (the hazard this plugin's altname steps take away); where they do, nothing resolves.
t_reference191_altname_while_attached() {
  [ -x "$REF191" ] || skip "no host-device 1.9.1 in the guest (scripts/reference-plugins could not get it)"
  _state=$(capability altname.followsMove) _alt=$(nic_altname 1)
  pod_add podA
  PLUGIN=$REF191 cni ADD cA $POD/podA net1 "$(PLUGIN=$REF191 conf "$(device_is 1)")"
  expect_rc 0 "host-device 1.9.1 ADD"
  _seen=$(ip -o link show dev "$_alt" 2>/dev/null | cut -d' ' -f1-2 || true)
  PLUGIN=$REF191 cni DEL cA $POD/podA net1 "$(PLUGIN=$REF191 conf "$(device_is 1)")"
  expect_rc 0 "host-device 1.9.1 DEL"
  pod_del podA
  ip link set dev "$(nic_name 1)" up
  case $_state in
    supported) [ -z "$_seen" ] || fail "the report says altnames follow a move, yet the host resolved $_alt: $_seen" ;;
    unsupported) [ -n "$_seen" ] || fail "the report says altnames stay behind, yet the host did not resolve $_alt"
      note "as the report says, the host resolved $_alt to the NIC in the pod ($_seen)" ;;
    *) note "altname.followsMove is $_state; the host resolved [${_seen}]" ;;
  esac
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

# The host's view of an attached NIC, proven twice: by its event recorder (ip monitor, running through ADD
# and DEL: the NIC is only ever seen under its own name and altnames) and by lookups in the host (while
# the NIC is in the pod none of its names resolves there and each can be given to another link; after DEL
# they all name the NIC again). $1: the NIC; $2: JSON members added to the configuration; $3: a command
# run in the pod before ADD. Sets HOST_VIEW_STRATEGY (the plan ADD recorded).
host_view_through_add_and_del() {
  _hv_nic=$1 _hv_name=$(nic_name "$1") _hv_alt=$(nic_altname "$1") _hv_pci=$(nic_pci "$1") _hv_problems=
  _hv_idx=$(ifindex_of "$_hv_name")
  pod_add podA
  [ -z "${3:-}" ] || $3
  recorder_start
  cni ADD cA $POD/podA net1 "$(conf "$(device_is "$_hv_nic")" "${2:-}")"
  expect_rc 0 ADD
  expect_in_pod "$_hv_pci" podA net1 "$(nic_mac "$_hv_nic")"
  HOST_VIEW_STRATEGY=$(recorded_strategy cA)
  _hv_problems=$(names_free_in_host_problems "$_hv_name" "$_hv_alt")
  # Where altnames follow the device the pod resolves it; where they stay behind the plan took it off.
  if ip -n podA -o link show dev "$_hv_alt" >/dev/null 2>&1; then note "$_hv_alt resolves in the pod"; else note "$_hv_alt does not resolve in the pod"; fi
  cni DEL cA $POD/podA net1 "$(conf "$(device_is "$_hv_nic")" "${2:-}")"
  expect_rc 0 DEL
  recorder_stop
  _hv_problems="$_hv_problems
$(recorder_problems "$_hv_idx" "$(nic_mac "$_hv_nic")" "$_hv_name" "$_hv_alt")
$(names_resolve_to_nic_problems "$_hv_pci" "$_hv_name" "$_hv_alt")"
  _hv_events=$(grep -c " mac=$(nic_mac "$_hv_nic") " "$GUEST_RUN/events.txt" || true)
  echo "the host's events for the NIC: $(grep " mac=$(nic_mac "$_hv_nic") " "$GUEST_RUN/events.txt" | sort | uniq -c | tr -s ' \n' ' ')"
  note "strategy $HOST_VIEW_STRATEGY; the host saw $_hv_events events of the NIC"
  [ -z "$(echo "$_hv_problems" | grep .)" ] || fail "$(echo "$_hv_problems" | grep .)"
}

# Before v6.6 (and 6.1.60) an altname stays registered in the namespace a device leaves (fixed by
# 8e15aee62161 and 7663d522099e):
# without the plan's altname steps the host would go on resolving the NIC's udev altname to the NIC in the
# pod, and refuse it to any other link.
t_altname_leaves_host_while_attached() {
  host_view_through_add_and_del 1 ""
  ip netns del podA
  expect_host
}

# The in-flight hazard: the pod already holds a link named like the NIC (eth0), so a single request would
# make the kernel rename during the move, and before 311cca40661f (5.10) the host is then shown the pod's
# name. Where move.sourceSeesOnlyOriginalNameOnClash is not seen to hold the plan goes through a scratch
# namespace; either way the host sees only the NIC's name.
pod_holds_nic_name() { ip -n podA link add "$_hv_name" type veth peer name lcclash0p; }
t_inflight_clash_host_sees_only_nic_name() {
  _state=$(capability move.sourceSeesOnlyOriginalNameOnClash)
  host_view_through_add_and_del 2 "" pod_holds_nic_name
  case $_state in
    supported) ;;
    *) expect_eq "$HOST_VIEW_STRATEGY" scratch-namespace "the plan with the NIC's name taken in the pod (the report says $_state)" ;;
  esac
  ip -n podA link del "$(nic_name 2)"
  pod_del podA
  expect_host
}

# The recorder's own witness: the same clash with the single request forced. Where the report says the
# host is shown the pod's name on an in-flight rename (5.10), the recorder must see net1; where it says it
# is not, it must not. A recorder that saw nothing here would prove nothing above.
t_inflight_clash_forced_single_request_as_the_report_says() {
  _state=$(capability move.sourceSeesOnlyOriginalNameOnClash) _n=$(nic_name 2)
  pod_add podA
  ip -n podA link add "$_n" type veth peer name lcclash0p
  _idx=$(ifindex_of "$_n")
  recorder_start
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 2)" ', "strategy": "single-request"')"
  expect_rc 0 "ADD with single-request forced"
  expect_in_pod "$(nic_pci 2)" podA net1 "$(nic_mac 2)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 2)" ', "strategy": "single-request"')"
  expect_rc 0 DEL
  recorder_stop
  _saw=$(recorder_problems "$_idx" "$(nic_mac 2)" "$_n" "$(nic_altname 2)")
  echo "recorder: $_saw"
  ip -n podA link del "$_n"
  pod_del podA
  expect_host
  case $_state in
    supported) [ -z "$_saw" ] || fail "the report says the host keeps $_n on an in-flight rename, the recorder saw: $_saw" ;;
    unsupported)
      echo "$_saw" | grep -q "the host saw the NIC (ifindex [0-9]*) as net1" ||
        fail "the report says the host is shown the pod's name on an in-flight rename, the recorder saw: ${_saw:-only $_n}"
      note "as the report says, the host saw net1 when forced" ;;
    *) skip "move.sourceSeesOnlyOriginalNameOnClash is $_state here" ;;
  esac
}

# While the NIC is in the pod the host gives its altname to another link; DEL brings the NIC back (name,
# MTU, UP) and says, on stderr, that the altname was not given back; the other link keeps it.
t_altname_taken_meanwhile_is_reported() {
  _n=$(nic_name 1) _alt=$(nic_altname 1)
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  ip link add lcreuse0 type veth peer name lcreuse0p
  ip link property add dev lcreuse0 altname "$_alt"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "DEL with the altname taken"
  grep -q "altname $_alt of $_n was not given back: the host gave it to lcreuse0 meanwhile" "$GUEST_RUN/err" ||
    fail "DEL did not say the altname was not given back: $(cat "$GUEST_RUN/err")"
  _back=$(describe "$_n") || fail "$_n is not back in the host"
  case $_back in "$_n mac=$(nic_mac 1) mtu=1500 UP altnames= alias=") ;; *) fail "back in the host: $_back" ;; esac
  expect_eq "$(ip -o link show dev "$_alt" | cut -d' ' -f2)" "lcreuse0@lcreuse0p:" "the altname's holder"
  note "$(cat "$GUEST_RUN/err")"
  ip link del lcreuse0
  ip link property add dev "$_n" altname "$_alt"
  pod_del podA
  expect_host
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

# The kernel hands the NIC back under its pod name (a physical device leaves a dying namespace for the
# initial one, keeping its name); DEL finds it by its record.
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

# ctr (containerd's `ctr run --cni`) calls DEL with CNI_NETNS empty as soon as the task has exited, and the
# kernel hands the NIC back only when it dismantles the namespace. Here the task's last process keeps the
# (already unmounted) namespace for 3 s, longer than DEL takes to look for the NIC under TCG: DEL must wait
# for it, not take it for gone (it would come back as net1 and stay so). DEL waits up to 5 s.
t_pod_netns_dies_while_del_runs_netns_empty() {
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  ip netns exec podA sleep 3 &
  _task=$!
  _n=50
  while [ -z "$(ip netns pids podA)" ]; do _n=$((_n - 1)); [ "$_n" -gt 0 ] || fail "sleep did not enter podA"; sleep 0.02; done
  pod_del podA
  cni DEL cA "" net1 "$(conf "$(device_is 1)")"
  wait "$_task" || true
  expect_rc 0 "DEL while the namespace was still dying, CNI_NETNS empty"
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

# Renaming needs the link down before v6.2 (bd039b5ea2a9): down, rename, up, as a container would.
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
  case $(CNI_TAG=$_lose answer .msg) in
    "device $(nic_name 1) is already attached to container c$_win as net1") ;;
    *) fail "$_selector: the loser's error does not say where the NIC is (container c$_win, net1): $_loser" ;;
  esac
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
t_race_two_pods_by_runtime_deviceID() { race_for "\"runtimeConfig\": {\"deviceID\": \"$(nic_pci 1)\"}"; }
t_race_two_pods_by_kernelpath() {
  race_for "\"kernelpath\": \"$(dirname "$(dirname "$(readlink -f "/sys/class/net/$(nic_name 1)")")")\""
}
t_race_two_pods_by_altname() { race_for "\"device\": \"$(nic_altname 1)\""; }

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
