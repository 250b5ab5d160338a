import type { cliEn } from './cli.en.js';

/** rescue コマンドの入力検査とアカウント保護のメッセージ。cli.en.ts と同じキーをすべて持つこと。 */
export const cliJa: Record<keyof typeof cliEn, string> = {
  'error.usage.bad-window': '--window {value}：1～{max} の整数(分)で指定してください',
  'error.usage.bad-port': '--ssh-port {value}：1～65535 のポート番号を指定してください',
  'error.usage.bad-user-name':
    '{option} {value}：ユーザー名として使えません(英小文字・数字・「_」・「-」、32 文字まで)',
  'error.usage.bad-host': '--host {value}：サーバーのアドレスまたは名前を指定してください',
  'error.usage.conflict': '{first} と {second} は同時に指定できません',
  'error.usage.repeated': '{option} が複数回指定されています。1 回だけ指定してください',
  'error.usage.needs': '{option} には {needed} が必要です',
  'error.usage.no-effect': '{option} は --action {action} では効果がありません。外してください',
  'error.usage.path-exists':
    '{option} `{path}` はすでに存在します。新しいファイル名を指定してください(既存のファイルには書き込みません)',
  'error.usage.path-not-writable': '{option} `{path}`：フォルダー `{dir}` が存在しないか、書き込めません',
  'error.usage.unreadable-file': '{option} `{path}` を読み込めません({reason})',
  'error.usage.bad-key': '{option} `{path}` は使える{kind}鍵ではありません(`{reason}`)',
  'error.usage.bad-tz': '--tz {value} は不明なタイムゾーンです(例：Asia/Tokyo、UTC)',
  'error.usage.env-missing': '{option} {name}：この環境変数は設定されていません',
  'error.usage.unknown-user':
    '{host} にアカウント {user} はありません。何も変更していません。該当しそうなアカウント：{candidates}',
  'error.usage.user-exists':
    '{host} にはアカウント {user} がすでにあります。create-user は新しいアカウントだけを作ります(何も変更していません)。{user} に新しいパスワードを設定するには --action enable-password --reset-password を使ってください',
  'error.usage.password-exists':
    'アカウント {user} にはパスワード(ロック中)があります。置き換えるのは --reset-password を指定したときだけです',
  'error.usage.confirm-needed':
    '{change}には確認が必要です。端末から実行して確認に答えるか、--yes を付けてください({state})',
  'error.usage.declined': '{change}は確認されませんでした({state})',

  'cli.candidates.none': '(ログインできるアカウントなし)',
  'cli.hint.create-user': '作成する場合：--action create-user --user {user}',
  'cli.hint.other-ways': '{server} へのほかの経路：{offers}',
  'cli.hint.way-skipped': '{path}：{reason}',
  'cli.change.create-user': '{host} にアカウント {user}(sudo 権限付き)を作成すること',
  'cli.change.create-user-forced':
    '{host} にはログインできるアカウントがありません(root ログインは無効で、ほかのログイン用アカウントもありません)。アカウント {user}(sudo 権限付き)を作成すること',
  'cli.change.set-password': '{host} の {user}(パスワード未設定)に生成したパスワードを設定すること',
  'cli.state.unchanged': '何も変更していません',
  'cli.state.partly': 'これ以上は変更していません。それまでに実施した変更：{changes}',
  'cli.change.reset-password': '{host} の {user} のパスワードを置き換えること',
  'cli.confirm.question': '{change}を実行します。よろしいですか？ [y/N] ',

  'cli.rescue.describe': 'ロックアウトされたサーバーを復旧する(既定のコマンド)',
  'cli.rescue.opt.provider': 'プロバイダー ID(`vps-rescue providers` を参照)',
  'cli.rescue.opt.endpoint': 'プロバイダー API のベース URL(プライベートクラウド、ラボのシミュレーター)',
  'cli.rescue.opt.console':
    'プロバイダーの代わりに使うコンソール URL：ws(s)://、termproxy+wss://、ssh://、unix:、tcp://',
  'cli.rescue.opt.console-env':
    'コンソール URL を入れた環境変数（トークン・チケット・パスワードを含む URL はこれかファイルでのみ指定）',
  'cli.rescue.opt.console-file': 'コンソール URL を入れたファイル',
  'cli.rescue.opt.host': 'サーバーのアドレス(外部からの SSH 確認にも使用)',
  'cli.rescue.opt.ssh-port': '確認で接続する SSH ポート',
  'cli.rescue.opt.user': 'SSH ログインを復旧するアカウント(create-user 以外では既存のアカウント)',
  'cli.rescue.opt.action': '実行内容(auto：鍵を修復し、だめならパスワードログインを一時的に許可)',
  'cli.rescue.opt.dry-run': '何も変更せず、診断結果と実行計画を報告する',
  'cli.rescue.opt.key': 'お客様の公開鍵ファイル',
  'cli.rescue.opt.identity': '実際の鍵ログインで確認するための、お客様の秘密鍵ファイル',
  'cli.rescue.opt.window': 'パスワードログインを許可する時間(分、1～1440、既定値 60)',
  'cli.rescue.opt.permanent': 'パスワードログインの許可に期限を設けない',
  'cli.rescue.opt.expire-password': '生成したパスワードを初回ログイン時に変更させる',
  'cli.rescue.opt.reset-password': 'ユーザーの既存のパスワードを生成したものに置き換える',
  'cli.rescue.opt.yes': 'アカウント変更の確認に「はい」と答える(スクリプト用)',
  'cli.rescue.opt.console-user': 'コンソールでログインするアカウント',
  'cli.rescue.opt.password-file': 'コンソールのパスワードを記したファイル',
  'cli.rescue.opt.password-env': 'コンソールのパスワードを持つ環境変数',
  'cli.rescue.opt.user-password-file': 'ユーザー自身のパスワードを記したファイル(確認用)',
  'cli.rescue.opt.user-password-env': 'ユーザー自身のパスワードを持つ環境変数(確認用)',
  'cli.rescue.opt.password-out': '生成したパスワードをこの新しいファイル(0600)に書き出す',
  'cli.rescue.opt.out': 'レポートとコンソール記録を置くフォルダー',
  'cli.rescue.opt.tz': 'レポートの日時のタイムゾーン(既定値：ja は Asia/Tokyo、en は UTC)',

  'cli.opt.output': '出力形式: text(既定)または json(--json と同じ)',
  'cli.opt.quiet': '進行状況を表示しない: エラーとレポートの保存先だけを表示する',
  'cli.opt.verbose': 'サーバーに加えた変更も、その都度表示する',
  'cli.opt.help': 'ヘルプを表示する',
  'cli.opt.version': 'バージョンを表示する',
  'cli.usage.quiet-verbose': '--quiet と --verbose は同時に指定できません',
  'completion.cmd.describe': 'シェル補完スクリプトを出力する(bash、zsh、fish)',
  'completion.opt.shell': '補完するシェル(既定値は $SHELL から)',
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
