# The jq equivalent of `linkcaps audit -` for the benchmark, written to be fast in jq 1.6: JSON lines in
# (jq -nR, so that a broken line is counted instead of ending the run), one counter update per line keyed by
# group + state signature, expanded into per-capability counts at the end. Per (release, distro) group:
# hosts, per-capability state counts, the preferred inbound strategy, inconclusive hosts; malformed lines
# (not JSON, wrong schema, no release or capabilities) counted and the first 100 named by line number.
def distro: (.facts.osRelease.id // null) as $id
  | if $id == null then "unknown" else $id + (if .facts.osRelease.versionId then " " + .facts.osRelease.versionId else "" end) end;
def strategy: if .capabilities["move.singleRequest"].state == "supported"
                 and .capabilities["move.sourceSeesOnlyOriginalName"].state == "supported"
              then "single-request" else "scratch-namespace" end;
reduce (inputs | try fromjson catch null) as $r ({counts: {}, reports: 0, malformed: 0, named: []};
  .reports += 1
  | if ($r | type) != "object" or $r.schemaVersion != 1 or ($r.kernel.release | type) != "string"
       or ($r.capabilities | type) != "object" then
      .malformed += 1 | if (.named | length) < 100 then .named += ["<stdin>:\(.reports)"] else . end
    else
      .counts[[$r.kernel.release, ($r | distro), ($r | strategy),
                ($r.capabilities | to_entries | map([.key, .value.state]))] | tojson] += 1
    end)
| .groups = (reduce (.counts | to_entries[]) as $e ({};
    ($e.key | fromjson) as [$release, $distro, $strategy, $states]
    | ($release + " / " + $distro) as $k
    | .[$k].hosts += $e.value
    | .[$k].strategies[$strategy] += $e.value
    | (if any($states[]; .[1] == "inconclusive") then .[$k].inconclusive += $e.value else . end)
    | reduce $states[] as [$id, $state] (.; .[$k].capabilities[$id][$state] += $e.value)))
| del(.counts)
| .groupCount = (.groups | length)
