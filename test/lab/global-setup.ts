import { cleanupOrphans, ensureImage, labAvailability, labSuites } from '../../lab/index.js';
import { OPENRC } from '../../lab/flavour-openrc.js';
import { RHEL } from '../../lab/flavour-rhel.js';

/** Builds (or finds cached) base images once before any lab test, so test timeouts never include it. */
export default async function setup(): Promise<void> {
  if (!labAvailability().ok) return;
  const log = (line: string) => console.log(line);
  await cleanupOrphans(log);
  for (const suite of labSuites()) await ensureImage(suite, log);
  // The RHEL-layout and OpenRC flavours: bookworm plus Debian packages, built once (about a minute each).
  await Promise.all([RHEL.image(log), OPENRC.image(log)]);
}
