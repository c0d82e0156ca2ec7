// The sandbox's PartiQL parser and its translation into ordinary DynamoDB item requests, without a server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AwsError } from '../../../src/sandbox/contracts';
import { parseStatement } from '../../../src/sandbox/dynamodb/partiql/parser';
import { type TableKeys, translate } from '../../../src/sandbox/dynamodb/partiql/translate';

const keys: TableKeys = { hashKey: 'Artist', rangeKey: 'SongTitle', indexes: new Map([['by-year', { hashKey: 'Year' }]]) };
const plan = (text: string, parameters?: unknown[]) => translate(parseStatement(text), parameters, keys);

function refused(text: string, message: RegExp, parameters?: unknown[]) {
  assert.throws(
    () => plan(text, parameters),
    (error: unknown) => {
      assert.ok(error instanceof AwsError, `${text}: ${String(error)}`);
      assert.equal(error.code, 'com.amazon.coral.validate#ValidationException');
      assert.match(error.message, message, text);
      return true;
    },
  );
}

describe('parsing', () => {
  test('SELECT with quoted names, nested paths, an index, and every kind of predicate', () => {
    const { statement, parameters } = parseStatement(
      `SELECT "Artist", info.tracks[2].name, "odd""name" FROM "Music"."by-year" WHERE "Year" = ? AND (rating >= 4.5 OR NOT genre IN ['pop', 'rock']) AND price BETWEEN 1 AND -2e3 AND lyrics IS NOT MISSING AND notes IS NULL AND begins_with(SongTitle, 'It''s') AND size(tags) > 2`,
    );
    assert.equal(parameters, 1);
    assert.equal(statement.kind, 'select');
    if (statement.kind !== 'select') return;
    assert.equal(statement.table, 'Music');
    assert.equal(statement.index, 'by-year');
    assert.deepEqual(statement.projection, [
      { head: 'Artist', steps: [] },
      { head: 'info', steps: [{ field: 'tracks' }, { index: 2 }, { field: 'name' }] },
      { head: 'odd"name', steps: [] },
    ]);
    const text = JSON.stringify(statement.where);
    for (const fragment of ['"kind":"or"', '"kind":"not"', '"kind":"in"', '"kind":"between"', '"text":"-2e3"', '"what":"MISSING","negated":true', '"what":"NULL","negated":false', '"name":"begins_with"', '"text":"It\'s"', '"kind":"size"']) {
      assert.ok(text.includes(fragment), `${fragment} in ${text}`);
    }
  });

  test('AND binds tighter than OR; keywords are case-insensitive; a trailing semicolon is allowed', () => {
    const { statement } = parseStatement('select * from t where a = 1 or b = 2 and c = 3;');
    assert.equal(statement.kind, 'select');
    if (statement.kind !== 'select') return;
    assert.equal(statement.where!.kind, 'or');
    assert.equal((statement.where as { right: { kind: string } }).right.kind, 'and');
  });

  test('INSERT, UPDATE and DELETE with values of every type and RETURNING', () => {
    const insert = parseStatement(`INSERT INTO Music VALUE {'Artist': ?, 'n': -1.5, 'ok': TRUE, 'none': NULL, 'l': [1, 'a'], 'm': {'x': 'y'}, 's': <<'a', 'b'>>}`);
    assert.equal(insert.parameters, 1);
    const update = parseStatement(`UPDATE Music SET plays = plays + 1, tags = set_add(tags, <<'new'>>) SET history = list_append(history, [?]) REMOVE old, older WHERE Artist = ? AND SongTitle = ? RETURNING MODIFIED NEW *`);
    assert.equal(update.statement.kind === 'update' && update.statement.returning, 'UPDATED_NEW');
    assert.equal(update.statement.kind === 'update' && update.statement.actions.length, 5);
    const del = parseStatement(`DELETE FROM Music WHERE Artist = 'a' AND SongTitle = 'b' RETURNING ALL OLD *`);
    assert.equal(del.statement.kind === 'delete' && del.statement.returning, 'ALL_OLD');
  });

  test('what DynamoDB does not run is refused with its words', () => {
    const cases: [string, RegExp][] = [
      ['SELECT * FROM a, b', /^Unsupported operation: Joins are not supported/],
      ['SELECT * FROM a JOIN b ON a.x = b.x', /^Unsupported operation: Joins/],
      ['SELECT COUNT(*) FROM Music', /^Unsupported operation: Aggregate function COUNT/],
      ['SELECT * FROM Music GROUP BY Artist', /^Unsupported operation: GROUP BY/],
      ['SELECT * FROM Music LIMIT 5', /^Unsupported operation: LIMIT is not supported in statements; use the Limit parameter/],
      ['SELECT * FROM (SELECT * FROM Music)', /^Unsupported operation: Subqueries/],
      ['SELECT * FROM Music WHERE Artist IN (SELECT a FROM b)', /^Unsupported operation: Subqueries/],
      ["INSERT INTO Music VALUES {'Artist': 'a'}", /^Unsupported operation: INSERT takes one item/],
      ["DELETE FROM Music WHERE Artist = 'a' RETURNING ALL NEW *", /^Unsupported operation: RETURNING ALL NEW \* is not supported here/],
      ["SELECT * FROM Music WHERE Artist LIKE 'a%'", /^Unsupported operation: LIKE/],
      ['SELECT * FROM Music WHERE upper(Artist) = ?', /^Unsupported operation: Function upper/],
    ];
    for (const [text, message] of cases) refused(text, message);
  });

  test('malformed statements say where they went wrong', () => {
    const cases: [string, RegExp][] = [
      ['SELEC * FROM Music', /^Statement wasn't well formed, can't be processed: Expected data manipulation, found SELEC$/],
      ['CREATE TABLE x', /Expected data manipulation, found CREATE/],
      ['SELECT * Music', /Expected FROM, found Music/],
      ["SELECT * FROM Music WHERE Artist = 'open", /Unterminated string literal/],
      ['SELECT * FROM Music WHERE Artist = ?? ', /Unexpected \? after the end of the statement/],
      ['SELECT * FROM Music WHERE Artist # 1', /Unexpected character '#'/],
      ['SELECT * FROM Music WHERE Artist', /Expected a comparison, found end of statement/],
      ['UPDATE Music WHERE Artist = 1', /Expected SET or REMOVE/],
      ['', /Expected data manipulation, found end of statement/],
    ];
    for (const [text, message] of cases) refused(text, message);
  });

  test('any text at all is either parsed or refused with a ValidationException, never anything else', () => {
    const pieces = fc.constantFrom('SELECT', '*', 'FROM', 'Music', '"x"', "'s'", 'WHERE', 'a', '=', '?', 'AND', 'OR', 'NOT', '(', ')', '[', ']', '{', '}', ',', '.', 'IN', 'BETWEEN', 'IS', 'MISSING', '1', '<<', '>>', 'UPDATE', 'SET', 'REMOVE', 'DELETE', 'INSERT', 'INTO', 'VALUE', ':', 'RETURNING', 'ALL', 'OLD');
    fc.assert(
      fc.property(fc.oneof(fc.array(pieces, { maxLength: 14 }).map((parts) => parts.join(' ')), fc.string()), (text) => {
        try {
          parseStatement(text);
        } catch (error) {
          assert.ok(error instanceof AwsError && error.code === 'com.amazon.coral.validate#ValidationException', `${JSON.stringify(text)} threw ${String(error)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('translation into item requests', () => {
  test('an equality on the partition key makes a Query; the sort key joins the key condition; the rest filters', () => {
    const result = plan(`SELECT Artist, price FROM Music WHERE Artist = ? AND SongTitle BETWEEN 'a' AND 'm' AND price < 10 ORDER BY SongTitle DESC`, [{ S: 'Acme' }]);
    assert.equal(result.kind, 'read');
    if (result.kind !== 'read') return;
    assert.equal(result.operation, 'Query');
    assert.deepEqual(result.request, {
      TableName: 'Music',
      ProjectionExpression: '#n0, #n1',
      KeyConditionExpression: '(#n0 = :v0) AND (#n2 BETWEEN :v1 AND :v2)',
      FilterExpression: '#n1 < :v3',
      ScanIndexForward: false,
      ExpressionAttributeNames: { '#n0': 'Artist', '#n1': 'price', '#n2': 'SongTitle' },
      ExpressionAttributeValues: { ':v0': { S: 'Acme' }, ':v1': { S: 'a' }, ':v2': { S: 'm' }, ':v3': { N: '10' } },
    });
    assert.equal(result.singleItem, undefined);
  });

  test('without an equality on the partition key it is a Scan; both keys equal make a single-item read', () => {
    const scan = plan(`SELECT * FROM Music WHERE Artist = 'a' OR price > 1`);
    assert.equal(scan.kind === 'read' && scan.operation, 'Scan');
    const one = plan(`SELECT * FROM Music WHERE SongTitle = 'b' AND Artist = 'a'`);
    assert.deepEqual(one.kind === 'read' && one.singleItem, { Key: { Artist: { S: 'a' }, SongTitle: { S: 'b' } }, filtered: false });
    const index = plan(`SELECT * FROM Music."by-year" WHERE "Year" = 1999`);
    assert.equal(index.kind === 'read' && index.operation, 'Query');
    assert.equal(index.kind === 'read' && (index.request as { IndexName: string }).IndexName, 'by-year');
  });

  test('INSERT puts only where no item has the key; UPDATE changes only an existing item; DELETE keeps its condition', () => {
    const insert = plan(`INSERT INTO Music VALUE {'Artist': ?, 'SongTitle': 'x', 'tags': <<'a','b'>>}`, [{ S: 'A' }]);
    assert.deepEqual(insert.kind === 'write' && insert.request, {
      TableName: 'Music',
      Item: { Artist: { S: 'A' }, SongTitle: { S: 'x' }, tags: { SS: ['a', 'b'] } },
      ConditionExpression: 'attribute_not_exists(#n0)',
      ExpressionAttributeNames: { '#n0': 'Artist' },
    });
    const update = plan(`UPDATE Music SET plays = plays + 1 REMOVE old SET tags = set_add(tags, <<'x'>>) WHERE Artist = 'A' AND SongTitle = 'x' AND plays < 100 RETURNING ALL NEW *`);
    assert.equal(update.kind, 'write');
    if (update.kind !== 'write') return;
    assert.equal(update.request.UpdateExpression, 'SET #n0 = #n0 + :v0 REMOVE #n1 ADD #n2 :v1');
    assert.equal(update.request.ConditionExpression, '(attribute_exists(#n3)) AND (#n0 < :v2)');
    assert.deepEqual(update.request.Key, { Artist: { S: 'A' }, SongTitle: { S: 'x' } });
    assert.equal(update.request.ReturnValues, 'ALL_NEW');
    const del = plan(`DELETE FROM Music WHERE Artist = 'A' AND SongTitle = 'x' AND attribute_exists(plays)`);
    assert.equal(del.kind === 'write' && del.request.ConditionExpression, 'attribute_exists(#n0)');
  });

  test('parameters must match the statement; UPDATE and DELETE need the whole key; ORDER BY needs a Query on the sort key', () => {
    refused(`SELECT * FROM Music WHERE Artist = ?`, /^Number of parameters in request and statement don't match\.$/);
    refused(`SELECT * FROM Music WHERE Artist = ?`, /^Number of parameters/, [{ S: 'a' }, { S: 'b' }]);
    refused(`UPDATE Music SET a = 1 WHERE Artist = 'x'`, /^Where clause does not contain a mandatory equality on all key attributes$/);
    refused(`DELETE FROM Music WHERE Artist > 'x' AND SongTitle = 'y'`, /mandatory equality on all key attributes/);
    refused(`SELECT * FROM Music ORDER BY SongTitle`, /^Must have WHERE clause in the statement when using ORDER BY clause\.$/);
    refused(`SELECT * FROM Music WHERE Artist = 'a' ORDER BY price`, /must be the sort key/);
    refused(`SELECT * FROM Music WHERE Artist = ?`, /not an AttributeValue/, ['plain text']);
    refused(`SELECT * FROM Music."nope" WHERE x = 1`, /does not have the specified index: nope/);
  });
});
