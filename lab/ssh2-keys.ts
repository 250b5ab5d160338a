import ssh2 from 'ssh2';

/**
 * An ed25519 key pair from ssh2 that ssh2 itself can read back. Its generator drops a leading zero
 * byte of the public key, so about 1 pair in 256 is unreadable ("Malformed OpenSSH public key",
 * mscdex/ssh2#1513): such a pair is thrown away and another made.
 */
export function ed25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (
      !(ssh2.utils.parseKey(pair.public) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.private) instanceof Error)
    )
      return pair;
  }
}
