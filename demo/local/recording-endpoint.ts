/**
 * A local stand-in for SNS and SQS that records what a handler sends.
 *
 * Why: SNS and SQS have no in-process server like dynalite, and a mock inside the bundle is
 * impossible (the handler ships as one esbuild file with its own copy of the SDK). Pointing
 * `AWS_ENDPOINT_URL_SNS` / `AWS_ENDPOINT_URL_SQS` at this server lets the real bundled SDK clients
 * serialise, sign, retry and validate as they do in Lambda, while we see every message.
 *
 * Wire protocols, as the SDK versions in this repository speak them:
 * - SNS: AWS query protocol. Form-encoded POST (`Action=Publish&TopicArn=…&Message=…`,
 *   `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`), XML reply.
 * - SQS: JSON 1.0 protocol. `x-amz-target: AmazonSQS.SendMessage`, `application/x-amz-json-1.0`.
 *   The SDK (middleware-sdk-sqs) checks `MD5OfMessageBody` against its own MD5 of the body and
 *   throws "Invalid MD5 checksum" on a mismatch, so the reply carries the real MD5. It does not
 *   check `MD5OfMessageAttributes`; we still compute it by SQS's algorithm so the reply is honest.
 *
 * - EventBridge: JSON 1.1 protocol. `x-amz-target: AWSEvents.PutEvents`; the reply is
 *   `{ FailedEntryCount, Entries: [{ EventId }] }`, one entry per request entry, in order.
 *
 * - S3: REST. `PUT /<bucket>/<key>` is PutObject, path-style: the SDK addresses a bucket by path, not by
 *   host name, when its endpoint (AWS_ENDPOINT_URL_S3) is an IP address. The reply carries an ETag; a
 *   body sent `aws-chunked` (a streamed upload with a trailing checksum) is decoded.
 *
 * Failure injection (`failNext`) answers the next N calls with a throttling error or a 500, in the
 * error shape of each protocol, so the SDK's retry classification treats them as the real thing.
 */
import { createHash, randomUUID } from 'crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'http';
import { LOCAL_ACCOUNT } from './local-aws';
import { closeServer, listenOnLoopback, readBytes } from './loopback-server';

export type Service = 'sns' | 'sqs' | 'events' | 's3';
export type FailureKind = 'throttle' | 'server-error';

export interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  /** base64, as on the wire */
  readonly BinaryValue?: string;
}

/** An SNS message as published (Publish, or one entry of PublishBatch). */
export interface PublishedMessage {
  readonly TopicArn: string;
  readonly Message: string;
  readonly Subject?: string;
  readonly MessageAttributes: Record<string, MessageAttribute>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

/** An EventBridge entry as put (one entry of PutEvents). */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** JSON text, as on the wire. */
  readonly Detail: string;
  readonly EventBusName?: string;
  readonly Resources?: string[];
  readonly Time?: string | number;
  /** The EventId the endpoint answered with. */
  readonly EventId: string;
}

/** An SQS message as sent (SendMessage, or one entry of SendMessageBatch). */
export interface SentMessage {
  readonly QueueUrl: string;
  readonly MessageBody: string;
  readonly MessageAttributes: Record<string, MessageAttribute>;
  readonly DelaySeconds?: number;
}

/** An S3 object as put (PutObject). */
export interface PutObject {
  readonly Bucket: string;
  readonly Key: string;
  /** The object's bytes as stored (still gzip when sent with Content-Encoding gzip). */
  readonly Body: Buffer;
  readonly ContentType?: string;
  readonly ContentEncoding?: string;
}

export interface RecordedCall {
  readonly service: Service;
  readonly action: string;
  /** The request parameters, decoded to the SDK's input shape. */
  readonly payload: any;
  /** 'ok', or the failure this call was answered with. */
  readonly outcome: 'ok' | FailureKind | 'unsupported';
  readonly at: number;
}

export interface RecordingEndpoint {
  /** `http://127.0.0.1:<port>`, for both AWS_ENDPOINT_URL_SNS and AWS_ENDPOINT_URL_SQS. */
  readonly endpoint: string;
  /** Every call received, failed ones included, in arrival order. */
  readonly calls: RecordedCall[];
  /** SNS messages accepted (batches expanded). */
  published(): PublishedMessage[];
  /** SQS messages accepted (batches expanded). */
  sent(): SentMessage[];
  /** EventBridge entries accepted (PutEvents calls expanded). */
  putEvents(): PutEventsEntry[];
  /** S3 objects accepted (PutObject), in arrival order; a key put twice appears twice. */
  objects(): PutObject[];
  /** Answer the next `count` calls (optionally of one service only) with this failure. */
  failNext(count: number, kind?: FailureKind, service?: Service): void;
  /** Forget recorded calls (failure injections stay armed). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A queue URL on this endpoint. Use it for DEAD_LETTER_QUEUE_URL: the SQS client sends to the
 * QueueUrl's host whenever the endpoint comes from AWS_ENDPOINT_URL_SQS rather than the client's
 * `endpoint` option (middleware-sdk-sqs `useQueueUrlAsEndpoint`), so a real-looking
 * `https://sqs.us-east-1.amazonaws.com/…` URL would bypass this server and go to AWS.
 */
export function localQueueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${LOCAL_ACCOUNT}/${name}`;
}

/** MD5 hex of a string's UTF-8 bytes: what SQS returns as MD5OfMessageBody. */
export function md5Hex(s: string | Buffer): string {
  return createHash('md5').update(s).digest('hex');
}

/**
 * SQS's MD5OfMessageAttributes: attributes sorted by name; for each, length-prefixed (4 bytes,
 * big-endian) name, length-prefixed data type, a transport byte (1 string/number, 2 binary),
 * then the length-prefixed value.
 */
export function md5OfMessageAttributes(attrs: Record<string, MessageAttribute>): string | undefined {
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const lengthPrefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of names) {
    const a = attrs[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(a.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

/**
 * Decode the query protocol's flattened maps and lists into nested objects:
 * `MessageAttributes.entry.1.Name=x` → `{ MessageAttributes: { entry: { 1: { Name: 'x' } } } }`.
 */
function unflatten(form: URLSearchParams): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [key, value] of form) {
    const path = key.split('.');
    let node = root;
    path.slice(0, -1).forEach((p) => {
      node[p] = node[p] ?? {};
      node = node[p];
    });
    node[path[path.length - 1]] = value;
  }
  return root;
}

/** Query-protocol `MessageAttributes.entry.N.{Name,Value.*}` → `{ name: { DataType, StringValue } }`. */
function queryAttributes(node: any): Record<string, MessageAttribute> {
  const out: Record<string, MessageAttribute> = {};
  for (const entry of Object.values<any>(node?.entry ?? {})) {
    out[entry.Name] = {
      DataType: entry.Value?.DataType,
      ...(entry.Value?.StringValue !== undefined ? { StringValue: entry.Value.StringValue } : {}),
      ...(entry.Value?.BinaryValue !== undefined ? { BinaryValue: entry.Value.BinaryValue } : {}),
    };
  }
  return out;
}

function publishedFrom(params: any, topicArn: string): PublishedMessage {
  return {
    TopicArn: topicArn,
    Message: params.Message,
    ...(params.Subject !== undefined ? { Subject: params.Subject } : {}),
    MessageAttributes: queryAttributes(params.MessageAttributes),
    ...(params.MessageGroupId !== undefined ? { MessageGroupId: params.MessageGroupId } : {}),
    ...(params.MessageDeduplicationId !== undefined ? { MessageDeduplicationId: params.MessageDeduplicationId } : {}),
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The payload of an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n`, up to the 0-size chunk (trailers after it). */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('ascii').split(';')[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Start the endpoint on 127.0.0.1, on a free port. */
export async function startRecordingEndpoint(): Promise<RecordingEndpoint> {
  const calls: RecordedCall[] = [];
  const failures: { kind: FailureKind; service?: Service }[] = [];

  const takeFailure = (service: Service): FailureKind | undefined => {
    const i = failures.findIndex((f) => !f.service || f.service === service);
    return i < 0 ? undefined : failures.splice(i, 1)[0].kind;
  };

  const handleSns = (res: ServerResponse, params: Record<string, any>) => {
    const action: string = params.Action;
    const requestId = randomUUID();
    const failure = takeFailure('sns');
    const payload: any = action === 'PublishBatch'
      ? {
        TopicArn: params.TopicArn,
        Entries: Object.values<any>(params.PublishBatchRequestEntries?.member ?? {}).map((m) => ({ Id: m.Id, ...publishedFrom(m, params.TopicArn) })),
      }
      : action === 'Publish' ? publishedFrom(params, params.TopicArn ?? params.TargetArn) : params;
    const supported = action === 'Publish' || action === 'PublishBatch';
    calls.push({ service: 'sns', action, payload, outcome: failure ?? (supported ? 'ok' : 'unsupported'), at: Date.now() });

    if (failure || !supported) {
      // Query-protocol errors: XML ErrorResponse. "Throttling" is in the SDK's throttling-code list.
      const [status, code, type, message] = failure === 'throttle' ? [400, 'Throttling', 'Sender', 'Rate exceeded']
        : failure === 'server-error' ? [500, 'InternalFailure', 'Receiver', 'injected failure']
          : [400, 'InvalidAction', 'Sender', `action ${action} is not supported by the recording endpoint`];
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="${SNS_NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    if (action === 'Publish') {
      res.end(`<PublishResponse xmlns="${SNS_NS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`);
    } else {
      const members = payload.Entries.map((e: any) => `<member><Id>${xmlEscape(e.Id)}</Id><MessageId>${randomUUID()}</MessageId></member>`).join('');
      res.end(`<PublishBatchResponse xmlns="${SNS_NS}"><PublishBatchResult><Successful>${members}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishBatchResponse>`);
    }
  };

  const sqsReply = (m: any) => ({
    MessageId: randomUUID(),
    MD5OfMessageBody: md5Hex(m.MessageBody ?? ''),
    ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length
      ? { MD5OfMessageAttributes: md5OfMessageAttributes(m.MessageAttributes) }
      : {}),
  });

  const handleSqs = (res: ServerResponse, action: string, params: any) => {
    const failure = takeFailure('sqs');
    const supported = action === 'SendMessage' || action === 'SendMessageBatch';
    calls.push({ service: 'sqs', action, payload: params, outcome: failure ?? (supported ? 'ok' : 'unsupported'), at: Date.now() });
    if (failure || !supported) {
      // JSON-protocol errors. SQS is "awsQueryCompatible": the SDK takes the error code from the
      // x-amzn-query-error header, which must be the model's query code ("RequestThrottled", HTTP 403),
      // or the SDK will not classify the error as throttling and will not retry it.
      const [status, code, fault, message] = failure === 'throttle' ? [403, 'RequestThrottled', 'Sender', 'Rate exceeded']
        : failure === 'server-error' ? [500, 'InternalError', 'Receiver', 'injected failure']
          : [400, 'InvalidAction', 'Sender', `action ${action} is not supported by the recording endpoint`];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${code};${fault}` });
      res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }));
      return;
    }
    const body = action === 'SendMessage'
      ? sqsReply(params)
      : { Successful: (params.Entries ?? []).map((e: any) => ({ Id: e.Id, ...sqsReply(e) })), Failed: [] };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  };

  const handleEvents = (res: ServerResponse, action: string, params: any) => {
    const failure = takeFailure('events');
    const supported = action === 'PutEvents';
    const entries = supported ? (params.Entries ?? []).map((e: any) => ({ ...e, EventId: randomUUID() })) : [];
    calls.push({ service: 'events', action, payload: supported ? { ...params, Entries: entries } : params, outcome: failure ?? (supported ? 'ok' : 'unsupported'), at: Date.now() });
    if (failure || !supported) {
      // JSON 1.1 errors: the code is the __type; ThrottlingException is in the SDK's throttling list.
      const [status, code, message] = failure === 'throttle' ? [400, 'ThrottlingException', 'Rate exceeded']
        : failure === 'server-error' ? [500, 'InternalException', 'injected failure']
          : [400, 'UnknownOperationException', `action ${action} is not supported by the recording endpoint`];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: code, message }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((e: PutEventsEntry) => ({ EventId: e.EventId })) }));
  };

  const handleS3 = (res: ServerResponse, method: string, url: string, headers: IncomingHttpHeaders, raw: Buffer) => {
    const failure = takeFailure('s3');
    const [bucket, ...keyParts] = url.split('?')[0].replace(/^\//, '').split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    const supported = method === 'PUT' && bucket !== '' && key !== '';
    const body = String(headers['content-encoding'] ?? '').includes('aws-chunked') ? decodeAwsChunked(raw) : raw;
    const header = (name: string) => (typeof headers[name] === 'string' ? headers[name] as string : undefined);
    const encoding = header('content-encoding')?.split(',').map((e) => e.trim()).filter((e) => e !== 'aws-chunked').join(',') || undefined;
    const payload: PutObject = { Bucket: decodeURIComponent(bucket), Key: key, Body: body, ContentType: header('content-type'), ContentEncoding: encoding };
    calls.push({ service: 's3', action: supported ? 'PutObject' : `${method} ${url}`, payload, outcome: failure ?? (supported ? 'ok' : 'unsupported'), at: Date.now() });
    if (failure || !supported) {
      // REST-XML errors; "SlowDown" (503) is what S3 throttles with, and the SDK retries it.
      const [status, code, message] = failure === 'throttle' ? [503, 'SlowDown', 'Please reduce your request rate.']
        : failure === 'server-error' ? [500, 'InternalError', 'injected failure']
          : [501, 'NotImplemented', `${method} ${url} is not supported by the recording endpoint`];
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`);
      return;
    }
    res.writeHead(200, { 'etag': `"${md5Hex(body)}"`, 'x-amz-request-id': randomUUID(), 'content-length': '0' });
    res.end();
  };

  const server: Server = createServer((req, res) => {
    readBytes(req).then((raw) => {
      const body = raw.toString('utf8');
      const target = req.headers['x-amz-target'];
      if (req.method === 'PUT' || req.method === 'GET' || req.method === 'DELETE') {
        handleS3(res, req.method, req.url ?? '/', req.headers, raw);
      } else if (typeof target === 'string' && target.startsWith('AmazonSQS.')) {
        handleSqs(res, target.slice('AmazonSQS.'.length), body ? JSON.parse(body) : {});
      } else if (typeof target === 'string' && target.startsWith('AWSEvents.')) {
        handleEvents(res, target.slice('AWSEvents.'.length), body ? JSON.parse(body) : {});
      } else {
        handleSns(res, unflatten(new URLSearchParams(body)));
      }
    }).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  const endpoint = await listenOnLoopback(server);

  return {
    endpoint,
    calls,
    published: () => calls.filter((c) => c.service === 'sns' && c.outcome === 'ok')
      .flatMap((c) => (c.action === 'PublishBatch' ? c.payload.Entries : [c.payload])),
    sent: () => calls.filter((c) => c.service === 'sqs' && c.outcome === 'ok')
      .flatMap((c) => (c.action === 'SendMessageBatch' ? c.payload.Entries.map((e: any) => ({ QueueUrl: c.payload.QueueUrl, ...e })) : [c.payload]))
      .map((m: any) => ({ ...m, MessageAttributes: m.MessageAttributes ?? {} })),
    putEvents: () => calls.filter((c) => c.service === 'events' && c.outcome === 'ok').flatMap((c) => c.payload.Entries),
    objects: () => calls.filter((c) => c.service === 's3' && c.outcome === 'ok').map((c) => c.payload as PutObject),
    failNext: (count, kind = 'throttle', service) => {
      for (let i = 0; i < count; i++) failures.push({ kind, service });
    },
    reset: () => { calls.length = 0; },
    close: () => closeServer(server),
  };
}
