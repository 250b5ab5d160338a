import type { cliEn } from './cli.en.js';

export const cliJa: Record<keyof typeof cliEn, string> = {
  'cli.opt.output': '出力形式: text(既定)または json(--json と同じ)',
  'cli.opt.quiet': '進行状況を表示しない: エラーとレポートの保存先だけを表示する',
  'cli.opt.verbose': 'サーバーに加えた変更も、その都度表示する',
  'cli.opt.help': 'ヘルプを表示する',
  'cli.opt.version': 'バージョンを表示する',
  'cli.usage.quiet-verbose': '--quiet と --verbose は同時に指定できません',
  'completion.cmd.describe': 'シェル補完スクリプトを出力する(bash、zsh、fish)',
  'completion.opt.shell': '補完するシェル(既定値は $SHELL から)',
  'opt.rescue.provider': 'プロバイダー ID(`vps-rescue providers` を参照)',
  'opt.rescue.endpoint': 'プロバイダー API のベース URL(プライベートクラウド、ラボのシミュレーター)',
  'opt.rescue.console':
    'プロバイダーの代わりに使うコンソール URL: ws(s)://、termproxy+wss://、ssh://、unix:、tcp://',
  'opt.rescue.host': 'サーバーのアドレス(外部からの SSH 確認にも使う)',
  'opt.rescue.ssh-port': '外部から確認する SSH ポート',
  'opt.rescue.user': 'SSH アクセスを救出するアカウント',
  'opt.rescue.action':
    '処理。auto は直せるものを直し、直せなければパスワード窓口を開く。diagnose は何も変更しない',
  'opt.rescue.dry-run': '何も変更せず、見つかった問題と計画を報告する',
  'opt.rescue.key': '利用者の公開鍵ファイル',
  'opt.rescue.identity': '利用者の秘密鍵ファイル(実際の鍵ログインで確認する)',
  'opt.rescue.window': 'パスワードログインを開けておく分数',
  'opt.rescue.permanent': 'パスワード窓口に時間制限を設けない',
  'opt.rescue.expire-password': '生成したパスワードを初回ログイン時に変更させる',
  'opt.rescue.console-user': 'コンソールでログインするアカウント',
  'opt.rescue.password-file': 'コンソールのパスワードを書いたファイル',
  'opt.rescue.password-env': 'コンソールのパスワードを入れた環境変数',
  'opt.rescue.user-password-file': '利用者自身のパスワードを書いたファイル(確認用)',
  'opt.rescue.user-password-env': '利用者自身のパスワードを入れた環境変数(確認用)',
  'opt.rescue.password-out': '生成したパスワードをこの新しいファイル(0600)に書く',
  'opt.rescue.out': 'レポートとトランスクリプトを保存するディレクトリ',
  'console.opt.provider':
    '--host のサーバーのコンソールをこのプロバイダーから開く(シリアル、なければ VNC をテキストで表示)',
  'console.opt.host': '--provider と共に: サーバーのアドレスまたは名前',
  'console.opt.endpoint':
    '--provider と共に: プロバイダー API のベース URL(プライベートクラウド、ラボのシミュレーター)',
  'console.opt.watch': '見るだけ: 入力はサーバーに送られない(Ctrl-] または Ctrl-C で終了)',
  'console.provider-no-console': '{provider} にはシリアルコンソールも VNC コンソールもありません',
  'console.need-connect-or-provider':
    '--connect URL、--connect-env VAR、または --provider ID と --host を指定してください',
  'console.connect-and-provider':
    '--connect/--connect-env と --provider はどちらか一方だけを指定してください',
  'console.watching':
    '{endpoint} を表示しています(読み取り専用: 入力はサーバーに送られません)。Ctrl-] または Ctrl-C で終了します。',
};
