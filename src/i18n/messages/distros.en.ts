/** Messages of the RHEL family's and SELinux's causes (crypto policy, file labels, port labels). */
export const distrosEn = {
  'diagnose.cause.policy.crypto-policy':
    'The system-wide crypto policy ({path}) does not accept {type} keys, so the key of {user} in {keyFile} is refused.',
  'diagnose.fix.policy.crypto-policy':
    'Log in with a key of a type the policy accepts (ecdsa or rsa), or change the policy with update-crypto-policies if that is intended; the rescue does not weaken it.',
  'diagnose.cause.keys.selinux-context':
    'SELinux denies sshd reading {path}: its type is {current}, the policy wants {expected} ({count} path(s) of the key chain).',
  'diagnose.fix.keys.selinux-context': 'Restore the labels: restorecon -R -v on the key chain of {user}.',
  'diagnose.cause.daemon.selinux-port':
    'SELinux ({mode}) does not let sshd bind port {port}: the port is not labelled ssh_port_t.',
  'diagnose.fix.daemon.selinux-port':
    'Label the port: semanage port -a -t ssh_port_t -p tcp {port}, then reload sshd.',
} as const;
