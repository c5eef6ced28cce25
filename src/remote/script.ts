/**
 * What runs on the remote host before the agent: a fixed one-line command for the login shell, the
 * sh script it reads from stdin, and the Node bootstrap that runs the streamed bundle.
 *
 * The exchange on the connection (one ssh connection; the remote's lines start with a random marker
 * on a line of their own, so nothing the login prints reaches the protocol):
 *
 *   local -> remote   the script (exactly the byte count named in the command line)
 *   remote -> local   M hello MACHINE XZ(0|1) NODE_VERSION|- [SHA256 of each cached binary...]
 *   local -> remote   `node SIZE` + SIZE bytes of gzipped bundle
 *                   | `run SHA256`                    (a cached binary)
 *                   | `put SHA256 SIZE xz|gz` + SIZE bytes of the compressed binary
 *   remote -> local   M go        (then the agent owns stdin and stdout)
 *                   | M missing   (`run` of a file that vanished: local sends `put`)
 *                   | M error TEXT
 */

/** sh single-quoting: any string as one word, for any POSIX sh */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The remote command line: the same for every login shell (sh, bash, zsh, fish, csh/tcsh: no
 * newline, no `!`, no backslash, nothing but single quotes and words those shells read alike). It
 * reads exactly SCRIPTBYTES bytes of stdin (dd bs=1 never reads ahead) and runs them in /bin/sh.
 */
export function remoteCommand(scriptBytes: number): string {
  return `exec /bin/sh -c 'eval "$(dd bs=1 count=${scriptBytes} 2>/dev/null)"'`;
}

/**
 * Node side: read exactly argv[1] bytes of gzipped bundle from fd 0 (blocking reads of at most
 * the bytes still wanted, so the protocol after it stays unread), then run the bundle as
 * `diskblame ARGS` from a data: URL. No file is written. Kept free of single quotes (it sits in a
 * single-quoted sh word). Old Node versions fail on it with a syntax error at worst: the version is
 * checked before it is chosen.
 */
export const NODE_BOOTSTRAP = [
  'const fs=require("fs"),n=+process.argv[1],b=Buffer.alloc(n);let o=0;',
  'while(o<n){let r;try{r=fs.readSync(0,b,o,n-o,null)}catch(e){if(e.code!=="EAGAIN")throw e;',
  'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,5);continue}',
  'if(!r){process.stderr.write("diskblame: the connection ended before the program arrived\\n");process.exit(1)}o+=r}',
  'process.argv=[process.execPath,"diskblame",...process.argv.slice(2)];',
  'import("data:text/javascript;base64,"+require("zlib").gunzipSync(b).toString("base64"))',
  '.catch(e=>{process.stderr.write("diskblame: "+(e&&e.message||e)+"\\n");process.exit(1)})',
].join('');

/**
 * The sh script (POSIX sh; every tool it uses is in coreutils or busybox: uname, dd, head -c, find,
 * id, mkdir, chmod, mv, rm, gzip/xz, sha256sum). MARKER starts each of its lines; ARGS are the
 * agent's arguments.
 */
export function remoteScript(marker: string, args: string[]): string {
  if (NODE_BOOTSTRAP.includes("'")) throw new Error('bootstrap must not hold a single quote');
  return `set -- ${args.map(shQuote).join(' ')}
M=${marker}
B='${NODE_BOOTSTRAP}'
say() { printf '\\n%s %s\\n' "$M" "$*"; }
t=
die() { [ -z "$t" ] || rm -f "$t"; say error "$*"; exit 1; }
a=$(uname -m 2>/dev/null </dev/null) || a=unknown
v=-
if command -v node >/dev/null 2>&1; then v=$(node -v 2>/dev/null </dev/null) || v=-; fi
case $v in v[0-9]*) ;; *) v=- ;; esac
x=0
command -v xz >/dev/null 2>&1 && x=1
case $XDG_CACHE_HOME in /*) c=$XDG_CACHE_HOME ;; *) c=$HOME/.cache ;; esac
c=$c/diskblame
d=$c/bin
u=$(id -u </dev/null)
l=
if [ -d "$d" ]; then
  for f in "$d"/*; do
    b=\${f##*/}
    case $b in *[!0-9a-f]*) ;; *) [ \${#b} -eq 64 ] && l="$l $b" ;; esac
  done
fi
say hello "$a" "$x" "$v$l"
own() { [ -n "$(find "$1" -prune -type "$2" -user "$u" ! -perm -020 ! -perm -002 -print 2>/dev/null </dev/null)" ]; }
# every directory from the physical $1 up to / is root's or ours and writable by nobody else
# (sticky ones excepted, as /tmp): nobody else can swap what we are about to run
chain() {
  p=$1
  while :; do
    [ -n "$(find "$p" -prune -type d \\( -user 0 -o -user "$u" \\) \\( \\( ! -perm -020 ! -perm -002 \\) -o -perm -1000 \\) -print 2>/dev/null </dev/null)" ] ||
      die "$p can be changed by other users: not running a program kept under it"
    [ "$p" = / ] && break
    p=\${p%/*}
    [ -n "$p" ] || p=/
  done
}
safe() {
  own "$c" d || die "$c is not a directory of user $u that only it can write"
  own "$d" d || die "$d is not a directory of user $u that only it can write"
  D=$(cd -P "$d" 2>/dev/null </dev/null && pwd -P) || die "cannot enter $d"
  chain "$D"
}
while IFS=' ' read -r w h n z; do
  case $w in
  node)
    say go
    exec node -e "$B" -- "$h" "$@" ;;
  run)
    f=$d/$h
    [ -f "$f" ] || { say missing; continue; }
    ;;
  put)
    case $HOME$XDG_CACHE_HOME in /*) ;; *) die "no HOME to keep the program in" ;; esac
    umask 077
    mkdir -p "$d" 2>/dev/null </dev/null || die "cannot create $d"
    safe
    # temp files of uploads that were cut off (their shell is gone) go first
    for o in "$d"/.*.*; do
      [ -f "$o" ] || continue
      p=\${o##*.}
      case $p in '' | *[!0-9]*) continue ;; esac
      kill -0 "$p" 2>/dev/null || rm -f "$o"
    done
    f=$d/$h
    t=$d/.$h.$$
    trap 'rm -f "$t"' EXIT
    trap 'rm -f "$t"; exit 1' HUP INT TERM
    if [ "$z" = xz ]; then head -c "$n" | xz -dc >"$t"; else head -c "$n" | gzip -dc >"$t"; fi ||
      die "could not write $t (disk full?)"
    s=$(sha256sum "$t" 2>/dev/null </dev/null) || s=$(shasum -a 256 "$t" 2>/dev/null </dev/null) ||
      die "no sha256sum to check the upload with"
    [ "\${s%% *}" = "$h" ] || die "the upload arrived damaged (its sha256 differs)"
    chmod 700 "$t" && mv -f "$t" "$f" || die "cannot write $f"
    trap - EXIT HUP INT TERM
    ;;
  *) exit 1 ;;
  esac
  safe
  f=$D/$h
  own "$f" f || die "$f is not a file of user $u that only it can write: not running it"
  [ -x "$f" ] || die "cannot execute $f (is $d on a noexec mount?)"
  say go
  exec "$f" "$@"
done
exit 1
`;
}
