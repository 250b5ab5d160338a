import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { googleError } from './simulator/api.js';
import { computeRoutes, orgPolicyRoutes, tokenRoutes } from './simulator/api.js';
import { startSerialGateway } from './simulator/gateway.js';
import { LAB_PROJECT, SimProject, type SimAccount } from './simulator/state.js';
import { ed25519KeyPair } from '../../lab/ssh2-keys.js';
import type { SimServer } from '../../lab/simulator/servers.js';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';

/** The simulated project a lab server is in, for tests that look at or flip its state. */
const projects = new WeakMap<SimServer, SimProject>();
export const projectOf = (server: SimServer): SimProject | undefined => projects.get(server);

/**
 * The lab simulator's Google Compute Engine: the compute v1 REST API at /compute/v1 (what the SDK
 * calls), the OAuth token endpoint at /token (a user's ADC refresh token), Resource Manager's effective
 * org policy at /v1/projects, and the interactive serial port gateway (SSH, loopback) in front of
 * the lab servers' consoles. A reset runs the startup-script as root in the lab server. Lab only.
 */
export const simulator: SimulatedVendor = {
  start: async ({ servers, base }): Promise<VendorInstance> => {
    const dir = await mkdtemp(join(tmpdir(), 'vps-rescue-sim-gcp-'));
    const serialKey = ed25519KeyPair();
    const account: SimAccount = {
      project: LAB_PROJECT,
      serialUser: 'support',
      serialPublicKey: serialKey.public,
      orgPolicyEnforced: false,
      projectItems: [],
      tokens: new Set(),
    };
    const project = new SimProject(account, servers);
    for (const server of servers()) projects.set(server, project);
    const user = {
      clientId: `${randomBytes(6).toString('hex')}.apps.googleusercontent.com`,
      clientSecret: randomBytes(18).toString('base64url'),
      refreshToken: `1//lab-${randomBytes(32).toString('base64url')}`,
    };
    const credentials = join(dir, 'service-account.json');
    const keyFile = join(dir, 'google_compute_engine');
    const write = async (path: string, text: string) => {
      await writeFile(path, text, { mode: 0o600 });
      await chmod(path, 0o600);
    };
    await write(keyFile, serialKey.private);
    await write(
      credentials,
      // gcloud's ADC after `gcloud auth application-default login`: a user's refresh token.
      JSON.stringify({
        type: 'authorized_user',
        client_id: user.clientId,
        client_secret: user.clientSecret,
        refresh_token: user.refreshToken,
        quota_project_id: LAB_PROJECT,
      }),
    );
    const gateway = await startSerialGateway(project).catch(async (err: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw err;
    });
    const notFound = () => googleError(404, 'The requested URL was not found on this server.', 'notFound');
    return {
      mounts: [
        { provider: 'gcp', prefix: '/compute/v1', routes: computeRoutes(project), notFound },
        { provider: 'gcp', prefix: '/token', routes: tokenRoutes(project, user), notFound },
        { provider: 'gcp', prefix: '/v1/projects', routes: orgPolicyRoutes(project), notFound },
      ],
      endpoint: () => base(),
      env: () => ({
        GOOGLE_APPLICATION_CREDENTIALS: credentials,
        CLOUDSDK_CORE_PROJECT: LAB_PROJECT,
        GCP_SERIAL_KEY_FILE: keyFile,
        GCP_SERIAL_USER: account.serialUser,
        GCP_SERIAL_GATEWAY: `${gateway.host}:${gateway.port}`,
        GCP_SERIAL_HOST_KEY: gateway.hostPublicKey,
      }),
      close: async () => {
        await gateway.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
