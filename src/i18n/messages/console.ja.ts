import type { consoleEn } from './console.en.js';

/** console の日本語メッセージ。 */
export const consoleJa: Record<keyof typeof consoleEn, string> = {
  'console.cmd.describe':
    'サーバーのコンソールを表示(--watch)または操作します。URL、または --host のサーバーのプロバイダーのコンソール（Ctrl-] で終了）',
  'console.opt.connect':
    'コンソール URL: ws(s)://…?token=…（nova/ConoHa）、termproxy+wss://USER@host:8006/…?vncticket=…、ssh://user@host:port、unix:/path、tcp://127.0.0.1:port、pty:/dev/pts/N',
  'console.opt.connect-file':
    'コンソール URL を記したファイル（トークン・チケット・パスワードを含む URL 用）',
  'console.opt.connect-env':
    'コンソール URL をこの環境変数から読みます（トークンをコマンドラインに出しません）',
  'console.opt.password-file': 'SSH ゲートウェイのパスワードを書いたファイル',
  'console.opt.password-env': 'SSH ゲートウェイのパスワードを入れた環境変数',
  'console.opt.identity': 'SSH ゲートウェイ用の秘密鍵ファイル',
  'console.connected': '{endpoint} に接続しました。Ctrl-] で終了します。',
  'console.ended-escape': 'コンソールから離れました（サーバー側の状態はそのままです）。',
  'console.ended-closed': 'コンソール接続が切れました: {reason}',
  'console.password-prompt': '{target} のパスワード: ',
  'console.need-connect': '--connect URL か --connect-env VAR を指定してください',
};
