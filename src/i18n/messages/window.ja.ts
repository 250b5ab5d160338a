import type { windowEn } from './window.en.js';

/** パスワード受付期間コマンドの日本語メッセージ。 */
export const windowJa: Record<keyof typeof windowEn, string> = {
  'window.cmd.describe':
    'サーバーのパスワードログイン受付期間を一覧・早期終了・延長します（復旧と同じくコンソールまたはプロバイダー経由）',
  'window.opt.op': 'list: 受付中の期間をすべて表示、close: USER の期間を今すぐ終了、extend: 期間を延長',
  'window.opt.provider':
    'プロバイダー ID（`vps-rescue providers` を参照）。復旧と同じ方法でサーバーを探して入ります（再起動はしません）',
  'window.opt.endpoint': 'プロバイダー API のベース URL（プライベートクラウド、ラボのシミュレーター）',
  'window.opt.console':
    'プロバイダーの代わりに使うコンソール URL: ws(s)://、termproxy+wss://、ssh://、unix:、tcp://',
  'window.opt.host': 'サーバーのアドレス',
  'window.opt.console-user': 'コンソールにログインするアカウント',
  'window.opt.password-file': 'コンソールのパスワードを書いたファイル',
  'window.opt.password-env': 'コンソールのパスワードを入れた環境変数',
  'window.opt.user': '終了または延長する期間のアカウント（ほかのユーザーの期間はそのままです）',
  'window.opt.minutes': 'extend: 残り時間に足す分数（1〜{max} の整数。現在から最大 {max} 分まで）',
  'window.need-op': 'vps-rescue window には次のいずれかを指定してください: {ops}',
  'window.need-user': 'window {op} には --user（その期間のアカウント）が必要です',
  'window.need-minutes': 'window extend には --minutes（1〜{max} の整数）が必要です',
  'window.list.clock': 'サーバーの時刻: {time}',
  'window.list.skew':
    'サーバーの時刻: {time}（この端末より {skew} 分{direction}。以下の時刻はサーバーの時計によるものです）',
  'window.list.ahead': '進んでいます',
  'window.list.behind': '遅れています',
  'window.list.none': 'このサーバーで受付中のパスワードログイン期間はありません。',
  'window.list.row': '{user}: 開始 {opened}、終了 {until}（{armed}、{where}）',
  'window.list.row-permanent': '{user}: 開始 {opened}、無期限（`window close` でのみ終了、{where}）',
  'window.list.row-legacy':
    '{user}: 以前の版の vps-rescue が開いた期間（終了時刻不明。`window close` で終了してください）',
  'window.armed.armed': '自動終了の準備済み',
  'window.armed.not-armed': '自動では終了しません。今すぐ終了してください',
  'window.armed.permanent': '無期限',
  'window.where.dropin': 'sshd_config.d のドロップイン',
  'window.where.inline': 'sshd_config 内のブロック',
  'window.where.missing': 'Match ブロックが見当たりません',
  'window.where.legacy': '旧形式のドロップイン',
  'window.closed':
    '{user} のパスワードログイン受付期間を終了しました。{user} のパスワードログインは再び無効です（ほかのユーザーの期間は変わりません）。',
  'window.extended': '{user} のパスワードログイン受付期間は {until}（サーバーの時刻）に終了します。',
  'error.window.not-found':
    'このサーバーには {user} のパスワードログイン受付期間がありません（`vps-rescue window list` で確認できます）',
};
