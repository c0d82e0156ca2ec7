/** What an error says, for a person: its message, or the thrown value as text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
