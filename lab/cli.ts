import { bootScenario, labAvailability, SCENARIOS } from './index.js';
import { labDown, labUp, upProviders } from './up.js';
import { SUITES, type Suite } from './image.js';

/** `npm run lab -- list | up <scenario> [--provider P] | down [pid…] | boot <scenario> [--suite S]`. */
async function main(argv: string[]): Promise<number> {
  const [command, id] = argv;
  if (command === 'list') {
    for (const s of SCENARIOS) process.stdout.write(`${s.id.padEnd(28)} ${s.title}\n`);
    return 0;
  }
  const suiteAt = argv.indexOf('--suite');
  const suite = suiteAt >= 0 ? (argv[suiteAt + 1] as Suite) : undefined;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (command === 'up' && id) {
    const availability = labAvailability();
    if (!availability.ok) throw new Error(availability.reason);
    const providerAt = argv.indexOf('--provider');
    // Without --provider: the first simulated provider a lab server can stand behind.
    const provider = providerAt >= 0 ? argv[providerAt + 1] : upProviders()[0];
    if (!provider) throw new Error('--provider needs a value');
    return labUp({ scenario: id, provider, suite, print });
  }
  if (command === 'down') {
    const only = argv.slice(1).map(Number);
    if (only.some((pid) => !Number.isInteger(pid) || pid <= 0))
      throw new Error('down takes lab up pids only');
    return labDown(print, only);
  }
  if (command === 'boot' && id) {
    const availability = labAvailability();
    if (!availability.ok) throw new Error(availability.reason);
    const { server, key } = await bootScenario(id, { suite, log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(
      `server ${server.name}\n  ssh address ${server.address}\n  console     ${server.consoleSocket}\n  owner key   ${key.privateKeyPath}\nCtrl-C destroys it.\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.destroy();
    return 0;
  }
  process.stderr.write(
    `usage: npm run lab -- list | up <scenario> [--provider ${upProviders().join('|')}] | down [pid…]\n` +
      `                      | boot <scenario> [--suite ${SUITES.join('|')}]\n`,
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
