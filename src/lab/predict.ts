// The lab's "predicted" result: the access analysis for one principal and one table.
import type { ReadPredictor } from './context';

export const predictReadWithPolicies: ReadPredictor = async () => {
  throw new Error('the access analysis is not wired yet');
};
