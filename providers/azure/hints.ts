/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const azureHintsEn = {
  'providers.hint.azure-credentials':
    'no Azure credential could be used: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, run `az login`, or run on a VM with a managed identity ({detail})',
  'providers.hint.azure-token-expired':
    'the Azure access token has expired: run `az login` again (or renew the service principal secret) and retry',
  'providers.hint.azure-boot-diagnostics':
    'the serial console needs boot diagnostics: `az vm boot-diagnostics enable -g {group} -n {vm}`',
  'providers.hint.azure-console-disabled':
    'the serial console is disabled for this subscription: `az serial-console enable`',
  'providers.hint.azure-not-running': 'the VM is not running ({status}): `az vm start -g {group} -n {vm}`',
  'providers.hint.azure-agent':
    'the Azure VM agent (waagent) in the VM is not ready ({status}); Run Command needs it running',
  'providers.hint.azure-no-openssl':
    "a password would have to travel through Run Command, which passes the script through Azure to the VM agent and onto the VM's disk: it goes only sealed to a key made on the VM, and {vm} could not make one (openssl missing? exit {code}); use the serial console for this",
  'providers.hint.azure-windows': 'this is a Windows VM; only Linux VMs are supported',
  'providers.hint.azure-met-serial':
    'Azure prerequisites met: VM running, boot diagnostics on, serial console enabled for the subscription (the login needs a password user in the guest)',
  'providers.hint.azure-met-run-command':
    'Azure prerequisites met: VM running, VM agent Ready; Run Command runs as root, output paged past its 4,096-byte limit',
} as const;

export const azureHintsJa: Record<keyof typeof azureHintsEn, string> = {
  'providers.hint.azure-credentials':
    'Azure の認証情報が使えません。AZURE_TENANT_ID・AZURE_CLIENT_ID・AZURE_CLIENT_SECRET を設定するか、`az login` を実行するか、マネージド ID を持つ VM 上で実行してください（{detail}）',
  'providers.hint.azure-token-expired':
    'Azure のアクセストークンの期限が切れています。`az login` をやり直す（またはサービスプリンシパルのシークレットを更新する）してから再実行してください',
  'providers.hint.azure-boot-diagnostics':
    'シリアルコンソールにはブート診断が必要です: `az vm boot-diagnostics enable -g {group} -n {vm}`',
  'providers.hint.azure-console-disabled':
    'このサブスクリプションではシリアルコンソールが無効です: `az serial-console enable`',
  'providers.hint.azure-not-running': 'VM が起動していません（{status}）: `az vm start -g {group} -n {vm}`',
  'providers.hint.azure-agent':
    'VM 内の Azure VM エージェント（waagent）が準備できていません（{status}）。Run Command にはエージェントの動作が必要です',
  'providers.hint.azure-no-openssl':
    'パスワードを Run Command で送ることになりますが、Run Command はスクリプトを Azure 経由で VM エージェントに渡し、VM のディスクに書き込みます。そのため VM で作った鍵で封じたときだけ送ります。{vm} では鍵を作れませんでした（openssl がない？ 終了コード {code}）。この操作にはシリアルコンソールを使ってください',
  'providers.hint.azure-windows': 'これは Windows VM です。対応しているのは Linux VM だけです',
  'providers.hint.azure-met-serial':
    'Azure の前提条件を確認済み: VM 起動中、ブート診断有効、サブスクリプションでシリアルコンソール有効（ログインにはゲスト内のパスワード付きユーザーが必要）',
  'providers.hint.azure-met-run-command':
    'Azure の前提条件を確認済み: VM 起動中、VM エージェント Ready。Run Command は root で実行し、4,096 バイトの出力上限を超える分はページ分割で取得',
};

export const azureHints = { en: azureHintsEn, ja: azureHintsJa };
