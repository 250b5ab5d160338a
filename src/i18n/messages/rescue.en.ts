/** English messages of the rescue area. Every key must exist in rescue.ja.ts too (enforced by its type). */
export const rescueEn = {
  'rescue.offers.none':
    "none known to vps-rescue for a direct console — use the provider panel's password reset, rescue system or run-command, then run vps-rescue again",
  // One sentence per diagnosis cause (src/diagnose/findings.ts), then the fix in words.
  'diagnose.cause.config.syntax': 'sshd_config has an error, so sshd cannot (re)start: {detail}',
  'diagnose.fix.config.syntax':
    'Correct or comment out the line named in the error, then check with `sshd -t` before restarting.',
  'diagnose.cause.daemon.down': 'sshd is not running ({unit}): {why}',
  'diagnose.down.config': 'its configuration does not pass `sshd -t` ({evidence}).',
  'diagnose.down.runtime-dir':
    'it was stopped and then started by hand, without the runtime directory /run/sshd the service creates ({evidence}).',
  'diagnose.down.port-taken': 'another program holds port {port}, so sshd could not listen ({evidence}).',
  'diagnose.down.crash': 'it crashed or was killed ({evidence}).',
  'diagnose.down.stopped': 'it was stopped (or never started) and nothing restarted it ({evidence}).',
  'diagnose.fix.daemon.down': 'Check the configuration with `sshd -t`, then start {unit}.',
  'diagnose.cause.daemon.listen':
    'sshd is running but does not listen where the client connects (port {port}; listening: {where}).{elsewhere}',
  'diagnose.listen.elsewhere':
    ' It listens on port {listenPort} ({address}) instead: connect there with `ssh -p {listenPort}`.',
  'diagnose.fix.daemon.listen':
    'Set Port/ListenAddress (or ssh.socket) so sshd listens on port {port} of a reachable address.',
  'diagnose.cause.daemon.socket-activation': 'SSH is socket-activated by {unit}: {state}',
  'diagnose.fix.daemon.socket-activation': '{todo} (socket unit: {unit})',
  // daemon.socket-activation: what the socket does against where the client connects ({kind}).
  'diagnose.socket.listening':
    'it listens on {listening}, where the client connects. A Port change in sshd_config takes effect only after `systemctl daemon-reload` and a restart of {unit}.',
  'diagnose.socket.stale':
    'sshd_config asks for port {configured}, but {unit} still listens on {listening}, so port {port}, where the client connects, is closed (the change was never applied with `systemctl daemon-reload` and a restart of {unit}).',
  'diagnose.socket.pinned':
    'it listens on {listening} as the drop-in {path} sets it, not on port {port} where the client connects.',
  'diagnose.socket.elsewhere':
    'it listens on {listening} and sshd_config asks for port {configured}, but the client connects to port {port}.',
  'diagnose.socket.unknown': 'Port and ListenAddress in sshd_config alone do not decide the port.',
  'diagnose.socketfix.listening':
    'To change the port: edit sshd_config, then `systemctl daemon-reload` and `systemctl restart {unit}`.',
  'diagnose.socketfix.stale':
    'Run `systemctl daemon-reload`, stop ssh.service, then `systemctl restart {unit}`: systemd then listens on port {configured}.',
  'diagnose.socketfix.pinned':
    'Set ListenStream= to port {port} in {path} (or remove that drop-in), then `systemctl daemon-reload` and `systemctl restart {unit}`.',
  'diagnose.socketfix.elsewhere':
    'Connect to the port {unit} listens on, or set Port {port} in sshd_config, then `systemctl daemon-reload` and `systemctl restart {unit}`.',
  'diagnose.socketfix.unknown':
    'Change the port where {unit} takes it from (systemctl cat {unit}), then restart {unit}.',
  'diagnose.cause.net.firewall': 'The server firewall blocks port {port}: {rule}',
  'diagnose.fix.net.firewall': 'Allow incoming TCP port {port} in the firewall.',
  'diagnose.cause.account.missing': 'The account {user} does not exist on this server.',
  'diagnose.fix.account.missing': 'Log in with an existing account, or create {user} first.',
  'diagnose.cause.account.shell':
    'The login shell of {user} ({shell}) does not exist, so sshd refuses the user.',
  'diagnose.fix.account.shell':
    'Give {user} an installed shell (chsh or usermod -s /bin/sh), or install {shell}.',
  'diagnose.cause.account.locked': 'The account {user} is locked and sshd checks it itself (UsePAM no).',
  'diagnose.fix.account.locked': 'Unlock {user} (usermod -U) or set a new password.',
  'diagnose.cause.policy.user-filter': 'sshd refuses {user} because of {keyword} {value}.',
  'diagnose.fix.policy.user-filter':
    'Add {user} to {keyword} or remove that line (typo?), then `sshd -t` and reload.',
  'diagnose.cause.policy.root-refused':
    'sshd refuses root logins (PermitRootLogin no), so {user} cannot log in.',
  'diagnose.fix.policy.root-refused':
    'Log in as an ordinary user with sudo, or set PermitRootLogin prohibit-password (keys only) for {user}.',
  'diagnose.cause.policy.pubkey-disabled':
    'Public key login is switched off for {user} (PubkeyAuthentication no).',
  'diagnose.fix.policy.pubkey-disabled':
    'Remove the PubkeyAuthentication no line for {user}, then `sshd -t` and reload.',
  'diagnose.cause.policy.authmethods':
    'For {user}, a key alone is not enough: AuthenticationMethods is {value}.',
  'diagnose.fix.policy.authmethods':
    'Add a method list of publickey alone for {user}, or remove the AuthenticationMethods line.',
  'diagnose.cause.keys.file-missing': 'There is no key file for {user}: sshd looks for {path}.',
  'diagnose.fix.keys.file-missing':
    'Create {path} with the public key (directory 700, file 600, owned by {user}).',
  'diagnose.cause.keys.misnamed':
    'The key file of {user} has the wrong name: {path} (sshd reads {expected}).',
  'diagnose.fix.keys.misnamed': 'Rename {path} to {expected}.',
  'diagnose.cause.keys.wrong-home': 'The key for {user} is in {path}, which sshd never reads for {user}.',
  'diagnose.fix.keys.wrong-home':
    'Copy the key alone to {expected}: type, key and comment, owned by {user}, mode 600 (options of that line not copied: {options}).',
  'diagnose.cause.keys.wrong-dir':
    'The key for {user} is in {path}: the directory must be named .ssh ({expected}), so sshd never reads it.',
  'diagnose.fix.keys.wrong-dir': 'Copy the key to {expected} (directory 700, file 600, owned by {user}).',
  'diagnose.cause.keys.in-home':
    'The key for {user} is in {path}, directly in the home directory: sshd reads only {expected}.',
  'diagnose.fix.keys.in-home': 'Copy the key to {expected} (directory 700, file 600, owned by {user}).',
  'diagnose.cause.keys.unreadable':
    'sshd cannot read {path} as {user}: access stops at {blocked} (owner {owner}).',
  'diagnose.fix.keys.unreadable':
    'Give {user} read access: {user} must own {path} with mode 600, and every directory must be searchable.',
  'diagnose.cause.keys.not-regular': '{path} is not a regular file, so sshd ignores it for {user}.',
  'diagnose.fix.keys.not-regular': 'Replace {path} with a regular file holding the keys of {user}.',
  'diagnose.cause.keys.withheld':
    '{path} was not read: it has {links} hard links or belongs to uid {uid}, neither {user} nor root, so it may be another file (such as /etc/shadow) under this name.',
  'diagnose.fix.keys.withheld':
    'Look at {path} by hand: replace it with a file of its own (one link) owned by {user}, holding only the keys of {user}.',
  'diagnose.cause.keys.owner': '{path} belongs to {owner}; sshd requires {user} or root as owner.',
  'diagnose.fix.keys.owner':
    'Give {path} back to {user} (chown, on the folder itself, never through a link; a folder outside the home goes to root).',
  'diagnose.cause.keys.mode': '{path} can be written by others (mode {mode}), so sshd ignores it for {user}.',
  'diagnose.fix.keys.mode': 'chmod 600 {path} (key file of {user}).',
  'diagnose.cause.keys.dir-mode':
    'The directory {path} can be written by others (mode {mode}), so sshd ignores the keys of {user}.',
  'diagnose.fix.keys.dir-mode': 'Remove group/other write from {path} (chmod go-w) for {user}.',
  'diagnose.cause.keys.private-key': '{path} holds a private key ({header}); it must never be on the server.',
  'diagnose.fix.keys.private-key':
    'Remove the private key block from {path}, keep only public keys, and replace that key pair.',
  'diagnose.cause.keys.empty': '{path} holds no key.',
  'diagnose.fix.keys.empty': 'Add the public key to {path}.',
  'diagnose.cause.keys.bom':
    '{path} line {line} starts with an invisible byte order mark, so sshd skips that key of {user}.',
  'diagnose.fix.keys.bom': 'Remove the byte order mark at the start of {path} (line {line}).',
  'diagnose.cause.keys.rfc4716':
    '{path} line {line}: the key of {user} is in PuTTY/RFC 4716 format (lines {line}-{last}), which sshd does not read.',
  'diagnose.fix.keys.rfc4716':
    'Replace lines {line}-{last} of {path} with the key in OpenSSH one-line format.',
  'diagnose.cause.keys.line-wrapped':
    '{path} line {line}: the key of {user} is broken over lines {line}-{last}.',
  'diagnose.fix.keys.line-wrapped': 'Join lines {line}-{last} of {path} into one line.',
  'diagnose.cause.keys.bad-option':
    '{path} line {line} has an option sshd does not know, so the key of {user} is ignored.',
  'diagnose.fix.keys.bad-option':
    'Remove the unknown option from line {line} of {path}; the options sshd knows stay ({kept}).',
  'diagnose.cause.keys.bad-line': '{path} line {line} is not a valid key line; sshd skips it for {user}.',
  'diagnose.fix.keys.bad-line': 'Fix or delete line {line} of {path}.',
  'diagnose.cause.keys.from-mismatch':
    '{path} line {line}: the key of {user} is only allowed from {from}, so a check from {address} cannot use it.',
  'diagnose.fix.keys.from-mismatch':
    "Left as the customer wrote it (the customer's own restriction): add {address} to from= on line {line} of {path} only if the customer asks.",
  'diagnose.cause.keys.not-authorized':
    "The customer's public key is not in {path}, so it cannot log in as {user}.",
  'diagnose.fix.keys.not-authorized': 'Add the public key to {path} for {user}.',
  'diagnose.cause.policy.algorithm': 'sshd does not accept {type} keys, so the key of {user} is refused.',
  'diagnose.fix.policy.algorithm': 'Use an ed25519 key for {user} instead of {type}.',
  'diagnose.cause.account.expired':
    'The account {user} has expired, so login is refused after the key is accepted.',
  'diagnose.fix.account.expired': 'Remove the expiry of {user} (chage -E -1).',
  'diagnose.cause.account.password-expired':
    'The password of {user} has expired; a login will be forced to change it.',
  'diagnose.fix.account.password-expired': 'Set a new password for {user} or extend it with chage.',
  'diagnose.cause.account.nologin':
    'The shell of {user} is {shell}: the key is accepted but no session can start.',
  'diagnose.fix.account.nologin': 'Give {user} a real shell (usermod -s /bin/bash).',
  'diagnose.cause.policy.maxauthtries':
    'MaxAuthTries is {value} for {user}: a client offering several keys may be cut off before the right one.',
  'diagnose.fix.policy.maxauthtries':
    'Connect with only the right key (ssh -o IdentitiesOnly=yes -i key) as {user}.',
  'diagnose.cause.config.overridden':
    '{keyword} {value} has no effect: {winner} sets {winnerValue} first, and the first value wins.',
  'diagnose.fix.config.overridden':
    'Comment out {keyword} at {winner} (or set the wanted value there), then `sshd -t` and reload.',
  'diagnose.cause.config.after-match':
    '{keyword} {value} sits inside the block of Match {criteria} ({match}), so it does not apply globally.',
  'diagnose.fix.config.after-match': 'Move {keyword} {value} above the first Match line of its file.',
  'diagnose.cause.account.no-password':
    '{user} has no usable password: a console login as {user} is impossible.',
  'diagnose.fix.account.no-password':
    'Set a password for {user} from a root shell if a console login is needed.',
  'diagnose.cause.account.no-sudo':
    '{user} has no sudo rights: after logging in, {user} cannot administer the server.',
  'diagnose.fix.account.no-sudo': 'Add {user} to the sudo (Debian/Ubuntu) or wheel (RHEL, Alpine) group.',
  // Gates, listeners and keys in the wrong account
  'diagnose.cause.policy.authmethods-disabled':
    'AuthenticationMethods {value} ({where}) needs {disabled}, which is switched off ({off}): no method list can ever be satisfied, so sshd lets nobody it applies to in.',
  'diagnose.fix.policy.authmethods-disabled':
    'Take the switched-off methods out of that line ({fixed}; commented out when nothing is left): only methods already on remain, nothing switched off is switched on. Then `sshd -t` and reload.',
  'diagnose.cause.keys.other-account':
    'A key for {user} is in {path}, the key file of {account}: it was pasted into the wrong account, and sshd never reads it for {user}.',
  'diagnose.fix.keys.other-account':
    "Copy that key alone (type, key, comment) to {expected}, owned by {user}, mode 600. vps-rescue does this itself only when {path} can be written by root alone and the key is clearly for {user} (comment {comment}, or the only key there); otherwise it opens the password window: a key in another account's file is no proof that it belongs to {user}.",
} as const;
