# One line per link of `ip -o link show`: name, MAC, MTU, admin state, altnames, alias, e.g.
#   eth0 mac=52:54:00:4c:43:04 mtu=1500 UP altnames=enp0s4 alias=
# Shared by the guest cases and the podman test (awk, not jq: jq costs 0.4 s a run under TCG).
{
  n = split($0, seg, /\\ +/)
  split(seg[1], w, " ")
  name = w[2]; sub(/:$/, "", name); sub(/@.*/, "", name)
  up = (w[3] ~ /[<,]UP[,>]/) ? "UP" : "DOWN"
  mtu = ""; for (i = 4; i < length(w); i++) if (w[i] == "mtu") mtu = w[i + 1]
  mac = ""; alts = ""; alias = ""
  for (i = 2; i <= n; i++) {
    if (seg[i] ~ /^link\//) { split(seg[i], l, " "); mac = l[2] }
    else if (seg[i] ~ /^altname /) alts = alts (alts == "" ? "" : ",") substr(seg[i], 9)
    else if (seg[i] ~ /^alias /) alias = substr(seg[i], 7)
  }
  print name " mac=" mac " mtu=" mtu " " up " altnames=" alts " alias=" alias
}
