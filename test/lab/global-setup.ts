import { cleanupOrphans, ensureImage, labAvailability, labSuites } from '../../lab/index.js';

/** Builds (or finds cached) base images once before any lab test, so test timeouts never include it. */
export default async function setup(): Promise<void> {
  if (!labAvailability().ok) return;
  const log = (line: string) => console.log(line);
  await cleanupOrphans(log);
  for (const suite of labSuites()) await ensureImage(suite, log);
}
