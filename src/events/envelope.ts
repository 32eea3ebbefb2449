// A recorded event as EventBridge delivers CodePipeline events: the envelope around the engine's detail.
import { createHash } from 'node:crypto';
import type { EventRow } from '../store/events.js';
import { pipelineArn } from '../util/arn.js';

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.codepipeline';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A UUID-shaped id derived from the event's place in the store, so every read shows the same id. */
function eventId(e: EventRow): string {
  const h = createHash('sha1').update(`${e.account}/${e.region}/${e.seq}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function envelope(e: EventRow): EventEnvelope {
  return {
    version: '0',
    id: eventId(e),
    'detail-type': e.detailType,
    source: 'aws.codepipeline',
    account: e.account,
    // EventBridge times have second precision.
    time: new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: e.region,
    resources: [pipelineArn(e.region, e.account, e.pipeline)],
    detail: e.detail,
  };
}
