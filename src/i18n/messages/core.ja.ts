import type { coreEn } from './core.en.js';

/** 日本語メッセージ。core.en.ts と同じキーをすべて持つこと(型で強制)。 */
export const coreJa: Record<keyof typeof coreEn, string> = {
  'cli.description':
    'ロックアウトされたサーバーに帯域外コンソールから入り、sshd が拒否する原因を特定し、安全な入口を開き直し、外部から確認して報告します。',
  'cli.opt.json': 'テキストの代わりに機械可読な JSON を出力する',
  'cli.opt.lang': 'メッセージとレポートの言語(既定値は LC_ALL / LC_MESSAGES / LANG から)',
  'cli.opt.debug': '想定外のエラーでスタックトレースとプロトコルの詳細を表示する',
  'cli.error.prefix': 'vps-rescue: ',
  'cli.error.internal': '内部エラー: {message}(詳細は --debug を付けて再実行してください)',

  'error.usage': '{message}',
  'error.usage.secret-on-argv':
    '秘密情報はコマンドラインでは受け付けません({option})。代わりに {alternative} を使ってください',
  'error.usage.unknown-provider': '不明なプロバイダー "{provider}": 次のいずれかを指定してください: {known}',
  'error.config.missing-credentials': '{provider} の認証情報がありません: {variables} を設定してください',
  'error.auth.failed': '{provider} が認証情報を拒否しました(HTTP {status})',
  'error.auth.forbidden': '{provider} がリクエストを拒否しました: 認証情報に {action} の権限がありません',
  'error.provider.not-found': '{provider} に {query} に一致するサーバーがありません',
  'error.provider.ambiguous':
    '{provider} で {query} に一致するサーバーが {count} 台あります({candidates})。ID で指定してください',
  'error.provider.rate-limited':
    '{provider} がリクエストを制限しています。{retryAfter} 秒後に再試行してください',
  'error.provider.api': '{provider} API エラー: {operation} で HTTP {status}{detail}',
  'error.provider.timeout': '{provider} API が {operation} に {seconds} 秒以内に応答しませんでした',
  'error.provider.conflict': 'サーバーの状態のため {provider} が {operation} を拒否しました{detail}',
  'error.provider.precondition': '{provider} では今は {operation} を実行できません: {reason}',
  'error.provider.unsupported': '{provider} では {capability} はできません。利用できる機能: {offers}',
  'error.console.unavailable': '{server} の {kind} コンソールは利用できません: {hint}',
  'error.console.connect': 'コンソール {endpoint} に接続できません: {reason}',
  'error.console.closed': 'コンソール接続が予期せず切断されました({reason})',
  'error.console.timeout':
    'コンソールに {seconds} 秒以内に {waitingFor} が表示されませんでした。最後の画面: {screen}',
  'error.console.no-prompt':
    'コンソールに {seconds} 秒以内にログインプロンプトもシェルも表示されませんでした。最後の画面: {screen}',
  'error.console.login-failed':
    'コンソールで {user} としてのログインが拒否されました(ユーザー名またはパスワードの誤り)',
  'error.console.account-locked':
    'アカウント {user} はロックされています。このアカウントではコンソールを使えません',
  'error.console.password-expired':
    '{user} のパスワードは有効期限切れです。コンソールを使う前に変更が必要です',
  'error.console.no-root': 'コンソールで {user} から root になれません: {reason}',
  'error.console.logout-failed':
    '{levels} 回ログアウトしてもコンソールにシェルが残っています。手動でログアウトしてください(画面: {screen})',
  'error.console.command-failed': 'コンソールでのコマンドが失敗しました({step}): 終了コード {exitCode}',
  'error.console.upload-failed': 'コンソール経由での {name} の転送に失敗しました: チェックサム不一致',
  'error.console.output-unreadable':
    'コマンド出力({lines} 行)をコンソール画面から正しく読み取れませんでした: チェックサム不一致',
  'error.vnc.cannot-type': 'VNC コンソールでは {layout} 配列で文字 {char} を入力できません',
  'error.vnc.typing-failed': 'VNC コンソールへの入力が安定しません: {reason}',
  'error.diagnose.bad-output': 'サーバーから得た診断結果が使えません: {reason}',
  'error.diagnose.rejected-output':
    'サーバーから得た診断結果を拒否しました。何も変更していません: {reason}（収集スクリプトの出力形式に合いません。サーバー上の誰かが偽装している可能性があります）',
  'error.rescue.rejected-result':
    '手順 {step} の結果を拒否しました: {reason}（サーバー上の誰かが偽装している可能性があります）。まずサーバーの状態を確認してください',
  'error.rescue.failed': '復旧は {step} で失敗しました: {reason}',
  'error.rescue.rolled-back':
    '{step} での変更が失敗したため元に戻しました。サーバーは変更前の状態です: {reason}',
  'error.rescue.still-in-rescue':
    '{server} はまだレスキューシステムのままの可能性があります({reason})。{provider} の管理画面でレスキューモードを無効にしてリセットしてください',
  'rescue.state.unchanged': 'サーバーは変更されていません',
  'rescue.state.applied':
    'トランザクション {tx} は適用済みです(バックアップ: {backup})。SSH 接続は未確認のため、確認するか vps-rescue を再実行してください',
  'rescue.state.rolled-back': 'トランザクション {tx} は元に戻されました。サーバーは変更前の状態です',
  'rescue.state.unknown':
    'トランザクション {tx} の結果を受け取る前に停止しました。サーバー上の {backup}/state が done なら適用済み、rolled-back なら変更前、applying なら実行中です(ログ: {backup}/log)',
  'rescue.state.left-open':
    'コンソールがログインしたままの可能性があります。プロバイダーのコンソールでログアウトしてください',
  'rescue.previous-unfinished':
    '以前のトランザクション {tx} が完了していません(state: applying)。変更を続ける前に {backup}/log を確認してください',
  'error.rescue.interrupted': '中断しました({signal}): {state}',
  'error.rescue.no-way-in': '{server} に入る方法がありません: {reason}。プロバイダーが提供する手段: {offers}',
  'error.verify.failed': '復旧後も {host} への {user} の SSH ログインが失敗します: {reason}',
  'error.verify.not-proven':
    '{host} に {user} がログインできることを確認できていません({reason})。お客様に次を試していただいてください: {next}',
  'error.lab.unavailable': 'ここではラボを実行できません: {reason}',
  'error.lab.failed': 'ラボの手順が失敗しました: {step}: {reason}',
  'error.internal': '内部エラー: {message}',
  // Provider settings (the aws folder's serial console host key)
  'error.config.bad-value': '{name} が正しくありません。{expected} の形式にしてください',
  // A rescue system reached through its console (Linode's Finnix through Lish)
  'error.console.rescue-login':
    'レスキューシステムのコンソールが root シェルではなくログインを求めています。ここではパスワードを入力しません(画面: {screen})',
};
