// Which service and wire protocol a request speaks, decided from X-Amz-Target (JSON services) or,
// for form requests, from the SigV4 credential scope (IAM or STS).

export type JsonServiceName = 'kms' | 'dynamodb' | 'organizations' | 'cloudtrail';
export type QueryServiceName = 'iam' | 'sts';
export type ServiceName = JsonServiceName | QueryServiceName;

/** How errors are shaped: the two JSON services differ in their error codes, query services share XML. */
export type ErrorFamily = JsonServiceName | 'query';

export type Route =
  | { protocol: 'json'; service: JsonServiceName; operation: string; target: string }
  | { protocol: 'json-unknown'; target: string }
  | { protocol: 'query' };

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

export function routeOf(headers: Record<string, string>): Route {
  const target = headers['x-amz-target'];
  if (target === undefined) return { protocol: 'query' };
  const dot = target.lastIndexOf('.');
  const service = dot > 0 ? JSON_PREFIXES[target.slice(0, dot)] : undefined;
  if (!service) return { protocol: 'json-unknown', target };
  return { protocol: 'json', service, operation: target.slice(dot + 1), target };
}

export function errorFamilyOf(route: Route): ErrorFamily {
  if (route.protocol === 'json') return route.service;
  if (route.protocol === 'json-unknown') return 'kms';
  return 'query';
}
