/**
 * The inline code (`Code.ZipFile`, so no asset to publish) of the function behind `Custom::ConfigServiceLinkedRole`.
 *
 * It calls `iam:CreateServiceLinkedRole` for `config.amazonaws.com` on Create and Update. IAM answers `InvalidInput`
 * ("has been taken") when the role exists: the function then reads the role and succeeds only if it is AWS Config's
 * service-linked role. On Delete it does nothing: the role is shared with Control Tower, Security Hub and
 * conformance packs, and this function may not be the one that created it. It always answers CloudFormation, also
 * when it fails or is about to time out, so that a stack never waits an hour for it.
 *
 * Plain CommonJS for the `nodejs24.x` runtime, whose AWS SDK for JavaScript v3 provides `@aws-sdk/client-iam`.
 */
export const SERVICE_LINKED_ROLE_HANDLER = `const { IAMClient, CreateServiceLinkedRoleCommand, GetRoleCommand } = require('@aws-sdk/client-iam');
const https = require('https');
const SERVICE = 'config.amazonaws.com';
const ROLE = 'AWSServiceRoleForConfig';
const iam = new IAMClient({});

async function ensureRole() {
  try {
    await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: SERVICE }));
    return 'created';
  } catch (error) {
    if (!/^InvalidInput(Exception)?$/.test(error.name)) throw error;
    const found = await iam.send(new GetRoleCommand({ RoleName: ROLE }));
    if (found.Role.Path !== '/aws-service-role/' + SERVICE + '/') throw error;
    return 'existed';
  }
}

function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status, Reason: reason, PhysicalResourceId: ROLE,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  });
  return new Promise((resolve, reject) => {
    const request = https.request(event.ResponseURL, {
      method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (response) => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(body);
  });
}

exports.handler = async (event, context) => {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), Math.max(context.getRemainingTimeInMillis() - 5000, 1000));
  });
  try {
    const outcome = event.RequestType === 'Delete' ? 'kept' : await Promise.race([ensureRole(), timeout]);
    console.log(JSON.stringify({ requestType: event.RequestType, role: ROLE, outcome }));
    await respond(event, 'SUCCESS', 'AWSServiceRoleForConfig ' + outcome);
  } catch (error) {
    console.error(error);
    await respond(event, 'FAILED', String(error.name + ': ' + error.message).slice(0, 400));
  } finally {
    clearTimeout(timer);
  }
};
`;
