// The test user's access key lives in VS Code's SecretStorage only: never in global state, settings, files or logs.
import type { StaticCredentials } from '../aws/types';

/** The subset of vscode.SecretStorage the lab uses. */
export interface SecretStore {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

export class TestUserSecrets {
  constructor(private readonly secrets: SecretStore) {}

  static keyFor(scope: string, userName: string): string {
    return `kmsLab.lab.testUser/${scope}/${userName}`;
  }

  async get(scope: string, userName: string): Promise<StaticCredentials | undefined> {
    const text = await this.secrets.get(TestUserSecrets.keyFor(scope, userName));
    if (!text) return undefined;
    try {
      const parsed = JSON.parse(text) as Partial<StaticCredentials>;
      if (typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string') {
        return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
      }
    } catch {
      // Unreadable: treated as absent, so the step makes a new key.
    }
    return undefined;
  }

  async store(scope: string, userName: string, credentials: StaticCredentials): Promise<void> {
    const { accessKeyId, secretAccessKey } = credentials;
    await this.secrets.store(TestUserSecrets.keyFor(scope, userName), JSON.stringify({ accessKeyId, secretAccessKey }));
  }

  async delete(scope: string, userName: string): Promise<void> {
    await this.secrets.delete(TestUserSecrets.keyFor(scope, userName));
  }
}
