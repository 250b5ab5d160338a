/**
 * This provider's messages, in every language: the registry merges them into the message catalogue,
 * and the type of the Japanese table makes a missing translation a type error.
 */
export const awsHintsEn = {
  'providers.hint.aws-no-region':
    'no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or a region in the profile of ~/.aws/config',
  'providers.hint.aws-expired':
    'the AWS credentials have expired ({code}): renew them (`aws sso login`, a new session token) and run again',
  'providers.hint.aws-serial-access-off':
    'EC2 serial console access is off for this account in {region}; an administrator can turn it on with `aws ec2 enable-serial-console-access --region {region}`',
  'providers.hint.aws-not-nitro':
    'instance type {type} is not built on the Nitro System (hypervisor {hypervisor}); the EC2 serial console needs a Nitro or bare-metal instance',
  'providers.hint.aws-serial-busy':
    'another session is already connected to the serial console of {instance} (one at a time); close it or wait for it to end',
  'providers.hint.aws-serial-refused': 'EC2 Instance Connect refused the one-time key ({code}): {message}',
  'providers.hint.aws-no-fingerprint':
    "no published host key fingerprint is known for the serial console in {region}; set VPS_RESCUE_AWS_SERIAL_HOST_KEY to the region's SHA256 fingerprint from the EC2 User Guide",
  'providers.hint.aws-not-running': 'the instance is {state}; it must be running',
  'providers.hint.aws-ssm-unmanaged':
    'instance {instance} is not managed by Systems Manager (no SSM agent registered: it needs the agent and an instance profile with AmazonSSMManagedInstanceCore); the serial console then needs a password user in the guest',
  'providers.hint.aws-ssm-offline':
    'the SSM agent of {instance} is {ping} (last seen {lastPing}); the serial console then needs a password user in the guest',
  'providers.hint.aws-ssm-failed': 'the command did not run: SSM says {status} ({detail})',
  'providers.hint.aws-ssm-no-openssl':
    'a password would have to travel through SSM, which keeps every command in its history: it goes only sealed to a key made on the instance, and {instance} could not make one (openssl missing? exit {code}); use the serial console for this',
  'providers.via.aws.run-command': 'SSM Run Command, AWS-RunShellScript as root ({provider})',
} as const;

export const awsHintsJa: Record<keyof typeof awsHintsEn, string> = {
  'providers.hint.aws-no-region':
    'AWS のリージョンがありません。AWS_REGION（または AWS_DEFAULT_REGION）か、~/.aws/config のプロファイルに region を設定してください',
  'providers.hint.aws-expired':
    'AWS の認証情報の有効期限が切れています（{code}）。更新して（`aws sso login`、新しいセッショントークン）もう一度実行してください',
  'providers.hint.aws-serial-access-off':
    '{region} ではこのアカウントの EC2 シリアルコンソールへのアクセスが無効です。管理者が `aws ec2 enable-serial-console-access --region {region}` で有効にできます',
  'providers.hint.aws-not-nitro':
    'インスタンスタイプ {type} は Nitro System ではありません（ハイパーバイザー {hypervisor}）。EC2 シリアルコンソールには Nitro かベアメタルのインスタンスが必要です',
  'providers.hint.aws-serial-busy':
    '{instance} のシリアルコンソールには既に別のセッションが接続しています（同時に 1 つまで）。それを閉じるか終わるのを待ってください',
  'providers.hint.aws-serial-refused': 'EC2 Instance Connect が一時鍵を拒否しました（{code}）: {message}',
  'providers.hint.aws-no-fingerprint':
    '{region} のシリアルコンソールについて公開されたホスト鍵フィンガープリントが分かりません。EC2 ユーザーガイドにあるそのリージョンの SHA256 フィンガープリントを VPS_RESCUE_AWS_SERIAL_HOST_KEY に設定してください',
  'providers.hint.aws-not-running': 'インスタンスは {state} です。実行中である必要があります',
  'providers.hint.aws-ssm-unmanaged':
    'インスタンス {instance} は Systems Manager の管理下にありません（SSM エージェントが登録されていません。エージェントと AmazonSSMManagedInstanceCore を持つインスタンスプロファイルが必要です）。この場合シリアルコンソールにはゲスト内のパスワードを持つユーザーが必要です',
  'providers.hint.aws-ssm-offline':
    '{instance} の SSM エージェントは {ping} です（最終確認 {lastPing}）。この場合シリアルコンソールにはゲスト内のパスワードを持つユーザーが必要です',
  'providers.hint.aws-ssm-failed': 'コマンドは実行されませんでした。SSM の状態は {status} です（{detail}）',
  'providers.hint.aws-ssm-no-openssl':
    'パスワードを SSM で送ることになりますが、SSM はすべてのコマンドを履歴に残します。そのためインスタンスで作った鍵で封じたときだけ送ります。{instance} では鍵を作れませんでした（openssl がない？ 終了コード {code}）。この操作にはシリアルコンソールを使ってください',
  'providers.via.aws.run-command': 'SSM Run Command（AWS-RunShellScript を root で実行、{provider}）',
};

export const awsHints = { en: awsHintsEn, ja: awsHintsJa };
