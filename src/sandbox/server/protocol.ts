// Which service and wire protocol a request speaks, decided from what each protocol sends:
// - KMS, DynamoDB, Organizations and CloudTrail (awsJson): `X-Amz-Target: TrentService.<Op>`, `DynamoDB_20120810.<Op>`, …;
// - IAM and STS (awsQuery): `Action=` in a form body or the query string, the service named by the credential scope;
// - anything else is answered as DynamoDB's endpoint answers it (a health check on GET, its own 404 or 400 otherwise),
//   and a browser's CORS preflight as DynamoDB answers one.

export type JsonServiceName = 'kms' | 'dynamodb' | 'organizations' | 'cloudtrail';
export type QueryServiceName = 'iam' | 'sts';
export type ServiceName = JsonServiceName | QueryServiceName;

/** How errors are shaped: the two JSON services differ in their error codes, query services share XML. */
export type ErrorFamily = JsonServiceName | 'query';

export type Route =
  /** A JSON request; `operation` is what follows the target's prefix, maybe not one the service has. */
  | { protocol: 'json'; service: JsonServiceName; operation: string; target: string }
  /** Neither a known target nor a form: DynamoDB's endpoint answers it (404, or UnknownOperationException). */
  | { protocol: 'coral'; service: 'dynamodb' }
  | { protocol: 'query' }
  | { protocol: 'health' }
  | { protocol: 'preflight' };

const JSON_PREFIXES: Record<string, JsonServiceName> = {
  TrentService: 'kms',
  DynamoDB_20120810: 'dynamodb',
  AWSOrganizationsV20161128: 'organizations',
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  CloudTrail_20131101: 'cloudtrail',
};

export const JSON_CONTENT_TYPES: Record<JsonServiceName, string> = {
  kms: 'application/x-amz-json-1.1',
  dynamodb: 'application/x-amz-json-1.0',
  organizations: 'application/x-amz-json-1.1',
  cloudtrail: 'application/x-amz-json-1.1',
};

/** The media type of a Content-Type header, without parameters. */
export function mediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function routeOf(method: string, headers: Record<string, string>, query: Record<string, string | string[]>): Route {
  if (method === 'OPTIONS' && headers['origin'] !== undefined) return { protocol: 'preflight' };
  const target = headers['x-amz-target'];
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    const service = dot > 0 && Object.hasOwn(JSON_PREFIXES, target.slice(0, dot)) ? JSON_PREFIXES[target.slice(0, dot)] : undefined;
    return service ? { protocol: 'json', service, operation: target.slice(dot + 1), target } : { protocol: 'coral', service: 'dynamodb' };
  }
  if (Object.hasOwn(query, 'Action') || mediaType(headers) === 'application/x-www-form-urlencoded') return { protocol: 'query' };
  if (method === 'GET') return { protocol: 'health' };
  return { protocol: 'coral', service: 'dynamodb' };
}

export function errorFamilyOf(route: Route): ErrorFamily {
  if (route.protocol === 'json') return route.service;
  if (route.protocol === 'query') return 'query';
  return 'dynamodb';
}

/**
 * The Content-Type a JSON service answers with: its own awsJson version when the request named it, otherwise
 * `application/json`. A body of another type is not for it (undefined: coral's 404).
 */
export function jsonContentType(service: JsonServiceName, headers: Record<string, string>, hasBody: boolean): string | undefined {
  const type = mediaType(headers);
  if (type === JSON_CONTENT_TYPES[service]) return type;
  if (type === 'application/json' || !hasBody) return 'application/json';
  return undefined;
}
