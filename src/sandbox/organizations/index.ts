// The sandbox's organization, kept in organizations.json beside the account's other state, and its hook into every
// authorization: the directory hands each caller the SCPs that bound it and the view its resources' RCPs come from.
import path from 'node:path';
import type { IamDirectory } from '../iam/directory';
import { JsonStore } from '../storage/json-store';
import { emptyOrganization, type OrganizationsState } from './model';
import { OrganizationsService } from './service';

export interface SandboxOrganization {
  service: OrganizationsService;
  flush(): Promise<void>;
}

export async function openOrganization(dataDir: string, accountId: string, directory: IamDirectory): Promise<SandboxOrganization> {
  const store = await JsonStore.open<OrganizationsState>(path.join(dataDir, 'organizations.json'), () => emptyOrganization(accountId));
  if (store.read().accountId !== accountId) throw new Error(`The organization in ${dataDir} is for account ${store.read().accountId}, not ${accountId}. Reset the sandbox.`);
  const service = new OrganizationsService(store, directory);
  directory.organizationFacts = (caller, own) => service.factsFor(caller, own);
  return { service, flush: () => store.flush() };
}
