import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SluiceError } from '../../errors.ts';
import { inferenceApiOf, parseInferenceBody } from './parse-body.ts';

function failsWith(code: string, status: number, pattern?: RegExp) {
  return (error: unknown) =>
    error instanceof SluiceError &&
    error.code === code &&
    error.status === status &&
    (pattern?.test(error.message) ?? true);
}

describe('inference body parsing', () => {
  it('reads a chat request: model, messages as JSON for hashing, stream and token limit', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ];
    const parsed = parseInferenceBody(
      JSON.stringify({ model: 'llama', messages, stream: true, max_completion_tokens: 64, cache_salt: 's' }),
      '/v1/chat/completions',
    );
    assert.equal(parsed.api, 'chat/completions');
    assert.equal(parsed.model, 'llama');
    assert.equal(parsed.prompt, JSON.stringify(messages));
    assert.equal(parsed.stream, true);
    assert.equal(parsed.maxTokens, 64);
    assert.equal(parsed.cacheSalt, 's');
  });

  it('reads completions, embeddings and responses prompts', () => {
    assert.equal(
      parseInferenceBody('{"model":"m","prompt":"Once upon"}', '/v1/completions').prompt,
      'Once upon',
    );
    assert.equal(parseInferenceBody('{"model":"m","prompt":["a","b"]}', '/v1/completions').prompt, 'ab');
    assert.equal(parseInferenceBody('{"model":"m","input":["x"]}', '/v1/embeddings').prompt, '["x"]');
    assert.equal(
      parseInferenceBody(
        '{"model":"m","instructions":"Be kind","input":"Hi","max_output_tokens":5}',
        '/v1/responses',
      ).prompt,
      '[{"instructions":"Be kind"},{"input":"Hi"}]',
    );
    assert.equal(
      parseInferenceBody(Buffer.from('{"model":"m","prompt":"x","max_tokens":3}'), '/v1/completions')
        .maxTokens,
      3,
    );
  });

  it('tells the API by path suffix', () => {
    assert.equal(inferenceApiOf('/v1/chat/completions?x=1'), 'chat/completions');
    assert.equal(
      inferenceApiOf('/v1/projects/p/locations/l/endpoints/openapi/chat/completions'),
      'chat/completions',
    );
    assert.equal(inferenceApiOf('/v1/completions/'), 'completions');
    assert.equal(inferenceApiOf('/v1/models'), undefined);
  });

  it('answers 400 for a missing model, bad JSON or a missing input', () => {
    assert.throws(
      () => parseInferenceBody('{"messages":[{"role":"user","content":"x"}]}', '/v1/chat/completions'),
      failsWith('model_missing', 400),
    );
    assert.throws(
      () => parseInferenceBody('{"model":""}', '/v1/completions'),
      failsWith('model_missing', 400),
    );
    assert.throws(
      () => parseInferenceBody('{nope', '/v1/completions'),
      failsWith('bad_request', 400, /not valid JSON/),
    );
    assert.throws(
      () => parseInferenceBody('[1]', '/v1/completions'),
      failsWith('bad_request', 400, /JSON object/),
    );
    assert.throws(
      () => parseInferenceBody('{"model":"m","messages":[]}', '/v1/chat/completions'),
      failsWith('bad_request', 400, /non-empty messages/),
    );
    assert.throws(
      () => parseInferenceBody('{"model":"m","prompt":"x","stream":"yes"}', '/v1/completions'),
      failsWith('bad_request', 400, /stream/),
    );
    assert.throws(
      () => parseInferenceBody('{"model":"m","prompt":"x","max_tokens":-1}', '/v1/completions'),
      failsWith('bad_request', 400, /max_tokens/),
    );
    assert.throws(
      () => parseInferenceBody('{"model":"m"}', '/v1/models'),
      failsWith('bad_request', 400, /not an inference API/),
    );
  });

  it('answers 413 for a body over the limit, before parsing it', () => {
    assert.throws(
      () => parseInferenceBody('{"model":"m","prompt":"x"}', '/v1/completions', 10),
      failsWith('body_too_large', 413, /10 bytes/),
    );
  });

  it('answers errors in OpenAI shape', () => {
    const error = new SluiceError('model_missing');
    assert.deepEqual(JSON.parse(error.toBody()), {
      error: {
        message: 'you must provide a model parameter',
        type: 'invalid_request_error',
        code: 'model_missing',
      },
    });
  });
});
