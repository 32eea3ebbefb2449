// The AWS query protocol (STS, CloudFormation): a form-encoded `POST /` (or a GET's query string) with
// `Action=...&Version=...`, answered in XML. Only as far as the router needs today: the parameters of
// a request, and the <ErrorResponse> envelope (a recognised service that is not implemented yet answers
// 501 in it). The services themselves come with their own issue.
import { AwsError, queryErr } from './errors.js';
import type { WireResponse } from './json11.js';

/** A query-protocol service on the shared port. Without an implementation it answers 501. */
export interface QueryService {
  name: string;
  /** The service name of its SigV4 credential scope. */
  signingName: string;
  protocol: 'query';
  /** The model's metadata.apiVersion: the `Version` parameter that names this service. */
  apiVersion: string;
  /** The model's metadata.xmlNamespace, on every answer. */
  xmlNamespace: string;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

export const isFormBody = (contentType: string | undefined) => contentType !== undefined && contentType.toLowerCase().startsWith(FORM_TYPE);

/** The request's parameters: the URL's query, then the form body's (which win). */
export function queryParams(rawQuery: string, formBody: string): URLSearchParams {
  const params = new URLSearchParams(rawQuery);
  for (const [k, v] of new URLSearchParams(formBody)) params.set(k, v);
  return params;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** AWS's query-protocol error: <ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>. */
export function queryErrorResponse(e: AwsError, requestId: string, xmlNamespace?: string): WireResponse {
  const type = e.status >= 500 && e.status !== 501 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse${xmlNamespace ? ` xmlns="${escapeXml(xmlNamespace)}"` : ''}>` +
    `<Error><Type>${type}</Type><Code>${escapeXml(e.type)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, body, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId } };
}

/** Answers one request for `service` (today: every service is recognised, none implemented). */
export function dispatchQuery(service: QueryService, params: URLSearchParams, requestId: string): WireResponse {
  const action = params.get('Action') ?? '';
  return queryErrorResponse(
    queryErr('NotImplemented', `${service.name} is not implemented yet in codepipeline-local (Action=${action}, Version=${service.apiVersion})`, 501),
    requestId,
    service.xmlNamespace,
  );
}
