// The two locks as the Access views draw them (who can read this table, and what can this principal read): a chip per
// lock, and a section per lock with its reason, the statements and grants that decide it, and the requests that open it.
import type { AccessLockView, AccessStatementView } from '../panel/access-protocol';
import { LOCK_WORDS } from '../panel/protocol';
import { el } from './dom';

export const VERDICT_ICON: Record<string, string> = { allowed: 'pass', denied: 'circle-slash', conditional: 'question', unknown: 'question' };
export const VERDICT_WORD: Record<string, string> = { allowed: 'can read', denied: 'cannot read', conditional: 'only under a condition', unknown: 'unknown' };

export const LOCK_DECIDED_BY = {
  table: 'Decided by identity policies, the permissions boundary, the table’s resource policy, and the organization’s SCPs and RCPs.',
  key: 'Decided by the key policy (and IAM, where it delegates), grants, and the organization’s SCPs and RCPs.',
} as const;

export function lockChip(lock: 'table' | 'key', view: AccessLockView): HTMLElement {
  return el('span', { class: `lock-chip verdict-${view.decision}`, title: view.reason, attrs: { 'data-lock': lock } }, [
    el('span', { class: `codicon codicon-${view.state === 'open' ? 'unlock' : 'lock'}`, attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: `${LOCK_WORDS[lock].name} ${view.state}` }),
  ]);
}

/** "opens only from 10.0.0.0/8": a conditional read's opening, shown beside the verdict. */
export function openingChip(opensWhen: string | undefined): HTMLElement | undefined {
  return opensWhen ? el('span', { class: 'opens-when', text: `reads ${opensWhen}` }) : undefined;
}

/** The statement in words; `link` makes a key policy statement a button (the table panel shows it in its editor). */
export function statementElement(s: AccessStatementView, link?: (s: AccessStatementView) => void): HTMLElement {
  const label = `${s.effect} · ${s.source}${s.sid ? ` · '${s.sid}'` : ''} · statement #${s.index + 1}`;
  if (!s.inKeyPolicy || !link) return el('span', { text: label });
  return el('span', {
    class: 'statement-link',
    text: label,
    title: 'Show this statement in the key policy editor',
    attrs: { role: 'button', tabindex: '0' },
    on: {
      click: () => link(s),
      keydown: (event) => {
        if ((event as KeyboardEvent).key === 'Enter') link(s);
      },
    },
  });
}

export function lockSection(which: 'table' | 'key', lock: AccessLockView, link?: (s: AccessStatementView) => void): HTMLElement {
  const words = LOCK_WORDS[which];
  return el('section', { class: 'lock', attrs: { 'data-lock': which } }, [
    el('h3', { text: `${words.name} (${words.what}): ${lock.state}` }),
    el('p', { text: lock.reason }),
    lock.opensWhen ? el('p', { class: 'opens-when', text: `Opens ${lock.opensWhen}.` }) : undefined,
    lock.actions ? el('p', { class: 'lock-actions', text: `Not every read is decided alike: ${lock.actions}.` }) : undefined,
    lock.deciding ? el('p', { text: `Decided by the ${lock.deciding}.` }) : undefined,
    lock.byOrganization ? el('p', { class: 'organization-part', text: 'The organization takes part: a service control or resource control policy is among the deciding statements.' }) : undefined,
    el('p', { class: 'muted', text: LOCK_DECIDED_BY[which] }),
    lock.via ? el('p', { text: `Opens because ${lock.via}.` }) : undefined,
    lock.statements.length ? el('ul', { class: 'statements' }, lock.statements.map((s) => el('li', {}, [statementElement(s, link)]))) : undefined,
    lock.grants.length ? el('ul', { class: 'statements' }, lock.grants.map((g) => el('li', { text: g }))) : undefined,
    lock.explanation.length ? el('ul', { class: 'explanation-list' }, lock.explanation.map((e) => el('li', { class: 'muted', text: e }))) : undefined,
  ]);
}

/** "What this answer does not see": the organization's policies evaluated, the facts missing and those not evaluated. */
export function answerNotes(facts: { organization?: string; missing: string[]; notEvaluated: string[] }): HTMLElement {
  const notes = [
    ...(facts.organization ? [`Evaluated: the ${facts.organization}`] : []),
    ...facts.missing.map((m) => `Missing: ${m}`),
    ...facts.notEvaluated.map((n) => `Not evaluated: ${n}`),
  ];
  return el('vscode-collapsible', { attrs: { title: `What this answer does not see (${notes.length})` } }, [el('ul', {}, notes.map((n) => el('li', { text: n })))]);
}
