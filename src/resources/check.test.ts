import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkValue } from './check.ts';
import { array, boolean, dropped, integer, intOrString, map, object, preserved, string } from './schema.ts';

interface Thing {
  name: string;
  size?: number;
  tags?: string[];
  nested?: { mode?: string };
}

const thing = object<Thing>(
  {
    name: string({ minLength: 1 }),
    size: integer({ minimum: 1, maximum: 10 }),
    tags: array(string(), { listType: 'set' }),
    nested: object<{ mode?: string }>({ mode: string({ enum: ['a', 'b'], default: 'a' }) }, { default: {} }),
    on: boolean(),
    port: intOrString(),
    extra: preserved(),
    status: dropped(),
  },
  {
    required: ['name'],
    rules: [(self, report) => self.size === 3 && report('three is not allowed', ['size'])],
  },
);

function problems(raw: unknown): string[] {
  return checkValue(thing, raw).problems.map((p) => `${p.severity} ${p.path}: ${p.message}`);
}

test('defaults apply to absent and null fields, and are copies', () => {
  const first = checkValue(thing, { name: 'x', nested: null }).value as Thing;
  const second = checkValue(thing, { name: 'y' }).value as Thing;
  assert.deepEqual(first, { name: 'x', nested: { mode: 'a' } });
  assert.notEqual(first.nested, second.nested);
});

test('unknown fields are dropped with a warning; dropped fields silently; preserved fields as written', () => {
  const { value, problems: found } = checkValue(thing, {
    name: 'x',
    color: 'red',
    status: { a: 1 },
    extra: { any: [1] },
  });
  assert.deepEqual(value, { name: 'x', extra: { any: [1] }, nested: { mode: 'a' } });
  assert.deepEqual(found, [{ severity: 'warning', path: 'color', message: 'unknown field; it is ignored' }]);
});

test('types, limits, enums and sets are checked; there is no value when there is an error', () => {
  assert.deepEqual(problems({ size: 2.5, tags: ['a', 'a'], nested: { mode: 'c' }, on: 'yes', port: true }), [
    'error size: must be an integer, not the decimal 2.5',
    'error tags[1]: duplicate value "a"',
    'error nested.mode: unsupported value "c"; must be one of: "a", "b"',
    'error on: must be true or false, not the string "yes"',
    'error port: must be an integer or a string, not the boolean true',
    'error name: required field is missing',
  ]);
  assert.equal(checkValue(thing, { name: '' }).value, undefined);
  assert.deepEqual(problems({ name: 'x', size: 11, tags: [null] }), [
    'error size: must be between 1 and 10, not 11',
    'error tags[0]: must be a string, not null',
  ]);
  assert.deepEqual(problems({ name: true }), [
    'error name: must be a string, not the boolean true (quote it in YAML to make it a string)',
  ]);
});

test('rules run on valid values only', () => {
  assert.deepEqual(problems({ name: 'x', size: 3 }), ['error size: three is not allowed']);
  assert.deepEqual(problems({ name: '', size: 3 }), ['error name: must not be empty']);
});

test('map keys stay plain entries, even "__proto__"', () => {
  const { value } = checkValue(map<string>(string()), JSON.parse('{"__proto__": "x", "a": "b"}'));
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value as object), ['__proto__', 'a']);
});

test('map sizes are checked at both ends', () => {
  const labels = map<string>(string(), { minProperties: 1, maxProperties: 2 });
  const found = (raw: unknown) => checkValue(labels, raw).problems.map((p) => p.message);
  assert.deepEqual(found({}), ['must have at least 1 entry']);
  assert.deepEqual(found({ a: '1', b: '2', c: '3' }), ['must have at most 2 entries, not 3']);
  assert.deepEqual(found({ a: '1' }), []);
});
