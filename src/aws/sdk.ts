// The one door to the SDK's values. Everything else in src/aws imports SDK types only.
export type Sdk = typeof import('./sdk-entry');

let loading: Promise<Sdk> | undefined;

export function loadSdk(): Promise<Sdk> {
  loading ??= import('./sdk-entry').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
