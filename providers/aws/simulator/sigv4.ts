import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SigV4 checked as AWS checks it: the request's signed headers, path and body signed again with the
 * account's secret (the SDK's own signer, @smithy/signature-v4) must give the same signature. A
 * wrong secret access key, a changed body or an unsigned header is refused. Lab only.
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export interface SignedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** The access key id the request claims (undefined when it is not SigV4 at all). */
export function claimedKeyId(authorization: string | undefined): string | undefined {
  return AUTH.exec(authorization ?? '')?.[1];
}

export async function validSignature(req: SignedRequest, secretAccessKey: string): Promise<boolean> {
  const m = AUTH.exec(String(req.headers.authorization ?? ''));
  const date = String(req.headers['x-amz-date'] ?? '');
  if (!m || !/^\d{8}T\d{6}Z$/.test(date)) return false;
  const [, keyId, , region, service, signedHeaders, signature] = m;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) {
    const value = req.headers[name];
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const token = headers['x-amz-security-token'];
  const signer = new SignatureV4({
    credentials: { accessKeyId: keyId!, secretAccessKey, ...(token ? { sessionToken: token } : {}) },
    region: region!,
    service: service!,
    sha256: NodeSha256,
  });
  const when = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: req.path,
      query: {},
      headers,
      body: req.body,
    },
    { signingDate: when },
  );
  const got = String(signed.headers.authorization ?? signed.headers.Authorization ?? '');
  return got.endsWith(`Signature=${signature}`);
}
