import { cleanupOrphans, ensureImage, labAvailability, labSuites, type Suite } from '../../lab/index.js';
import { OPENRC } from '../../lab/flavour-openrc.js';
import { RHEL } from '../../lab/flavour-rhel.js';

const RELEASE_SUITES: Suite[] = ['bullseye', 'trixie'];

/** Builds (or finds cached) base images once before any lab test, so test timeouts never include it. */
export default async function setup(): Promise<void> {
  if (!labAvailability().ok) return;
  const log = (line: string) => console.log(line);
  await cleanupOrphans(log);
  // trixie too: the socket-activated flavour (and the releases' own cases) boot it in every run.
  for (const suite of new Set([...labSuites(), ...RELEASE_SUITES])) await ensureImage(suite, log);
  // The RHEL-layout and OpenRC flavours: bookworm plus Debian packages, built once (about a minute each).
  await Promise.all([RHEL.image(log), OPENRC.image(log)]);
}
