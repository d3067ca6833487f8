# shellcheck shell=bash
# Library: fetch a Debian kernel package, unpack it and index its modules.
# Source it from a script that runs with `set -euo pipefail`.
#
#   dk_prepare SPEC   SPEC = package name (linux-image-6.1.0-56-cloud-amd64, linux-image-cloud-amd64/sid,
#                     name=version) or a .deb path. Sets DK_RELEASE, DK_PACKAGE, DK_PKG_VERSION, DK_LAYOUT,
#                     DK_ROOT_DIR (extracted tree), DK_MODDIR (its lib/modules/<release>), DK_VMLINUZ.
#   dk_trim_modules SRC_MODDIR DEST_BASE RELEASE MODULE...
#                     copy MODULE... (+ their dependencies) and the depmod inputs into
#                     DEST_BASE/lib/modules/RELEASE, then re-index that small tree with depmod.
#   dk_identity_json  the identity of the last dk_prepare as JSON.
#
# Everything downloaded or unpacked goes under $DK_BUILD (default: <repo>/build, gitignored).
# Packages the system's apt sources know are fetched with the system configuration; others (other Debian
# suites of the same archive) with a private apt configuration under $DK_BUILD/apt that reuses the
# system's URIs and keyring. The system's own sources are never touched.

DK_REPO=${DK_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DK_BUILD=${DK_BUILD:-$DK_REPO/build}
DK_SYSTEM_SOURCES=${DK_SYSTEM_SOURCES:-/etc/apt/sources.list.d/debian.sources}
DK_CODENAME=${DK_CODENAME:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
# Suites looked at privately; *-security ones go to the system's security URI, the rest to the main one.
DK_PRIVATE_SUITES=${DK_PRIVATE_SUITES:-"bullseye bullseye-security $DK_CODENAME-backports trixie trixie-security trixie-backports sid experimental"}

dk_log() { printf '%s\n' "$*" >&2; }
dk_die() { dk_log "error: $*"; return 1; }

# --- apt ---------------------------------------------------------------------------------------------

# Print "URIs|Suites|Signed-By" for each deb stanza of a deb822 sources file.
dk_parse_sources() {
  awk 'BEGIN { RS = ""; FS = "\n" }
       { u = s = k = ""; t = 0
         for (i = 1; i <= NF; i++) {
           if ($i ~ /^[ \t]*#/) continue
           split($i, kv, /:[ \t]*/); key = tolower(kv[1]); val = substr($i, index($i, ":") + 1)
           gsub(/^[ \t]+|[ \t]+$/, "", val)
           if (key == "types" && val ~ /(^| )deb( |$)/) t = 1
           else if (key == "uris") u = val
           else if (key == "suites") s = val
           else if (key == "signed-by") k = val
         }
         if (t && u != "") print u "|" s "|" k }' "$1"
}

# Print the private deb822 sources: the system's main and security URIs (and keyrings) with the
# suites of DK_PRIVATE_SUITES. Nothing here names a mirror; it all comes from SOURCES_FILE.
dk_private_sources() {
  local main_uri="" main_key="" sec_uri="" sec_key="" uris suites key suite main_suites="" sec_suites=""
  while IFS='|' read -r uris suites key; do
    # The stanza carrying the bare codename is the main archive, the one with <codename>-security the
    # security archive. Keep only the first URI of each.
    if [[ " $suites " == *" $DK_CODENAME "* && -z $main_uri ]]; then main_uri=${uris%% *}; main_key=$key; fi
    if [[ " $suites " == *" $DK_CODENAME-security "* && -z $sec_uri ]]; then sec_uri=${uris%% *}; sec_key=$key; fi
  done < <(dk_parse_sources "$1")
  [[ -n $main_uri ]] || dk_die "no stanza for suite $DK_CODENAME in $1" || return
  for suite in $DK_PRIVATE_SUITES; do
    if [[ $suite == *-security ]]; then sec_suites+=" $suite"; else main_suites+=" $suite"; fi
  done
  printf 'Types: deb\nURIs: %s\nSuites:%s\nComponents: main\n' "$main_uri" "$main_suites"
  [[ -z $main_key ]] || printf 'Signed-By: %s\n' "$main_key"
  if [[ -n $sec_uri && -n $sec_suites ]]; then
    printf '\nTypes: deb\nURIs: %s\nSuites:%s\nComponents: main\n' "$sec_uri" "$sec_suites"
    [[ -z $sec_key ]] || printf 'Signed-By: %s\n' "$sec_key"
  fi
}

# Write the private apt tree (sources, state, cache) under $DK_BUILD/apt, refresh its lists when stale,
# and set DK_APT_OPTS to use it.
dk_private_apt() {
  local apt=$DK_BUILD/apt sources
  sources=$(dk_private_sources "$DK_SYSTEM_SOURCES") || return
  mkdir -p "$apt/sources.list.d" "$apt/preferences.d" "$apt/lists/partial" "$apt/cache/archives/partial"
  touch "$apt/status"
  # A changed sources file invalidates the lists.
  if [[ $sources != "$(cat "$apt/sources.list.d/private.sources" 2>/dev/null)" ]]; then
    printf '%s\n' "$sources" >"$apt/sources.list.d/private.sources"
    rm -f "$apt/lists/"*_Packages* "$apt/lists/"*Release*
  fi
  DK_APT_OPTS=(
    -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/sources.list.d"
    -o Dir::Etc::Preferences=/dev/null -o "Dir::Etc::PreferencesParts=$apt/preferences.d"
    -o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
    -o "Dir::Cache=$apt/cache" -o Acquire::Languages=none -o APT::Sandbox::User=root
    # Keep the binary package cache (system images often disable it): each lookup then takes 0.1 s, not 3.
    -o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin
  )
  # Refresh the lists when missing or older than 6 hours.
  if [[ -z $(find "$apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -360 -print -quit) ]]; then
    dk_log "apt: updating private lists ($DK_PRIVATE_SUITES)"
    apt-get "${DK_APT_OPTS[@]}" -q update >&2
  fi
}

# Print the path of the .deb for SPEC (name, name=version, name/suite, or a .deb path), downloading it
# into $DK_BUILD/debs unless already there.
dk_download() {
  local spec=$1 dir=$DK_BUILD/debs opts=(-o APT::Sandbox::User=root) record name version arch file
  if [[ $spec == *.deb ]]; then
    [[ -f $spec ]] || dk_die "no such file: $spec" || return
    realpath "$spec"; return
  fi
  # An exact version already downloaded needs no apt lookup.
  if [[ $spec == *=* ]]; then
    file=$(find "$dir" -maxdepth 1 -name "${spec%%=*}_${spec#*=}_*.deb" -size +0 2>/dev/null | head -1)
    [[ -z $file ]] || { printf '%s\n' "$file"; return; }
  fi
  if ! record=$(apt-cache show --no-all-versions "$spec" 2>/dev/null) || [[ -z $record ]]; then
    dk_private_apt || return
    opts=("${DK_APT_OPTS[@]}")
    record=$(apt-cache "${opts[@]}" show --no-all-versions "$spec" 2>/dev/null) || record=""
    # apt-cache exits 0 for a name it only knows as a dependency: no record means not in the archive.
    if [[ -z $record ]]; then
      [[ -n ${DK_MISSING_OK:-} ]] || dk_log "error: package $spec not found in the system's suites nor in: $DK_PRIVATE_SUITES"
      return 1
    fi
  fi
  name=$(sed -n 's/^Package: //p' <<<"$record" | head -1)
  version=$(sed -n 's/^Version: //p' <<<"$record" | head -1)
  arch=$(sed -n 's/^Architecture: //p' <<<"$record" | head -1)
  # apt-get download names files name_version_arch.deb with the epoch colon escaped.
  file=$dir/${name}_${version//:/%3a}_${arch}.deb
  if [[ ! -s $file ]]; then
    mkdir -p "$dir"
    dk_log "apt: downloading $name $version"
    (cd "$dir" && apt-get "${opts[@]}" -q download "$name=$version" >&2)
  fi
  [[ -s $file ]] || dk_die "download of $name=$version did not produce $file" || return
  printf '%s\n' "$file"
}

# Print the versioned kernel packages a .deb depends on (meta → image, image → binary/modules/base),
# as name=version when pinned. Unversioned flavour metas (linux-base-cloud-amd64) are not followed.
dk_kernel_deps() {
  dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/^[[:space:]]+//' |
    sed -nE 's/^(linux-(image|binary|modules|base)-[0-9][^[:space:](]*)[[:space:]]*(\(= *([^)]+)\))?.*/\1 \4/p' |
    while read -r n v; do if [[ -n $v ]]; then echo "$n=$v"; else echo "$n"; fi; done
}

# Download SPEC and, transitively, the kernel packages it depends on. Prints one .deb path per line.
# A dependency the archive does not hold is reported and skipped (trixie-backports' 6.18 images depend on a
# linux-base-REL that was never published, although the image holds the kernel and its modules):
# dk_prepare then decides whether what was downloaded is a complete kernel.
dk_fetch() {
  local -a queue=("$1") seen=()
  local spec deb dep first=1
  while ((${#queue[@]})); do
    spec=${queue[0]}; queue=("${queue[@]:1}")
    if ((first)); then deb=$(dk_download "$spec") || return 1
    elif ! deb=$(DK_MISSING_OK=1 dk_download "$spec"); then
      dk_log "note: dependency $spec could not be fetched (not in the archive?); going on without it"
      continue
    fi
    first=0
    printf '%s\n' "$deb"
    while read -r dep; do
      [[ -n $dep ]] || continue
      [[ " ${seen[*]} " == *" ${dep%%=*} "* ]] && continue
      seen+=("${dep%%=*}"); queue+=("$dep")
    done < <(dk_kernel_deps "$deb")
  done
}

# --- layout ------------------------------------------------------------------------------------------

# Detect the layout of an extracted tree. Prints "LAYOUT RELEASE VMLINUZ MODDIR" (paths relative to
# the tree) or fails.
#   classic: boot/vmlinuz-REL + (usr/)lib/modules/REL     (linux-image-REL, up to 6.x)
#   split:   usr/lib/modules/REL/vmlinuz                  (linux-binary-REL; modules in linux-modules-REL,
#                                                          depmod inputs in linux-base-REL; 7.x)
dk_layout() {
  local root=$1 f rel mod
  for f in "$root"/boot/vmlinuz-*; do
    [[ -e $f ]] || continue
    rel=${f##*/vmlinuz-}
    for mod in lib/modules/$rel usr/lib/modules/$rel; do
      [[ -d $root/$mod ]] && { echo "classic $rel boot/vmlinuz-$rel $mod"; return; }
    done
    echo "classic $rel boot/vmlinuz-$rel lib/modules/$rel"; return
  done
  for f in "$root"/usr/lib/modules/*/vmlinuz "$root"/lib/modules/*/vmlinuz; do
    [[ -e $f ]] || continue
    mod=${f#"$root"/}; mod=${mod%/vmlinuz}; rel=${mod##*/}
    echo "split $rel $mod/vmlinuz $mod"; return
  done
  dk_die "no kernel image (boot/vmlinuz-* or usr/lib/modules/*/vmlinuz) in $root"
}

# True when a module tree holds modules and the depmod inputs.
dk_has_modules() {
  [[ -f $1/modules.order && -f $1/modules.builtin ]] &&
    [[ -n $(find "$1" -name '*.ko*' -print -quit 2>/dev/null) ]]
}

# --- prepare -----------------------------------------------------------------------------------------

dk_deb_field() { dpkg-deb -f "$1" "$2"; }

# depmod with no host configuration: the result depends only on the tree.
dk_depmod() {
  local base=$1 rel=$2 conf
  conf=$(mktemp -d)
  depmod -C "$conf" -b "$base" "$rel" || { rmdir "$conf"; return 1; }
  rmdir "$conf"
}

dk_prepare() {
  local spec=$1 key dir deb comp list
  local -a debs
  list=$(dk_fetch "$spec") || return
  mapfile -t debs <<<"$list"
  ((${#debs[@]})) || dk_die "nothing downloaded for $spec" || return
  # One extraction per set of packages; reuse it when it is complete.
  key=$(printf '%s\n' "${debs[@]##*/}" | sort | sha1sum | cut -c1-12)
  dir=$DK_BUILD/extract/$key
  if [[ ! -f $dir/.done ]]; then
    rm -rf "$dir"; mkdir -p "$dir/root"
    for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$dir/root" || return; done
    read -r DK_LAYOUT DK_RELEASE _ DK_MODDIR < <(dk_layout "$dir/root") || return
    # Handed a bare linux-binary-*: the modules and the depmod inputs live in companion packages.
    if [[ $DK_LAYOUT == split ]] && ! dk_has_modules "$dir/root/$DK_MODDIR"; then
      for comp in "linux-modules-$DK_RELEASE" "linux-base-$DK_RELEASE"; do
        [[ " ${debs[*]##*/} " == *" ${comp}_"* ]] && continue
        deb=$(dk_download "$comp") || return
        debs+=("$deb"); dpkg-deb -x "$deb" "$dir/root" || return
      done
    fi
    dk_has_modules "$dir/root/$DK_MODDIR" || dk_die "no modules in $DK_MODDIR of ${debs[*]##*/}" || return
    # depmod -b wants BASE/lib/modules; merged-/usr packages only ship usr/lib.
    [[ -e $dir/root/lib ]] || ln -s usr/lib "$dir/root/lib"
    dk_log "depmod: $DK_RELEASE"
    dk_depmod "$dir/root" "$DK_RELEASE" || return
    printf '%s\n' "${debs[@]}" >"$dir/debs"
    touch "$dir/.done"
  fi
  mapfile -t debs <"$dir/debs"
  read -r DK_LAYOUT DK_RELEASE DK_VMLINUZ DK_MODDIR < <(dk_layout "$dir/root") || return
  # shellcheck disable=SC2034  # read by callers
  DK_ROOT_DIR=$dir/root
  DK_VMLINUZ=$dir/root/$DK_VMLINUZ
  DK_MODDIR=$dir/root/lib/modules/$DK_RELEASE
  # The identity is the versioned linux-image-REL package when there is one (also for the split
  # layout, where it is the package users install), else the package holding the kernel.
  DK_PACKAGE="" DK_PKG_VERSION=""
  for deb in "${debs[@]}"; do
    if [[ $(dk_deb_field "$deb" Package) == "linux-image-$DK_RELEASE" ]]; then
      DK_PACKAGE=linux-image-$DK_RELEASE; DK_PKG_VERSION=$(dk_deb_field "$deb" Version)
    fi
  done
  if [[ -z $DK_PACKAGE ]]; then
    for deb in "${debs[@]}"; do
      # grep without -q: stopping early would kill dpkg-deb with SIGPIPE and fail the pipeline.
      if dpkg-deb -c "$deb" | grep -E '/(vmlinuz-[^/]*|vmlinuz)$' >/dev/null; then
        DK_PACKAGE=$(dk_deb_field "$deb" Package); DK_PKG_VERSION=$(dk_deb_field "$deb" Version); break
      fi
    done
  fi
  dk_log "kernel: $DK_RELEASE ($DK_LAYOUT layout) from $DK_PACKAGE $DK_PKG_VERSION"
}

dk_identity_json() {
  jq -n --arg r "$DK_RELEASE" --arg p "$DK_PACKAGE" --arg v "$DK_PKG_VERSION" \
    '{release: $r, package: $p, packageVersion: $v, source: "debian"}'
}

# --- trimmed module trees ----------------------------------------------------------------------------

# Module file paths (relative to MODDIR) for the named modules and their dependencies, per modules.dep.
# Names match as the kernel does: '-' and '_' are the same.
dk_module_closure() {
  local moddir=$1; shift
  awk -v want="$(printf '%s ' "$@" | tr - _)" '
    BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
    { path = $1; sub(/:$/, "", path); name = path; sub(/.*\//, "", name); sub(/\.ko.*/, "", name)
      gsub(/-/, "_", name)
      if (name in wanted) { print path; for (i = 2; i <= NF; i++) print $i } }' "$moddir/modules.dep" | sort -u
}

dk_trim_modules() {
  local src=$1 base=$2 rel=$3 dest path name missing=()
  shift 3
  dest=$base/lib/modules/$rel
  rm -rf "$dest"; mkdir -p "$dest"
  local -a paths
  mapfile -t paths < <(dk_module_closure "$src" "$@")
  for name in "$@"; do
    printf '%s\n' "${paths[@]}" | sed 's/.*\///; s/\.ko.*//; s/-/_/g' | grep -qx "${name//-/_}" \
      || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || dk_log "note: not loadable modules in $rel (built in or absent): ${missing[*]}"
  for path in "${paths[@]}"; do
    mkdir -p "$dest/$(dirname "$path")"
    cp -p "$src/$path" "$dest/$path" || return
  done
  # The depmod inputs shipped by the package; every other modules.* file is regenerated by depmod.
  cp -p "$src/modules.builtin" "$src/modules.builtin.modinfo" "$dest/" || return
  # modules.order only orders what exists; keep the lines of the kept modules (it names them .ko).
  printf '%s\n' "${paths[@]}" | sed -E 's/\.ko\..*$/.ko/' |
    grep -Fxf - "$src/modules.order" >"$dest/modules.order" || true
  dk_depmod "$base" "$rel"
}
