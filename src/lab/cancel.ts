/** A person dismissed a lab prompt: not an error (the command wrapper stays silent, as for CancelledError). */
export class StepCancelled extends Error {
  override readonly name = 'CancelledError';
  constructor(what = 'Cancelled') {
    super(what);
  }
}
