import { mkdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { addressesDir } from './paths.js';
import { tryLock } from './lock.js';

/** 127.0.1.1 is Debian's own hostname address; lab servers start above it. */
const FIRST = 2;
const LAST = 250;

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(300);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Lease {
  index: number;
  address: string;
  release: () => Promise<void>;
}

/**
 * Leases a loopback address 127.0.1.N for one server, unique across processes (a lock directory per
 * address) and verified free (nothing answers on port 22).
 */
export async function leaseAddress(): Promise<Lease> {
  await mkdir(addressesDir(), { recursive: true });
  const start = FIRST + Math.floor(Math.random() * (LAST - FIRST));
  for (let i = 0; i <= LAST - FIRST; i++) {
    const index = FIRST + ((start - FIRST + i) % (LAST - FIRST + 1));
    const lock = join(addressesDir(), String(index));
    if (!(await tryLock(lock))) continue;
    const address = `127.0.1.${index}`;
    if (await portOpen(address, 22)) {
      // Something (an orphaned server) still listens here: leave the lock and the address alone.
      continue;
    }
    return { index, address, release: () => rm(lock, { recursive: true, force: true }) };
  }
  throw new Error('no free lab address in 127.0.1.2-250');
}
