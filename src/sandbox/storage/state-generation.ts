// A number that changes whenever any of the sandbox's account state (IAM, STS sessions, KMS, Organizations) may have
// changed: what was decided from that state before is only still true while the number is the same.
let generation = 0;

export function stateGeneration(): number {
  return generation;
}

export function stateChanged(): void {
  generation++;
}
