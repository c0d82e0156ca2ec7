// Shared shapes of the request context, kept apart so low-level modules need not import the builder.
export type ContextValue = string | string[];

export interface RequestContextView {
  /** Value of a condition key; `key` must be lower case. */
  get(key: string): ContextValue | undefined;
}

/** Single-valued lookup of a lower-cased key, for policy variables. */
export type VariableLookup = (key: string) => string | undefined;
