# udevadm monitor --udev --property: one block per event, a header line and KEY=VALUE lines. Prints
# "ACTION INTERFACE OLD-NAME" for each net event of the device with ifindex IFX (-v ifx=N); OLD-NAME is "-"
# unless the event renamed it. A move between namespaces also sends "move", with DEVPATH_OLD naming the
# device as it is: only a changed last component is a rename.
function flush(   o) {
  if (ifindex == ifx && action != "") {
    o = old; if (o == "" && oldpath != "") { o = oldpath; sub(/.*\//, "", o) }
    print action, iface, (o == "" || o == iface ? "-" : o)
  }
  action = iface = old = oldpath = ifindex = ""
}
/^UDEV / { flush(); next }
/^ACTION=/ { action = substr($0, 8) }
/^INTERFACE=/ { iface = substr($0, 11) }
/^INTERFACE_OLD=/ { old = substr($0, 15) }
/^DEVPATH_OLD=/ { oldpath = substr($0, 13) }
/^IFINDEX=/ { ifindex = substr($0, 9) }
END { flush() }
