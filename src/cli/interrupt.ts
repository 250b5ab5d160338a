import { EXIT_CODES } from '../errors/codes.js';
import { RescueError } from '../errors/rescue-error.js';
import type { Lang } from '../i18n/index.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const SAY = {
  en: {
    first: (signal: string) =>
      `vps-rescue: ${signal}: stopping safely (a started change is finished or rolled back on the server, the console is logged out); press Ctrl-C again to abandon at once`,
    second: (signal: string) =>
      `vps-rescue: ${signal} again: abandoned at once; the console may still be logged in and the server's state is unknown (see /var/backups/vps-rescue/*/state)`,
  },
  ja: {
    first: (signal: string) =>
      `vps-rescue: ${signal}: 安全に停止しています(開始済みの変更はサーバー上で完了または取り消され、コンソールはログアウトされます)。すぐに中止するにはもう一度 Ctrl-C を押してください`,
    second: (signal: string) =>
      `vps-rescue: 再度の ${signal}: 直ちに中止しました。コンソールがログインしたまま、サーバーの状態は不明の可能性があります(/var/backups/vps-rescue/*/state を確認してください)`,
  },
} satisfies Record<Lang, Record<string, (signal: string) => string>>;

/**
 * Runs `body` with SIGINT/SIGTERM/SIGHUP turned into an abort of its signal: the first one asks the
 * rescue to stop at its next safe point (it then throws rescue.interrupted with the server's state);
 * a second one abandons at once with the same exit code. The handlers are removed afterwards.
 */
export async function withInterrupts<T>(
  io: { lang: Lang; stderr: (text: string) => void; exit?: (code: number) => void },
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const exit = io.exit ?? ((code: number) => process.exit(code));
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (controller.signal.aborted) {
      io.stderr(SAY[io.lang].second(signal));
      exit(EXIT_CODES.interrupted);
      return;
    }
    io.stderr(SAY[io.lang].first(signal));
    controller.abort(new RescueError('rescue.interrupted', { signal, state: 'stopping' }));
  };
  const handlers = SIGNALS.map((name) => {
    const handler = () => onSignal(name);
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  try {
    return await body(controller.signal);
  } finally {
    for (const off of handlers) off();
  }
}
