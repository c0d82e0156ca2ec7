import * as vscode from 'vscode';
import type { ConnectionTarget, ProfileInfo } from '../aws/types';
import { CancelledError } from '../cancellation';
import { Commands } from '../command-ids';
import type { Connection } from './connection';
import type { ExtraIdentities, ExtraIdentity } from './identities';
import { isSandboxTarget, SANDBOX_LABEL } from './local-sandbox';
import { AWS_REGIONS, describeTarget } from './targets';

type PartialTarget = { kind: 'profile'; profile: string; region?: string } | { kind: 'environment'; region?: string } | { kind: 'sandbox'; region?: string };
type ProfileChoice = vscode.QuickPickItem & { target?: PartialTarget; identity?: ExtraIdentity; action?: 'openConfig' };

const KIND_LABELS: Record<ProfileInfo['kind'], string> = {
  static: 'access keys',
  sso: 'IAM Identity Center (SSO)',
  'assume-role': 'assumes a role',
  'credential-process': 'credential_process',
  other: '',
};

/** Two steps: which profile, then which region. Returns undefined when the person picks an action instead. */
export async function pickTarget(connection: Connection, identities: ExtraIdentities): Promise<ConnectionTarget | undefined> {
  const profiles = await connection.reloadProfiles();
  const current = connection.target;
  const items: ProfileChoice[] = [];
  const extra = await identities.list(current);

  if (profiles.profiles.length > 0) items.push({ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator });
  for (const profile of profiles.profiles) {
    const details = [KIND_LABELS[profile.kind], profile.region, profile.endpointUrl ? `endpoint ${profile.endpointUrl}` : undefined].filter(Boolean);
    items.push({
      label: `$(account) ${profile.name}`,
      description: details.join(' · '),
      detail: profile.mfaSerial ? `MFA: ${profile.mfaSerial}` : undefined,
      picked: current?.kind === 'profile' && current.profile === profile.name,
      target: { kind: 'profile', profile: profile.name, region: profile.region },
    });
  }
  if (profiles.environmentCredentials) {
    items.push({ label: 'Environment', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: '$(terminal) Environment credentials',
      description: 'AWS_ACCESS_KEY_ID from the environment',
      target: { kind: 'environment', region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION },
    });
  }
  items.push({ label: 'Offline', kind: vscode.QuickPickItemKind.Separator });
  const sandbox = connection.sandbox.running;
  items.push({
    label: `$(beaker) ${SANDBOX_LABEL}`,
    description: sandbox ? `running at ${sandbox.endpoint}` : 'an AWS account on this machine, where key policies really guard the data',
    picked: isSandboxTarget(current),
    target: { kind: 'sandbox', region: sandbox?.region ?? 'us-east-1' },
  });
  if (extra.length > 0) {
    items.push({ label: 'Lab identities', kind: vscode.QuickPickItemKind.Separator });
    for (const identity of extra) {
      items.push({
        label: `$(person) ${identity.label}`,
        description: identity.description,
        detail: identity.arn ? `See the view as ${identity.arn}; its access key stays in VS Code's secret storage` : undefined,
        picked: current?.kind === 'derived' && current.label === identity.label,
        identity,
      });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(gear) Open AWS config file…', action: 'openConfig' });

  const profile = await vscode.window.showQuickPick(items, {
    title: 'KMS Lab: AWS profile (1/2)',
    placeHolder: current ? `Current: ${describeTarget(current)}` : 'Choose the AWS profile to use',
    matchOnDescription: true,
  });
  if (!profile) throw new CancelledError();
  if (profile.action === 'openConfig') {
    await vscode.commands.executeCommand(Commands.openConfigFile);
    return undefined;
  }
  if (profile.identity) return profile.identity.target();
  if (!profile.target) throw new CancelledError();

  const region = await pickRegion(profile.target.region ?? current?.region ?? 'us-east-1', profile.target.region);
  const chosen = profile.target;
  if (chosen.kind === 'profile') return { kind: 'profile', profile: chosen.profile, region };
  if (chosen.kind === 'environment') return { kind: 'environment', region };
  return connection.sandbox.start(region);
}

async function pickRegion(preselected: string, profileDefault: string | undefined): Promise<string> {
  const known = AWS_REGIONS.some((r) => r.id === preselected) ? AWS_REGIONS : [{ id: preselected, name: 'Custom region' }, ...AWS_REGIONS];
  const items = known.map((r) => ({
    label: r.id,
    description: [r.name, r.id === profileDefault ? 'profile default' : undefined].filter(Boolean).join(' · '),
    picked: r.id === preselected,
  }));
  const first = items.findIndex((i) => i.label === preselected);
  if (first > 0) items.unshift(...items.splice(first, 1));
  const picked = await vscode.window.showQuickPick(items, { title: 'KMS Lab: region (2/2)', placeHolder: `Region (${preselected})`, matchOnDescription: true });
  if (!picked) throw new CancelledError();
  return picked.label;
}
