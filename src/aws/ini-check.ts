// A line-based check of the shared config and credentials files. The SDK's own parser skips whatever it does not
// understand without a word; this finds those lines so the user learns which file and line to fix.
// Problems never quote a line's value, which may be a secret.

export type IniFileKind = 'config' | 'credentials';

export interface IniProblem {
  /** One-based. */
  line: number;
  message: string;
}

// The SDK's pattern for "[<type> <name>]" section headers (@smithy/core/config parseIni).
const typedSectionPattern = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;
const sectionTypes = new Set(['profile', 'sso-session', 'services']);
const plainNamePattern = /^[\w\-@+.%:/]+$/;

function stripComment(line: string): string {
  return line.split(/(^|\s)[;#]/)[0].trim();
}

/** Checks one section header; returns a problem message, or undefined when the SDK will read the section. */
function checkSectionHeader(name: string, kind: IniFileKind): string | undefined {
  if (name.trim() === '') return 'Section header is empty';
  if (name === '__proto__' || name === 'profile __proto__') return `Section name [${name}] is not allowed; the SDK ignores this whole file`;
  const typed = typedSectionPattern.exec(name);
  if (typed) {
    const [, type, , sectionName] = typed;
    if (!sectionTypes.has(type)) return `Section [${name}] is not valid: a section name has no spaces, or is written [profile name]`;
    if (kind === 'credentials' && type === 'profile') return `In the credentials file, write [${sectionName}], not [${name}]`;
    if (kind === 'credentials') return `Section [${name}] belongs in the config file, not the credentials file`;
    return undefined;
  }
  if (!plainNamePattern.test(name)) return `Section name [${name}] is not valid`;
  if (kind === 'config' && name !== 'default') return `Section [${name}] is ignored: in the config file, write [profile ${name}]`;
  return undefined;
}

export function checkIniSyntax(text: string, kind: IniFileKind): IniProblem[] {
  const problems: IniProblem[] = [];
  let inSection = false;
  let sectionUsable = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = stripComment(raw);
    if (trimmed === '') return;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) {
        problems.push({ line, message: "Section header is missing its closing ']'" });
        inSection = true;
        sectionUsable = false;
        return;
      }
      const message = checkSectionHeader(trimmed.slice(1, -1), kind);
      if (message) problems.push({ line, message });
      inSection = true;
      sectionUsable = message === undefined;
      return;
    }
    if (!inSection) {
      problems.push({ line, message: 'Setting outside of any [section]' });
      inSection = true;
      sectionUsable = false;
      return;
    }
    if (!sectionUsable) return;
    const equals = trimmed.indexOf('=');
    if (equals === -1) problems.push({ line, message: "Expected 'name = value'" });
    else if (equals === 0) problems.push({ line, message: "Setting has no name before '='" });
  });
  return problems;
}
