import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main as cli } from '../src/cli/main.js';
import { langFromEnv, type Lang } from '../src/i18n/index.js';
import { bootScenario, labAvailability, PASSWORDS } from './index.js';
import { commandLine, simulatedProviderArgs } from './command-line.js';
import { startSimulator } from './simulator/index.js';

/**
 * `npm run demo [-- --lang ja]`: the story, end to end. A customer of "G社" (ConoHa) hardened sshd
 * and put their key in the wrong place. vps-rescue finds the server through the (simulated) ConoHa
 * API, opens its serial console, logs in, finds the key in ~/ssh, puts it where sshd reads it, proves
 * from outside that sshd accepts it, and prints the report. Nobody gave it the customer's key: alice's
 * password is there only for the password window, opened if the key could not be proven.
 */
const TEXT = {
  en: {
    boot: 'A lab server locked out as in the story (key-only, no root login, key in ~/ssh/)',
    tries: 'The customer tries their key',
    console: "The provider's console still shows a login prompt",
    run: 'The support engineer runs vps-rescue against the ConoHa API (simulated on loopback)',
    variables: 'with the secrets in the environment',
    after: 'From outside, after the rescue',
    aliceKey: "alice, the customer's own key",
    alicePw: 'alice, password (no window was needed: stays refused)',
    rootPw: 'root, password (must stay refused)',
    named: 'the report names ~/ssh',
    done: 'Done: the customer logs in with their own key again; nothing else was opened.',
    unexpected: 'Unexpected: see above.',
  },
  ja: {
    boot: 'ストーリーどおりにロックアウトされたラボサーバー(鍵認証のみ、root ログイン禁止、鍵が ~/ssh/ に置かれている)',
    tries: 'お客様が鍵でログインを試みる',
    console: 'プロバイダーのコンソールにはログインプロンプトが表示されている',
    run: 'サポート担当者が ConoHa API(ループバック上のシミュレーター)に対して vps-rescue を実行',
    variables: '秘密情報は環境変数で渡す',
    after: '復旧後、外部から確認',
    aliceKey: 'alice、お客様自身の鍵',
    alicePw: 'alice、パスワード(パスワード窓口は不要: 拒否されたまま)',
    rootPw: 'root、パスワード(拒否されたままであること)',
    named: 'レポートが ~/ssh を指摘している',
    done: '完了: お客様は自分の鍵で再びログインできます。それ以外は何も開いていません。',
    unexpected: '想定外の結果です。上の出力を確認してください。',
  },
} as const;

function langFromArgs(argv: string[]): Lang {
  const i = argv.indexOf('--lang');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  return value === 'ja' || value === 'en' ? value : langFromEnv();
}

/** The whole story; `print` takes every line (the terminal, or a test). 0 when it ended as told. */
export async function demo(
  lang: Lang,
  print: (text: string) => void = (t) => process.stdout.write(t),
): Promise<number> {
  const out = (line = '') => print(`${line}\n`);
  const step = (n: number, text: string) => out(`\n\x1b[1m[${n}] ${text}\x1b[0m`);
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
    const line = (text: string) => print(text.endsWith('\n') ? text : `${text}\n`);
    const code = await cli(args, { env: { ...process.env, ...env }, stdout: line, stderr: line });

    step(5, T.after);
    const aliceKey = await server.sshLogin({ user: 'alice', privateKeyPath: key.privateKeyPath });
    const alicePw = await server.sshLogin({ user: 'alice', password: PASSWORDS.alice });
    const root = await server.sshLogin({ user: 'root', password: PASSWORDS.root });
    const report = readdirSync(outDir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => readFileSync(join(outDir, f), 'utf8'))
      .join('\n');
    const named = report.includes('/home/alice/ssh/authorized_keys');
    out(`    ssh ${T.aliceKey}: ${aliceKey.ok ? 'OK' : `refused (${aliceKey.stderr.trim()})`}`);
    out(`    ssh ${T.alicePw}: ${alicePw.ok ? 'OK (!)' : 'refused'}`);
    out(`    ssh ${T.rootPw}: ${root.ok ? 'OK (!)' : 'refused'}`);
    out(`    ${T.named}: ${named ? 'yes' : 'no (!)'}`);
    const ok = code === 0 && aliceKey.ok && !alicePw.ok && !root.ok && named;
    out(`\n${ok ? T.done : T.unexpected}`);
    return ok ? 0 : 1;
  } finally {
    await sim.close();
    await server.destroy();
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  demo(langFromArgs(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
