// Everything the AWS layer needs from the SDK at run time. esbuild bundles this file on its own (dist/sdk.js)
// and loads it on first use, so activation never parses the SDK. Import it only through loadSdk() in sdk.ts.
export * as kms from '@aws-sdk/client-kms';
export * as dynamodb from '@aws-sdk/client-dynamodb';
export * as iam from '@aws-sdk/client-iam';
export * as sts from '@aws-sdk/client-sts';
export * as organizations from '@aws-sdk/client-organizations';
export * as cloudtrail from '@aws-sdk/client-cloudtrail';
export { fromIni, fromSSO } from '@aws-sdk/credential-providers';
export { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
