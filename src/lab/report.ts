// The clean-up report as a Markdown document. Names in it come from AWS (user, table, alias, key ids), so every
// piece of text is escaped: nothing AWS returns becomes Markdown syntax.
import type { CleanupReport } from './record';

const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~]/g;

/** Text shown as itself in Markdown: every character Markdown gives a meaning is escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIALS, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export interface ReportPlace {
  /** "the local sandbox", "AWS", "the emulator at …". */
  backend: string;
  accountId: string;
  region: string;
}

export function cleanupReportMarkdown(report: CleanupReport, place: ReportPlace): string {
  const lines = [
    '# KMS Lab: clean-up report',
    '',
    `Step 9 ran at ${escapeMarkdown(report.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} in ${escapeMarkdown(place.backend)}, account ${escapeMarkdown(place.accountId)}, region ${escapeMarkdown(place.region)}.`,
    '',
    '## Removed',
    '',
    ...(report.removed.length > 0 ? report.removed.map((what) => `- ${escapeMarkdown(what)}`) : ['Nothing: the lab had nothing left in this account.']),
    '',
    '## Left, and why',
    '',
    ...(report.left.length > 0 ? report.left.map((l) => `- ${escapeMarkdown(l.what)}: ${escapeMarkdown(l.why)}`) : ['Nothing.']),
    '',
    'KMS Lab removes only what the lab created (tagged kms-lab=true, or recorded as created by the lab). A key scheduled for deletion can still be cancelled until its date.',
    '',
  ];
  return lines.join('\n');
}
