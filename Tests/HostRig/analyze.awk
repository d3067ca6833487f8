# udevadm monitor --udev --property: one block per event, a header line and KEY=VALUE lines. Prints
# "ACTION INTERFACE INTERFACE_OLD" for each net event of the device with ifindex IFX (-v ifx=N).
function flush() { if (ifindex == ifx && action != "") print action, iface, (old == "" ? "-" : old)
                   action = iface = old = ifindex = "" }
/^UDEV / { flush(); next }
/^ACTION=/ { action = substr($0, 8) }
/^INTERFACE=/ { iface = substr($0, 11) }
/^INTERFACE_OLD=/ { old = substr($0, 15) }
/^IFINDEX=/ { ifindex = substr($0, 9) }
END { flush() }
