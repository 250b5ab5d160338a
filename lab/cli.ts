import { bootScenario, labAvailability, SCENARIOS } from './index.js';
import type { Suite } from './image.js';

/** `npm run lab -- list | boot <scenario> [--suite S]`: for exploring scenarios by hand. */
async function main(argv: string[]): Promise<number> {
  const [command, id] = argv;
  if (command === 'list') {
    for (const s of SCENARIOS) process.stdout.write(`${s.id.padEnd(28)} ${s.title}\n`);
    return 0;
  }
  if (command === 'boot' && id) {
    const availability = labAvailability();
    if (!availability.ok) throw new Error(availability.reason);
    const suiteAt = argv.indexOf('--suite');
    const suite = suiteAt >= 0 ? (argv[suiteAt + 1] as Suite) : undefined;
    const { server, key } = await bootScenario(id, { suite, log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(
      `server ${server.name}\n  ssh address ${server.address}\n  console     ${server.consoleSocket}\n  owner key   ${key.privateKeyPath}\nCtrl-C destroys it.\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await server.destroy();
    return 0;
  }
  process.stderr.write('usage: npm run lab -- list | boot <scenario> [--suite bookworm|bullseye|trixie]\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
