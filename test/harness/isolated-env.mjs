// A throwaway HOME for one VS Code run: empty AWS config and credentials files, a folder for the
// tests' own fixtures, and an environment that keeps every real AWS setting and credential out.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Drops the variables that would let the real machine's AWS identity or config reach the tests, and
 * XDG_* folders, which would put code-server's own files in the real HOME.
 */
function withoutOutsideSettings(env, keepXdg) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^AWS_/.test(name) && (keepXdg || !/^XDG_/.test(name))));
}

function writePrivate(file, text) {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Creates the folder tree:
 *   <root>/home/.aws/{config,credentials}   HOME and the AWS files (0600)
 *   <root>/tmp                              KMS_LAB_TEST_TMP, for the tests' fixture files
 *   <root>/user-data, <root>/extensions     code-server's profile
 *   <root>/workspace                        the folder VS Code opens
 */
export function createIsolatedEnv({ name = 'run', config = '', credentials = '', extraEnv = {}, keepXdg = false } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), `kms-lab-${name}-`));
  chmodSync(root, 0o700);
  const dir = (...parts) => {
    const full = path.join(root, ...parts);
    mkdirSync(full, { recursive: true, mode: 0o700 });
    return full;
  };
  const home = dir('home');
  const awsDir = dir('home', '.aws');
  const configFile = path.join(awsDir, 'config');
  const credentialsFile = path.join(awsDir, 'credentials');
  writePrivate(configFile, config);
  writePrivate(credentialsFile, credentials);
  const tmp = dir('tmp');
  const env = {
    ...withoutOutsideSettings(process.env, keepXdg),
    HOME: home,
    USERPROFILE: home,
    TMPDIR: dir('os-tmp'),
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    // The SDK's last resort is the EC2 metadata service, which is not on loopback.
    AWS_EC2_METADATA_DISABLED: 'true',
    KMS_LAB_TEST_TMP: tmp,
    // Otherwise VS Code's server replaces the extension host's environment with one from a login shell,
    // which drops this PATH (moto_server, aws) and may bring AWS settings back in.
    VSCODE_CLI: '1',
    // The SDK's notice about future Node versions, repeated by every process, is noise in test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extraEnv,
  };
  return {
    root,
    home,
    tmp,
    configFile,
    credentialsFile,
    userDataDir: dir('user-data'),
    extensionsDir: dir('extensions'),
    workspace: dir('workspace'),
    env,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
