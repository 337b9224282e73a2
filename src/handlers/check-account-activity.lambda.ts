import { readFunctionEnvironment } from '../contract/function-environments';
import { runAccountActivityCheck } from '../runtime/activity/check-account-activity';
import { createDocumentClient } from '../runtime/aws-clients';

const environment = readFunctionEnvironment('CheckAccountActivity', process.env);
const documentClient = createDocumentClient();

/** Hourly: turns the per-account activity items into SilentAccounts / SilentAccountRegions (EMF). Thin: the logic lives in runtime/activity. */
export const handler = async (): Promise<void> => {
  await runAccountActivityCheck({
    client: documentClient,
    tableName: environment.complianceTableName,
    silentAfterSeconds: environment.silentAfterSeconds,
    ignoredAccounts: environment.ignoredAccounts,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'CheckAccountActivity',
  });
};
