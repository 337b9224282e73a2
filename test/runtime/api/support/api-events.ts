import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * An API Gateway REST (Lambda proxy) request as the service delivers it for an IAM-authorized method: `resource`
 * is the route template, `path` the concrete path, single and multi-value query parameters side by side.
 */
export function apiEvent(resource: string, options: {
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string | string[]>;
  method?: string;
} = {}): APIGatewayProxyEvent {
  const query = options.query ?? {};
  const single = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]));
  const multi = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path: options.path ?? resource,
    httpMethod: options.method ?? 'GET',
    headers: { Host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    multiValueHeaders: { Host: ['abc123.execute-api.eu-west-1.amazonaws.com'] },
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111111111111',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: options.method ?? 'GET',
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '111111111111',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROAEXAMPLE:dashboard',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: 'o-a1b2c3d4e5',
        sourceIp: '203.0.113.10',
        user: 'AROAEXAMPLE:dashboard',
        userAgent: 'aws-sdk-js/3',
        userArn: 'arn:aws:sts::111111111111:assumed-role/dashboard/dashboard',
      },
      path: `/v1${options.path ?? resource}`,
      stage: 'v1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1764158400000,
      resourceId: 'r1',
      resourcePath: resource,
    },
  };
}
