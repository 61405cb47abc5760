// The gallery: runnable examples, each green out of the box. `expect` is the status a run ends
// with (the callback example needs you to press "Send success"); `mocks` preset simulated task
// responses; `handlers` is JavaScript module text.
const j = (value) => JSON.stringify(value, null, 2);

export const examples = [
  {
    id: 'hello',
    title: 'Hello, Pass',
    summary: 'The smallest machine: a Pass state shapes data with Parameters and ResultPath.',
    teaches: ['Pass', 'Succeed', 'Parameters', 'ResultPath'],
    expect: 'SUCCEEDED',
    definition: j({
      Comment: 'Pass states move data around without calling anything.',
      StartAt: 'Greet',
      States: {
        Greet: {
          Type: 'Pass',
          Parameters: { 'message.$': "States.Format('Hello, {}!', $.name)" },
          ResultPath: '$.greeting',
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    }),
    input: j({ name: 'Ada' }),
  },
  {
    id: 'choice',
    title: 'Choice: route an order',
    summary: 'A Choice state picks the next state from rules on the input; Default catches the rest.',
    teaches: ['Choice', 'Default', 'Pass'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Route order',
      States: {
        'Route order': {
          Type: 'Choice',
          Choices: [
            { And: [{ Variable: '$.total', NumericGreaterThanEquals: 100 }, { Variable: '$.country', StringEquals: 'NL' }], Next: 'Free shipping' },
            { Variable: '$.express', BooleanEquals: true, Next: 'Express shipping' },
          ],
          Default: 'Standard shipping',
        },
        'Free shipping': { Type: 'Pass', Result: { shipping: 0 }, ResultPath: '$.cost', End: true },
        'Express shipping': { Type: 'Pass', Result: { shipping: 15 }, ResultPath: '$.cost', End: true },
        'Standard shipping': { Type: 'Pass', Result: { shipping: 5 }, ResultPath: '$.cost', End: true },
      },
    }),
    input: j({ total: 120, country: 'NL', express: false }),
  },
  {
    id: 'wait',
    title: 'Wait: timers',
    summary: 'Wait pauses for fixed or input-driven seconds. The Instant clock skips ahead; choose Real time in Clock to wait for real.',
    teaches: ['Wait', 'SecondsPath'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Wait 3 seconds',
      States: {
        'Wait 3 seconds': { Type: 'Wait', Seconds: 3, Next: 'Wait as asked' },
        'Wait as asked': { Type: 'Wait', SecondsPath: '$.delaySeconds', Next: 'Ring' },
        Ring: { Type: 'Pass', Result: 'ding!', ResultPath: '$.alarm', End: true },
      },
    }),
    input: j({ delaySeconds: 2 }),
  },
  {
    id: 'handlers',
    title: 'Task: your own handlers',
    summary: 'Task states call JavaScript functions you write, matched by state name or by an ARN pattern.',
    teaches: ['Task', 'ResultSelector', 'OutputPath'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Look up user',
      States: {
        'Look up user': {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:users-get',
          InputPath: '$.request',
          ResultPath: '$.user',
          Next: 'Write greeting',
        },
        'Write greeting': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'format-greeting', 'Payload.$': '$.user' },
          ResultSelector: { 'text.$': '$.Payload.text' },
          OutputPath: '$.text',
          End: true,
        },
      },
    }),
    input: j({ request: { userId: 42 } }),
    handlers: `// Handlers by state name, or by Resource ARN (a * matches anything).
export default {
  'Look up user': async ({ userId }) => ({ id: userId, name: 'Grace', language: 'en' }),

  'arn:aws:states:::lambda:invoke': async ({ FunctionName, Payload }) => ({
    StatusCode: 200,
    Payload: { text: \`Hello \${Payload.name}, from \${FunctionName}\` },
  }),
};
`,
  },
  {
    id: 'retry-catch',
    title: 'Retry and Catch',
    summary: 'A flaky payment is retried with backoff; a shipping failure is caught and handled.',
    teaches: ['Retry', 'Catch', 'ResultPath', 'Fail first'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Charge card',
      States: {
        'Charge card': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
          ResultSelector: { 'receipt.$': '$.Payload' },
          ResultPath: '$.payment',
          Retry: [{ ErrorEquals: ['Payments.Busy'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
          Next: 'Ship',
        },
        Ship: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sqs:sendMessage',
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/shipping', 'MessageBody.$': '$.orderId' },
          Catch: [{ ErrorEquals: ['Shipping.NoCourier'], ResultPath: '$.problem', Next: 'Tell the customer' }],
          End: true,
        },
        'Tell the customer': { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', status: 'delayed', 'why.$': '$.problem.Cause' }, End: true },
      },
    }),
    input: j({ orderId: 'o-1001', amount: 25 }),
    mocks: {
      'Charge card': { mode: 'failFirst', times: 2, error: 'Payments.Busy', cause: 'The payment service is busy, try again' },
      Ship: { mode: 'fail', error: 'Shipping.NoCourier', cause: 'No courier is free today' },
    },
  },
  {
    id: 'timeout',
    title: 'Timeouts',
    summary: 'A service that never answers: TimeoutSeconds ends the wait with States.Timeout, Retry tries once more, then Catch takes the fallback. On the Instant clock the waiting takes no time.',
    teaches: ['TimeoutSeconds', 'States.Timeout', 'Retry', 'Catch'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Ask for a quote',
      States: {
        'Ask for a quote': {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow-quote',
          TimeoutSeconds: 10,
          Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Use the cached quote' }],
          ResultPath: '$.quote',
          End: true,
        },
        'Use the cached quote': { Type: 'Pass', Parameters: { 'product.$': '$.product', quote: { price: 12, cached: true }, 'why.$': '$.timeout.Error' }, End: true },
      },
    }),
    input: j({ product: 'tea' }),
    mocks: { 'Ask for a quote': { mode: 'never' } },
  },
  {
    id: 'data-flow',
    title: 'Data flow: the five filters',
    summary: 'One Task, five steps in order: InputPath picks, Parameters shapes the call, ResultSelector trims the result, ResultPath puts it into the input, OutputPath picks what goes on. Inspect the state to see each stage.',
    teaches: ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Get weather',
      States: {
        'Get weather': {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:weather',
          InputPath: '$.trip',
          Parameters: { 'city.$': '$.to', units: 'metric' },
          ResultSelector: { 'tempC.$': '$.current.temp' },
          ResultPath: '$.trip.weather',
          OutputPath: '$.trip',
          End: true,
        },
      },
    }),
    input: j({ user: 'ada', trip: { from: 'Utrecht', to: 'Lisbon' } }),
    handlers: `export default {
  // Receives what Parameters built: { city, units }.
  'Get weather': ({ city, units }) => ({ city, units, current: { temp: 21, wind: 12 }, source: 'simulated' }),
};
`,
  },
  {
    id: 'intrinsics',
    title: 'Intrinsic functions',
    summary: 'States.* functions compute values inside Parameters: format text, split strings, build and slice arrays, do sums, encode and hash.',
    teaches: ['States.Format', 'States.StringSplit', 'States.ArrayPartition', 'States.ArrayContains', 'States.MathAdd', 'States.Base64Encode', 'States.Hash'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Compute',
      States: {
        Compute: {
          Type: 'Pass',
          Parameters: {
            'label.$': "States.Format('{} has {} items', $.owner, States.ArrayLength($.items))",
            'tags.$': "States.StringSplit($.tags, ',')",
            'pairs.$': 'States.ArrayPartition($.items, 2)',
            'hasTea.$': "States.ArrayContains($.items, 'tea')",
            'nextId.$': 'States.MathAdd($.lastId, 1)',
            'encoded.$': 'States.Base64Encode($.owner)',
            'digest.$': "States.Hash($.owner, 'SHA-256')",
          },
          End: true,
        },
      },
    }),
    input: j({ owner: 'Ada', items: ['mug', 'tea', 'card'], tags: 'gift,fragile', lastId: 41 }),
  },
  {
    id: 'distributed-map',
    title: 'Distributed Map reading S3',
    summary: 'A Distributed Map reads its items with an ItemReader (a JSON file in S3) and runs each as a child workflow. Here the file is a sample you can edit in Task responses, or a handler named after the Map.',
    teaches: ['Map', 'DISTRIBUTED', 'ItemReader', 'ItemSelector'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Greet every customer',
      States: {
        'Greet every customer': {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'JSON' },
            Parameters: { Bucket: 'my-bucket', Key: 'customers.json' },
          },
          ItemSelector: { 'customer.$': '$$.Map.Item.Value', 'campaign.$': '$.campaign' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Write greeting',
            States: {
              'Write greeting': {
                Type: 'Pass',
                Parameters: { 'id.$': '$.customer.id', 'text.$': "States.Format('{}: hello, {}!', $.campaign, $.customer.name)" },
                End: true,
              },
            },
          },
          MaxConcurrency: 10,
          End: true,
        },
      },
    }),
    input: j({ campaign: 'Spring' }),
  },
  {
    id: 'parallel',
    title: 'Parallel branches',
    summary: 'Parallel runs branches at the same time and waits for all; its output is an array.',
    teaches: ['Parallel', 'Task (simulated)'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Fetch everything',
      States: {
        'Fetch everything': {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Get profile', States: { 'Get profile': { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Parameters: { TableName: 'profiles', Key: { id: { 'S.$': '$.id' } } }, End: true } } },
            { StartAt: 'Get orders', States: { 'Get orders': { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders', Next: 'Count orders' }, 'Count orders': { Type: 'Pass', Parameters: { 'count.$': 'States.ArrayLength($.orders)' }, End: true } } },
          ],
          ResultSelector: { 'profile.$': '$[0].Item', 'orders.$': '$[1].count' },
          End: true,
        },
      },
    }),
    input: j({ id: 'u-7', orders: ['a', 'b', 'c'] }),
  },
  {
    id: 'map',
    title: 'Map over items',
    summary: 'Map runs the same steps for every item of an array, here two at a time.',
    teaches: ['Map', 'ItemSelector', 'MaxConcurrency', 'Choice'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Price each line',
      States: {
        'Price each line': {
          Type: 'Map',
          ItemsPath: '$.lines',
          MaxConcurrency: 2,
          ItemSelector: { 'line.$': '$$.Map.Item.Value', 'currency.$': '$.currency' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Is it a gift?',
            States: {
              'Is it a gift?': {
                Type: 'Choice',
                Choices: [{ And: [{ Variable: '$.line.gift', IsPresent: true }, { Variable: '$.line.gift', BooleanEquals: true }], Next: 'Free' }],
                Default: 'Price',
              },
              Free: { Type: 'Pass', Parameters: { 'sku.$': '$.line.sku', price: 0 }, End: true },
              Price: { Type: 'Pass', Parameters: { 'sku.$': '$.line.sku', 'price.$': '$.line.price' }, End: true },
            },
          },
          ResultPath: '$.priced',
          End: true,
        },
      },
    }),
    input: j({ currency: 'EUR', lines: [{ sku: 'mug', price: 9 }, { sku: 'card', price: 3, gift: true }, { sku: 'tea', price: 6 }] }),
  },
  {
    id: 'variables',
    title: 'Variables with Assign',
    summary: 'Assign stores values in variables that later states read as $name, without threading them through the data.',
    teaches: ['Assign', 'Variables', 'Pass'],
    expect: 'SUCCEEDED',
    definition: j({
      StartAt: 'Remember the customer',
      States: {
        'Remember the customer': {
          Type: 'Pass',
          Comment: 'In JSONPath states, Assign reads the state result: here the input, as there are no Parameters.',
          Assign: { 'customer.$': '$.customer', currency: 'EUR' },
          Next: 'Compute total',
        },
        'Compute total': {
          Type: 'Pass',
          Parameters: { 'total.$': 'States.MathAdd($.items[0], $.items[1])' },
          Assign: { 'total.$': '$.total' },
          Next: 'Build receipt',
        },
        'Build receipt': {
          Type: 'Pass',
          Parameters: { 'to.$': '$customer', 'amount.$': '$total', 'currency.$': '$currency' },
          End: true,
        },
      },
    }),
    input: j({ customer: 'Lin', items: [12, 30] }),
  },
  {
    id: 'jsonata',
    title: 'JSONata',
    summary: 'With QueryLanguage JSONata, states use {% expressions %}: Arguments, Output, Assign, Condition.',
    teaches: ['JSONata', 'Arguments', 'Output', 'Assign', 'Choice'],
    expect: 'SUCCEEDED',
    definition: j({
      QueryLanguage: 'JSONata',
      StartAt: 'Fetch scores',
      States: {
        'Fetch scores': {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:scores',
          Comment: 'Arguments is what the task is called with; Output picks from $states.result.',
          Arguments: { student: '{% $states.input.student %}', term: 'autumn' },
          Output: { student: '{% $states.input.student %}', scores: '{% $states.result.scores %}' },
          Next: 'Summarise',
        },
        Summarise: {
          Type: 'Pass',
          Assign: { count: '{% $count($states.input.scores) %}' },
          Output: { average: '{% $average($states.input.scores) %}', best: '{% $max($states.input.scores) %}' },
          Next: 'Grade',
        },
        Grade: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.average >= 70 %}', Next: 'Pass mark' }],
          Default: 'Try again',
        },
        'Pass mark': { Type: 'Pass', Output: '{% "Passed " & $count & " tests, average " & $round($states.input.average, 1) %}', End: true },
        'Try again': { Type: 'Pass', Output: '{% "Average " & $states.input.average & " is below 70" %}', End: true },
      },
    }),
    input: j({ student: 'Ada' }),
    handlers: `export default {
  'Fetch scores': ({ student, term }) => ({ student, term, scores: [72, 88, 91] }),
};
`,
  },
  {
    id: 'callback',
    title: 'Callback with a task token',
    summary: 'A .waitForTaskToken task pauses until someone answers with its token. Answer it with the buttons.',
    teaches: ['waitForTaskToken', 'Callbacks', 'HeartbeatSeconds'],
    expect: 'SUCCEEDED',
    callback: true,
    definition: j({
      StartAt: 'Ask a human to approve',
      States: {
        'Ask a human to approve': {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals',
            MessageBody: { 'request.$': '$.request', 'taskToken.$': '$$.Task.Token' },
          },
          TimeoutSeconds: 3600,
          HeartbeatSeconds: 600,
          ResultPath: '$.decision',
          Next: 'Approved?',
        },
        'Approved?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.decision.approved', BooleanEquals: true, Next: 'Go ahead' }],
          Default: 'Rejected',
        },
        'Go ahead': { Type: 'Succeed' },
        Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'The request was not approved' },
      },
    }),
    input: j({ request: 'Buy a 3D printer' }),
    callbackOutput: j({ approved: true, by: 'Ada' }),
  },
  {
    id: 'failure',
    title: 'A failure to learn from',
    summary: 'The stock service answers reserved: false, so the Choice falls to its Default: a Fail state, which ends the execution with its Error and Cause. Inspect it to see why.',
    teaches: ['Fail', 'Error', 'Cause', 'Default'],
    expect: 'FAILED',
    definition: j({
      StartAt: 'Reserve stock',
      States: {
        'Reserve stock': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'reserve', 'Payload.$': '$' },
          Next: 'Check reservation',
        },
        'Check reservation': {
          Type: 'Choice',
          Choices: [{ Variable: '$.Payload.reserved', BooleanEquals: true, Next: 'Reserved' }],
          Default: 'Out of stock',
        },
        Reserved: { Type: 'Succeed' },
        'Out of stock': { Type: 'Fail', Error: 'OutOfStock', Cause: 'No stock left for this item' },
      },
    }),
    input: j({ sku: 'tea', quantity: 2, reserved: false }),
  },
  {
    id: 'real-project',
    title: 'Pasted from a real project',
    summary: 'Lambda, DynamoDB, SNS and an AWS SDK call with no handlers at all: every task gets a simulated response you can edit.',
    teaches: ['lambda:invoke', 'aws-sdk', 'dynamodb', 'sns', 'No handlers'],
    expect: 'SUCCEEDED',
    definition: j({
      Comment: 'Order pipeline: validate, store, notify.',
      StartAt: 'Validate order',
      States: {
        'Validate order': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:validate-order:$LATEST', 'Payload.$': '$' },
          ResultSelector: { 'order.$': '$.Payload' },
          OutputPath: '$.order',
          Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }],
          Next: 'Save order',
        },
        'Save order': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: 'orders', Item: { id: { 'S.$': '$.orderId' }, total: { 'N.$': 'States.Format(\'{}\', $.total)' } } },
          ResultPath: null,
          Next: 'Load invoice template',
        },
        'Load invoice template': {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: 'templates', Key: 'invoice.json' },
          ResultSelector: { 'type.$': '$.ContentType' },
          ResultPath: '$.template',
          Next: 'Notify',
        },
        Notify: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sns:publish',
          Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:orders', 'Message.$': "States.Format('Order {} saved', $.orderId)" },
          ResultSelector: { 'messageId.$': '$.MessageId' },
          ResultPath: '$.notification',
          End: true,
        },
      },
    }),
    input: j({ orderId: 'o-2002', total: 42 }),
  },
  {
    id: 'yaml',
    title: 'YAML definitions',
    summary: 'The same language written as YAML (as in SAM and the Serverless Framework).',
    teaches: ['YAML', 'Pass', 'Wait'],
    expect: 'SUCCEEDED',
    definition: `Comment: A definition written in YAML
StartAt: Prepare
States:
  Prepare:
    Type: Pass
    Result:
      step: prepared
    ResultPath: $.status
    Next: Pause
  Pause:
    Type: Wait
    Seconds: 10
    Next: Finish
  Finish:
    Type: Succeed
`,
    input: j({ job: 42 }),
  },
];
