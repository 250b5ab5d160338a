import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/diagnose/analyse.js';
import { describeFinding } from '../../../src/diagnose/describe.js';
import { CAUSE_CODES } from '../../../src/diagnose/findings.js';
import { parseCollection } from '../../../src/diagnose/parser.js';

/**
 * Collector output captured on real lab servers (test/lab/diagnose-scenarios.test.ts with
 * VR_WRITE_FIXTURES=1), with the causes the real sshd proved. The analyser must find them offline.
 */
const DIR = join(import.meta.dirname, '../../fixtures/diagnose');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

interface Meta {
  loginUser: string;
  users: string[];
  clientAddress: string;
  customerKey: string;
  expectedCauses: string[];
  primary: string | null;
}

function load(id: string) {
  const meta = JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8')) as Meta;
  const collection = parseCollection(readFileSync(join(DIR, `${id}.txt`), 'utf8'));
  return { meta, collection };
}

describe('analyse on collected fixtures', () => {
  it('has fixtures for the lab scenarios and the extra cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s', (id) => {
    const { meta, collection } = load(id);
    const d = analyse({
      collection,
      users: meta.users,
      customerKey: meta.customerKey,
      clientAddress: meta.clientAddress,
    });
    const causes = d.findings.map((f) => f.cause);
    for (const cause of meta.expectedCauses) expect(causes, causes.join(' ')).toContain(cause);
    expect(d.primary?.cause ?? null, causes.join(' ')).toBe(meta.primary);
    expect(d.summary.openssh).toMatch(/^9\.2/);
    // with a broken config `sshd -T` prints nothing, so there are no effective settings to report
    if (collection.syntax.rc === 0) {
      // the Debian default, or the one place a fixture moved it to (AuthorizedKeysFile /etc/ssh/keys/%u)
      expect(d.summary.settings[meta.loginUser]?.authorizedkeysfile ?? '').toMatch(
        /\.ssh\/authorized_keys|^\/etc\/ssh\/keys\/%u$/,
      );
    }
    for (const f of d.findings) {
      expect(CAUSE_CODES).toContain(f.cause);
      for (const lang of ['en', 'ja'] as const) {
        const text = describeFinding(f, lang);
        expect(`${text.sentence} ${text.fix}`, `${f.cause} ${lang}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('without the customer key, still names the broken line as the cause', () => {
    for (const [id, cause] of [
      ['key-line-wrapped', 'keys.line-wrapped'],
      ['putty-rfc4716', 'keys.rfc4716'],
      ['ssh-dir-777', 'keys.dir-mode'],
      ['misnamed-authorized-key', 'keys.misnamed'],
    ] as const) {
      const { meta, collection } = load(id);
      const d = analyse({ collection, users: meta.users, clientAddress: meta.clientAddress });
      expect(d.primary?.cause, id).toBe(cause);
    }
  });

  it('gives executable fixes for the key file causes', () => {
    const fixOf = (id: string) => {
      const { meta, collection } = load(id);
      return analyse({
        collection,
        users: meta.users,
        customerKey: meta.customerKey,
        clientAddress: meta.clientAddress,
      }).primary?.fix;
    };
    // The user's own .ssh gets exactly 700, whatever bits it had.
    expect(fixOf('ssh-dir-777')).toEqual({ op: 'chmod', path: '/home/alice/.ssh', mode: '700' });
    expect(fixOf('misnamed-authorized-key')).toEqual({
      op: 'rename',
      from: '/home/alice/.ssh/authorized_key',
      to: '/home/alice/.ssh/authorized_keys',
    });
    expect(fixOf('key-line-wrapped')).toEqual({
      op: 'join-lines',
      path: '/home/alice/.ssh/authorized_keys',
      lines: [1, 2],
    });
    expect(fixOf('key-in-root-home')).toMatchObject({
      op: 'move-key',
      from: '/root/.ssh/authorized_keys',
      line: 1,
    });
    const rfc = fixOf('putty-rfc4716');
    expect(rfc).toMatchObject({ op: 'convert-rfc4716', lines: [1, expect.any(Number)] });
    const material = (line: string) => line.split(' ').slice(0, 2).join(' ');
    expect(material(rfc && 'key' in rfc ? rfc.key : '')).toBe(
      material(load('putty-rfc4716').meta.customerKey),
    );
  });

  it('never carries private key material from the server', () => {
    const text = readFileSync(join(DIR, 'x-private-key.txt'), 'utf8');
    expect(
      load('x-private-key').collection.keyFiles['/home/alice/.ssh/authorized_keys']?.privateKeyHeaders,
    ).toEqual(['-----BEGIN OPENSSH PRIVATE KEY-----']);
    expect(text).not.toContain(Buffer.from('openssh-key-v1').toString('hex').slice(0, 12));
    expect(text).not.toMatch(/b3BlbnNzaC1rZXktdjE/); // base64 of "openssh-key-v1"
    expect(text).not.toMatch(/\$y\$|\$6\$/); // no shadow hash either
  });
});
