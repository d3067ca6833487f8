# One line per event of `ip -o monitor link` (the host's event recorder): ifindex, name, MAC and the
# altnames the event lists, e.g.
#   2 eth0 mac=52:54:00:4c:43:04 altnames=enp0s4
# ("Deleted 2: eth0: ..." alike). A line that is not a link event comes out as "unparsed LINE", so that a
# check over these lines cannot pass on output it did not understand.
NF == 0 { next }
{
  n = split($0, seg, /\\ +/)
  split(seg[1], w, " ")
  i = (w[1] == "Deleted") ? 2 : 1
  idx = w[i]; name = w[i + 1]
  if (idx !~ /^[0-9]+:$/ || name !~ /:$/) { print "unparsed " $0; next }
  sub(/:$/, "", idx); sub(/:$/, "", name); sub(/@.*/, "", name)
  alts = ""; mac = ""
  for (j = 2; j <= n; j++) {
    if (seg[j] ~ /^link\//) { split(seg[j], l, " "); mac = l[2] }
    else if (seg[j] ~ /^altname /) alts = alts (alts == "" ? "" : ",") substr(seg[j], 9)
  }
  print idx " " name " mac=" mac " altnames=" alts
}
