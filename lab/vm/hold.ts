/**
 * Boots one lab VM with a scenario and keeps it until interrupted, for poking at its VNC console by
 * hand (the VM's endpoints go to stdout as JSON once the login prompt is on the screen).
 *   npx tsx lab/vm/hold.ts [scenario-id] [--keymap us|jp106] [--qemu-keymap en-us|ja (default: no -k)] [--password P]
 */
import { generateKeyPair, toRfc4716 } from '../keys.js';
import { scenarioById } from '../scenarios/index.js';
import { RfbClient } from '../../src/console/vnc/rfb-client.js';
import { LabVm, type GuestKeymap, type QemuKeymap } from './vm.js';
import { waitForLoginScreen } from './wait.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const id = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'story-wrong-dir';
  const scenario = scenarioById(id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  const key = await generateKeyPair();
  const spec = scenario.build({ key, rfc4716: await toRfc4716(key) });
  const started = Date.now();
  const vm = await LabVm.create({
    ...spec,
    keymap: (option('--keymap') ?? 'us') as GuestKeymap,
    ...(option('--qemu-keymap') !== undefined ? { qemuKeymap: option('--qemu-keymap') as QemuKeymap } : {}),
    ...(option('--password') !== undefined ? { vncPassword: option('--password') } : {}),
    log: (l) => console.error(l),
  });
  const stop = async () => {
    await vm.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const probe = await RfbClient.connect({ url: vm.websocketUrl });
  await waitForLoginScreen(probe, 300_000);
  probe.close();
  console.log(
    JSON.stringify({
      scenario: id,
      websocketUrl: vm.websocketUrl,
      sshPort: vm.sshPort,
      monitor: vm.monitorSocket,
      privateKeyPath: key.privateKeyPath,
      publicKey: key.publicKey,
      bootMs: Date.now() - started,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
