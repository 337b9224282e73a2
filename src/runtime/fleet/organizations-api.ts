import {
  ListAccountsCommand, ListAccountsForParentCommand, ListChildrenCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrganizationsApi } from './fleet-coverage';

/**
 * The three list calls of the coverage check over the AWS SDK. Organizations throttles its list APIs at a few
 * requests per second per account, so the client retries adaptively (it also paces the calls after a throttle);
 * a few attempts only, so that one call never outlasts the run's deadline margin.
 */
export function organizationsApi(client: OrganizationsClient = new OrganizationsClient({ retryMode: 'adaptive', maxAttempts: 6 })): OrganizationsApi {
  return {
    listAccounts: (input) => client.send(new ListAccountsCommand(input)),
    listAccountsForParent: (input) => client.send(new ListAccountsForParentCommand(input)),
    listChildren: (input) => client.send(new ListChildrenCommand(input)),
  };
}
