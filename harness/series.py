#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""series.py: the patch series a reviewer gets, made from the project.

  series.py check   SPLIT                       every change in one patch
  series.py commits SPLIT GITDIR BASE          commit the series on BASE
  series.py cover   TEMPLATE RESULTS SERIESDIR  fill in the cover letter

The split (series/split) declares the patches in order.  A block starts
with "patch", and holds:

  subject TEXT         the patch's subject line
  from PATCHFILE       subject and message from an existing patches/ file
  file PATH...         project files this patch adds, whole or in part;
                       DIR/ is every file under DIR no other "file" names
  apply PATCHFILE [PATH...]
                       apply a patches/ file (only those paths of it)
  take PATH RE         the lines each match of the regular expression RE
                       (re.M, over the whole file) spans belong to this
                       patch; no blank in RE: \s or \x20
  take PATH START END  the lines of PATH from each line that matches START
                       to the next that matches END belong to this patch
  early PATH RE TEXT   before this patch, the line of PATH that matches RE
                       reads TEXT (\\t is a tab)
  text                 the rest of the block, up to the next "patch", is
                       the commit message's body

A file belongs to the patch that lists it in "file", except the lines a
later patch takes (the last patch that takes a line has it); a tree path differs from the project path only under
the "map" prefixes declared at the top ("map man/ tools/lib/script/man/").
"check" fails unless every file the project puts in the kernel tree is in
exactly one "file" line, every line taken once, every patches/ file
applied once per path, and every START, END and RE matches.
"""

import json
import os
import re
import subprocess
import sys
import textwrap

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))

# What the project puts in the kernel tree: harness/tree.sh copies the
# same, and applies patches/*.patch.
TREE_DIRS = ['kernel/script', 'tools/lib/script',
             'tools/testing/selftests/script', 'man']

TREE_FILES = ['include/uapi/linux/script.h',
              'Documentation/userspace-api/script.rst']


class SplitError(Exception):
    pass


def die(msg):
    print('series: ' + msg, file=sys.stderr)
    sys.exit(1)


def git(*args, gitdir=None, env=None, inp=None):
    cmd = ['git']
    if gitdir:
        cmd += ['--git-dir', gitdir]
    cmd += list(args)
    r = subprocess.run(cmd, input=inp, capture_output=True, env=env)
    if r.returncode:
        raise SplitError('%s: %s' % (' '.join(cmd),
                                     r.stderr.decode(errors='replace')))
    return r.stdout


def project_files():
    out = git('-C', TOP, 'ls-files', '--', *TREE_DIRS, *TREE_FILES)
    return sorted(f for f in out.decode().split('\n') if f)


def patch_paths(patchfile):
    paths = []
    with open(os.path.join(TOP, patchfile), encoding='utf-8') as f:
        for line in f:
            if line.startswith('+++ b/'):
                paths.append(line[6:].rstrip('\n'))
    return paths


def patch_message(patchfile):
    """The subject and body of a git format-patch file."""
    with open(os.path.join(TOP, patchfile), encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = next(n for n, l in enumerate(lines) if l.startswith('Subject: '))
    subject = lines[i][len('Subject: '):]
    i += 1
    while lines[i].startswith(' '):
        subject += lines[i]
        i += 1
    subject = re.sub(r'^\[PATCH[^\]]*\]\s*', '', subject)
    body = []
    for l in lines[i + 1:]:
        if l == '---' or l.startswith('Signed-off-by: '):
            break
        body.append(l)
    return subject, '\n'.join(body).strip('\n')


class Patch:
    def __init__(self, index):
        self.index = index
        self.subject = None
        self.body = []
        self.files = []
        self.applies = []	# (patchfile, [paths] or None)
        self.takes = []		# (path, start, end)
        self.earlies = []	# (path, re, text)


def parse(split):
    maps = []
    patches = []
    cur = None
    intext = False
    with open(split, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            where = '%s:%d' % (split, n)
            if line == 'patch':
                cur = Patch(len(patches))
                patches.append(cur)
                intext = False
                continue
            if intext:
                cur.body.append(line)
                continue
            if not line.strip() or line.startswith('#'):
                continue
            words = line.split()
            key, args = words[0], words[1:]
            if key == 'map' and cur is None and len(args) == 2:
                maps.append((args[0], args[1]))
                continue
            if cur is None:
                raise SplitError('%s: "%s" before any "patch"' % (where, key))
            if key == 'subject':
                cur.subject = line.split(None, 1)[1]
            elif key == 'from' and len(args) == 1:
                cur.subject, body = patch_message(args[0])
                cur.body = body.split('\n')
                cur.applies.append((args[0], None))
            elif key == 'file':
                cur.files += args
            elif key == 'apply' and args:
                cur.applies.append((args[0], args[1:] or None))
            elif key == 'take' and len(args) in (2, 3):
                cur.takes.append((args[0], re.compile(args[1], re.M),
                                  re.compile(args[2]) if len(args) == 3
                                  else None, where))
            elif key == 'early' and len(args) >= 2:
                text = line.split(None, 3)[3] if len(args) > 2 else ''
                cur.earlies.append((args[0], re.compile(args[1]),
                                    text.replace('\\t', '\t'), where))
            elif key == 'text':
                intext = True
            else:
                raise SplitError('%s: cannot read "%s"' % (where, line))
    for p in patches:
        if not p.subject:
            raise SplitError('patch %d has no subject' % (p.index + 1))
        while p.body and not p.body[-1].strip():
            p.body.pop()
        while p.body and not p.body[0].strip():
            p.body.pop(0)
        if not p.body:
            raise SplitError('patch %d (%s) has no message'
                             % (p.index + 1, p.subject))
    return maps, patches


def tree_path(maps, path):
    for src, dst in maps:
        if path.startswith(src):
            return dst + path[len(src):]
    return path


def is_text(path):
    with open(os.path.join(TOP, path), 'rb') as f:
        data = f.read()
    if b'\0' in data:
        return False
    try:
        data.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return True


def owners(patches):
    """Each project file's patch, and each line's owner where split."""
    files = project_files()
    owner = {}
    listed = set(f for p in patches for f in p.files)
    for p in patches:
        for d in [f for f in p.files if f.endswith('/')]:
            under = [f for f in files if f.startswith(d) and f not in listed]
            if not under:
                raise SplitError('patch %d: no file under %s'
                                 % (p.index + 1, d))
            p.files.remove(d)
            p.files += under
    for p in patches:
        for f in p.files:
            if f not in files:
                raise SplitError('patch %d: %s is no file of the project '
                                 '(git ls-files)' % (p.index + 1, f))
            if f in owner:
                raise SplitError('%s is in patches %d and %d'
                                 % (f, owner[f] + 1, p.index + 1))
            owner[f] = p.index
    missing = [f for f in files if f not in owner]
    if missing:
        raise SplitError('in no patch: ' + ' '.join(missing))

    lines = {}		# path -> [owner per line]
    texts = {}

    def load(path, where):
        """PATH's lines, each owned by its file's patch until taken."""
        if path not in texts:
            if not is_text(path):
                raise SplitError('%s: %s is not text' % (where, path))
            with open(os.path.join(TOP, path), encoding='utf-8') as f:
                texts[path] = f.read().split('\n')
            lines[path] = [owner[path]] * len(texts[path])
        return texts[path]

    for p in patches:
        for path, start, end, where in p.takes:
            if path not in owner:
                raise SplitError('%s: %s is in no patch' % (where, path))
            if owner[path] >= p.index:
                raise SplitError('%s: %s comes in patch %d, not before'
                                 % (where, path, owner[path] + 1))
            text = load(path, where)
            spans = []
            if end is None:
                whole = '\n'.join(text)
                for m in start.finditer(whole):
                    if m.end() > m.start():
                        spans.append((whole.count('\n', 0, m.start()),
                                      whole.count('\n', 0, m.end() - 1)))
            else:
                i = 0
                while i < len(text):
                    if not start.search(text[i]):
                        i += 1
                        continue
                    j = i
                    while j < len(text) and not end.search(text[j]):
                        j += 1
                    if j == len(text):
                        raise SplitError('%s: no line of %s after %d '
                                         'matches %s' % (where, path, i + 1,
                                                         end.pattern))
                    spans.append((i, j))
                    i = j + 1
            hit = bool(spans)
            for i, j in spans:
                for k in range(i, j + 1):
                    if lines[path][k] == p.index:
                        raise SplitError('%s: line %d of %s is taken '
                                         'twice' % (where, k + 1, path))
                    lines[path][k] = p.index
            if not hit:
                raise SplitError('%s: no line of %s matches %s'
                                 % (where, path, start.pattern))
    for p in patches:
        for path, rx, _text, where in p.earlies:
            if path not in owner or owner[path] >= p.index:
                raise SplitError('%s: %s must come before this patch'
                                 % (where, path))
            hits = [i for i, l in enumerate(load(path, where))
                    if rx.search(l)]
            if len(hits) != 1:
                raise SplitError('%s: %d lines of %s match %s, not one'
                                 % (where, len(hits), path, rx.pattern))

    applied = {}
    for p in patches:
        for pf, paths in p.applies:
            if not os.path.exists(os.path.join(TOP, pf)):
                raise SplitError('patch %d: no %s' % (p.index + 1, pf))
            have = patch_paths(pf)
            for path in paths or have:
                if path not in have:
                    raise SplitError('patch %d: %s does not change %s'
                                     % (p.index + 1, pf, path))
                if (pf, path) in applied:
                    raise SplitError('%s of %s is applied twice' % (path, pf))
                applied[(pf, path)] = p.index
    for pf in sorted(os.listdir(os.path.join(TOP, 'patches'))):
        if not pf.endswith('.patch'):
            continue
        for path in patch_paths('patches/' + pf):
            if ('patches/' + pf, path) not in applied:
                raise SplitError('%s of patches/%s is in no patch'
                                 % (path, pf))
    return owner, lines, texts


def stage_text(patches, text, line_owner, path, k):
    """PATH as it reads after patch K."""
    out = []
    for i, l in enumerate(text):
        if line_owner[i] > k:
            continue
        for p in patches[k + 1:]:
            for epath, rx, etext, _where in p.earlies:
                if epath == path and rx.search(l):
                    l = etext
                    break
            else:
                continue
            break
        out.append(l)
    return '\n'.join(out)


def commits(split, gitdir, base):
    maps, patches = parse(split)
    owner, lines, texts = owners(patches)
    author = 'script(2) developers'
    email = 'script@example.org'
    date = git('-C', TOP, 'log', '-1', '--format=%aD').decode().strip()
    env = dict(os.environ, GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL=email,
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
               GIT_INDEX_FILE=os.path.join(gitdir, 'series-index'))
    git('read-tree', base, gitdir=gitdir, env=env)
    head = base
    for p in patches:
        touched = set(p.files)
        for path, *_ in p.takes:
            touched.add(path)
        for path, *_ in p.earlies:
            touched.add(path)
        for path in sorted(touched):
            if owner[path] > p.index:
                continue
            if path in lines:
                data = stage_text(patches, texts[path], lines[path], path,
                                  p.index).encode()
            else:
                with open(os.path.join(TOP, path), 'rb') as f:
                    data = f.read()
            blob = git('hash-object', '-w', '--stdin', gitdir=gitdir,
                       inp=data).decode().strip()
            mode = '100755' if os.access(os.path.join(TOP, path),
                                         os.X_OK) else '100644'
            git('update-index', '--add', '--cacheinfo',
                '%s,%s,%s' % (mode, blob, tree_path(maps, path)),
                gitdir=gitdir, env=env)
        for pf, paths in p.applies:
            args = ['apply', '--cached']
            for path in paths or []:
                args += ['--include', path]
            git(*args, os.path.join(TOP, pf), gitdir=gitdir, env=env)
        tree = git('write-tree', gitdir=gitdir, env=env).decode().strip()
        msg = '%s\n\n%s\n\nSigned-off-by: %s <%s>\n' % (
            p.subject, '\n'.join(p.body), author, email)
        head = git('commit-tree', tree, '-p', head, gitdir=gitdir, env=env,
                   inp=msg.encode()).decode().strip()
    print(head)


def cover(template, results, seriesdir):
    """Fill the cover letter git format-patch wrote from TEMPLATE."""
    with open(template, encoding='utf-8') as f:
        tmpl = f.read()
    try:
        with open(results, encoding='utf-8') as f:
            res = json.load(f)
    except (OSError, ValueError):
        res = {}
    subject, _, body = tmpl.partition('\n\n')
    subject = subject.replace('Subject: ', '', 1)
    for key, val in bench_fields(res).items():
        body = body.replace('@%s@' % key, val)
    left = re.findall(r'@[A-Z_]+@', body)
    if left:
        raise SplitError('%s: no value for %s' % (template, ' '.join(left)))
    name = next(f for f in sorted(os.listdir(seriesdir))
                if f.startswith('0000-'))
    path = os.path.join(seriesdir, name)
    with open(path, encoding='utf-8') as f:
        letter = f.read()
    letter = letter.replace('*** SUBJECT HERE ***', subject.strip())
    letter = letter.replace('*** BLURB HERE ***', body.strip('\n'))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(letter)


def bench_fields(res):
    """@NAME@ values for the cover letter, from bench/results.json."""
    guest = res.get('guest', {})
    host = res.get('host', {})
    return {
        'BENCH_DATE': str(res.get('date', 'never: run make bench'))[:16]
                      .replace('T', ' '),
        'BENCH_HOST': '%s, %s CPUs, %s' % (host.get('cpu', '?'),
                                           host.get('nproc', '?'),
                                           host.get('accel', '?')),
        'BENCH_GUEST': guest.get('uname', '?'),
        'BENCH_TABLE': bench_table(res.get('targets', [])),
    }


def fmt(v):
    if not isinstance(v, (int, float)):
        return str(v)
    return '%.3g' % v if abs(v) < 100 else '%.0f' % v


def bench_table(targets):
    """The targets of make bench: guest (TCG) and native rows apart."""
    if not targets:
        return '  (no bench/results.json: run make bench)'
    out = []
    for title, native in (('In the guest (QEMU TCG, 2 vCPUs):', False),
                          ('Native (bench/native on the host, the kernel '
                           'code built in user space: a projection):',
                           True)):
        out.append(title)
        for t in targets:
            if ('native' in t.get('name', '')) != native:
                continue
            nums = fmt(t.get('num_median'))
            if t.get('den_median') is not None:
                nums += ' / ' + fmt(t.get('den_median'))
            out.append(textwrap.fill(t.get('name', ''), 72,
                                     initial_indent='  %-4s ' % (
                                         'ok' if t.get('status') == 'pass'
                                         else 'miss'),
                                     subsequent_indent=' ' * 7))
            out.append('       = %s %s, ratio %s, limit %s'
                       % (nums, t.get('unit', ''), fmt(t.get('ratio', '-')),
                          fmt(t.get('max', '-'))))
        out.append('')
    return '\n'.join(out).rstrip('\n')


def main():
    if len(sys.argv) < 3:
        die(__doc__)
    try:
        if sys.argv[1] == 'check':
            _maps, patches = parse(sys.argv[2])
            owners(patches)
            print('series: %d patches, every change in one' % len(patches))
        elif sys.argv[1] == 'commits' and len(sys.argv) == 5:
            commits(*sys.argv[2:])
        elif sys.argv[1] == 'cover' and len(sys.argv) == 5:
            cover(*sys.argv[2:])
        else:
            die(__doc__)
    except SplitError as e:
        die(str(e))


if __name__ == '__main__':
    main()
