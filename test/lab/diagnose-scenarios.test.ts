import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { createServer, generateKeyPair, toRfc4716 } from '../../lab/index.js';
import { analyse } from '../../src/diagnose/analyse.js';
import { buildCollector } from '../../src/diagnose/collector.js';
import { parseCollection } from '../../src/diagnose/parser.js';
import { labDescribe } from '../support/lab-guard.js';
import { limiter } from './limiter.js';
import { CASES, dsaKeyPair, type DiagnoseCase } from './diagnose-cases.js';

/** The lab's servers are reached from this host over loopback. */
const CLIENT = '127.0.0.1';
const FIXTURES = join(import.meta.dirname, '../fixtures/diagnose');

const slot = limiter(3);

async function runCase(c: DiagnoseCase) {
  const key = c.keyType === 'dsa' ? dsaKeyPair() : await generateKeyPair('ed25519');
  const rfc4716 = await toRfc4716(key);
  const server = await createServer({ ...c.build({ key, rfc4716 }), waitForSshd: c.sshd === 'up' });
  try {
    const users = [...new Set([c.loginUser, 'root'])];
    const { script, nonce } = buildCollector({ users, clientAddress: CLIENT });
    const run = await server.exec('sh', { input: script });
    const login =
      c.sshd === 'up'
        ? await server.sshLogin({ user: c.loginUser, privateKeyPath: key.privateKeyPath })
        : undefined;
    if (process.env.VR_WRITE_FIXTURES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(join(FIXTURES, `${c.id}.txt`), run.stdout);
      const meta = {
        loginUser: c.loginUser,
        users,
        clientAddress: CLIENT,
        customerKey: key.publicKey,
        expectedCauses: c.expectedCauses,
        primary: c.primary === undefined ? c.expectedCauses[0] : c.primary,
      };
      writeFileSync(join(FIXTURES, `${c.id}.json`), JSON.stringify(meta, null, 2) + '\n');
    }
    const diagnosis = analyse({
      collection: parseCollection(run.stdout, nonce),
      users,
      customerKey: key.publicKey,
      clientAddress: CLIENT,
    });
    return { diagnosis, login, collectorStderr: run.stderr };
  } finally {
    await server.destroy();
  }
}

/**
 * Every lockout scenario and every extra case of the diagnosis: boot it, run the collector through
 * the test-only back door, analyse, and compare with the expected causes. The owner's real key login
 * is tried too, so each rule behind a cause is checked against the real sshd, not only our reading.
 */
labDescribe('diagnosis on real servers', () => {
  describe.concurrent('bookworm', () => {
    for (const c of CASES) {
      it(`${c.id} → ${c.expectedCauses.join(', ') || 'nothing blocks'}`, async ({ expect }) => {
        const { diagnosis, login } = await slot(() => runCase(c));
        const causes = diagnosis.findings.map((f) => `${f.cause}${f.blocking ? '!' : ''}`);
        for (const cause of c.expectedCauses)
          expect(
            causes.map((x) => x.replace('!', '')),
            causes.join(' '),
          ).toContain(cause);
        const primary = c.primary === undefined ? c.expectedCauses[0] : c.primary;
        expect(diagnosis.primary?.cause ?? null, causes.join(' ')).toBe(primary);
        if (login) expect(login.ok, login.stderr).toBe(c.keyLogin === 'accepted');
        expect(diagnosis.summary.openssh).toMatch(/^\d+\.\d+/);
      });
    }
  });
});
