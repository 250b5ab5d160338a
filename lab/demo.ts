import { bootScenario, consoleLogin, labAvailability } from './index.js';

/**
 * `npm run demo`: the story. A customer hardened sshd and put their key in the wrong place; now the
 * server refuses them, while the provider's console still offers a login prompt.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (n: number, text: string) => say(`\n\x1b[1m[${n}] ${text}\x1b[0m`);

async function main(): Promise<number> {
  const availability = labAvailability();
  if (!availability.ok) {
    process.stderr.write(`demo: the lab cannot run here: ${availability.reason}\n`);
    return 9;
  }
  step(1, 'Booting a lab server locked out as in the story (key-only, no root, key in ~/ssh/)');
  const started = Date.now();
  const { server, key, scenario } = await bootScenario('story-wrong-dir', { log: say });
  try {
    say(`    ${scenario.story}`);
    say(
      `    server ${server.name} at ${server.address}, up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    step(2, `The owner tries: ssh -i <their key> alice@${server.address}`);
    const login = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
    say(`    exit ${login.code}: ${login.stderr.trim()}`);
    // sshd logs the refusal when the client hangs up: give the journal a moment.
    let log: string[] = [];
    for (let i = 0; i < 20 && log.length === 0; i++) {
      log = (await server.sshdLog()).filter((l) => /user alice/.test(l)).slice(-2);
      if (log.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    for (const line of log) say(`    sshd: ${line}`);

    step(3, 'The provider console still shows a login prompt');
    const screen = server.console.text().trimEnd().split('\n').slice(-3);
    for (const line of screen) say(`    | ${line}`);
    const consoleResult = await consoleLogin(server, 'root', scenario.consoleUser.password);
    say(
      `    root login on the console with the customer's password: ${consoleResult === 'shell' ? 'works' : 'refused'}`,
    );

    const locked = !login.ok && consoleResult === 'shell';
    say(
      locked
        ? '\nLocked out over SSH, reachable on the console: this is the job vps-rescue does.'
        : "\nUnexpected: the lab server is not in the story's state.",
    );
    return locked ? 0 : 1;
  } finally {
    await server.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
