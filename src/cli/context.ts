import type { Lang } from '../i18n/index.js';

/** What every command gets from the global options. */
export interface CliContext {
  lang: Lang;
  json: boolean;
  debug: boolean;
  /** -q: no progress lines. */
  quiet: boolean;
  /** -v: every change on the server as it happens, besides the steps. */
  verbose: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}
