import type { Lang } from '../i18n/index.js';

/** What every command gets from the global options. */
export interface CliContext {
  lang: Lang;
  json: boolean;
  debug: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}
