import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as cli } from '../src/cli/main.js';
import { langFromEnv, type Lang } from '../src/i18n/index.js';
import { bootScenario, labAvailability, PASSWORDS } from './index.js';
import { commandLine, simulatedProviderArgs } from './command-line.js';
import { startSimulator } from './simulator/index.js';

/**
 * `npm run demo [-- --lang ja]`: the story, end to end. A customer of "G社" (ConoHa) hardened sshd
 * and put their key in the wrong place. vps-rescue finds the server through the (simulated) ConoHa
 * API, opens its serial console, logs in, names the cause, re-opens password login for alice for
 * 60 minutes, proves it from outside and prints the report.
 */
const TEXT = {
  en: {
    boot: 'A lab server locked out as in the story (key-only, no root login, key in ~/ssh/)',
    tries: 'The customer tries their key',
    console: "The provider's console still shows a login prompt",
    run: 'The support engineer runs vps-rescue against the ConoHa API (simulated on loopback)',
    variables: 'with the secrets in the environment',
    after: 'From outside, after the rescue',
    alicePw: 'alice, password',
    rootPw: 'root, password (must stay refused)',
    done: 'Done: the customer can log in again; the password window closes by itself.',
    unexpected: 'Unexpected: see above.',
  },
  ja: {
    boot: 'ストーリーどおりにロックアウトされたラボサーバー(鍵認証のみ、root ログイン禁止、鍵が ~/ssh/ に置かれている)',
    tries: 'お客様が鍵でログインを試みる',
    console: 'プロバイダーのコンソールにはログインプロンプトが表示されている',
    run: 'サポート担当者が ConoHa API(ループバック上のシミュレーター)に対して vps-rescue を実行',
    variables: '秘密情報は環境変数で渡す',
    after: '復旧後、外部から確認',
    alicePw: 'alice、パスワード',
    rootPw: 'root、パスワード(拒否されたままであること)',
    done: '完了: お客様は再びログインできます。パスワードログインの許可は自動で終了します。',
    unexpected: '想定外の結果です。上の出力を確認してください。',
  },
} as const;

const out = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, text: string) => out(`\n\x1b[1m[${n}] ${text}\x1b[0m`);

function langFromArgs(argv: string[]): Lang {
  const i = argv.indexOf('--lang');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  return value === 'ja' || value === 'en' ? value : langFromEnv();
}

async function demo(lang: Lang): Promise<number> {
  const T = TEXT[lang];
  const availability = labAvailability();
  if (!availability.ok) {
    process.stderr.write(`demo: the lab cannot run here: ${availability.reason}\n`);
    return 9;
  }
  step(1, T.boot);
  const { server, key, scenario } = await bootScenario('story-wrong-dir', { log: out });
  const sim = await startSimulator({ servers: [server] });
  const outDir = mkdtempSync(join(tmpdir(), 'vps-rescue-demo-'));
  try {
    out(`    ${server.address}  (${scenario.story})`);
    step(2, `${T.tries}: ssh -i ~/.ssh/id_ed25519 alice@${server.address}`);
    const before = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
    out(`    → ${before.stderr.trim() || `exit ${before.code}`}`);
    step(3, T.console);
    for (const line of server.console.text().trimEnd().split('\n').slice(-2)) out(`    | ${line}`);

    // The secrets go in as environment variables: the printed line is the one that runs, as is.
    const args = [
      ...simulatedProviderArgs(sim, 'conoha', server.address),
      '--user',
      'alice',
      '--password-env',
      'DEMO_CONSOLE_PASSWORD',
      '--user-password-env',
      'DEMO_ALICE_PASSWORD',
      '--out',
      outDir,
      '--lang',
      lang,
    ];
    const env = {
      ...sim.env('conoha'),
      DEMO_CONSOLE_PASSWORD: PASSWORDS.root,
      DEMO_ALICE_PASSWORD: PASSWORDS.alice,
    };
    step(4, `${T.run}:`);
    out(`    ${T.variables}: ${Object.keys(env).join(' ')}`);
    out(`    ${commandLine('vps-rescue', args)}`);
    out('');
    const code = await cli(args, { env: { ...process.env, ...env } });

    step(5, T.after);
    const alice = await server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
    const root = await server.sshLogin({ user: 'root', password: PASSWORDS.root });
    out(`    ssh ${T.alicePw}: ${alice.ok ? 'OK' : `refused (${alice.stderr.trim()})`}`);
    out(`    ssh ${T.rootPw}: ${root.ok ? 'OK (!)' : 'refused'}`);
    const ok = code === 0 && alice.ok && !root.ok;
    out(`\n${ok ? T.done : T.unexpected}`);
    return ok ? 0 : 1;
  } finally {
    await sim.close();
    await server.destroy();
    rmSync(outDir, { recursive: true, force: true });
  }
}

demo(langFromArgs(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
