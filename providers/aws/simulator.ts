import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { SimulatedVendor, VendorInstance } from '../../lab/simulator/vendor.js';
import { AwsApi, type SimAccount } from './simulator/api.js';
import { SIM_REGION } from './simulator/model.js';
import { startSerialGateway } from './simulator/serial-gateway.js';

/**
 * The lab simulator's AWS: EC2, SSM and EC2 Instance Connect on one loopback port of their own
 * (EC2 answers XML, which the shared simulator port does not speak), and the serial console's SSH
 * gateway in front of the lab servers' consoles. Variant `aws-serial-off`: an account whose serial
 * console access is off. Lab only.
 */

/** What the lab tests may read: the API calls answered (action names) and the scripts SSM ran. */
export interface AwsSimulatorState {
  api: AwsApi;
}
const running = new Map<string, AwsSimulatorState>();

/** The state of the AWS simulator serving `endpoint` (the value of sim.endpoint('aws')). */
export function awsSimulatorAt(endpoint: string): AwsSimulatorState | undefined {
  return running.get(endpoint);
}

const accessKey = () => `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export const simulator: SimulatedVendor = {
  start: async ({ servers }): Promise<VendorInstance> => {
    const account: SimAccount = {
      accessKeyId: accessKey(),
      secretAccessKey: randomBytes(30).toString('base64'),
      serialConsoleAccess: true,
    };
    const serialOff: SimAccount = {
      accessKeyId: accessKey(),
      secretAccessKey: randomBytes(30).toString('base64'),
      serialConsoleAccess: false,
    };
    const api = new AwsApi([account, serialOff], servers);
    const gateway = await startSerialGateway(api);
    const http = createServer((req, res) => {
      void readAll(req)
        .then((body) =>
          api.handle({
            method: req.method ?? 'POST',
            path: new URL(req.url ?? '/', 'http://sim').pathname,
            headers: req.headers,
            body,
          }),
        )
        .then(
          (reply) => {
            res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'x-amzn-RequestId': 'sim' });
            res.end(reply.body);
          },
          (err: unknown) => {
            res.writeHead(500, { 'Content-Type': 'text/plain' });
            res.end(String((err as Error).message));
          },
        );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    running.set(url, { api });
    return {
      mounts: [],
      endpoint: () => url,
      env: (variant) => {
        const a = variant === 'aws-serial-off' ? serialOff : account;
        return {
          AWS_ACCESS_KEY_ID: a.accessKeyId,
          AWS_SECRET_ACCESS_KEY: a.secretAccessKey,
          AWS_REGION: SIM_REGION,
          VPS_RESCUE_AWS_SERIAL_ENDPOINT: `${gateway.host}:${gateway.port}`,
          VPS_RESCUE_AWS_SERIAL_HOST_KEY: gateway.hostKeySha256,
        };
      },
      close: async () => {
        running.delete(url);
        await gateway.close();
        await new Promise<void>((resolve) => {
          http.closeAllConnections();
          http.close(() => resolve());
        });
      },
    };
  },
};
