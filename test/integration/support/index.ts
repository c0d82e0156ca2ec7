// Helpers for the integration tests that run inside VS Code.
export { startMoto, type Moto } from './moto';
export { writeAwsFiles, awsFilePaths, renderIni, testTempDir, type AwsFiles, type IniContent } from './aws-files';
export { stubQuickPick, stubInputBox, stubMessages, restoreAllStubs } from './stubs';
export type { QuickPickAnswer, QuickPickCall, InputBoxAnswer, InputBoxCall, MessageCall, MessageLevel, Stub } from './stubs';
export { waitFor } from './wait';
export { freePort } from './ports';
export { getKmsLabApi, EXTENSION_ID, type KmsLabTestApi } from './extension';
export { switchProfile } from './switch-profile';
export { setTiming, restoreInstantTiming } from './aws-timing';
