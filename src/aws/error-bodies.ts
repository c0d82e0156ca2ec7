// Some AWS look-alikes (moto when it enforces IAM) answer a JSON service's error in XML. The SDK then fails to parse
// it and has already drained the body, so the error code is lost. This middleware, just above the HTTP handler,
// reads error bodies (they are small) into bytes first, so the SDK still parses them and errors.ts can read the
// code from error.$response.body when the SDK could not.

interface RawResponse {
  statusCode?: number;
  body?: unknown;
}

type Handler = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

const keepErrorBodies = (next: Handler): Handler => async (args) => {
  const result = await next(args);
  const response = result.response as RawResponse | undefined;
  if (response && (response.statusCode ?? 0) >= 400 && isAsyncIterable(response.body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
    response.body = new Uint8Array(Buffer.concat(chunks));
  }
  return result;
};

interface MiddlewareStackLike {
  middlewareStack: { add(middleware: unknown, options: { step: string; priority: string; name: string }): void };
}

export function keepErrorBodiesReadable(client: MiddlewareStackLike): void {
  client.middlewareStack.add(keepErrorBodies, { step: 'deserialize', priority: 'low', name: 'kmsLabKeepErrorBodies' });
}

/** The raw error body text, if the SDK left it on the error. */
export function rawErrorBody(err: Record<string, unknown>): { status?: number; text?: string } | undefined {
  const response = err.$response as RawResponse | undefined;
  if (!response) return undefined;
  const body = response.body;
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
  return { status: response.statusCode, text: text || (typeof err.$responseBodyText === 'string' ? err.$responseBodyText : undefined) };
}
