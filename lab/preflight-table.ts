import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, toRfc4716 } from './keys.js';
import { LabServer } from './server.js';
import { SCENARIOS } from './scenarios/catalog.js';
import type { Scenario } from './scenarios/types.js';
import { main } from '../src/cli/main.js';
import { flavourRevert, type FlavourRow } from './preflight-flavours.js';
import { appendSshdConfig, defineScenario, hardenedAlice, keyFiles, PASSWORDS } from './scenarios/builder.js';

/*
 * Every lockout scenario reversed: the server starts reachable (the scenario without the sshd_config
 * lines the owner appended), `vps-rescue preflight --config` predicts with those lines as the
 * candidate, then the owner's change is applied for real (written, sshd restarted as the owner did)
 * and the key login tried with the real ssh client. Writes docs/preflight.md.
 */

const OUT = join(tmpdir(), `vr-preflight-table-${process.pid}`);

const APPEND = /^printf '%s\\n' (.*) >> \/etc\/ssh\/sshd_config$/;

interface Row {
  id: string;
  predicted: string;
  cause: string;
  /** `vps-rescue harden` with the same candidate: kept, reverted (cause of the failed login) or refused */
  harden: string;
  real: string;
  expected: string;
  agree: boolean;
}

/** Healthy controls beside the lockouts: the same hardening where the key is right. */
const CONTROLS: Scenario[] = [
  defineScenario({
    id: 'control-healthy-alice',
    title: 'Key in ~/.ssh/authorized_keys, hardened',
    story: 'Everything right.',
    build: ({ key }) => hardenedAlice(keyFiles({ user: 'alice', content: key.publicKey })),
    expect: { keyLogin: 'accepted', sshd: 'up', console: 'login-works' },
    expectedCauses: [],
  }),
  defineScenario({
    id: 'control-root-key-prohibit-password',
    title: 'Root with a key, PermitRootLogin prohibit-password',
    story: 'Root keeps key login, passwords go.',
    loginUser: 'root',
    build: ({ key }) => ({
      rootPassword: PASSWORDS.root,
      files: keyFiles({ user: 'root', home: '/root', content: key.publicKey }),
      commands: [appendSshdConfig(['PasswordAuthentication no', 'PermitRootLogin prohibit-password'])],
    }),
    expect: { keyLogin: 'accepted', sshd: 'up', console: 'login-works' },
    expectedCauses: [],
  }),
];

async function reversed(s: Scenario): Promise<Row> {
  const key = await generateKeyPair('ed25519', 'owner@laptop');
  const spec = s.build({ key, rfc4716: await toRfc4716(key) });
  const appended: string[] = [];
  const commands = (spec.commands ?? []).filter((c) => {
    const m = APPEND.exec(c);
    if (m) appended.push(...[...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!));
    return !m;
  });
  const server = await LabServer.create({ ...spec, commands });
  const expected = s.expectedCauses[0] ?? '-';
  try {
    const fp = (await server.execChecked('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1]!;
    const live = await server.execChecked('cat /etc/ssh/sshd_config');
    const candidate = `${live}${appended.map((l) => `${l}\n`).join('')}`;
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, `candidate-${s.id}`);
    writeFileSync(file, candidate);
    const user = s.loginUser;
    const password =
      user === 'root' ? PASSWORDS.root : (spec.users?.find((u) => u.name === user)?.password ?? '');
    const out: string[] = [];
    const err: string[] = [];
    // The same server, user, key, host key and candidate for both commands; the password only by name.
    const target = [
      ...['--host', server.address, '--user', user, '--identity', key.privateKeyPath],
      ...['--host-key', fp, '--config', file, '--json', '--out', OUT],
      ...(password ? ['--password-env', 'PW'] : []),
    ];
    const code = await main(['preflight', ...target], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { ...process.env, SSH_AUTH_SOCK: '', PW: password },
    });
    let predicted = 'n/a';
    let cause = err.join(' ').match(/\[([a-z.-]+)\]$/)?.[1] ?? '-';
    if (out.length > 0) {
      const r = JSON.parse(out.join('\n')) as {
        verdict: string;
        lockout?: { cause: string };
        items: { id: string; cause?: string; status: string }[];
      };
      predicted = r.verdict === 'lockout' ? 'locked out' : 'gets in';
      cause =
        r.lockout?.cause ??
        r.items.find((i) => i.status === 'fail' && (i.id === 'candidate-syntax' || i.id === 'key-after'))
          ?.cause ??
        '-';
    } else if (code === 42) predicted = 'no login today';
    // The guarded way: harden with the same candidate (it reverts by itself when the new login fails).
    const hout: string[] = [];
    const hcode = await main(['harden', ...target, '--confirm-within', '20s'], {
      stdout: (t) => hout.push(t),
      stderr: () => undefined,
      env: { ...process.env, SSH_AUTH_SOCK: '', PW: password },
    });
    let harden = `exit ${hcode}`;
    if (hout.length > 0) {
      const h = JSON.parse(hout.join('\n')) as { outcome: string; loginFailure?: { cause: string } };
      harden = h.outcome === 'reverted' ? `reverted (${h.loginFailure?.cause ?? '?'})` : h.outcome;
    }
    // Reality: the owner's change, applied as the owner did it.
    await server.writeFile('/etc/ssh/sshd_config', candidate);
    await server.exec('systemctl restart ssh');
    await new Promise((r) => setTimeout(r, 1500));
    const login = await server.sshLogin({ user, privateKeyPath: key.privateKeyPath });
    const real = login.ok ? 'gets in' : 'locked out';
    const hardenAgrees =
      predicted === 'gets in'
        ? harden === 'kept'
        : harden === `reverted (${cause})` || (cause === 'config.syntax' && harden === 'refused');
    const agree = predicted === real && (real === 'gets in' || cause === expected) && hardenAgrees;
    return {
      id: s.id,
      predicted,
      cause,
      harden,
      real,
      expected: s.expect.keyLogin === 'accepted' ? '-' : expected,
      agree,
    };
  } finally {
    await server.destroy();
  }
}

const rows: Row[] = [];
for (const s of [...SCENARIOS, ...CONTROLS]) {
  const row = await reversed(s).catch((e: unknown) => ({
    id: s.id,
    predicted: 'error',
    cause: String(e).slice(0, 80),
    harden: '-',
    real: '-',
    expected: '-',
    agree: false,
  }));
  rows.push(row);
  console.log(JSON.stringify(row));
}
const applicable = rows.filter((r) => r.predicted !== 'no login today');
const agreeing = applicable.filter((r) => r.agree).length;
const flavours: FlavourRow[] = [];
for (const f of [
  { name: 'bookworm', suite: 'bookworm' as const },
  { name: 'bullseye', suite: 'bullseye' as const },
  { name: 'trixie', suite: 'trixie' as const },
  { name: 'busybox (no systemd)', flavour: 'busybox' as const },
  { name: 'RHEL layout (sshd.service)', flavour: 'rhel' as const },
  { name: 'OpenRC (no systemd)', flavour: 'openrc' as const },
  { name: 'socket-activated (trixie)', flavour: 'socket' as const },
]) {
  const row = await flavourRevert(f).catch((e: unknown): FlavourRow => ({
    flavour: f.name,
    openssh: String(e).slice(0, 80),
    armedBy: '-',
    predicted: '-',
    keyWhileHardened: '-',
    passwordRefusedWhileHardened: false,
    revertedAlone: false,
    passwordBackAfter: false,
  }));
  flavours.push(row);
  console.log(JSON.stringify(row));
}
const yes = (b: boolean) => (b ? 'yes' : '**no**');
const md = [
  '# preflight: prediction against reality',
  '',
  'Each lab lockout scenario reversed: the server starts reachable (without the sshd_config lines the owner',
  "appended), `vps-rescue preflight --config CANDIDATE` predicts with those lines, then the owner's change is",
  'applied for real (sshd restarted, as in the stories) and the key login is tried with the real ssh client.',
  'Generated by `npm run lab:preflight`.',
  '',
  '| scenario | predicted | cause | harden | reality | expected cause | agree |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.id} | ${r.predicted} | ${r.cause} | ${r.harden} | ${r.real} | ${r.expected} | ${r.predicted === 'no login today' ? 'n/a (today already no login)' : r.agree ? 'yes' : '**no**'} |`,
  ),
  '',
  `Agreement: ${agreeing} of ${applicable.length} scenarios where the user can log in today.`,
  '',
  '## The revert without vps-rescue',
  '',
  'On each flavour `preflight` first predicts what the default plan does to root (PermitRootLogin no: a lockout),',
  'then the default hardening is applied over SSH (backup, `sshd -t`, revert armed, reload) and the',
  'client then goes away without confirming, as a vps-rescue that was killed. The server must go back by itself.',
  '',
  '| flavour | OpenSSH | preflight: root key login | reality while hardened | armed by | password refused while hardened | reverted by itself | password login back |',
  '|---|---|---|---|---|---|---|---|',
  ...flavours.map(
    (f) =>
      `| ${f.flavour} | ${f.openssh} | ${f.predicted} | ${f.keyWhileHardened} | ${f.armedBy} | ${yes(f.passwordRefusedWhileHardened)} | ${yes(f.revertedAlone)} | ${yes(f.passwordBackAfter)} |`,
  ),
  '',
].join('\n');
writeFileSync(new URL('../docs/preflight.md', import.meta.url), md);
rmSync(OUT, { recursive: true, force: true });
console.log(`agreement ${agreeing}/${applicable.length}`);
