import type { preflightEn } from './preflight.en.js';

/** Japanese messages of `preflight` and `harden`. */

export const preflightJa: Record<keyof typeof preflightEn, string> = {
  'preflight.cmd.describe':
    'sshd を堅牢化する前に：変更後も入れるか（サーバー自身の sshd に問う）、戻り道はあるかを確認します',
  'harden.cmd.describe':
    'SSH 越しに堅牢化を一つの保護された変更として適用します。あなたの鍵での新しいログインが確認しない限り自動で元に戻ります',
  'opt.preflight.host': 'サーバーのアドレス（ssh で接続するときのもの）',
  'opt.preflight.ssh-port': 'SSH のポート（既定 22）',
  'opt.preflight.user': 'ログインするアカウント（変更後も入れなければならないアカウント）',
  'opt.preflight.identity': 'ログインに使う秘密鍵ファイル（既定：SSH_AUTH_SOCK の SSH エージェント）',
  'opt.preflight.password-env':
    'ユーザーのパスワードを入れた環境変数（今パスワードで入っている場合のログインと sudo）',
  'opt.preflight.password-file':
    'ユーザーのパスワードを入れたファイル（今パスワードで入っている場合のログインと sudo）',
  'opt.preflight.known-hosts': 'ホスト鍵を照合する known_hosts ファイル（既定 ~/.ssh/known_hosts）',
  'opt.preflight.host-key':
    '代わりに期待するホスト鍵のフィンガープリント（SHA256:…、ssh-keygen -lf の表示形式）',
  'opt.preflight.provider': 'プロバイダー ID（`vps-rescue providers` を参照）：その API で戻り道も確認します',
  'opt.preflight.endpoint': 'プロバイダー API のベース URL（プライベートクラウド、ラボのシミュレーター）',
  'opt.preflight.config': '既定の計画の代わりに使う sshd_config 全体の候補',
  'opt.preflight.dropin': '既定の計画の代わりに sshd_config.d に置くドロップイン（ファイル名はそのまま）',
  'opt.preflight.out': 'レポート（Markdown と JSON）の出力先フォルダー',
  'opt.harden.host': 'サーバーのアドレス（ssh で接続するときのもの）',
  'opt.harden.ssh-port': 'SSH のポート（既定 22）',
  'opt.harden.user': 'ログインするアカウント（変更後も入れなければならないアカウント）',
  'opt.harden.identity': 'ログインに使う秘密鍵ファイル（既定：SSH_AUTH_SOCK の SSH エージェント）',
  'opt.harden.password-env':
    'ユーザーのパスワードを入れた環境変数（今パスワードで入っている場合のログインと sudo）',
  'opt.harden.password-file':
    'ユーザーのパスワードを入れたファイル（今パスワードで入っている場合のログインと sudo）',
  'opt.harden.known-hosts': 'ホスト鍵を照合する known_hosts ファイル（既定 ~/.ssh/known_hosts）',
  'opt.harden.host-key':
    '代わりに期待するホスト鍵のフィンガープリント（SHA256:…、ssh-keygen -lf の表示形式）',
  'opt.harden.provider': 'プロバイダー ID（`vps-rescue providers` を参照）：その API で戻り道も確認します',
  'opt.harden.endpoint': 'プロバイダー API のベース URL（プライベートクラウド、ラボのシミュレーター）',
  'opt.harden.config': '既定の計画の代わりに使う sshd_config 全体の候補',
  'opt.harden.dropin': '既定の計画の代わりに sshd_config.d に置くドロップイン（ファイル名はそのまま）',
  'opt.harden.out': 'レポート（Markdown と JSON）の出力先フォルダー',
  'opt.harden.confirm-within':
    '新しいログインが変更を確認するまでの猶予（分）。過ぎるとサーバーが元に戻します（既定 5、最大 60）',

  'error.usage.bad-fingerprint':
    '{option} は SHA256 フィンガープリント（SHA256: と 43 文字）で指定してください：{value}',
  'error.usage.bad-dropin-name':
    'ドロップインの名前は NAME.conf の形（英数字と . _ -）にしてください：{value}',
  'error.usage.bad-confirm-within':
    '--confirm-within は 1 から {max} までの整数（分）で指定してください：{value}',
  'error.ssh.connect': '{host} のポート {port} の SSH に接続できません：{reason}',
  'error.ssh.host-key-unknown':
    '{host}（ポート {port}）のホスト鍵が未知です：{fingerprint}。コンソールで確認（ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub）してから --host-key {fingerprint} を指定するか known_hosts に追加してください',
  'error.ssh.host-key-mismatch':
    '{host}（ポート {port}）のホスト鍵が既知のものと違います：{fingerprint}。何も送っていません。先に理由を確かめてください',
  'error.ssh.login-refused':
    '{host} のポート {port} に {user} としてのログインが拒否されました（指定の鍵／パスワード）。ここからは何も確認できません',
  'error.ssh.sudo-refused': '{user} は sudo で root になれません：{reason}',
  'error.preflight.lockout': 'この堅牢化で {user} は {host} から締め出されます：{cause}',
  'error.preflight.no-way-back':
    '堅牢化は {user} にとって安全ですが、{host} には問題が起きたときの戻り道がありません',
  'error.preflight.way-back-unknown':
    '堅牢化は {user} にとって安全ですが、{host} への戻り道は確認していません（--provider を指定してください）',
  'error.preflight.cannot-predict': '候補の設定をサーバー上で確認できませんでした：{reason}',
  'error.harden.reverted':
    '堅牢化を元に戻しました：{host} への {user} の新しいログインが失敗しました（{cause}）。サーバーは変更前のままです',
  'error.harden.refused':
    '堅牢化は適用していません：sshd -t が候補を拒否しました（{reason}）。何も変わっていません',

  'preflight.title': '{user}@{host} の事前確認（計画：{plan}）',
  'preflight.mark.ok': '[OK]  ',
  'preflight.mark.fail': '[NG]  ',
  'preflight.mark.warn': '[注意]',
  'preflight.mark.skip': '[対象外]',
  'preflight.fix': '対処',
  'preflight.check.login-today': '現在のログイン',
  'preflight.check.root-access': '確認用の root 権限',
  'preflight.check.key-today': '現在の鍵ログイン',
  'preflight.check.candidate-syntax': '候補に対する sshd -t',
  'preflight.check.key-after': '変更後の鍵ログイン',
  'preflight.check.hardening-effective': '変更が効くか',
  'preflight.check.console-api': 'API 経由のコンソール',
  'preflight.check.console-account': 'コンソールのログインアカウント',
  'preflight.check.console-getty': 'コンソールの getty',
  'preflight.check.run-command': 'コマンド実行／ゲストエージェント',
  'preflight.check.rescue-system': 'レスキューシステム',
  'preflight.verdict.safe': '安全です：変更後も {user} は入れ、戻り道もあります。',
  'preflight.verdict.lockout': '適用しないでください：{user} が締め出されます（{cause}）。',
  'preflight.verdict.no-way-back': '{user} は入れますが、ほかに問題が起きたときの戻り道がありません。',
  'preflight.verdict.way-back-unknown': '{user} は入れます。戻り道は確認していません（--provider なし）。',
  'preflight.login-today.ok': '{user} としてログインしました（{method}）。ホスト鍵 {hostKey}',
  'preflight.root-access.root': 'root としてログインしています',
  'preflight.root-access.sudo-nopasswd': '{user} は sudo で root になれます（パスワード不要）',
  'preflight.root-access.sudo-password': '{user} は sudo で root になれます（パスワードは一度だけ使用）',
  'preflight.key-today.ok': '{user} の鍵は現在受け付けられています',
  'preflight.candidate-syntax.ok': 'サーバーの sshd は候補を受け付けます',
  'preflight.candidate-syntax.fail': 'サーバーの sshd は候補を拒否します：{output}',
  'preflight.candidate-syntax.fix':
    '`sshd -t` が通るまで候補を直してください。リロードでは読み込まれません。',
  'preflight.key-after.ok': '{address} からの {user} に対する sshd の実効設定でも鍵は受け付けられます',
  'preflight.key-after.no-key':
    '変更後にログインする鍵がありません：{user} は現在パスワードでログインしています',
  'preflight.key-after.no-key-fix':
    '--identity を指定するかエージェントに鍵を読み込み、先に鍵を登録してください。',
  'preflight.hardening-effective.unknown': 'sshd -T は候補の設定を返しませんでした',
  'preflight.hardening-effective.ok': 'sshd は次を適用します：{settings}',
  'preflight.hardening-effective.overridden':
    'sshd は次を適用しません：{settings}（別のファイルか Match ブロックが優先）',
  'preflight.hardening-effective.fix':
    'sshd が最初に読む場所（sshd_config.d の Include より前）に書くか、上書きしているファイルを直してください。',
  'preflight.console-account.ok': 'コンソールでログインして root になれるアカウント：{users}',
  'preflight.console-account.fail':
    'コンソールでログインして root になれるアカウントがありません（{accounts}）',
  'preflight.console-account.fix':
    '堅牢化の前に {user} か root にパスワードを設定してください（sudo passwd {user}）。コンソールはパスワードを求めます。',
  'preflight.console-getty.ok': '{ttys} でログインプロンプトが動いています（{kind} コンソール）',
  'preflight.console-getty.fail': '{kind} コンソールが映す端末でログインプロンプト（getty）が動いていません',
  'preflight.console-getty.fix-serial':
    '有効にしてください：systemctl enable --now serial-getty@ttyS0.service',
  'preflight.console-getty.fix-vnc': '有効にしてください：systemctl enable --now getty@tty1.service',
  'preflight.console-api.unchecked': 'コンソールは確認していません（--provider なし）',
  'preflight.console-api.unchecked-fix':
    'API の認証情報を用意して --provider ID を付けて再実行してください。',
  'preflight.console-api.not-found': '{provider} でサーバーが見つかりません：{reason}',
  'preflight.console-api.none': '{provider} はコンソールを提供していません',
  'preflight.console-api.ok': '{provider} は {server} の {kind} コンソールを発行します',
  'preflight.console-api.fail': '{provider} はコンソールを発行しませんでした：{reason}',
  'preflight.console-api.fix': 'API の認証情報と、このサーバーでコンソールが有効かを確認してください。',
  'preflight.run-command.offered': '{provider} はコマンド実行を提供しています（コンソールなしで入れる道）',
  'preflight.run-command.none': '{provider} はコマンド実行を提供していません',
  'preflight.rescue-system.offered': '{provider} はレスキューシステムを提供しています',
  'preflight.rescue-system.none': '{provider} はレスキューシステムを提供していません',

  'harden.title': '{user}@{host} の堅牢化（計画：{plan}、トランザクション {txId}）',
  'harden.outcome.kept': '維持：{user} の鍵による新しいログインが変更を確認しました。',
  'harden.outcome.reverted': '復元：{user} の新しいログインが失敗したため、サーバーは変更前に戻りました。',
  'harden.outcome.refused': '未適用：sshd -t が候補を拒否しました。何も変わっていません。',
  'harden.label.backup': 'サーバー上のバックアップ',
  'harden.label.armed': 'リロード前に仕掛けた自動復元',
  'harden.label.cause': 'ログインが失敗した理由',
  'harden.label.fix': '対処',
  'harden.label.timeline': '経過',
  'harden.step.apply': 'バックアップ、候補の配置、sshd -t',
  'harden.step.armed': '自動復元を設定',
  'harden.step.reloaded': 'sshd をリロード',
  'harden.step.confirmed': '新しいログインが変更を確認',
  'harden.step.login-failed': '新しいログインが失敗',
  'harden.step.reverted': '元に戻しました',
  'harden.step.refused': '候補を拒否',
  'harden.report-written': 'レポートを書き出しました',
};
