// The one account change signal of the extension: made once, logged, and fed by what changes everything at once
// (another profile or region, a change made outside KMS Lab noticed when the window gets the focus back).
import * as vscode from 'vscode';
import type { ConnectionTarget } from '../aws/types';
import { errorMessage } from '../notify';
import type { Connection } from '../status/connection';
import { AccountChanges, describeChanges, type AccountScope } from './account-changes';
import { ReturnWatch } from './return-watch';

/** Coming back to VS Code after this long away re-checks what is shown (a quick glance elsewhere does not). */
const AWAY_MS = 10_000;

/** Where the status bar's profile works: its region, and its account once sts:GetCallerIdentity has answered. */
export function connectionScope(connection: Connection): AccountScope | undefined {
  const target = connection.target;
  if (!target) return undefined;
  const identity = connection.identity;
  return { region: target.region, accountId: identity.state === 'known' ? identity.identity.account : undefined };
}

export function registerAccountChanges(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, connection: Connection): AccountChanges {
  const changes = new AccountChanges((error) => log.error(`A view failed to follow an account change: ${errorMessage(error)}`));
  let previous: ConnectionTarget | undefined = connection.target;
  const returns = new ReturnWatch(AWAY_MS);
  context.subscriptions.push(
    changes.subscribe((event) => log.info(`Account changed: ${describeChanges(event)}`)),
    connection.onDidChangeTarget((target) => {
      const region = target?.region ?? previous?.region;
      previous = target;
      if (region) changes.announce({ scope: { region }, changes: [{ kind: 'everything', reason: 'connection' }], source: 'profile or region switch' });
    }),
    // The console, the CLI or a colleague may have changed the account while VS Code was in the background.
    vscode.window.onDidChangeWindowState((state) => {
      const scope = connectionScope(connection);
      if (!returns.focusChanged(state.focused) || !scope) return;
      connection.session?.invalidate();
      changes.announce({ scope, changes: [{ kind: 'everything', reason: 'outside' }], source: 'the window got the focus back' });
    }),
  );
  return changes;
}
