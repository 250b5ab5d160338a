import type { distrosEn } from './distros.en.js';

/** RHEL 系と SELinux の原因(暗号ポリシー、ファイルのラベル、ポートのラベル)の文言。 */
export const distrosJa: Record<keyof typeof distrosEn, string> = {
  'diagnose.cause.policy.crypto-policy':
    'システム全体の暗号ポリシー({path})が {type} の鍵を受け付けないため、{keyFile} にある {user} の鍵は拒否されます。',
  'diagnose.fix.policy.crypto-policy':
    'ポリシーが受け付ける種類の鍵(ecdsa か rsa)でログインするか、意図した変更でなければ update-crypto-policies でポリシーを戻してください。レスキューはポリシーを弱めません。',
  'diagnose.cause.keys.selinux-context':
    'SELinux が sshd による {path} の読み取りを拒否しています。タイプが {current} で、ポリシーの指定は {expected} です(鍵のパスのうち {count} 件)。',
  'diagnose.fix.keys.selinux-context': 'ラベルを戻してください: {user} の鍵のパスに restorecon -R -v。',
  'diagnose.cause.daemon.selinux-port':
    'SELinux({mode})が sshd にポート {port} の使用を許しません。このポートに ssh_port_t のラベルがありません。',
  'diagnose.fix.daemon.selinux-port':
    'ポートにラベルを付けてください: semanage port -a -t ssh_port_t -p tcp {port} の後、sshd を reload。',
};
