import { randomBytes } from 'node:crypto';
import { RescueError } from '../errors/rescue-error.js';

/**
 * The read-only POSIX sh collector, typed through a console or run over SSH (the caller decides).
 * Runs under dash and busybox ash; needs only sed, awk, grep, stat -c (GNU and busybox), readlink -f.
 *
 * Output: sections introduced by `@@VR <tag> ...` lines. The marker is written as `"@@""VR"` in the
 * script so the console's echo of the typed script never looks like output. Files are printed with
 * `sed -n l`: every byte visible (BOM as \357\273\277, CR as \r), lines end in `$`, long lines are
 * folded with a trailing `\` — which also keeps console lines short. Config comment lines go out
 * empty (line numbers stay right; sshd ignores them), and `sshd -T` without the long algorithm and
 * Kerberos/GSSAPI lines no check reads: on a 115200-baud console every KB received costs 90 ms. busybox sed prints nothing for
 * `l`, so there (tested once per run) files go out as `od -tx1` hex after an `x` marker.
 *
 * Safety: reads only; never prints /etc/shadow hashes (status letter + aging fields only); prints a
 * key file only if it is a regular file ≤ 64 KiB whose real path is the configured path or inside the
 * home; a file holding a private key yields only its BEGIN header line.
 *
 * Tags: BEGIN/END nonce, V version, O os-release, t rc (sshd -t), F file (config), P passwd, G group,
 * T user rc (sshd -T), S user (shadow status), H user (shell + ~/.ssh entries), K path (key chain:
 * stat lines `mode uid gid size type|name`, `- name` when absent), R realpath, C (contents), X
 * (private key header), x (the preceding file as hex), D (sshd processes), U (systemd units), L (listeners), W (firewall),
 * Z (sudo/doas rules), J (log lines). After E, each user's home is searched (3 levels, 8 hits) for key
 * files put where sshd never looks (~/ssh, ~/.ssh/.ssh, authorized_keys.txt, ~/authorized_keys): they
 * come out as K sections too, so the parser needs nothing new.
 */
const SCRIPT = String.raw`
PATH=$PATH:/usr/sbin:/sbin
m(){ echo "@@""VR $*";}
s(){ stat -c '%a %u %g %s %F|%n' "$1"||echo "- $1";}
d(){ if [ "$l" ];then sed -n "$2l" "$1";else m x;od -An -v -tx1 "$1";fi;}
w(){ p=$1;while s "$p";[ "$p" != / ];do p=$(dirname "$p");done;}
k(){ m K "$1";w "$1";r=$(readlink -f "$1")||r=$1;[ "$r" = "$1" ]||{ m R "$r";w "$r";}
[ -f "$r" ]&&[ $(wc -c <"$r") -lt 65537 ]&&case $r in "$1"|"$h"/*)
if grep -qE 'PRIVATE KEY|PuTTY-U' "$r";then m X;grep -E '^(-----BEGIN|PuTTY-U)' "$r"|cut -c1-60;else m C;d "$r";fi;;esac;}
c(){ for f;do [ -f "$f" ]&&[ $n -lt 40 ]&&{ n=$((n+1));m F "$f";d "$f" 's/^[[:space:]]*#.*//;';c $(awk 'tolower($1)=="include"{$1="";print}' "$f");};done;}
l=$(echo|sed -n l);m BEGIN $N
m V;sshd -V 2>&1;grep ^ID /etc/os-release
o=$(sshd -t 2>&1);m t $?;echo "$o"
n=0;cd /etc/ssh&&c sshd_config;cd /
m P;cat /etc/passwd;m G;cat /etc/group
for u in $U;do
o=$(sshd -T -C user=$u,host=$A,addr=$A 2>&1);m T $u $?;echo "$o"|grep -vE '^(kexa|ciphers|macs|hostkeyal|hostbased|casig|gssapi|kerberos)'
m S $u;awk -F: -v u=$u '$1==u{p=$2;l=p~/^!/?"L":"";sub(/^!+/,"",p);print l (p==""?"E":length(p)>9?"P":"N"),$3,$4,$5,$6,$7,$8}' /etc/shadow
e=$(grep "^$u:" /etc/passwd);h=$(echo "$e"|cut -d: -f6)
m H $u;s "$(echo "$e"|cut -d: -f7)";ls -A "$h/.ssh"
M="$M
$(find "$h" -maxdepth 3 \( -ipath '*autho*' -o -iname '*.pub' \)|head -9)"
for f in $(echo "$o"|awk '$1=="authorizedkeysfile"{$1="";print}');do
f=$(echo "$f"|sed "s|%h|$h|g;s|%u|$u|g;s|%%|%|g");case $f in /*);;*)f=$h/$f;;esac;k "$f";done
done
m E;h=/root;for f in /root/.ssh/authorized_keys /home/*/.ssh/authorized_keys;do [ -e "$f" ]&&k "$f";done
echo "$M"|while read -r f;do [ "$f" ]&&k "$f";done
m D;grep ^sshd /proc/[0-9]*/comm|head
m U;systemctl is-active ssh sshd ssh.socket sshd.socket
m L;{ ss -ltnp||netstat -ltnp||netstat -ltn;}|grep -iE 'ssh|:22 '
m W;{ nft list ruleset||iptables -S;}|head -80
m Z;grep -hE '^[^#]*(ALL|permit)' /etc/sudoers /etc/sudoers.d/* /etc/doas.conf /etc/doas.d/*
m J;{ journalctl -qn40 -u 'ssh*'||tail -n60 /var/log/auth.log /var/log/secure /var/log/messages;}|grep -i ssh|tail -n40
m END $N
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
  const nonce = opts.nonce ?? randomBytes(4).toString('hex');
  if (!/^[0-9a-z]{4,16}$/.test(nonce)) throw new RescueError('usage', { message: 'invalid collector nonce' });
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
