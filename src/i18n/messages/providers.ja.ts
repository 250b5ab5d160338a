import type { providersEn } from './providers.en.js';

/** providers の日本語メッセージ。 */
export const providersJa: Record<keyof typeof providersEn, string> = {
  'providers.capability.serialConsole': 'シリアルコンソール',
  'providers.capability.vncConsole': 'VNC コンソール',
  'providers.capability.runCommand': 'ゲスト内でのコマンド実行',
  'providers.capability.rescueBoot': 'レスキューシステムでの起動',

  'providers.plan.serial': 'シリアルコンソール: 双方向ともテキストで、診断と修復のすべてが行えます',
  'providers.plan.run-command':
    'ゲストエージェントでのコマンド実行: ログイン不要ですが、端末なしで 1 コマンドずつの実行になります',
  'providers.plan.rescue': 'レスキューシステム: サーバーを再起動するため、再起動しない方法の後に試します',
  'providers.plan.vnc':
    'VNC コンソール: シリアルの getty がなくても使えますが、キー入力と画面の読み取りが必要です',

  'providers.path.serial-console': 'シリアルコンソール',
  'providers.path.run-command': 'ゲストエージェントでのコマンド実行',
  'providers.path.rescue-system': 'レスキューシステム',
  'providers.path.vnc-console': 'VNC コンソール',
  'providers.way-in.chosen': '{path}から作業します: {reason}',
  'providers.way-in.skipped': '{path}は使いません: {reason}',
  'providers.way-in.not-offered': '{provider} では提供されていません',
  'providers.way-in.rescue-not-yet':
    'このバージョンはレスキューシステムからディスクを修復する機能にまだ対応していません(サーバーの再起動も伴います)',
  'providers.way-in.not-root': 'コマンド実行が root 権限で動いていません(id -u の出力: "{uid}")',
  'providers.way-in.no-console-password':
    'コンソールのパスワードが指定されておらず(--password-file または --password-env)、入力を求める端末もありません',
  'providers.way-in.via-agent': 'ゲストエージェント({provider})',
  'providers.way-in.via-rescue': 'レスキューシステム({provider})',
  'providers.way-in.via-rescue-console': 'レスキューシステム({provider})のコンソール',
  'providers.way-in.rescue-rebooting':
    '{server} を {provider} のレスキューシステムで再起動します。最後には必ず元のシステムで再起動します',
  'providers.way-in.no-reboot':
    'サーバーの再起動を伴うため使いません(--dry-run と --action diagnose では再起動しません)',
  'providers.way-in.rescue-no-ssh': 'レスキューシステムに SSH で入る手段が返されませんでした',
  'providers.way-in.rescue-leaving': 'レスキューシステムを終了します: {server} は元のシステムで起動します',
  'providers.way-in.rescue-back': '{server} が元のシステムで SSH に応答しています',
  'providers.way-in.rescue-no-answer':
    '{server} はリセット後 {seconds} 秒以内に SSH に応答しませんでした。理由は確認結果に示されます',

  'providers.cmd.describe': '対応プロバイダーと、それぞれの機能・必要な認証情報を一覧表示します',
  'providers.cmd.markdown': '表を Markdown で出力します（README 用）',
  'providers.cmd.credentials': '認証情報: {variables}',
  'providers.cmd.optional': '任意: {variables}',
  'providers.cmd.endpoint': '--endpoint で指定するもの: {endpoint}',
  'providers.cmd.reboots': '{capability}（サーバーを再起動します）',
  'providers.cmd.capabilities': '機能: {capabilities}',
  'providers.table.provider': 'プロバイダー',
  'providers.table.credentials': '認証情報',
  'providers.table.or': ' または ',

  'providers.hint.not-running': 'サーバーの状態は {status} です。起動している必要があります',
  'providers.hint.no-console': '{provider} には {kind} コンソールがありません',
};
