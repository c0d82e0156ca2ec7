// What the lab asks a person, as an interface: VS Code's dialogs in the extension, scripted answers in unit tests.

export interface InputRequest {
  title: string;
  prompt: string;
  value: string;
  /** Returns the problem with the value, or undefined when it is acceptable. */
  validate(value: string): string | undefined;
}

export interface LabUi {
  /** A modal question with one action; false when dismissed. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A modal question with several actions; undefined when dismissed. */
  choose<T extends string>(message: string, detail: string, choices: readonly T[]): Promise<T | undefined>;
  /** undefined when dismissed. */
  input(request: InputRequest): Promise<string | undefined>;
  /** Runs a task under a progress notification that says what it is waiting for. */
  progress<T>(title: string, task: (report: (message: string) => void) => Promise<T>): Promise<T>;
  /** Shows the key policy before and after a change, side by side. */
  showPolicyDiff(title: string, before: string, after: string): Promise<void>;
}
