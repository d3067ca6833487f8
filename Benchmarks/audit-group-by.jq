# The jq equivalent of `linkcaps audit -` for the benchmark: JSON lines in (jq -nR), per (release, distro)
# group the host count, per-capability state counts, the preferred inbound strategy and inconclusive hosts;
# malformed lines (not JSON, wrong schema, no release or capabilities) counted and named by line number.
def distro: (.facts.osRelease.id // null) as $id
  | if $id == null then "unknown" else $id + (if .facts.osRelease.versionId then " " + .facts.osRelease.versionId else "" end) end;
def strategy: if .capabilities["move.singleRequest"].state == "supported"
                 and .capabilities["move.sourceSeesOnlyOriginalName"].state == "supported"
              then "single-request" else "scratch-namespace" end;
reduce (inputs | [., (try fromjson catch null)]) as [$line, $r] ({groups: {}, reports: 0, malformed: 0, named: []};
  .reports += 1
  | if ($r | type) != "object" or $r.schemaVersion != 1 or ($r.kernel.release | type) != "string"
       or ($r.capabilities | type) != "object" then
      .malformed += 1 | if (.named | length) < 100 then .named += ["<stdin>:\(.reports)"] else . end
    else
      ($r.kernel.release + " / " + ($r | distro)) as $k
      | .groups[$k].hosts += 1
      | .groups[$k].strategies[$r | strategy] += 1
      | reduce ($r.capabilities | to_entries[]) as $c (.; .groups[$k].capabilities[$c.key][$c.value.state] += 1)
      | if any($r.capabilities[]; .state == "inconclusive") then .groups[$k].inconclusive += 1 else . end
    end)
| .groupCount = (.groups | length)
