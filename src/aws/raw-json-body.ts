// The JSON a service answered, as it came over the wire, beside what the SDK made of it. The SDK's JSON deserializer
// loses the value of a map key named "__proto__" (it reads the value after redefining the key), so an item attribute
// with that name would come back undefined; the wire's JSON keeps it as an own property.
type Handler = (args: object) => Promise<{ response: unknown }>;

type AddRelativeTo = (middleware: (next: Handler) => Handler, options: { relation: 'after'; toMiddleware: string; name: string }) => void;

interface WithMiddleware {
  middlewareStack: { addRelativeTo: (...args: never[]) => void };
}

interface HttpResponseLike {
  statusCode?: number;
  body?: unknown;
}

async function bodyBytes(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

/** Adds to `command` a step that keeps the successful answer's JSON; call `json()` after `send` resolves. */
export function keepRawJson<C extends WithMiddleware>(command: C): { command: C; json: () => unknown } {
  let kept: unknown;
  const addRelativeTo = command.middlewareStack.addRelativeTo.bind(command.middlewareStack) as AddRelativeTo;
  addRelativeTo(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as HttpResponseLike;
      if (response?.statusCode !== 200) return result;
      const bytes = await bodyBytes(response.body);
      if (!bytes) return result;
      response.body = bytes;
      try {
        kept = JSON.parse(Buffer.from(bytes).toString('utf8'));
      } catch {
        kept = undefined;
      }
      return result;
    },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'kmsLabKeepRawJson' },
  );
  return { command, json: () => kept };
}
