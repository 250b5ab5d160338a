import { constants, createCipheriv, pbkdf2Sync, publicEncrypt, randomBytes } from 'node:crypto';

/**
 * A vendor's command channel keeps what it carries: Systems Manager every command's parameters in
 * its history (ListCommands, 30 days); Azure's Run Command passes the script through ARM to the VM
 * agent, which writes it to the VM's disk (where and for how long is not published). So a program that carries a secret (a password
 * the rescue sets) must not travel there readable. The instance makes an RSA key pair in a root-only directory and sends only the public half; the
 * program goes encrypted to it (a random passphrase under RSA-OAEP, the program under AES-256-CBC
 * in `openssl enc -pbkdf2` format) and is opened on the instance with its own openssl. The history
 * then holds a public key and ciphertext; the private key never leaves the instance and is removed.
 */
export const PBKDF2_ITERATIONS = 100_000;

export interface SealedInput {
  /** base64 of the passphrase encrypted to the instance's public key. */
  key: string;
  /** base64 of `Salted__` + salt + AES-256-CBC ciphertext, as `openssl enc -pbkdf2 -md sha256` writes it. */
  body: string;
}

/** The command that makes the key pair in `dir` and prints the public key; exit 127 without openssl. */
export function keyPairScript(dir: string): string {
  return [
    'umask 077',
    `k=${dir}`,
    'command -v openssl >/dev/null 2>&1 || exit 127',
    'mkdir -m 700 "$k" || exit 125',
    'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$k/key" 2>/dev/null && openssl pkey -in "$k/key" -pubout',
    'r=$?; [ $r = 0 ] || rm -rf "$k"; exit $r',
  ].join('\n');
}

export function seal(publicKeyPem: string, plain: string): SealedInput {
  // Hex: a passphrase file of one line without newline, read whole by `-pass file:`.
  const passphrase = Buffer.from(randomBytes(32).toString('hex'));
  const key = publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING }, passphrase);
  const salt = randomBytes(8);
  const derived = pbkdf2Sync(passphrase, salt, PBKDF2_ITERATIONS, 48, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', derived.subarray(0, 32), derived.subarray(32));
  const body = Buffer.concat([Buffer.from('Salted__'), salt, cipher.update(plain, 'utf8'), cipher.final()]);
  return { key: key.toString('base64'), body: body.toString('base64') };
}

/** Shell lines that open `sealed` into "$k/in" (exit 124 if anything fails); `k` is the key directory. */
export function openSealed(sealed: SealedInput): string[] {
  const wrap = (b64: string) => b64.replace(/(.{76})/g, '$1\n').trimEnd();
  return [
    `base64 -d >"$k/key.enc" <<'VR_SEALED_KEY'`,
    wrap(sealed.key),
    'VR_SEALED_KEY',
    `base64 -d >"$k/in.enc" <<'VR_SEALED_BODY'`,
    wrap(sealed.body),
    'VR_SEALED_BODY',
    'openssl pkeyutl -decrypt -inkey "$k/key" -pkeyopt rsa_padding_mode:oaep -in "$k/key.enc" -out "$k/pass" 2>/dev/null &&',
    `  openssl enc -d -aes-256-cbc -pbkdf2 -iter ${PBKDF2_ITERATIONS} -md sha256 -pass file:"$k/pass" -in "$k/in.enc" -out "$k/in" 2>/dev/null ||`,
    '  { rm -rf "$k" ${d:+"$d"}; echo "the sealed program could not be opened" >&2; exit 124; }',
  ];
}
