// The sandbox's timing layer: AWS's delays (scaled by a factor) and throttling, both off by default.
export { AWS_DELAYS, type AwsDelay, type DelayName } from './delays';
export { checkTimingFactor, INSTANT, MAX_TIMING_FACTOR, SandboxTiming } from './timing';
export { checkThrottleRate, Throttle, throttlingError, type ThrottledService } from './throttle';
export { delayedCredentials } from './credentials';
export { LaggingDirectory } from './identity';
export { notingChanges } from './changes';
