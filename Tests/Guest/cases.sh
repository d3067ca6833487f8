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

# The plugin pins the pod's namespace from ADD until DEL: deleting the runtime's mount (`ip netns del`)
# leaves it alive, so the NIC stays in it — the host never sees it as net1 — and DEL, handed a path that
# names nothing now, brings it home from the pin under its own name; the pin is gone after.
t_pod_netns_deleted_before_del() {
  _n=$(nic_name 1)
  _idx=$(ifindex_of "$_n")
  recorder_start
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  [ -e "$STATE/${NETWORK}_cA_net1.podns" ] || fail "no pin of the pod's namespace: $(ls "$STATE")"
  pod_del podA
  ! wait_in_host "$(nic_pci 1)" 2 || fail "the NIC reached the host as $(host_name_of "$(nic_pci 1)") once the namespace was deleted"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "DEL after the namespace was deleted"
  recorder_stop
  _saw=$(recorder_problems "$_idx" "$(nic_mac 1)" "$_n" "$(nic_altname 1)")
  [ -z "$_saw" ] || fail "$_saw"
  ! ls "$STATE" | grep -q '\.podns$' || fail "a pin left after DEL: $(ls "$STATE")"
  expect_host
}

# A record without a pin (written by a release before pins; the pin unmounted by hand) while the host
# already has a net1 (another NIC renamed): the dying namespace returns the NIC as devN, and DEL finds it
# by its record and alias record.
t_pod_netns_deleted_name_taken() {
  _other=$(nic_name 3)
  pod_add podA
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 ADD
  umount "$STATE/${NETWORK}_cA_net1.podns" && rm "$STATE/${NETWORK}_cA_net1.podns" || fail "no pin to unmount"
  jq -c 'del(.netnsPin)' "$STATE/${NETWORK}_cA_net1.json" >"$GUEST_RUN/record" && mv "$GUEST_RUN/record" "$STATE/${NETWORK}_cA_net1.json"
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

# ctr (containerd's `ctr run --cni`) calls DEL with CNI_NETNS empty as soon as the task has exited. Here
# the task's last process still holds the (already unmounted) namespace when DEL runs; the plugin's pin
# holds it too, so DEL opens the pin and brings the NIC home at once, whenever the process ends.
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
  ! ls "$STATE" | grep -q '\.podns$' || fail "a pin left after DEL: $(ls "$STATE")"
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

# ADDs of configuration $1 for pods A and B (containers cA, cB), started together: exactly one may
# succeed. Sets _win and _lose (A or B); $2 prefixes the failure message.
race_two_adds() {
  CNI_TAG=A cni_start ADD cA $POD/podA net1 "$1"; _pa=$CNI_PID
  CNI_TAG=B cni_start ADD cB $POD/podB net1 "$1"; _pb=$CNI_PID
  wait "$_pa" && _ra=0 || _ra=$?
  wait "$_pb" && _rb=0 || _rb=$?
  case "$_ra$_rb" in
    01) _win=A _lose=B ;;
    10) _win=B _lose=A ;;
    *) fail "${2:-}statuses $_ra and $_rb, expected one 0 and one 1: A: $(cat "$GUEST_RUN/outA") B: $(cat "$GUEST_RUN/outB")" ;;
  esac
}

# Both ADDs start together: exactly one wins, the other gets code 7 "already attached", the runtime's
# DEL for the loser leaves the winner's NIC alone, and the NIC is in exactly one place throughout.
race_for() {
  _selector=$1
  pod_add podA
  pod_add podB
  race_two_adds "$(conf "$_selector")" "$_selector: "
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

# --- DPDK mode: a NIC's PCI function given to a userspace driver, for real ---------------------------
#
# As DPDK users do it: driver_override, unbind from virtio-pci, drivers_probe. The function then has no
# net device; ADD moves nothing, runs IPAM and returns its addresses unconfigured with the function's PCI
# address (pciID, CNI 1.1.0 only); DEL runs IPAM DEL only. Every case gives the NIC back to virtio-pci
# (a trap, also when it fails) and checks it comes back under its name with its MAC.

REF191_CNI_DIR=/opt/cni/ref191          # host-local 1.9.1 (beside $REF191, from scripts/guest-test), when packed

# Loads driver $1 with kmod's /sbin/modprobe (the guest's whole module tree; busybox's applet would shadow a bare modprobe).
# Every Debian kernel ships uio_pci_generic: failing to load it is a failure, not a skip.
dpdk_load() {
  case $1 in
    uio_pci_generic)
      [ -d /sys/bus/pci/drivers/uio_pci_generic ] || /sbin/modprobe uio_pci_generic 2>"$GUEST_RUN/modprobe.err" ||
        fail "uio_pci_generic cannot be loaded: $(cat "$GUEST_RUN/modprobe.err")" ;;
    vfio-pci)
      # Under QEMU without a virtual IOMMU only vfio's no-IOMMU mode can take the function.
      /sbin/modprobe vfio enable_unsafe_noiommu_mode=1 2>"$GUEST_RUN/modprobe.err" ||
        skip "vfio cannot be loaded: $(cat "$GUEST_RUN/modprobe.err")"
      _dk_param=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
      [ -e "$_dk_param" ] || skip "vfio has no enable_unsafe_noiommu_mode (CONFIG_VFIO_NOIOMMU is off in this kernel)"
      echo Y >"$_dk_param"
      [ -d /sys/bus/pci/drivers/vfio-pci ] || /sbin/modprobe vfio_pci 2>"$GUEST_RUN/modprobe.err" ||
        skip "vfio_pci cannot be loaded: $(cat "$GUEST_RUN/modprobe.err")" ;;
    *) fail "dpdk_load: unknown driver $1" ;;
  esac
}

# The driver bound to the function at PCI address $1 (empty: none).
driver_of() { [ ! -e "/sys/bus/pci/devices/$1/driver" ] || basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; }

# Gives NIC $1's function to driver $2 and checks it has no net device. Sets DPDK_NIC and DPDK_PCI; the
# case's exit gives the NIC back whatever happened (a skip too: a driver that would not take it).
dpdk_take() {
  DPDK_NIC=$1 DPDK_PCI=$(nic_pci "$1") _dk_drv=$2
  dpdk_load "$_dk_drv"
  trap 'dpdk_give_back >&2' EXIT
  echo "$_dk_drv" >"/sys/bus/pci/devices/$DPDK_PCI/driver_override"
  echo "$DPDK_PCI" >"/sys/bus/pci/devices/$DPDK_PCI/driver/unbind"
  echo "$DPDK_PCI" >/sys/bus/pci/drivers_probe || true   # the error is read from the driver link below
  _dk_now=$(driver_of "$DPDK_PCI")
  if [ "$_dk_now" != "$_dk_drv" ]; then
    _dk_why="$(dmesg | tail -n 3 | tr '\n' ' ')"
    [ "$_dk_drv" != vfio-pci ] || skip "vfio-pci did not take $DPDK_PCI (driver now: ${_dk_now:-none}): $_dk_why"
    fail "$_dk_drv did not take $DPDK_PCI (driver now: ${_dk_now:-none}): $_dk_why"
  fi
  [ -z "$(host_name_of "$DPDK_PCI")" ] || fail "$DPDK_PCI bound to $_dk_drv still has the net device $(host_name_of "$DPDK_PCI")"
  ! ls -d "/sys/bus/pci/devices/$DPDK_PCI"/virtio* >/dev/null 2>&1 || fail "$DPDK_PCI still has a virtio device"
}

# Back to virtio-pci: the NIC must reappear under the name the kernel gave it at boot, with its MAC; then
# its pristine altname and UP state (what /init gave it) are put back.
dpdk_give_back() {
  trap - EXIT
  echo >"/sys/bus/pci/devices/$DPDK_PCI/driver_override"
  [ ! -e "/sys/bus/pci/devices/$DPDK_PCI/driver" ] || echo "$DPDK_PCI" >"/sys/bus/pci/devices/$DPDK_PCI/driver/unbind"
  echo "$DPDK_PCI" >/sys/bus/pci/drivers_probe
  wait_in_host "$DPDK_PCI" || { echo "$DPDK_PCI has no net device after going back to $(driver_of "$DPDK_PCI")"; return 1; }
  _dk_name=$(host_name_of "$DPDK_PCI") _dk_want=$(nic_name "$DPDK_NIC")
  _dk_mac=$(cat "/sys/class/net/$_dk_name/address")
  [ "$_dk_name $_dk_mac" = "$_dk_want $(nic_mac "$DPDK_NIC")" ] ||
    { echo "$DPDK_PCI came back as $_dk_name $_dk_mac, not $_dk_want $(nic_mac "$DPDK_NIC")"; return 1; }
  ip link property add dev "$_dk_want" altname "$(nic_altname "$DPDK_NIC")"
  ip link set dev "$_dk_want" up
}

# A configuration in cniVersion $2 with SELECTOR $1 and host-local IPAM (its data in $GUEST_RUN/ipam).
dpdk_conf() {
  printf '{"cniVersion": "%s", "name": "%s", "type": "%s", %s%s%s}' "$2" "$NETWORK" "${PLUGIN##*/}" "$1" "$(ipam_conf)" "${3:-}"
}

# The IPAM plugin's directory for cniVersion $1: Debian's host-local 1.1.1 knows up to 1.0.0 and no GC;
# 1.1.0 needs 1.9.1's. Empty when that cannot be had here.
ipam_dir_for() {
  case $1 in
    1.1.0) [ -x "$REF191_CNI_DIR/host-local" ] && echo "$REF191_CNI_DIR" ;;
    *) echo "$CNI_DIR" ;;
  esac
}

# Checks the last ADD's result in cniVersion $1 for pod $2: one interface {name net1, sandbox} (pciID =
# the function for 1.1.0, absent before), one IPv4 address of the range on interface 0, the version's
# shape ("version" in each IP before 1.0.0, none since); nothing configured in the pod.
expect_dpdk_result() {
  _dr_ver=$1 _dr_pod=$2
  expect_eq "$(answer .cniVersion)" "$_dr_ver" "the result's cniVersion"
  _dr_want="{\"name\":\"net1\",\"sandbox\":\"$POD/$_dr_pod\"}"
  [ "$_dr_ver" != 1.1.0 ] || _dr_want="{\"name\":\"net1\",\"pciID\":\"$DPDK_PCI\",\"sandbox\":\"$POD/$_dr_pod\"}"
  [ "${DPDK_REFERENCE:-}" != 1 ] || _dr_want="{\"name\":\"net1\",\"sandbox\":\"$POD/$_dr_pod\"}"
  expect_eq "$(jq -cS .interfaces "$GUEST_RUN/out${CNI_TAG:-}")" "[$_dr_want]" "the result's interfaces"
  expect_eq "$(answer '.ips | length')" 1 "IPs in the result"
  DPDK_ADDRESS=$(answer '.ips[0].address')
  case $DPDK_ADDRESS in 10.99.0.*/24) ;; *) fail "IPAM address in the result: $DPDK_ADDRESS" ;; esac
  expect_eq "$(answer '.ips[0].interface')" 0 "the IP's interface index"
  case $_dr_ver in
    0.*) expect_eq "$(answer '.ips[0].version')" 4 "the IP's version field (before 1.0.0)" ;;
    *) expect_eq "$(answer '.ips[0] | has("version")')" false "a version field in a $_dr_ver IP" ;;
  esac
  expect_eq "$(ip -n "$_dr_pod" -o link | wc -l)" 1 "links in the pod (lo only)"
  [ -z "$(ip -n "$_dr_pod" -o addr | grep -v ' lo ')" ] || fail "addresses configured in the pod: $(ip -n "$_dr_pod" -o addr)"
  expect_eq "$(driver_of "$DPDK_PCI")" "$DPDK_DRIVER" "the function's driver after ADD"
}

# The host-local leases held (file names of its data directory, the lock and last-reserved-ip left out).
leases() { ls "$GUEST_RUN/ipam/$NETWORK" 2>/dev/null | grep '^10\.' | tr '\n' ' '; }

# ADD, CHECK, GC keeping it, DEL, DEL again; then ADD and a GC that keeps nothing, and DEL after it.
# $1 NIC, $2 driver, $3 selector (JSON members), $4 cniVersion.
dpdk_cycle() {
  DPDK_DRIVER=$2 _dc_sel=$3 _dc_ver=$4
  _dc_ipam=$(ipam_dir_for "$_dc_ver")
  [ -n "$_dc_ipam" ] || skip "no host-local for cniVersion $_dc_ver here (1.9.1 not packed)"
  dpdk_take "$1" "$2"
  _dc_conf=$(dpdk_conf "$_dc_sel" "$_dc_ver")
  pod_add podA
  CNI_DIR=$_dc_ipam cni ADD cA $POD/podA net1 "$_dc_conf"
  expect_rc 0 "ADD by $_dc_sel"
  expect_dpdk_result "$_dc_ver" podA
  _dc_result=$(cat "$GUEST_RUN/out")
  expect_eq "$(jq -r '.mode + " " + .device.pciID + " " + .device.driver' "$STATE/${NETWORK}_cA_net1.json")" \
    "dpdk $DPDK_PCI $2" "the record"
  expect_eq "$(leases)" "${DPDK_ADDRESS%/*} " "host-local's leases after ADD"
  CNI_DIR=$_dc_ipam cni CHECK cA $POD/podA net1 "$(dpdk_conf "$_dc_sel" "$_dc_ver" ", \"prevResult\": $_dc_result")"
  expect_rc 0 CHECK
  if [ "$_dc_ver" = 1.1.0 ]; then
    CNI_DIR=$_dc_ipam cni GC - - - "$(dpdk_conf "$_dc_sel" "$_dc_ver" ', "cni.dev/valid-attachments": [{"containerID": "cA", "ifname": "net1"}]')"
    expect_rc 0 "GC keeping cA"
    [ -e "$STATE/${NETWORK}_cA_net1.json" ] || fail "GC dropped the record of an attachment it was told to keep"
    expect_eq "$(leases)" "${DPDK_ADDRESS%/*} " "host-local's leases after a GC keeping cA"
  fi
  CNI_DIR=$_dc_ipam cni DEL cA $POD/podA net1 "$_dc_conf"
  expect_rc 0 DEL
  expect_eq "$(leases)" "" "host-local's leases after DEL"
  [ ! -e "$STATE/${NETWORK}_cA_net1.json" ] || fail "DEL left the record"
  CNI_DIR=$_dc_ipam cni DEL cA $POD/podA net1 "$_dc_conf"
  expect_rc 0 "a second DEL"
  expect_eq "$(driver_of "$DPDK_PCI")" "$2" "the function's driver after DEL"
  if [ "$_dc_ver" = 1.1.0 ]; then
    CNI_DIR=$_dc_ipam cni ADD cA $POD/podA net1 "$_dc_conf"
    expect_rc 0 "ADD before GC"
    CNI_DIR=$_dc_ipam cni GC - - - "$(dpdk_conf "$_dc_sel" "$_dc_ver" ', "cni.dev/valid-attachments": []')"
    expect_rc 0 "GC keeping nothing"
    [ ! -e "$STATE/${NETWORK}_cA_net1.json" ] || fail "GC kept the record of an attachment no longer listed"
    # host-local (1.9.1 too) implements no GC: its lease stays until the runtime's DEL, which must still
    # release it without a record.
    _dc_after_gc=$(leases)
    CNI_DIR=$_dc_ipam cni DEL cA $POD/podA net1 "$_dc_conf"
    expect_rc 0 "DEL after GC"
    expect_eq "$(leases)" "" "host-local's leases after the DEL that followed GC"
    note "ADD/CHECK/GC/DEL/DEL, ADD/GC/DEL in $_dc_ver; host-local's leases after GC: ${_dc_after_gc:-none}"
  else
    note "ADD/CHECK/DEL/DEL in $_dc_ver (GC needs cniVersion 1.1.0)"
  fi
  pod_del podA
  dpdk_give_back
  expect_host
}

t_dpdk_uio_by_pciBusID() { dpdk_cycle 1 uio_pci_generic "\"pciBusID\": \"$(nic_pci 1)\"" 1.1.0; }
t_dpdk_uio_by_pciBusID_1_0_0() { dpdk_cycle 1 uio_pci_generic "\"pciBusID\": \"$(nic_pci 1)\"" 1.0.0; }
# runtimeConfig.deviceID overrides the static selector (here another NIC's name), as in host-device.
t_dpdk_uio_by_runtime_deviceID() {
  dpdk_cycle 2 uio_pci_generic "$(device_is 1), \"runtimeConfig\": {\"deviceID\": \"$(nic_pci 2)\"}" 1.1.0
}
t_dpdk_vfio_noiommu_by_pciBusID() { dpdk_cycle 3 vfio-pci "\"pciBusID\": \"$(nic_pci 3)\"" 1.1.0; }

# Every cniVersion: a result valid for it (pciID only in 1.1.0), DEL releasing the address.
t_dpdk_result_in_every_version() {
  dpdk_take 2 uio_pci_generic
  DPDK_DRIVER=uio_pci_generic
  pod_add podA
  for _v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
    _d=$(ipam_dir_for "$_v")
    [ -n "$_d" ] || { note "$_v not run: no host-local for it"; continue; }
    CNI_DIR=$_d cni ADD cA $POD/podA net1 "$(dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" "$_v")"
    expect_rc 0 "ADD in $_v"
    expect_dpdk_result "$_v" podA
    CNI_DIR=$_d cni DEL cA $POD/podA net1 "$(dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" "$_v")"
    expect_rc 0 "DEL in $_v"
    expect_eq "$(leases)" "" "host-local's leases after DEL in $_v"
  done
  pod_del podA
  dpdk_give_back
  expect_host
}

# Two pods ADD the same function at once: the state lock serialises them, the second is refused (7)
# naming the holder; its runtime's DEL leaves the holder's address alone.
t_dpdk_race_two_pods() {
  dpdk_take 1 uio_pci_generic
  _c=$(dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" 1.0.0)
  pod_add podA
  pod_add podB
  race_two_adds "$_c"
  expect_eq "$(CNI_TAG=$_lose answer .code)" 7 "the loser's error code ($(cat "$GUEST_RUN/out$_lose"))"
  expect_eq "$(CNI_TAG=$_lose answer .msg)" \
    "PCI function $DPDK_PCI (uio_pci_generic) is already attached to container c$_win as net1" "the loser's message"
  _held=$(leases)
  expect_eq "$(echo "$_held" | wc -w)" 1 "leases while one pod has the function"
  cni DEL "c$_lose" "$POD/pod$_lose" net1 "$_c"
  expect_rc 0 "DEL for the losing pod"
  expect_eq "$(leases)" "$_held" "the winner's lease after the loser's DEL"
  [ -e "$STATE/${NETWORK}_c${_win}_net1.json" ] || fail "the loser's DEL dropped the winner's record"
  cni DEL "c$_win" "$POD/pod$_win" net1 "$_c"
  expect_rc 0 "DEL for the winning pod"
  expect_eq "$(leases)" "" "leases after both DELs"
  note "pod$_win won; pod$_lose: $(CNI_TAG=$_lose answer .msg)"
  pod_del podA
  pod_del podB
  dpdk_give_back
  expect_host
}

# The comparison column: host-device 1.9.1 on the same function (ADD, CHECK, DEL, DEL), and two pods at
# once. Differences are noted, not failed: no pciID in 1.1.0 results, both racing pods get the function.
t_dpdk_reference_1_9_1() {
  [ -x "$REF191" ] && [ -x "$REF191_CNI_DIR/host-local" ] || skip "host-device and host-local 1.9.1 not packed into this guest"
  dpdk_take 1 uio_pci_generic
  DPDK_DRIVER=uio_pci_generic
  _c=$(PLUGIN=$REF191 dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" 1.1.0)
  pod_add podA
  pod_add podB
  PLUGIN=$REF191 CNI_DIR=$REF191_CNI_DIR cni ADD cA $POD/podA net1 "$_c"
  expect_rc 0 "1.9.1 ADD"
  _pci=$(answer '.interfaces[0].pciID // "none"')
  DPDK_REFERENCE=1 expect_dpdk_result 1.1.0 podA
  _r=$(cat "$GUEST_RUN/out")
  PLUGIN=$REF191 CNI_DIR=$REF191_CNI_DIR cni CHECK cA $POD/podA net1 \
    "$(PLUGIN=$REF191 dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" 1.1.0 ", \"prevResult\": $_r")"
  expect_rc 0 "1.9.1 CHECK"
  PLUGIN=$REF191 CNI_DIR=$REF191_CNI_DIR cni ADD cB $POD/podB net1 "$_c"
  _second=$CNI_RC
  for _id in A B; do
    PLUGIN=$REF191 CNI_DIR=$REF191_CNI_DIR cni DEL "c$_id" "$POD/pod$_id" net1 "$_c"
    expect_rc 0 "1.9.1 DEL c$_id"
  done
  PLUGIN=$REF191 CNI_DIR=$REF191_CNI_DIR cni DEL cA $POD/podA net1 "$_c"
  expect_rc 0 "1.9.1 second DEL"
  expect_eq "$(leases)" "" "leases after 1.9.1's DELs"
  note "1.9.1: pciID in its 1.1.0 result: $_pci; a second pod's ADD of the same function: status $_second"
  pod_del podA
  pod_del podB
  dpdk_give_back
  expect_host
}

# A runtime whose node rebooted sends DEL with CNI_NETNS empty: the address must still be released.
# host-device 1.9.1 returns before IPAM DEL there (its issue #1196): noted, then cleaned up with a DEL
# that names the pod.
t_dpdk_del_without_netns() {
  dpdk_take 2 uio_pci_generic
  DPDK_DRIVER=uio_pci_generic
  _c=$(dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" 1.0.0)
  pod_add podA
  cni ADD cA $POD/podA net1 "$_c"
  expect_rc 0 ADD
  cni DEL cA - net1 "$_c"
  expect_rc 0 "DEL without CNI_NETNS"
  expect_eq "$(leases)" "" "host-local's leases after DEL without CNI_NETNS"
  [ ! -e "$STATE/${NETWORK}_cA_net1.json" ] || fail "DEL without CNI_NETNS left the record"
  if [ -x "$REF191" ]; then
    _c=$(PLUGIN=$REF191 dpdk_conf "\"pciBusID\": \"$DPDK_PCI\"" 1.0.0)
    PLUGIN=$REF191 cni ADD cA $POD/podA net1 "$_c"
    expect_rc 0 "1.9.1 ADD"
    PLUGIN=$REF191 cni DEL cA - net1 "$_c"
    expect_rc 0 "1.9.1 DEL without CNI_NETNS"
    note "1.9.1's DEL without CNI_NETNS left the leases: $(leases | tr -d ' ' | grep . || echo none)"
    PLUGIN=$REF191 cni DEL cA $POD/podA net1 "$_c"
    expect_rc 0 "1.9.1 DEL"
    expect_eq "$(leases)" "" "host-local's leases after 1.9.1's DEL with CNI_NETNS"
  fi
  pod_del podA
  dpdk_give_back
  expect_host
}
# --- no scratch namespace ----------------------------------------------------------------------------

# Makes unshare(CLONE_NEWNET) fail with ENOSPC, for the initial user namespace too: user.max_net_namespaces
# below the count root's namespaces hold (0: the pod made before counts, no new one can be had). Machine-
# wide, hence only here in the guest, and only inside with_netns_limit_restored.
no_scratch_start() {
  echo 0 >/proc/sys/user/max_net_namespaces
  ! busybox unshare -n true 2>/dev/null || fail "unshare -n still works with user.max_net_namespaces=0"
}
no_scratch_end() { echo "$_ns_limit" >/proc/sys/user/max_net_namespaces; }

# Runs $1 as a case of its own (a subshell with errexit: in the background, so that errexit holds there)
# and puts user.max_net_namespaces back however it ended. Not a trap: the recorder sets its own.
with_netns_limit_restored() {
  _ns_limit=$(cat /proc/sys/user/max_net_namespaces)
  (set -e; "$1") &
  wait $! && _ns_rc=0 || _ns_rc=$?
  no_scratch_end
  return "$_ns_rc"
}

# No report to be had (a cold cache; the probe fails for the same reason) and no scratch namespace: ADD
# plans move-then-rename and says why, DEL renames inside and moves (no scratch namespace either); the host
# only ever sees the NIC's own name (the recorder), and gets it back as it was.
t_no_scratch_namespace_without_report() { with_netns_limit_restored no_scratch_without_report; }
no_scratch_without_report() {
  export LINKCAPS_CACHE_DIR="$GUEST_RUN/cold-cache"
  rm -rf "$LINKCAPS_CACHE_DIR"
  pod_add podA
  no_scratch_start
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "ADD with neither a report nor a scratch namespace"
  grep -q "scratch namespaces unavailable: unshare(CLONE_NEWNET) failed with ENOSPC; planned move-then-rename" "$GUEST_RUN/err" ||
    fail "ADD did not say why it planned without a scratch namespace: $(cat "$GUEST_RUN/err")"
  grep -q "cannot read the kernel's capability report" "$GUEST_RUN/err" || fail "ADD did not say it had no report: $(cat "$GUEST_RUN/err")"
  expect_eq "$(recorded_strategy cA)" move-then-rename "the plan without a scratch namespace"
  expect_in_pod "$(nic_pci 1)" podA net1 "$(nic_mac 1)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "DEL with neither a report nor a scratch namespace"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 1)")"
  expect_rc 0 "a second DEL"
  no_scratch_end
  pod_del podA
  expect_host
  # The same with the host's events recorded: only the NIC's own name and altname, ever.
  host_view_through_add_and_del 1 "" no_scratch_start
  expect_eq "$HOST_VIEW_STRATEGY" move-then-rename "the plan the recorder watched"
  no_scratch_end
  pod_del podA
  rm -rf "$LINKCAPS_CACHE_DIR"
  expect_host
}

# The cached report of /init, no scratch namespace. Without a clash the report's plan (a scratch namespace
# where it wanted one becomes move-then-rename). With the pod holding the NIC's name: where the single
# request was seen to keep the host clean even then (6.1.170+), that, and DEL (eth1 taken in the pod, net1
# not in the host) renames the NIC to a name the host holds first, so that the kernel renames in flight;
# elsewhere (5.10) no plan without a scratch namespace does, and ADD refuses, saying why, with the NIC
# untouched in the host.
t_no_scratch_namespace_cached_report() { with_netns_limit_restored no_scratch_cached_report; }
no_scratch_cached_report() {
  _clash_state=$(capability move.sourceSeesOnlyOriginalNameOnClash) _n=$(nic_name 2)
  pod_add podA
  no_scratch_start
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 2)")"
  expect_rc 0 "ADD from the cached report without a scratch namespace"
  _strategy=$(recorded_strategy cA)
  [ "$_strategy" != scratch-namespace ] || fail "planned a scratch namespace where none can be made"
  expect_in_pod "$(nic_pci 2)" podA net1 "$(nic_mac 2)"
  cni DEL cA $POD/podA net1 "$(conf "$(device_is 2)")"
  expect_rc 0 "DEL from the cached report without a scratch namespace"
  [ "$(host_name_of "$(nic_pci 2)")" = "$_n" ] || fail "the NIC is not back in the host as $_n after DEL"
  ip -n podA link add "$_n" type veth peer name lcclash0p
  _idx=$(ifindex_of "$_n")
  recorder_start
  cni ADD cA $POD/podA net1 "$(conf "$(device_is 2)")"
  case $_clash_state in
    supported)
      expect_rc 0 "ADD with the NIC's name taken in the pod (the report says $_clash_state)"
      expect_eq "$(recorded_strategy cA)" single-request "the plan with the NIC's name taken in the pod"
      cni DEL cA $POD/podA net1 "$(conf "$(device_is 2)")"
      expect_rc 0 "DEL after the clash"
      recorder_stop
      _saw=$(recorder_problems "$_idx" "$(nic_mac 2)" "$_n" "$(nic_altname 2)")
      [ -z "$_saw" ] || fail "the host saw more than $_n: $_saw"
      _clash="single-request" ;;
    *)
      recorder_stop
      expect_rc 1 "ADD with the NIC's name taken in the pod (the report says $_clash_state)"
      grep -q "no plan without one keeps the host's view clean" "$GUEST_RUN/out" ||
        fail "the refusal does not say why: $(cat "$GUEST_RUN/out")"
      [ ! -e "$STATE/${NETWORK}_cA_net1.json" ] || fail "a refused ADD left its record"
      _clash="refused" ;;
  esac
  ip -n podA link del "$_n"
  no_scratch_end
  pod_del podA
  expect_host
  note "strategy $_strategy; with the pod holding $_n ($_clash_state): $_clash"
}

# The steps of the plan without a scratch namespace (the same as move-then-rename forced), killed with
# -9 at each: the DEL that follows brings the NIC home, from the pod under either name.
t_kill9_each_add_step_move_then_rename() { kill_at_each_step add ', "strategy": "move-then-rename"'; }
