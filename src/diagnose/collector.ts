import { randomBytes } from 'node:crypto';
import { RescueError } from '../errors/rescue-error.js';

/**
 * The read-only POSIX sh collector, typed through a console or run over SSH (the caller decides).
 * Runs under dash and busybox ash; needs only sed, awk, grep, od, stat -c (GNU and busybox), readlink.
 *
 * Framing (what makes the output unforgeable by the server's users): the body runs into one awk that
 * emits `@@VR <nonce> BEGIN`, then every section as `@@VR <nonce> <seq> <tag> [args…] <lines>` followed
 * by exactly <lines> lines, then `@@VR <nonce> END <sections>`. The nonce is secret per run; a line
 * only opens a section when it is counted as a header, so nothing inside a section (a file's text, a
 * log line) can open one, and a cut-off or padded run does not add up. The marker is written `"@@""VR"`
 * in the script so the console's echo of the typed script never looks like output.
 *
 * Encoding: every user-controlled name or text travels encoded — paths and names as one hex token
 * (`x`), file contents with `sed -n l` (every byte visible, lines end in `$` or a fold `\`; busybox sed
 * prints nothing for `l`, so there files go out as `od` hex after an `x` section), directory listings
 * and private key headers as `od` hex. passwd and group go out without their user-editable fields
 * (password, GECOS). Nothing user-controlled passes through `echo` (dash expands backslashes).
 * `sshd -T` needs /run/sshd, which an idle socket-activated sshd does not have: then `sshd -GT`
 * (OpenSSH 10: the same effective config, without that check) is tried after it.
 * Config comment lines go out empty (line numbers stay right), except this product's own (`# vps-rescue …`,
 * the `# BEGIN/END vps-rescue-window` markers): its drop-ins are then seen whole, for their diffs. And `sshd -T` without the long
 * algorithm and Kerberos/GSSAPI lines no check reads: on a 115200-baud console every KB costs 90 ms.
 *
 * Safety: reads only; never prints /etc/shadow hashes (status letter + aging fields only); prints a
 * key file only if it is a regular file ≤ 64 KiB whose real path is the configured path or inside the
 * home, opened once (fd 3) and checked on the open file: its kernel path is still that path, it has one
 * link and belongs to the user or root — otherwise a `Q links uid` section says why it was withheld. A
 * file holding a private key yields only its BEGIN header line.
 *
 * Adding a section: `m TAG [args]` then whatever prints its lines (encoded if a user controls them);
 * the parser must know TAG (src/diagnose/parser.ts), or it rejects the whole run.
 *
 * Tags: V version, O os-release, t rc (sshd -t), F hexpath (config), P passwd (name:uid:gid:home:shell),
 * G group (name:gid:members), T user rc (sshd -T), S user (shadow status), H user (shell stat + hex of
 * the first 64 ~/.ssh names: a folder stuffed with names must not flood the console), Y (host public keys), K hexpath (key chain: one stat line `mode uid gid size links
 * type`, or `-` when absent, for the path and each parent up to /), R hexpath (realpath), C (contents), X (hex of private key headers),
 * Q links uid (withheld), x (the preceding file as hex), D (sshd processes), U (systemd units, then
 * where ssh.socket listens and its drop-ins),
 * (only where systemd runs: the transactions take an empty section for another init),
 * L (listeners), W (firewall), M (SELinux: getenforce, `restorecon -nv` of the key files and their folders — no -R, so
 * only paths chosen here appear — and the ssh_port_t line of `semanage port -l`), Z (sudo/doas rules),
 * J (log lines).
 *
 * Each user's home is also searched (3 levels, 9 hits) for key files put where sshd never looks
 * (~/ssh, ~/.ssh/.ssh, authorized_keys.txt, ~/authorized_keys): they come out as K sections inside
 * that user's section, read under the same rules (the parser takes them only below that home).
 */
/** The collector reads at most this many config files (an Include loop must end): past it, absent proves nothing. */
export const CONFIG_FILES_MAX = 40;

const SCRIPT = String.raw`
PATH=$PATH:/usr/sbin:/sbin
m(){ echo "@@""VR $N $*";}
v(){ od -An -v -tx1 "$@";}
x(){ printf %s "$1"|v|tr -d ' \n';}
s(){ stat -c '%a %u %g %s %h %F' "$1"||echo -;}
d(){ if [ "$l" ];then sed -n "$2l" "$1";else m x;v "$1";fi;}
w(){ p=$1;while s "$p";[ "$p" != / ];do p=$(dirname "$p");done;}
z(){ q=/proc/self/fd/3;[ "$(readlink $q)" = "$r" ]||return;set -- $(stat -Lc '%h %u %s' $q)
case $1:$2 in 1:0|1:$i)[ $3 -lt 65537 ]||return;if grep -qE 'PRIVATE KEY|PuTTY-U' $q;then m X;grep -E '^(-----BEGIN|PuTTY-U)' $q|cut -c1-60|v;else m C;d $q;fi;;*)m Q $1 $2;esac;}
k(){ m K $(x "$1");w "$1";r=$(readlink -f "$1")||r=$1;[ "$r" = "$1" ]||{ m R $(x "$r");w "$r";}
[ -f "$r" ]&&case $r in "$1"|"${'$'}{h:-/-}"/*)z 3<"$r";;esac;}
a(){ printf %s "$e"|cut -d: -f$1;}
O(){ printf '%s\n' "$o";}
c(){ for f;do [ -f "$f" ]&&[ $n -lt ${CONFIG_FILES_MAX} ]&&{ n=$((n+1));m F $(x "$f");d "$f" '/^# [A-Z ]*vps-rescue/!s/^[[:space:]]*#.*//;';c $(awk 'tolower($1)=="include"{$1="";print}' "$f");};done;}
{ l=$(echo|sed -n l)
m V;sshd -V 2>&1;grep ^ID /etc/os-release
o=$(sshd -t 2>&1);m t $?;O
n=0;cd /etc/ssh&&c sshd_config;cd /
m P;cut -d: -f1,3,4,6,7 /etc/passwd;m G;cut -d: -f1,3,4 /etc/group
for u in $U;do
y=user=$u,host=$A,addr=$A;o=$(sshd -T -C $y 2>&1||sshd -GT -C $y 2>&1);m T $u $?;O|grep -vE '^(kexa|ciphers|macs|hostkeyal|hostbased|casig|gssapi|kerberos)'
m S $u;awk -F: -v u=$u '$1==u{p=$2;l=p~/^!/?"L":"";sub(/^!+/,"",p);print l (p==""?"E":length(p)>9?"P":"N"),$3,$4,$5,$6,$7,$8}' /etc/shadow
e=$(grep "^$u:" /etc/passwd);h=$(a 6);i=$(a 3)
m H $u;s "$(a 7)";ls -A "$h/.ssh"|head -n 64|v
for f in $(O|awk '$1=="authorizedkeysfile"{$1="";print}');do
f=$(printf %s "$f"|sed "s|%h|$h|g;s|%u|$u|g;s|%%|%|g");case $f in /*);;*)f=$h/$f;;esac;k "$f";Z="$Z $f ${'$'}{f%/*}";done
find "$h" -maxdepth 3 \( -ipath '*autho*' -o -iname '*.pub' \)|head -9|while IFS= read -r f;do case $f in "$h"/?*)k "$f";;esac;done
done
m Y;for f in $(O|sed -n 's/^hostkey //p');do ssh-keygen -yf $f;done
m E;for f in /root/.ssh/authorized_keys /home/*/.ssh/authorized_keys;do h=${'$'}{f%/.ssh/*};i=$(stat -c %u "$h");[ -e "$f" ]&&k "$f";done
m D;grep ^sshd /proc/[0-9]*/comm|head
m U;[ -d /run/systemd/system ]&&{ systemctl is-active ssh sshd ssh.socket sshd.socket;systemctl show -pId,Listen,DropInPaths ssh.socket;}
m L;{ ss -ltnp||netstat -ltnp||netstat -ltn;}|grep -iE 'ssh|:22 '
m W;{ nft list ruleset||iptables -S;}|head -80
m M;getenforce&&restorecon -nv $Z;semanage port -l|grep ^ssh
m Z;grep -hE '^[^#]*(ALL|permit)' /etc/sudoers /etc/sudoers.d/* /etc/doas.conf /etc/doas.d/*
m J;{ journalctl -qn40 -u 'ssh*'||tail -n60 /var/log/auth.log /var/log/secure /var/log/messages;}|grep -i ssh|tail -n40
}|awk -v P="@@""VR $N" 'function f(){if(h)print h,c b;b="";c=0}BEGIN{print P,"BEGIN"}
index($0,P" ")==1{f();h=P" "++s substr($0,length(P)+1);next}{b=b"\n"$0;c++}END{f();print P,"END",s}'
`;

export interface CollectorOptions {
  /** users of interest, login user first (e.g. ['alice', 'root']) */
  users: string[];
  /** the address the verification login will come from (sshd -T -C addr=) */
  clientAddress: string;
  /** marks this run's output; random by default */
  nonce?: string;
}

export interface CollectorScript {
  /** the script to type or send: one line per command, no comments */
  script: string;
  nonce: string;
}

const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const ADDRESS = /^[0-9a-f.:]{2,45}$/i;

/** The collector, ready to run, with its inputs validated (they are pasted into a shell). */
export function buildCollector(opts: CollectorOptions): CollectorScript {
  const bad = opts.users.find((u) => !USER_NAME.test(u));
  if (bad !== undefined || opts.users.length === 0)
    throw new RescueError('usage', { message: `invalid user name for the collector: ${bad}` });
  if (!ADDRESS.test(opts.clientAddress))
    throw new RescueError('usage', { message: `invalid client address: ${opts.clientAddress}` });
  // 64 secret bits: no user on the server sees it (the file holding it is root's alone), so none can forge a section.
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  if (!/^[0-9a-z]{4,32}$/.test(nonce)) throw new RescueError('usage', { message: 'invalid collector nonce' });
  // A subshell keeps variables, functions and cd out of the operator's shell; its stderr is dropped
  // once for all (messages of tools a system lacks are only noise on a console).
  const header = `(U='${opts.users.join(' ')}';A=${opts.clientAddress};N=${nonce}`;
  return { script: `${header}\n${minify(SCRIPT)}\n)2>/dev/null\n`, nonce };
}

/** Drop blank lines and indentation: the console is slow and every byte is typed. */
function minify(script: string): string {
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
}
