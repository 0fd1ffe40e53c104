#!/bin/sh
# series.sh CACHE BUILD TREE: write the patch series a reviewer gets into
# BUILD/series/, from series/split (harness/series.py), against a git
# repository made from the pristine source in CACHE; TREE, the harness's
# patched tree, gives scripts/get_maintainer.pl the MAINTAINERS entry.
#
# series.sh --apply CACHE BUILD TREE: also git am the series onto a fresh
# checkout of the pristine commit (BUILD/series-tree) and compare the
# result with TREE, file by file.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
apply=
if [ "${1:-}" = --apply ]; then
	apply=1
	shift
fi
cache=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
tree=$(cd "$3" && pwd)
pristine=$cache/linux-source-6.12
version=$(cat "$cache/version")
base=$cache/linux-6.12.git
work=$build/series.git
out=$build/series

# Nothing to do when none of the series' inputs changed since the last
# run that got as far as this one asks.
inputs=$( (cd "$top" && git ls-files -z -- kernel/script tools/lib/script \
		tools/testing/selftests/script man include/uapi/linux/script.h \
		Documentation/userspace-api/script.rst patches series \
		harness/series.py harness/series.sh bench/results.json |
		xargs -0 md5sum; echo "$version") | md5sum | cut -d' ' -f1)
if [ "$(cat "$out/.inputs" 2>/dev/null)" = "$inputs" ] &&
   { [ -z "$apply" ] ||
     [ "$(cat "$build/series-applied" 2>/dev/null)" = "$inputs" ]; }; then
	echo "  SERIES  up to date in $out"
	exit 0
fi
rm -f "$build/series-applied"

# The pristine source as one commit, made the same everywhere: its hash
# is the base-commit of every patch.
if [ "$(cat "$base/script-version" 2>/dev/null)" != "$version" ]; then
	echo "  SERIES  the pristine source as a git commit (once)"
	rm -rf "$base"
	git init -q --bare "$base"
	export GIT_INDEX_FILE="$base/pristine-index"
	GIT_DIR=$base GIT_WORK_TREE=$pristine git add -f -A .
	tree_id=$(GIT_DIR=$base git write-tree)
	rm -f "$GIT_INDEX_FILE"
	unset GIT_INDEX_FILE
	commit=$(echo "Linux $version (Debian linux-source-6.12)" |
		GIT_AUTHOR_NAME=Debian GIT_AUTHOR_EMAIL=debian-kernel@lists.debian.org \
		GIT_COMMITTER_NAME=Debian GIT_COMMITTER_EMAIL=debian-kernel@lists.debian.org \
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" \
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		GIT_DIR=$base git commit-tree "$tree_id")
	GIT_DIR=$base git update-ref refs/heads/pristine "$commit"
	echo "$version" > "$base/script-version"
fi
basecommit=$(GIT_DIR=$base git rev-parse refs/heads/pristine)

if [ ! -d "$work" ] ||
   ! GIT_DIR=$work git cat-file -e "$basecommit" 2>/dev/null; then
	rm -rf "$work"
	git clone -q --bare --shared "$base" "$work"
fi

python3 "$top/harness/series.py" check "$top/series/split" >/dev/null
head=$(python3 "$top/harness/series.py" commits "$top/series/split" \
	"$work" "$basecommit")
GIT_DIR=$work git update-ref refs/heads/series "$head"
echo "$basecommit" > "$build/series-base"

rm -rf "$out"
export GIT_AUTHOR_NAME="script(2) developers" GIT_AUTHOR_EMAIL=script@example.org
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
GIT_DIR=$work git format-patch -q --cover-letter --zero-commit \
	--base="$basecommit" --binary -o "$out" "$basecommit..$head"
python3 "$top/harness/series.py" cover "$top/series/cover-letter.txt" \
	"$top/bench/results.json" "$out"

# To: the lists, Cc: the maintainers and reviewers of what the series
# touches, as scripts/get_maintainer.pl finds them in the patched tree.
cover=$(ls "$out"/0000-*.patch)
(cd "$tree" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
	--no-rolestats $(ls "$out"/*.patch | grep -v /0000-)) \
	> "$out/get_maintainer.txt"
to=$(grep -E '@(vger\.kernel\.org|lists\.)' "$out/get_maintainer.txt" |
	grep -v '^linux-kernel@' | sort -u | paste -sd, - | sed 's/,/, /g')
cc=$(grep -vE '@(vger\.kernel\.org|lists\.)' "$out/get_maintainer.txt" |
	sort -u | paste -sd, - | sed 's/,/, /g')
to="linux-kernel@vger.kernel.org, linux-api@vger.kernel.org${to:+, $to}"
python3 - "$cover" "$to" "$cc" <<'EOF'
import sys
path, to, cc = sys.argv[1:]
text = open(path, encoding='utf-8').read()
head, sep, body = text.partition('\nSubject: ')
lines = 'To: %s\n' % to + ('Cc: %s\n' % cc if cc else '')
open(path, 'w', encoding='utf-8').write(head + '\n' + lines.rstrip('\n') +
                                        sep + body)
EOF
n=$(ls "$out"/*.patch | grep -vc /0000-)
echo "$inputs" > "$out/.inputs"
echo "  SERIES  $n patches and a cover letter in $out (base $basecommit)"

[ -n "$apply" ] || exit 0

# git am onto a checkout of the pristine commit; then the tree must be the
# harness's, file by file.
am=$build/series-tree
if [ ! -d "$am/.git" ]; then
	echo "  SERIES  checking out the pristine source in $am (once)"
	rm -rf "$am"
	git clone -q --no-checkout --shared "$base" "$am"
	git -C "$am" checkout -q -b am "$basecommit"
fi
git -C "$am" am --abort >/dev/null 2>&1 || true
git -C "$am" checkout -q -f am
git -C "$am" reset -q --hard "$basecommit"
git -C "$am" clean -q -fdx
git -C "$am" -c user.name=series -c user.email=series@localhost \
	am -q --keep-cr $(ls "$out"/*.patch | grep -v /0000-) || {
	echo "series: git am failed" >&2
	exit 1
}
if ! diff -rq -x .git -x '.script-*' "$am" "$tree" > "$build/series-diff.txt"; then
	echo "series: the tree the series makes differs from $tree:" >&2
	head -20 "$build/series-diff.txt" >&2
	exit 1
fi
echo "$inputs" > "$build/series-applied"
echo "  SERIES  git am: $n patches apply; the tree equals the harness's"
