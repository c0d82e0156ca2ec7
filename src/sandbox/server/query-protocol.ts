// awsQuery: form-encoded parameters in, XML out (IAM 2010-05-08, STS 2011-06-15).
import { parse as parseForm } from 'node:querystring';
import type { AwsError, RequestContext } from '../contracts';
import type { ReceivedRequest } from './received-request';
import { escapeXml, writeXmlElement, type XmlObject } from './xml';

export type QueryParams = Record<string, string>;

export interface QueryService {
  /** XML namespace of responses, e.g. https://iam.amazonaws.com/doc/2010-05-08/ */
  readonly namespace: string;
  readonly version: string;
  /** Runs one action; returns the content of <ActionResult>, or undefined for actions without a result. */
  handle(action: string, params: QueryParams, ctx: RequestContext): Promise<XmlObject | undefined>;
}

/** Parameters from the URL query and the form body (the body wins on conflict), as the AWS CLI and SDKs send them. */
export function queryParamsOf(request: ReceivedRequest): QueryParams {
  // querystring's result has no prototype; a repeated name lists its values, and the last one counts.
  const params: Record<string, string | string[]> = request.body.length > 0 ? parseForm(request.body.toString('utf8'), '&', '=', { maxKeys: 0 }) : Object.create(null);
  for (const [name, value] of Object.entries(request.query)) {
    if (!Object.hasOwn(params, name)) params[name] = Array.isArray(value) ? value[0]! : value;
  }
  for (const name of Object.keys(params)) {
    const value = params[name]!;
    if (Array.isArray(value)) params[name] = value[value.length - 1]!;
  }
  return params as QueryParams;
}

export function renderQueryResult(service: QueryService, action: string, result: XmlObject | undefined, requestId: string): string {
  const out: string[] = [`<${action}Response xmlns="${service.namespace}">`];
  if (result !== undefined) writeXmlElement(`${action}Result`, result, out);
  out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
  return out.join('');
}

export function renderQueryError(namespace: string, error: AwsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.sender}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
