// Simulated task responses: what a Task with no handler returns in the playground. Each is shaped
// like the response of the service integration named by the Resource ARN, so that a definition
// pasted from a real project (ResultSelector, ResultPath, Choice on the result) behaves as it
// would in AWS. These are plausible examples, not AWS's exact payloads.

/** Splits a Resource ARN into what the page needs to pick a response and describe it. */
export function describeResource(resource = '') {
  const r = String(resource);
  let m = r.match(/^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:(.+)$/);
  if (m) return { kind: 'activity', service: 'activity', action: m[1], pattern: 'request', label: `activity ${m[1]}` };
  m = r.match(/^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)/);
  if (m) return { kind: 'lambda-arn', service: 'lambda', action: m[1], pattern: 'request', label: `Lambda function ${m[1]}` };
  m = r.match(/^arn:aws[\w-]*:states:::(aws-sdk:)?([\w-]+):([\w.-]+?)(\.sync(?::2)?|\.waitForTaskToken)?$/);
  if (m) {
    const pattern = m[4] === '.waitForTaskToken' ? 'callback' : m[4] ? 'sync' : 'request';
    const service = m[2];
    const action = m[3];
    return { kind: m[1] ? 'sdk' : 'optimized', service, action, pattern, label: `${m[1] ? 'AWS SDK ' : ''}${service}:${action}${m[4] ?? ''}` };
  }
  return { kind: 'other', service: '', action: '', pattern: 'request', label: r || 'no resource' };
}

let counter = 0;
const id = (prefix) => `${prefix}${(++counter).toString(16).padStart(8, '0')}-5c1e-4a1e-9d3a-${String(counter).padStart(12, '0')}`;
const meta = () => ({ SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: id('') } });

/** Plain words for the page: what the default response will look like. */
export function defaultDescription(resource) {
  const d = describeResource(resource);
  if (d.pattern === 'callback') return 'waits for you to send success or failure with the task token';
  if (d.kind === 'lambda-arn' || d.kind === 'activity' || d.kind === 'other') return 'returns its input unchanged';
  if (d.service === 'lambda' && d.action === 'invoke') return 'returns a Lambda invoke response: { StatusCode: 200, Payload: <the Payload it was given> }';
  return `returns a typical ${d.service}:${d.action} response`;
}

/** The default response of a Task whose state has no handler, given the task's effective input. */
export function defaultResponse(resource, input) {
  const d = describeResource(resource);
  if (d.kind === 'lambda-arn' || d.kind === 'activity' || d.kind === 'other') return input;
  const params = input !== null && typeof input === 'object' ? input : {};
  const key = `${d.service}:${d.action}`;
  switch (key) {
    case 'lambda:invoke':
      return { ExecutedVersion: '$LATEST', Payload: params.Payload ?? {}, StatusCode: 200, ...meta() };
    case 'sns:publish':
      return { MessageId: id(''), ...meta() };
    case 'sqs:sendMessage':
      return { MessageId: id(''), MD5OfMessageBody: '9e107d9d372bb6826bd81d3542a419d6', ...meta() };
    case 'events:putEvents':
      return { Entries: [{ EventId: id('') }], FailedEntryCount: 0 };
    case 'dynamodb:getItem':
      return { Item: params.Key ?? {}, ...meta() };
    case 'dynamodb:putItem':
    case 'dynamodb:updateItem':
    case 'dynamodb:deleteItem':
      return { ...meta() };
    case 'dynamodb:query':
    case 'dynamodb:scan':
      return { Count: 0, Items: [], ScannedCount: 0 };
    case 's3:getObject':
      return { Body: '{}', ContentLength: 2, ContentType: 'application/json', ETag: '"99914b932bd37a50b983c5e7c90ae93b"' };
    case 's3:putObject':
      return { ETag: '"99914b932bd37a50b983c5e7c90ae93b"' };
    case 's3:listObjectsV2':
      return { Contents: [], IsTruncated: false, KeyCount: 0, Name: params.Bucket ?? 'bucket' };
    case 'states:startExecution':
      return d.pattern === 'sync'
        ? { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:child:${id('')}`, Output: '{}', OutputDetails: { Included: true }, Status: 'SUCCEEDED', StartDate: 1700000000000, StopDate: 1700000001000 }
        : { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:child:${id('')}`, StartDate: 1700000000000 };
    case 'ecs:runTask':
      return { Failures: [], Tasks: [{ LastStatus: d.pattern === 'sync' ? 'STOPPED' : 'PROVISIONING', TaskArn: `arn:aws:ecs:us-east-1:123456789012:task/${id('')}`, Containers: [{ ExitCode: 0 }] }] };
    case 'batch:submitJob':
      return { JobId: id(''), JobName: params.JobName ?? 'job', Status: d.pattern === 'sync' ? 'SUCCEEDED' : undefined };
    case 'glue:startJobRun':
      return { JobRunId: id('jr_'), JobName: params.JobName ?? 'job', JobRunState: d.pattern === 'sync' ? 'SUCCEEDED' : 'RUNNING' };
    case 'athena:startQueryExecution':
      return d.pattern === 'sync'
        ? { QueryExecution: { QueryExecutionId: id(''), Status: { State: 'SUCCEEDED' } } }
        : { QueryExecutionId: id('') };
    case 'http:invoke':
      return { StatusCode: 200, StatusText: 'OK', Headers: { 'content-type': ['application/json'] }, ResponseBody: {} };
    case 'bedrock:invokeModel':
      return { Body: { completion: 'Hello from a simulated model.' }, ContentType: 'application/json' };
    default:
      if (d.kind === 'sdk' && /^(get|describe)/.test(d.action)) return {};
      if (d.kind === 'sdk' && /^list/.test(d.action)) return { NextToken: null };
      return d.kind === 'sdk' ? {} : { ...meta() };
  }
}
