export { LabServer, type CreateOptions } from './server.js';
export { ensureImage, imageReady, SUITES, DEFAULT_SUITE, type Suite } from './image.js';
export { generateKeyPair, toRfc4716, type KeyPair, type KeyType } from './keys.js';
export type { ServerSpec, UserSpec, FileSpec } from './spec.js';
export { stripAnsi } from './console-stream.js';
import { LabServer, type CreateOptions } from './server.js';

export function createServer(opts: CreateOptions = {}): Promise<LabServer> {
  return LabServer.create(opts);
}
export { labAvailability, labSuites } from './availability.js';
export { cleanupOrphans } from './cleanup.js';
export { bootScenario, consoleLogin, type BootedScenario } from './scenario-server.js';
export * from './scenarios/index.js';
export { labRescueOptions } from './rescue-options.js';
