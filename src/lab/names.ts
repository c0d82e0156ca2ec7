// What AWS accepts as names for the lab's resources, checked before anything is sent.

export function aliasProblem(alias: string): string | undefined {
  if (!alias.startsWith('alias/')) return 'An alias starts with "alias/", for example alias/kms-lab.';
  if (alias.startsWith('alias/aws/')) return 'Aliases under alias/aws/ are reserved for AWS managed keys.';
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias)) return 'After "alias/", use 1–250 letters, digits, "/", "_" or "-".';
  return undefined;
}

export function tableNameProblem(name: string): string | undefined {
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) return 'A table name has 3–255 letters, digits, "_", "-" or ".".';
  return undefined;
}

export function userNameProblem(name: string): string | undefined {
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) return 'A user name has 1–64 letters, digits or any of + = , . @ _ -.';
  return undefined;
}
