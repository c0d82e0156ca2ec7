// Hand-made HTTP requests to the sandbox, signed with the real @smithy/signature-v4 signer (or not at all),
// for tests that need exact control over headers, bodies, dates and signatures.
import { request as httpRequest } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../../src/sandbox/server/sha256';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SigningOptions {
  service: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  signingDate?: Date;
  /** Lower-case names of headers to leave out of SignedHeaders (as a client that signs too little would). */
  unsignedHeaders?: string[];
}

function pathWithQuery(path: string, query?: Record<string, string>): string {
  if (!query || Object.keys(query).length === 0) return path;
  return `${path}?${new URLSearchParams(query).toString().replace(/\+/g, '%20')}`;
}

export function sendRaw(endpoint: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: req.method ?? 'POST', path: pathWithQuery(req.path ?? '/', req.query), headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/** Signs the request exactly as an SDK would, then lets `tamper` change it before sending. */
export async function sendSigned(
  endpoint: string,
  req: RawRequest,
  signing: SigningOptions,
  tamper?: (signed: { headers: Record<string, string>; body: string | Buffer | undefined }) => void,
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials: signing.credentials, region: signing.region, service: signing.service, sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: req.path ?? '/',
      query: req.query ?? {},
      headers: { host: url.host, ...req.headers },
      body: req.body,
    },
    { signingDate: signing.signingDate, unsignableHeaders: signing.unsignedHeaders ? new Set(signing.unsignedHeaders) : undefined },
  );
  const out = { headers: { ...(signed.headers as Record<string, string>) }, body: req.body };
  tamper?.(out);
  return sendRaw(endpoint, { method: req.method, path: req.path, query: req.query, headers: out.headers, body: out.body });
}

export function jsonRequest(target: string, input: unknown, version: '1.0' | '1.1'): RawRequest {
  return {
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    body: JSON.stringify(input),
  };
}

export function queryRequest(params: Record<string, string>): RawRequest {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  };
}
