// Property tests: wildcard matching against a reference regex, and edits that keep every untouched statement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addKeyAdministrator, addKeyUser, evaluate, parsePolicy, removeKeyAdministrator, removeKeyUser, SID_ADMINISTRATORS, SID_PERSISTENT_RESOURCES, SID_USE,
  wildcardMatch, type PolicyStatement,
} from '../../../src/policy';
import { resourceGlob } from '../../../src/policy/resource-match';
import { globMatch } from '../../../src/policy/glob';
import { piecesOf } from '../../../src/policy/wildcard';

const RUNS = { numRuns: 400 };

function escapeForRegex(ch: string): string {
  return ch.replace(/[.+^${}()|[\]\\/*?]/g, '\\$&');
}

/** The obvious translation of an IAM wildcard pattern into a regular expression. */
function referenceRegex(pattern: string, flags = ''): RegExp {
  const body = [...pattern].map((ch) => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : escapeForRegex(ch))).join('');
  return new RegExp(`^${body}$`, `u${flags}`);
}

const patternChar = fc.constantFrom('a', 'b', 'A', '*', '?', '.', '+', '(', '[', '$', '\\', '/', ':', '-', 'é', '😀');
const valueChar = fc.constantFrom('a', 'b', 'A', '.', '+', '(', '[', '$', '\\', '/', ':', '-', 'é', '😀', '*', '?');

test('wildcard matching agrees with a reference regex (case-sensitive)', () => {
  fc.assert(
    fc.property(fc.string({ unit: patternChar, maxLength: 10 }), fc.string({ unit: valueChar, maxLength: 14 }), (pattern, value) => {
      assert.equal(wildcardMatch(pattern, value), referenceRegex(pattern).test(value), `${pattern} ~ ${value}`);
    }),
    RUNS,
  );
});

test('wildcard matching agrees with a reference regex (case-insensitive, as for actions)', () => {
  fc.assert(
    fc.property(fc.string({ unit: patternChar, maxLength: 10 }), fc.string({ unit: valueChar, maxLength: 14 }), (pattern, value) => {
      assert.equal(wildcardMatch(pattern, value, true), referenceRegex(pattern.toLowerCase()).test(value.toLowerCase()), `${pattern} ~ ${value}`);
    }),
    RUNS,
  );
});

test('a pattern matches every value made from it by filling its wildcards', () => {
  const fill = fc.string({ unit: valueChar, maxLength: 4 });
  fc.assert(
    fc.property(fc.string({ unit: patternChar, maxLength: 10 }), fc.array(fill, { minLength: 10, maxLength: 10 }), fc.array(valueChar, { minLength: 10, maxLength: 10 }), (pattern, runs, singles) => {
      let i = 0;
      const value = [...pattern].map((ch) => (ch === '*' ? runs[i++ % 10] : ch === '?' ? singles[i++ % 10] : ch)).join('');
      assert.ok(wildcardMatch(pattern, value), `${pattern} ~ ${value}`);
    }),
    RUNS,
  );
});

/** Reference for the Resource element: wildcards stay in their ARN segment unless a `*` ends the segment. */
function referenceResourceRegex(pattern: string): RegExp {
  let segment = 0;
  let body = '';
  const chars = [...pattern];
  chars.forEach((ch, i) => {
    if (ch === '*') body += segment >= 5 || i === chars.length - 1 || chars[i + 1] === ':' ? '[\\s\\S]*' : '[^:]*';
    else if (ch === '?') body += segment >= 5 ? '[\\s\\S]' : '[^:]';
    else {
      if (ch === ':' && segment < 5) segment++;
      body += escapeForRegex(ch);
    }
  });
  return new RegExp(`^${body}$`, 'u');
}

test('resource matching agrees with a reference regex of the segment rules', () => {
  const resourceChar = fc.constantFrom('a', 'b', ':', '/', '*', '?');
  fc.assert(
    fc.property(fc.string({ unit: resourceChar, maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'b', ':', '/'), maxLength: 14 }), (pattern, value) => {
      assert.equal(globMatch(resourceGlob(piecesOf(pattern)), value), referenceResourceRegex(pattern).test(value), `${pattern} ~ ${value}`);
    }),
    RUNS,
  );
});

test('long patterns with `?`, spanning many words of the matcher, agree with a reference regex', () => {
  // Mostly literals and `?`, few `*` (the reference regex backtracks on many), long enough to cross 32-state words.
  const token = fc.constantFrom('a', 'a', 'a', 'b', '?', '?', '?', '?', '*');
  const filled = (pattern: string, picks: string[]) => {
    let i = 0;
    return [...pattern].map((ch) => (ch === '*' ? picks[i++ % picks.length]!.repeat(i % 4) : ch === '?' ? picks[i++ % picks.length] : ch)).join('');
  };
  fc.assert(
    fc.property(
      fc.array(token, { minLength: 30, maxLength: 140 }).map((t) => t.join('')).filter((p) => p.split('*').length <= 6),
      fc.array(fc.constantFrom('a', 'b', ':'), { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      fc.nat(3),
      (pattern, picks, fromPattern, cut) => {
        let value = fromPattern ? filled(pattern, picks) : picks.join('').repeat(5);
        if (cut > 0 && value.length > cut) value = cut === 1 ? value.slice(1) : cut === 2 ? value.slice(0, -1) : `${value}b`;
        assert.equal(wildcardMatch(pattern, value), referenceRegex(pattern).test(value), `${pattern} ~ ${value}`);
        const arn = `arn:aws:kms:us-east-1:111122223333:key/${pattern}`;
        const arnValue = `arn:aws:kms:us-east-1:111122223333:key/${value}`;
        assert.equal(globMatch(resourceGlob(piecesOf(arn)), arnValue), referenceResourceRegex(arn).test(arnValue), `${arn} ~ ${arnValue}`);
      },
    ),
    RUNS,
  );
});

test('hostile patterns with many wildcards still answer', () => {
  const value = 'a'.repeat(20000);
  assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*a*a*a*b', value), false);
  assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*a*a*a*a', value), true);
  assert.equal(globMatch(resourceGlob(piecesOf('a*a*a*a*a*a*a*a*a*a*a*b:x')), value), false);
});

// ---- Edits keep untouched statements ----

const ACCOUNT = '111122223333';
const CONSOLE_SIDS = new Set([SID_ADMINISTRATORS, SID_USE, SID_PERSISTENT_RESOURCES]);
const principalArn = fc.constantFrom('alice', 'bob', 'carol', 'dave').map((n) => `arn:aws:iam::${ACCOUNT}:user/${n}`);

const otherStatement: fc.Arbitrary<PolicyStatement> = fc.record({
  Sid: fc.option(fc.stringMatching(/^[A-Za-z0-9 ]{1,12}$/).filter((s) => !CONSOLE_SIDS.has(s)), { nil: undefined }),
  Effect: fc.constantFrom('Allow', 'Deny'),
  Principal: fc.oneof(fc.constant('*' as const), principalArn.map((a) => ({ AWS: a })), fc.array(principalArn, { minLength: 1, maxLength: 3 }).map((a) => ({ AWS: a }))),
  Action: fc.oneof(fc.constantFrom('kms:*', 'kms:Decrypt'), fc.array(fc.constantFrom('kms:Encrypt', 'kms:Decrypt', 'kms:Get*'), { minLength: 1, maxLength: 3 })),
  Resource: fc.constant('*'),
}).map((s) => JSON.parse(JSON.stringify(s)) as PolicyStatement);

const consoleStatement: fc.Arbitrary<PolicyStatement> = fc.record({
  Sid: fc.constantFrom(SID_ADMINISTRATORS, SID_USE, SID_PERSISTENT_RESOURCES),
  Effect: fc.constant('Allow'),
  Principal: fc.oneof(principalArn, fc.array(principalArn, { minLength: 1, maxLength: 3 })).map((a) => ({ AWS: a })),
  Action: fc.constant(['kms:Decrypt']),
  Resource: fc.constant('*'),
});

const policyText = fc
  .tuple(fc.array(fc.oneof(otherStatement, otherStatement, consoleStatement), { maxLength: 6 }), fc.constantFrom(0, 2, 4, '\t'))
  .map(([statements, indent]) => {
    const seen = new Set<string>();
    const unique = statements.filter((s) => !s.Sid || (seen.has(s.Sid) ? false : (seen.add(s.Sid), true)));
    return JSON.stringify({ Version: '2012-10-17', Statement: unique }, null, indent || undefined);
  });

const edit = fc.tuple(fc.constantFrom(addKeyUser, removeKeyUser, addKeyAdministrator, removeKeyAdministrator), principalArn);

function untouched(text: string): string[] {
  const parsed = parsePolicy(text);
  assert.deepEqual(parsed.errors, [], text);
  const statements = parsed.document?.Statement as PolicyStatement[];
  return parsed.statementRanges.filter((_, i) => !CONSOLE_SIDS.has(statements[i].Sid ?? '')).map((r) => text.slice(r.start, r.end));
}

test('parse → edit → serialise keeps every untouched statement, byte for byte and in order', () => {
  fc.assert(
    fc.property(policyText, fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => {
      const before = untouched(text);
      let current = text;
      for (const [apply, arn] of edits) current = (apply as (t: string, a: string) => string)(current, arn);
      assert.deepEqual(untouched(current), before);
    }),
    RUNS,
  );
});

test('after addKeyUser the user may decrypt; after removeKeyUser the key policy no longer names them', () => {
  fc.assert(
    fc.property(policyText, principalArn, (text, arn) => {
      const request = { principal: arn, action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`, identityPolicies: [] };
      const added = addKeyUser(text, arn);
      const denies = JSON.parse(added).Statement.some((s: PolicyStatement) => s.Effect === 'Deny');
      if (!denies) assert.equal(evaluate({ ...request, resourcePolicy: added }).decision, 'allowed');
      const removed = removeKeyUser(added, arn);
      for (const s of JSON.parse(removed).Statement as PolicyStatement[]) {
        if (s.Sid === SID_USE || s.Sid === SID_PERSISTENT_RESOURCES) assert.ok(![s.Principal && (s.Principal as { AWS: unknown }).AWS].flat().includes(arn));
      }
    }),
    RUNS,
  );
});

test('evaluation is deterministic and an added explicit deny always wins', () => {
  fc.assert(
    fc.property(policyText, principalArn, fc.constantFrom('kms:Decrypt', 'kms:Encrypt', 'kms:GetKeyPolicy'), (text, arn, action) => {
      const request = { principal: arn, action, resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`, identityPolicies: [], resourcePolicy: text };
      assert.equal(evaluate(request).decision, evaluate({ ...request, resourcePolicy: JSON.parse(text) }).decision);
      const doc = JSON.parse(text);
      doc.Statement.push({ Effect: 'Deny', Principal: { AWS: arn }, Action: action, Resource: '*' });
      assert.equal(evaluate({ ...request, resourcePolicy: doc }).decision, 'explicitly-denied');
    }),
    RUNS,
  );
});
