#!/usr/bin/env bash
# Builds the OCR image's base: a Debian 12 (bookworm) root file system made by debootstrap, with Debian's
# Python 3.11 and Tesseract 5 (fin, swe, eng), every Debian package at the version of debian.lock.
# Committed as docflow-ocr-base:<hash of this script and the lock>, so an unchanged base is not rebuilt.
#
#   functions/ocr/image/base.sh            build (or reuse) the base, print its name
#   functions/ocr/image/base.sh --relock   rebuild and rewrite debian.lock from what Debian serves today
#
# Runs as root with buildah (overlay storage, chroot isolation: no container engine or daemon needed).
# Downloaded packages are kept in $IMAGE_CACHE (default .local/cache/image) between builds.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LOCK="$HERE/debian.lock"
CACHE="${IMAGE_CACHE:-$ROOT/.local/cache/image}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
ARCH="${IMAGE_ARCH:-amd64}"
export STORAGE_DRIVER=overlay
RELOCK=0
[ "${1:-}" = --relock ] && RELOCK=1

# What the image installs on top of debootstrap's minbase (their dependencies come along, all locked).
PACKAGES=(python3 python3-pip ca-certificates tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe tesseract-ocr-eng)

tag="$({ cat "$0"; cat "$LOCK" 2>/dev/null || true; } | sha256sum | cut -c1-12)"
name="localhost/docflow-ocr-base:$tag-$ARCH"
if [ "$RELOCK" = 0 ] && buildah inspect --type image "$name" >/dev/null 2>&1; then
	echo "$name"
	exit 0
fi
[ "$RELOCK" = 1 ] || [ -s "$LOCK" ] || { echo "base.sh: $LOCK missing (run with --relock)" >&2; exit 1; }

mkdir -p "$CACHE/debootstrap" "$CACHE/apt"
ctr="$(buildah from scratch)"
trap 'buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt="$(buildah mount "$ctr")"

debootstrap --variant=minbase --arch="$ARCH" --cache-dir="$CACHE/debootstrap" bookworm "$mnt" "$MIRROR" >&2
cat > "$mnt/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
SOURCES
cp /etc/resolv.conf "$mnt/etc/resolv.conf"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$mnt/etc/apt/apt.conf.d/90docflow"

run() { buildah run --isolation chroot --network host -v "$CACHE/apt:/var/cache/apt/archives" "$ctr" -- "$@"; }
run apt-get update -qq </dev/null >&2
if [ "$RELOCK" = 1 ]; then
	run env DEBIAN_FRONTEND=noninteractive apt-get -y -qq dist-upgrade >&2
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >&2
else
	# Every package, debootstrap's included, at the locked version; apt refuses a version Debian no
	# longer serves, and the comparison below refuses anything else that differs.
	mapfile -t pins < <(grep -v '^#' "$LOCK" | cut -d' ' -f1)
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades "${pins[@]}" >&2
fi
# What is installed, each with the SHA-256 that Debian's signed index lists for that version's .deb
# (apt has checked every downloaded .deb against it).
mapfile -t installed < <(run dpkg-query -W -f '${Package}=${Version}\n' </dev/null | LC_ALL=C sort)
actual="$(run apt-cache show "${installed[@]}" </dev/null \
	| awk '/^Package:/ {p=$2} /^Version:/ {v=$2} /^SHA256:/ {print p "=" v " " $2}' | LC_ALL=C sort -u)"
if [ "$RELOCK" = 1 ]; then
	{
		echo "# Debian packages of the OCR image base (functions/ocr/image/base.sh --relock rewrites this)."
		echo "# name=version and the SHA-256 of its .deb in Debian's signed index; base.sh refuses any difference."
		echo "$actual"
	} > "$LOCK"
	tag="$({ cat "$0"; cat "$LOCK"; } | sha256sum | cut -c1-12)"
	name="localhost/docflow-ocr-base:$tag-$ARCH"
elif ! diff <(grep -v '^#' "$LOCK") <(echo "$actual") >&2; then
	echo "base.sh: the installed packages differ from $LOCK (<: lock, >: installed)" >&2
	exit 1
fi
run tesseract --list-langs 2>/dev/null | grep -qx fin

# Nothing the function reads at run time: package indexes, caches, documentation.
rm -rf "$mnt"/var/lib/apt/lists/* "$mnt"/var/cache/apt/*.bin "$mnt"/usr/share/doc/* "$mnt"/usr/share/man/* \
	"$mnt"/usr/share/info/* "$mnt"/var/log/* "$mnt"/etc/resolv.conf
find "$mnt/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
buildah config --env LANG=C.UTF-8 --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	--label org.opencontainers.image.base.name="debian:bookworm (debootstrap minbase)" "$ctr"
buildah commit --quiet --rm "$ctr" "$name" >/dev/null
trap - EXIT
echo "$name"
